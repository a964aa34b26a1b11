"""Tiny AI models, built once per session and installed into each test's model store
through the store's own import path (the same checks as a user's ``models import``)."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.engine.ai.tiny_models import build_animatediff, build_svd
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.core.tiers import model_id
from vidgen_desktop.engine.ai import backends
from vidgen_desktop.engine.models.store import ModelStore

#: For tests that run models (skipped without the ``ai`` extra; the plan and clip tests always run).
needs_torch = pytest.mark.skipif(
    importlib.util.find_spec("torch") is None or importlib.util.find_spec("diffusers") is None,
    reason="the AI tiers need torch and diffusers (scripts/setup.sh dev ai)")


@pytest.fixture(scope="session", autouse=True)
def _one_thread() -> None:
    """torch on 2 shared cores is 10-60x slower with more than one thread (stack notes)."""
    os.environ["OMP_NUM_THREADS"] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[Tier, Path]:
    import torch

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny-models")
    return {
        Tier.SVD: build_svd(root / "svd", num_frames=14),
        Tier.SVD_XT: build_svd(root / "svd-xt", num_frames=25),
        Tier.ANIMATEDIFF: build_animatediff(root / "animatediff"),  # with SparseCtrl, as the catalogue's
    }


Install = Callable[..., Path]


@pytest.fixture
def install(tiny_models: dict[Tier, Path]) -> Install:
    """``install(Tier.SVD, ...)``: import tiny models into this test's store; returns the models folder."""

    def _install(*tiers: Tier) -> Path:
        models = app_paths().models
        store = ModelStore(models)
        for tier in tiers:
            store.import_folder(model_id(tier), tiny_models[tier], copy=True)
        return models

    return _install


@pytest.fixture(scope="session")
def tiny_dit_models(tmp_path_factory: pytest.TempPathFactory) -> dict[Tier, Path]:
    """Tiny Wan2.2 TI2V-5B and LTX-Video pipelines (saved once per session)."""
    import torch

    from tests.engine.ai.tiny_dit import build_ltx, build_wan

    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("tiny-dit")
    return {Tier.WAN: build_wan(root / "wan"), Tier.LTX: build_ltx(root / "ltx")}


@pytest.fixture
def install_dit(tiny_dit_models: dict[Tier, Path]) -> Install:
    """``install_dit(Tier.WAN, ...)``: import tiny DiT models through the store's import path."""

    def _install(*tiers: Tier) -> Path:
        models = app_paths().models
        store = ModelStore(models)
        for tier in tiers:
            store.import_folder(model_id(tier), tiny_dit_models[tier], copy=True)
        return models

    return _install


@pytest.fixture
def cpu_hw() -> HardwareInfo:
    """A CPU-only machine with plenty of RAM (the AI tiers are forced onto it)."""
    return HardwareInfo(cpu_model="Test CPU", cpu_cores_physical=2, cpu_cores_logical=2, ram_total_mb=16384,
                        ram_available_mb=12000)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test's models live in its own folder: never reuse a pipeline across tests."""
    backends.release_pipelines()
    yield
    backends.release_pipelines()
