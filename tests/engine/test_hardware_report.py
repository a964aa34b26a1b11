"""The plain-text hardware report for a made-up machine (shared by the CLI and "Copy report")."""

from __future__ import annotations

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.tiers import Availability
from vidgen_desktop.engine.decide import decide
from vidgen_desktop.engine.hardware_report import format_report


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
    text = format_report(hw, decide(hw, avail))
    assert "NVIDIA GeForce RTX 3060 (NVIDIA, CUDA): 12.0 GB VRAM, 10.7 GB free, driver 550.54" in text
    assert "CUDA available: yes, MPS available: no (torch 2.3.1)" in text
    assert "AMD Ryzen 7 5800X: 8 cores, 16 threads" in text
    assert "32.0 GB total, 20.0 GB available" in text
    assert "models: 100.0 GB free (/data/models)" in text
    assert "outputs: unknown free (/data/out)" in text
    assert "\nTier: Stable Video Diffusion\nDefaults: 576p, 24 fps\n" in text
    assert "  - NVIDIA GeForce RTX 3060 has 12.0 GB VRAM\n" in text
    assert ("  Stable Video Diffusion XT: not runnable\n"
            "    - SVD-XT is not installed (download it in the model manager)") in text
    assert "  Stable Video Diffusion XT: fits here: yes, model installed: no\n" in text
    assert "  Stable Video Diffusion: fits here: yes, model installed: yes\n" in text
    assert "model offload on" in text and "per minute of video" in text
