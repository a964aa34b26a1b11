"""Why Render cannot start right now, in words the button's label and tooltip show.

The window collects what it knows into a :class:`GateState`; :func:`render_blocker` answers
with the first thing the user has to do, or "" when a render can start. Pure, so every
reason is tested without a window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.bridge.output_path import is_video_name


@dataclass(frozen=True)
class GateState:
    """A snapshot of the window's inputs, as far as starting a render is concerned."""

    rendering: bool = False
    reading_image: bool = False
    reading_sound: bool = False
    has_image: bool = False
    image_error: str | None = None
    #: The sound comes from the Narration tab (a typed script), not a sound file.
    narrating: bool = False
    script: str = ""
    #: Why the chosen speech engine cannot speak now ("" when it can).
    engine_blocker: str = ""
    has_sound: bool = False
    sound_error: str | None = None
    output: Path | None = None
    #: How many pictures were given (several: a slideshow).
    pictures: int = 1


def render_blocker(g: GateState) -> str:
    """The first thing in the way of a render, as a sentence; "" when it can start."""
    if g.rendering:
        return "A video is being rendered."
    if g.reading_image:
        return "Reading the pictures…" if g.pictures > 1 else "Reading the picture…"
    if g.reading_sound:
        return "Reading the sound file…"
    if not g.has_image and g.image_error and g.pictures > 1:
        return "Remove or replace the picture that can't be used (see the message under the pictures)."
    if not g.has_image:
        return "Choose another picture: this one can't be used." if g.image_error else "Add a picture to start."
    if g.narrating:
        if not g.script.strip():
            return "Type the words to speak in the Narration tab."
        if g.engine_blocker:
            return g.engine_blocker
    elif not g.has_sound:
        return "Choose another sound file: this one can't be used." if g.sound_error else "Add a sound file."
    if g.output is None:
        return "Choose where to save the video."
    if not is_video_name(g.output):
        return "The video's file name must end in .mp4."
    return ""
