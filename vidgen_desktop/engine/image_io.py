"""Opening user pictures safely: any common format and pixel layout, EXIF orientation, bomb checks.

Large photos are reduced as they are decoded (JPEG draft mode) and then pre-scaled
once with area filtering, so a 50-megapixel photo costs neither memory nor aliasing.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.media import AUDIO_EXTENSIONS, _check_readable

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif"})
#: Pictures above this are refused: a decompression bomb, or far beyond anything a video needs.
MAX_PIXELS = 250_000_000

RGB = npt.NDArray[np.uint8]


def _open_header(path: Path) -> Image.Image:
    """Open lazily (no pixels decoded) and check type and size; the shared first step."""
    _check_readable(path, "an image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None  # we check the size ourselves, with a clearer message
            im: Image.Image = Image.open(path)
    except UnidentifiedImageError:
        if path.suffix.lower() in AUDIO_EXTENSIONS:
            raise InputError(path, "is an audio file, not an image", hint="did you swap IMAGE and AUDIO?") from None
        raise InputError(path, "is not an image this app can read (JPEG, PNG, WebP, TIFF, BMP or GIF)") from None
    except OSError as exc:
        raise InputError(path, f"is damaged or truncated ({exc})") from None
    w, h = im.size
    if w * h > MAX_PIXELS:
        raise InputError(path, f"is {w}x{h} ({w * h / 1e6:.0f} megapixels); pictures over "
                               f"{MAX_PIXELS / 1e6:.0f} megapixels are refused")
    if w < 1 or h < 1:
        raise InputError(path, "has no pixels")
    return im


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1))
    except (OSError, ValueError, SyntaxError):
        return 1


def image_size(path: Path | str) -> tuple[int, int]:
    """Displayed (EXIF-oriented) size, from the header only: cheap even for huge pictures."""
    im = _open_header(Path(path))
    w, h = im.size
    return (h, w) if _orientation(im) in (5, 6, 7, 8) else (w, h)


def open_image(path: Path | str, *, want: tuple[int, int] | None = None) -> Image.Image:
    """Open, validate and orient a picture; returns an RGB image.

    ``want`` is the smallest size the caller needs: JPEGs are then decoded at a
    reduced scale (1/2, 1/4, 1/8) that still covers it, which is fast and light.
    """
    path = Path(path)
    im = _open_header(path)
    try:
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)  # animated GIF/WebP: first frame
        if want is not None and im.format == "JPEG":
            ww, wh = (want[1], want[0]) if _orientation(im) in (5, 6, 7, 8) else want
            im.draft("RGB", (max(1, ww), max(1, wh)))
        im.load()
        im = ImageOps.exif_transpose(im) or im
    except (OSError, ValueError, SyntaxError) as exc:
        raise InputError(path, f"is damaged or truncated ({exc})") from None
    return to_rgb(im)


def to_rgb(im: Image.Image) -> Image.Image:
    """Any mode (grey, CMYK, palette, 16-bit, float, alpha) to 8-bit RGB."""
    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float32)
        hi = 65535.0 if arr.max(initial=0.0) > 255.0 else 255.0
        if mode == "F" and arr.max(initial=0.0) <= 1.0:
            hi = 1.0
        grey = np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(grey).convert("RGB")
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        return _flatten_alpha(rgba)
    if mode == "RGB":
        return im
    return im.convert("RGB")


def _flatten_alpha(rgba: Image.Image) -> Image.Image:
    """Put a transparent picture on black, or on white when its visible part is dark (black logos)."""
    arr = np.asarray(rgba, dtype=np.float32) / 255.0
    alpha = arr[..., 3:4]
    visible = alpha[..., 0] > 0.5
    luma = (arr[..., :3] @ np.array([0.2126, 0.7152, 0.0722], np.float32))
    dark = bool(visible.any() and float(luma[visible].mean()) < 0.35)
    bg = 1.0 if dark else 0.0
    out = arr[..., :3] * alpha + bg * (1.0 - alpha)
    return Image.fromarray(np.clip(out * 255.0 + 0.5, 0, 255).astype(np.uint8), "RGB")


def load_thumbnail(path: Path | str, max_side: int) -> RGB:
    """A small oriented RGB copy for the window's drop zone."""
    im = open_image(path, want=(max_side, max_side))
    im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return np.asarray(im, dtype=np.uint8)


def resize_rgb(arr: RGB, size: tuple[int, int]) -> RGB:
    """Area filtering when shrinking (no aliasing), bicubic when enlarging."""
    import cv2

    w, h = size
    if (w, h) == (arr.shape[1], arr.shape[0]):
        return arr
    shrinking = w * h < arr.shape[0] * arr.shape[1]
    interp = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(arr, (w, h), interpolation=interp), dtype=np.uint8)
