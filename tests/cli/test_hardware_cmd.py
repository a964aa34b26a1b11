"""``hardware`` subcommand, driven through its own parser (main.py wiring is tested elsewhere)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from vidgen_desktop.cli import hardware_cmd
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.tiers import Availability, select_tier
from vidgen_desktop.engine.model_index import INSTALLED_MARKER, installed_models


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path))
    return tmp_path


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    hardware_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["hardware", *argv])
    return int(args.func(args))


def test_json_output(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"hardware", "decision"}
    assert HardwareInfo.from_dict(data["hardware"]).ram_total_mb > 0
    assert data["hardware"]["disk_paths"] == {"models": str(home / "models"), "outputs": str(home / "outputs")}
    assert data["decision"]["tier"] in {"kenburns", "animatediff", "svd", "svd-xt"}
    assert set(data["decision"]["options"]) == {"kenburns", "animatediff", "svd", "svd-xt"}
    assert not (home / "models").exists(), "a report must not create folders"


def test_human_output(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run() == 0
    out = capsys.readouterr().out
    for heading in ("GPU", "CPU", "RAM", "Disk free", "Why:", "Generation tiers:"):
        assert f"\n{heading}" in f"\n{out}"
    assert "Tier: " in out and "(machine class " in out
    assert "models: " in out and str(home / "models") in out
    assert "Ken Burns pan & zoom: runnable" in out


def _install(models: Path, model_id: str) -> None:
    """A complete install as the model store records it: one file and its manifest."""
    from vidgen_desktop.engine.models.manifest import Manifest, ManifestFile, write_manifest

    d = models / model_id
    d.mkdir(parents=True)
    (d / "model_index.json").write_text("{}")
    write_manifest(d, Manifest(model_id, model_id, (ManifestFile("model_index.json", 2, "0" * 64),)))


def test_installed_models_reach_the_decision(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _install(home / "models", "svd")
    assert _run("--json", "--tier", "svd") == 0
    decision = json.loads(capsys.readouterr().out)["decision"]
    assert decision["requested"] == "svd"
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


def test_format_report_for_a_made_up_machine() -> None:
    hw = HardwareInfo(
        gpus=(GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12288, 11000, "550.54"),),
        cpu_model="AMD Ryzen 7 5800X",
        cpu_cores_physical=8,
        cpu_cores_logical=16,
        ram_total_mb=32768,
        ram_available_mb=20480,
        disk_free_mb={"models": 102400},
        disk_paths={"models": "/data/models", "outputs": "/data/out"},
        torch_version="2.3.1",
        cuda_available=True,
    )
    avail = Availability(frozenset({"torch", "diffusers", "transformers"}), frozenset({"svd"}))
    text = hardware_cmd.format_report(hw, select_tier(hw, avail))
    assert "NVIDIA GeForce RTX 3060 (NVIDIA, CUDA): 12.0 GB VRAM, 10.7 GB free, driver 550.54" in text
    assert "CUDA available: yes, MPS available: no (torch 2.3.1)" in text
    assert "AMD Ryzen 7 5800X: 8 cores, 16 threads" in text
    assert "32.0 GB total, 20.0 GB available" in text
    assert "models: 100.0 GB free (/data/models)" in text
    assert "outputs: unknown free (/data/out)" in text
    assert "Tier: Stable Video Diffusion (machine class medium)" in text
    assert "  - NVIDIA GeForce RTX 3060 has 12.0 GB VRAM: medium class" in text
    assert "  Stable Video Diffusion XT: not runnable\n    - SVD-XT needs 16 GB VRAM; this GPU has 12.0 GB" in text
