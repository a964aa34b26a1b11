"""The Audiogram tab's preview: the window's choices turned into one engine-drawn frame (off the GUI thread)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vidgen_desktop.bridge.job_builder import build_overlays
from vidgen_desktop.core.jobs import Fit, parse_aspect
from vidgen_desktop.core.settings import OutputSettings, OverlaySettings

#: The preview's long side, in pixels (the tab shows it at about this size).
PREVIEW_LONG_SIDE = 640


def preview_size(out: OutputSettings, image_size: tuple[int, int]) -> tuple[int, int]:
    """The frame shape the video will have (its aspect, or the picture's own), at preview size, even."""
    aspect = parse_aspect(out.aspect) or image_size
    aw, ah = aspect
    w, h = (float(PREVIEW_LONG_SIDE), PREVIEW_LONG_SIDE * ah / aw) if aw >= ah else \
        (PREVIEW_LONG_SIDE * aw / ah, float(PREVIEW_LONG_SIDE))
    return max(2, round(w / 2) * 2), max(2, round(h / 2) * 2)


def overlay_preview(image: Path, image_size: tuple[int, int], audio: Path | None, overlays: OverlaySettings,
                    out: OutputSettings) -> Any:
    """An RGB frame (numpy) of the picture with the audiogram as the video will show it. Blocking: run on the pool."""
    from vidgen_desktop.engine.overlays.preview import preview_frame

    return preview_frame(image, audio, build_overlays(overlays), preview_size(out, image_size), Fit(out.fit))
