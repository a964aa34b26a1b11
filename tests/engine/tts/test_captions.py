"""Captions: SRT round trips, line wrapping, timing within a chunk, and the burned-in overlay."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.canvas import rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.captions import (
    CaptionOverlay,
    CaptionStyle,
    Cue,
    close_gaps,
    format_srt,
    parse_srt,
    read_srt,
    split_caption_blocks,
    text_cols,
    time_blocks,
    wrap_lines,
    write_srt,
)


def test_srt_round_trip(tmp_path: Path) -> None:
    cues = [Cue(0.15, 1.3456, "Hello there."), Cue(1.3456, 3725.5, "Two lines\nof text, ünïcödé 你好")]
    path = write_srt(cues, tmp_path / "a.srt")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("1\n00:00:00,150 --> 00:00:01,346\nHello there.\n\n2\n00:00:01,346 --> 01:02:05,500\n")
    back = read_srt(path)
    assert [c.text for c in back] == [c.text for c in cues]
    assert all(abs(a.start - b.start) < 1e-3 and abs(a.end - b.end) < 1e-3 for a, b in zip(back, cues))


def test_srt_parser_is_tolerant_and_strict_where_it_matters(tmp_path: Path) -> None:
    crlf = "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\nA\r\n\r\n00:00:03.2 --> 00:00:04,000 X:1\r\nB\r\n"
    assert parse_srt(crlf) == [Cue(1.0, 2.5, "A"), Cue(3.2, 4.0, "B")]
    bad = tmp_path / "bad.srt"
    bad.write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an SRT"):
        read_srt(bad)


def test_wrapping_keeps_two_balanced_lines_of_42_columns() -> None:
    text = "The quick brown fox jumps over the lazy dog and keeps on running far away"
    blocks = split_caption_blocks(text)
    assert len(blocks) == 1
    lines = blocks[0].split("\n")
    assert len(lines) == 2 and all(text_cols(ln) <= 42 for ln in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 15
    long = " ".join(["word"] * 60)
    blocks = split_caption_blocks(long)
    assert len(blocks) >= 3
    for b in blocks:
        assert len(b.split("\n")) <= 2 and all(text_cols(ln) <= 42 for ln in b.split("\n"))
    assert " ".join(b.replace("\n", " ") for b in blocks).split() == long.split()


def test_cjk_wraps_by_display_width() -> None:
    text = "今天天气很好，我们一起去公园散步吧。" * 3
    lines = wrap_lines(text)
    assert all(text_cols(ln) <= 42 for ln in lines)
    assert "".join(lines) == text
    assert not any(ln.startswith(("，", "。")) for ln in lines)  # punctuation stays with its phrase


def test_time_blocks_share_by_length_and_snap_to_pauses() -> None:
    blocks = ["short one", "a much longer second block of text"]
    cues = time_blocks(blocks, 10.0, 14.0)
    assert cues[0].start == 10.0 and cues[-1].end == 14.0 and cues[0].end == cues[1].start
    assert cues[0].duration < cues[1].duration
    # A clear pause near the proportional point (10.9 s) in the speech pulls the boundary there.
    energy = np.ones(200)
    energy[57:63] = 0.0  # 11.14–11.26 s
    snapped = time_blocks(blocks, 10.0, 14.0, energy=energy, energy_step=0.02)
    assert abs(snapped[0].end - 11.2) < 0.05
    words = [("short", 10.0, 10.3), ("one", 10.3, 10.6), ("a", 11.0, 11.1)] + [("w", 11.1 + i, 11.2 + i)
                                                                               for i in range(6)]
    assert time_blocks(blocks, 10.0, 14.0, words=words)[1].start == 11.0


def test_close_gaps_holds_cues_and_ends_at_the_audio() -> None:
    cues = close_gaps([Cue(0.1, 1.0, "a"), Cue(1.4, 2.0, "b"), Cue(6.0, 7.0, "c")], 7.4)
    assert cues[0].end == 1.4  # up until the next one
    assert cues[1].end == pytest.approx(3.5)  # not through a long silence
    assert cues[2].end == 7.4


def _luma_frame(w: int, h: int, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    yuv = rgb_to_yuv420(np.full((h, w, 3), level, np.uint8))
    return yuv.y.copy(), yuv.u.copy(), yuv.v.copy()


@pytest.mark.parametrize("mode", ["outline", "box"])
@pytest.mark.parametrize("level", [10, 245])
def test_burned_captions_are_readable_on_dark_and_bright_pictures(mode: str, level: int) -> None:
    w, h = 640, 360
    overlay = CaptionOverlay([Cue(1.0, 2.0, "Readable on any picture, inside the safe area")], (w, h),
                             CaptionStyle(mode=mode))  # type: ignore[arg-type]
    y, u, v = _luma_frame(w, h, level)
    before = y.copy()
    assert not overlay.apply_yuv(y, u, v, 0.5)  # no cue yet
    assert overlay.apply_yuv(y, u, v, 1.5)
    changed = np.argwhere(y != before)
    top, left = changed.min(axis=0)
    bottom, right = changed.max(axis=0)
    assert bottom < h * (1 - 0.08) + 1 and top > h * 0.6  # bottom third, above the safe margin
    assert left >= w * 0.07 - 2 and right <= w * 0.93 + 2  # inside the side margins
    region = y[top:bottom + 1, left:right + 1]
    # White text and dark outline/box both present: contrast whatever the picture.
    assert region.max() > 220 and region.min() < (40 if mode == "outline" else 100)
    assert not overlay.apply_yuv(y, u, v, 2.0)  # end is exclusive


def test_overlay_matches_on_rgb_and_yuv_frames() -> None:
    w, h = 320, 180
    overlay = CaptionOverlay([Cue(0.0, 1.0, "Same picture")], (w, h))
    rgb = np.full((h, w, 3), 128, np.uint8)
    y, u, v = _luma_frame(w, h, 128)
    overlay.apply_rgb(rgb, 0.5)
    overlay.apply_yuv(y, u, v, 0.5)
    back = yuv420_to_rgb(y, u, v)
    assert np.abs(back.astype(int) - rgb.astype(int)).mean() < 6


def test_too_long_cues_are_shown_in_parts_of_at_most_two_lines() -> None:
    text = " ".join(["captioning"] * 40)
    overlay = CaptionOverlay([Cue(0.0, 10.0, text)], (360, 640))  # portrait: narrow
    assert len(overlay.cues) > 1
    assert overlay.cues[0].start == 0.0 and overlay.cues[-1].end == 10.0
    for c in overlay.cues:
        layout = overlay._layout(c.text)
        assert layout is not None and len(layout[0]) <= 2
    assert " ".join(c.text.replace("\n", " ") for c in overlay.cues).split() == text.split()


def test_non_latin_text_gets_a_font_with_its_glyphs() -> None:
    from vidgen_desktop.engine.captions import _covers, pick_font_path

    for text in ("Hello", "Привет", "你好世界"):
        path = pick_font_path(text)
        if path is None:
            pytest.skip("no system fonts: Pillow's built-in font is used")
        assert all(_covers(path, c) for c in text), (text, path)


def test_format_srt_numbers_cues() -> None:
    out = format_srt([Cue(0, 1, "a"), Cue(1, 2, "b")])
    assert out.splitlines()[0] == "1" and "\n2\n00:00:01,000 --> 00:00:02,000\nb" in out


def test_blocks_prefer_clause_breaks_and_keep_cjk_unspaced() -> None:
    blocks = split_caption_blocks("The sky turns purple, then dark blue, and the first stars appear one by one "
                                  "above the sleeping valley.")
    assert blocks[0].endswith("blue,") and len(blocks) == 2
    cjk = "今天天气很好，我们一起去公园散步吧。" * 4
    blocks = split_caption_blocks(cjk)
    assert all(" " not in b for b in blocks) and "".join(b.replace("\n", "") for b in blocks) == cjk


def test_captioned_writer_burns_frames_in_order_whatever_the_buffer_type() -> None:
    from vidgen_desktop.engine.captions import captioned_writer

    w, h, fps = 160, 90, 10.0
    got: list[tuple[bytes, ...]] = []
    write = captioned_writer(lambda *p: got.append(tuple(bytes(x) for x in p)), [Cue(0.2, 0.4, "Hi")], (w, h), fps)
    plain = captioned_writer(got.append, [], (w, h), fps)
    assert plain == got.append  # no cues: the encoder's own write
    y, u, v = _luma_frame(w, h, 50)
    for i in range(5):
        kind = i % 3
        planes = [p.copy() for p in (y, u, v)]
        if kind == 1:
            write(*(bytes(p) for p in planes))  # read-only buffers are copied
        elif kind == 2:
            write(b"".join(bytes(p) for p in planes))  # one packed I420 buffer
        else:
            write(*(p.data for p in planes))  # writable memoryviews, drawn in place
    base = bytes(y)
    drawn = [b"".join(f)[: w * h] != base for f in got]
    assert drawn == [False, False, True, True, False]  # frames 2 and 3 are 0.2 s and 0.3 s
