"""What this computer has, which tier it gets and why, and a tier override limited to what can run."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vidgen_desktop.core.jobs import TIER_ORDER, Tier
from vidgen_desktop.ui.formatting import gigabytes

if TYPE_CHECKING:
    from vidgen_desktop.bridge.hardware import HardwareSnapshot
    from vidgen_desktop.engine.decide import TierDecision


def _value_label(name: str) -> QLabel:
    lab = QLabel("…")
    lab.setWordWrap(True)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    lab.setAccessibleName(name)
    return lab


def _bullets(items: list[str] | tuple[str, ...]) -> str:
    return "".join(f"<li>{html.escape(i)}</li>" for i in items)


class HardwarePanel(QWidget):
    tier_changed = Signal(str)  # Tier value
    refresh_requested = Signal()
    copy_requested = Signal()
    #: "Download models…": the window shows the model manager.
    models_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hardwarePanel")
        self.status = QLabel("Checking this computer…")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)

        machine = QGroupBox("This computer")
        form = QFormLayout(machine)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.gpu = _value_label("Graphics")
        self.ram = _value_label("Memory")
        self.cpu = _value_label("Processor")
        self.disk = _value_label("Disk space")
        self.os = _value_label("Operating system")
        for text, w in (("Graphics", self.gpu), ("Memory", self.ram), ("Processor", self.cpu),
                        ("Disk space", self.disk), ("System", self.os)):
            form.addRow(f"<b>{text}</b>", w)

        tier_box = QGroupBox("Video style (tier)")
        tv = QVBoxLayout(tier_box)
        self.tier = QComboBox()
        self.tier.setAccessibleName("Generation tier")
        self.tier.setAccessibleDescription("Only tiers this computer can run can be chosen.")
        self.tier.addItem(Tier.AUTO.label, Tier.AUTO.value)
        for t in TIER_ORDER:
            self.tier.addItem(t.label, t.value)
        self.tier.currentIndexChanged.connect(self._on_tier_index)
        self.chosen = QLabel()
        self.chosen.setObjectName("tierChosen")
        self.chosen.setWordWrap(True)
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.plan.setObjectName("muted")
        self.plan.setAccessibleName("How the chosen tier runs here")
        self.plan.hide()
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.RichText)
        self.why.setAccessibleName("Why this tier")
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setTextFormat(Qt.TextFormat.RichText)
        self.missing.setObjectName("muted")
        self.missing.setAccessibleName("What other tiers need")
        row = QHBoxLayout()
        row.addWidget(QLabel("Use:"))
        row.addWidget(self.tier, 1)
        tv.addLayout(row)
        tv.addWidget(self.chosen)
        tv.addWidget(self.plan)
        tv.addWidget(self.why)
        tv.addWidget(self.missing)
        self.get_models = QPushButton("Download models…")
        self.get_models.setAccessibleName("Open the model manager to download models")
        self.get_models.setToolTip("Some video styles only need a model download: open the Models tab")
        self.get_models.clicked.connect(self.models_requested)
        self.get_models.hide()
        models_row = QHBoxLayout()
        models_row.addWidget(self.get_models)
        models_row.addStretch(1)
        tv.addLayout(models_row)

        self.refresh = QPushButton("Check again")
        self.refresh.setToolTip("Probe again, including whether torch can drive the GPU (may take a few seconds)")
        self.refresh.setAccessibleName("Check this computer again")
        self.refresh.clicked.connect(self.refresh_requested)
        self.copy = QPushButton("Copy report")
        self.copy.setAccessibleName("Copy the hardware report to the clipboard")
        self.copy.clicked.connect(self.copy_requested)
        self.copy.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh)
        buttons.addWidget(self.copy)
        buttons.addStretch(1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.addWidget(self.status)
        lay.addWidget(machine)
        lay.addWidget(tier_box)
        lay.addLayout(buttons)
        lay.addStretch(1)

    def _on_tier_index(self, index: int) -> None:
        if index >= 0:
            self.tier_changed.emit(str(self.tier.itemData(index)))

    def show_probing(self) -> None:
        self.status.setText("Checking this computer…")
        self.status.show()
        self.refresh.setEnabled(False)

    def show_error(self, text: str) -> None:
        self.status.setText(f"Could not check this computer: {text}. Ken Burns videos still work.")
        self.status.show()
        self.refresh.setEnabled(True)

    def show_snapshot(self, snap: HardwareSnapshot, decision: TierDecision) -> None:
        hw = snap.hw
        self.status.setVisible(not snap.full_probe)
        self.status.setText("Quick check (GPU drivers not tested). “Check again” runs the full check.")
        if hw.gpus:
            self.gpu.setText("<br>".join(
                f"{html.escape(g.name)} — {gigabytes(g.vram_total_mb)} "
                f"{'shared memory' if g.unified_memory else 'VRAM'}"
                + (f" ({gigabytes(g.vram_free_mb)} free)" if g.vram_free_mb is not None else "")
                for g in hw.gpus))
        else:
            self.gpu.setText("No NVIDIA or Apple Silicon GPU found (the CPU renders)")
        self.ram.setText(f"{gigabytes(hw.ram_total_mb)} ({gigabytes(hw.ram_available_mb)} free)")
        self.cpu.setText(f"{html.escape(hw.cpu_model)} — {hw.cpu_cores_physical} cores, {hw.cpu_cores_logical} threads")
        disks = [f"{label}: {gigabytes(mb)} free" for label, mb in hw.disk_free_mb.items()]
        self.disk.setText(" · ".join(disks) or "unknown")
        self.os.setText(html.escape(hw.os_name or "unknown"))
        self.refresh.setEnabled(True)
        self.copy.setEnabled(True)
        self.show_decision(decision)

    def show_decision(self, decision: TierDecision) -> None:
        """Update the override list (runnable tiers selectable, others disabled with reasons) and the why."""
        model = self.tier.model()
        assert isinstance(model, QStandardItemModel)
        self.tier.blockSignals(True)
        for i in range(self.tier.count()):
            tier = Tier(self.tier.itemData(i))
            item = model.item(i)
            option = decision.options.get(tier)
            if tier is Tier.AUTO or option is None or option.runnable:
                item.setEnabled(True)
                item.setText(tier.label if tier is not Tier.AUTO else f"Automatic (now: {decision.tier.label})")
                item.setToolTip("")
            else:
                item.setEnabled(False)
                item.setText(f"{tier.label} — not available")
                item.setToolTip("\n".join(option.missing))
        idx = self.tier.findData(decision.requested.value)
        self.tier.setCurrentIndex(max(idx, 0))
        self.tier.blockSignals(False)

        self.chosen.setText(f"<b>Videos are made with: {html.escape(decision.tier.label)}</b> "
                            f"· defaults {decision.default_short_side}p at {decision.default_fps} fps")
        plan = decision.plan
        self.plan.setText(f"Plan: {plan.describe()}" if plan is not None else "")
        self.plan.setVisible(plan is not None)
        blocked = [(t, o) for t, o in decision.options.items() if not o.runnable]
        # What each blocked tier lacks is listed under it below; "why" keeps the rest.
        listed = {m for _t, o in blocked for m in o.missing}
        why = [r for r in decision.reasons if r not in listed]
        self.why.setText(f"Why:<ul style='margin-left:-20px'>{_bullets(why)}</ul>")
        if blocked:
            parts = [f"<b>{html.escape(t.label)}</b> needs:<ul style='margin-left:-20px'>{_bullets(o.missing)}</ul>"
                     for t, o in blocked]
            self.missing.setText("".join(parts))
            self.missing.show()
        else:
            self.missing.hide()
        # Tiers that a model download would unlock (the rest of what they need is there).
        self.get_models.setVisible(any(
            o.missing and all("model manager" in m for m in o.missing) for _t, o in blocked))
