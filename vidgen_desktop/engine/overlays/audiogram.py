"""The audiogram drawn into each frame: spectrum bars or a waveform, a progress line, a title card.

Everything is drawn straight into the YUV 4:2:0 planes the encoder receives, with solid
fills on even pixel boundaries (chroma lines up, nothing to blend), so a frame costs
well under a millisecond for bars and about two for a waveform. Positions keep clear
of the edges people's players and phone apps cover (a larger bottom margin for tall
video).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.engine.canvas import limited_range, rgb_to_ycbcr
from vidgen_desktop.engine.captions.drawing import CaptionStyle, FontSet, Sprite, draw_lines, make_sprite
from vidgen_desktop.engine.captions.fonts import FontSearch, default_search, plan_fonts
from vidgen_desktop.engine.overlays.features import AudioFeatures

Plane = npt.NDArray[np.uint8]


def _even(v: float) -> int:
    return max(0, round(v / 2.0) * 2)


def yuv_of(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """Limited-range BT.709 code values of one RGB colour."""
    y, u, v = limited_range(*rgb_to_ycbcr(np.array([[rgb]], np.uint8)))
    return round(float(y[0, 0])), round(float(u[0, 0])), round(float(v[0, 0]))


@dataclass(frozen=True)
class Layout:
    """Where the audiogram goes in a ``w`` x ``h`` frame (luma pixels, all even)."""

    x0: int
    x1: int
    #: Visualizer band: top and bottom rows.
    top: int
    bottom: int
    #: Progress line: top row and thickness.
    line_y: int
    line_h: int
    #: Title card's top-left corner.
    title_x: int
    title_y: int

    @classmethod
    def for_frame(cls, w: int, h: int, clear_bottom: float = 0.0) -> Layout:
        """``clear_bottom``: a further share of the height the visualizer keeps clear (burned captions sit there)."""
        portrait = h > w
        side = 0.08 if portrait else 0.07
        bottom_margin = 0.2 if portrait else 0.06  # tall video: phone apps put buttons over the bottom fifth
        band = (0.12 if portrait else 0.2) * h
        line_h = max(2, _even(0.006 * h))
        line_y = _even(h * (1.0 - bottom_margin) + 0.5 * band * 0.15)
        bottom = _even(h * (1.0 - bottom_margin - clear_bottom) - 2 * line_h)
        top = _even(bottom - band)
        return cls(_even(w * side), _even(w * (1.0 - side)), top, bottom, min(h - line_h, line_y), line_h,
                   _even(w * side), _even(h * (0.1 if portrait else 0.07)))


class Audiogram:
    """Draws ``spec``'s overlays; ``features`` is required for a visualizer, ``title`` for a title card."""

    def __init__(self, spec: OverlaySpec, frame_size: tuple[int, int], total_frames: int, colour: tuple[int, int, int],
                 features: AudioFeatures | None = None, title: tuple[str, str] | None = None,
                 fonts: FontSearch | None = None, features_from: int = 0, clear_bottom: float = 0.0) -> None:
        if spec.visualizer != "none" and features is None:
            raise ValueError("a visualizer needs the audio features")
        self.spec = spec
        self.w, self.h = frame_size
        self.total = max(1, total_frames)
        self.features = features
        #: Frame number of ``features``' first row (a preview has features for its one moment only).
        self.features_from = features_from
        self.layout = Layout.for_frame(self.w, self.h, clear_bottom)
        self.colour = yuv_of(colour)
        self.sprites: list[Sprite] = self._title_sprites(title, fonts) if title and spec.has_title else []
        self._bars = self._bar_columns() if spec.visualizer == "bars" else None
        lay = self.layout
        self._rows = np.arange(lay.top, lay.bottom, dtype=np.float32)[:, None]

    # --- title

    def _title_sprites(self, title: tuple[str, str], fonts: FontSearch | None) -> list[Sprite]:
        search = fonts or default_search()
        style = CaptionStyle(outline=0.08)
        lay = self.layout
        max_w = lay.x1 - lay.x0
        sprites, y = [], lay.title_y
        for text, scale in ((title[0], 0.062), (title[1], 0.042)):
            if not text:
                continue
            size = max(10, round(min(self.w, self.h) * scale))
            while True:
                fs = FontSet(plan_fonts(text, search), size)
                if fs.width(text) <= max_w or size <= 10:
                    break
                size = max(10, int(size * 0.9))
            rgba = draw_lines([text], fs, style)[:, :max_w]
            sp = make_sprite(rgba, (self.w, self.h), style)
            sp.x, sp.y = lay.x0, min(self.h - rgba.shape[0], y) & ~1
            sprites.append(sp)
            y += rgba.shape[0]
        return sprites

    def _row(self, i: int) -> int:
        assert self.features is not None
        return min(max(0, i - self.features_from), self.features.frames - 1)

    # --- bars

    def _bar_columns(self) -> list[tuple[int, int]]:
        assert self.features is not None
        lay = self.layout
        n = int(self.features.bars.shape[1])
        pitch = (lay.x1 - lay.x0) / n
        cols = []
        for i in range(n):
            a = _even(lay.x0 + i * pitch + 0.15 * pitch)
            b = max(a + 2, _even(lay.x0 + (i + 1) * pitch - 0.15 * pitch))
            cols.append((a, b))
        return cols

    def _draw_bars(self, y: Plane, u: Plane, v: Plane, i: int) -> None:
        assert self.features is not None and self._bars is not None
        lay = self.layout
        heights = self.features.bars[self._row(i)].astype(np.float32)
        span = lay.bottom - lay.top
        cy, cu, cv = self.colour
        for (a, b), hgt in zip(self._bars, heights):
            top = lay.bottom - max(2, _even(float(hgt) * span))
            y[top:lay.bottom, a:b] = cy
            u[top // 2:lay.bottom // 2, a // 2:b // 2] = cu
            v[top // 2:lay.bottom // 2, a // 2:b // 2] = cv

    # --- wave

    def _draw_wave(self, y: Plane, u: Plane, v: Plane, i: int) -> None:
        assert self.features is not None
        lay = self.layout
        cols = lay.x1 - lay.x0
        wave = self.features.wave[self._row(i)].astype(np.float32)
        xs = np.linspace(0, wave.size - 1, cols)
        pts = np.interp(xs, np.arange(wave.size), wave)
        mid, amp = 0.5 * (lay.top + lay.bottom), 0.48 * (lay.bottom - lay.top)
        ypix = mid - pts * amp
        nxt = np.append(ypix[1:], ypix[-1])
        half = max(1.0, 0.0035 * self.h)
        lo, hi = np.minimum(ypix, nxt) - half, np.maximum(ypix, nxt) + half
        mask = (self._rows >= lo[None, :]) & (self._rows <= hi[None, :])
        cy, cu, cv = self.colour
        y[lay.top:lay.bottom, lay.x0:lay.x1][mask] = cy
        cmask = mask[0::2, 0::2] | mask[1::2, 1::2]
        u[lay.top // 2:lay.bottom // 2, lay.x0 // 2:lay.x1 // 2][cmask] = cu
        v[lay.top // 2:lay.bottom // 2, lay.x0 // 2:lay.x1 // 2][cmask] = cv

    # --- progress

    def _draw_progress(self, y: Plane, u: Plane, v: Plane, i: int) -> None:
        lay = self.layout
        a, b = lay.line_y, lay.line_y + lay.line_h
        done = lay.x0 + _even((lay.x1 - lay.x0) * min(1.0, (i + 1) / self.total))
        track = y[a:b, done:lay.x1]
        np.right_shift(track, 1, out=track)  # the rest of the line: the picture, darkened
        track += 8
        cy, cu, cv = self.colour
        y[a:b, lay.x0:done] = cy
        u[a // 2:b // 2, lay.x0 // 2:done // 2] = cu
        v[a // 2:b // 2, lay.x0 // 2:done // 2] = cv

    def draw(self, y: Plane, u: Plane, v: Plane, i: int) -> None:
        """Draw frame ``i``'s overlays into its planes, in place."""
        if self.spec.visualizer == "bars":
            self._draw_bars(y, u, v, i)
        elif self.spec.visualizer == "wave":
            self._draw_wave(y, u, v, i)
        if self.spec.progress:
            self._draw_progress(y, u, v, i)
        for sp in self.sprites:
            sp.blend_yuv(y, u, v)
