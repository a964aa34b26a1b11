"""The AI tiers from the command line: options, JSON summary, a killed render that resumes, ``hardware``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.engine.ai.conftest import Install, needs_torch
from tests.media_factory import decode_gray_frames, probe_text, textured_image, tone
from vidgen_desktop.cli.main import main
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import app_paths


def events(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]


@needs_torch
def test_cli_animatediff_with_ai_options(tmp_path: Path, install: Install, capsys: pytest.CaptureFixture[str]) -> None:
    install(Tier.ANIMATEDIFF)
    img, aud = textured_image(tmp_path / "i.png", (320, 240)), tone(tmp_path / "a.wav", 1.5)
    out = tmp_path / "o.mp4"
    code = main(["render", str(img), str(aud), "-o", str(out), "--tier", "animatediff", "--allow-slow",
                 "--steps", "2", "--motion", "high", "--prompt", "leaves in the wind", "--resolution", "160x90",
                 "--fps", "10", "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    done = events(captured.out)[-1]
    assert done["event"] == "done" and done["tier"] == "animatediff" and done["frames"] == 15
    ai = done["details"]["ai"]  # type: ignore[index]
    assert ai["plan"]["motion"] == "high" and ai["plan"]["device"] == "cpu"
    assert any("very slow" in n for n in done["notes"])  # type: ignore[union-attr]
    assert "Duration: 00:00:01.50" in probe_text(out)
    frames = decode_gray_frames(out, (160, 90)).astype(float)
    assert len(frames) == 15 and np.abs(np.diff(frames, axis=0)).mean() > 0.2  # the picture moves


def test_cli_refuses_bad_ai_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    img, aud = textured_image(tmp_path / "i.png", (64, 48)), tone(tmp_path / "a.wav", 0.5)
    code = main(["render", str(img), str(aud), "-o", str(tmp_path / "o.mp4"), "--tier", "svd", "--steps", "0"])
    assert code == 2 and "steps must be between" in capsys.readouterr().err


@needs_torch
def test_cli_without_allow_slow_says_how_to_force(tmp_path: Path, install: Install,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    install(Tier.SVD)
    img, aud = textured_image(tmp_path / "i.png", (64, 48)), tone(tmp_path / "a.wav", 0.5)
    args = ["render", str(img), str(aud), "-o", str(tmp_path / "o.mp4"), "--tier", "svd",
            "--resolution", "128x72", "--fps", "8", "--json"]
    code = main(args)
    captured = capsys.readouterr()
    assert code == 1 and not (tmp_path / "o.mp4").exists()
    assert "error: Stable Video Diffusion: " in captured.err and "hint: " in captured.err
    assert "--allow-slow" in captured.err
    # With --fallback it renders with what can run, says so, and still tells how to force.
    code = main([*args, "--fallback"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    done = events(captured.out)[-1]
    assert done["tier"] == "kenburns"
    assert done["fallback"]["requested"] == "svd" and done["fallback"]["used"] == "kenburns"  # type: ignore[index]
    assert "warning: fell back from Stable Video Diffusion to Ken Burns" in captured.err
    assert any("--allow-slow" in n for n in done["notes"])  # type: ignore[union-attr]


@needs_torch
def test_a_killed_cli_render_resumes_from_the_last_finished_clip(tmp_path: Path, install: Install) -> None:
    install(Tier.SVD)
    img, aud = textured_image(tmp_path / "i.png", (320, 240)), tone(tmp_path / "a.wav", 5.0)
    out = tmp_path / "o.mp4"
    env = {**os.environ, "VIDGEN_HOME": str(app_paths().home), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "vidgen_desktop", "render", str(img), str(aud), "-o", str(out), "--tier", "svd",
           "--allow-slow", "--steps", "2", "--resolution", "160x90", "--fps", "10", "--seed", "3", "--json"]
    ckpt_root = app_paths().cache / "ai-clips"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not list(ckpt_root.glob("*/clip-00000")):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
            assert time.monotonic() < deadline, "no clip was finished in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # no cleanup of any kind: as if the machine lost power
    finally:
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    finished = sorted(p.name for p in ckpt_root.glob("*/clip-*"))
    assert finished and len(finished) < 3 and not out.exists()

    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert r.returncode == 0, r.stderr
    ai = events(r.stdout)[-1]["details"]["ai"]  # type: ignore[index]
    assert ai["clips"] == 3
    assert ai["clips_resumed"] == len(finished) and ai["clips_generated"] == 3 - len(finished)
    assert "Duration: 00:00:05.00" in probe_text(out)
    assert not list(ckpt_root.glob("*/clip-*")), "checkpoints are cleaned up after success"


def test_hardware_shows_the_plan_of_each_tier(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hardware"]) == 0
    text = capsys.readouterr().out
    assert "AI tier plans" in text
    for label in ("Wan2.2 TI2V-5B:", "LTX-Video:", "Stable Video Diffusion XT:", "Stable Video Diffusion:",
                  "AnimateDiff:"):
        assert f"  {label} fits here: " in text
    assert "decoding" in text and "per minute of video" in text
    assert main(["hardware", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    plans = {t: o["plan"] for t, o in payload["decision"]["options"].items() if o["plan"] is not None}
    assert set(plans) == {"svd", "svd-xt", "animatediff", "ltx-video", "wan2.2-ti2v-5b"}
    assert plans["svd-xt"]["frames_per_clip"] == 25 and "text" in plans["svd-xt"]
