"""The "This computer" and "Models" tabs: the hardware probe, the tier decision it leads to, the model catalogue.

The decision is made by :func:`vidgen_desktop.bridge.hardware.decide` (pure and instant); this
controller only decides *when* to ask (after a probe, a tier override, an install) and shows
the answer where it matters: the hardware tab, the video settings' defaults and AI rows.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStatusBar, QWidget

from vidgen_desktop.bridge.hardware import HardwareSnapshot, decide, probe_snapshot, report_text
from vidgen_desktop.bridge.models import model_rows, with_installed_models
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.ui.hardware_panel import HardwarePanel
from vidgen_desktop.ui.models_panel import ModelsPanel
from vidgen_desktop.ui.output_panel import OutputPanel

if TYPE_CHECKING:
    from vidgen_desktop.engine.decide import TierDecision


def _keep_the_last_decision(_exc: Exception) -> None:
    """Re-reading the installed models failed: the tier stays as it was; the next probe fixes it."""


class HardwareController(QObject):
    """Probes the machine, applies the tier decision and fills the model catalogue."""

    def __init__(self, services: Services, hardware_panel: HardwarePanel, models_panel: ModelsPanel,
                 output_panel: OutputPanel, status: QStatusBar, window: QWidget) -> None:
        super().__init__(window)
        self._s = services
        self._hw = hardware_panel
        self._models = models_panel
        self._output = output_panel
        self._status = status
        self._snapshot: HardwareSnapshot | None = None
        self._decision: TierDecision | None = None
        hardware_panel.tier_changed.connect(self._on_tier_changed)
        hardware_panel.refresh_requested.connect(self.check_again)
        hardware_panel.copy_requested.connect(self.copy_report)
        models_panel.refresh_requested.connect(self.refresh_models)
        models_panel.models_changed.connect(self._on_models_changed)

    @property
    def decision(self) -> TierDecision | None:
        """The tier decision for the requested tier on this machine; None before the first probe."""
        return self._decision

    def decision_for(self, tier: Tier) -> TierDecision | None:
        """The decision a render of ``tier`` gets (None before the first probe: the engine decides)."""
        return decide(self._snapshot, tier) if self._snapshot is not None else None

    def _requested(self) -> Tier:
        try:
            return Tier(self._s.settings.output.tier)
        except ValueError:
            return Tier.AUTO

    # ------------------------------------------------------------------ probing
    @Slot()
    def check_again(self) -> None:
        """The full probe (imports torch): the hardware tab's "Check again"."""
        self._s.tasks.spawn(self.probe(full=True), name="probe hardware")

    async def probe(self, full: bool) -> None:
        """Probe (the window works without it: Ken Burns), decide, then read the catalogue for this machine."""
        probed = await (QueryOp(self._s.tasks, partial(probe_snapshot, self._s.paths, full=full), self._set_snapshot,
                                name="hardware probe")
                        .failure(self._probe_failed)
                        .with_progress(self._hw.show_probing)
                        .run())
        if probed:
            await self.load_models()

    def _probe_failed(self, exc: Exception) -> None:
        self._hw.show_error(str(exc))

    def _set_snapshot(self, snapshot: HardwareSnapshot) -> None:
        self._snapshot = snapshot
        self.apply_decision()

    def apply_decision(self) -> None:
        if self._snapshot is None:
            return
        decision = decide(self._snapshot, self._requested())
        self._decision = decision
        self._hw.show_snapshot(self._snapshot, decision)
        self._output.set_tier_defaults(decision.default_short_side, decision.default_fps)
        self.update_ai_options()

    def update_ai_options(self) -> None:
        """AI rows in the video settings when the tier in use is an AI tier (before the hardware
        check: when the tier asked for is one)."""
        tier = self._decision.tier if self._decision is not None else self._requested()
        self._output.set_ai_tier(tier if tier.is_ai else None)

    @Slot(str)
    def _on_tier_changed(self, value: str) -> None:
        self._s.settings.update_output(tier=value)
        self.apply_decision()
        self.update_ai_options()

    @Slot()
    def copy_report(self) -> None:
        if self._snapshot is None or self._decision is None:
            return
        QGuiApplication.clipboard().setText(report_text(self._snapshot, self._decision))
        self._status.showMessage("Hardware report copied to the clipboard.", 4000)

    # ------------------------------------------------------------------ models
    @Slot()
    def refresh_models(self) -> None:
        self._s.tasks.spawn(self.load_models(), name="read catalogue")

    async def load_models(self) -> None:
        """The catalogue is informative; the app works without it."""
        hw = self._snapshot.hw if self._snapshot else None
        await (QueryOp(self._s.tasks, partial(model_rows, self._s.paths, hw), self._models.show_rows,
                       name="model catalogue")
               .failure(self._catalogue_failed)
               .run())

    def _catalogue_failed(self, exc: Exception) -> None:
        self._models.show_error(str(exc))

    @Slot()
    def _on_models_changed(self) -> None:
        """A model was installed or deleted: re-read the installed models, re-decide the tier, redraw."""
        self._s.tasks.spawn(self._reload_installed(), name="installed models")

    async def _reload_installed(self) -> None:
        if self._snapshot is not None:
            await (QueryOp(self._s.tasks, partial(with_installed_models, self._snapshot, self._s.paths),
                           self._set_snapshot, name="re-reading the installed models")
                   .failure(_keep_the_last_decision)
                   .run())
        await self.load_models()
