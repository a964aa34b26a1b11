"""Hardware probing: real machine sanity, JSON round trip, and survival of failing sub-probes."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import time
import types
from pathlib import Path
from typing import Any

import pynvml
import pytest

from vidgen_desktop.core import hardware
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo, probe_hardware

MIB = 1024 * 1024


def _paths(tmp_path: Path) -> dict[str, Path]:
    # "models" does not exist yet: its nearest existing parent must be measured.
    return {"models": tmp_path / "not" / "yet" / "models", "outputs": tmp_path}


def test_probe_this_machine_is_sane(tmp_path: Path) -> None:
    hw = probe_hardware(_paths(tmp_path))
    # The CI/dev machine has no NVIDIA driver: no GPU a CUDA tier could use.
    assert all(g.backend != "cuda" for g in hw.gpus)
    assert hw.ram_total_mb > 256
    assert 0 < hw.ram_available_mb <= hw.ram_total_mb
    assert 1 <= hw.cpu_cores_physical <= hw.cpu_cores_logical
    assert hw.cpu_model.strip()
    assert hw.os_name.strip()
    assert set(hw.disk_free_mb) == {"models", "outputs"}
    assert all(v > 0 for v in hw.disk_free_mb.values())
    assert hw.disk_paths["models"] == str(tmp_path / "not" / "yet" / "models")
    assert not (tmp_path / "not").exists(), "probing must not create folders"
    if hw.torch_version is None:
        assert not hw.cuda_available and not hw.mps_available


def test_probe_without_torch_is_fast(tmp_path: Path) -> None:
    probe_hardware(_paths(tmp_path), probe_torch=False)  # warm the file cache
    t0 = time.perf_counter()
    probe_hardware(_paths(tmp_path), probe_torch=False)
    # The budget is 0.3 s; the margin keeps a loaded CI runner from flaking.
    assert time.perf_counter() - t0 < 1.0


def test_import_does_nothing() -> None:
    code = (
        "import sys, vidgen_desktop.core.hardware, vidgen_desktop.core.tiers;"
        "print(sorted(m for m in ('torch', 'pynvml', 'psutil') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_round_trip_through_json(tmp_path: Path) -> None:
    hw = probe_hardware(_paths(tmp_path))
    assert HardwareInfo.from_dict(json.loads(json.dumps(hw.to_dict()))) == hw

    made_up = HardwareInfo(
        gpus=(
            GpuInfo("Intel UHD 770", "Intel", "none", 0, integrated=True),
            GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12288, 11000, "550.54", False, False),
            GpuInfo("Apple M2 GPU", "Apple", "mps", 32768, None, None, True, True),
        ),
        cpu_model="x",
        cpu_cores_physical=4,
        cpu_cores_logical=8,
        ram_total_mb=32768,
        ram_available_mb=20000,
        os_name="Linux",
        disk_free_mb={"models": 5},
        disk_paths={"models": "/m", "outputs": "/o"},
        torch_version="2.3.1",
        cuda_available=True,
    )
    data = json.loads(json.dumps(made_up.to_dict()))
    assert isinstance(data["gpus"], list)
    assert HardwareInfo.from_dict(data) == made_up


def test_failing_nvml_init_is_a_normal_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutdowns: list[bool] = []

    def fail() -> None:
        raise pynvml.NVMLError(pynvml.NVML_ERROR_DRIVER_NOT_LOADED)

    monkeypatch.setattr(pynvml, "nvmlInit", fail)
    monkeypatch.setattr(pynvml, "nvmlShutdown", lambda: shutdowns.append(True))
    hw = probe_hardware(_paths(tmp_path), probe_torch=False)
    assert all(g.vendor != "NVIDIA" for g in hw.gpus)
    assert shutdowns == []  # nothing to shut down when init failed


def test_nvml_devices_are_read_and_shutdown_always_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    mem = types.SimpleNamespace(total=12288 * MIB, free=11000 * MIB)

    def handle(i: int) -> int:
        if i == 1:
            raise pynvml.NVMLError(pynvml.NVML_ERROR_GPU_IS_LOST)
        return i

    monkeypatch.setattr(pynvml, "nvmlInit", lambda: calls.append("init"))
    monkeypatch.setattr(pynvml, "nvmlShutdown", lambda: calls.append("shutdown"))
    monkeypatch.setattr(pynvml, "nvmlSystemGetDriverVersion", lambda: b"550.54.14")
    monkeypatch.setattr(pynvml, "nvmlDeviceGetCount", lambda: 3)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetHandleByIndex", handle)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetMemoryInfo", lambda h: mem)
    monkeypatch.setattr(pynvml, "nvmlDeviceGetName", lambda h: b"NVIDIA GeForce RTX 3060" if h == 0 else "Tesla T4")

    gpus = hardware._probe_nvidia()
    assert calls == ["init", "shutdown"]
    assert [g.name for g in gpus] == ["NVIDIA GeForce RTX 3060", "Tesla T4"]  # the lost GPU is skipped
    assert gpus[0] == GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12288, 11000, "550.54.14")

    calls.clear()
    monkeypatch.setattr(pynvml, "nvmlDeviceGetCount", lambda: (_ for _ in ()).throw(RuntimeError("boom")))
    hw = probe_hardware({}, probe_torch=False)  # an unexpected error: probe survives, NVML still shut down
    assert calls == ["init", "shutdown"]
    assert hw.gpus == ()


def test_every_sub_probe_may_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import psutil

    def boom(*_a: Any, **_k: Any) -> Any:
        raise OSError("no /proc here")

    monkeypatch.setattr(psutil, "virtual_memory", boom)
    monkeypatch.setattr(psutil, "cpu_count", boom)
    monkeypatch.setattr(hardware, "_probe_cpu_model", boom)
    monkeypatch.setattr(shutil, "disk_usage", boom)
    hw = probe_hardware(_paths(tmp_path), probe_torch=False)
    assert (hw.ram_total_mb, hw.ram_available_mb) == (0, 0)
    assert hw.cpu_cores_logical >= 1 and hw.cpu_cores_physical >= 1
    assert hw.cpu_model == "unknown CPU"
    assert hw.disk_free_mb == {}  # unknown, not "0 MB free"
    assert set(hw.disk_paths) == {"models", "outputs"}


def _fake_torch(*, cuda: bool, mps: bool) -> types.ModuleType:
    torch = types.ModuleType("torch")
    torch.__version__ = "2.3.1"  # type: ignore[attr-defined]
    props = types.SimpleNamespace(name="NVIDIA A10G", total_memory=23028 * MIB)
    torch.cuda = types.SimpleNamespace(  # type: ignore[attr-defined]
        is_available=lambda: cuda, device_count=lambda: 1, get_device_properties=lambda i: props
    )
    torch.backends = types.SimpleNamespace(mps=types.SimpleNamespace(is_available=lambda: mps))  # type: ignore[attr-defined]
    torch.version = types.SimpleNamespace(hip=None)  # type: ignore[attr-defined]
    return torch


def test_torch_sees_cuda_when_nvml_does_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(cuda=True, mps=False))
    monkeypatch.setattr(hardware, "_probe_nvidia", list)
    hw = probe_hardware({})
    assert hw.torch_version == "2.3.1" and hw.cuda_available and not hw.mps_available
    assert hw.gpus == (GpuInfo("NVIDIA A10G", "NVIDIA", "cuda", 23028),)

    skipped = probe_hardware({}, probe_torch=False)
    assert skipped.torch_version is None and skipped.gpus == ()


@pytest.mark.parametrize("mps", [True, False])
def test_apple_silicon_reports_unified_memory(monkeypatch: pytest.MonkeyPatch, mps: bool) -> None:
    monkeypatch.setitem(sys.modules, "torch", _fake_torch(cuda=False, mps=mps))
    monkeypatch.setattr(platform, "system", lambda: "Darwin")
    monkeypatch.setattr(platform, "machine", lambda: "arm64")
    monkeypatch.setattr(hardware, "_probe_cpu_model", lambda: "Apple M2 Pro")
    monkeypatch.setattr(hardware, "_probe_nvidia", list)
    hw = probe_hardware({})
    (gpu,) = hw.gpus
    assert gpu.name == "Apple M2 Pro GPU" and gpu.vendor == "Apple"
    assert gpu.backend == ("mps" if mps else "none")
    assert gpu.unified_memory and gpu.vram_total_mb == hw.ram_total_mb
    assert hw.mps_available is mps
