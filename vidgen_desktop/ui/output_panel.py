"""Video settings: resolution, frame rate, shape, fit, quality, motion, and where the file goes.

"Automatic" entries name the value the chosen tier will use ("Automatic (720p)"), so
the default is never a mystery. Every change is reported with :attr:`changed` and
persisted by the window through the settings store.

When the tier in use is an AI tier, the *AI motion* rows appear: motion strength, denoising
steps, what each clip starts from, and (AnimateDiff) a motion prompt; their changes are
reported with :attr:`ai_changed`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.output_path import typed_output
from vidgen_desktop.core.jobs import Fit, Motion, Quality, Tier
from vidgen_desktop.core.settings import (
    ASPECT_CHOICES,
    ENERGY_CHOICES,
    FPS_CHOICES,
    MAX_AI_STEPS,
    MAX_PROMPT_CHARS,
    RESOLUTION_CHOICES,
    SYNC_CHOICES,
    AiSettings,
    OutputSettings,
)

_ASPECT_LABELS = {"16:9": "16:9 landscape (YouTube)", "9:16": "9:16 portrait (Shorts, Reels)", "1:1": "1:1 square",
                  "4:5": "4:5 portrait (feed)", "source": "Same as the picture"}
_FIT_LABELS = {Fit.BLUR: "Blurred background", Fit.CROP: "Fill frame (crop edges)", Fit.PAD: "Black bars"}
_QUALITY_LABELS = {Quality.DRAFT: "Draft (fast, larger file)", Quality.STANDARD: "Standard",
                   Quality.HIGH: "High (slower)"}
_MOTION_LABELS = {Motion.AUTO: "Automatic", Motion.ZOOM_IN: "Slow zoom in", Motion.ZOOM_OUT: "Slow zoom out",
                  Motion.PAN_LEFT: "Pan left", Motion.PAN_RIGHT: "Pan right", Motion.PAN_UP: "Pan up",
                  Motion.PAN_DOWN: "Pan down"}
_SYNC_LABELS = {"auto": "Automatic", "beats": "Pulse on the beats",
                "phrases": "Change moves with the phrases", "off": "Off"}
_ENERGY_LABELS = {"0": "None", "0.25": "Gentle", "0.5": "Medium", "0.75": "Lively", "1": "Strong"}

_STRENGTH_LABELS = {"low": "Low (subtle)", "medium": "Medium", "high": "High (lively)"}
_CHAIN_LABELS = {"last-frame": "The previous clip's last frame", "source": "The picture"}


def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    # Long labels must not force the left column wide: the popup still shows them in full.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(12)
    for value, label in items:
        box.addItem(label, value)
    return box


def _select(box: QComboBox, value: str) -> None:
    i = box.findData(value)
    box.setCurrentIndex(max(i, 0))


class OutputPanel(QGroupBox):
    changed = Signal()  # any choice changed; read :meth:`values`
    ai_changed = Signal()  # an AI setting changed; read :meth:`ai_values`
    choose_output_requested = Signal()
    output_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Video settings", parent)
        self.setObjectName("outputPanel")
        self.resolution = _combo("Resolution", [(v, v) for v in RESOLUTION_CHOICES])
        self.fps = _combo("Frame rate", [(v, f"{v} fps") for v in FPS_CHOICES])
        self.aspect = _combo("Aspect ratio", [(v, _ASPECT_LABELS.get(v, v)) for v in ASPECT_CHOICES])
        self.fit = _combo("How the picture fits", [(f.value, _FIT_LABELS[f]) for f in Fit])
        self.quality = _combo("Quality", [(q.value, _QUALITY_LABELS[q]) for q in Quality])
        self.motion = _combo("Camera motion", [(m.value, _MOTION_LABELS[m]) for m in Motion])
        self.sync = _combo("Camera follows the sound", [(v, _SYNC_LABELS[v]) for v in SYNC_CHOICES])
        self.sync.setToolTip("Ken Burns: moves that change with the music's phrases and a push on strong beats; "
                             "calm moves that change at the pauses of speech")
        self.energy = _combo("Beat pulse", [(v, _ENERGY_LABELS[v]) for v in ENERGY_CHOICES])
        self.energy.setToolTip("How strongly the camera pushes in on strong beats")
        _select(self.energy, OutputSettings().energy)
        self.set_tier_defaults(None, None)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        rows = [("&Resolution", self.resolution, "&Frame rate", self.fps),
                ("&Shape", self.aspect, "F&it", self.fit),
                ("&Quality", self.quality, "&Motion", self.motion),
                ("So&und", self.sync, "Beat pu&lse", self.energy)]
        for r, (l1, w1, l2, w2) in enumerate(rows):
            for c, (text, widget) in enumerate(((l1, w1), (l2, w2))):
                label = QLabel(text)
                label.setBuddy(widget)
                grid.addWidget(label, r, c * 2)
                grid.addWidget(widget, r, c * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.output_path = QLineEdit()
        self.output_path.setAccessibleName("Output file")
        self.output_path.setPlaceholderText("Where the video is saved")
        self.output_path.textEdited.connect(self.output_edited)
        self.choose_output = QPushButton("Change…")
        self.choose_output.setAccessibleName("Choose where to save the video")
        self.choose_output.clicked.connect(self.choose_output_requested)
        out_row = QHBoxLayout()
        out_row.addWidget(self.output_path, 1)
        out_row.addWidget(self.choose_output)
        out_form = QFormLayout()
        out_label = QLabel("Save &as")
        out_label.setBuddy(self.output_path)
        out_form.addRow(out_label, out_row)

        self._build_ai()

        lay = QGridLayout(self)
        lay.addLayout(grid, 0, 0)
        lay.addWidget(self.ai_box, 1, 0)
        lay.addLayout(out_form, 2, 0)
        for box in (self.resolution, self.fps, self.aspect, self.fit, self.quality, self.motion, self.sync,
                    self.energy):
            box.currentIndexChanged.connect(self.changed)
        self.sync.currentIndexChanged.connect(self._sync_changed)

    def _sync_changed(self) -> None:
        """The pulse only matters where beats are followed."""
        self.energy.setEnabled(self.sync.currentData() in ("auto", "beats"))

    # ------------------------------------------------------------------ AI options
    def _build_ai(self) -> None:
        self.ai_box = QFrame()
        self.ai_box.setObjectName("aiOptions")
        self.ai_title = QLabel()
        self.ai_title.setWordWrap(True)
        self.strength = _combo("Motion strength", [(v, label) for v, label in _STRENGTH_LABELS.items()])
        self.strength.setToolTip("How much the picture moves")
        self.steps = QSpinBox()
        self.steps.setRange(0, MAX_AI_STEPS)
        self.steps.setSpecialValueText("Model default")
        self.steps.setAccessibleName("Denoising steps")
        self.steps.setToolTip("Fewer steps: faster and rougher. 0 uses the model's default (25).")
        self.chain = _combo("Start each clip from", [(v, label) for v, label in _CHAIN_LABELS.items()])
        self.chain.setToolTip("The previous clip's last frame makes one continuous shot; the picture keeps "
                              "every clip close to it")
        self.prompt = QLineEdit()
        self.prompt.setAccessibleName("Motion prompt")
        self.prompt.setMaxLength(MAX_PROMPT_CHARS)
        self.prompt.setPlaceholderText("Optional, e.g. “leaves swaying, drifting clouds”")
        self.prompt.setToolTip("What should move, in words (AnimateDiff only). Empty: gentle natural motion.")
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        for c, (text, widget) in enumerate((("Motion stre&ngth", self.strength), ("Ste&ps", self.steps))):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, 0, c * 2)
            grid.addWidget(widget, 0, c * 2 + 1)
        chain_label = QLabel("&Each clip starts from")
        chain_label.setBuddy(self.chain)
        grid.addWidget(chain_label, 1, 0)
        grid.addWidget(self.chain, 1, 1, 1, 3)
        self.prompt_label = QLabel("Motion pr&ompt")
        self.prompt_label.setBuddy(self.prompt)
        grid.addWidget(self.prompt_label, 2, 0)
        grid.addWidget(self.prompt, 2, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        v = QVBoxLayout(self.ai_box)
        v.setContentsMargins(0, 4, 0, 0)
        v.addWidget(self.ai_title)
        v.addLayout(grid)
        self.ai_box.hide()
        self.strength.currentIndexChanged.connect(self.ai_changed)
        self.chain.currentIndexChanged.connect(self.ai_changed)
        self.steps.valueChanged.connect(self.ai_changed)
        self.prompt.textEdited.connect(self.ai_changed)

    def set_ai_tier(self, tier: Tier | None) -> None:
        """Show the AI rows for an AI tier (the prompt for the tiers that take one); hide them otherwise."""
        tier = tier if tier is not None and tier.is_ai else None
        self.ai_box.setVisible(tier is not None)
        if tier is None:
            return
        self.ai_title.setText(f"<b>AI motion</b> · {tier.label}")
        takes_prompt = tier in (Tier.ANIMATEDIFF, Tier.LTX, Tier.WAN)
        self.prompt.setVisible(takes_prompt)
        self.prompt_label.setVisible(takes_prompt)

    def load_ai(self, ai: AiSettings) -> None:
        """Show saved AI settings without emitting :attr:`ai_changed`."""
        for w in (self.strength, self.chain, self.steps, self.prompt):
            w.blockSignals(True)
        _select(self.strength, ai.motion_strength)
        _select(self.chain, ai.chain_from)
        self.steps.setValue(ai.steps)
        self.prompt.setText(ai.prompt)
        for w in (self.strength, self.chain, self.steps, self.prompt):
            w.blockSignals(False)

    def ai_values(self) -> dict[str, Any]:
        return {
            "motion_strength": str(self.strength.currentData()),
            "chain_from": str(self.chain.currentData()),
            "steps": int(self.steps.value()),
            "prompt": self.prompt.text(),
        }

    def set_tier_defaults(self, short_side: int | None, fps: int | None) -> None:
        """Name the tier's defaults in the "Automatic" entries."""
        self.resolution.setItemText(0, f"Automatic ({short_side}p)" if short_side else "Automatic")
        self.fps.setItemText(0, f"Automatic ({fps} fps)" if fps else "Automatic")

    def load(self, out: OutputSettings) -> None:
        """Show saved choices without emitting a change per combo."""
        boxes = ((self.resolution, out.resolution), (self.fps, out.fps), (self.aspect, out.aspect),
                 (self.fit, out.fit), (self.quality, out.quality), (self.motion, out.motion), (self.sync, out.sync),
                 (self.energy, out.energy))
        for box, value in boxes:
            box.blockSignals(True)
            _select(box, value)
            box.blockSignals(False)
        self._sync_changed()

    def values(self) -> dict[str, str]:
        return {
            "resolution": str(self.resolution.currentData()),
            "fps": str(self.fps.currentData()),
            "aspect": str(self.aspect.currentData()),
            "fit": str(self.fit.currentData()),
            "quality": str(self.quality.currentData()),
            "motion": str(self.motion.currentData()),
            "sync": str(self.sync.currentData()),
            "energy": str(self.energy.currentData()),
        }

    def set_output(self, path: Path | None) -> None:
        self.output_path.setText(str(path) if path else "")
        self.output_path.setCursorPosition(0)

    def output(self) -> Path | None:
        return typed_output(self.output_path.text())
