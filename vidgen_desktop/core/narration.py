"""What a narrated render asks for: plain data that crosses from the CLI and the window into the engine.

It lives in ``core`` (no engine import) so the window can build one at start-up cost zero;
:mod:`vidgen_desktop.engine.narrated_render` carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.caption_look import CaptionLook


@dataclass(frozen=True)
class NarrationSpec:
    """A script spoken as the video's sound instead of an audio file.

    ``engine`` is auto|system|bark|xtts; ``captions`` is srt (a sidecar next to the video),
    burn (drawn into the picture) or none. A ``voice_sample`` (XTTS-v2 cloning) wins over
    ``voice``. ``models_dir`` is the voice model store (``None``: the app's own).
    """

    script: str
    engine: str = "auto"
    voice: str | None = None
    language: str | None = None
    captions: str = "srt"
    music: Path | None = None
    voice_sample: Path | None = None
    models_dir: Path | None = None
    #: Seed for Bark/XTTS sampling (same seed, same take).
    seed: int | None = None
    #: How burned captions look (``None``: the classic look).
    look: CaptionLook | None = None
