"""The software side of the tier decision: which AI packages are importable, which models are installed.

The decision itself (:func:`vidgen_desktop.engine.decide.decide`) also needs the memory
plan, which lives in the engine; what is here is pure and cheap: finding the packages
never imports them (torch takes seconds), so a Ken Burns render never pays for torch.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from vidgen_desktop.core.jobs import Tier

#: Packages :func:`detect_packages` looks for.
KNOWN_PACKAGES: tuple[str, ...] = ("torch", "diffusers", "transformers", "accelerate")
#: Packages every AI tier needs (accelerate only speeds loading up).
AI_PACKAGES: tuple[str, ...] = ("torch", "diffusers", "transformers")

#: Per AI tier: the id of its model in the catalogue, and the short name used in sentences.
TIER_MODELS: dict[Tier, tuple[str, str]] = {
    Tier.ANIMATEDIFF: ("animatediff", "AnimateDiff"),
    Tier.SVD: ("svd", "SVD"),
    Tier.SVD_XT: ("svd-xt", "SVD-XT"),
    Tier.LTX: ("ltx-video", "LTX-Video"),
    Tier.WAN: ("wan2.2-ti2v-5b", "Wan2.2-5B"),
}


@dataclass(frozen=True)
class Availability:
    """The software side: which AI packages are importable and which models are installed."""

    packages: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()


def model_id(tier: Tier) -> str:
    """The catalogue id of ``tier``'s model (``KeyError`` for Ken Burns and Auto)."""
    return TIER_MODELS[tier][0]


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
