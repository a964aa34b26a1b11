"""``vidgen-desktop transcribe`` and ``render --captions auto|--captions-file`` as a user runs them (subprocesses)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.media_factory import textured_image
from vidgen_desktop.engine.captions.files import read_captions
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.models import ModelStore

CLI = [sys.executable, "-m", "vidgen_desktop"]


@pytest.fixture()
def home(tmp_path: Path, whisper_folder: Path) -> Path:
    home = tmp_path / "vidgen-home"
    ModelStore(home / "models", disk_margin=0).import_folder("whisper-tiny", whisper_folder)
    return home


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIDGEN_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300, check=False)


def test_transcribe_writes_translated_json_with_words(home: Path, speech: Path, m2m_folder: Path,
                                                      tmp_path: Path) -> None:
    """(SRT, VTT and ASS from the same transcript are checked in test_transcribe.py, without a process each.)"""
    ModelStore(home / "models", disk_margin=0).import_folder("m2m100-418m", m2m_folder)
    js = tmp_path / "talk.txt"
    r = run_cli("transcribe", str(speech), "-o", str(js), "--model", "tiny", "--language", "en", "--format", "json",
                "--translate-to", "de", "--json", home=home)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout.strip().splitlines()[-1])
    assert done["event"] == "done" and done["format"] == "json" and done["cues"] >= 1 and done["words"] >= 1
    assert done["language"] == "de" and "translated from en to de with m2m100-418m" in r.stderr
    data = json.loads(js.read_text(encoding="utf-8"))
    assert len(data["cues"]) == done["cues"] and data["model"] == "whisper-tiny" and data["language"] == "de"
    for c in data["cues"]:  # translated words are spread over the source cue's speech
        assert all(c["start"] <= w["start"] <= w["end"] <= c["end"] for w in c["words"])
    words = [w for c in data["cues"] for w in c["words"]]
    assert words and all(0 <= w["start"] <= w["end"] <= data["duration_s"] for w in words)
    assert all(a["end"] <= b["start"] + 1e-9 for a, b in itertools.pairwise(words))


def test_silence_exits_1_with_no_speech_found_and_no_file(home: Path, tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(32000, "<i2").tobytes())
    out = tmp_path / "out" / "c.srt"
    out.parent.mkdir()
    r = run_cli("transcribe", str(silent), "-o", str(out), "--model", "tiny", home=home)
    assert r.returncode == 1
    assert "error:" in r.stderr and "no speech found" in r.stderr and "Traceback" not in r.stderr
    assert list(out.parent.iterdir()) == []
    r = run_cli("transcribe", str(silent), "-o", str(out), "--model", "base", home=home)
    assert r.returncode == 1 and "whisper-base is not installed" in r.stderr and "models download" in r.stderr


def _bright_bottom(video: Path, t: float) -> float:
    """Share of near-white pixels in the bottom quarter of the frame at ``t`` (captions are white)."""
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{t:.2f}", "-i", str(video), "-frames:v", "1",
                          "-f", "rawvideo", "-pix_fmt", "gray", "-s", "320x180", "-"], capture_output=True,
                         check=True).stdout
    frame = np.frombuffer(raw, np.uint8).reshape(180, 320)
    return float((frame[135:] > 235).mean())


def test_render_with_captions_auto_and_from_a_file(home: Path, speech: Path, tmp_path: Path) -> None:
    img = textured_image(tmp_path / "pic.png", (320, 180))
    out = tmp_path / "auto.mp4"
    common = ["--tier", "kenburns", "--resolution", "320x180", "--fps", "12", "--json"]
    r = run_cli("render", str(img), str(speech), "-o", str(out), "--captions", "auto", "--caption-model", "tiny",
                *common, home=home)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout.strip().splitlines()[-1])
    srt = out.with_suffix(".srt")
    assert done["captions"] == str(srt) and done["details"]["captions"]["burned"] is True
    cues = read_captions(srt)
    assert cues and done["details"]["captions"]["cues"] == len(cues)
    # A hand-written file: burned in while its cue is up, nothing burned outside it.
    mine = tmp_path / "mine.srt"
    mine.write_text("1\n00:00:00,500 --> 00:00:02,000\nHELLO CAPTIONS\n", encoding="utf-8")
    out2 = tmp_path / "file.mp4"
    r = run_cli("render", str(img), str(speech), "-o", str(out2), "--captions-file", str(mine), *common, home=home)
    assert r.returncode == 0, r.stderr
    assert _bright_bottom(out2, 1.2) > _bright_bottom(out2, 3.5) + 0.005
    assert read_captions(out2.with_suffix(".srt"))[0].text == "HELLO CAPTIONS"


def test_caption_option_mistakes_are_usage_errors(home: Path, speech: Path, tmp_path: Path) -> None:
    img = textured_image(tmp_path / "pic.png", (320, 180))
    script = tmp_path / "s.txt"
    script.write_text("Hello.", encoding="utf-8")
    for args, text in [(["--script", str(script), "--captions-file", str(script)], "--captions-file goes with AUDIO"),
                       ([str(speech), "--translate-to", "de"], "--translate-to needs")]:
        r = run_cli("render", str(img), *args, "-o", str(tmp_path / "o.mp4"), home=home)
        assert r.returncode == 2 and text in r.stderr, r.stderr
    assert not (tmp_path / "o.mp4").exists()
