"""The CLI as a user runs it: real subprocesses, real files, exit codes, no tracebacks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.media_factory import probe_text, textured_image, tone

CLI = [sys.executable, "-m", "vidgen_desktop"]


def run_cli(*args: str, home: Path, **kw) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "VIDGEN_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=120, check=False, **kw)


def test_sample_render_gives_a_video(tmp_path: Path) -> None:
    out = tmp_path / "sample.mp4"
    r = run_cli("render", "--sample", "-o", str(out), "--resolution", "320x180", "--fps", "12", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert out.is_file() and "h264" in probe_text(out)
    assert str(out) in r.stdout


def test_json_progress_lines(tmp_path: Path) -> None:
    img, aud = textured_image(tmp_path / "i.png"), tone(tmp_path / "a.wav", 1.0)
    out = tmp_path / "o.mp4"
    r = run_cli("render", str(img), str(aud), "-o", str(out), "--resolution", "160x90", "--fps", "10", "--json",
                home=tmp_path)
    assert r.returncode == 0, r.stderr
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert events[-1]["event"] == "done" and events[-1]["frames"] == 10
    progress = [e for e in events if e["event"] == "progress"]
    assert {"probe", "render", "done"} <= {e["stage"] for e in progress}
    assert all("preview" not in e for e in progress)
    assert progress[-1]["percent"] == 100.0


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["render", "{missing}", "{aud}", "-o", "{out}"], 1, "file not found"),
        (["render", "{aud}", "{img}", "-o", "{out}"], 1, "audio"),
        (["render", "{img}", "{aud}", "-o", "{out}", "--resolution", "huge"], 2, "resolution"),
        (["render", "{img}", "{aud}", "-o", "{out}", "--fps", "0"], 2, "fps"),
        (["render", "{img}", "{aud}", "-o", "{out}", "--tier", "magic"], 2, "invalid choice"),
        (["render", "{img}", "{aud}"], 2, "-o"),
    ],
)
def test_errors_are_one_clear_line(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    names = {"missing": str(tmp_path / "nope.jpg"), "img": str(textured_image(tmp_path / "i.png")),
             "aud": str(tone(tmp_path / "a.wav", 0.5)), "out": str(tmp_path / "o.mp4")}
    r = run_cli(*[a.format(**names) for a in args], home=tmp_path)
    assert r.returncode == code
    assert text in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o.mp4").exists()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    r = run_cli("--debug", "render", str(tmp_path / "nope.jpg"), str(tmp_path / "a.wav"), "-o",
                str(tmp_path / "o.mp4"), home=tmp_path)
    assert r.returncode != 0 and "Traceback" in r.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="platform: POSIX signals")
def test_ctrl_c_cancels_and_removes_the_partial_file(tmp_path: Path) -> None:
    img, aud = textured_image(tmp_path / "i.png"), tone(tmp_path / "long.wav", 300.0)
    out = tmp_path / "o.mp4"
    env = {**os.environ, "VIDGEN_HOME": str(tmp_path), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([*CLI, "render", str(img), str(aud), "-o", str(out), "--resolution", "720p", "--fps",
                             "30", "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    for line in proc.stdout:  # wait until the encoder is writing its (temporary) file
        if json.loads(line).get("stage") == "render" and list(tmp_path.glob(".o.*partial.mp4")):
            break
    assert list(tmp_path.glob(".o.*partial.mp4")), "a partial file should exist mid-render"
    assert not out.exists()
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - t0 < 5
    assert "Traceback" not in err and "cancelled" in err
    assert not out.exists() and not list(tmp_path.glob(".o.*partial*"))


def test_version_and_help(tmp_path: Path) -> None:
    from vidgen_desktop import __version__

    r = run_cli("--version", home=tmp_path)
    assert r.returncode == 0 and __version__ in r.stdout
    r = run_cli("render", "--help", home=tmp_path)
    assert r.returncode == 0 and "--fit" in r.stdout


def test_hardware_reports_tier_and_reasons(tmp_path: Path) -> None:
    r = run_cli("hardware", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["decision"]["tier"] == "kenburns"  # no GPU, no models on these machines
    assert data["decision"]["reasons"]
    r = run_cli("hardware", home=tmp_path)
    assert "Tier:" in r.stdout and "Why" in r.stdout
