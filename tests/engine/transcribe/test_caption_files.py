"""Caption formats, cue grouping and script alignment: pure functions, no model."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from vidgen_desktop.core.errors import InputError, OutputError, UsageError
from vidgen_desktop.engine.captions import Cue, Word
from vidgen_desktop.engine.captions.ass import format_ass
from vidgen_desktop.engine.captions.files import format_from_path, read_captions, write_captions
from vidgen_desktop.engine.captions.vtt import format_vtt, parse_vtt
from vidgen_desktop.engine.transcribe.align import align_words
from vidgen_desktop.engine.transcribe.cues import clean_words, join_words, words_to_cues
from vidgen_desktop.engine.transcribe.translate import respread_words

W = Word


def test_vtt_escapes_marks_word_times_and_round_trips(tmp_path: Path) -> None:
    cues = [Cue(1.0, 2.5, "Tom & <Jerry>", (W(1.0, 1.4, "Tom"), W(1.5, 1.7, "&"), W(1.8, 2.4, "<Jerry>"))),
            Cue(3661.25, 3662.0, "two\nlines")]
    text = format_vtt(cues)
    assert "Tom <00:00:01.500>&amp; <00:00:01.800>&lt;Jerry&gt;" in text
    assert "01:01:01.250 --> 01:01:02.000" in text
    back = parse_vtt(text + "\nNOTE a comment\n\nSTYLE\n::cue { color: red }\n")
    assert [(c.start, c.end, c.text) for c in back] == [(1.0, 2.5, "Tom & <Jerry>"), (3661.25, 3662.0, "two\nlines")]
    # Short form times (mm:ss.ttt), cue settings and a BOM are read too.
    vtt = tmp_path / "x.vtt"
    vtt.write_text("\ufeffWEBVTT - title\n\nid-1\n00:01.000 --> 00:02.500 align:start\n<v Ann>Hi</v>\n",
                   encoding="utf-8")
    assert [(c.start, c.end, c.text) for c in read_captions(vtt)] == [(1.0, 2.5, "Hi")]


def test_ass_has_karaoke_tags_from_words_and_escapes_braces() -> None:
    text = format_ass([Cue(0.5, 2.0, "a {b}", (W(0.7, 1.0, "a"), W(1.2, 1.9, "{b}"))), Cue(3.0, 4.0, "x\ny")])
    events = [ln for ln in text.splitlines() if ln.startswith("Dialogue:")]
    assert events[0] == r"Dialogue: 0,0:00:00.50,0:00:02.00,Default,,0,0,0,,{\k20}{\k30}a {\k20}{\k70}(b)"
    assert events[1].endswith(r",,x\Ny")
    assert "PlayResX: 1920" in text and "Style: Default," in text


def test_read_captions_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_captions(tmp_path / "none.srt")
    (tmp_path / "bad.srt").write_text("hello\nworld\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an SRT file"):
        read_captions(tmp_path / "bad.srt")
    (tmp_path / "empty.vtt").write_text("WEBVTT\n\n", encoding="utf-8")
    with pytest.raises(InputError, match="no captions"):
        read_captions(tmp_path / "empty.vtt")
    (tmp_path / "bin.srt").write_bytes(b"\xff\xfe\x00\xd8garbage")
    with pytest.raises(InputError, match="UTF-8"):
        read_captions(tmp_path / "bin.srt")


def test_write_captions_is_atomic_and_formats_follow_the_suffix(tmp_path: Path) -> None:
    assert format_from_path(Path("a.VTT")) == "vtt" and format_from_path(Path("a.txt")) == "srt"
    assert format_from_path(Path("a.srt"), "json") == "json"
    with pytest.raises(UsageError):
        format_from_path(Path("a.srt"), "docx")
    with pytest.raises(OutputError, match="does not exist"):
        write_captions([Cue(0, 1, "x")], tmp_path / "missing" / "a.srt")
    out = write_captions([Cue(0, 1, "x")], tmp_path / "a.ass")
    assert out.read_text(encoding="utf-8").startswith("[Script Info]")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ass"]


def test_clean_words_clips_orders_and_drops_padding() -> None:
    words = clean_words([(0.2, 0.5, " one"), (0.4, 0.9, "two "), (1.0, 0.8, "three"), (1.2, 1.4, "  "),
                         (4.8, 6.0, "four"), (5.5, 6.0, "past")], duration=5.0)
    assert [(w.start, w.end, w.text) for w in words] == [(0.2, 0.5, "one"), (0.5, 0.9, "two"), (1.0, 1.0, "three"),
                                                          (4.8, 5.0, "four")]


def test_words_to_cues_breaks_at_pauses_length_and_sentences() -> None:
    t, words = 0.0, []
    for i in range(40):  # 40 words, 0.3 s each, a 2 s pause after word 9, a sentence end after word 28
        t += 2.0 if i == 10 else 0.05
        words.append(W(round(t, 2), round(t + 0.25, 2), f"word{i}." if i == 28 else f"word{i}"))
        t += 0.25
    cues = words_to_cues(words, duration=t + 1)
    assert [w for c in cues for w in c.words] == words
    assert cues[0].words[-1].text == "word9"  # the pause
    assert any(c.words[-1].text == "word28." for c in cues)
    for c in cues:
        assert c.text.count("\n") <= 1 and all(len(ln) <= 42 for ln in c.text.split("\n"))
        assert c.end - c.start <= 6.0 + 1e-9 and c.start == c.words[0].start
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))
    # A lone short word is held a little, never into the next cue nor past the audio.
    short = words_to_cues([W(0.0, 0.1, "Hi"), W(0.3, 0.4, "you")], pause_s=0.1, duration=0.5)
    assert short[0].end == pytest.approx(0.3) and short[1].end == pytest.approx(0.5)


def test_join_words_has_no_spaces_between_cjk_words() -> None:
    assert join_words(["我们", "今天", "go", "home"]) == "我们今天 go home"


def test_align_words_times_the_script_words_from_what_whisper_heard() -> None:
    cues = (Cue(0.0, 2.0, "Hello, brave new"), Cue(2.2, 4.0, "World! It's 9 o'clock."))
    heard = [W(0.1, 0.5, "hello"), W(0.6, 0.9, "grave"), W(1.0, 1.8, "new"), W(2.3, 2.9, "world"),
             W(3.0, 3.2, "its"), W(3.5, 3.9, "oclock")]
    aligned, share = align_words(cues, heard)
    words = [w for c in aligned for w in c.words]
    assert [w.text for w in words] == ["Hello,", "brave", "new", "World!", "It's", "9", "o'clock."]
    assert (words[0].start, words[0].end) == (0.1, 0.5)  # matched (case and punctuation ignored)
    assert 0.5 <= words[1].start <= words[1].end <= 1.0  # "brave" was heard as "grave": between its neighbours
    assert (words[3].start, words[4].start, words[6].start) == (2.3, 3.0, 3.5)
    assert 3.2 <= words[5].start <= words[5].end <= 3.5
    assert share == pytest.approx(5 / 7)
    for c in aligned:
        assert all(c.start <= w.start <= w.end <= c.end for w in c.words)
    # Nothing heard: words are spread over each cue, in order.
    spread, share = align_words(cues, [])
    assert share == 0 and all(len(c.words) == len(c.text.split()) for c in spread)
    assert spread[1].words[0].start == 2.2 and spread[1].words[-1].end == 4.0


def test_translated_words_are_spread_over_the_source_span() -> None:
    c = respread_words(Cue(1.0, 3.0, "hello world", (W(1.2, 1.5, "hello"), W(1.6, 2.6, "world"))), "hallo schöne welt")
    assert (c.start, c.end, c.text) == (1.0, 3.0, "hallo schöne welt")
    assert [w.text for w in c.words] == ["hallo", "schöne", "welt"]
    assert c.words[0].start == 1.2 and c.words[-1].end == 2.6
    assert all(a.end == b.start for a, b in zip(c.words, c.words[1:]))
    assert respread_words(Cue(0, 1, "x"), "y").words == ()
