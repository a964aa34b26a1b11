"""The overlay's colour, taken from the picture: its most prominent vivid hue, made bright enough to read."""

from __future__ import annotations

import colorsys

import numpy as np
import numpy.typing as npt

#: Used when the picture has no vivid colour (black and white, greys).
NEUTRAL = (236, 236, 236)
#: Below this share of saturated, visible pixels the picture counts as grey.
_MIN_VIVID = 0.02


def accent_colour(rgb: npt.NDArray[np.uint8]) -> tuple[int, int, int]:
    """An RGB colour for bars, waves and lines that belongs to ``rgb`` (an (h, w, 3) picture, any size)."""
    import cv2

    small: npt.NDArray[np.uint8] = rgb
    if max(rgb.shape[:2]) > 96:
        s = 96 / max(rgb.shape[:2])
        size = (max(1, round(rgb.shape[1] * s)), max(1, round(rgb.shape[0] * s)))
        small = np.asarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA), np.uint8)
    hsv = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2HSV_FULL).reshape(-1, 3).astype(np.float32)
    hue, sat, val = hsv[:, 0] / 256.0, hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    weight = sat * val * (sat > 0.25) * (val > 0.2)
    if weight.size == 0 or float(np.count_nonzero(weight)) / weight.size < _MIN_VIVID:
        return NEUTRAL
    bins = 24
    hist = np.bincount(np.minimum((hue * bins).astype(np.int64), bins - 1), weights=weight, minlength=bins)
    # Smooth around the circle so a hue split over two bins still wins.
    hist = hist + 0.5 * (np.roll(hist, 1) + np.roll(hist, -1))
    best = int(np.argmax(hist))
    in_bin = np.minimum((hue * bins).astype(np.int64), bins - 1) == best
    h = float(np.average(hue[in_bin], weights=weight[in_bin])) if weight[in_bin].sum() > 0 else (best + 0.5) / bins
    s = min(0.85, max(0.55, float(np.average(sat[in_bin], weights=weight[in_bin])) if in_bin.any() else 0.7))
    r, g, b = colorsys.hsv_to_rgb(h, s, 0.96)
    return round(r * 255), round(g * 255), round(b * 255)
