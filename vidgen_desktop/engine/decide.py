"""Probe this machine and decide the tier: the impure wrapper around ``core.tiers.select_tier``."""

from __future__ import annotations

from vidgen_desktop.core.hardware import HardwareInfo, probe_hardware
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import AppPaths, app_paths
from vidgen_desktop.core.tiers import Availability, TierDecision, detect_packages, select_tier
from vidgen_desktop.engine.model_index import installed_models


def current_availability(paths: AppPaths | None = None) -> Availability:
    paths = paths or app_paths()
    return Availability(packages=detect_packages(), models=installed_models(paths.models))


def probe_this_machine(paths: AppPaths | None = None, *, probe_torch: bool = True) -> HardwareInfo:
    paths = paths or app_paths()
    return probe_hardware({"models": paths.models, "outputs": paths.outputs}, probe_torch=probe_torch)


def decide_tier(requested: Tier = Tier.AUTO, paths: AppPaths | None = None) -> tuple[HardwareInfo, TierDecision]:
    """Probe and select. An explicit Ken Burns request skips importing torch (seconds when installed)."""
    hw = probe_this_machine(paths, probe_torch=requested is not Tier.KENBURNS)
    return hw, select_tier(hw, current_availability(paths), requested)
