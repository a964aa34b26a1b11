"""The still canvas the Ken Burns camera moves over, built once per render.

The canvas is the picture fitted to the output shape (``--fit``), pre-scaled once
with area filtering to the size the camera needs, and stored as YUV 4:2:0 planes:
warping those is half the bytes of RGB and spares ffmpeg a colour conversion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

from vidgen_desktop.core.jobs import Fit
from vidgen_desktop.engine.image_io import RGB, resize_rgb

Plane = npt.NDArray[np.uint8]
Float = npt.NDArray[np.float32]
#: The canvas never exceeds this many pixels (extreme panoramas pan a little less far).
MAX_CANVAS_PIXELS = 60_000_000


@dataclass(frozen=True)
class YuvCanvas:
    y: Plane
    u: Plane
    v: Plane

    @property
    def size(self) -> tuple[int, int]:
        return self.y.shape[1], self.y.shape[0]


def fit_canvas(picture: Image.Image, out_size: tuple[int, int], fit: Fit, overscan: float) -> RGB:
    """Compose the canvas for ``out_size`` frames at up to ``overscan`` zoom.

    ``crop`` keeps the whole picture at a scale that covers the frame, so the camera
    can pan along a panorama instead of throwing most of it away; ``pad`` and
    ``blur`` put the whole picture inside a frame-shaped canvas.
    """
    ow, oh = out_size
    iw, ih = picture.size
    arr = np.asarray(picture, dtype=np.uint8)
    if fit is Fit.CROP:
        s = max(ow * overscan / iw, oh * overscan / ih)
        s = min(s, (MAX_CANVAS_PIXELS / (iw * ih)) ** 0.5)
        cw, ch = max(ow, round(iw * s)), max(oh, round(ih * s))
        return resize_rgb(arr, (cw, ch))
    cw, ch = _even_ceil(ow * overscan), _even_ceil(oh * overscan)
    s = min(cw / iw, ch / ih)
    fw, fh = max(1, round(iw * s)), max(1, round(ih * s))
    fg = resize_rgb(arr, (fw, fh))
    if fit is Fit.PAD:
        canvas = np.zeros((ch, cw, 3), np.uint8)
    else:
        canvas = _blurred_fill(arr, (cw, ch))
    x0, y0 = (cw - fw) // 2, (ch - fh) // 2
    canvas[y0:y0 + fh, x0:x0 + fw] = fg
    return canvas


def _even_ceil(v: float) -> int:
    n = int(np.ceil(v - 1e-9))
    return n + (n % 2)


def _blurred_fill(arr: RGB, size: tuple[int, int]) -> RGB:
    """The picture enlarged to cover the frame, heavily blurred and dimmed: a calm backdrop."""
    import cv2

    cw, ch = size
    ih, iw = arr.shape[:2]
    # Blur at a small size (cheap and smooth), then enlarge.
    small_w = 64
    small_h = max(1, round(small_w * ch / cw))
    s = max(small_w / iw, small_h / ih)
    cover = resize_rgb(arr, (max(small_w, round(iw * s)), max(small_h, round(ih * s))))
    yx, xx = (cover.shape[0] - small_h) // 2, (cover.shape[1] - small_w) // 2
    small = np.ascontiguousarray(cover[yx:yx + small_h, xx:xx + small_w])
    blurred = cv2.GaussianBlur(small, (0, 0), sigmaX=4.0, borderType=cv2.BORDER_REFLECT)
    big = cv2.resize(blurred, (cw, ch), interpolation=cv2.INTER_CUBIC)
    return (big.astype(np.float32) * 0.55).astype(np.uint8)


def rgb_to_ycbcr(rgb: npt.NDArray[np.uint8] | npt.NDArray[np.float32]) -> tuple[Float, Float, Float]:
    """BT.709 Y' (0..1) and Cb, Cr (-0.5..0.5) of every pixel of an (h, w, 3) RGB array (0..255)."""
    f = rgb.astype(np.float32) / 255.0
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return y, (b - y) / 1.8556, (r - y) / 1.5748


def limited_range(y: Float, cb: Float, cr: Float) -> tuple[Float, Float, Float]:
    """Y'CbCr as video code points (limited range: Y' 16..235, chroma 16..240), still float."""
    return 16.0 + 219.0 * y, 128.0 + 224.0 * cb, 128.0 + 224.0 * cr


def rgb_to_yuv420(rgb: RGB) -> YuvCanvas:
    """BT.709 limited-range Y'CbCr with 4:2:0 chroma sited as ffmpeg assumes (left, between rows)."""
    y, cb, cr = rgb_to_ycbcr(rgb)
    h, w = y.shape
    if h % 2 or w % 2:  # pad to even by repeating the edge
        y, cb, cr = (np.pad(p, ((0, h % 2), (0, w % 2)), mode="edge") for p in (y, cb, cr))
    planes = limited_range(y, _chroma_420(cb), _chroma_420(cr))
    yp, up, vp = (np.clip(p + 0.5, 0, 255).astype(np.uint8) for p in planes)
    return YuvCanvas(yp, up, vp)


def _chroma_420(c: Float) -> Float:
    """Average row pairs; [1, 2, 1]/4 across columns centred on even columns (left siting)."""
    rows = 0.5 * (c[0::2] + c[1::2])
    left = np.concatenate([rows[:, :1], rows[:, 1:-1:2]], axis=1)
    out: Float = 0.25 * left + 0.5 * rows[:, 0::2] + 0.25 * rows[:, 1::2]
    return out


def yuv420_to_rgb(y: Plane, u: Plane, v: Plane, max_side: int = 320) -> RGB:
    """Small RGB preview of a frame (for the window's live preview)."""
    import cv2

    h, w = y.shape
    s = min(1.0, max_side / max(w, h))
    tw, th = max(2, int(w * s)), max(2, int(h * s))
    yf = cv2.resize(y, (tw, th), interpolation=cv2.INTER_AREA).astype(np.float32)
    uf = cv2.resize(u, (tw, th), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    vf = cv2.resize(v, (tw, th), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    yn = (yf - 16.0) / 219.0
    cb = (uf - 128.0) / 224.0
    cr = (vf - 128.0) / 224.0
    r = yn + 1.5748 * cr
    b = yn + 1.8556 * cb
    g = (yn - 0.2126 * r - 0.0722 * b) / 0.7152
    rgb = np.stack([r, g, b], axis=-1)
    out: RGB = np.clip(rgb * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return out
