"""Tier selection on a table of made-up machines: tier, machine class, defaults, and the reasons."""

from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import replace

import pytest

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.tiers import KNOWN_PACKAGES, Availability, TierDecision, detect_packages, select_tier

GB = 1024  # MiB

PACKAGES = frozenset({"torch", "diffusers", "transformers", "accelerate"})
MODELS = frozenset({"animatediff", "svd", "svd-xt"})
AVAIL = {
    "all": Availability(PACKAGES, MODELS),
    "no-models": Availability(PACKAGES, frozenset()),
    "no-torch": Availability(PACKAGES - {"torch"}, MODELS),
}
DEFAULTS = {"low": (480, 15), "medium": (720, 24), "high": (1080, 30), "ultra": (2160, 60)}


def nvidia(name: str, mib: int) -> GpuInfo:
    return GpuInfo(name, "NVIDIA", "cuda", mib, mib - 500, "550.54")


def apple(ram_gb: int) -> GpuInfo:
    return GpuInfo("Apple M2 GPU", "Apple", "mps", ram_gb * GB, None, None, integrated=True, unified_memory=True)


def machine(*gpus: GpuInfo, ram_gb: float = 32) -> HardwareInfo:
    return HardwareInfo(gpus=gpus, cpu_model="test CPU", ram_total_mb=int(ram_gb * GB), ram_available_mb=4 * GB)


# Reported sizes are what NVML really says for such cards (a little under nominal).
MACHINES: dict[str, HardwareInfo] = {
    "no-gpu": machine(),
    "laptop-4gb": machine(nvidia("NVIDIA GeForce RTX 3050 Laptop GPU", 4096), ram_gb=16),
    "cuda-8gb": machine(nvidia("NVIDIA GeForce RTX 3070", 8192)),
    "cuda-12gb": machine(nvidia("NVIDIA GeForce RTX 3060", 12288)),
    "cuda-16gb": machine(nvidia("NVIDIA GeForce RTX 4080", 16376)),
    "cuda-24gb": machine(nvidia("NVIDIA GeForce RTX 4090", 24564)),
    "m-16gb": machine(apple(16), ram_gb=16),
    "m-32gb": machine(apple(32), ram_gb=32),
    "m-64gb": machine(apple(64), ram_gb=64),
    "6gb-ram-12gb-card": machine(nvidia("NVIDIA GeForce RTX 3060", 12288), ram_gb=6),
    "igpu-plus-12gb": machine(
        GpuInfo("Intel UHD Graphics 770", "Intel", "none", 0, integrated=True),
        nvidia("NVIDIA GeForce RTX 3060", 12288),
    ),
}

K, A, S, X = Tier.KENBURNS, Tier.ANIMATEDIFF, Tier.SVD, Tier.SVD_XT
NO_TORCH = "torch is not installed"
NOT_INSTALLED = "is not installed (download it in the model manager)"

# machine, availability, expected tier, machine class, a phrase the reasons must contain
TABLE: list[tuple[str, str, Tier, str, str]] = [
    ("no-gpu", "all", K, "low", "No GPU"),
    ("no-gpu", "no-models", K, "low", "No GPU"),
    ("no-gpu", "no-torch", K, "low", "No GPU"),
    ("laptop-4gb", "all", K, "low", "AnimateDiff needs 8 GB VRAM; this GPU has 4.0 GB"),
    ("laptop-4gb", "no-models", K, "low", "AnimateDiff needs 8 GB VRAM; this GPU has 4.0 GB"),
    ("laptop-4gb", "no-torch", K, "low", "AnimateDiff needs 8 GB VRAM"),
    ("cuda-8gb", "all", A, "medium", "SVD needs 10 GB VRAM; this GPU has 8.0 GB"),
    ("cuda-8gb", "no-models", K, "medium", "AnimateDiff " + NOT_INSTALLED),
    ("cuda-8gb", "no-torch", K, "medium", NO_TORCH),
    ("cuda-12gb", "all", S, "medium", "SVD-XT needs 16 GB VRAM; this GPU has 12.0 GB"),
    ("cuda-12gb", "no-models", K, "medium", "SVD " + NOT_INSTALLED),
    ("cuda-12gb", "no-torch", K, "medium", NO_TORCH),
    ("cuda-16gb", "all", X, "ultra", "has 16.0 GB VRAM: ultra class"),
    ("cuda-16gb", "no-models", K, "ultra", "SVD-XT " + NOT_INSTALLED),
    ("cuda-16gb", "no-torch", K, "ultra", NO_TORCH),
    ("cuda-24gb", "all", X, "ultra", "NVIDIA GeForce RTX 4090 has 24.0 GB VRAM: ultra class"),
    ("cuda-24gb", "no-models", K, "ultra", "SVD-XT " + NOT_INSTALLED),
    ("cuda-24gb", "no-torch", K, "ultra", NO_TORCH),
    ("m-16gb", "all", A, "medium", "SVD needs 10 GB VRAM; Apple M2 GPU can use about 9.6 GB of its 16.0 GB"),
    ("m-16gb", "no-models", K, "medium", "AnimateDiff " + NOT_INSTALLED),
    ("m-16gb", "no-torch", K, "medium", NO_TORCH),
    ("m-32gb", "all", S, "high", "SVD-XT is too slow on Apple GPUs"),
    ("m-32gb", "no-models", K, "high", "SVD " + NOT_INSTALLED),
    ("m-32gb", "no-torch", K, "high", NO_TORCH),
    ("m-64gb", "all", S, "high", "capped at high"),
    ("m-64gb", "no-models", K, "high", "SVD " + NOT_INSTALLED),
    ("m-64gb", "no-torch", K, "high", NO_TORCH),
    ("6gb-ram-12gb-card", "all", K, "low", "AI tiers need at least 8 GB of system RAM"),
    ("6gb-ram-12gb-card", "no-models", K, "low", "AI tiers need at least 8 GB of system RAM"),
    ("6gb-ram-12gb-card", "no-torch", K, "low", "AI tiers need at least 8 GB of system RAM"),
    ("igpu-plus-12gb", "all", S, "medium", "NVIDIA GeForce RTX 3060 has 12.0 GB VRAM: medium class"),
    ("igpu-plus-12gb", "no-models", K, "medium", "Intel UHD Graphics 770 is an integrated GPU without CUDA"),
    ("igpu-plus-12gb", "no-torch", K, "medium", NO_TORCH),
]


@pytest.mark.parametrize(("name", "avail", "tier", "cls", "phrase"), TABLE, ids=[f"{r[0]}/{r[1]}" for r in TABLE])
def test_machine_table(name: str, avail: str, tier: Tier, cls: str, phrase: str) -> None:
    d = select_tier(MACHINES[name], AVAIL[avail])
    assert (d.tier, d.machine_class) == (tier, cls), d.reasons
    assert (d.default_short_side, d.default_fps) == DEFAULTS[cls]
    assert any(phrase in r for r in d.reasons), d.reasons
    assert d.reasons[-1].startswith(f"Automatic choice: {tier.label}")
    assert not d.fell_back
    # Every generation tier is listed; Ken Burns always runs; the chosen one runs.
    assert list(d.options) == list(TIER_ORDER)
    assert d.options[K].runnable and d.options[tier].runnable
    for t, option in d.options.items():
        assert option.tier is t
        assert option.runnable == (not option.missing)
        if TIER_ORDER.index(t) > TIER_ORDER.index(tier):
            assert not option.runnable, f"AUTO must take the strongest runnable tier, not {tier}"


def test_hardware_gaps_hide_download_advice() -> None:
    """On a 4 GB card "download SVD" would not help: the reasons name the VRAM only."""
    d = select_tier(MACHINES["laptop-4gb"], AVAIL["no-torch"])
    assert not any(NO_TORCH in r or NOT_INSTALLED in r for r in d.reasons)
    # ...but the per-tier options list everything, for the UI.
    assert any(NO_TORCH in m for m in d.options[A].missing)
    d = select_tier(MACHINES["no-gpu"], Availability())
    assert d.reasons == (
        "No GPU that can run AI tiers was found (needs NVIDIA CUDA or Apple Silicon): low class",
        "Automatic choice: Ken Burns pan & zoom, the strongest tier that can run now",
    )


def test_missing_pieces_are_listed_per_tier() -> None:
    d = select_tier(MACHINES["cuda-12gb"], Availability(frozenset({"torch"}), frozenset({"animatediff"})))
    assert d.tier is K
    assert d.options[A].missing == ("diffusers, transformers are not installed: pip install 'vidgen-desktop[ai]'",)
    assert d.options[S].missing[-1] == "SVD " + NOT_INSTALLED
    assert d.options[X].missing[0] == "SVD-XT needs 16 GB VRAM; this GPU has 12.0 GB"
    only_one = select_tier(MACHINES["cuda-12gb"], Availability(PACKAGES - {"diffusers"}, MODELS))
    assert any(r.startswith("diffusers is not installed") for r in only_one.reasons)


@pytest.mark.parametrize(
    ("name", "avail", "requested", "expected", "phrase"),
    [
        ("cuda-12gb", AVAIL["all"], X, S, "SVD-XT needs 16 GB VRAM; this GPU has 12.0 GB"),
        ("cuda-24gb", Availability(PACKAGES, frozenset({"svd"})), X, S, "SVD-XT " + NOT_INSTALLED),
        ("cuda-24gb", Availability(PACKAGES, frozenset({"animatediff"})), X, A, "SVD " + NOT_INSTALLED),
        ("cuda-8gb", AVAIL["no-torch"], A, K, NO_TORCH),
        ("m-32gb", AVAIL["all"], X, S, "SVD-XT is too slow on Apple GPUs"),
        ("6gb-ram-12gb-card", AVAIL["all"], S, K, "at least 8 GB of system RAM"),
    ],
)
def test_explicit_request_falls_back_with_reason(
    name: str, avail: Availability, requested: Tier, expected: Tier, phrase: str
) -> None:
    d = select_tier(MACHINES[name], avail, requested)
    assert d.tier is expected and d.requested is requested and d.fell_back
    assert f"{requested.label} was requested but cannot run here; using {expected.label} instead" in d.reasons
    assert any(phrase in r for r in d.reasons), d.reasons


@pytest.mark.parametrize("requested", [K, A, S, X])
def test_runnable_request_is_honoured(requested: Tier) -> None:
    d = select_tier(MACHINES["cuda-24gb"], AVAIL["all"], requested)
    assert d.tier is requested and not d.fell_back
    assert f"{requested.label} was requested and can run here" in d.reasons
    assert d.machine_class == "ultra"  # defaults describe the machine, not the tier


def test_cpu_only_torch_cannot_use_the_card() -> None:
    hw = replace(MACHINES["cuda-12gb"], torch_version="2.3.1+cpu", cuda_available=False)
    d = select_tier(hw, AVAIL["all"])
    assert (d.tier, d.machine_class) == (K, "low")
    assert any("torch 2.3.1+cpu cannot use CUDA" in r for r in d.reasons)
    # torch not probed (torch_version None): the card is trusted.
    assert select_tier(MACHINES["cuda-12gb"], AVAIL["all"]).tier is S


def test_reported_sizes_below_nominal_still_count() -> None:
    t4 = machine(nvidia("Tesla T4", 15360))  # a 16 GB card that shows 15 GiB
    assert select_tier(t4, AVAIL["all"]).tier is X
    eight_gb_laptop = machine(nvidia("NVIDIA GeForce RTX 3070", 8192), ram_gb=7.6)  # firmware keeps some RAM
    assert select_tier(eight_gb_laptop, AVAIL["all"]).tier is A


def test_best_gpu_wins_and_the_other_is_named() -> None:
    hw = machine(nvidia("NVIDIA GeForce GTX 1650", 4096), nvidia("NVIDIA GeForce RTX 4090", 24564))
    d = select_tier(hw, AVAIL["all"])
    assert (d.tier, d.machine_class) == (X, "ultra")
    assert any("GTX 1650 (4.0 GB) is not used" in r for r in d.reasons)


def test_apple_gpu_without_mps_does_not_count() -> None:
    hw = machine(replace(apple(32), backend="none"))
    d = select_tier(hw, AVAIL["all"])
    assert (d.tier, d.machine_class) == (K, "low")
    assert any("MPS is not available" in r for r in d.reasons)


def test_decision_is_json_able_and_pure() -> None:
    hw, avail = MACHINES["igpu-plus-12gb"], AVAIL["no-models"]
    first = select_tier(hw, avail, X)
    assert first == select_tier(hw, avail, X)
    data = json.loads(json.dumps(first.to_dict()))
    assert data["tier"] == "kenburns" and data["requested"] == "svd-xt"
    assert set(data["options"]) == {t.value for t in TIER_ORDER}
    assert data["options"]["svd"]["missing"] == ["SVD " + NOT_INSTALLED]
    assert isinstance(first, TierDecision)


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
