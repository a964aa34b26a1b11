"""The Ken Burns tier: smooth sub-pixel pan and zoom over a still picture.

Each frame is a float affine warp of the YUV canvas planes (no rounding of the
camera window), done by OpenCV, which releases the GIL so warping overlaps with
encoding on another thread. Everything that does not change per frame is done once:
the whole camera path and its warp matrices are arrays computed before the first
frame, and frames are warped straight into a ring of preallocated buffers (``buffers``),
so the per-frame work is the three warps and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from vidgen_desktop.core.jobs import Quality
from vidgen_desktop.engine.canvas import Plane, YuvCanvas
from vidgen_desktop.engine.motion import CameraPath, CameraTrack, Window


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


def track_affines(track: CameraTrack, out_w: int, out_h: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`affine_for` of every frame at once: arrays of shape (frames, 2, 3)."""
    sx, sy = track.w / out_w, track.h / out_h
    n = len(track)
    luma = np.zeros((n, 2, 3), np.float64)
    chroma = np.zeros((n, 2, 3), np.float64)
    for m in (luma, chroma):
        m[:, 0, 0], m[:, 1, 1] = sx, sy
    luma[:, 0, 2] = track.x + 0.5 * (sx - 1.0)
    luma[:, 1, 2] = track.y + 0.5 * (sy - 1.0)
    chroma[:, 0, 2] = track.x / 2.0 + 0.25 * (sx - 1.0)
    chroma[:, 1, 2] = track.y / 2.0 + 0.5 * (sy - 1.0)
    return luma, chroma


def render_frames(canvas: YuvCanvas, path: CameraPath | CameraTrack, out_size: tuple[int, int], frames: int,
                  quality: Quality = Quality.STANDARD, start: int = 0, buffers: int = 0) -> Iterator[Frame]:
    """Yield frames ``start``..``frames-1``; memory holds one frame at a time.

    ``buffers`` > 0 reuses that many preallocated frames in turn (a yielded frame is
    overwritten ``buffers`` frames later: give at least what the consumer keeps in flight);
    0 gives every frame its own arrays.
    """
    import cv2

    ow, oh = out_size
    track = path.track() if isinstance(path, CameraPath) else path
    if len(track) < frames:
        raise ValueError(f"the camera path has {len(track)} frames, {frames} asked for")
    m_luma, m_chroma = track_affines(track, ow, oh)
    interp = cv2.INTER_CUBIC if quality is Quality.HIGH else cv2.INTER_LINEAR
    flags = interp | cv2.WARP_INVERSE_MAP
    border = cv2.BORDER_REPLICATE
    luma_size, chroma_size = (ow, oh), (ow // 2, oh // 2)
    ring = [_frame_buffer(ow, oh) for _ in range(buffers)]
    for i in range(start, frames):
        f = ring[i % buffers] if buffers else _frame_buffer(ow, oh)
        cv2.warpAffine(canvas.y, m_luma[i], luma_size, dst=f.y, flags=flags, borderMode=border)
        cv2.warpAffine(canvas.u, m_chroma[i], chroma_size, dst=f.u, flags=flags, borderMode=border)
        cv2.warpAffine(canvas.v, m_chroma[i], chroma_size, dst=f.v, flags=flags, borderMode=border)
        yield f


def _frame_buffer(ow: int, oh: int) -> Frame:
    """One I420 frame: three plane views into one contiguous buffer."""
    buf = np.empty(ow * oh * 3 // 2, np.uint8)
    n, c = ow * oh, (ow // 2) * (oh // 2)
    return Frame(buf[:n].reshape(oh, ow), buf[n:n + c].reshape(oh // 2, ow // 2),
                 buf[n + c:n + 2 * c].reshape(oh // 2, ow // 2))
