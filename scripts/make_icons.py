#!/usr/bin/env python3
"""Draw the VidGen app icon with Pillow and write every size each OS needs into ``resources/icons``.

The mark: a rounded tile with a dusk sky, a sun and two hills (the built-in sample's
landscape) with a white play triangle over it. Small sizes (<= 32 px) are drawn with
less detail and a bigger triangle so they stay readable in a title bar or a tray.

Outputs (all made here, CC0 like the rest of ``resources/``):

- ``vidgen-<N>.png`` for N in 16 24 32 48 64 128 256 512 1024: the window icon and
  the Linux hicolor theme (``share/icons/hicolor/NxN/apps/vidgen-desktop.png``);
- ``vidgen.ico``: Windows (16 24 32 48 64 128 256, each drawn at its own size);
- ``vidgen.icns``: macOS (16 32 64 128 256 512 1024 incl. the @2x variants).

Deterministic: running it twice gives the same bytes. Usage::

    python scripts/make_icons.py [OUT_DIR]        # default: resources/icons
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
SMALL = 32  # at or below: the simplified drawing
SUPERSAMPLE = 4

SKY_TOP = (52, 40, 140)
SKY_MID = (214, 104, 128)
SKY_LOW = (255, 184, 120)
SUN = (255, 236, 180)
HILL_FAR = (112, 62, 120)
HILL_NEAR = (44, 28, 72)


def _lerp(a: tuple[int, int, int], b: tuple[int, int, int], t: np.ndarray) -> np.ndarray:
    a_, b_ = np.array(a, np.float32), np.array(b, np.float32)
    return a_ + (b_ - a_) * t[..., None]


def _ridge(width: int, base: float, amp: float, phase: float, waves: float) -> np.ndarray:
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)
    return base - amp * (0.6 * np.sin(2 * math.pi * waves * x + phase) + 0.4 * np.sin(2 * math.pi * waves * 2.3 * x + 2 * phase))


def draw_icon(size: int) -> Image.Image:
    """The icon at ``size`` x ``size`` pixels, RGBA."""
    small = size <= SMALL
    n = size * SUPERSAMPLE
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / n

    # Sky: indigo at the top, rose in the middle, warm near the horizon.
    t = yy.clip(0, 1)
    sky = np.where((t < 0.5)[..., None], _lerp(SKY_TOP, SKY_MID, t / 0.5), _lerp(SKY_MID, SKY_LOW, ((t - 0.5) / 0.25).clip(0, 1)))
    img = sky
    if not small:
        sx, sy, sr = 0.75, 0.69, 0.10
        d = np.hypot(xx - sx, yy - sy)
        img = img + np.exp(-((d / (sr * 2.6)) ** 2))[..., None] * np.array([40, 36, 10], np.float32)
        img = np.where((d < sr)[..., None], np.array(SUN, np.float32), img)
    layers = [(HILL_NEAR, 0.80, 0.04, 2.2, 0.8)] if small else [
        (HILL_FAR, 0.70, 0.035, 0.7, 1.1), (HILL_NEAR, 0.79, 0.04, 2.4, 0.8)]
    for colour, base, amp, phase, waves in layers:
        ridge = _ridge(n, base, amp, phase, waves)
        img = np.where((yy > ridge[None, :])[..., None], np.array(colour, np.float32), img)
    rgb = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")

    # Rounded tile mask (a little inset so the shape reads as a tile on any background).
    inset = n * (0.03 if small else 0.05)
    mask = Image.new("L", (n, n), 0)
    ImageDraw.Draw(mask).rounded_rectangle((inset, inset, n - 1 - inset, n - 1 - inset), radius=n * 0.2, fill=255)

    # Play triangle, slightly left of centre so it looks centred, with a soft shadow.
    h = n * (0.50 if small else 0.40)
    cx, cy = n * 0.5, n * (0.48 if small else 0.42)
    w = h * math.sqrt(3) / 2
    tri = [(cx - w / 3, cy - h / 2), (cx + 2 * w / 3, cy), (cx - w / 3, cy + h / 2)]
    tri_mask = Image.new("L", (n, n), 0)
    dt = ImageDraw.Draw(tri_mask)
    dt.polygon(tri, fill=255)
    dt.line([*tri, tri[0], tri[1]], fill=255, width=max(1, int(n * 0.04)), joint="curve")  # rounded corners
    canvas = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    canvas.paste(rgb, (0, 0), mask)
    if not small:
        shadow = tri_mask.filter(ImageFilter.GaussianBlur(n * 0.02))
        shadow = ImageChops.offset(shadow, int(n * 0.01), int(n * 0.015))
        shade = Image.new("RGBA", (n, n), (20, 10, 40, 0))
        shade.putalpha(shadow.point(lambda v: v * 90 // 255))
        canvas = Image.alpha_composite(canvas, Image.composite(shade, Image.new("RGBA", (n, n)), mask))
    white = Image.new("RGBA", (n, n), (255, 255, 255, 255))
    canvas.paste(white, (0, 0), tri_mask.point(lambda v: v * 245 // 255))
    # Box-average the supersampled drawing, premultiplied: no ringing, no dark fringe, clean transparent corners.
    return canvas.convert("RGBa").reduce(SUPERSAMPLE).convert("RGBA")


def write_icons(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    images = {s: draw_icon(s) for s in PNG_SIZES}
    written = []
    for s, im in images.items():
        p = out / f"vidgen-{s}.png"
        im.save(p, optimize=True)
        written.append(p)
    ico = out / "vidgen.ico"
    biggest = images[max(ICO_SIZES)]
    biggest.save(ico, sizes=[(s, s) for s in ICO_SIZES], append_images=[images[s] for s in ICO_SIZES if s != max(ICO_SIZES)])
    icns = out / "vidgen.icns"
    images[1024].save(icns, append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    return [*written, ico, icns]


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "resources" / "icons"
    for p in write_icons(out):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
