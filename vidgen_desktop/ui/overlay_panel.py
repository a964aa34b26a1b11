"""The Audiogram tab: a visualizer, a progress line and a title over the picture, with a live preview."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from vidgen_desktop.core.overlays import MAX_TITLE_CHARS
from vidgen_desktop.core.settings import OverlaySettings
from vidgen_desktop.ui.frame_view import FrameView

_VISUALIZERS = (("none", "None"), ("bars", "Spectrum bars"), ("wave", "Waveform"))
_TITLES = (("none", "None"), ("auto", "From the sound's tags"), ("text", "My own text"))


class OverlayPanel(QWidget):
    """Widgets only: emits :attr:`changed` and shows the preview frame the controller hands it."""

    changed = Signal()
    #: The tab became visible (the preview is drawn only while it can be seen).
    shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overlayPanel")
        intro = QLabel("Optional extras drawn over the picture, for music and podcast videos. "
                       "Their colour is taken from the picture.")
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        self.visualizer = QComboBox()
        self.visualizer.setAccessibleName("Visualizer")
        for value, label in _VISUALIZERS:
            self.visualizer.addItem(label, value)
        self.progress = QCheckBox("Show a progress line that fills as the video plays")
        self.title = QComboBox()
        self.title.setAccessibleName("Title")
        for value, label in _TITLES:
            self.title.addItem(label, value)
        self.title_text = QLineEdit()
        self.title_text.setAccessibleName("Title text")
        self.title_text.setPlaceholderText("Title shown at the top")
        self.title_text.setMaxLength(MAX_TITLE_CHARS)
        self.preview = FrameView("Add a picture and a sound to see a preview")
        self.preview.setAccessibleName("Audiogram preview")
        self.status = QLabel()
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)

        form = QFormLayout()
        vis_label, title_label = QLabel("&Visualizer"), QLabel("&Title")
        vis_label.setBuddy(self.visualizer)
        title_label.setBuddy(self.title)
        form.addRow(vis_label, self.visualizer)
        form.addRow("", self.progress)
        form.addRow(title_label, self.title)
        form.addRow("", self.title_text)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 14)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.preview, 1)
        lay.addWidget(self.status)

        self.visualizer.currentIndexChanged.connect(self._changed)
        self.title.currentIndexChanged.connect(self._changed)
        self.progress.toggled.connect(self._changed)
        self.title_text.textEdited.connect(self._changed)
        self._sync_enabled()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown.emit()

    def _changed(self, *_args: object) -> None:
        self._sync_enabled()
        self.changed.emit()

    def _sync_enabled(self) -> None:
        self.title_text.setVisible(self.title.currentData() == "text")

    def load(self, o: OverlaySettings) -> None:
        """Show saved choices without emitting a change per widget."""
        widgets = (self.visualizer, self.title, self.progress, self.title_text)
        for w in widgets:
            w.blockSignals(True)
        self.visualizer.setCurrentIndex(max(0, self.visualizer.findData(o.visualizer)))
        self.title.setCurrentIndex(max(0, self.title.findData(o.title)))
        self.progress.setChecked(o.progress == "on")
        self.title_text.setText(o.title_text)
        for w in widgets:
            w.blockSignals(False)
        self._sync_enabled()

    def values(self) -> OverlaySettings:
        return OverlaySettings(visualizer=str(self.visualizer.currentData()),
                               progress="on" if self.progress.isChecked() else "off",
                               title=str(self.title.currentData()), title_text=self.title_text.text().strip())

    def show_preview(self, image: QImage | None, status: str = "") -> None:
        self.preview.set_image(image)
        self.status.setText(status)
