"""Pick a generation tier from the hardware, the installed packages and the installed models.

:func:`select_tier` is a pure function of its inputs (no probing, no imports of torch),
so every machine in the test table is a made-up :class:`HardwareInfo`. Its answer says
not only *which* tier but *why*, in sentences a user can act on, and what each tier
still lacks, so the UI can offer "download SVD" rather than a greyed-out button.

Two ideas are kept apart:

* the **machine class** (low/medium/high/ultra) is what the hardware can do once the
  AI packages are installed and working; it sets the default resolution and fps;
* the **tier** is what can run *now*: it also needs the packages and the model files.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Literal

from vidgen_desktop.core import bundle
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER, Tier

MachineClass = Literal["low", "medium", "high", "ultra"]
CLASS_ORDER: tuple[MachineClass, ...] = ("low", "medium", "high", "ultra")

#: Output defaults per machine class: (short side in pixels, fps).
CLASS_DEFAULTS: dict[MachineClass, tuple[int, int]] = {
    "low": (480, 15),
    "medium": (720, 24),
    "high": (1080, 30),
    "ultra": (2160, 60),
}

#: Packages :func:`detect_packages` looks for.
KNOWN_PACKAGES: tuple[str, ...] = ("torch", "diffusers", "transformers", "accelerate")
#: Packages every AI tier needs (accelerate only speeds loading up).
AI_PACKAGES: tuple[str, ...] = ("torch", "diffusers", "transformers")

#: Per AI tier: (VRAM needed in GB, model id in the catalogue, short name).
TIER_NEEDS: dict[Tier, tuple[float, str, str]] = {
    Tier.ANIMATEDIFF: (8.0, "animatediff", "AnimateDiff"),
    Tier.SVD: (10.0, "svd", "SVD"),
    Tier.SVD_XT: (16.0, "svd-xt", "SVD-XT"),
}

#: Machine class thresholds (GB of usable VRAM). A 12 GB card is still "medium":
#: it runs SVD, but only at 720p-class settings; "high" starts above 12 GB.
CLASS_MIN_GB: tuple[tuple[MachineClass, float], ...] = (("ultra", 16.0), ("high", 13.0), ("medium", 8.0))

#: Cards report a little less than their nominal size (a 16 GB T4 shows 15360 MiB),
#: so a dedicated card meets "N GB" at 93 % of N GiB.
VRAM_SLACK = 0.93
#: System RAM needed for any AI tier (pipelines are staged through RAM), with an
#: allowance for memory the firmware/iGPU reserves (an 8 GB laptop shows ~7.6 GiB).
MIN_RAM_GB = 8.0
RAM_SLACK = 0.9
#: Share of Apple unified memory the GPU can use in practice (macOS caps GPU wired memory).
MPS_MEMORY_SHARE = 0.6
#: MPS is several times slower than CUDA: never more than "high", and no SVD-XT.
MPS_MAX_CLASS: MachineClass = "high"

_TORCH_MISSING = (
    "torch is not installed: AI tiers need torch (install it first, see the README) "
    "and pip install 'vidgen-desktop[ai]'"
)


@dataclass(frozen=True)
class Availability:
    """The software side: which AI packages are importable and which models are installed."""

    packages: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()


@dataclass(frozen=True)
class TierOption:
    """One generation tier: can it run now, and if not, what is missing (one sentence each)."""

    tier: Tier
    runnable: bool
    missing: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"tier": self.tier.value, "runnable": self.runnable, "missing": list(self.missing)}


@dataclass(frozen=True)
class TierDecision:
    """The tier to use, the machine class behind the defaults, and the reasons, in order."""

    tier: Tier
    machine_class: MachineClass
    default_short_side: int
    default_fps: int
    reasons: tuple[str, ...]
    options: dict[Tier, TierOption]
    requested: Tier = Tier.AUTO

    @property
    def fell_back(self) -> bool:
        """True when an explicit request could not be honoured."""
        return self.requested is not Tier.AUTO and self.requested is not self.tier

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value,
            "requested": self.requested.value,
            "machine_class": self.machine_class,
            "default_short_side": self.default_short_side,
            "default_fps": self.default_fps,
            "reasons": list(self.reasons),
            "options": {t.value: o.to_dict() for t, o in self.options.items()},
        }


def detect_packages() -> frozenset[str]:
    """The AI packages that are installed, found with ``find_spec`` (never imports torch: seconds)."""
    found = set()
    for name in KNOWN_PACKAGES:
        try:
            if importlib.util.find_spec(name) is not None:
                found.add(name)
        except (ImportError, ValueError):  # a broken or half-removed install counts as absent
            continue
    return frozenset(found)


@dataclass(frozen=True)
class _Candidate:
    """A GPU an AI tier could use, with the memory it can really use."""

    gpu: GpuInfo
    usable_mb: int
    slack: float

    @property
    def is_mps(self) -> bool:
        return self.gpu.backend == "mps"

    def meets(self, gb: float) -> bool:
        return _meets(self.usable_mb, gb, self.slack)


def _meets(mb: int, gb: float, slack: float) -> bool:
    return mb >= gb * 1024 * slack


def _gb(mb: int) -> str:
    return f"{mb / 1024:.1f} GB"


def _candidate(gpu: GpuInfo, hw: HardwareInfo) -> _Candidate | None:
    """The GPU as an AI tier sees it, or ``None`` when it cannot run one."""
    if gpu.backend == "cuda":
        return _Candidate(gpu, gpu.vram_total_mb, VRAM_SLACK)
    if gpu.backend == "mps":
        total = gpu.vram_total_mb if gpu.unified_memory else hw.ram_total_mb
        return _Candidate(gpu, int(total * MPS_MEMORY_SHARE), 1.0)
    return None


def _class_for(c: _Candidate | None) -> MachineClass:
    if c is None:
        return "low"
    cls: MachineClass = "low"
    for name, gb in CLASS_MIN_GB:
        if c.meets(gb):
            cls = name
            break
    if c.is_mps and CLASS_ORDER.index(cls) > CLASS_ORDER.index(MPS_MAX_CLASS):
        cls = MPS_MAX_CLASS
    return cls


def _describe(c: _Candidate, cls: MachineClass) -> str:
    if c.is_mps:
        capped = " (Apple GPUs are capped at high)" if cls == MPS_MAX_CLASS else ""
        return (
            f"{c.gpu.name} shares {_gb(c.gpu.vram_total_mb)} of unified memory, "
            f"about {_gb(c.usable_mb)} usable for video: {cls} class{capped}"
        )
    return f"{c.gpu.name} has {_gb(c.usable_mb)} VRAM: {cls} class"


def _dedupe(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def select_tier(hw: HardwareInfo, avail: Availability, requested: Tier = Tier.AUTO) -> TierDecision:
    """Choose the tier to render with, and explain the choice.

    ``AUTO`` takes the strongest runnable tier. An explicit request is honoured when it
    can run, otherwise the next lower runnable tier is used (Ken Burns always runs)
    and the reasons say what the requested one lacks.
    """
    reasons: list[str] = []

    # --- hardware: which GPU would an AI tier use? -----------------------------------
    candidates: list[_Candidate] = []
    for gpu in hw.gpus:
        c = _candidate(gpu, hw)
        if c is not None:
            candidates.append(c)
        elif gpu.vendor == "Apple":
            reasons.append(f"{gpu.name}: MPS is not available (torch missing or too old), so it is not used")
        else:
            kind = "an integrated GPU" if gpu.integrated else "a GPU"
            reasons.append(f"{gpu.name} is {kind} without CUDA or MPS: not used for AI tiers")
    # Most memory (judged against nominal sizes) wins; on a tie CUDA beats MPS, then probe order.
    best = max(candidates, key=lambda c: (c.usable_mb / c.slack, not c.is_mps), default=None)
    if best is not None:
        for c in candidates:
            if c is not best:
                reasons.append(f"{c.gpu.name} ({_gb(c.usable_mb)}) is not used: {best.gpu.name} has more memory")
    hw_class = _class_for(best)

    # --- what stops every AI tier, whatever the GPU ----------------------------------
    # Two kinds: the GPU cannot be driven at all (too little RAM, torch without CUDA/MPS),
    # which also drops the machine class to low; and missing packages, which do not
    # (the class describes the machine; the tier says what runs now).
    unusable: list[str] = []
    if not _meets(hw.ram_total_mb, MIN_RAM_GB, RAM_SLACK):
        unusable.append(
            f"This computer has {_gb(hw.ram_total_mb)} of RAM: AI tiers need at least {MIN_RAM_GB:.0f} GB of system RAM"
        )
    if best is not None and hw.torch_version is not None and "torch" in avail.packages:
        # torch was probed, so we know whether it can drive the GPU we picked.
        if best.gpu.backend == "cuda" and not hw.cuda_available:
            unusable.append(
                f"torch {hw.torch_version} cannot use CUDA (a CPU-only build?): "
                f"install a CUDA build of torch (see the README) to use {best.gpu.name}"
            )
        elif best.is_mps and not hw.mps_available:
            unusable.append(f"torch {hw.torch_version} cannot use the Apple GPU (MPS): update torch")
    not_installed: list[str] = []
    missing = [p for p in AI_PACKAGES if p not in avail.packages]
    if missing and bundle.is_frozen():  # the double-click app: "get the Full edition", never pip
        not_installed.append(bundle.missing_parts_hint(missing, pip_hint=""))
        missing = []
    if "torch" in missing:
        not_installed.append(_TORCH_MISSING)
    others = [p for p in missing if p != "torch"]
    if others:
        verb = "is" if len(others) == 1 else "are"
        not_installed.append(f"{', '.join(others)} {verb} not installed: pip install 'vidgen-desktop[ai]'")

    machine_class: MachineClass = "low" if unusable else hw_class
    if best is None:
        reasons.append("No GPU that can run AI tiers was found (needs NVIDIA CUDA or Apple Silicon): low class")
    elif not unusable:
        reasons.append(_describe(best, hw_class))
    else:
        reasons.append(f"{_describe(best, hw_class)}, but it cannot be used here, so low class")

    # --- per tier: what is missing -----------------------------------------------------
    # Hardware gaps first (a download cannot fix them), then software the user can install.
    options: dict[Tier, TierOption] = {Tier.KENBURNS: TierOption(Tier.KENBURNS, True)}
    hardware_gaps: dict[Tier, list[str]] = {}
    software_gaps: dict[Tier, list[str]] = {}
    for tier in TIER_ORDER:
        if not tier.is_ai:
            continue
        need_gb, model_id, short = TIER_NEEDS[tier]
        hard: list[str] = []
        if best is None:
            hard.append(f"{short} needs a GPU with {need_gb:.0f} GB VRAM (NVIDIA CUDA or Apple Silicon); none found")
        elif best.is_mps and tier is Tier.SVD_XT:
            hard.append("SVD-XT is too slow on Apple GPUs (MPS); SVD is the strongest tier there")
        elif not best.meets(need_gb):
            have = f"this GPU has {_gb(best.usable_mb)}"
            if best.is_mps:
                have = f"{best.gpu.name} can use about {_gb(best.usable_mb)} of its {_gb(best.gpu.vram_total_mb)}"
            hard.append(f"{short} needs {need_gb:.0f} GB VRAM; {have}")
        hard.extend(unusable)
        soft = list(not_installed)
        if model_id not in avail.models:
            soft.append(f"{short} is not installed (download it in the model manager)")
        hardware_gaps[tier], software_gaps[tier] = hard, soft
        options[tier] = TierOption(tier, not (hard or soft), tuple(hard + soft))

    # --- choose ------------------------------------------------------------------------
    ceiling = len(TIER_ORDER) - 1 if requested is Tier.AUTO else TIER_ORDER.index(requested)
    chosen = next(t for t in reversed(TIER_ORDER[: ceiling + 1]) if options[t].runnable)
    skipped = TIER_ORDER[TIER_ORDER.index(chosen) + 1 : ceiling + 1]
    if requested is not Tier.AUTO:
        if chosen is requested:
            reasons.append(f"{requested.label} was requested and can run here")
        else:
            reasons.append(f"{requested.label} was requested but cannot run here; using {chosen.label} instead")
    # Why each stronger tier was passed over, strongest first. Where the hardware rules a
    # tier out, only that is said: "download SVD" would be no help on a 4 GB card. With no
    # GPU at all the class line above has said it once already.
    reasons.extend(unusable)
    for t in reversed(skipped):
        if hardware_gaps[t]:
            if best is not None:
                reasons.extend(hardware_gaps[t])
        else:
            reasons.extend(software_gaps[t])
    if requested is Tier.AUTO:
        reasons.append(f"Automatic choice: {chosen.label}, the strongest tier that can run now")

    short_side, fps = CLASS_DEFAULTS[machine_class]
    return TierDecision(
        tier=chosen,
        machine_class=machine_class,
        default_short_side=short_side,
        default_fps=fps,
        reasons=_dedupe(reasons),
        options=options,
        requested=requested,
    )
