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


def test_captions_auto_on_a_narrated_render_burns_word_timed_cues_and_writes_the_srt(
        whisper_store: ModelStore, tmp_path: Path) -> None:
    from tests.media_factory import textured_image
    from vidgen_desktop.core.jobs import RenderJob, Tier
    from vidgen_desktop.core.narration import NarrationSpec
    from vidgen_desktop.engine.captions import read_srt
    from vidgen_desktop.engine.narrated_render import NarratedAudio
    from vidgen_desktop.engine.render import RenderResult

    job = RenderJob(image=textured_image(tmp_path / "p.png", (64, 48)), audio=tmp_path / "none.wav",
                    output=tmp_path / "v.mp4")
    spec = NarrationSpec("Hello there. Good bye.", engine="system", captions="auto",
                         models_dir=whisper_store.models_dir)
    with NarratedAudio(spec, job) as n:
        assert n.burn and all(c.words for c in n.burn)
        result = n.finish(RenderResult(job.output, Tier.KENBURNS, 64, 48, 10.0, 10, 1.0, 0.1))
    assert result.details["narration"]["captions"] == "auto"
    assert [c.text for c in read_srt(tmp_path / "v.srt")] == [c.text for c in n.burn]
