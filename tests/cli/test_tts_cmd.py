"""`vidgen-desktop tts` as a user runs it: real subprocesses, real espeak-ng, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from vidgen_desktop.engine.captions import read_srt

CLI = [sys.executable, "-m", "vidgen_desktop"]
needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None and shutil.which("espeak") is None,
                                  reason="espeak-ng is not installed (CI installs it: apt install espeak-ng)")


def run_cli(*args: str, home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VIDGEN_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120, input=stdin,
                          check=False)


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


@needs_espeak
def test_tts_writes_a_wav_and_captions(tmp_path: Path) -> None:
    out, srt = tmp_path / "hello.wav", tmp_path / "hello.srt"
    r = run_cli("tts", "Hello from the command line. It works!", "-o", str(out), "--srt", str(srt), home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert str(out) in r.stdout and "eSpeak NG" in r.stdout
    cues = read_srt(srt)
    assert [c.text for c in cues] == ["Hello from the command line.", "It works!"]
    assert abs(cues[-1].end - wav_seconds(out)) <= 0.1
    assert "Traceback" not in r.stderr


@needs_espeak
def test_tts_json_script_file_and_stdin(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Erster Satz. Zweiter Satz.", encoding="utf-8")
    r = run_cli("tts", "--script", str(script), "--language", "de", "--engine", "system", "-o",
                str(tmp_path / "de.wav"), "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    done = lines[-1]
    assert done["event"] == "done" and done["engine"] == "system" and done["language"] == "de"
    assert done["sentences"] == 2 and done["duration_s"] > 0.5
    assert {e["stage"] for e in lines[:-1]} >= {"narrate", "mix"}
    r = run_cli("tts", "-", "-o", str(tmp_path / "in.wav"), home=tmp_path, stdin="From standard input.")
    assert r.returncode == 0, r.stderr and (tmp_path / "in.wav").is_file()


@needs_espeak
def test_list_voices_and_languages(tmp_path: Path) -> None:
    r = run_cli("tts", "--list-languages", home=tmp_path)
    assert r.returncode == 0 and "en-us" in r.stdout.split()
    r = run_cli("tts", "--list-voices", "--json", home=tmp_path)
    assert r.returncode == 0 and any(v["id"] == "f3" for v in json.loads(r.stdout)["voices"])


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["tts", "", "-o", "{out}"], 1, "script is empty"),
        (["tts", "Hi.", "-o", "{out}", "--language", "xx"], 2, "language 'xx' is not supported"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "xtts"], 1, "needs a model"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "bark"], 1, "models download bark-small"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "system", "--voice-sample", "{out}"], 2, "--engine xtts"),
        (["tts", "Hi.", "-o", "{out}", "--voice", "a", "--voice-sample", "b"], 2, "not allowed with"),
        (["tts", "Hi."], 2, "-o"),
        (["tts", "Hi.", "-o", "{dir}/nope/x.wav"], 1, "does not exist"),
        (["tts", "Hi.", "-o", "{dir}/x.mp3"], 1, ".wav"),
        (["tts", "--script", "{dir}/missing.txt", "-o", "{out}"], 1, "file not found"),
        (["tts", "Hi.", "-o", "{out}", "--engine", "magic"], 2, "invalid choice"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    names = {"out": str(tmp_path / "o.wav"), "dir": str(tmp_path)}
    r = run_cli(*[a.format(**names) for a in args], home=tmp_path)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o.wav").exists()


# ------------------------------------------------------------------ render IMAGE --script (narrated videos)


def _render_has_script(home: Path) -> bool:
    r = run_cli("render", "--help", home=home)
    return "--script" in r.stdout


@needs_espeak
def test_render_a_narrated_video(tmp_path: Path) -> None:
    from tests.media_factory import probe_text, textured_image, tone

    if not _render_has_script(tmp_path):
        pytest.skip("render has no --script option yet (see engine/narration.py for the integration)")
    img = textured_image(tmp_path / "p.png", (320, 240))
    script = tmp_path / "s.txt"
    script.write_text("A picture and some words.\nThat is all it takes.", encoding="utf-8")
    out = tmp_path / "v.mp4"
    r = run_cli("render", str(img), "--script", str(script), "-o", str(out), "--tier", "kenburns",
                "--resolution", "160x90", "--fps", "10", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout.splitlines()[-1])
    assert done["captions"] == str(tmp_path / "v.srt")
    cues = read_srt(tmp_path / "v.srt")
    assert [c.text for c in cues] == ["A picture and some words.", "That is all it takes."]
    assert abs(cues[-1].end - done["duration_s"]) <= 0.1 + 1 / 10
    assert "Audio: aac" in probe_text(out)
    burned = tmp_path / "b.mp4"
    r = run_cli("render", str(img), "--script", str(script), "-o", str(burned), "--captions", "burn", "--music",
                str(tone(tmp_path / "m.wav", 1.0)), "--tier", "kenburns", "--resolution", "160x90", "--fps", "10",
                home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert burned.is_file() and not (tmp_path / "b.srt").exists()


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["render", "{img}", "{aud}", "--script", "{script}", "-o", "{out}"], 2, "not both"),
        (["render", "{img}", "{aud}", "--music", "{aud}", "-o", "{out}"], 2, "go with --script"),
        (["render", "{img}", "--script", "{empty}", "-o", "{out}"], 1, "empty"),
        (["render", "{img}", "--script", "{script}", "-o", "{dir}/v.avi"], 1, ".mp4"),
        (["render", "{img}", "--script", "{script}", "--language", "xx", "-o", "{out}"], 2, "not supported"),
    ],
)
def test_render_script_errors(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    from tests.media_factory import textured_image, tone

    if not _render_has_script(tmp_path):
        pytest.skip("render has no --script option yet")
    (tmp_path / "s.txt").write_text("Hello.", encoding="utf-8")
    (tmp_path / "e.txt").write_text(" ", encoding="utf-8")
    names = {"img": str(textured_image(tmp_path / "i.png", (64, 64))), "aud": str(tone(tmp_path / "a.wav", 0.5)),
             "script": str(tmp_path / "s.txt"), "empty": str(tmp_path / "e.txt"), "out": str(tmp_path / "o.mp4"),
             "dir": str(tmp_path)}
    r = run_cli(*[a.format(**names) for a in args], home=tmp_path)
    assert r.returncode == code, (r.returncode, r.stderr)
    assert text in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.mp4").exists()
