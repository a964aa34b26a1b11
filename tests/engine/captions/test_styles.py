"""Caption styles: safe areas per shape, karaoke and word units, even word times, right-to-left karaoke."""

from __future__ import annotations

import itertools

import numpy as np
import numpy.typing as npt
import pytest

from tests.engine.captions.conftest import luma_frame
from vidgen_desktop.core.caption_look import CaptionLook, parse_colour
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.captions import CaptionOverlay, Cue, Word
from vidgen_desktop.engine.captions.fonts import shaping_available
from vidgen_desktop.engine.captions.safe_area import safe_area
from vidgen_desktop.engine.captions.style import style_for
from vidgen_desktop.engine.captions.words import active_word, with_words, word_groups, word_spans

LONG = "Captions on a phone must stay clear of the buttons and the description at the bottom of the screen"


def ink_box(before: npt.NDArray[np.uint8], after: npt.NDArray[np.uint8]) -> tuple[int, int, int, int]:
    changed = np.argwhere(after != before)
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    return int(left), int(top), int(right) + 1, int(bottom) + 1


@pytest.mark.parametrize("kind", ["classic", "karaoke", "word"])
@pytest.mark.parametrize("position", ["bottom", "middle", "top"])
def test_vertical_captions_stay_inside_the_phone_safe_area(kind: str, position: str) -> None:
    w, h = 360, 640
    area = safe_area((w, h))
    assert (area.left, area.top, area.right, area.bottom) == (22, 64, 317, 512)  # 6/10/12/20 %
    look = CaptionLook(style=kind, position=position, shadow=0.08)
    overlay = CaptionOverlay([Cue(0.0, 6.0, LONG)], (w, h), style_for(look))
    for t in np.arange(0.0, 6.0, 0.25):
        y, u, v = luma_frame(w, h, 100)
        before = y.copy()
        assert overlay.apply_yuv(y, u, v, float(t))
        x0, y0, x1, y1 = ink_box(before, y)
        assert area.contains(x0, y0, x1, y1), (t, (x0, y0, x1, y1))
        centre = (y0 + y1) / 2
        third = {"top": 0, "middle": 1, "bottom": 2}[position]
        assert area.top + third * area.height / 3 <= centre <= area.top + (third + 1) * area.height / 3


def test_landscape_and_square_safe_areas() -> None:
    land, square = safe_area((1920, 1080)), safe_area((1080, 1080))
    assert (land.left, land.bottom) == (134, 994)  # 7 % sides, 8 % bottom (title-safe)
    assert square.bottom == 1080 - round(1080 * 0.12)


def test_cues_without_words_get_them_spread_evenly() -> None:
    cue = with_words(Cue(1.0, 4.0, "a bb\ncccc"))
    assert [w.text for w in cue.words] == ["a", "bb", "cccc"]
    assert cue.words[0].start == 1.0 and cue.words[-1].end == pytest.approx(4.0)
    assert [round(w.end - w.start, 3) for w in cue.words] == \
        [round(3 * n / 7, 3) for n in (1, 2, 4)]
    cjk = with_words(Cue(0.0, 1.0, "今天很好"))
    assert len(cjk.words) == 4  # one per character: CJK has no spaces
    assert with_words(Cue(0.0, 1.0, "x", (Word(0.1, 0.2, "x"),))).words == (Word(0.1, 0.2, "x"),)


def test_active_word_holds_through_pauses_and_tolerates_frame_rounding() -> None:
    cue = Cue(0.0, 3.0, "one two", (Word(0.3, 0.6, "one"), Word(1.5, 2.0, "two")))
    assert active_word(cue, 0.29) is None
    assert active_word(cue, 3 / 10) == 0  # 0.30000000000000004 vs 0.3
    assert active_word(cue, 1.2) == 0  # the pause keeps the last word lit
    assert active_word(cue, 1.5 - 1e-9) == 1


def test_word_style_shows_a_few_words_at_a_time_from_their_first_word() -> None:
    words = tuple(Word(i * 0.5, i * 0.5 + 0.4, t) for i, t in enumerate("We make videos. From any picture and sound".split()))
    groups = word_groups(Cue(0.0, 5.0, " ".join(w.text for w in words), words))
    assert [g.text for g in groups] == ["We make videos.", "From any picture", "and sound"]  # a sentence ends a group
    assert [g.start for g in groups] == [0.0, 1.5, 3.0] and groups[-1].end == 5.0
    assert all(a.end == b.start for a, b in itertools.pairwise(groups))


def test_word_spans_match_characters_across_lines_and_share_out_otherwise() -> None:
    words = (Word(0, 1, "Hello,"), Word(1, 2, "big"), Word(2, 3, "world"))
    assert word_spans(["Hello, big", "world"], words) == [[(0, 0, 6)], [(0, 7, 10)], [(1, 0, 5)]]
    # A transcript word the user retyped: spans are shared out by length, still in order and covering all.
    spans = word_spans(["Hello there world"], words)
    assert spans[0][0][1] == 0 and spans[-1][-1][2] == len("Hello there world")


def test_word_style_is_larger_and_sizes_follow_the_frame_height() -> None:
    w, h = 1080, 1920
    assert style_for(CaptionLook(style="word")).text_size((w, h)) > 1.5 * style_for(CaptionLook()).text_size((w, h))
    assert style_for(CaptionLook(size=0.05)).text_size((w, h)) == 96


def test_bad_looks_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="caption style"):
        CaptionLook(style="bouncy")
    with pytest.raises(UsageError, match="between 2% and 15%"):
        CaptionLook(size=0.5)
    with pytest.raises(UsageError, match="#RRGGBB"):
        parse_colour("not-a-colour")
    assert parse_colour("#ff8000") == (255, 128, 0) == parse_colour("FF8000")
    assert parse_colour("#fff") == (255, 255, 255) and parse_colour("Yellow") == (255, 214, 0)


def _lit_columns(overlay: CaptionOverlay, t: float) -> npt.NDArray[np.intp]:
    sprite = overlay.sprite_at(t)
    assert sprite is not None
    rgba = sprite.rgba.astype(int)
    lit = (rgba[..., 3] > 200) & (rgba[..., 1] > 150) & (rgba[..., 0] < 110) & (rgba[..., 2] < 110)
    return np.nonzero(lit.any(axis=0))[0]


@pytest.mark.skipif(not shaping_available(), reason="this Pillow has no raqm (libraqm/libfribidi)")
@pytest.mark.parametrize("text", ["مرحبا بالعالم الجميل", "שלום עולם יפה"])
def test_right_to_left_karaoke_lights_words_from_the_right_and_keeps_the_shaping(text: str) -> None:
    look = CaptionLook(style="karaoke", highlight=(0, 230, 0))
    cue = Cue(0.0, 3.0, text, tuple(Word(i, i + 0.9, t) for i, t in enumerate(text.split())))
    overlay = CaptionOverlay([cue], (640, 360), style_for(look))
    centres = [float(_lit_columns(overlay, t).mean()) for t in (0.5, 1.5, 2.5)]
    assert centres[0] > centres[1] > centres[2]  # the first word said is the rightmost
    # Highlighting changes colours, never the glyphs: the shaped text's coverage is the same as unlit.
    plain = CaptionOverlay([cue], (640, 360), style_for(CaptionLook()))
    lit = overlay.sprite_at(1.5)
    unlit = plain.sprite_at(1.5)
    assert lit is not None and unlit is not None
    assert np.array_equal(lit.rgba[..., 3], unlit.rgba[..., 3])


def test_each_cue_and_word_is_drawn_once() -> None:
    overlay = CaptionOverlay([Cue(0.0, 2.0, "a b", (Word(0.0, 1.0, "a"), Word(1.0, 2.0, "b")))], (320, 180),
                             style_for(CaptionLook(style="karaoke")))
    first = [overlay.sprite_at(t / 25) for t in range(25)]
    assert all(s is first[0] for s in first)
    second = overlay.sprite_at(1.2)
    assert second is not first[0] and overlay.sprite_at(1.9) is second
