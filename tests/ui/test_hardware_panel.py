"""The hardware panel shows the engine's decision: the tier, its plan, the defaults, what other tiers lack."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.tiers import Availability
from vidgen_desktop.engine.decide import decide
from vidgen_desktop.ui.hardware_panel import HardwarePanel
from vidgen_desktop.ui.main_window import MainWindow

PACKAGES = frozenset({"torch", "diffusers", "transformers"})
NOT_INSTALLED = "SVD is not installed (download it in the model manager)"
CARD_12GB = HardwareInfo(gpus=(GpuInfo("NVIDIA GeForce RTX 3060", "NVIDIA", "cuda", 12288),), ram_total_mb=32768)
NO_GPU = HardwareInfo(ram_total_mb=32768)


def test_the_chosen_tier_shows_its_plan_and_defaults(qtbot: QtBot) -> None:
    hp = HardwarePanel()
    qtbot.addWidget(hp)
    hp.show()
    hp.show_decision(decide(CARD_12GB, Availability(PACKAGES, frozenset({"svd-xt"}))))
    assert "Stable Video Diffusion XT" in hp.chosen.text() and "576p at 24 fps" in hp.chosen.text()
    assert hp.plan.isVisible() and "model offload on" in hp.plan.text() and "per minute of video" in hp.plan.text()
    hp.show_decision(decide(NO_GPU, Availability()))
    assert "Ken Burns" in hp.chosen.text() and "1080p at 30 fps" in hp.chosen.text()
    assert not hp.plan.isVisible()


def test_hardware_panel_offers_the_model_manager(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    """When a model download is all a tier lacks, the hardware panel points at the Models tab."""
    w = make_window()
    hp = w.hardware_panel
    w.tabs.setCurrentWidget(hp)
    decision = decide(CARD_12GB, Availability(PACKAGES, frozenset()))
    assert NOT_INSTALLED in decision.options[Tier.SVD].missing
    hp.show_decision(decision)
    assert hp.get_models.isVisibleTo(hp)
    hp.get_models.click()
    assert w.tabs.currentWidget() is w.models_panel
    no_gpu = decide(NO_GPU, Availability(PACKAGES, frozenset()))
    assert any("none found" in m for m in no_gpu.options[Tier.SVD].missing)
    hp.show_decision(no_gpu)
    assert not hp.get_models.isVisibleTo(hp), "a download would not help without the GPU"
