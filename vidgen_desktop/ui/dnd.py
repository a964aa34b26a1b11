"""What a drag carries: the local files dropped from a file manager."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QDragEnterEvent, QDropEvent


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    """Local files carried by a drag (URLs from a file manager); remote URLs are ignored."""
    mime = event.mimeData()
    if mime is None or not mime.hasUrls():
        return []
    return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile() and u.toLocalFile()]
