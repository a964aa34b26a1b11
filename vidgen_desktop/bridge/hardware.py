"""Hardware and tier decision for the window, probed on the background pool.

The first look skips importing torch (seconds and hundreds of MB when installed):
NVML still names NVIDIA GPUs and the packages are found with ``find_spec``. The
hardware panel's "Check again" button does the full probe. Re-deciding for another
requested tier is pure and instant (:func:`decide`, the engine's one decision path),
so the tier override needs no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    from vidgen_desktop.core.hardware import HardwareInfo
    from vidgen_desktop.core.tiers import Availability
    from vidgen_desktop.engine.decide import TierDecision


@dataclass(frozen=True)
class HardwareSnapshot:
    hw: HardwareInfo
    availability: Availability
    full_probe: bool


def probe_snapshot(paths: AppPaths, *, full: bool = False) -> HardwareSnapshot:
    """Blocking: probe the machine, the AI packages and the installed models."""
    from vidgen_desktop.engine.decide import current_availability, probe_this_machine

    return HardwareSnapshot(probe_this_machine(paths, probe_torch=full), current_availability(paths), full)


def decide(snapshot: HardwareSnapshot, requested: Tier) -> TierDecision:
    """The tier decision for ``requested`` on this machine, with every AI tier's plan (pure, fast)."""
    from vidgen_desktop.engine.decide import decide as engine_decide

    return engine_decide(snapshot.hw, snapshot.availability, requested)


def report_text(snapshot: HardwareSnapshot, decision: TierDecision) -> str:
    """The same plain-text report as ``vidgen-desktop hardware``, for "Copy report"."""
    from vidgen_desktop.engine.hardware_report import format_report

    return format_report(snapshot.hw, decision)
