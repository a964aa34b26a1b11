"""The Ken Burns tier: smooth sub-pixel pan and zoom over a still picture.

Each frame is a float affine warp of the YUV canvas planes (no rounding of the
camera window), done by OpenCV, which releases the GIL so warping overlaps with
encoding on another thread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from vidgen_desktop.core.jobs import Quality
from vidgen_desktop.engine.canvas import Plane, YuvCanvas
from vidgen_desktop.engine.motion import CameraPath, Window


@dataclass(frozen=True)
class Frame:
    y: Plane
    u: Plane
    v: Plane


def affine_for(win: Window, out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray]:
    """Inverse maps (output pixel -> canvas pixel) for luma and for left-sited 4:2:0 chroma."""
    sx, sy = win.w / out_w, win.h / out_h
    luma = np.array([[sx, 0.0, win.x + 0.5 * (sx - 1.0)], [0.0, sy, win.y + 0.5 * (sy - 1.0)]], np.float64)
    chroma = np.array([[sx, 0.0, win.x / 2.0 + 0.25 * (sx - 1.0)], [0.0, sy, win.y / 2.0 + 0.5 * (sy - 1.0)]],
                      np.float64)
    return luma, chroma


def render_frames(canvas: YuvCanvas, path: CameraPath, out_size: tuple[int, int], frames: int,
                  quality: Quality = Quality.STANDARD, start: int = 0) -> Iterator[Frame]:
    """Yield frames ``start``..``frames-1``; memory holds one frame at a time."""
    import cv2

    ow, oh = out_size
    interp = cv2.INTER_CUBIC if quality is Quality.HIGH else cv2.INTER_LINEAR
    flags = interp | cv2.WARP_INVERSE_MAP
    border = cv2.BORDER_REPLICATE
    for i in range(start, frames):
        m_luma, m_chroma = affine_for(path.window(i), ow, oh)
        y = cv2.warpAffine(canvas.y, m_luma, (ow, oh), flags=flags, borderMode=border)
        u = cv2.warpAffine(canvas.u, m_chroma, (ow // 2, oh // 2), flags=flags, borderMode=border)
        v = cv2.warpAffine(canvas.v, m_chroma, (ow // 2, oh // 2), flags=flags, borderMode=border)
        yield Frame(np.asarray(y, np.uint8), np.asarray(u, np.uint8), np.asarray(v, np.uint8))
