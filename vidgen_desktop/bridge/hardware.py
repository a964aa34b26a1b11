"""Hardware and tier decision for the window, probed on the background pool.

The first look skips importing torch (seconds and hundreds of MB when installed):
NVML still names NVIDIA GPUs and the packages are found with ``find_spec``. The
hardware panel's "Check again" button does the full probe. Re-deciding for another
requested tier is pure and instant (:func:`decide`), so the tier override needs no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    from vidgen_desktop.core.hardware import HardwareInfo
    from vidgen_desktop.core.tiers import Availability, TierDecision


@dataclass(frozen=True)
class HardwareSnapshot:
    hw: HardwareInfo
    availability: Availability
    full_probe: bool


def probe_snapshot(paths: AppPaths, *, full: bool = False) -> HardwareSnapshot:
    """Blocking: probe the machine, the AI packages and the installed models."""
    from vidgen_desktop.core.hardware import probe_hardware
    from vidgen_desktop.core.tiers import Availability, detect_packages
    from vidgen_desktop.engine.model_index import installed_models

    hw = probe_hardware({"models": paths.models, "outputs": paths.outputs}, probe_torch=full)
    avail = Availability(packages=detect_packages(), models=installed_models(paths.models))
    return HardwareSnapshot(hw, avail, full)


def decide(snapshot: HardwareSnapshot, requested: Tier) -> TierDecision:
    """The tier decision for ``requested`` on this machine (pure, fast)."""
    from vidgen_desktop.core.tiers import select_tier

    return select_tier(snapshot.hw, snapshot.availability, requested)


def report_text(snapshot: HardwareSnapshot, decision: TierDecision) -> str:
    """The same plain-text report as ``vidgen-desktop hardware``, for "Copy report"."""
    from vidgen_desktop.cli.hardware_cmd import format_report

    return format_report(snapshot.hw, decision)
