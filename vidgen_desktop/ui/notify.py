"""Telling a user who switched away that the render finished: taskbar alert, tray message, title.

Each platform allows a different subset (a tray may not exist on GNOME; alerts flash the
taskbar on Windows and bounce the Dock on macOS), so each step is best effort.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._tray: QSystemTrayIcon | None = None
        #: What was notified last (tests and logs read it).
        self.last: tuple[str, str] | None = None

    def finished(self, title: str, message: str, *, ok: bool) -> bool:
        """Notify only when the window is not the active one. Returns True if it notified."""
        if self._window.isActiveWindow():
            return False
        self.last = (title, message)
        QApplication.alert(self._window, 0)
        try:
            if QSystemTrayIcon.isSystemTrayAvailable() and QSystemTrayIcon.supportsMessages():
                if self._tray is None:
                    self._tray = QSystemTrayIcon(self._window.windowIcon(), self._window)
                    self._tray.messageClicked.connect(self._raise)
                self._tray.show()
                icon = QSystemTrayIcon.MessageIcon.Information if ok else QSystemTrayIcon.MessageIcon.Warning
                self._tray.showMessage(title, message, icon, 8000)
        except Exception:  # a notification must never break the finish
            log.exception("desktop notification failed")
        return True

    def _raise(self) -> None:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
