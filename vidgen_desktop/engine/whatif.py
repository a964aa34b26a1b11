"""What-if planning: the same decision and plans for an imagined machine (``hardware --assume cuda:12``).

So people can see what a GPU would give them before buying one or downloading models.
The imagined machine is this computer (CPU, RAM, disks) with the GPU replaced:

* ``cuda:N`` -- an NVIDIA card with N GiB of VRAM;
* ``mps:N`` -- an Apple Silicon Mac with N GiB of unified memory (which is also its RAM);
* ``cpu`` or ``cpu:N`` -- no GPU (with N GiB of RAM when given).

Rule for the software: the AI packages and every AI tier's model are treated as
installed, so the tier shown is the one that machine *would* pick; each tier's
``installed`` still says whether its model is on this computer, so the user knows what
to download. torch is never imported: the imagined GPU is assumed to work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.tiers import AI_PACKAGES, TIER_MODELS, Availability
from vidgen_desktop.engine.decide import TierDecision, decide

AssumedKind = Literal["cuda", "mps", "cpu"]
KINDS: tuple[AssumedKind, ...] = ("cuda", "mps", "cpu")
#: Sizes accepted, in GiB (no GPU or Mac has more than this).
MIN_GIB, MAX_GIB = 1.0, 1024.0
_FORMAT = "kind[:GiB] with kind cuda, mps or cpu, for example cuda:12, mps:16 or cpu"


@dataclass(frozen=True)
class Assumption:
    """An imagined GPU (or none) and its memory in GiB."""

    kind: AssumedKind
    gib: float | None = None

    def describe(self) -> str:
        if self.kind == "cuda":
            return f"an NVIDIA GPU with {self.gib:g} GB of VRAM"
        if self.kind == "mps":
            return f"an Apple Silicon Mac with {self.gib:g} GB of unified memory"
        return "no GPU" + (f" and {self.gib:g} GB of RAM" if self.gib is not None else "")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "gib": self.gib, "text": self.describe()}


def parse_assumption(text: str) -> Assumption:
    """``kind[:GiB]``; anything else raises :class:`UsageError` naming the format."""
    m = re.fullmatch(r"\s*([a-z]+)\s*(?::\s*([0-9]+(?:\.[0-9]+)?)\s*(?:gib|gb|g)?)?\s*", text.lower())
    if m is None or m.group(1) not in KINDS:
        raise UsageError(f"--assume {text!r} is not {_FORMAT}")
    kind = KINDS[KINDS.index(m.group(1))]
    gib = float(m.group(2)) if m.group(2) is not None else None
    if gib is None and kind != "cpu":
        raise UsageError(f"--assume {kind} needs the memory in GiB, for example {kind}:{12 if kind == 'cuda' else 16}")
    if gib is not None and not MIN_GIB <= gib <= MAX_GIB:
        raise UsageError(f"--assume {text!r}: the memory must be between {MIN_GIB:g} and {MAX_GIB:g} GiB")
    return Assumption(kind, gib)


def imagined_hardware(assumption: Assumption, real: HardwareInfo) -> HardwareInfo:
    """This computer with the GPU of ``assumption`` (torch not probed: the GPU is taken to work)."""
    base = replace(real, gpus=(), torch_version=None, cuda_available=False, mps_available=False)
    if assumption.gib is None:
        return base
    mib = int(assumption.gib * 1024)
    if assumption.kind == "cuda":
        gpu = GpuInfo(f"NVIDIA GPU with {assumption.gib:g} GB (assumed)", "NVIDIA", "cuda", mib)
        return replace(base, gpus=(gpu,))
    if assumption.kind == "mps":
        gpu = GpuInfo(f"Apple GPU with {assumption.gib:g} GB (assumed)", "Apple", "mps", mib,
                      integrated=True, unified_memory=True)
        return replace(base, gpus=(gpu,), ram_total_mb=mib, ram_available_mb=min(real.ram_available_mb, mib))
    return replace(base, ram_total_mb=mib, ram_available_mb=min(real.ram_available_mb, mib))


def what_if(assumption: Assumption, real_hw: HardwareInfo, real: Availability,
            requested: Tier = Tier.AUTO) -> tuple[HardwareInfo, TierDecision]:
    """The imagined machine and its decision, with packages and models taken as installed;
    each option's ``installed`` is reset to what this computer really has."""
    hw = imagined_hardware(assumption, real_hw)
    everything = Availability(frozenset(AI_PACKAGES) | real.packages,
                              frozenset(mid for mid, _short in TIER_MODELS.values()))
    decision = decide(hw, everything, requested)
    options = {t: replace(o, installed=o.plan is None or TIER_MODELS[t][0] in real.models)
               for t, o in decision.options.items()}
    return hw, replace(decision, options=options)
