"""The memory-aware plan over a table of machines, the step-down ladder, and the plain-words text."""

from __future__ import annotations

import re

import pytest

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai.ladder import step_down
from vidgen_desktop.engine.ai.machine import VRAM_RESERVE_GIB, machine_for
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.ai.plan import estimate, generation_size, least_memory_gib, plan_for
from vidgen_desktop.engine.ai.spec import default_spec

GB = 1024


def cuda(gb: float, name: str) -> HardwareInfo:
    # Cards report slightly less than their nominal size (an 8 GB card shows ~7.8 GiB).
    return HardwareInfo(gpus=(GpuInfo(name, "NVIDIA", "cuda", int(gb * GB * 0.97)),), ram_total_mb=32 * GB,
                        cpu_cores_physical=8)


def apple(gb: int, name: str) -> HardwareInfo:
    return HardwareInfo(gpus=(GpuInfo(name, "Apple", "mps", gb * GB, integrated=True, unified_memory=True),),
                        ram_total_mb=gb * GB, cpu_cores_physical=8)


MACHINES = {
    "4 GB": cuda(4, "NVIDIA GeForce GTX 1650"),
    "6 GB": cuda(6, "NVIDIA GeForce RTX 2060"),
    "8 GB": cuda(8, "NVIDIA GeForce RTX 3070"),
    "12 GB": cuda(12, "NVIDIA GeForce RTX 3060"),
    "16 GB": cuda(16, "NVIDIA GeForce RTX 4080"),
    "24 GB": cuda(24, "NVIDIA GeForce RTX 4090"),
    "80 GB": cuda(80, "NVIDIA H100 80GB HBM3"),
    "M2 16 GB": apple(16, "Apple M2 GPU"),
    "M2 Max 64 GB": apple(64, "Apple M2 Max GPU"),
    "CPU only": HardwareInfo(cpu_model="AMD Ryzen 7 5800X", cpu_cores_physical=8, ram_total_mb=32 * GB),
}
AI_TIERS = (Tier.SVD_XT, Tier.SVD, Tier.ANIMATEDIFF)


@pytest.mark.parametrize("tier", AI_TIERS)
@pytest.mark.parametrize("machine", list(MACHINES))
def test_every_machine_gets_a_plan_that_fits_it(machine: str, tier: Tier) -> None:
    hw = MACHINES[machine]
    plan = plan_for(hw, tier)
    m = plan.machine
    assert plan.fits and plan.estimate.peak_gib <= m.budget_gib
    assert plan.width % 64 == 0 and plan.height % 64 == 0 and plan.width > plan.height  # 16:9 on the model's grid
    assert 1 <= plan.decode_chunk <= plan.frames
    assert plan.frames == default_spec(tier).frames
    if m.device == "cpu":
        assert plan.dtype == "float32" and plan.offload == "none"
    else:
        assert plan.dtype == "float16"
    if m.device == "mps":
        assert plan.offload == "none"  # offloading to the same unified memory saves nothing
        assert plan.attention_slicing == (m.total_gib < 64)
    text = plan.describe()
    assert f"decoding {plan.decode_chunk} frame" in text and re.search(r"about [\d.]+ GB of", text)
    assert re.search(r"about [\d.]+ (s|min|h) per [\d.]+ s clip", text)


def test_the_table_reads_like_the_hardware() -> None:
    """More memory buys fewer savings; what each class of card gets (SVD-XT at 1024x576, 25 frames)."""
    plans = {name: plan_for(hw, Tier.SVD_XT) for name, hw in MACHINES.items()}
    assert plans["80 GB"].offload == "none" and plans["80 GB"].decode_chunk == 25
    assert not plans["80 GB"].forward_chunking
    assert plans["24 GB"].offload == "none" and plans["24 GB"].decode_chunk >= 8
    assert plans["16 GB"].offload == "none"
    assert plans["12 GB"].offload in ("none", "model")
    # The diffusers guide's low-memory recipe: model offload + forward chunking, < 8 GB.
    p8 = plans["8 GB"]
    assert p8.offload == "model" and p8.forward_chunking and p8.estimate.peak_gib < 8
    assert (p8.width, p8.height) == (1024, 576)
    assert plans["6 GB"].offload == "sequential"
    p4 = plans["4 GB"]
    assert p4.offload == "sequential" and p4.scale < 1.0 and p4.notes  # only a smaller size fits
    order = ["4 GB", "6 GB", "8 GB", "12 GB", "16 GB", "24 GB", "80 GB"]
    rank = {"sequential": 0, "model": 1, "none": 2}
    assert [rank[plans[n].offload] for n in order] == sorted(rank[plans[n].offload] for n in order)
    # Same unknown GPU with more memory, at the native size: never estimated slower
    # (a named RTX 3060 is slower than a 3070, and 4 GB only fits a smaller size).
    times = [plan_for(cuda(gb, "NVIDIA GPU"), Tier.SVD_XT).estimate.s_per_clip for gb in (6, 8, 12, 16, 24, 80)]
    assert times == sorted(times, reverse=True)
    assert plans["CPU only"].device == "cpu" and "very slow" in plans["CPU only"].describe()
    assert plans["CPU only"].estimate.s_per_clip > 30 * plans["8 GB"].estimate.s_per_clip


def test_plain_words_example() -> None:
    text = plan_for(MACHINES["8 GB"], Tier.SVD_XT).describe()
    assert "NVIDIA GeForce RTX 3070 (CUDA, fp16)" in text
    assert "model offload on" in text and "forward chunking on" in text
    assert re.search(r"about 7\.\d GB of VRAM", text)
    assert "per 4 s clip" in text and "per minute of video" in text


def test_aspect_follows_the_output_and_keeps_the_native_area() -> None:
    spec = default_spec(Tier.SVD_XT)
    assert generation_size(spec, (16, 9)) == (1024, 576)
    assert generation_size(spec, (9, 16)) == (576, 1024)
    w, h = generation_size(spec, (1, 1))
    assert w == h and abs(w * h - 1024 * 576) / (1024 * 576) < 0.1
    assert generation_size(default_spec(Tier.ANIMATEDIFF), (1, 1)) == (512, 512)
    assert default_spec(Tier.ANIMATEDIFF).sparsectrl  # the catalogue's AnimateDiff includes SparseCtrl RGB
    portrait = plan_for(MACHINES["24 GB"], Tier.SVD, aspect=(1080, 1920))
    assert (portrait.width, portrait.height) == (576, 1024)


def test_options_change_the_plan() -> None:
    hw = MACHINES["24 GB"]
    base = plan_for(hw, Tier.SVD_XT)
    short = plan_for(hw, Tier.SVD_XT, AiOptions(steps=10, frames_per_clip=14))
    assert (short.steps, short.frames) == (10, 14)
    assert short.estimate.s_per_clip < base.estimate.s_per_clip / 3


def test_machine_choice() -> None:
    both = HardwareInfo(gpus=(GpuInfo("Intel UHD", "Intel", "none", 1024, integrated=True),
                              GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12 * GB)),
                        ram_total_mb=32 * GB)
    m = machine_for(both)
    assert m.device == "cuda" and m.budget_gib == pytest.approx(12 - VRAM_RESERVE_GIB)
    # torch was probed and cannot drive the GPU (a CPU-only build): the CPU it is.
    cpu_torch = HardwareInfo(gpus=both.gpus, ram_total_mb=32 * GB, torch_version="2.13.0+cpu",
                             cuda_available=False)
    assert machine_for(cpu_torch).device == "cpu"
    assert machine_for(MACHINES["M2 16 GB"]).budget_gib == pytest.approx(16 * 0.6)


def test_runs_well_means_native_size_without_sequential_offload() -> None:
    """What the tier decision asks of a plan, and the least memory that gives it."""
    for tier in AI_TIERS:
        for name, hw in MACHINES.items():
            plan = plan_for(hw, tier)
            m = plan.machine
            expected = m.device != "cpu" and m.budget_gib >= least_memory_gib(m, tier)
            assert plan.runs_well == expected, (name, tier)
            if plan.runs_well:
                assert plan.scale == 1.0 and plan.offload != "sequential"
    # The diffusers SVD guide: model offload + forward chunking "< 8 GB".
    assert least_memory_gib(machine_for(MACHINES["8 GB"]), Tier.SVD_XT) < 8 - VRAM_RESERVE_GIB
    assert not plan_for(MACHINES["6 GB"], Tier.SVD_XT).runs_well  # sequential offload only


def test_step_down_ladder_on_a_gpu() -> None:
    plan = plan_for(MACHINES["80 GB"], Tier.SVD_XT)
    assert (plan.offload, plan.forward_chunking, plan.decode_chunk) == ("none", False, 25)
    # Decoding ran out: smaller decode chunks first, halving down to one frame.
    chunks = []
    p = plan
    while (nxt := step_down(p, "decode")) is not None and "decoding" in nxt[1]:
        p = nxt[0]
        chunks.append(p.decode_chunk)
    assert chunks == [12, 6, 3, 1]
    # Denoising ran out: forward chunking, then model offload, then sequential offload, then give up.
    changes = []
    p = plan
    while (nxt := step_down(p, "denoise")) is not None:
        p, change = nxt
        changes.append(change)
    assert changes == ["forward chunking on", "model offload on", "sequential offload on (much slower)"]
    assert p.offload == "sequential" and p.forward_chunking
    # Every step needs less memory than the one before.
    peaks = [plan.estimate.peak_gib]
    p = plan
    while (nxt := step_down(p, "denoise")) is not None:
        p = nxt[0]
        peaks.append(estimate(p.spec, p.machine, p.width, p.height, p.frames, p.steps, p.decode_chunk,
                              p.forward_chunking, p.attention_slicing, p.offload).peak_gib)
    assert peaks == sorted(peaks, reverse=True)


def test_step_down_on_cpu_and_apple() -> None:
    cpu = plan_for(MACHINES["CPU only"], Tier.SVD)
    steps = []
    p = cpu
    while (nxt := step_down(p, "denoise")) is not None:
        p, change = nxt
        steps.append(change)
    assert "model offload on" not in steps  # offload needs an accelerator
    mac = plan_for(MACHINES["M2 Max 64 GB"], Tier.SVD)
    assert not mac.attention_slicing
    p = mac
    seen = []
    while (nxt := step_down(p, "denoise")) is not None:
        p, change = nxt
        seen.append(change)
    assert "attention slicing on" in seen and not any("offload" in s for s in seen)
