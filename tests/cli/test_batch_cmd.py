"""``batch`` and ``history`` as a user runs them: real processes, real renders, exit codes, resume after kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.media_factory import probe_text, textured_image, tone
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe

CLI = [sys.executable, "-m", "vidgen_desktop"]
FAST = ["--resolution", "160x96", "--fps", "10", "--quality", "draft"]


def _env(home: Path) -> dict[str, str]:
    return {**os.environ, "VIDGEN_HOME": str(home), "OMP_NUM_THREADS": "1"}


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=_env(home), timeout=180, check=False)


def _rows(home: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(home / "vidgen.db")
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM history ORDER BY id").fetchall()
    finally:
        conn.close()


@pytest.fixture()
def album(tmp_path: Path) -> Path:
    """Three named pairs (one broken sound), a sound without a picture."""
    d = tmp_path / "in"
    d.mkdir()
    for name, track in (("intro", 2), ("Ballad", 1)):
        textured_image(d / f"{name}.png", (200, 150))
        tone(d / f"{name}.mp3", 0.6, extra=["-metadata", f"track={track}", "-metadata", f"title={name} song"])
    textured_image(d / "broken.png", (200, 150))
    (d / "broken.wav").write_bytes(b"RIFF not really a wave file")
    tone(d / "orphan.wav", 0.3)
    return d


def test_batch_summary_exit_codes_and_resume(tmp_path: Path, album: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    r = run_cli("batch", str(album), "-o", str(out), "--template", "{track} {title}", *FAST, home=home)
    assert r.returncode == 1, r.stderr  # some failed
    first_table = r.stdout.split("\n\n")[0]
    assert "paired by name" in first_table and first_table.index("Ballad.mp3") < first_table.index("intro.mp3")
    assert "skipped: orphan.wav: no picture" in r.stdout
    assert "2 made, 0 already made, 2 failed" in r.stdout
    assert sorted(p.name for p in out.iterdir()) == ["01 Ballad song.mp4", "02 intro song.mp4"]
    assert "h264" in probe_text(out / "01 Ballad song.mp4")
    statuses = sorted(row["status"] for row in _rows(home))
    assert statuses == ["done", "done", "failed"]  # the broken sound's failure is in the history too

    # Again: the made videos are skipped, the failures are retried (and fail again), nothing is duplicated.
    r = run_cli("batch", str(album), "-o", str(out), "--template", "{track} {title}", *FAST, "--json",
                home=home)
    assert r.returncode == 1
    events = [json.loads(line) for line in r.stdout.splitlines()]
    assert events[0]["event"] == "pairs" and [p["made_before"] for p in events[0]["pairs"]] == [True, True, False]
    summary = events[-1]
    assert summary["event"] == "summary" and (summary["made"], summary["already_made"], summary["failed"]) == (0, 2, 2)
    failed = [x for x in summary["results"] if x["status"] == "failed"]
    assert failed[0]["audio"].endswith("broken.wav") and failed[0]["error"]
    assert sorted(p.name for p in out.iterdir()) == ["01 Ballad song.mp4", "02 intro song.mp4"]

    # Only good pairs: exit 0; other settings are other videos (new names, nothing overwritten).
    (album / "broken.wav").unlink()
    (album / "orphan.wav").unlink()
    r = run_cli("batch", str(album), "-o", str(out), "--template", "{track} {title}", "--resolution", "128x72",
                "--fps", "10", home=home)
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["01 Ballad song (2).mp4", "01 Ballad song.mp4",
                                                     "02 intro song (2).mp4", "02 intro song.mp4"]


def test_history_command(tmp_path: Path) -> None:
    home = tmp_path / "home"
    img, aud = textured_image(tmp_path / "p.png", (160, 120)), tone(tmp_path / "s.wav", 0.5)
    assert run_cli("render", str(img), str(aud), "-o", str(tmp_path / "v.mp4"), *FAST, home=home).returncode == 0
    silent_video = tmp_path / "no-sound.mp4"  # passes the CLI's checks, fails in the render: a recorded failure
    subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=d=1:s=64x48", str(silent_video)],
                   check=True)
    r = run_cli("render", str(img), str(silent_video), "-o", str(tmp_path / "w.mp4"), *FAST, home=home)
    assert r.returncode == 1, r.stderr
    r = run_cli("history", home=home)
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "status", "when"]
    assert lines[1].split()[1] == "failed" and "w.mp4" in lines[1]
    assert lines[2].split()[1] == "done" and "v.mp4" in lines[2] and "kenburns" in lines[2] and "MB" in lines[2]
    r = run_cli("history", "--json", "--limit", "1", home=home)
    (entry,) = json.loads(r.stdout)
    assert entry["status"] == "failed" and entry["error_category"] == "input" and entry["output"].endswith("w.mp4")
    assert run_cli("history", "--limit", "0", home=home).returncode == 2


def _kill_when(proc: subprocess.Popen[str], predicate, deadline: float) -> bool:  # type: ignore[no-untyped-def]
    """Read JSON lines until ``predicate(event)``, then kill -9; False when the run ended first."""
    assert proc.stdout is not None
    for line in proc.stdout:
        if predicate(json.loads(line)):
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return True
        if time.monotonic() > deadline:
            break
    proc.wait()
    return False


def test_kill_9_during_a_batch_then_resume(tmp_path: Path) -> None:
    """kill -9 the real CLI mid-render and at random moments; every run after continues: at the end every
    video exists once, none was rendered twice, no partial file is left."""
    d, home, out = tmp_path / "in", tmp_path / "home", tmp_path / "out"
    d.mkdir()
    textured_image(d / "cover.png", (320, 240))
    names = [f"track{i}" for i in range(1, 6)]
    for i, n in enumerate(names, 1):
        tone(d / f"{n}.mp3", 2.0, extra=["-metadata", f"track={i}"])
    cmd = [*CLI, "batch", str(d), "-o", str(out), "--resolution", "320x180", "--fps", "25", "--json"]
    rng = random.Random(15)

    # 1: killed while the second video renders (its row must say "interrupted").
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=_env(home))
    killed = _kill_when(proc, lambda e: e.get("event") == "progress" and e.get("pair") == 2
                        and e.get("stage") == "render", time.monotonic() + 120)
    assert killed
    # 2, 3: killed at random moments (start-up, planning, rendering or between videos).
    for _ in range(2):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_env(home))
        time.sleep(rng.uniform(0.5, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    r = subprocess.run(cmd, capture_output=True, text=True, env=_env(home), timeout=180, check=False)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.splitlines()[-1])
    assert summary["failed"] == 0 and summary["made"] + summary["already_made"] == 5

    expected = sorted(f"{n}.mp4" for n in names)
    assert sorted(os.listdir(out)) == expected  # no " (2)" duplicates, no hidden partial files
    for name in expected:
        assert "Duration: 00:00:02" in probe_text(out / name)
    rows = _rows(home)
    done = [Path(r["output"]).name for r in rows if r["status"] == "done"]
    assert sorted(done) == expected  # exactly one finished render per video: none rendered twice
    second = [r for r in rows if Path(r["output"]).name == "track2.mp4"]
    assert second[0]["status"] == "interrupted" and second[0]["error_category"] == "interrupted"
    assert not [r for r in rows if r["status"] == "running"]


def test_ctrl_c_cancels_the_batch_and_keeps_what_was_made(tmp_path: Path) -> None:
    d, home, out = tmp_path / "in", tmp_path / "home", tmp_path / "out"
    d.mkdir()
    textured_image(d / "cover.png", (320, 240))
    for n in ("a", "b", "c"):
        tone(d / f"{n}.wav", 2.0)
    cmd = [*CLI, "batch", str(d), "-o", str(out), "--resolution", "320x180", "--fps", "25", "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env(home))
    assert proc.stdout is not None
    events = []
    for line in proc.stdout:
        events.append(json.loads(line))
        if events[-1].get("pair") == 2 and events[-1].get("stage") == "render":
            proc.send_signal(signal.SIGINT)
            break
    rest, err = proc.communicate(timeout=60)
    events += [json.loads(x) for x in rest.splitlines()]
    assert proc.returncode == 130, err
    summary = events[-1]
    assert [r["status"] for r in summary["results"]] == ["made", "cancelled", "not started"]
    assert sorted(os.listdir(out)) == ["a.mp4"]  # the cancelled video left nothing behind
    assert [r["status"] for r in _rows(home)] == ["done", "cancelled"]


def test_bad_batch_input_fails_clearly_and_writes_nothing(tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "out"
    pics = tmp_path / "pics"
    pics.mkdir()
    textured_image(pics / "a.png", (64, 64))
    cases = [
        (["batch", str(tmp_path / "missing"), "-o", str(out)], 1, "file not found"),
        (["batch", str(pics), "-o", str(out)], 2, "no sound files"),
        (["batch", str(pics), "-o", str(out), "--template", "{year}"], 2, "unknown field {year}"),
        (["batch", str(pics), "-o", str(pics / "a.png")], 2, "must be a folder"),
    ]
    for args, code, text in cases:
        r = run_cli(*args, home=home)
        assert (r.returncode, text in r.stderr, "Traceback" in r.stderr) == (code, True, False), r.stderr
    assert not out.exists()
