"""The numpy mel and chroma filter banks equal librosa's (its defaults, as the analyser used them) and
analysing a file imports neither librosa nor numba (nor scipy.signal)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.drums import drum_track
from vidgen_desktop.engine.audio import features, filterbanks

ROOT = Path(__file__).resolve().parents[3]

#: (sr, n_fft, n_mels, fmin): the analyser's settings first, then others (odd n_fft, fmin 0, 48 kHz).
SETTINGS = [(22050, features.N_FFT, features.N_MELS, 30.0), (22050, 2048, 128, 0.0), (16000, 512, 40, 20.0),
            (44100, 4096, 96, 50.0), (48000, 1023, 64, 30.0), (8000, 256, 26, 0.0)]


@pytest.mark.parametrize(("sr", "n_fft", "n_mels", "fmin"), SETTINGS)
def test_banks_equal_librosas(sr: int, n_fft: int, n_mels: int, fmin: float) -> None:
    import librosa.filters  # only here: the app never imports it (librosa is a test dependency)

    mel = filterbanks.mel_bank(sr, n_fft, n_mels, fmin)
    ref_mel = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=sr / 2)
    assert mel.dtype == np.float32 and mel.shape == ref_mel.shape == (n_mels, n_fft // 2 + 1)
    np.testing.assert_allclose(mel, ref_mel, rtol=1e-6, atol=0)  # zeros where librosa has zeros, too
    chroma = filterbanks.chroma_bank(sr, n_fft)
    ref_chroma = librosa.filters.chroma(sr=sr, n_fft=n_fft, n_chroma=12)
    assert chroma.dtype == np.float32 and chroma.shape == ref_chroma.shape == (12, n_fft // 2 + 1)
    np.testing.assert_allclose(chroma, ref_chroma, rtol=1e-6, atol=0)


def test_mel_scale_is_slaneys() -> None:
    # Linear below 1 kHz (200/3 Hz per mel), logarithmic above: 27 mels per factor 6.4.
    hz = np.array([0.0, 200.0 / 3.0, 1000.0, 6400.0, 12345.0])
    mel = filterbanks.hz_to_mel(hz)
    np.testing.assert_allclose(mel[:4], [0.0, 1.0, 15.0, 42.0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(filterbanks.mel_to_hz(mel), hz, rtol=1e-12)


def test_banks_are_what_the_features_use_and_read_only() -> None:
    mel, chroma = filterbanks.filter_banks(22050, features.N_FFT, features.N_MELS, 30.0)
    assert filterbanks.filter_banks(22050, features.N_FFT, features.N_MELS, 30.0)[0] is mel
    assert not mel.flags.writeable and not chroma.flags.writeable
    # Each mel filter has area ~1 over its band (Slaney normalisation): the sum of weights times the bin width
    # is 1 for the bands wide enough to hold several bins.
    area = mel.sum(axis=1) * 22050 / features.N_FFT
    assert np.allclose(area[-20:], 1.0, atol=0.02)
    # A 440 Hz bin lands on A (row 9 from C).
    assert int(np.argmax(chroma[:, round(440 * features.N_FFT / 22050)])) == 9


SCRIPT = r"""
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from vidgen_desktop.engine.audio import analyze_audio
a = analyze_audio(Path(sys.argv[1]))
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("librosa", "numba", "llvmlite", "soxr", "soundfile",
               "audioread", "sklearn", "joblib", "pooch") or m.startswith("scipy.signal"))
print(json.dumps({"beats": len(a.beats), "heavy": heavy, "s": time.perf_counter() - t0}))
"""


def test_analysing_a_file_in_a_fresh_process_imports_no_librosa_or_numba(tmp_path: Path) -> None:
    wav = drum_track(120, bars=4).write_wav(tmp_path / "drums.wav")
    home = tmp_path / "home"  # an empty data folder: a new user's first analysis
    env = {k: v for k, v in os.environ.items() if k not in ("VIDGEN_HOME", "NUMBA_CACHE_DIR")}
    env.update(VIDGEN_HOME=str(home), PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(wav)], env=env, capture_output=True, text=True,
                          timeout=120, check=False, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert data["beats"] == 16
    assert data["heavy"] == []
    assert not (home / "cache" / "numba").exists()
    assert not (home / "cache" / "audio-analysis" / "filters").exists()
