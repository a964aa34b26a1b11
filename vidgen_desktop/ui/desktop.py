"""Handing files to the desktop: open with the default app, show in the file manager."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QProcess, QUrl
from PySide6.QtGui import QDesktopServices

log = logging.getLogger(__name__)


def open_file(path: Path) -> bool:
    """Open with the system's default app (the user's video player)."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


def show_in_folder(path: Path) -> bool:
    """Select the file in Explorer / Finder; on Linux open its folder (file managers differ on selecting)."""
    try:
        if sys.platform == "win32":
            return bool(QProcess.startDetached("explorer.exe", [f"/select,{path}"]))
        if sys.platform == "darwin":
            return bool(QProcess.startDetached("open", ["-R", str(path)]))
    except Exception:  # fall back to opening the folder
        log.exception("could not reveal %s", path)
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))))
