"""The DiT tiers from the command line: a tiny Wan2.2 TI2V-5B render, a killed render that resumes
bit-exactly, ``hardware --assume cuda:24`` and ``models list`` (issue 12's done-when items)."""

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
def test_a_wan_render_from_the_cli_resumes_bit_exactly_after_kill_9(tmp_path: Path, install_dit: Install,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    install_dit(Tier.WAN)
    img, aud = textured_image(tmp_path / "i.png", (320, 240)), tone(tmp_path / "a.wav", 8.0)
    args = ["render", str(img), str(aud), "--tier", "wan2.2-ti2v-5b", "--allow-slow", "--steps", "2",
            "--resolution", "160x90", "--fps", "10", "--seed", "3", "--prompt", "the leaves move", "--json"]
    # An uninterrupted render, in this process: an audio-length moving MP4 (two 5 s clips of 121 frames).
    fresh = tmp_path / "fresh.mp4"
    code = main([*args, "-o", str(fresh)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    done = events(captured.out)[-1]
    assert done["event"] == "done" and done["tier"] == "wan2.2-ti2v-5b" and done["frames"] == 80
    ai = done["details"]["ai"]  # type: ignore[index]
    assert ai["clips"] == 2 and ai["plan"]["frames_per_clip"] == 121 and ai["plan"]["width"] == 96
    assert "Duration: 00:00:08.00" in probe_text(fresh)
    frames = decode_gray_frames(fresh, (160, 90)).astype(float)
    assert len(frames) == 80 and np.abs(np.diff(frames, axis=0)).mean() > 0.2, "the picture moves"

    # The same render in another process, killed with SIGKILL once its first clip is saved.
    out = tmp_path / "o.mp4"
    env = {**os.environ, "VIDGEN_HOME": str(app_paths().home), "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "vidgen_desktop", *args, "-o", str(out)]
    ckpt_root = app_paths().cache / "ai-clips"
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not list(ckpt_root.glob("*/clip-00000")):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
            assert time.monotonic() < deadline, "no clip was finished in time"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL and not out.exists()
    assert sorted(p.name for p in ckpt_root.glob("*/clip-*")) == ["clip-00000"]

    # Run again (in this process, to spare a second start of torch): it resumes from the saved clip.
    code = main([*args, "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    ai = events(captured.out)[-1]["details"]["ai"]  # type: ignore[index]
    assert ai["clips_resumed"] == 1 and ai["clips_generated"] == 1
    assert np.array_equal(decode_gray_frames(out, (160, 90)), decode_gray_frames(fresh, (160, 90))), \
        "the resumed video is the uninterrupted one, frame for frame"


def test_hardware_assuming_a_24_gb_card_picks_wan_and_shows_each_plan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hardware", "--assume", "cuda:24", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    decision = payload["decision"]
    assert decision["tier"] == "wan2.2-ti2v-5b"
    assert "Automatic choice: Wan2.2 TI2V-5B, the strongest tier that can run now" in decision["reasons"]
    plans = {t: o["plan"] for t, o in decision["options"].items() if o["plan"] is not None}
    assert set(plans) == {"animatediff", "svd", "svd-xt", "ltx-video", "wan2.2-ti2v-5b"}
    wan, ltx = plans["wan2.2-ti2v-5b"], plans["ltx-video"]
    assert (wan["width"], wan["height"], wan["frames_per_clip"], wan["fps"]) == (1280, 704, 121, 24)
    assert wan["offload"] != "sequential" and wan["fits"] and wan["estimated_peak_gb"] < 23.7
    assert wan["text_encoder"] == "gpu-once" and "text encoder run once" in wan["text"]
    assert ltx["frames_per_clip"] == 121 and ltx["height"] % 32 == 0
    assert main(["hardware", "--assume", "cuda:24"]) == 0
    text = capsys.readouterr().out
    assert "  Wan2.2 TI2V-5B: fits here: " in text and "  LTX-Video: fits here: " in text


def test_models_list_shows_both_new_models_with_size_vram_and_licence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "list", "--json"]) == 0
    models = {m["id"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    wan, ltx = models["wan2.2-ti2v-5b"], models["ltx-video"]
    for m in (wan, ltx):
        assert m["download_bytes"] > 20e9 and m["vram_gb"] > 1
        assert set(m["vram_by_plan_gb"]) == {"none", "model", "group-block", "group-leaf", "sequential"}
        assert m["vram_by_plan_gb"]["none"] > m["vram_by_plan_gb"]["group-leaf"]
    assert [lic["name"] for lic in ltx["licences"]] == ["LTXV Open Weights License"]
    assert ltx["licences"][0]["accept_required"] and not ltx["licence_accepted"]
    assert wan["licences"][0]["name"].startswith("Apache-2.0") and not wan["licences"][0]["accept_required"]
