"""A small loudness picture of the sound file: enough to recognise it and see silences."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget


class WaveformView(QWidget):
    """Mirrored bars from an envelope in [0, 1]; colours come from the palette (light/dark themes)."""

    BAR_PX = 3
    GAP_PX = 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._levels: list[float] = []
        self.setMinimumHeight(44)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Waveform of the sound file")

    def sizeHint(self) -> QSize:
        return QSize(240, 56)

    def set_envelope(self, envelope: Any) -> None:
        self._levels = [float(v) for v in envelope] if envelope is not None else []
        self.update()

    def clear(self) -> None:
        self.set_envelope(None)

    @property
    def has_data(self) -> bool:
        return bool(self._levels)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.update()
        super().changeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        mid = rect.center().y()
        if not self._levels:
            p.setPen(pal.color(QPalette.ColorRole.Mid))
            p.drawLine(int(rect.left()), int(mid), int(rect.right()), int(mid))
            return
        step = self.BAR_PX + self.GAP_PX
        bars = max(1, int(rect.width() // step))
        n = len(self._levels)
        colour = pal.color(QPalette.ColorRole.Highlight)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        peak = max(self._levels) or 1.0
        for i in range(bars):
            a, b = i * n // bars, max(i * n // bars + 1, (i + 1) * n // bars)
            level = max(self._levels[a:b]) / peak  # normalise: quiet recordings still show a shape
            h = max(2.0, level * rect.height())
            p.drawRoundedRect(QRectF(rect.left() + i * step, mid - h / 2, self.BAR_PX, h), 1.2, 1.2)
