"""``vidgen-desktop hardware``, through the real CLI entry: this machine, and ``--assume`` what-ifs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from vidgen_desktop.cli.main import main
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.engine.model_index import INSTALLED_MARKER, installed_models


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path))
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    assert main(["hardware", "--json", *argv]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def _install(models: Path, model_id: str) -> None:
    """A complete install as the model store records it: one file and its manifest."""
    from vidgen_desktop.engine.models.manifest import Manifest, ManifestFile, write_manifest

    d = models / model_id
    d.mkdir(parents=True)
    (d / "model_index.json").write_text("{}")
    write_manifest(d, Manifest(model_id, model_id, (ManifestFile("model_index.json", 2, "0" * 64),)))


def test_json_output(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys)
    assert set(data) == {"hardware", "decision"}
    assert HardwareInfo.from_dict(data["hardware"]).ram_total_mb > 0
    assert data["hardware"]["disk_paths"] == {"models": str(home / "models"), "outputs": str(home / "outputs")}
    decision = data["decision"]
    ai_tiers = ("animatediff", "svd", "svd-xt", "ltx-video", "wan2.2-ti2v-5b")
    assert decision["tier"] in {"kenburns", *ai_tiers}
    assert set(decision["options"]) == {"kenburns", *ai_tiers}
    for tier in ai_tiers:
        option = decision["options"][tier]
        assert option["plan"]["tier"] == tier and option["installed"] is False
    assert not (home / "models").exists(), "a report must not create folders"


def test_human_output(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hardware"]) == 0
    out = capsys.readouterr().out
    for heading in ("GPU", "CPU", "RAM", "Disk free", "Why:", "Generation tiers:", "AI tier plans"):
        assert f"\n{heading}" in f"\n{out}"
    assert "Tier: " in out and "Defaults: " in out
    assert "models: " in out and str(home / "models") in out
    assert "Ken Burns pan & zoom: runnable" in out


def test_installed_models_reach_the_decision(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _install(home / "models", "svd")
    decision = _json(capsys, "--tier", "svd")["decision"]
    assert decision["requested"] == "svd"
    assert decision["options"]["svd"]["installed"] and not decision["options"]["svd-xt"]["installed"]
    assert not any("SVD is not installed" in m for m in decision["options"]["svd"]["missing"])
    assert any("SVD-XT is not installed" in m for m in decision["options"]["svd-xt"]["missing"])


def test_installed_models_needs_a_complete_install_record(tmp_path: Path) -> None:
    assert installed_models(tmp_path / "missing") == frozenset()
    (tmp_path / "svd").mkdir()  # half-downloaded: no record yet
    _install(tmp_path, "animatediff")
    _install(tmp_path, "svd-xt")
    (tmp_path / "svd-xt" / "model_index.json").unlink()  # recorded, but a file has gone
    (tmp_path / "bogus").mkdir()
    (tmp_path / "bogus" / INSTALLED_MARKER).write_text("{}")  # not a readable record
    (tmp_path / "stray-file").write_text("")
    assert installed_models(tmp_path) == frozenset({"animatediff"})


def test_assume_a_12_gb_gpu_shows_svd_xt_with_the_offload_plan(home: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    _install(home / "models", "svd")
    data = _json(capsys, "--assume", "cuda:12")
    assert data["assumed"] == {"kind": "cuda", "gib": 12.0, "text": "an NVIDIA GPU with 12 GB of VRAM"}
    gpus = data["hardware"]["gpus"]
    assert len(gpus) == 1 and gpus[0]["backend"] == "cuda" and gpus[0]["vram_total_mb"] == 12 * 1024
    decision = data["decision"]
    xt = decision["options"]["svd-xt"]
    if data["hardware"]["ram_total_mb"] >= 0.9 * 8 * 1024:
        # Packages and models are taken as installed: the tier is the one this GPU would pick,
        # Wan2.2 TI2V-5B with group offload; SVD-XT would run too.
        assert decision["tier"] == "wan2.2-ti2v-5b" and xt["runnable"] and xt["fits"]
        assert (decision["default_short_side"], decision["default_fps"]) == (704, 24)
        assert decision["options"]["wan2.2-ti2v-5b"]["plan"]["offload"] == "group-block"
    else:  # this computer's RAM is below what any AI tier needs, whatever the GPU
        assert decision["tier"] == "kenburns" and not xt["fits"]
    plan = xt["plan"]
    assert plan["device"] == "cuda" and plan["offload"] == "model" and plan["fits"]
    assert (plan["width"], plan["height"], plan["frames_per_clip"]) == (1024, 576, 25)
    assert 7.0 < plan["estimated_peak_gb"] <= 11.7 and plan["estimated_s_per_clip"] > 0
    assert "model offload on" in plan["text"]
    # ...and each tier says whether its model is really here.
    assert [decision["options"][t]["installed"] for t in ("animatediff", "svd", "svd-xt")] == [False, True, False]


def test_assume_cpu_shows_ken_burns(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _json(capsys, "--assume", "cpu")
    decision = data["decision"]
    assert data["hardware"]["gpus"] == [] and decision["tier"] == "kenburns"
    assert (decision["default_short_side"], decision["default_fps"]) == (1080, 30)
    assert decision["reasons"][0].startswith("No GPU that can run AI tiers was found")
    for tier in ("animatediff", "svd", "svd-xt"):
        option = decision["options"][tier]
        assert not option["fits"] and option["plan"]["device"] == "cpu"
    assert main(["hardware", "--assume", "cpu"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("What if this computer had no GPU")
    assert "\nTier: Ken Burns pan & zoom\nDefaults: 1080p, 30 fps\n" in out
    assert "SVD-XT needs a GPU with about 7.7 GB (NVIDIA CUDA or Apple Silicon); none found" in out


def test_assume_other_machines_as_text(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hardware", "--assume", "cuda:24"]) == 0
    out = capsys.readouterr().out
    assert "NVIDIA GPU with 24 GB (assumed) (NVIDIA, CUDA): 24.0 GB VRAM" in out
    assert "Stable Video Diffusion XT: fits here: yes, model installed: no" in out
    assert main(["hardware", "--assume", "mps:16", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hardware"]["ram_total_mb"] == 16 * 1024  # an Apple GPU shares the machine's memory
    assert data["decision"]["tier"] == "ltx-video"  # SVD-XT and Wan2.2 are too slow on Apple GPUs
    for tier in ("svd-xt", "wan2.2-ti2v-5b"):
        assert any("too slow on Apple GPUs" in m for m in data["decision"]["options"][tier]["missing"])
    assert _json(capsys, "--assume", "cpu:4")["decision"]["options"]["svd"]["missing"][-1] == (
        "This computer has 4.0 GB of RAM: AI tiers need at least 8 GB of system RAM")


@pytest.mark.parametrize(("value", "says"), [
    ("tpu:8", "is not kind[:GiB]"),
    ("cuda", "needs the memory in GiB, for example cuda:12"),
    ("cuda:twelve", "is not kind[:GiB]"),
    ("cuda:0", "between 1 and 1024 GiB"),
    ("mps:4096", "between 1 and 1024 GiB"),
])
def test_bad_assumptions_are_usage_errors(home: Path, capsys: pytest.CaptureFixture[str], value: str,
                                          says: str) -> None:
    assert main(["hardware", "--assume", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and says in captured.err and "Traceback" not in captured.err


def test_bad_assumption_from_the_shell_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "VIDGEN_HOME": str(tmp_path)}
    r = subprocess.run([sys.executable, "-m", "vidgen_desktop", "hardware", "--assume", "cuda:lots"],
                       capture_output=True, text=True, env=env, timeout=120, check=False)
    assert r.returncode == 2 and r.stdout == ""
    errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert errors == [("vidgen-desktop: error: --assume 'cuda:lots' is not kind[:GiB] with kind cuda, mps or cpu, "
                       "for example cuda:12, mps:16 or cpu")]
    assert "Traceback" not in r.stderr
