"""Line breaking: two balanced lines of 42 columns, CJK by display width, clause breaks."""

from __future__ import annotations

from vidgen_desktop.engine.captions.layout import split_caption_blocks, text_cols, wrap_lines


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


def test_blocks_prefer_clause_breaks_and_keep_cjk_unspaced() -> None:
    blocks = split_caption_blocks("The sky turns purple, then dark blue, and the first stars appear one by one "
                                  "above the sleeping valley.")
    assert blocks[0].endswith("blue,") and len(blocks) == 2
    cjk = "今天天气很好，我们一起去公园散步吧。" * 4
    blocks = split_caption_blocks(cjk)
    assert all(" " not in b for b in blocks) and "".join(b.replace("\n", "") for b in blocks) == cjk
