"""The Audiogram tab's controller: saves its choices and redraws the preview when they or the inputs change.

The preview is drawn by the engine on the background pool (through the bridge), at most
one at a time; changes that arrive meanwhile are coalesced into one more preview.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot

from vidgen_desktop.bridge.overlay_preview import overlay_preview
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.input_loader import InputLoader
from vidgen_desktop.ui.overlay_panel import OverlayPanel

#: Typing in the title waits this long before the preview is redrawn.
DEBOUNCE_MS = 250


class OverlayController(QObject):
    def __init__(self, services: Services, panel: OverlayPanel, loader: InputLoader, parent: QObject) -> None:
        super().__init__(parent)
        self._s = services
        self._panel = panel
        self._loader = loader
        self._busy = False
        self._again = False
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        panel.changed.connect(self._on_changed)
        panel.shown.connect(self._on_shown)
        loader.changed.connect(self.schedule)
        services.settings.changed.connect(self.schedule)  # shape and fit change the frame

    def restore(self) -> None:
        self._panel.load(self._s.settings.settings.overlays)

    @Slot()
    def _on_changed(self) -> None:
        self._s.settings.update(overlays=self._panel.values())
        self.schedule()

    @Slot()
    def _on_shown(self) -> None:
        if self._stale:
            self.refresh()

    @Slot()
    def schedule(self) -> None:
        self._timer.start()

    @Slot()
    def refresh(self) -> None:
        """Draw the preview now (or once more after the one being drawn)."""
        if not self._panel.isVisible():  # drawn when the tab is opened
            self._stale = True
            return
        self._stale = False
        image = self._loader.image
        if image is None:
            self._panel.show_preview(None, "")
            return
        if self._busy:
            self._again = True
            return
        self._busy = True
        audio = self._loader.audio
        size = (int(image.thumbnail.shape[1]), int(image.thumbnail.shape[0]))
        work = partial(overlay_preview, image.path, size, audio.path if audio else None,
                       self._panel.values(), replace(self._s.settings.output))
        QueryOp(self._s.tasks, work, self._show, name="audiogram preview") \
            .failure(self._failed) \
            .with_progress(self._started, self._done) \
            .run_in_background()

    def _started(self) -> None:
        self._panel.status.setText("Drawing the preview…")

    def _show(self, rgb: Any) -> None:
        note = "" if self._loader.audio is not None else "Add a sound to see the visualizer and title."
        self._panel.show_preview(rgb_to_qimage(rgb), note)

    def _failed(self, exc: Exception) -> None:
        self._panel.show_preview(None, f"The preview could not be drawn: {exc}")

    def _done(self) -> None:
        self._busy = False
        if self._again:
            self._again = False
            self.schedule()
