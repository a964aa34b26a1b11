"""The caption editor's edits and file reading, on the engine's cues."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.captions import Cue, Word
from vidgen_desktop.engine.captions.editing import (
    MIN_CUE_S,
    edit_text,
    merge_cues,
    nudge,
    parse_vtt,
    read_caption_file,
    split_cue,
)

WORDS = (Word(0.0, 0.5, "one"), Word(0.7, 1.0, "two"), Word(1.5, 2.0, "three"), Word(2.2, 2.8, "four"))
CUE = Cue(0.0, 3.0, "one two\nthree four", WORDS)


def test_split_at_the_cursor_snaps_to_a_word_and_starts_at_its_time() -> None:
    a, b = split_cue(CUE, len("one tw") + 1)  # at the end of "two": snapped to the boundary after it
    assert (a.text, b.text) == ("one two", "three four")
    assert a.end == b.start == 1.5 and a.words == WORDS[:2] and b.words == WORDS[2:]
    a, b = split_cue(Cue(0.0, 2.0, "abc def ghi"))  # no word times: shared by length, in the middle
    assert (a.text, b.text) == ("abc def", "ghi") or (a.text, b.text) == ("abc", "def ghi")
    assert 0.0 < a.end == b.start < 2.0
    with pytest.raises(ValueError, match="one word"):
        split_cue(Cue(0.0, 1.0, "alone"))


def test_merge_undoes_split() -> None:
    a, b = split_cue(CUE, 8)
    assert merge_cues(a, b) == Cue(0.0, 3.0, "one two three four", WORDS)
    assert merge_cues(Cue(0, 1, "a"), Cue(1, 2, "b", (Word(1, 2, "b"),))).words == ()  # times for only half: none


def test_nudge_stays_between_the_neighbours_and_keeps_a_minimum_length() -> None:
    assert nudge(CUE, start=0.1).start == pytest.approx(0.1)
    assert nudge(CUE, start=-0.5).start == 0.0
    assert nudge(CUE, end=0.5, latest=3.2).end == pytest.approx(3.2)
    assert nudge(CUE, start=-0.1, earliest=0.0).start == 0.0
    short = Cue(1.0, 1.15, "x")
    assert nudge(short, start=0.1).end - nudge(short, start=0.1).start >= MIN_CUE_S - 1e-9
    assert nudge(short, end=-0.1).end == pytest.approx(1.0 + MIN_CUE_S)
    moved = nudge(CUE, start=0.3)
    assert moved.words[0].start == pytest.approx(0.3)  # word times clipped into the new span


def test_edit_text_keeps_word_times_only_when_the_words_line_up() -> None:
    fixed = edit_text(CUE, "One two three four!")
    assert [w.text for w in fixed.words] == ["One", "two", "three", "four!"] and fixed.words[2].start == 1.5
    assert edit_text(CUE, "Something else entirely").words == ()


def test_vtt_and_srt_files(tmp_path: Path) -> None:
    vtt = parse_vtt("WEBVTT - title\n\nSTYLE\n::cue {}\n\nid1\n00:01.000 --> 00:02.500 line:0\n<v Bob>Hi</v> there\n")
    assert vtt == [Cue(1.0, 2.5, "Hi there")]
    srt = tmp_path / "a.srt"
    srt.write_text("2\n00:00:02,000 --> 00:00:03,000\nsecond\n\n1\n00:00:00,500 --> 00:00:01,000\nfirst\n",
                   encoding="utf-8")
    assert [c.text for c in read_caption_file(srt)] == ["first", "second"]
    empty = tmp_path / "e.srt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="holds no captions"):
        read_caption_file(empty)
    with pytest.raises(InputError, match="file not found"):
        read_caption_file(tmp_path / "missing.vtt")
    bad = tmp_path / "b.vtt"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError):
        read_caption_file(bad)
