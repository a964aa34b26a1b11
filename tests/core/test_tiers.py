"""The software side of the tier decision: packages found without importing them, tier -> model ids."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.tiers import KNOWN_PACKAGES, TIER_MODELS, detect_packages, model_id


def test_every_ai_tier_has_a_model() -> None:
    assert set(TIER_MODELS) == {t for t in TIER_ORDER if t.is_ai}
    assert model_id(Tier.SVD_XT) == "svd-xt" and model_id(Tier.ANIMATEDIFF) == "animatediff"
    with pytest.raises(KeyError):
        model_id(Tier.KENBURNS)


def test_detect_packages_never_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    found = detect_packages()
    assert found <= set(KNOWN_PACKAGES)
    real = importlib.util.find_spec

    def fake(name: str, package: str | None = None) -> object:
        if name == "torch":
            return object()  # "installed", but importing it would fail
        if name == "diffusers":
            raise ValueError("diffusers.__spec__ is None")  # half-removed install
        return real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", fake)
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    found = detect_packages()
    assert "torch" in found and "diffusers" not in found
    assert "torch" not in sys.modules
