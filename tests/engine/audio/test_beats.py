"""Beats, bars and tempo on synthetic drum tracks with known beats (60-180 BPM, swing, noise, tempo changes).

The accuracy measure is mir_eval's beat F-measure with its usual +-70 ms window; downbeats
(bar starts, 4/4) are scored the same way.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers.drums import drum_track, f_measure
from vidgen_desktop.engine.audio import analyze_samples
from vidgen_desktop.engine.audio.beats import dp_beats

CASES = {
    "rock 60": {"segments": 60, "bars": 7},
    "rock 90 swing": {"segments": 90, "bars": 8, "swing": 0.7},
    "four-on-the-floor 128": {"segments": 128, "bars": 10, "pattern": "four"},
    "sparse 100": {"segments": 100, "bars": 9, "pattern": "sparse"},
    "rock 150 noise 6 dB": {"segments": 150, "bars": 12, "noise_snr_db": 6},
    "rock 180": {"segments": 180, "bars": 14},
    "four 170 noise 10 dB": {"segments": 170, "bars": 14, "pattern": "four", "noise_snr_db": 10},
    "triplet swing 110": {"segments": 110, "bars": 10, "swing": 1.0},
    "tempo up 100 -> 135": {"segments": [(100, 7), (135, 9)]},
    "tempo down 150 -> 95": {"segments": [(150, 9), (95, 7)], "pattern": "four"},
}


@pytest.mark.parametrize("name", list(CASES))
def test_beats_and_downbeats_on_synthetic_drums(name: str) -> None:
    track = drum_track(**CASES[name], seed=len(name))  # type: ignore[arg-type]
    a = analyze_samples(track.y, track.sr)
    assert a.kind == "music"
    f_beats = f_measure(track.beats, a.beats)
    f_bars = f_measure(track.downbeats, a.downbeats)
    assert f_beats >= 0.95, f"{name}: beat F {f_beats:.3f}"
    assert f_bars >= 0.95, f"{name}: downbeat F {f_bars:.3f} (estimated {a.downbeats[:4]}, true {track.downbeats[:4]})"
    assert len(a.beat_strengths) == len(a.beats) and all(0.0 <= s <= 1.0 for s in a.beat_strengths)
    assert set(a.downbeats) <= set(a.beats)
    # Beats land on the attack, not just within the window: median error under 15 ms.
    est = np.asarray(a.beats)
    err = np.abs(est[None, :] - track.beats[:, None]).min(axis=1)
    assert float(np.median(err)) < 0.015


@pytest.mark.parametrize("bpm", [60.0, 97.0, 128.0, 175.0])
def test_tempo_is_the_beat_level(bpm: float) -> None:
    track = drum_track(bpm, bars=8, pattern="rock")
    a = analyze_samples(track.y, track.sr)
    assert a.tempo_bpm is not None
    assert abs(a.tempo_bpm / bpm - 1.0) < 0.02


def test_tempo_change_is_followed_not_averaged() -> None:
    track = drum_track([(100, 8), (135, 10)])
    a = analyze_samples(track.y, track.sr)
    curve = a.extra["tempo_curve"]
    assert len(curve) == 2, curve
    (_t0, bpm0), (t1, bpm1) = curve
    assert abs(bpm0 / 100 - 1) < 0.02 and abs(bpm1 / 135 - 1) < 0.02
    change_at = track.beats[32]
    assert abs(t1 - change_at) < 2.0
    # The beat period follows both tempos, including the beats around the change.
    ibi = np.diff(a.beats)
    assert np.allclose(ibi[:28], 0.6, atol=0.02) and np.allclose(ibi[-30:], 60 / 135, atol=0.02)
    near = [b for b in a.beats if track.beats[28] - 0.1 < b < track.beats[37] + 0.1]
    assert f_measure(track.beats[28:38], near) == 1.0


def test_dp_follows_an_impulse_train_with_a_time_varying_period() -> None:
    beats = np.concatenate([np.arange(50, 1000, 50), np.arange(1000, 2000, 35)])
    env = np.zeros(2100)
    env[beats] = 1.0
    env[beats[::2] + 17] = 0.3  # off-beat distractors
    frames = np.arange(2100)
    period = np.where(frames < 1000, 50.0, 35.0)
    # Near the change either spacing is fine (as the analyser does around a detected tempo change).
    alt = np.where(np.abs(frames - 1000) < 200, np.where(frames < 1000, 35.0, 50.0), period)
    found = dp_beats(env, period, alt_period=alt)
    assert found.tolist() == beats.tolist()
    # Without the slack the beat right at the change is pulled off its attack: the reason for alt_period.
    assert dp_beats(env, period).tolist() != beats.tolist()


def test_no_beat_in_silence_around_the_music() -> None:
    track = drum_track(120, bars=6, lead_in_s=3.0, tail_s=3.0)
    a = analyze_samples(track.y, track.sr)
    assert a.beats[0] > 2.9 and a.beats[-1] < track.beats[-1] + 0.1
    assert a.pauses[0][0] == 0.0 and a.pauses[0][1] == pytest.approx(3.0, abs=0.05)
