"""``vidgen-desktop analyze AUDIO [--json]`` through the real CLI entry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.helpers.drums import SR, Track, drum_track, f_measure
from vidgen_desktop.cli.main import main


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "home"))
    yield tmp_path / "home"


@pytest.fixture(scope="module")
def song(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Track]:
    track = drum_track([(96, 6), (128, 8)], seed=2)
    return track.write_wav(tmp_path_factory.mktemp("song") / "song.wav"), track


def test_json_has_what_renders_need(song: tuple[Path, Track], capsys: pytest.CaptureFixture[str], home: Path) -> None:
    path, track = song
    assert main(["analyze", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in ("tempo_bpm", "beats", "downbeats", "sections", "kind", "phrases", "onsets", "pauses", "envelope",
                "envelope_hop_s", "duration_s", "beat_strengths", "onset_strengths", "version"):
        assert key in data, key
    assert data["kind"] == "music" and data["file"] == str(path)
    assert f_measure(track.beats, data["beats"]) >= 0.95
    assert f_measure(track.downbeats, data["downbeats"]) >= 0.95
    assert data["sections"][0] == 0.0
    assert [round(b) for _, b in data["extra"]["tempo_curve"]] == [96, 128]
    assert list((home / "cache" / "audio-analysis").rglob("*.json")), "not cached in the data folder"


def test_human_output(song: tuple[Path, Track], capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = song
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("song.wav: music")
    assert "BPM (changes: 96 BPM, then 128 BPM from" in out
    assert "bars       14 (4/4)" in out
    for word in ("beats", "sections", "phrases", "onsets", "pauses", "loudness"):
        assert f"\n{word}" in out


def test_silence_is_not_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = Track(np.zeros(SR * 3, np.float32), SR, np.zeros(0), np.zeros(0)).write_wav(tmp_path / "quiet.wav")
    assert main(["analyze", str(path), "--no-cache"]) == 0
    assert "silent: no sound" in capsys.readouterr().out


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: d / "missing.mp3", "file not found"),
    (lambda d: (d / "notes.wav").write_text("not a sound") and d / "notes.wav", "is not an audio file"),
])
def test_bad_input_exits_1_with_one_line(make: object, message: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert callable(make)
    path = make(tmp_path)
    assert main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"error: {path}: {message}" in err and "Traceback" not in err and len(err.splitlines()) <= 2


def test_usage_error_without_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["analyze"])
    assert exc.value.code == 2
