"""Audiogram overlays (``--visualizer``, ``--progress-line``, ``--title``): prepared once, drawn into every frame.

:func:`prepare_audiogram` reads what it needs before the first frame (the sound's
per-frame features in one streamed decode, the tags, the picture's colour);
:func:`audiogram_writer` then draws into each frame on its way to the encoder.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.engine.overlays.audiogram import Audiogram, Layout
from vidgen_desktop.engine.overlays.colour import accent_colour
from vidgen_desktop.engine.overlays.features import AudioFeatures, analyse_frames
from vidgen_desktop.engine.overlays.tracktitle import title_for
from vidgen_desktop.engine.planes import DrawingWriter

#: Share of the frame's height kept for two lines of bottom captions (their safe margin included).
CAPTION_CLEARANCE = 0.17

__all__ = ["AudioFeatures", "Audiogram", "Layout", "analyse_frames", "audiogram_writer", "prepare_audiogram", "title_for"]


def prepare_audiogram(spec: OverlaySpec, *, audio: Path, image: Path, frame_size: tuple[int, int], fps: float,
                      frames: int, cancel: CancelToken | None = None,
                      captions_at_bottom: bool = False) -> Audiogram | None:
    """Everything the overlays need, read before rendering; None when ``spec`` asks for nothing.

    ``captions_at_bottom``: burned captions will sit at the bottom, so the visualizer moves up above them."""
    if not spec.active:
        return None
    import numpy as np

    from vidgen_desktop.engine.image_io import open_image

    features = analyse_frames(audio, fps, frames, cancel=cancel) if spec.visualizer != "none" else None
    picture = open_image(image, want=(96, 96))
    colour = accent_colour(np.asarray(picture.convert("RGB"), np.uint8))
    clear = CAPTION_CLEARANCE if captions_at_bottom else 0.0
    return Audiogram(spec, frame_size, frames, colour, features, title_for(spec, audio, cancel), clear_bottom=clear)


def audiogram_writer(write: Callable[..., None], audiogram: Audiogram | None, start_frame: int = 0) -> Any:
    """Wrap ``write(y, u, v)`` so each frame gets the audiogram drawn in (``write`` itself without one)."""
    if audiogram is None:
        return write
    return DrawingWriter(write, audiogram.draw, (audiogram.w, audiogram.h), start_frame)
