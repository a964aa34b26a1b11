"""The device an AI tier would run on, as the memory plan sees it: its memory budget and speed.

A pure function of a probed (or imagined) :class:`HardwareInfo`. The budget is what a
plan must fit in: a dedicated card's VRAM less a small reserve, the share of Apple
unified memory macOS lets the GPU use, or part of the RAM for the CPU. The speed is the
dense fp16 tensor throughput at a realistic utilisation (see :mod:`.plan` for sources).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo

Device = Literal["cuda", "mps", "cpu"]

#: Kept free on a dedicated GPU for the desktop and other programs.
VRAM_RESERVE_GIB = 0.3
#: Share of system RAM a CPU render may plan to use.
CPU_RAM_SHARE = 0.75
#: Share of Apple unified memory the GPU can use in practice (macOS caps GPU wired memory).
MPS_MEMORY_SHARE = 0.6

#: Fraction of the dense fp16 peak a diffusion UNet reaches.
GPU_UTILISATION = 0.35
MPS_UTILISATION = 0.3
#: Effective fp32 TFLOPS of one CPU core (AVX2/NEON, conv + attention mix).
CPU_TFLOPS_PER_CORE = 0.04

#: Dense fp16 tensor TFLOPS (fp32 accumulate) by name; the longest matching key wins.
GPU_TFLOPS: dict[str, float] = {
    "h200": 989, "gh200": 989, "h100 sxm": 989, "h100": 756, "a100": 312, "l40s": 362, "l40": 181, "l4": 121,
    "a10g": 70, "a10": 125, "t4": 65, "v100": 125, "a6000": 155, "rtx 6000 ada": 364,
    "5090": 209, "5080": 113, "5070 ti": 88, "5070": 62, "4090": 165, "4080": 97, "4070 ti": 80, "4070": 58,
    "4060 ti": 44, "4060": 30, "3090": 71, "3080 ti": 68, "3080": 60, "3070": 41, "3060 ti": 32, "3060": 26,
    "2080 ti": 54, "2080": 40, "2070": 30, "2060": 26,
}
#: Apple GPUs (fp32 ~ fp16 TFLOPS), by chip family.
MPS_TFLOPS: dict[str, float] = {"ultra": 21.0, "max": 13.0, "pro": 6.5}
MPS_TFLOPS_DEFAULT = 3.5


@dataclass(frozen=True)
class Machine:
    """The device an AI tier would run on, and what it can give."""

    device: Device
    name: str
    #: Memory the plan must fit in (VRAM, the GPU's share of unified memory, or RAM).
    budget_gib: float
    #: Total memory of that kind, for the text.
    total_gib: float
    #: Effective TFLOPS at the plan's precision.
    tflops: float
    #: System RAM in GiB (0: not known); group offload with CUDA streams pins weights in it.
    ram_gib: float = 0.0

    @property
    def dtype(self) -> str:
        return "float32" if self.device == "cpu" else "float16"

    @property
    def memory_word(self) -> str:
        return {"cuda": "VRAM", "mps": "unified memory", "cpu": "RAM"}[self.device]

    def to_dict(self) -> dict[str, Any]:
        return {"device": self.device, "name": self.name, "budget_gib": round(self.budget_gib, 2),
                "total_gib": round(self.total_gib, 2), "tflops": round(self.tflops, 1)}


def _lookup(table: dict[str, float], name: str) -> float | None:
    low = name.lower()
    for key in sorted(table, key=len, reverse=True):
        if key in low:
            return table[key]
    return None


def _cuda_tflops(gpu: GpuInfo) -> float:
    peak = _lookup(GPU_TFLOPS, gpu.name)
    if peak is None:
        gib = gpu.vram_total_mb / 1024
        peak = next((t for g, t in ((60, 300.0), (30, 150.0), (20, 70.0), (14, 50.0), (10, 30.0), (7, 25.0))
                     if gib >= g), 15.0)
        if gpu.vendor == "AMD":
            peak *= 0.6
    return peak * GPU_UTILISATION


def cpu_machine(hw: HardwareInfo) -> Machine:
    ram = hw.ram_total_mb / 1024 if hw.ram_total_mb else 8.0
    cores = max(1, hw.cpu_cores_physical)
    return Machine("cpu", hw.cpu_model or "CPU", ram * CPU_RAM_SHARE, ram, cores * CPU_TFLOPS_PER_CORE, ram)


def gpu_machine(gpu: GpuInfo, hw: HardwareInfo) -> Machine | None:
    """``gpu`` as an AI tier would use it, whatever torch says; ``None``: it has no CUDA or MPS backend."""
    if gpu.backend == "cuda":
        total = gpu.vram_total_mb / 1024
        return Machine("cuda", gpu.name, max(0.0, total - VRAM_RESERVE_GIB), total, _cuda_tflops(gpu),
                       hw.ram_total_mb / 1024)
    if gpu.backend == "mps":
        total = (gpu.vram_total_mb if gpu.unified_memory else hw.ram_total_mb) / 1024
        peak = _lookup(MPS_TFLOPS, gpu.name) or MPS_TFLOPS_DEFAULT
        return Machine("mps", gpu.name, total * MPS_MEMORY_SHARE, total, peak * MPS_UTILISATION, total)
    return None


def torch_drives(machine: Machine, hw: HardwareInfo) -> bool:
    """Whether torch can use ``machine``: assumed when torch was not probed (the plan is then "what would run")."""
    if hw.torch_version is None or machine.device == "cpu":
        return True
    return hw.cuda_available if machine.device == "cuda" else hw.mps_available


def strongest(machines: list[Machine]) -> Machine | None:
    """Most memory budget wins; on a tie CUDA beats MPS, then probe order."""
    return max(machines, key=lambda m: (m.budget_gib, m.device == "cuda"), default=None)


def gpu_machines(hw: HardwareInfo) -> list[Machine]:
    """Every GPU of ``hw`` that has a CUDA or MPS backend, whether or not torch can drive it."""
    return [m for g in hw.gpus if (m := gpu_machine(g, hw)) is not None]


def machine_for(hw: HardwareInfo) -> Machine:
    """The GPU an AI tier would use (most memory; CUDA before MPS), else the CPU.

    A GPU whose backend torch reported unusable (a CPU-only torch build) does not count;
    when torch was not probed the GPU is assumed usable (the plan is then "what would run").
    """
    return strongest([m for m in gpu_machines(hw) if torch_drives(m, hw)]) or cpu_machine(hw)
