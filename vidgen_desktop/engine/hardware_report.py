"""The plain-text hardware report: what the machine has, the tier it gets and why, each AI tier's plan.

One text for ``vidgen-desktop hardware`` and the window's "Copy report", so a user's
bug report reads the same whichever they used.
"""

from __future__ import annotations

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER
from vidgen_desktop.engine.decide import TierDecision

_YES_NO = {True: "yes", False: "no"}


def _gb(mb: int | None) -> str:
    return "unknown" if mb is None else f"{mb / 1024:.1f} GB"


def _gpu_line(g: GpuInfo) -> str:
    memory = "unified memory" if g.unified_memory else "VRAM"
    parts = [f"{_gb(g.vram_total_mb)} {memory}"]
    if g.vram_free_mb is not None:
        parts.append(f"{_gb(g.vram_free_mb)} free")
    if g.driver:
        parts.append(f"driver {g.driver}")
    backend = {"cuda": "CUDA", "mps": "MPS", "none": "no AI backend"}[g.backend]
    kind = ", integrated" if g.integrated else ""
    return f"  {g.name} ({g.vendor}, {backend}{kind}): {', '.join(parts)}"


def format_machine(hw: HardwareInfo) -> str:
    """GPU, CPU, RAM, disk and OS, one section each."""
    lines = ["GPU"]
    lines += [_gpu_line(g) for g in hw.gpus] or ["  none found (no NVIDIA driver, not Apple Silicon)"]
    if hw.torch_version is None:
        lines.append("  CUDA/MPS: unknown (torch is not installed or was not checked)")
    else:
        lines.append(f"  CUDA available: {_YES_NO[hw.cuda_available]}, MPS available: {_YES_NO[hw.mps_available]} "
                     f"(torch {hw.torch_version})")
    lines += [
        "CPU",
        f"  {hw.cpu_model}: {hw.cpu_cores_physical} cores, {hw.cpu_cores_logical} threads",
        "RAM",
        f"  {_gb(hw.ram_total_mb)} total, {_gb(hw.ram_available_mb)} available",
        "Disk free",
    ]
    labels = list(dict.fromkeys([*hw.disk_paths, *hw.disk_free_mb]))
    for label in labels:
        where = hw.disk_paths.get(label)
        lines.append(f"  {label}: {_gb(hw.disk_free_mb.get(label))} free" + (f" ({where})" if where else ""))
    if not labels:
        lines.append("  (no folders given)")
    if hw.os_name:
        lines += ["OS", f"  {hw.os_name}"]
    return "\n".join(lines)


def format_decision(decision: TierDecision) -> str:
    """The tier, its defaults, why, and what every tier lacks."""
    lines = [
        f"Tier: {decision.tier.label}",
        f"Defaults: {decision.default_short_side}p, {decision.default_fps} fps",
        "Why:",
    ]
    lines += [f"  - {r}" for r in decision.reasons]
    lines.append("Generation tiers:")
    for tier in TIER_ORDER:
        option = decision.options.get(tier)
        if option is None:
            continue
        lines.append(f"  {tier.label}: {'runnable' if option.runnable else 'not runnable'}")
        lines += [f"    - {m}" for m in option.missing]
    return "\n".join(lines)


def format_plans(decision: TierDecision) -> str:
    """What each AI tier would do here: whether it fits, whether it is installed, settings, memory, time."""
    lines = ["AI tier plans (what each would use here, at 16:9):"]
    for tier in reversed(TIER_ORDER):
        option = decision.options.get(tier)
        if option is None or option.plan is None:
            continue
        lines.append(f"  {tier.label}: fits here: {_YES_NO[option.fits]}, "
                     f"model installed: {_YES_NO[option.installed]}")
        lines.append(f"    {option.plan.describe()}")
        lines += [f"    - {n}" for n in option.plan.notes]
    return "\n".join(lines)


def format_report(hw: HardwareInfo, decision: TierDecision) -> str:
    """The whole report: the machine, the decision and the plans."""
    return "\n".join([format_machine(hw), "", format_decision(decision), format_plans(decision)])
