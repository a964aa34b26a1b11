"""``vidgen-desktop hardware [--json]``: what this machine has, and which tier it gets and why.

The first thing to ask a user who reports "it only makes pan-and-zoom videos": the
report names the GPU, the memory, and each missing piece (package, model, VRAM).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.core.tiers import TierDecision, select_tier
from vidgen_desktop.engine.ai.plan import AiPlan, plan_for
from vidgen_desktop.engine.decide import current_availability, probe_this_machine


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "hardware",
        help="show the GPU, CPU, memory and disk space, and the tier this machine gets",
        description="Show what this machine has and which generation tier it gets, with the reasons.",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object {hardware, decision}")
    p.add_argument(
        "--tier",
        default=Tier.AUTO.value,
        choices=[t.value for t in Tier],
        help="show the decision for this requested tier (default auto)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = app_paths()
    hw = probe_this_machine(paths)
    decision = select_tier(hw, current_availability(paths), Tier(getattr(args, "tier", Tier.AUTO.value)))
    if args.json:
        # The plan each AI tier would use sits beside the options it explains: decision.plans.
        payload: dict[str, Any] = {"hardware": hw.to_dict(), "decision": {
            **decision.to_dict(), "plans": {t.value: p.to_dict() for t, p in ai_plans(hw).items()}}}
        print(json.dumps(payload, indent=2))
    else:
        print(format_report(hw, decision))
        print(format_plans(hw, decision))
    return 0


def ai_plans(hw: HardwareInfo) -> dict[Tier, AiPlan]:
    """The plan each AI tier would run with on this machine (16:9, default settings)."""
    return {t: plan_for(hw, t) for t in reversed(TIER_ORDER) if t.is_ai}


def format_plans(hw: HardwareInfo, decision: TierDecision) -> str:
    """What each AI tier would do here: settings, memory and time, in plain words."""
    lines = ["AI tier plans (what each would use here, at 16:9):"]
    for tier, plan in ai_plans(hw).items():
        option = decision.options.get(tier)
        status = "" if option is None or option.runnable else " [not runnable now; see above]"
        lines.append(f"  {tier.label}{status}:")
        lines.append(f"    {plan.describe()}")
        lines += [f"    - {n}" for n in plan.notes]
    return "\n".join(lines)


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


def format_report(hw: HardwareInfo, decision: TierDecision) -> str:
    """The human-readable report, shared by the CLI and the window's "About this machine"."""
    yes_no = {True: "yes", False: "no"}
    lines = ["GPU"]
    lines += [_gpu_line(g) for g in hw.gpus] or ["  none found (no NVIDIA driver, not Apple Silicon)"]
    if hw.torch_version is None:
        lines.append("  CUDA/MPS: unknown (torch is not installed)")
    else:
        lines.append(
            f"  CUDA available: {yes_no[hw.cuda_available]}, MPS available: {yes_no[hw.mps_available]} "
            f"(torch {hw.torch_version})"
        )
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
    lines += [
        "",
        f"Tier: {decision.tier.label} (machine class {decision.machine_class})",
        f"Defaults: {decision.default_short_side}p, {decision.default_fps} fps",
        "Why:",
    ]
    lines += [f"  - {r}" for r in decision.reasons]
    lines.append("Generation tiers:")
    for tier in TIER_ORDER:
        option = decision.options.get(tier)
        if option is None:
            continue
        if option.runnable:
            lines.append(f"  {tier.label}: runnable")
        else:
            lines.append(f"  {tier.label}: not runnable")
            lines += [f"    - {m}" for m in option.missing]
    return "\n".join(lines)
