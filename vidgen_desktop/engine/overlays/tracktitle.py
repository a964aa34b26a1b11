"""What the title card says: the text given, or the audio's own title and artist."""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.overlays import TITLE_AUTO, OverlaySpec


def title_for(spec: OverlaySpec, audio: Path, cancel: CancelToken | None = None) -> tuple[str, str] | None:
    """(title, artist) to show: the text given, or with ``auto`` the audio's tags (its file name without tags)."""
    if not spec.has_title:
        return None
    if spec.title.lower() != TITLE_AUTO:
        return spec.title, ""
    from vidgen_desktop.engine.tags import read_tags

    fallback = audio.stem.replace("_", " ").strip()
    return read_tags(audio, cancel=cancel).display_title(fallback)
