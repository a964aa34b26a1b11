"""One frame of the audiogram over the picture, for the window's live preview before rendering.

Cheap on purpose (it runs each time a setting changes): the picture is decoded at a
reduced scale, shown whole (the camera's first frame), and only a second of the sound
around the previewed moment is decoded.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.jobs import Fit
from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.engine.canvas import fit_canvas, rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.image_io import open_image
from vidgen_desktop.engine.media import probe_streams
from vidgen_desktop.engine.overlays.audiogram import Audiogram
from vidgen_desktop.engine.overlays.colour import accent_colour
from vidgen_desktop.engine.overlays.features import analyse_frames
from vidgen_desktop.engine.overlays.tracktitle import title_for

#: Where in the sound the preview looks (a share of its length: past any quiet intro).
PREVIEW_AT = 0.3
PREVIEW_FPS = 30.0


def preview_frame(image: Path, audio: Path | None, spec: OverlaySpec, frame_size: tuple[int, int],
                  fit: Fit = Fit.BLUR) -> npt.NDArray[np.uint8]:
    """An (h, w, 3) RGB frame of ``frame_size`` with ``spec``'s overlays as the video will show them."""
    w, h = frame_size
    picture = open_image(image, want=(w, h))
    canvas = rgb_to_yuv420(fit_canvas(picture, frame_size, fit, 1.0))
    cw, ch = canvas.size
    x0, y0 = ((cw - w) // 2) & ~1, ((ch - h) // 2) & ~1  # the middle (``crop`` makes the canvas larger)
    y = np.ascontiguousarray(canvas.y[y0:y0 + h, x0:x0 + w])
    u, v = (np.ascontiguousarray(p[y0 // 2:(y0 + h) // 2, x0 // 2:(x0 + w) // 2]) for p in (canvas.u, canvas.v))
    if audio is not None and spec.active:
        _streams, duration = probe_streams(audio)
        duration = duration or 10.0
        frames = max(1, math.ceil(duration * PREVIEW_FPS))
        at = int(frames * PREVIEW_AT)
        features = analyse_frames(audio, PREVIEW_FPS, 1, start_s=at / PREVIEW_FPS) \
            if spec.visualizer != "none" else None
        colour = accent_colour(np.asarray(open_image(image, want=(96, 96)), np.uint8))
        overlay = Audiogram(spec, frame_size, frames, colour, features, title_for(spec, audio), features_from=at)
        overlay.draw(y, u, v, at)
    return yuv420_to_rgb(y, u, v, max_side=max(w, h))
