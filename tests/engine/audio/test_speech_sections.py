"""Speech or music, pauses, sections and phrases: espeak-ng speech with known gaps, drum tracks whose
pattern changes at known bars, a steady loop with a chord cycle (no false sections), pads without a beat."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.drums import SR, Track, chord, drum_track
from vidgen_desktop.engine.audio import analyze_audio, analyze_samples

SENTENCES = ("Welcome to the show. Today we talk about pictures, and about sound.",
             "How do you make a video from a photo? You take a song and let the camera listen.",
             "That is the whole idea, and it works for a voice as well as for music.")
GAPS_S = (1.0, 0.6)

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (CI installs it: apt install espeak-ng)")


def _speak(text: str, path: Path) -> np.ndarray:
    subprocess.run(["espeak-ng", "-w", str(path), "-s", "165", text], check=True, capture_output=True)
    with wave.open(str(path)) as w:
        assert w.getframerate() == SR and w.getnchannels() == 1
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[float, float]]]:
    """Three spoken sentences with silences of GAPS_S between them; returns the file and the inserted gaps."""
    d = tmp_path_factory.mktemp("speech")
    parts = [_speak(s, d / f"s{i}.wav") for i, s in enumerate(SENTENCES)]
    out: list[np.ndarray] = [parts[0]]
    gaps = []
    t = len(parts[0]) / SR
    for gap, part in zip(GAPS_S, parts[1:]):
        gaps.append((t, t + gap))
        out += [np.zeros(int(gap * SR), np.float32), part]
        t += gap + len(part) / SR
    y = np.concatenate(out)
    return Track(y, SR, np.zeros(0), np.zeros(0)).write_wav(d / "speech.wav"), gaps


@needs_espeak
def test_espeak_speech_is_speech_with_its_pauses_found(speech: tuple[Path, list[tuple[float, float]]],
                                                        cache_dir: Path) -> None:
    path, gaps = speech
    a = analyze_audio(path, cache_dir=cache_dir)
    assert a.kind == "speech", a.extra["speech_evidence"]
    assert a.tempo_bpm is None and a.beats == () and a.downbeats == ()
    for g0, g1 in gaps:  # every inserted silence is inside one found pause, and a phrase starts in it
        assert any(p0 <= g0 + 0.05 and p1 >= g1 - 0.05 for p0, p1 in a.pauses), (g0, g1, a.pauses)
        assert any(g0 <= t <= g1 + 0.3 for t in a.phrases), (g0, g1, a.phrases)
    # The commas and full stops inside the sentences are pauses too (espeak-ng leaves short silences there).
    inside = [p for p in a.pauses if not any(p[0] <= g1 and p[1] >= g0 for g0, g1 in gaps)]
    assert len(inside) >= 2
    assert all(0.0 <= s <= a.duration_s for s in a.sections) and a.sections[0] == 0.0
    assert a.onsets and len(a.envelope) > 0


def test_drum_tracks_are_music_and_pads_are_music_without_a_beat() -> None:
    drums = drum_track(100, bars=8, noise_snr_db=20)
    assert analyze_samples(drums.y, SR).kind == "music"
    pads = np.concatenate([chord(r, 4.0) for r in (110.0, 147.0, 131.0, 98.0) * 2])
    a = analyze_samples(pads, SR)
    assert a.kind == "music" and a.tempo_bpm is None and a.beats == () and a.extra.get("no_beat") is True
    assert a.sections == (0.0,)


@pytest.mark.parametrize("with_pad", [False, True])
def test_sections_start_where_the_pattern_changes(with_pad: bool) -> None:
    track = drum_track([(120, 8), (120, 8), (120, 8)], patterns=["rock", "four", "rock"], pad=with_pad)
    a = analyze_samples(track.y, SR)
    assert a.sections[0] == 0.0
    assert len(a.sections) == 3, a.sections
    assert np.allclose(a.sections[1:], track.sections[1:], atol=0.05)
    assert set(a.sections[1:]) <= set(a.downbeats)  # snapped to bar starts
    # Phrases: whole bars from each section start, sections included.
    assert set(a.sections) <= set(a.phrases)
    assert set(a.phrases) - {0.0} <= set(a.downbeats)
    gaps = np.diff([p for p in a.phrases if p > 0])
    assert np.allclose(gaps, 8.0, atol=0.05)  # 4 bars of 120 BPM: the whole number of bars nearest 8 s


@pytest.mark.parametrize("with_pad", [False, True])
def test_a_steady_loop_has_one_section(with_pad: bool) -> None:
    """A four-chord cycle over eight bars must not read as sections at every turn of the cycle."""
    track = drum_track(120, bars=24, pad=with_pad)
    a = analyze_samples(track.y, SR)
    assert a.sections == (0.0,)
    assert len(a.phrases) >= 5
