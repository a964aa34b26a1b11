"""What a captioned render asks for: plain data from the CLI and the window into the engine.

``source`` ``auto`` transcribes the render's audio with Whisper; ``file`` reads an existing
SRT or WebVTT (``captions_file``), e.g. captions edited after a first transcription, so a
re-render does not transcribe again. :mod:`vidgen_desktop.engine.captioned_render` carries it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CaptionSpec:
    """Captions for a render made from an audio file (a narrated render has its own, from the script)."""

    source: str = "auto"
    captions_file: Path | None = None
    #: Whisper model id or short name (tiny, base, small, turbo); ``None``: the installed one (small first).
    model_id: str | None = None
    #: Spoken language code; ``None`` lets Whisper detect it.
    language: str | None = None
    #: Translate the captions into this language (timing kept).
    translate_to: str | None = None
    translation_model: str | None = None
    #: Draw them into the picture.
    burn: bool = True
    #: Write ``VIDEO.srt`` beside the video.
    sidecar: bool = True
    #: The model store (``None``: the app's own).
    models_dir: Path | None = None
