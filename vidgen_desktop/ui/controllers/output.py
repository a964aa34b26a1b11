"""Where the video goes and how it is encoded: the output field, the save dialog, the saved settings.

The naming rules live in :mod:`vidgen_desktop.bridge.output_path`; this keeps the one piece
of state they need: whether the user picked the path (then it is kept) or it is the default
(then it follows the picture and moves on after each render).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from vidgen_desktop.bridge.output_path import (
    as_video_name,
    default_output_path,
    ensure_folder,
    output_folder,
    typed_output,
)
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.ui import file_dialogs
from vidgen_desktop.ui.input_loader import InputLoader
from vidgen_desktop.ui.output_panel import OutputPanel


class OutputController(QObject):
    """Owns the output path shown in the :class:`OutputPanel` and saves the panel's choices."""

    #: The output path changed (the render gate reads it).
    changed = Signal()

    def __init__(self, services: Services, panel: OutputPanel, loader: InputLoader, window: QWidget) -> None:
        super().__init__(window)
        self._s = services
        self._panel = panel
        self._loader = loader
        self._window = window
        self._chosen: Path | None = None  # picked or typed by the user; None: the default name
        panel.changed.connect(self._save_settings)
        panel.ai_changed.connect(self._save_ai_settings)
        panel.choose_output_requested.connect(self.choose)
        panel.output_edited.connect(self._on_edited)

    def restore(self) -> None:
        self._panel.load(self._s.settings.output)
        self._panel.load_ai(self._s.settings.settings.ai)

    def folder(self) -> Path:
        return output_folder(self._s.settings.output.folder, self._s.paths.outputs)

    def current(self) -> Path | None:
        return self._chosen if self._chosen is not None else self._panel.output()

    @property
    def chosen(self) -> bool:
        """True when the user picked or typed the path (it is kept and its folder is not created)."""
        return self._chosen is not None

    @Slot()
    def update_default(self) -> None:
        """Show the default name for the current picture, unless the user chose one."""
        if self._chosen is None:
            image = self._loader.image.path if self._loader.image else None
            self._panel.set_output(default_output_path(self.folder(), image))
        self.changed.emit()

    def rendered(self, output: Path) -> None:
        """A video was saved there: the next render gets a fresh name, never overwrites this one."""
        if self._chosen is not None and output == self._chosen:
            self._chosen = None
        self.update_default()

    @Slot()
    def choose(self) -> None:
        picked = file_dialogs.save_video(self._window, self.current() or self.folder() / "video.mp4")
        if picked is None:
            return
        path = as_video_name(picked)
        self._chosen = path
        self._panel.set_output(path)
        self._s.settings.update_output(folder=str(path.parent))
        self.changed.emit()

    @Slot()
    def open_folder(self) -> None:
        folder = self.folder()
        ensure_folder(folder)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot(str)
    def _on_edited(self, text: str) -> None:
        self._chosen = typed_output(text)
        self.changed.emit()

    @Slot()
    def _save_settings(self) -> None:
        self._s.settings.update_output(**self._panel.values())

    @Slot()
    def _save_ai_settings(self) -> None:
        st = self._s.settings
        st.update(ai=replace(st.settings.ai, **self._panel.ai_values()))
