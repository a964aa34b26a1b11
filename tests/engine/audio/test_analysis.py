"""``analyze_audio`` on real files: decoding through the app's ffmpeg, the content-hash cache, bad input,
silence, cancel, and what the loudness envelope and onsets say about a known track."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.drums import SR, Track, drum_track, f_measure
from tests.media_factory import textured_image
from vidgen_desktop.core.analysis import ANALYSIS_VERSION, AudioAnalysis
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError
from vidgen_desktop.engine.audio import analysis as analysis_mod
from vidgen_desktop.engine.audio import analyze_audio, cache
from vidgen_desktop.engine.ffmpeg import run_ffmpeg


@pytest.fixture(scope="module")
def track() -> Track:
    return drum_track(120, bars=8, seed=5)


@pytest.fixture()
def wav(tmp_path: Path, track: Track) -> Path:
    return track.write_wav(tmp_path / "drums.wav")


def test_mp3_stereo_44k_decodes_through_ffmpeg_and_keeps_the_beats(tmp_path: Path, wav: Path, track: Track,
                                                                   cache_dir: Path) -> None:
    mp3 = tmp_path / "drums.mp3"
    run_ffmpeg(["-y", "-v", "error", "-i", str(wav), "-ac", "2", "-ar", "44100", "-b:a", "128k", str(mp3)])
    a = analyze_audio(mp3, cache_dir=cache_dir)
    assert a.duration_s == pytest.approx(track.duration_s, abs=0.1)  # MP3 adds encoder padding, no more
    assert f_measure(track.beats, a.beats) >= 0.95
    assert a.extra["analysis_rate"] == SR


def test_cache_is_per_content_and_versioned(tmp_path: Path, wav: Path, cache_dir: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    first = analyze_audio(wav, cache_dir=cache_dir)
    digest = cache.content_hash(wav)
    entry = cache.entry_path(cache_dir, digest)
    assert entry.is_file() and entry.parent.name == f"v{ANALYSIS_VERSION}"
    assert AudioAnalysis.from_json(json.loads(entry.read_text())) == first

    def fail(*_a: object, **_k: object) -> AudioAnalysis:
        raise AssertionError("analysed again although cached")

    monkeypatch.setattr(analysis_mod, "analyze_samples", fail)
    copy = shutil.copy(wav, tmp_path / "renamed copy.wav")  # same bytes, another name: a hit
    assert analyze_audio(Path(copy), cache_dir=cache_dir) == first
    monkeypatch.undo()

    with Path(copy).open("ab") as fh:  # other bytes: a miss
        fh.write(b"\0" * 64)
    analyze_audio(Path(copy), cache_dir=cache_dir)
    assert len(list(entry.parent.glob("*.json"))) == 2

    entry.write_text("{not json")  # a broken entry is recomputed and rewritten, not an error
    again = analyze_audio(wav, cache_dir=cache_dir)
    assert again.beats == first.beats and again.envelope == first.envelope
    assert again.extra["analysis_s"] > 0
    assert json.loads(entry.read_text())["version"] == ANALYSIS_VERSION
    assert not list(entry.parent.glob(".tmp-*"))


def test_cache_defaults_to_the_data_folder(wav: Path, tmp_path: Path) -> None:
    analyze_audio(wav)  # VIDGEN_HOME is this test's folder (tests/engine/conftest.py)
    assert list((tmp_path / "home" / "cache" / "audio-analysis" / f"v{ANALYSIS_VERSION}").glob("*.json"))


def test_json_round_trip(wav: Path, cache_dir: Path) -> None:
    a = analyze_audio(wav, cache_dir=cache_dir, use_cache=False)
    text = json.dumps(a.to_json())
    assert AudioAnalysis.from_json(json.loads(text)) == a


def test_envelope_follows_the_loudness(track: Track, wav: Path, cache_dir: Path) -> None:
    a = analyze_audio(wav, cache_dir=cache_dir)
    assert a.envelope_hop_s == 0.01
    assert len(a.envelope) == pytest.approx(track.duration_s / 0.01, abs=2)
    assert all(0.0 <= v <= 1.0 for v in a.envelope)
    # Correlates with the true short-time loudness (dB), and is high on hits, low in the lead-in silence.
    centres = (np.arange(len(a.envelope)) * 0.01 * SR).astype(int)
    rms = np.array([np.sqrt(np.mean(track.y[max(0, c - 220): c + 220] ** 2)) for c in centres])
    db = 20 * np.log10(np.maximum(rms, 1e-6))
    corr = np.corrcoef(np.maximum(db, db.max() - 60), np.asarray(a.envelope))[0, 1]
    assert corr > 0.9
    assert a.loudness_at(track.beats[0] + 0.01) > 0.8
    assert a.loudness_at(0.2) < 0.2


def test_onsets_mark_every_hit_and_kicks_are_stronger_than_hats(track: Track, wav: Path, cache_dir: Path) -> None:
    a = analyze_audio(wav, cache_dir=cache_dir)
    onsets = np.asarray(a.onsets)
    strengths = np.asarray(a.onset_strengths)
    assert len(onsets) == len(strengths)
    assert f_measure(track.beats, onsets[strengths > 0.3], window=0.03) >= 0.95  # kick, snare: on every beat
    offbeats = track.beats + 0.25  # the quiet closed hat between beats (rock pattern, 120 BPM)
    near = np.abs(onsets[None, :] - offbeats[:, None]).argmin(axis=1)
    on = np.abs(onsets[None, :] - track.beats[:, None]).argmin(axis=1)
    found = np.abs(onsets[near] - offbeats) < 0.03
    assert found.mean() > 0.8
    assert np.median(strengths[near[found]]) < 0.5 * np.median(strengths[on])


def test_silence_gives_a_calm_result_not_an_error(tmp_path: Path, cache_dir: Path) -> None:
    path = Track(np.zeros(SR * 5, np.float32), SR, np.zeros(0), np.zeros(0)).write_wav(tmp_path / "silence.wav")
    a = analyze_audio(path, cache_dir=cache_dir)
    assert a.extra["silent"] is True
    assert a.tempo_bpm is None and a.beats == () and a.downbeats == () and a.onsets == ()
    assert a.pauses == ((0.0, 5.0),) and a.sections == (0.0,)


def test_very_short_audio(tmp_path: Path, cache_dir: Path) -> None:
    short = Track(drum_track(120, 1).y[:SR], SR, np.zeros(0), np.zeros(0)).write_wav(tmp_path / "short.wav")
    a = analyze_audio(short, cache_dir=cache_dir)
    assert a.duration_s == pytest.approx(1.0, abs=0.01)
    assert a.extra.get("too_short") is True and a.beats == ()


@pytest.mark.parametrize("kind", ["missing", "folder", "empty", "text", "image"])
def test_bad_input_is_a_clear_input_error(kind: str, tmp_path: Path, cache_dir: Path) -> None:
    path = tmp_path / "thing"
    expected = {"missing": "file not found", "folder": "folder", "empty": "empty", "text": "not an audio file",
                "image": "is an image"}[kind]
    if kind == "folder":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path = tmp_path / "notes.mp3"
        path.write_text("these are not sounds\n" * 50)
    elif kind == "image":
        path = textured_image(tmp_path / "photo.png", (64, 48))
    with pytest.raises(InputError, match=expected):
        analyze_audio(path, cache_dir=cache_dir)
    assert not cache_dir.exists() or not list(cache_dir.rglob("*.json"))


def test_cancel_stops_before_anything_is_cached(wav: Path, cache_dir: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        analyze_audio(wav, cache_dir=cache_dir, cancel=token)
    assert not cache_dir.exists() or not list(cache_dir.rglob("*.json"))

