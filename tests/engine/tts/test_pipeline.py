"""The chunk loop with a deterministic stand-in voice: timing, pauses, loudness, cancel, failures."""

from __future__ import annotations

import itertools
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tests.engine.tts.conftest import ToneEngine, read_wav
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError, RenderError
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.captions import read_srt, write_srt
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.tts.audio import PcmSpool, finish_wav, resample, trim_silence
from vidgen_desktop.engine.tts.pipeline import LEAD_IN_S, TAIL_S, synthesize_script
from vidgen_desktop.engine.tts.text import PAUSE_PARAGRAPH, PAUSE_SENTENCE

SCRIPT = "First sentence here. A second, longer sentence follows it.\n\nNew paragraph? Yes."


def integrated_lufs(path: Path) -> float:
    err = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-af", "ebur128", "-f", "null",
                          "-"], capture_output=True, check=True).stderr.decode()
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", err)[-1])


def test_chunks_become_one_normalised_wav_with_exact_cue_times(tmp_path: Path) -> None:
    engine = ToneEngine(24000)
    events: list[ProgressEvent] = []
    out = tmp_path / "n.wav"
    res = synthesize_script(SCRIPT, engine, out, on_progress=events.append)
    samples, rate = read_wav(out)
    assert rate == 48000 and samples.ndim == 1
    assert res.duration_s == pytest.approx(samples.size / rate, abs=1e-9)
    assert engine.calls == ["First sentence here.", "A second, longer sentence follows it.", "New paragraph?", "Yes."]
    # Speech spans: tone lengths (text length x 30 ms, plus the 40 ms margins trimming keeps).
    spans = [(s.start, s.end) for s in res.sentences]
    assert spans[0][0] == pytest.approx(LEAD_IN_S, abs=0.011)
    for (a0, a1), text in zip(spans, engine.calls):
        assert a1 - a0 == pytest.approx(len(text) * 0.03 + 0.08, abs=0.025)
    # Pauses from punctuation: sentence, paragraph.
    assert spans[1][0] - spans[0][1] == pytest.approx(PAUSE_SENTENCE, abs=0.002)
    assert spans[2][0] - spans[1][1] == pytest.approx(PAUSE_PARAGRAPH, abs=0.002)
    assert res.duration_s - spans[-1][1] == pytest.approx(TAIL_S, abs=0.002)
    # Where the cues say there is speech, the WAV is loud; in the pauses it is silent.
    for a, b in spans:
        assert np.abs(samples[int((a + 0.05) * rate):int((b - 0.05) * rate)]).mean() > 0.05
    gap = samples[int((spans[1][1] + 0.05) * rate):int((spans[2][0] - 0.05) * rate)]
    assert np.abs(gap).max() < 1e-3
    # Captions: contiguous, in order, last one ends with the audio.
    cues = res.cues
    assert [c.text for c in cues] == engine.calls
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(cues))
    assert cues[-1].end == pytest.approx(res.duration_s, abs=1e-6)
    srt = read_srt(write_srt(list(cues), tmp_path / "n.srt"))
    assert abs(srt[-1].end - samples.size / rate) <= 0.1
    assert integrated_lufs(out) == pytest.approx(-16.0, abs=1.5)
    narrate = [e for e in events if e.stage == "narrate" and e.total]
    assert [e.done for e in narrate] == [0, 1, 2, 3, 4] and narrate[-1].total == 4
    assert events[-1].stage == "mix"
    assert not list(tmp_path.glob(".*")), "spool and partial files are removed"


def test_engines_with_changing_rates_are_resampled(tmp_path: Path) -> None:
    engine = ToneEngine(rates=[22050, 16000, 44100])
    res = synthesize_script("One two three. Four five six. Seven eight.", engine, tmp_path / "r.wav")
    samples, rate = read_wav(tmp_path / "r.wav")
    assert rate == 48000 and res.cues[-1].end == pytest.approx(samples.size / rate)
    for s, text in zip(res.sentences, engine.calls):
        assert s.end - s.start == pytest.approx(len(text) * 0.03 + 0.08, abs=0.03)


def test_cancel_between_chunks_stops_and_cleans_up(tmp_path: Path) -> None:
    engine = ToneEngine()
    cancel = CancelToken()

    def on_progress(ev: ProgressEvent) -> None:
        if ev.stage == "narrate" and ev.done == 2:
            cancel.cancel()

    out = tmp_path / "c.wav"
    with pytest.raises(CancelledError):
        synthesize_script("One. Two. Three. Four. Five.", engine, out, on_progress=on_progress, cancel=cancel)
    assert len(engine.calls) == 2  # nothing after the cancel
    assert not out.exists() and not list(tmp_path.iterdir())


def test_memory_stays_flat_for_long_scripts(tmp_path: Path) -> None:
    """An 80-sentence script: the spool is on disk; only one chunk is ever in memory."""
    import tracemalloc

    engine = ToneEngine(seconds_per_char=0.02)
    script = " ".join(f"Sentence number {i} is here." for i in range(80))
    tracemalloc.start()
    res = synthesize_script(script, engine, tmp_path / "long.wav")
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.duration_s > 40
    whole = res.duration_s * 24000 * 4  # the whole narration as float32
    assert peak < whole / 4, f"peak {peak / 1e6:.1f} MB vs whole {whole / 1e6:.1f} MB"


def test_a_failing_chunk_names_the_sentence(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"sentence 2 \('Broken here"):
        synthesize_script("Fine. Broken here. Never.", ToneEngine(fail_on="Broken"), tmp_path / "f.wav")
    assert not (tmp_path / "f.wav").exists()


def test_an_engine_that_says_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="no sound"):
        synthesize_script("Hello.", ToneEngine(silent=True), tmp_path / "s.wav")


def test_empty_script(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        synthesize_script("  ", ToneEngine(), tmp_path / "e.wav")


def test_trim_resample_and_exact_wav_length(tmp_path: Path) -> None:
    rate = 22050
    x = np.zeros(rate, np.float32)
    x[5000:9000] = 0.5
    t = trim_silence(x, rate, keep_s=0.01)
    assert 4000 <= t.size <= 4000 + 2 * 221 + 441
    y = resample(x, rate, 48000)
    assert y.size == round(rate * 48000 / rate)
    with PcmSpool(tmp_path) as spool:
        spool.append(x, rate)
        spool.append_silence(0.5)
        n = finish_wav(spool, tmp_path / "x.wav", normalize=False)
        assert n == round(spool.samples * 48000 / rate)
    assert read_wav(tmp_path / "x.wav")[0].size == n
