"""A picture that keeps its shape: the live render preview and the finished video's poster frame."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class FrameView(QWidget):
    """Scales an image to fit (letterboxed on a dark stage), with an optional play badge."""

    clicked = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._placeholder = placeholder
        self._play_badge = False
        self.setMinimumSize(QSize(240, 135))
        # As tall as a 16:9 frame at this width, no taller: the result text sits right below the video.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName("Video preview")

    def sizeHint(self) -> QSize:
        return QSize(480, 270)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, w: int) -> int:
        return int(w * 9 / 16)

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def image(self) -> QImage | None:
        return self._image

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_play_badge(self, on: bool) -> None:
        self._play_badge = on
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._play_badge and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.update()
        super().changeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        clip = QPainterPath()
        clip.addRoundedRect(r, 10, 10)
        p.setClipPath(clip)
        p.fillRect(r, QColor(24, 24, 28))
        if self._image is None or self._image.isNull():
            p.setPen(QColor(190, 190, 198))  # the stage is always dark, whatever the theme
            p.drawText(r.adjusted(16, 16, -16, -16), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                       self._placeholder)
            return
        iw, ih = self._image.width(), self._image.height()
        scale = min(r.width() / iw, r.height() / ih)
        w, h = iw * scale, ih * scale
        target = QRectF(r.center().x() - w / 2, r.center().y() - h / 2, w, h)
        p.drawImage(target, self._image)
        if self._play_badge:
            c = target.center()
            rad = max(22.0, min(target.width(), target.height()) * 0.11)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(0, 0, 0, 140))
            p.drawEllipse(c, rad, rad)
            tri = QPainterPath()
            tri.moveTo(c.x() - rad * 0.35, c.y() - rad * 0.5)
            tri.lineTo(c.x() + rad * 0.55, c.y())
            tri.lineTo(c.x() - rad * 0.35, c.y() + rad * 0.5)
            tri.closeSubpath()
            p.setBrush(QColor(255, 255, 255, 235))
            p.drawPath(tri)
