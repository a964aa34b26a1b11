"""The one decision path on a table of made-up machines: tier, plan, defaults, and the reasons."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.core.tiers import TIER_MODELS, Availability
from vidgen_desktop.engine.ai.plan import plan_for
from vidgen_desktop.engine.decide import (
    AI_DEFAULT_FPS,
    KENBURNS_DEFAULTS,
    TierDecision,
    decide,
    gpu_fit,
    listed_vram_gb,
    vram_need_gib,
)

GB = 1024  # MiB

PACKAGES = frozenset({"torch", "diffusers", "transformers", "accelerate"})
MODELS = frozenset({"animatediff", "svd", "svd-xt"})
AVAIL = {
    "all": Availability(PACKAGES, MODELS),
    "dit": Availability(PACKAGES, MODELS | {"ltx-video", "wan2.2-ti2v-5b"}),
    "no-models": Availability(PACKAGES, frozenset()),
    "no-torch": Availability(PACKAGES - {"torch"}, MODELS),
}


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
    "cuda-6gb": machine(nvidia("NVIDIA GeForce RTX 2060", 6144)),
    "cuda-8gb": machine(nvidia("NVIDIA GeForce RTX 3070", 8192)),
    "cuda-12gb": machine(nvidia("NVIDIA GeForce RTX 3060", 12288)),
    "cuda-24gb": machine(nvidia("NVIDIA GeForce RTX 4090", 24564)),
    "m-8gb": machine(apple(8), ram_gb=8),
    "m-16gb": machine(apple(16), ram_gb=16),
    "m-64gb": machine(apple(64), ram_gb=64),
    "6gb-ram-12gb-card": machine(nvidia("NVIDIA GeForce RTX 3060", 12288), ram_gb=6),
    "igpu-plus-12gb": machine(
        GpuInfo("Intel UHD Graphics 770", "Intel", "none", 0, integrated=True),
        nvidia("NVIDIA GeForce RTX 3060", 12288),
    ),
}

K, A, S, X, L, W = Tier.KENBURNS, Tier.ANIMATEDIFF, Tier.SVD, Tier.SVD_XT, Tier.LTX, Tier.WAN
NO_TORCH = "torch is not installed"
NOT_INSTALLED = "is not installed (download it in the model manager)"

# machine, availability, expected tier, a phrase the reasons must contain
TABLE: list[tuple[str, str, Tier, str]] = [
    ("no-gpu", "all", K, "No GPU that can run AI tiers was found"),
    ("no-gpu", "no-torch", K, "No GPU that can run AI tiers was found"),
    ("laptop-4gb", "all", K, "SVD-XT needs about 7.7 GB VRAM; this GPU has 4.0 GB"),
    ("laptop-4gb", "no-torch", K, "SVD needs about 6.0 GB VRAM; this GPU has 4.0 GB"),
    ("cuda-6gb", "all", S, "SVD-XT needs about 7.7 GB VRAM; this GPU has 6.0 GB"),
    # The diffusers low-memory recipe (model offload + forward chunking) fits SVD-XT under 8 GB.
    ("cuda-8gb", "all", X, "NVIDIA GeForce RTX 3070 has 8.0 GB VRAM"),
    ("cuda-8gb", "no-models", K, "SVD-XT " + NOT_INSTALLED),
    ("cuda-12gb", "all", X, "NVIDIA GeForce RTX 3060 has 12.0 GB VRAM"),
    ("cuda-12gb", "no-torch", K, NO_TORCH),
    ("cuda-24gb", "all", X, "NVIDIA GeForce RTX 4090 has 24.0 GB VRAM"),
    ("cuda-24gb", "no-models", K, "Wan2.2-5B " + NOT_INSTALLED),
    ("m-8gb", "all", K, "SVD needs about 6.7 GB; Apple M2 GPU can use about 4.8 GB of its 8.0 GB"),
    ("m-16gb", "all", S, "SVD-XT is too slow on Apple GPUs"),
    ("m-16gb", "no-models", K, "SVD " + NOT_INSTALLED),
    ("m-64gb", "all", S, "about 38.4 GB usable for video"),
    ("6gb-ram-12gb-card", "all", K, "AI tiers need at least 8 GB of system RAM"),
    ("igpu-plus-12gb", "all", X, "NVIDIA GeForce RTX 3060 has 12.0 GB VRAM"),
    ("igpu-plus-12gb", "no-models", K, "Intel UHD Graphics 770 is an integrated GPU without CUDA"),
    # With Wan2.2 TI2V-5B and LTX-Video installed: LTX, the fast tier, on small cards; Wan2.2
    # (group offload) from 12 GB; neither SVD-XT nor Wan2.2 on Apple GPUs (too slow there).
    ("laptop-4gb", "dit", L, "Wan2.2-5B needs about 8.0 GB VRAM; this GPU has 4.0 GB"),
    ("cuda-8gb", "dit", L, "Wan2.2-5B needs about 8.0 GB VRAM; this GPU has 8.0 GB"),
    ("cuda-12gb", "dit", W, "NVIDIA GeForce RTX 3060 has 12.0 GB VRAM"),
    ("cuda-24gb", "dit", W, "NVIDIA GeForce RTX 4090 has 24.0 GB VRAM"),
    ("m-16gb", "dit", L, "Wan2.2-5B is too slow on Apple GPUs"),
    ("m-64gb", "dit", L, "about 38.4 GB usable for video"),
]


@pytest.mark.parametrize(("name", "avail", "tier", "phrase"), TABLE, ids=[f"{r[0]}/{r[1]}" for r in TABLE])
def test_machine_table(name: str, avail: str, tier: Tier, phrase: str) -> None:
    d = decide(MACHINES[name], AVAIL[avail])
    assert d.tier is tier, d.reasons
    assert any(phrase in r for r in d.reasons), d.reasons
    assert d.reasons[-1].startswith(f"Automatic choice: {tier.label}")
    assert not d.fell_back
    # Every generation tier is listed with its plan; Ken Burns always runs; the chosen one runs.
    assert list(d.options) == list(TIER_ORDER)
    assert d.options[K].runnable and d.options[K].plan is None and d.options[tier].runnable
    for t, option in d.options.items():
        assert option.tier is t
        assert option.runnable == (not option.missing)
        assert option.runnable == (t is K or (option.fits and option.installed and avail != "no-torch"))
        if t.is_ai:
            assert option.plan is not None and option.plan.tier is t
            assert option.installed == (TIER_MODELS[t][0] in AVAIL[avail].models)
        if TIER_ORDER.index(t) > TIER_ORDER.index(tier):
            assert not option.runnable, f"AUTO must take the strongest runnable tier, not {tier}"


def test_the_plan_is_the_one_source_of_truth_for_fitting() -> None:
    """A tier fits exactly when its plan runs well, and the VRAM it is said to need is the plan's."""
    for tier in (A, S, X):
        need = vram_need_gib(tier)
        assert listed_vram_gb(tier.value, 99.0) == round(need, 1)
        for gib in (need - 0.05, need + 0.05, 4.0, 10.0, 16.0):
            hw = machine(nvidia("NVIDIA GPU", int(gib * GB)))
            option = decide(hw, AVAIL["all"]).options[tier]
            assert option.plan is not None
            assert option.fits == option.plan.runs_well == (gib >= need - 1e-3), (tier, gib)
            assert gpu_fit(hw, tier)[0] == option.fits
    assert listed_vram_gb("tts", 4.0) == 4.0


def test_a_12_gb_card_runs_svd_xt_with_model_offload() -> None:
    """The issue's example: 12 GB used to be told SVD-XT needs --allow-slow."""
    d = decide(MACHINES["cuda-12gb"], AVAIL["all"])
    assert d.tier is X and d.plan is not None
    assert d.plan.offload == "model" and d.plan.estimate.peak_gib <= d.machine.budget_gib
    assert d.plan == plan_for(MACHINES["cuda-12gb"], X)
    assert gpu_fit(MACHINES["cuda-12gb"], X) == (True, "needs about 7.7 GB VRAM; this GPU has 12.0 GB")


def test_hardware_gaps_hide_download_advice() -> None:
    """On a 2 GB card "download SVD" would not help: the reasons name the VRAM only. (A 4 GB card runs
    LTX-Video with group offload, so there the advice would help.)"""
    d = decide(machine(nvidia("NVIDIA GeForce GT 1030", 2048), ram_gb=16), AVAIL["no-torch"])
    assert not any(NO_TORCH in r or NOT_INSTALLED in r for r in d.reasons)
    # ...but the per-tier options list everything, for the UI.
    assert any(NO_TORCH in m for m in d.options[A].missing)
    d = decide(MACHINES["no-gpu"], Availability())
    assert d.reasons == (
        "No GPU that can run AI tiers was found (needs NVIDIA CUDA or Apple Silicon)",
        "Automatic choice: Ken Burns pan & zoom, the strongest tier that can run now",
    )
    assert d.options[X].missing[0] == ("SVD-XT needs a GPU with about 7.7 GB (NVIDIA CUDA or Apple Silicon); "
                                       "none found")


def test_missing_pieces_are_listed_per_tier() -> None:
    d = decide(MACHINES["cuda-12gb"], Availability(frozenset({"torch"}), frozenset({"animatediff"})))
    assert d.tier is K
    assert d.options[A].missing == ("diffusers, transformers are not installed: pip install 'vidgen-desktop[ai]'",)
    assert d.options[S].missing[-1] == "SVD " + NOT_INSTALLED
    assert d.options[S].fits and not d.options[S].installed
    only_one = decide(MACHINES["cuda-12gb"], Availability(PACKAGES - {"diffusers"}, MODELS))
    assert any(r.startswith("diffusers is not installed") for r in only_one.reasons)


@pytest.mark.parametrize(
    ("name", "avail", "requested", "expected", "phrase"),
    [
        ("cuda-6gb", AVAIL["all"], X, S, "SVD-XT needs about 7.7 GB VRAM; this GPU has 6.0 GB"),
        ("cuda-24gb", Availability(PACKAGES, frozenset({"svd"})), X, S, "SVD-XT " + NOT_INSTALLED),
        ("cuda-24gb", Availability(PACKAGES, frozenset({"animatediff"})), X, A, "SVD " + NOT_INSTALLED),
        ("cuda-12gb", AVAIL["no-torch"], A, K, NO_TORCH),
        ("m-16gb", AVAIL["all"], X, S, "SVD-XT is too slow on Apple GPUs"),
        ("6gb-ram-12gb-card", AVAIL["all"], S, K, "at least 8 GB of system RAM"),
    ],
)
def test_explicit_request_falls_back_with_reason(
    name: str, avail: Availability, requested: Tier, expected: Tier, phrase: str
) -> None:
    d = decide(MACHINES[name], avail, requested)
    assert d.tier is expected and d.requested is requested and d.fell_back
    assert f"{requested.label} was requested but cannot run here; using {expected.label} instead" in d.reasons
    assert any(phrase in r for r in d.reasons), d.reasons


@pytest.mark.parametrize("requested", [K, A, S, X])
def test_runnable_request_is_honoured(requested: Tier) -> None:
    d = decide(MACHINES["cuda-24gb"], AVAIL["all"], requested)
    assert d.tier is requested and not d.fell_back
    assert f"{requested.label} was requested and can run here" in d.reasons


def test_defaults_ken_burns_everywhere_ai_from_the_plan() -> None:
    """Ken Burns: 1080p at 30 fps on every machine; an AI tier: its plan's size at 24 fps."""
    assert KENBURNS_DEFAULTS == (1080, 30)
    for hw in MACHINES.values():
        d = decide(hw, AVAIL["all"], K)
        assert (d.default_short_side, d.default_fps) == KENBURNS_DEFAULTS
    d = decide(MACHINES["cuda-24gb"], AVAIL["all"])
    assert d.plan is not None and (d.plan.width, d.plan.height) == (1024, 576)
    assert (d.default_short_side, d.default_fps) == (576, AI_DEFAULT_FPS)
    assert d.defaults_for(K) == KENBURNS_DEFAULTS
    ad = d.options[A].plan
    assert ad is not None and d.defaults_for(A) == (min(ad.width, ad.height), AI_DEFAULT_FPS)
    small = decide(MACHINES["laptop-4gb"], AVAIL["all"], X)  # falls back to Ken Burns
    assert (small.default_short_side, small.default_fps) == KENBURNS_DEFAULTS


def test_cpu_only_torch_cannot_use_the_card() -> None:
    hw = replace(MACHINES["cuda-12gb"], torch_version="2.3.1+cpu", cuda_available=False)
    d = decide(hw, AVAIL["all"])
    assert d.tier is K and d.machine.device == "cpu"
    assert "NVIDIA GeForce RTX 3060 has 12.0 GB VRAM, but it cannot be used here" in d.reasons
    assert any("torch 2.3.1+cpu cannot use CUDA" in r for r in d.reasons)
    # The plans say what --allow-slow would do: run on the CPU.
    assert all(o.plan.device == "cpu" for o in d.options.values() if o.plan is not None)
    # torch not probed (torch_version None): the card is trusted.
    assert decide(MACHINES["cuda-12gb"], AVAIL["all"]).tier is X


def test_reported_sizes_below_nominal_still_count() -> None:
    t4 = machine(nvidia("Tesla T4", 15360))  # a 16 GB card that shows 15 GiB
    assert decide(t4, AVAIL["all"]).tier is X
    eight_gb_laptop = machine(nvidia("NVIDIA GeForce RTX 3070", 8192), ram_gb=7.6)  # firmware keeps some RAM
    assert decide(eight_gb_laptop, AVAIL["all"]).tier is X


def test_best_gpu_wins_and_the_other_is_named() -> None:
    hw = machine(nvidia("NVIDIA GeForce GTX 1650", 4096), nvidia("NVIDIA GeForce RTX 4090", 24564))
    d = decide(hw, AVAIL["all"])
    assert d.tier is X and d.machine.name == "NVIDIA GeForce RTX 4090"
    assert any("GTX 1650 (4.0 GB) is not used" in r for r in d.reasons)


def test_apple_gpu_without_mps_does_not_count() -> None:
    hw = machine(replace(apple(32), backend="none"))
    d = decide(hw, AVAIL["all"])
    assert d.tier is K and d.machine.device == "cpu"
    assert any("MPS is not available" in r for r in d.reasons)


def test_decision_is_json_able_and_pure() -> None:
    hw, avail = MACHINES["igpu-plus-12gb"], AVAIL["no-models"]
    first = decide(hw, avail, X)
    assert first == decide(hw, avail, X)
    assert isinstance(first, TierDecision)
    data = json.loads(json.dumps(first.to_dict()))
    assert data["tier"] == "kenburns" and data["requested"] == "svd-xt"
    assert data["machine"]["device"] == "cuda" and data["default_short_side"] == 1080
    assert set(data["options"]) == {t.value for t in TIER_ORDER}
    svd = data["options"]["svd"]
    assert svd["missing"] == ["SVD " + NOT_INSTALLED] and svd["fits"] and not svd["installed"]
    assert svd["plan"]["device"] == "cuda" and svd["plan"]["text"]
    assert data["options"]["kenburns"]["plan"] is None


def test_a_ken_burns_decision_never_imports_torch() -> None:
    """The probe for an explicit Ken Burns render skips torch, and deciding itself never imports it."""
    code = ("import sys\n"
            "from vidgen_desktop.core.jobs import Tier\n"
            "from vidgen_desktop.engine.decide import decide_tier\n"
            "import vidgen_desktop.engine.render\n"
            "hw, d = decide_tier(Tier.KENBURNS)\n"
            "assert d.tier is Tier.KENBURNS and hw.torch_version is None\n"
            "assert 'torch' not in sys.modules, 'torch was imported'\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
