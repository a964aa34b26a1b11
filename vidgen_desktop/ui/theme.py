"""Follow the system's light/dark setting, including where the style itself would not.

Windows 11 and macOS styles switch palettes by themselves. On Linux, Qt often learns
the scheme (from the desktop portal) but the Fusion style keeps a light palette; there
we apply a dark palette ourselves. Everything custom-painted in the window reads palette
roles, so it follows either way. ``VIDGEN_COLOR_SCHEME=dark|light`` overrides the system
(desktops that report no scheme, and screenshots).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: QColor(37, 37, 41),
        QPalette.ColorRole.WindowText: QColor(232, 232, 236),
        QPalette.ColorRole.Base: QColor(28, 28, 31),
        QPalette.ColorRole.AlternateBase: QColor(45, 45, 50),
        QPalette.ColorRole.ToolTipBase: QColor(50, 50, 56),
        QPalette.ColorRole.ToolTipText: QColor(232, 232, 236),
        QPalette.ColorRole.Text: QColor(232, 232, 236),
        QPalette.ColorRole.PlaceholderText: QColor(150, 150, 160),
        QPalette.ColorRole.Button: QColor(52, 52, 58),
        QPalette.ColorRole.ButtonText: QColor(232, 232, 236),
        QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Light: QColor(70, 70, 78),
        QPalette.ColorRole.Midlight: QColor(60, 60, 66),
        QPalette.ColorRole.Mid: QColor(90, 90, 100),
        QPalette.ColorRole.Dark: QColor(20, 20, 22),
        QPalette.ColorRole.Shadow: QColor(0, 0, 0),
        QPalette.ColorRole.Highlight: QColor(88, 140, 230),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Link: QColor(120, 170, 255),
        QPalette.ColorRole.LinkVisited: QColor(170, 140, 255),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(120, 120, 128))
    return p


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


class ThemeFollower(QObject):
    """Applies the system scheme now and whenever it changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._ours = False  # True while our dark palette is applied
        app.styleHints().colorSchemeChanged.connect(self._on_scheme)
        self.apply()

    @property
    def dark(self) -> bool:
        return _is_dark(self._app.palette())

    def wants_dark(self) -> bool:
        forced = os.environ.get("VIDGEN_COLOR_SCHEME", "").strip().lower()
        if forced in ("dark", "light"):
            return forced == "dark"
        return self._app.styleHints().colorScheme() == Qt.ColorScheme.Dark

    def apply(self) -> None:
        want_dark = self.wants_dark()
        if want_dark and not self.dark:
            if self._app.style().name().lower() not in ("fusion",):
                self._app.setStyle("Fusion")
            self._app.setPalette(dark_palette())
            self._ours = True
        elif not want_dark and self._ours:
            self._app.setPalette(self._app.style().standardPalette())
            self._ours = False
        else:
            return
        self._app.setStyleSheet(self._app.styleSheet())  # re-resolve palette(...) in the stylesheet

    @Slot(Qt.ColorScheme)
    def _on_scheme(self, _scheme: Qt.ColorScheme) -> None:
        self.apply()
