"""numpy RGB arrays (what the engine produces) to Qt images, and the app icon."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QLinearGradient, QPainter, QPainterPath, QPixmap


def rgb_to_qimage(arr: Any) -> QImage:
    """A deep copy, so the array may be freed (or reused by the engine) right after."""
    import numpy as np

    a = np.ascontiguousarray(arr, dtype=np.uint8)
    if a.ndim != 3 or a.shape[2] != 3:
        raise ValueError(f"expected an (H, W, 3) RGB array, got shape {a.shape}")
    h, w = int(a.shape[0]), int(a.shape[1])
    return QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def rgb_to_pixmap(arr: Any, device_pixel_ratio: float = 1.0) -> QPixmap:
    pm = QPixmap.fromImage(rgb_to_qimage(arr))
    pm.setDevicePixelRatio(device_pixel_ratio)
    return pm


def app_icon() -> QIcon:
    """Drawn, not shipped: a rounded tile with a sunset gradient and a play mark, crisp at every size."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pm = QPixmap(size, size)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(0, 0, size, size).adjusted(size * 0.04, size * 0.04, -size * 0.04, -size * 0.04)
        grad = QLinearGradient(r.topLeft(), r.bottomRight())
        grad.setColorAt(0.0, QColor(86, 70, 200))
        grad.setColorAt(1.0, QColor(236, 120, 96))
        p.setBrush(grad)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawRoundedRect(r, size * 0.22, size * 0.22)
        tri = QPainterPath()
        c = r.center()
        s = size * 0.22
        tri.moveTo(QPointF(c.x() - s * 0.75, c.y() - s))
        tri.lineTo(QPointF(c.x() + s * 1.05, c.y()))
        tri.lineTo(QPointF(c.x() - s * 0.75, c.y() + s))
        tri.closeSubpath()
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawPath(tri)
        p.end()
        icon.addPixmap(pm)
    return icon
