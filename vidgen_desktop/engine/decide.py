"""Which tier, with which plan, and why: the one decision path.

:func:`decide` is pure (a probed or imagined :class:`HardwareInfo` and the installed
software in, a :class:`TierDecision` out) and never imports torch. The ``render`` and
``hardware`` commands, the window's hardware panel (through ``bridge.hardware``) and
the render itself all ask it. The rules:

* An AI tier **fits** when its memory plan runs well on the GPU an AI tier would use
  (:attr:`AiPlan.runs_well`: native size, no sequential offload); the plan is the one
  source of truth for what a model needs. Besides the plan: at least 8 GB of system
  RAM, a torch that can drive the GPU, and no SVD-XT or Wan2.2 on Apple GPUs (too slow there).
* It is **runnable** when it fits and the AI packages and its model are installed.
* ``AUTO`` takes the strongest runnable tier; an explicit request is honoured when it
  can run, else the next lower runnable tier is used (Ken Burns always runs).
* **Defaults**: Ken Burns renders 1080p at 30 fps on every machine; an AI tier renders
  at its plan's generation size (upscaling adds no detail) at 24 fps (its 6-8 fps clips
  are interpolated).

Where the hardware rules a tier out, the reasons say only that: "download SVD" would be
no help on a 4 GB card. Every tier's plan is kept, so the user sees what each would do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vidgen_desktop.core import bundle
from vidgen_desktop.core.hardware import HardwareInfo, probe_hardware
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.paths import AppPaths, app_paths
from vidgen_desktop.core.tiers import AI_PACKAGES, TIER_MODELS, Availability, detect_packages
from vidgen_desktop.engine.ai.machine import (
    VRAM_RESERVE_GIB,
    Machine,
    gpu_machine,
    gpu_machines,
    machine_for,
    strongest,
    torch_drives,
)
from vidgen_desktop.engine.ai.plan import AiPlan, least_memory_by_offload, least_memory_gib, plan_for
from vidgen_desktop.engine.model_index import installed_models

#: System RAM any AI tier needs (pipelines are staged through RAM), with an allowance
#: for memory the firmware or an integrated GPU keeps (an 8 GB laptop shows ~7.6 GiB).
MIN_RAM_GB = 8.0
RAM_SLACK = 0.9
#: Ken Burns output defaults on every machine: (short side in pixels, fps).
KENBURNS_DEFAULTS = (1080, 30)
#: AI tiers: output fps (the model's clips are interpolated up to it).
AI_DEFAULT_FPS = 24
#: A CUDA card as the model manager describes a model's need (only the device kind matters).
_ANY_CUDA_GPU = Machine("cuda", "a CUDA GPU", 0.0, 0.0, 1.0)

_TORCH_MISSING = (
    "torch is not installed: AI tiers need torch (install it first, see the README) "
    "and pip install 'vidgen-desktop[ai]'"
)


@dataclass(frozen=True)
class TierOption:
    """One generation tier here: can it run now, and if not, what is missing (one sentence each).

    ``fits``: the hardware runs it (see the module rules); ``installed``: its model is
    there; ``plan``: how it would run here (``None`` for Ken Burns).
    """

    tier: Tier
    runnable: bool
    missing: tuple[str, ...] = ()
    plan: AiPlan | None = None
    fits: bool = True
    installed: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier.value, "runnable": self.runnable, "fits": self.fits, "installed": self.installed,
                "missing": list(self.missing), "plan": self.plan.to_dict() if self.plan is not None else None}


@dataclass(frozen=True)
class TierDecision:
    """The tier to use, every tier's option and plan, the device AI tiers use, and the reasons in order."""

    tier: Tier
    reasons: tuple[str, ...]
    options: dict[Tier, TierOption]
    machine: Machine
    requested: Tier = Tier.AUTO

    @property
    def fell_back(self) -> bool:
        """True when an explicit request could not be honoured."""
        return self.requested is not Tier.AUTO and self.requested is not self.tier

    @property
    def plan(self) -> AiPlan | None:
        """The chosen tier's plan (``None`` for Ken Burns)."""
        option = self.options.get(self.tier)
        return option.plan if option is not None else None

    def defaults_for(self, tier: Tier) -> tuple[int, int]:
        """(short side, fps) a render with ``tier`` uses when the job leaves them to the tier."""
        option = self.options.get(tier)
        if option is None or option.plan is None:
            return KENBURNS_DEFAULTS
        return min(option.plan.width, option.plan.height), AI_DEFAULT_FPS

    @property
    def default_short_side(self) -> int:
        return self.defaults_for(self.tier)[0]

    @property
    def default_fps(self) -> int:
        return self.defaults_for(self.tier)[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value,
            "requested": self.requested.value,
            "machine": self.machine.to_dict(),
            "default_short_side": self.default_short_side,
            "default_fps": self.default_fps,
            "reasons": list(self.reasons),
            "options": {t.value: o.to_dict() for t, o in self.options.items()},
        }


def _gb(gib: float) -> str:
    return f"{gib:.1f} GB"


def vram_need_gib(tier: Tier) -> float:
    """VRAM a CUDA card needs for ``tier`` to run well: the plan's least memory plus the desktop's reserve."""
    return least_memory_gib(_ANY_CUDA_GPU, tier) + VRAM_RESERVE_GIB


def listed_vram_gb(tier: str, listed: float | None) -> float | None:
    """The VRAM shown for a catalogue model: the plan's figure for a video tier's model, else the catalogue's."""
    try:
        t = Tier(tier)
    except ValueError:
        return listed
    return round(vram_need_gib(t), 1) if t.is_ai else listed


def vram_by_plan_gb(tier: str) -> dict[str, float] | None:
    """A video tier's VRAM need per offload level on a CUDA card (reserve included); ``None`` for other models."""
    try:
        t = Tier(tier)
    except ValueError:
        return None
    if not t.is_ai:
        return None
    return {k: round(v + VRAM_RESERVE_GIB, 1) for k, v in least_memory_by_offload(_ANY_CUDA_GPU, t).items()}


def _describe(m: Machine) -> str:
    if m.device == "mps":
        return (f"{m.name} shares {_gb(m.total_gib)} of unified memory, "
                f"about {_gb(m.budget_gib)} usable for video")
    return f"{m.name} has {_gb(m.total_gib)} VRAM"


def _need(tier: Tier, gpu: Machine) -> str:
    """What ``tier`` needs against what ``gpu`` has, after the model's name: "needs about 7.7 GB VRAM; ..."."""
    need = least_memory_gib(gpu, tier)
    if gpu.device == "cuda":
        return f"needs about {_gb(need + VRAM_RESERVE_GIB)} VRAM; this GPU has {_gb(gpu.total_gib)}"
    return f"needs about {_gb(need)}; {gpu.name} can use about {_gb(gpu.budget_gib)} of its {_gb(gpu.total_gib)}"


def _no_gpu(tier: Tier) -> str:
    return f"needs a GPU with about {_gb(vram_need_gib(tier))} (NVIDIA CUDA or Apple Silicon); none found"


def _hardware_gap(tier: Tier, plan: AiPlan, best: Machine | None, machine: Machine) -> str | None:
    """Why the hardware does not run ``tier`` well, after its short name ("needs ..."); ``None``: it does."""
    if best is None:
        return _no_gpu(tier)
    if machine.device == "cpu":
        return None  # a GPU torch cannot drive: said once, for every tier
    if machine.device == "mps" and tier in (Tier.SVD_XT, Tier.WAN):
        return "is too slow on Apple GPUs (MPS)"
    return None if plan.runs_well else _need(tier, machine)


def gpu_fit(hw: HardwareInfo, tier: Tier) -> tuple[bool, str]:
    """Whether ``tier``'s plan runs well on the strongest GPU of ``hw`` (RAM and torch aside), and
    why, after the model's name: the model manager's "fits this machine" column."""
    best = strongest(gpu_machines(hw))
    if best is None:
        return False, _no_gpu(tier)
    gap = _hardware_gap(tier, plan_for(best, tier), best, best)
    return (False, gap) if gap is not None else (True, _need(tier, best))


def _machine_reasons(hw: HardwareInfo, avail: Availability) -> tuple[list[str], list[str], Machine | None]:
    """(what the GPUs are, what stops every AI tier whatever the GPU, the GPU an AI tier would pick)."""
    reasons: list[str] = []
    for gpu in hw.gpus:
        if gpu_machine(gpu, hw) is not None:
            continue
        if gpu.vendor == "Apple":
            reasons.append(f"{gpu.name}: MPS is not available (torch missing or too old), so it is not used")
        else:
            kind = "an integrated GPU" if gpu.integrated else "a GPU"
            reasons.append(f"{gpu.name} is {kind} without CUDA or MPS: not used for AI tiers")
    gpus = gpu_machines(hw)
    best = strongest(gpus)
    for m in gpus:
        if best is not None and m is not best:
            reasons.append(f"{m.name} ({_gb(m.total_gib)}) is not used: {best.name} has more memory")

    unusable: list[str] = []
    if hw.ram_total_mb < MIN_RAM_GB * 1024 * RAM_SLACK:
        unusable.append(f"This computer has {_gb(hw.ram_total_mb / 1024)} of RAM: "
                        f"AI tiers need at least {MIN_RAM_GB:.0f} GB of system RAM")
    if best is not None and "torch" in avail.packages and not torch_drives(best, hw):
        if best.device == "cuda":
            unusable.append(f"torch {hw.torch_version} cannot use CUDA (a CPU-only build?): "
                            f"install a CUDA build of torch (see the README) to use {best.name}")
        else:
            unusable.append(f"torch {hw.torch_version} cannot use the Apple GPU (MPS): update torch")

    if best is None:
        reasons.append("No GPU that can run AI tiers was found (needs NVIDIA CUDA or Apple Silicon)")
    else:
        reasons.append(_describe(best) + (", but it cannot be used here" if unusable else ""))
    return reasons, unusable, best


def _not_installed(avail: Availability) -> list[str]:
    """The missing AI packages, worded for how the app was installed (never pip in the double-click app)."""
    missing = [p for p in AI_PACKAGES if p not in avail.packages]
    if missing and bundle.is_frozen():
        return [bundle.missing_parts_hint(missing, pip_hint="")]
    out = [_TORCH_MISSING] if "torch" in missing else []
    others = [p for p in missing if p != "torch"]
    if others:
        verb = "is" if len(others) == 1 else "are"
        out.append(f"{', '.join(others)} {verb} not installed: pip install 'vidgen-desktop[ai]'")
    return out


def decide(hw: HardwareInfo, avail: Availability, requested: Tier = Tier.AUTO) -> TierDecision:
    """Choose the tier to render with, plan every AI tier on this machine, and explain the choice."""
    reasons, unusable, best = _machine_reasons(hw, avail)
    machine = machine_for(hw)
    not_installed = _not_installed(avail)

    # Per tier: hardware gaps first (a download cannot fix them), then software the user can install.
    options: dict[Tier, TierOption] = {Tier.KENBURNS: TierOption(Tier.KENBURNS, True)}
    hardware_gaps: dict[Tier, list[str]] = {}
    software_gaps: dict[Tier, list[str]] = {}
    for tier in TIER_ORDER:
        if not tier.is_ai:
            continue
        mid, short = TIER_MODELS[tier]
        plan = plan_for(machine, tier)
        gap = _hardware_gap(tier, plan, best, machine)
        hard = ([f"{short} {gap}"] if gap else []) + unusable
        installed = mid in avail.models
        soft = not_installed + ([] if installed else [f"{short} is not installed (download it in the model manager)"])
        hardware_gaps[tier], software_gaps[tier] = hard, soft
        options[tier] = TierOption(tier, not (hard or soft), tuple(hard + soft), plan, not hard, installed)

    ceiling = len(TIER_ORDER) - 1 if requested is Tier.AUTO else TIER_ORDER.index(requested)
    chosen = next(t for t in reversed(TIER_ORDER[: ceiling + 1]) if options[t].runnable)
    skipped = TIER_ORDER[TIER_ORDER.index(chosen) + 1 : ceiling + 1]
    if requested is not Tier.AUTO:
        if chosen is requested:
            reasons.append(f"{requested.label} was requested and can run here")
        else:
            reasons.append(f"{requested.label} was requested but cannot run here; using {chosen.label} instead")
    # Why each stronger tier was passed over, strongest first. With no GPU at all the
    # machine line has said it once already.
    reasons.extend(unusable)
    for t in reversed(skipped):
        if hardware_gaps[t]:
            if best is not None:
                reasons.extend(hardware_gaps[t])
        else:
            reasons.extend(software_gaps[t])
    if requested is Tier.AUTO:
        reasons.append(f"Automatic choice: {chosen.label}, the strongest tier that can run now")
    return TierDecision(chosen, tuple(dict.fromkeys(reasons)), options, machine, requested)


# ----------------------------------------------------------------------------- this machine

def current_availability(paths: AppPaths | None = None) -> Availability:
    paths = paths or app_paths()
    return Availability(packages=detect_packages(), models=installed_models(paths.models))


def probe_this_machine(paths: AppPaths | None = None, *, probe_torch: bool = True) -> HardwareInfo:
    paths = paths or app_paths()
    return probe_hardware({"models": paths.models, "outputs": paths.outputs}, probe_torch=probe_torch)


def decide_tier(requested: Tier = Tier.AUTO, paths: AppPaths | None = None) -> tuple[HardwareInfo, TierDecision]:
    """Probe and decide. An explicit Ken Burns request skips importing torch (seconds when installed)."""
    hw = probe_this_machine(paths, probe_torch=requested is not Tier.KENBURNS)
    return hw, decide(hw, current_availability(paths), requested)
