"""The memory plan of Wan2.2 TI2V-5B and LTX-Video: native sizes, the issue's targets, the levers, the ladder."""

from __future__ import annotations

import pytest

from tests.engine.ai.test_plan import MACHINES, cuda
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.engine.ai.ladder import step_down
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.ai.plan import AiPlan, plan_for
from vidgen_desktop.engine.ai.plan_dit import snap_frames
from vidgen_desktop.engine.ai.spec import default_spec
from vidgen_desktop.engine.decide import vram_by_plan_gb

DIT = (Tier.WAN, Tier.LTX)


def test_tier_order_puts_the_new_models_on_top() -> None:
    assert TIER_ORDER == (Tier.KENBURNS, Tier.ANIMATEDIFF, Tier.SVD, Tier.SVD_XT, Tier.LTX, Tier.WAN)
    assert Tier("wan2.2-ti2v-5b") is Tier.WAN and Tier("ltx-video") is Tier.LTX


@pytest.mark.parametrize("tier", DIT)
@pytest.mark.parametrize("machine", list(MACHINES))
def test_every_machine_gets_a_dit_plan(machine: str, tier: Tier) -> None:
    plan = plan_for(MACHINES[machine], tier)
    assert plan.width % 32 == 0 and plan.height % 32 == 0 and plan.width > plan.height
    assert plan.frames == 121 and plan.fps == 24 and plan.steps == (50 if tier is Tier.WAN else 40)
    if plan.device != "cuda":
        assert plan.offload == "none" and not plan.streams
    if plan.device == "mps":
        assert not plan.fp8  # no float8 on Apple GPUs
    assert plan.text_encoder == ("cpu" if plan.device == "cpu" else plan.text_encoder)
    assert plan.text_encoder in ("gpu-once", "group-offloaded", "cpu")
    text = plan.describe()
    assert "text encoder run once" in text and f"VAE tiling {'on' if plan.vae_tiling else 'off'}" in text


def test_wan_native_sizes_follow_the_aspect() -> None:
    hw = cuda(24, "NVIDIA GeForce RTX 4090")
    assert (plan_for(hw, Tier.WAN).width, plan_for(hw, Tier.WAN).height) == (1280, 704)
    tall = plan_for(hw, Tier.WAN, aspect=(9, 16))
    assert (tall.width, tall.height) == (704, 1280)
    assert (plan_for(hw, Tier.LTX).width, plan_for(hw, Tier.LTX).height) == (832, 480)


def test_the_issues_targets_24_gb_without_sequential_12_gb_with_group_offload() -> None:
    big = plan_for(cuda(24, "NVIDIA GeForce RTX 4090"), Tier.WAN)
    assert big.runs_well and big.offload == "none" and big.text_encoder == "gpu-once"
    assert big.estimate.peak_gib <= big.machine.budget_gib
    mid = plan_for(cuda(12, "NVIDIA GeForce RTX 3060"), Tier.WAN)
    assert mid.runs_well and mid.offload in ("group-block", "group-leaf")
    assert mid.streams, "32 GB of RAM pins the weights: the group offload prefetches on a CUDA stream"
    assert "group offload (block level, CUDA streams) on" in mid.describe()
    # The same card with 16 GB of RAM cannot pin ~21 GB of weights: group offload without streams.
    low_ram = HardwareInfo(gpus=(GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12 * 1024),),
                           ram_total_mb=16 * 1024, cpu_cores_physical=8)
    slow = plan_for(low_ram, Tier.WAN)
    assert not slow.streams and slow.estimate.s_per_step > mid.estimate.s_per_step
    assert any("of weights in system RAM" in n and "16.0 GB: expect swapping" in n for n in slow.notes)
    assert not any("system RAM" in n for n in mid.notes)
    # LTX-Video is the fast tier for 8-12 GB cards.
    ltx = plan_for(cuda(8, "NVIDIA GeForce RTX 3070"), Tier.LTX)
    assert ltx.runs_well and ltx.estimate.s_per_clip < mid.estimate.s_per_clip / 5
    assert not plan_for(cuda(8, "NVIDIA GeForce RTX 3070"), Tier.WAN).runs_well


def test_vram_per_plan_level_falls_with_each_lever() -> None:
    for tier in DIT:
        levels = vram_by_plan_gb(tier.value)
        assert levels is not None and list(levels) == ["none", "model", "group-block", "group-leaf", "sequential"]
        assert levels["none"] > levels["model"] > levels["group-block"] >= levels["group-leaf"]


def test_frames_per_clip_snap_to_what_the_vae_makes() -> None:
    wan, ltx = default_spec(Tier.WAN), default_spec(Tier.LTX)
    assert [snap_frames(wan, n) for n in (2, 9, 10, 16, 121)] == [5, 9, 9, 17, 121]
    assert [snap_frames(ltx, n) for n in (2, 20, 121)] == [9, 17, 121]
    hw = cuda(24, "x")
    assert plan_for(hw, Tier.WAN, AiOptions(frames_per_clip=30)).frames == 29


def _ladder(plan: AiPlan, phase: str) -> list[str]:
    out = []
    while (nxt := step_down(plan, phase)) is not None:  # type: ignore[arg-type]
        plan, change = nxt
        out.append(change)
    return out


def test_the_step_down_ladder_uses_only_levers_that_help() -> None:
    plan = plan_for(cuda(80, "NVIDIA H100 80GB HBM3"), Tier.WAN)
    assert (plan.offload, plan.fp8, plan.vae_tiling) == ("none", False, False)
    assert _ladder(plan, "denoise") == ["model offload on", "fp8 weight storage on", "group offload (block level) on",
                                        "group offload (leaf level) on", "sequential offload on (much slower)"]
    # A decode that runs out: tiling, then the transformer off the GPU; nothing else frees decode memory.
    assert _ladder(plan, "decode") == ["VAE tiling on", "model offload on"]
    cpu = plan_for(HardwareInfo(cpu_model="big", cpu_cores_physical=32, ram_total_mb=256 * 1024), Tier.WAN)
    assert cpu.fits and not cpu.fp8 and cpu.offload == "none"
    assert _ladder(cpu, "denoise") == ["fp8 weight storage on"]
    assert _ladder(cpu, "decode") == ["VAE tiling on"]
    down, _ = step_down(plan, "denoise") or (plan, "")
    assert down.estimate.peak_gib < plan.estimate.peak_gib
