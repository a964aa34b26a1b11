"""Settings as the window sees them: load once, change by field, save soon after (debounced).

Saving is cheap but not free (an fsync); a slider dragged across ten values should
write once. :meth:`SettingsStore.flush` writes now (on close). A failure to save is
logged and reported once, never raised into a click handler.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QObject, QTimer, Signal, Slot

from vidgen_desktop.core.settings import LoadResult, OutputSettings, Settings, load_settings, save_settings

log = logging.getLogger(__name__)
SAVE_DELAY_MS = 400


class SettingsStore(QObject):
    changed = Signal()
    save_failed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        result: LoadResult = load_settings(path)
        self._settings = result.settings
        #: A sentence for the status bar if the file had to be reset at start.
        self.load_problem = result.problem
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._save_error_shown = False

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def output(self) -> OutputSettings:
        return self._settings.output

    def update(self, **changes: Any) -> None:
        """Change top-level fields (e.g. ``last_image_dir``) and schedule a save."""
        new = replace(self._settings, **changes)
        if new != self._settings:
            self._settings = new
            self.changed.emit()
            self._timer.start()

    def update_output(self, **changes: str) -> None:
        self.update(output=replace(self._settings.output, **changes))

    @Slot()
    def flush(self) -> bool:
        """Write now. Returns False (and logs) when the file cannot be written."""
        self._timer.stop()
        try:
            save_settings(self._settings, self.path)
        except OSError as exc:
            log.error("cannot save settings to %s: %s", self.path, exc)
            if not self._save_error_shown:
                self._save_error_shown = True
                self.save_failed.emit(f"Settings could not be saved to {self.path} ({exc.strerror or exc}).")
            return False
        return True

    # Window geometry travels as base64 text: the core settings stay free of Qt types.
    @staticmethod
    def encode_bytes(data: QByteArray) -> str:
        return base64.b64encode(bytes(data.data())).decode("ascii")

    @staticmethod
    def decode_bytes(text: str) -> QByteArray | None:
        if not text:
            return None
        try:
            return QByteArray(base64.b64decode(text.encode("ascii"), validate=True))
        except (ValueError, UnicodeEncodeError):
            return None
