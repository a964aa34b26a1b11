"""SRT files: round trips, a tolerant parser, numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.srt import format_srt, parse_srt, read_srt, write_srt


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


def test_format_srt_numbers_cues() -> None:
    out = format_srt([Cue(0, 1, "a"), Cue(1, 2, "b")])
    assert out.splitlines()[0] == "1" and "\n2\n00:00:01,000 --> 00:00:02,000\nb" in out
