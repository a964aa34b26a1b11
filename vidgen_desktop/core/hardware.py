"""What this machine has: GPUs, CPU, memory, disk space, and whether torch can drive the GPU.

The tier decision (:mod:`vidgen_desktop.engine.decide`) reads a :class:`HardwareInfo` and
never probes anything itself, so it stays pure and testable with made-up machines.
Probing is best effort: a machine without NVIDIA drivers, without torch or with an odd
``/proc`` still gets a complete :class:`HardwareInfo` with sensible defaults, because a
render must never fail just because we could not read a GPU name. Nothing runs at
import time, and torch is imported only inside :func:`probe_hardware`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

Backend = Literal["cuda", "mps", "none"]
_BACKENDS: tuple[Backend, ...] = ("cuda", "mps", "none")
_MIB = 1024 * 1024
_T = TypeVar("_T")


@dataclass(frozen=True)
class GpuInfo:
    """One GPU. ``backend`` says how an AI tier could drive it ("none": it cannot).

    ``vram_total_mb`` is the memory the card reports (slightly below its nominal size);
    for Apple Silicon it is the whole unified memory, shared with the CPU.
    """

    name: str
    vendor: str
    backend: Backend
    vram_total_mb: int
    vram_free_mb: int | None = None
    driver: str | None = None
    integrated: bool = False
    unified_memory: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "vendor": self.vendor,
            "backend": self.backend,
            "vram_total_mb": self.vram_total_mb,
            "vram_free_mb": self.vram_free_mb,
            "driver": self.driver,
            "integrated": self.integrated,
            "unified_memory": self.unified_memory,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GpuInfo:
        backend = str(data.get("backend", "none"))
        free = data.get("vram_free_mb")
        driver = data.get("driver")
        return cls(
            name=str(data["name"]),
            vendor=str(data.get("vendor", "")),
            backend=backend if backend in _BACKENDS else "none",
            vram_total_mb=int(data.get("vram_total_mb", 0)),
            vram_free_mb=int(free) if free is not None else None,
            driver=str(driver) if driver is not None else None,
            integrated=bool(data.get("integrated", False)),
            unified_memory=bool(data.get("unified_memory", False)),
        )


@dataclass(frozen=True)
class HardwareInfo:
    """A snapshot of the machine. Sizes are MiB, written "mb" for brevity.

    ``disk_free_mb`` and ``disk_paths`` are keyed by a label ("models", "outputs"); a
    label whose free space could not be read is absent from ``disk_free_mb``.
    ``torch_version`` is set only when torch was actually imported by the probe, so
    ``cuda_available``/``mps_available`` are meaningful exactly when it is not ``None``.
    """

    gpus: tuple[GpuInfo, ...] = ()
    cpu_model: str = "unknown CPU"
    cpu_cores_physical: int = 1
    cpu_cores_logical: int = 1
    ram_total_mb: int = 0
    ram_available_mb: int = 0
    os_name: str = ""
    disk_free_mb: dict[str, int] = field(default_factory=dict)
    disk_paths: dict[str, str] = field(default_factory=dict)
    torch_version: str | None = None
    cuda_available: bool = False
    mps_available: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "gpus": [g.to_dict() for g in self.gpus],
            "cpu_model": self.cpu_model,
            "cpu_cores_physical": self.cpu_cores_physical,
            "cpu_cores_logical": self.cpu_cores_logical,
            "ram_total_mb": self.ram_total_mb,
            "ram_available_mb": self.ram_available_mb,
            "os_name": self.os_name,
            "disk_free_mb": dict(self.disk_free_mb),
            "disk_paths": dict(self.disk_paths),
            "torch_version": self.torch_version,
            "cuda_available": self.cuda_available,
            "mps_available": self.mps_available,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> HardwareInfo:
        torch_version = data.get("torch_version")
        return cls(
            gpus=tuple(GpuInfo.from_dict(g) for g in data.get("gpus", ())),
            cpu_model=str(data.get("cpu_model", "unknown CPU")),
            cpu_cores_physical=int(data.get("cpu_cores_physical", 1)),
            cpu_cores_logical=int(data.get("cpu_cores_logical", 1)),
            ram_total_mb=int(data.get("ram_total_mb", 0)),
            ram_available_mb=int(data.get("ram_available_mb", 0)),
            os_name=str(data.get("os_name", "")),
            disk_free_mb={str(k): int(v) for k, v in dict(data.get("disk_free_mb", {})).items()},
            disk_paths={str(k): str(v) for k, v in dict(data.get("disk_paths", {})).items()},
            torch_version=str(torch_version) if torch_version is not None else None,
            cuda_available=bool(data.get("cuda_available", False)),
            mps_available=bool(data.get("mps_available", False)),
        )


def probe_hardware(disk_paths: Mapping[str, Path] | None = None, *, probe_torch: bool = True) -> HardwareInfo:
    """Probe this machine. Never raises: every sub-probe falls back to a default.

    ``disk_paths`` maps a label to a folder whose free space matters (the folder need
    not exist yet: its nearest existing parent is measured). ``probe_torch=False``
    skips importing torch (seconds, when it is installed) for a fast first look;
    the GPU list then comes from NVML alone and Apple GPUs report backend "none".
    """
    ram_total, ram_available = _safe(_probe_ram, (0, 0))
    logical_default = os.cpu_count() or 1
    physical, logical = _safe(_probe_cpu_counts, (logical_default, logical_default))
    cpu_model = _safe(_probe_cpu_model, "unknown CPU")
    no_torch: _TorchProbe = (None, False, False, [])
    torch_version, cuda_ok, mps_ok, torch_gpus = _safe(_probe_torch, no_torch) if probe_torch else no_torch

    gpus: list[GpuInfo] = _safe(_probe_nvidia, [])
    if not gpus and cuda_ok:
        # NVML missing (some containers, ROCm builds) but torch sees CUDA devices: trust torch.
        gpus = torch_gpus
    apple = _safe(lambda: _probe_apple_gpu(cpu_model, ram_total, ram_available, mps_ok), None)
    if apple is not None:
        gpus.append(apple)

    free, paths = _probe_disks(disk_paths or {})
    return HardwareInfo(
        gpus=tuple(gpus),
        cpu_model=cpu_model,
        cpu_cores_physical=physical,
        cpu_cores_logical=logical,
        ram_total_mb=ram_total,
        ram_available_mb=ram_available,
        os_name=_safe(_probe_os_name, platform.system() or "unknown OS"),
        disk_free_mb=free,
        disk_paths=paths,
        torch_version=torch_version,
        cuda_available=cuda_ok,
        mps_available=mps_ok,
    )


def _safe(fn: Callable[[], _T], default: _T) -> _T:
    """Run one sub-probe; any failure yields ``default``.

    The one deliberately blind ``except``: drivers, psutil and torch fail in too many
    platform-specific ways to list, and a missing GPU name must never stop a render.
    """
    try:
        return fn()
    except Exception:  # noqa: BLE001
        return default


def _probe_ram() -> tuple[int, int]:
    import psutil

    vm = psutil.virtual_memory()
    return int(vm.total) // _MIB, int(vm.available) // _MIB


def _probe_cpu_counts() -> tuple[int, int]:
    import psutil

    logical = int(psutil.cpu_count(logical=True) or os.cpu_count() or 1)
    # cpu_count(logical=False) is None where the OS does not say (some VMs, BSDs).
    physical = int(psutil.cpu_count(logical=False) or logical)
    return physical, logical


def _probe_cpu_model() -> str:
    system = platform.system()
    if system == "Linux":
        with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                # x86 has "model name"; some ARM kernels only have "Model" or "Hardware".
                if key.strip() in ("model name", "Model", "Hardware") and value.strip():
                    return value.strip()
    elif system == "Darwin":
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"], capture_output=True, text=True, timeout=2, check=False
            )
            if out.returncode == 0 and out.stdout.strip():
                return out.stdout.strip()
    elif system == "Windows":
        # No registry access: the identifier is vaguer ("Intel64 Family 6 ...") but needs no winreg.
        ident = platform.processor() or os.environ.get("PROCESSOR_IDENTIFIER", "")
        if ident.strip():
            return ident.strip()
    return platform.processor() or platform.machine() or "unknown CPU"


def _probe_os_name() -> str:
    system = platform.system()
    if system == "Darwin":
        return f"macOS {platform.mac_ver()[0]}".strip()
    if system == "Windows":
        return f"Windows {platform.release()} ({platform.version()})"
    if system == "Linux":
        with contextlib.suppress(OSError):
            pretty = platform.freedesktop_os_release().get("PRETTY_NAME")
            if pretty:
                return f"{pretty} (Linux {platform.release()})"
        return f"Linux {platform.release()}"
    return f"{system} {platform.release()}".strip() or "unknown OS"


def _text(value: Any) -> str:
    """NVML returns bytes in older bindings and str in newer ones."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _probe_nvidia() -> list[GpuInfo]:
    """NVIDIA GPUs through NVML. No driver / no GPU (NVMLError on init) is a normal case."""
    try:
        import pynvml
    except ImportError:
        return []
    try:
        pynvml.nvmlInit()
    except (pynvml.NVMLError, OSError):
        return []
    gpus: list[GpuInfo] = []
    try:
        driver: str | None = None
        with contextlib.suppress(pynvml.NVMLError):
            driver = _text(pynvml.nvmlSystemGetDriverVersion())
        for i in range(int(pynvml.nvmlDeviceGetCount())):
            with contextlib.suppress(pynvml.NVMLError):  # one broken device must not hide the others
                handle = pynvml.nvmlDeviceGetHandleByIndex(i)
                mem = pynvml.nvmlDeviceGetMemoryInfo(handle)
                gpus.append(
                    GpuInfo(
                        name=_text(pynvml.nvmlDeviceGetName(handle)),
                        vendor="NVIDIA",
                        backend="cuda",
                        vram_total_mb=int(mem.total) // _MIB,
                        vram_free_mb=int(mem.free) // _MIB,
                        driver=driver,
                    )
                )
    finally:
        with contextlib.suppress(pynvml.NVMLError):
            pynvml.nvmlShutdown()
    return gpus


_TorchProbe = tuple[str | None, bool, bool, list[GpuInfo]]


def _probe_torch() -> _TorchProbe:
    """(version, cuda, mps, CUDA devices as torch sees them). Imports torch only if installed."""
    if "torch" not in sys.modules and importlib.util.find_spec("torch") is None:
        return None, False, False, []
    import torch

    version = str(getattr(torch, "__version__", "unknown"))
    cuda_ok = _safe(lambda: bool(torch.cuda.is_available()), False)
    mps_backend = getattr(torch.backends, "mps", None)
    mps_ok = mps_backend is not None and _safe(lambda: bool(mps_backend.is_available()), False)
    gpus: list[GpuInfo] = []
    if cuda_ok:
        vendor = "AMD" if getattr(torch.version, "hip", None) else "NVIDIA"

        def devices() -> list[GpuInfo]:
            found = []
            for i in range(int(torch.cuda.device_count())):
                props = torch.cuda.get_device_properties(i)
                found.append(
                    GpuInfo(
                        name=str(props.name),
                        vendor=vendor,
                        backend="cuda",
                        vram_total_mb=int(props.total_memory) // _MIB,
                        integrated=bool(getattr(props, "is_integrated", False)),
                    )
                )
            return found

        gpus = _safe(devices, [])
    return version, cuda_ok, mps_ok, gpus


def _probe_apple_gpu(cpu_model: str, ram_total: int, ram_available: int, mps_ok: bool) -> GpuInfo | None:
    """Apple Silicon: the GPU shares system memory, so its "VRAM" is all of RAM."""
    if platform.system() != "Darwin" or platform.machine() != "arm64":
        return None
    name = f"{cpu_model} GPU" if cpu_model.startswith("Apple") else "Apple GPU"
    return GpuInfo(
        name=name,
        vendor="Apple",
        backend="mps" if mps_ok else "none",
        vram_total_mb=ram_total,
        vram_free_mb=ram_available,
        driver=None,
        integrated=True,
        unified_memory=True,
    )


def _nearest_existing(path: Path) -> Path | None:
    """The folder itself, or its closest ancestor that exists (the folder may not be created yet)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return None


def _probe_disks(disk_paths: Mapping[str, Path]) -> tuple[dict[str, int], dict[str, str]]:
    free: dict[str, int] = {}
    paths: dict[str, str] = {}
    for label, raw in disk_paths.items():
        path = Path(raw).expanduser().absolute()
        paths[label] = str(path)
        with contextlib.suppress(OSError, ValueError):
            target = _nearest_existing(path)
            if target is not None:
                free[label] = int(shutil.disk_usage(target).free) // _MIB
    return free, paths
