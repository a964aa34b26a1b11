"""A typed narration gets word timings: the espeak-ng voice speaks it, the tiny Whisper hears it, words are matched."""

from __future__ import annotations

import itertools
from pathlib import Path

from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.narration import prepare_narrated_audio
from vidgen_desktop.engine.transcribe.align import NO_MODEL_NOTE

SCRIPT = "Welcome to the workshop. Today we make a short video with captions that follow every word."


def test_narration_words_are_timed_by_whisper(whisper_store: ModelStore, tmp_path: Path) -> None:
    res = prepare_narrated_audio(SCRIPT, out_dir=tmp_path, engine="system", store=whisper_store, align_words=True,
                                 write_srt_file=False)
    assert any("whisper-tiny" in n and "heard as written" in n for n in res.notes)
    words = [w for c in res.cues for w in c.words]
    assert [w.text for w in words] == SCRIPT.split()  # the script's own spelling, every word
    for c in res.cues:
        assert c.words and all(c.start <= w.start <= w.end <= c.end for w in c.words)
    assert all(a.end <= b.start + 1e-9 for a, b in itertools.pairwise(words))
    assert words[-1].end <= res.duration_s + 1e-6


def test_without_whisper_the_pause_timing_stays_and_says_so(store: ModelStore, tmp_path: Path) -> None:
    res = prepare_narrated_audio("Hello there. Good bye.", out_dir=tmp_path, engine="system", store=store,
                                 align_words=True, write_srt_file=False)
    assert NO_MODEL_NOTE in res.notes
    assert res.cues and all(c.words == () for c in res.cues)
