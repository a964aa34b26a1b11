"""Video settings: resolution, frame rate, shape, fit, quality, motion, and where the file goes.

"Automatic" entries name the value the chosen tier will use ("Automatic (720p)"), so
the default is never a mystery. Every change is reported with :attr:`changed` and
persisted by the window through the settings store.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from vidgen_desktop.core.jobs import Fit, Motion, Quality
from vidgen_desktop.core.settings import ASPECT_CHOICES, FPS_CHOICES, RESOLUTION_CHOICES, OutputSettings

_ASPECT_LABELS = {"16:9": "16:9 landscape (YouTube)", "9:16": "9:16 portrait (Shorts, Reels)", "1:1": "1:1 square",
                  "4:5": "4:5 portrait (feed)", "source": "Same as the picture"}
_FIT_LABELS = {Fit.BLUR: "Blurred background", Fit.CROP: "Fill frame (crop edges)", Fit.PAD: "Black bars"}
_QUALITY_LABELS = {Quality.DRAFT: "Draft (fast, larger file)", Quality.STANDARD: "Standard",
                   Quality.HIGH: "High (slower)"}
_MOTION_LABELS = {Motion.AUTO: "Automatic", Motion.ZOOM_IN: "Slow zoom in", Motion.ZOOM_OUT: "Slow zoom out",
                  Motion.PAN_LEFT: "Pan left", Motion.PAN_RIGHT: "Pan right", Motion.PAN_UP: "Pan up",
                  Motion.PAN_DOWN: "Pan down"}


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
        self.set_tier_defaults(None, None)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(8)
        rows = [("&Resolution", self.resolution, "&Frame rate", self.fps),
                ("&Shape", self.aspect, "F&it", self.fit),
                ("&Quality", self.quality, "&Motion", self.motion)]
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

        lay = QGridLayout(self)
        lay.addLayout(grid, 0, 0)
        lay.addLayout(out_form, 1, 0)
        for box in (self.resolution, self.fps, self.aspect, self.fit, self.quality, self.motion):
            box.currentIndexChanged.connect(self.changed)

    def set_tier_defaults(self, short_side: int | None, fps: int | None) -> None:
        """Name the tier's defaults in the "Automatic" entries."""
        self.resolution.setItemText(0, f"Automatic ({short_side}p)" if short_side else "Automatic")
        self.fps.setItemText(0, f"Automatic ({fps} fps)" if fps else "Automatic")

    def load(self, out: OutputSettings) -> None:
        """Show saved choices without emitting a change per combo."""
        boxes = ((self.resolution, out.resolution), (self.fps, out.fps), (self.aspect, out.aspect),
                 (self.fit, out.fit), (self.quality, out.quality), (self.motion, out.motion))
        for box, value in boxes:
            box.blockSignals(True)
            _select(box, value)
            box.blockSignals(False)

    def values(self) -> dict[str, str]:
        return {
            "resolution": str(self.resolution.currentData()),
            "fps": str(self.fps.currentData()),
            "aspect": str(self.aspect.currentData()),
            "fit": str(self.fit.currentData()),
            "quality": str(self.quality.currentData()),
            "motion": str(self.motion.currentData()),
        }

    def set_output(self, path: Path | None) -> None:
        self.output_path.setText(str(path) if path else "")
        self.output_path.setCursorPosition(0)

    def output(self) -> Path | None:
        text = self.output_path.text().strip()
        return Path(text).expanduser() if text else None
