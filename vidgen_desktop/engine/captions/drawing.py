"""Drawing a caption: its lines as a sprite with Pillow, blended into YUV 4:2:0 (or RGB) frames.

The sprite is converted once to premultiplied Y and 2x2-averaged chroma, so blending it
into a frame costs a few milliseconds, only while the caption is on screen. A line whose
characters need more than one font is drawn as runs, one font each, on a shared baseline.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from vidgen_desktop.engine.canvas import limited_range, rgb_to_ycbcr
from vidgen_desktop.engine.captions.fonts import Font, FontPlan, builtin_font, load_font
from vidgen_desktop.engine.captions.layout import MAX_LINES
from vidgen_desktop.engine.captions.safe_area import SafeArea, safe_area

FloatArray = npt.NDArray[np.float32]
Plane = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class CaptionStyle:
    """How burned-in captions look (the engine's side of :class:`~vidgen_desktop.core.caption_look.CaptionLook`)."""

    #: classic: the cue's lines; karaoke: the word being said in ``highlight_rgb``; word: a few words, large.
    kind: Literal["classic", "karaoke", "word"] = "classic"
    mode: Literal["outline", "box"] = "outline"
    #: Text height as a fraction of the frame's shorter side (height for landscape, width for portrait)...
    font_scale: float = 0.058
    #: ...unless this is set: text height as a fraction of the frame's height.
    height_scale: float | None = None
    #: The smallest size, relative to the first, before a cue is split in parts instead.
    min_scale: float = 0.72
    text_rgb: tuple[int, int, int] = (255, 255, 255)
    highlight_rgb: tuple[int, int, int] = (255, 214, 0)
    outline_rgb: tuple[int, int, int] = (0, 0, 0)
    #: Outline width as a fraction of the font size.
    outline: float = 0.09
    #: Drop shadow offset as a fraction of the font size (0: none).
    shadow: float = 0.0
    shadow_opacity: float = 0.75
    box_rgb: tuple[int, int, int] = (0, 0, 0)
    box_opacity: float = 0.7
    line_spacing: float = 0.18
    max_lines: int = MAX_LINES
    #: Where in the shape's safe area (:mod:`.safe_area`).
    position: Literal["bottom", "middle", "top"] = "bottom"
    font_path: str | None = None

    def text_size(self, frame_size: tuple[int, int]) -> int:
        """The first font size tried, in pixels, for a ``(width, height)`` frame."""
        w, h = frame_size
        if self.height_scale is not None:
            return max(10, round(h * self.height_scale))
        return max(10, round(min(w, h) * self.font_scale * (WORD_SCALE if self.kind == "word" else 1.0)))


#: The word style's text is this much larger than classic's.
WORD_SCALE = 1.6


class FontSet:
    """A text's fonts (:class:`FontPlan`) at one size: measures and splits lines into runs."""

    def __init__(self, plan: FontPlan, size: int) -> None:
        self.plan = plan
        self.size = size
        self.fonts = [_load(path, size) for path in plan.fonts] or [builtin_font(size)]

    def runs(self, line: str) -> list[tuple[str, Font]]:
        """``line`` in visual order as (text, font) runs; one run (and the full bidi of raqm) when one font does."""
        if len(self.fonts) == 1:
            return [(line, self.fonts[0])]
        pieces: list[tuple[str, int]] = []
        for c in line:
            joins = unicodedata.category(c)[0] in "MC" and pieces and not pieces[-1][0].isspace()
            idx = -1 if c.isspace() else pieces[-1][1] if joins else self.plan.font_for(c)
            if pieces and pieces[-1][1] == idx:
                pieces[-1] = (pieces[-1][0] + c, idx)
            else:
                pieces.append((c, idx))
        used = {i for _t, i in pieces if i >= 0}
        if len(used) <= 1:
            return [(line, self.fonts[min(used, default=0)])]
        if _right_to_left(line):  # runs read right to left; raqm orders the text inside each run
            pieces.reverse()
        return [(t, self.fonts[max(i, 0)]) for t, i in pieces]

    def width(self, line: str) -> float:
        return float(sum(font.getlength(t) for t, font in self.runs(line)))

    def metrics(self) -> tuple[int, int]:
        """Ascent and descent that hold every font's glyphs."""
        m = [f.getmetrics() for f in self.fonts]
        return max(a for a, _d in m), max(d for _a, d in m)

    def place(self, line: str, stroke: int) -> tuple[list[tuple[float, str, Font]], int, int]:
        """Runs with their x on a baseline at y=0, and the line's ink extent (x0, x1) with the outline."""
        probe = ImageDraw.Draw(Image.new("L", (1, 1)))
        x = 0.0
        placed: list[tuple[float, str, Font]] = []
        x0, x1 = float("inf"), float("-inf")
        for text, font in self.runs(line):
            b = probe.textbbox((x, 0), text, font=font, anchor="ls", stroke_width=stroke)
            x0, x1 = min(x0, b[0]), max(x1, b[2])
            placed.append((x, text, font))
            x += font.getlength(text)
        return placed, int(x0), int(x1)


def _load(path: str, size: int) -> Font:
    try:
        return load_font(path, size)
    except OSError:  # unreadable since it was chosen
        return builtin_font(size)


def _right_to_left(line: str) -> bool:
    """The paragraph direction: that of the first strong character (Unicode bidi rule P2)."""
    for c in line:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


@dataclass
class Sprite:
    """A drawn caption: where it goes and what to blend (premultiplied YUV and alpha, float32)."""

    x: int
    y: int
    alpha: FloatArray
    y_fg: FloatArray
    alpha_c: FloatArray
    u_fg: FloatArray
    v_fg: FloatArray
    rgba: npt.NDArray[np.uint8] = field(repr=False)

    def blend_yuv(self, y: Plane, u: Plane, v: Plane) -> None:
        """Blend into YUV 4:2:0 planes in place."""
        ih, iw = self.alpha.shape
        roi = y[self.y:self.y + ih, self.x:self.x + iw]
        roi[...] = np.clip(roi * (1.0 - self.alpha) + self.y_fg + 0.5, 0, 255).astype(np.uint8)
        ch, cw = self.alpha_c.shape
        cy, cx = self.y // 2, self.x // 2
        for plane, fg in ((u, self.u_fg), (v, self.v_fg)):
            r = plane[cy:cy + ch, cx:cx + cw]
            hh, ww = r.shape
            r[...] = np.clip(r * (1.0 - self.alpha_c[:hh, :ww]) + fg[:hh, :ww] + 0.5, 0, 255).astype(np.uint8)

    def blend_rgb(self, rgb: npt.NDArray[np.uint8]) -> None:
        """Blend into an (h, w, 3) uint8 RGB frame in place."""
        ih, iw = self.alpha.shape
        a = self.alpha[..., None]
        roi = rgb[self.y:self.y + ih, self.x:self.x + iw]
        roi[...] = np.clip(roi * (1.0 - a) + self.rgba[..., :3].astype(np.float32) * a + 0.5, 0, 255).astype(np.uint8)


def draw_lines(lines: list[str], fonts: FontSet, style: CaptionStyle,
               highlight: list[tuple[int, int, int]] | None = None) -> npt.NDArray[np.uint8]:
    """The caption's lines, centred, as an RGBA image (text in an outline or on a box, with a drop shadow).

    ``highlight`` lists ``(line, first char, end char)`` spans drawn in ``style.highlight_rgb``
    (karaoke's word being said): the text is drawn once in each colour and the word's
    columns are taken from the second, so shaping (Arabic joining) is never cut.
    """
    size = fonts.size
    stroke = max(1, round(size * style.outline)) if style.mode == "outline" and style.outline > 0 else 0
    pad = max(2, int(size * 0.35)) if style.mode == "box" else stroke
    shadow = round(size * style.shadow) if style.shadow > 0 else 0
    blur = max(1, shadow // 2) if shadow else 0
    room = shadow + 2 * blur  # right and below, for the shadow
    gap = int(size * style.line_spacing)
    placed = [fonts.place(ln, stroke) for ln in lines]
    ascent, descent = fonts.metrics()
    line_h = ascent + descent + 2 * stroke
    widths = [x1 - x0 for _runs, x0, x1 in placed]
    tw = max(widths) + 2 * pad
    th = line_h * len(lines) + gap * (len(lines) - 1) + 2 * pad
    canvas = (tw + 2 + room, th + 2 + room)
    img = Image.new("RGBA", canvas, (0, 0, 0, 0))
    rows: list[tuple[int, int]] = []  # each line's top and pen start
    yy = pad
    for (_runs, x0, _x1), wdt in zip(placed, widths):
        if style.mode == "box":
            bx0, bx1 = (tw - wdt) // 2 - pad + 1, (tw + wdt) // 2 + pad + 1
            ImageDraw.Draw(img).rounded_rectangle((bx0, yy - pad // 2, bx1, yy + line_h + pad // 2), radius=pad // 2,
                                                  fill=(*style.box_rgb, round(255 * style.box_opacity)))
        rows.append((yy, (tw - wdt) // 2 - x0 + 1))
        yy += line_h + gap

    def paint(fill: tuple[int, int, int]) -> Image.Image:
        layer = Image.new("RGBA", canvas, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for (runs, _x0, _x1), (top, left) in zip(placed, rows):
            for x, text, font in runs:
                draw.text((left + x, top + stroke + ascent), text, font=font, anchor="ls", fill=(*fill, 255),
                          stroke_width=stroke, stroke_fill=(*style.outline_rgb, 255))
        return layer

    text = paint(style.text_rgb)
    if highlight:
        lit = paint(style.highlight_rgb)
        for li, a, b in highlight:
            xa, xb = _span_x(lines[li], a, b, fonts)
            top, left = rows[li]
            box = (max(0, left + int(xa) - stroke - 1), top, min(canvas[0], left + int(xb + 0.999) + stroke + 1),
                   top + line_h)
            text.paste(lit.crop(box), box[:2])
    if shadow:
        alpha = text.getchannel("A").filter(ImageFilter.GaussianBlur(blur))
        alpha = alpha.point(lambda a: round(a * style.shadow_opacity))
        shade = Image.new("RGBA", canvas, (0, 0, 0, 0))
        shade.paste(Image.merge("RGBA", (*Image.new("RGB", canvas, (0, 0, 0)).split(), alpha)), (shadow, shadow))
        img.alpha_composite(shade)
    img.alpha_composite(text)
    return np.asarray(img, dtype=np.uint8)


def _span_x(line: str, a: int, b: int, fonts: FontSet) -> tuple[float, float]:
    """The pen range of ``line[a:b]`` from the line's left end (measured from the right in a right-to-left line)."""
    xa, xb = fonts.width(line[:a]), fonts.width(line[:b])
    if _right_to_left(line):
        whole = fonts.width(line)
        return whole - xb, whole - xa
    return xa, xb


def make_sprite(rgba: npt.NDArray[np.uint8], frame_size: tuple[int, int], style: CaptionStyle,
                area: SafeArea | None = None) -> Sprite:
    """Place a drawn caption (centred in the shape's safe area, at the style's position) and convert it for blending."""
    w, h = frame_size
    area = area or safe_area(frame_size)
    ih, iw = rgba.shape[:2]
    if style.position == "top":
        y = area.top
    elif style.position == "middle":
        y = area.top + (area.height - ih) // 2
    else:
        y = area.bottom - ih
    # Even position (4:2:0 chroma), clipped into the frame.
    x = max(0, min(w - iw, area.left + (area.width - iw) // 2)) & ~1
    y = max(0, min(h - ih, y)) & ~1
    rgba = rgba[: h - y, : w - x]
    ih, iw = rgba.shape[:2]
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    yf, uf, vf = limited_range(*rgb_to_ycbcr(rgba[..., :3]))
    # Chroma: premultiplied average over 2x2 blocks.
    eh, ew = ih + (ih % 2), iw + (iw % 2)

    def pad2(a: FloatArray) -> FloatArray:
        return np.pad(a, ((0, eh - ih), (0, ew - iw)))

    def quads(a: FloatArray) -> FloatArray:
        out: FloatArray = 0.25 * (a[0::2, 0::2] + a[1::2, 0::2] + a[0::2, 1::2] + a[1::2, 1::2])
        return out

    ac, uc, vc = quads(pad2(alpha)), quads(pad2(uf * alpha)), quads(pad2(vf * alpha))
    return Sprite(x, y, alpha, (yf * alpha).astype(np.float32), ac.astype(np.float32), uc.astype(np.float32),
                  vc.astype(np.float32), rgba)
