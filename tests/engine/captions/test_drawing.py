"""Burned captions draw real glyphs in every script, shaped and in reading order where Pillow has raqm."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest
from PIL import ImageFont

from tests.engine.captions.conftest import SCRIPTS
from vidgen_desktop.engine.captions import CaptionOverlay, CaptionStyle, Cue
from vidgen_desktop.engine.captions.drawing import FontSet, draw_lines
from vidgen_desktop.engine.captions.fonts import FontPlan, FontSearch, default_search, plan_fonts, shaping_available

FRAME = (1280, 720)
NOT_A_CHAR = "\U0010fffd"
needs_raqm = pytest.mark.skipif(not shaping_available(), reason="this Pillow has no raqm (libraqm/libfribidi)")


def _ink(font: ImageFont.FreeTypeFont, text: str) -> tuple[tuple[int, int], bytes]:
    m = font.getmask(text)
    return m.size, bytes(m)


def _tofu_glyphs(overlay: CaptionOverlay, text: str) -> list[str]:
    """Characters the overlay's own drawing fonts render as their missing-glyph box."""
    _lines, size = overlay._layout(text) or ([text], overlay.base_size)
    fonts = overlay.fonts_for(text, size)
    out = []
    for c in dict.fromkeys(text.replace(" ", "").replace("\n", "")):
        font = fonts.fonts[fonts.plan.font_for(c)]
        if _ink(font, c) == _ink(font, NOT_A_CHAR):
            out.append(c)
    return out


def _drawn(overlay: CaptionOverlay, t: float = 0.5) -> npt.NDArray[np.uint8]:
    sp = overlay.sprite_at(t)
    assert sp is not None
    return sp.rgba


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_every_script_is_burned_with_real_glyphs(script: str) -> None:
    text = SCRIPTS[script]
    overlay = CaptionOverlay([Cue(0.0, 1.0, text)], FRAME)
    assert _tofu_glyphs(overlay, text) == []
    # The whole sprite differs from the same caption drawn as missing-glyph boxes.
    boxes = "".join(c if c.isspace() else NOT_A_CHAR for c in text)
    tofu = draw_lines([boxes], overlay.fonts_for(text, overlay.base_size), overlay.style)
    drawn = draw_lines([text], overlay.fonts_for(text, overlay.base_size), overlay.style)
    assert drawn.shape != tofu.shape or not np.array_equal(drawn, tofu)
    frame = np.full((FRAME[1], FRAME[0], 3), 40, np.uint8)
    assert overlay.apply_rgb(frame, 0.5) and frame.max() > 200


def test_a_font_without_the_glyphs_draws_boxes(latin_only: FontSearch) -> None:
    """The check above can fail: with only a Latin font, CJK comes out as boxes."""
    text = SCRIPTS["chinese"]
    overlay = CaptionOverlay([Cue(0.0, 1.0, text)], FRAME, fonts=latin_only)
    assert set(_tofu_glyphs(overlay, text)) >= set("今天气很好")
    fonts = overlay.fonts_for(text, overlay.base_size)
    boxes = "".join(c if c in "，。" else NOT_A_CHAR for c in text)
    assert np.array_equal(draw_lines([text], fonts, overlay.style), draw_lines([boxes], fonts, overlay.style))


def _unshaped(fonts: FontSet, size: int) -> FontSet:
    """The same fonts with Pillow's plain layout: one glyph per character, left to right."""
    plain = FontSet(fonts.plan, size)
    plain.fonts = [ImageFont.truetype(p, size, layout_engine=ImageFont.Layout.BASIC) for p in fonts.plan.fonts]
    return plain


@needs_raqm
@pytest.mark.parametrize("text", ["ببب ببب سلام", "स्त्री क्षत्रिय"])
def test_arabic_and_devanagari_are_shaped(text: str) -> None:
    """Joined Arabic letters and Devanagari conjuncts take less room than the isolated, unshaped glyphs."""
    overlay = CaptionOverlay([Cue(0.0, 1.0, text)], FRAME)
    fonts = overlay.fonts_for(text, overlay.base_size)
    assert all(f.layout_engine == ImageFont.Layout.RAQM for f in fonts.fonts)
    shaped = draw_lines([text], fonts, overlay.style)
    unshaped = draw_lines([text], _unshaped(fonts, overlay.base_size), overlay.style)
    assert shaped.shape[1] < 0.9 * unshaped.shape[1]
    assert np.array_equal(_drawn(overlay), shaped)


def _ascender_side(rgba: npt.NDArray[np.uint8]) -> float:
    """Where the tallest ink is, from 0 (left) to 1 (right) of the drawn text."""
    ink = rgba[..., 3] > 128
    rows, cols = np.where(ink.any(axis=1))[0], np.where(ink.any(axis=0))[0]
    band = ink[rows[0]:rows[0] + max(2, (rows[-1] - rows[0]) // 8)]
    top = np.where(band.any(axis=0))[0]
    return float((top.mean() - cols[0]) / (cols[-1] - cols[0]))


@needs_raqm
def test_hebrew_reads_right_to_left() -> None:
    """Lamed (the only letter with an ascender) comes first in the text, so it is drawn rightmost."""
    assert _ascender_side(_drawn(CaptionOverlay([Cue(0.0, 1.0, "לשששש")], FRAME))) > 0.8
    assert _ascender_side(_drawn(CaptionOverlay([Cue(0.0, 1.0, "Lxxxx")], FRAME))) < 0.2


def test_a_line_in_two_fonts_is_drawn_in_runs_in_reading_order() -> None:
    search = default_search()
    latin, cjk = plan_fonts("Hello", search).fonts[0], plan_fonts("你好", search).fonts[0]
    fonts = FontSet(FontPlan((latin, cjk)), 40)
    runs = fonts.runs("Hello 你好 world")
    assert [t for t, _f in runs] == ["Hello", " ", "你好", " ", "world"]
    assert [f.path for t, f in runs if t.strip()] == [latin, cjk, latin]
    if shaping_available():  # right-to-left lines: runs from right to left, raqm orders inside each
        assert [t for t, _f in fonts.runs("שלום 你好 עולם")] == ["עולם", " ", "你好", " ", "שלום"]
    assert fonts.width("Hello 你好") == pytest.approx(sum(f.getlength(t) for t, f in fonts.runs("Hello 你好")))
    assert fonts.runs("Hello world") == [("Hello world", fonts.fonts[0])]


def test_mixed_script_caption_has_no_boxes() -> None:
    text = "नमस्ते Google, 你好"
    overlay = CaptionOverlay([Cue(0.0, 1.0, text)], FRAME, CaptionStyle(mode="box"))
    assert _tofu_glyphs(overlay, text) == []
    assert _drawn(overlay).shape[1] > 100
