"""The window's file dialogs: the picture, sound and video filters in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtWidgets import QFileDialog, QWidget

from vidgen_desktop.bridge import inputs

Kind = Literal["image", "audio", "both"]


def file_filter(kind: Kind) -> str:
    """Qt's filter string: the readable extensions first, then "All files"."""
    pics = " ".join(f"*{e}" for e in sorted(inputs.image_extensions()))
    sounds = " ".join(f"*{e}" for e in sorted(inputs.audio_extensions()))
    if kind == "image":
        return f"Pictures ({pics});;All files (*)"
    if kind == "audio":
        return f"Sound files ({sounds});;All files (*)"
    return f"Pictures and sound ({pics} {sounds});;Pictures ({pics});;Sound files ({sounds});;All files (*)"


def open_file(parent: QWidget, title: str, start: str, kind: Kind) -> Path | None:
    """One existing file, or None when the dialog was cancelled."""
    f, _ = QFileDialog.getOpenFileName(parent, title, start, file_filter(kind))
    return Path(f) if f else None


def open_files(parent: QWidget, title: str, start: str) -> list[Path]:
    """Any number of pictures and sounds; empty when cancelled."""
    files, _ = QFileDialog.getOpenFileNames(parent, title, start, file_filter("both"))
    return [Path(f) for f in files]


def open_pictures(parent: QWidget, title: str, start: str) -> list[Path]:
    """Any number of pictures (several make a slideshow); empty when cancelled."""
    files, _ = QFileDialog.getOpenFileNames(parent, title, start, file_filter("image"))
    return [Path(f) for f in files]


def save_video(parent: QWidget, current: Path) -> Path | None:
    f, _ = QFileDialog.getSaveFileName(parent, "Save the video as", str(current), "MP4 video (*.mp4)")
    return Path(f) if f else None
