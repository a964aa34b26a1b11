"""Burned-in captions on a stream of frames: which cue shows when, laid out to fit, drawn once per cue.

The style is readable on any picture: white text with a dark outline (or on a dark box),
inside the shape's safe area (:mod:`.safe_area`), at most two lines; a cue that would need
more lines at the smallest allowed size is shown in parts, one after the other. Karaoke
draws the cue with the word being said highlighted; the word style shows a few words at a
time, large (:mod:`.words`). Each (cue, highlighted word) is drawn once; frames only blend. Captions are blended
straight into the YUV planes the encoder receives, so they need neither libass nor fonts
inside ffmpeg.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.drawing import CaptionStyle, FontSet, Plane, Sprite, draw_lines, make_sprite
from vidgen_desktop.engine.captions.fonts import FontSearch, default_search, plan_fonts
from vidgen_desktop.engine.captions.layout import balance_lines, join_lines, split_caption_blocks, text_cols, wrap_lines
from vidgen_desktop.engine.captions.safe_area import safe_area
from vidgen_desktop.engine.captions.timing import time_blocks
from vidgen_desktop.engine.captions.words import GROUP_COLS, active_word, with_words, word_groups, word_spans, words_in
from vidgen_desktop.engine.planes import writable_planes


class CaptionOverlay:
    """Draws ``cues`` onto frames of ``frame_size`` (w, h). One cue's sprite is kept at a time.

    ``fonts`` says where fonts are looked for (default: the style's font, then the system's).
    """

    def __init__(self, cues: list[Cue], frame_size: tuple[int, int], style: CaptionStyle | None = None,
                 fonts: FontSearch | None = None) -> None:
        self.frame_size = frame_size
        self.style = style or CaptionStyle()
        self.search = fonts or default_search(self.style.font_path)
        self.area = safe_area(frame_size)
        self.base_size = self.style.text_size(frame_size)
        self.max_width = max(16, self.area.width)
        self._font_sets: dict[tuple[str, int], FontSet] = {}
        self.cues = self._fit_cues(self._units(sorted(cues, key=lambda c: c.start)))
        self._starts = [c.start for c in self.cues]
        self._current: int | None = None
        #: The showing cue's sprites, one per highlighted word (-1: none), drawn once each.
        self._sprites: dict[int, Sprite] = {}

    # --- layout

    def fonts_for(self, text: str, size: int) -> FontSet:
        key = (text, size)
        if key not in self._font_sets:
            self._font_sets[key] = FontSet(plan_fonts(text, self.search), size)
        return self._font_sets[key]

    def _layout(self, text: str) -> tuple[list[str], int] | None:
        """Lines and font size that fit two lines in the safe width, or None if even the smallest size does not."""
        size = self.base_size
        smallest = max(8, int(self.base_size * self.style.min_scale))
        while True:
            fonts = self.fonts_for(text, size)

            def fits(s: str, f: FontSet = fonts) -> bool:
                return f.width(s) <= self.max_width

            lines = wrap_lines(join_lines(text.split("\n")), fits)
            if len(lines) <= self.style.max_lines:
                return balance_lines(lines, fits), size
            if size <= smallest:
                return None
            size = max(smallest, int(size * 0.9))

    def _units(self, cues: list[Cue]) -> list[Cue]:
        """What is shown at once: classic and karaoke show cues, the word style a few words at a time.
        Karaoke and word need word times; cues without them get them spread evenly."""
        if self.style.kind == "classic":
            return cues
        if self.style.kind == "word":  # as many words as fit one line (a bold letter is ~0.7 em wide)
            cols = min(GROUP_COLS, max(6, int(self.max_width / (0.7 * self.base_size))))
            return [g for c in cues for g in word_groups(c, max_cols=cols)]
        return [with_words(c) for c in cues]

    def _fit_cues(self, cues: list[Cue]) -> list[Cue]:
        out: list[Cue] = []
        for c in cues:
            if self._layout(c.text) is not None:
                out.append(c)
                continue
            # Too long for two lines at the smallest size: show it in timed parts.
            parts = 2
            while parts < 12:
                cols = max(8, text_cols(c.text) // (parts * self.style.max_lines) + 4)
                blocks = split_caption_blocks(join_lines(c.text.split("\n")), cols, self.style.max_lines)
                if all(self._layout(b) is not None for b in blocks):
                    break
                parts += 1
            timed = [(w.text, w.start, w.end) for w in c.words]
            out += [words_in(p, c.words) for p in time_blocks(blocks, c.start, c.end, words=timed or None)]
        return out

    def cue_at(self, t: float) -> int | None:
        i = bisect.bisect_right(self._starts, t) - 1
        if i >= 0 and t < self.cues[i].end:
            return i
        return None

    def lines_of(self, index: int) -> tuple[list[str], int]:
        """The cue's laid-out lines and font size."""
        text = self.cues[index].text
        layout = self._layout(text)
        return layout if layout is not None else (wrap_lines(text)[: self.style.max_lines], self.base_size)

    def _render(self, index: int, word: int) -> Sprite:
        cue = self.cues[index]
        lines, size = self.lines_of(index)
        spans = word_spans(lines, cue.words)[word] if word >= 0 else None
        rgba = draw_lines(lines, self.fonts_for(cue.text, size), self.style, spans)
        return make_sprite(rgba, self.frame_size, self.style, self.area)

    def word_at(self, index: int, t: float) -> int:
        """The highlighted word of cue ``index`` at ``t`` (-1: none, or the classic style)."""
        if self.style.kind == "classic":
            return -1
        k = active_word(self.cues[index], t)
        return -1 if k is None else k

    def sprite_at(self, t: float) -> Sprite | None:
        i = self.cue_at(t)
        if i is None:
            return None
        if i != self._current:
            self._sprites, self._current = {}, i
        word = self.word_at(i, t)
        sprite = self._sprites.get(word)
        if sprite is None:
            sprite = self._sprites[word] = self._render(i, word)
        return sprite

    # --- blending

    def apply_yuv(self, y: Plane, u: Plane, v: Plane, t: float) -> bool:
        """Blend the caption showing at ``t`` seconds into the planes, in place. True if one was drawn."""
        sp = self.sprite_at(t)
        if sp is None:
            return False
        sp.blend_yuv(y, u, v)
        return True

    def apply_rgb(self, rgb: npt.NDArray[np.uint8], t: float) -> bool:
        """Blend into an (h, w, 3) uint8 RGB frame in place. True if a caption was drawn."""
        sp = self.sprite_at(t)
        if sp is None:
            return False
        sp.blend_rgb(rgb)
        return True


class CaptionedWriter:
    """Wraps an encoder's ``write(y, u, v)``: burns each frame's caption in before passing the frame on.

    Frames are counted as they are written (frame ``i`` shows at ``i / fps`` seconds), so
    it works for any producer that writes frames in order (Ken Burns, the AI tiers).
    Planes may be numpy arrays, memoryviews or bytes; read-only ones are copied when a
    caption is drawn on them, writable ones are drawn on in place.
    """

    def __init__(self, write: Any, overlay: CaptionOverlay, fps: float, start_frame: int = 0) -> None:
        self.write = write
        self.overlay = overlay
        self.fps = fps
        self.frame = start_frame

    def __call__(self, *planes: Any) -> None:
        t = self.frame / self.fps
        self.frame += 1
        if self.overlay.cue_at(t) is None:
            self.write(*planes)
            return
        y, u, v, out = writable_planes(planes, self.overlay.frame_size)
        self.overlay.apply_yuv(y, u, v, t)
        self.write(*out)


def captioned_writer(write: Any, cues: list[Cue] | tuple[Cue, ...], frame_size: tuple[int, int], fps: float,
                     style: CaptionStyle | None = None) -> Any:
    """``--captions burn``: wrap ``encoder.write`` so every frame gets its caption (``write`` itself without cues)."""
    if not cues:
        return write
    return CaptionedWriter(write, CaptionOverlay(list(cues), frame_size, style), fps)
