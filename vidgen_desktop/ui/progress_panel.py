"""The render panel: live progress while rendering, then the result (or the error, or "cancelled").

It formats what the controller reports; it never asks the engine anything. Preview
frames are shown at most twice a second whatever arrives, so a fast engine cannot
make the window busy.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.errors import ErrorInfo
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui.formatting import clock, percent, progress_details, stage_label
from vidgen_desktop.ui.frame_view import FrameView
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.video_player import VideoPlayer, multimedia_available

#: Live preview refresh limit (the issue's "≤ 2 updates/s").
PREVIEW_MIN_INTERVAL_S = 0.5


def _label(text: str = "", name: str = "", *, wrap: bool = True, selectable: bool = False) -> QLabel:
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    if selectable:
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return lab


class ProgressPanel(QWidget):
    cancel_requested = Signal()
    open_requested = Signal()
    reveal_requested = Signal()
    open_logs_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("progressPanel")
        self.frame = FrameView("Your video will appear here.\nAdd a picture and a sound, then press Render.")
        self.frame.clicked.connect(self._play_clicked)
        self._player: VideoPlayer | None = None
        self._last_preview_t = 0.0
        self._result_path: Path | None = None

        self.pages = QStackedWidget()
        self.pages.addWidget(self._idle_page())
        self.pages.addWidget(self._running_page())
        self.pages.addWidget(self._done_page())
        self.pages.addWidget(self._failed_page())

        self.stage_area = QVBoxLayout()
        self.stage_area.addWidget(self.frame, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(12)
        lay.addLayout(self.stage_area)
        lay.addWidget(self.pages, 0)
        lay.addStretch(1)
        self.show_idle()

    # --- pages -------------------------------------------------------------------------
    def _idle_page(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        self.idle_text = _label("Ready when you are. Ctrl+O opens files; Ctrl+Enter starts the render.", "muted")
        v.addWidget(self.idle_text)
        v.addStretch(1)
        return w

    def _running_page(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        self.stage = _label("", "stageLabel")
        self.stage.setAccessibleName("Render stage")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName("Render progress")
        self.bar.setTextVisible(True)
        self.details = _label("", "muted")
        self.details.setAccessibleName("Render details")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the render")
        self.cancel_button.setToolTip("Stop rendering (Esc). Nothing is saved.")
        self.cancel_button.clicked.connect(self.cancel_requested)
        row = QHBoxLayout()
        row.addWidget(self.details, 1)
        row.addWidget(self.cancel_button)
        v.addWidget(self.stage)
        v.addWidget(self.bar)
        v.addLayout(row)
        return w

    def _done_page(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        self.done_title = _label("", "resultTitle")
        self.done_info = _label("", "muted", selectable=True)
        self.done_notes = _label("", "muted")
        self.play_button = QPushButton("Play here")
        self.play_button.setAccessibleName("Play the video in the window")
        self.play_button.clicked.connect(self._play_clicked)
        self.open_button = QPushButton("Open")
        self.open_button.setAccessibleName("Open the video in your video player")
        self.open_button.clicked.connect(self.open_requested)
        self.reveal_button = QPushButton("Show in folder")
        self.reveal_button.setAccessibleName("Show the video in its folder")
        self.reveal_button.clicked.connect(self.reveal_requested)
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.open_button)
        row.addWidget(self.reveal_button)
        row.addStretch(1)
        v.addWidget(self.done_title)
        v.addWidget(self.done_info)
        v.addWidget(self.done_notes)
        v.addLayout(row)
        return w

    def _failed_page(self) -> QWidget:
        box = QFrame()
        box.setObjectName("errorBox")
        v = QVBoxLayout(box)
        self.error_title = _label("", "errorTitle")
        self.error_message = _label("", "", selectable=True)
        self.error_message.setAccessibleName("Error message")
        self.error_hint = _label("", "muted", selectable=True)
        self.error_hint.setAccessibleName("What to do")
        self.logs_button = QPushButton("Open log folder")
        self.logs_button.setAccessibleName("Open the folder with the log file")
        self.logs_button.clicked.connect(self.open_logs_requested)
        v.addWidget(self.error_title)
        v.addWidget(self.error_message)
        v.addWidget(self.error_hint)
        v.addWidget(self.logs_button, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    # --- states ------------------------------------------------------------------------
    def _drop_player(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player.hide()
            self.stage_area.removeWidget(self._player)
            self._player.deleteLater()
            self._player = None
        self.frame.show()

    def show_idle(self) -> None:
        self._drop_player()
        self.frame.set_play_badge(False)
        self.pages.setCurrentIndex(0)

    def show_started(self, output: Path) -> None:
        self._drop_player()
        self._result_path = None
        self._last_preview_t = 0.0
        self.frame.set_image(None)
        self.frame.set_play_badge(False)
        self.frame.set_placeholder("Starting…")
        self.stage.setText(f"Starting — saving to {output.name}")
        self.bar.setRange(0, 0)  # busy until the first frame count arrives
        self.details.setText("")
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel")
        self.pages.setCurrentIndex(1)

    def show_progress(self, event: ProgressEvent) -> None:
        self.stage.setText(event.message.capitalize() if event.stage in ("probe", "prepare") and event.message
                           else stage_label(event.stage))
        if event.total > 0:
            if self.bar.maximum() == 0:
                self.bar.setRange(0, 100)
            self.bar.setValue(percent(event))
        self.details.setText(progress_details(event))

    def show_preview(self, rgb: Any, *, now: float | None = None) -> bool:
        """Show a live frame unless one was shown less than half a second ago. Returns True if shown."""
        now = time.monotonic() if now is None else now
        if now - self._last_preview_t < PREVIEW_MIN_INTERVAL_S:
            return False
        self._last_preview_t = now
        self.frame.set_image(rgb_to_qimage(rgb))
        return True

    def show_cancelling(self) -> None:
        self.stage.setText("Cancelling…")
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")

    def show_cancelled(self) -> None:
        self.frame.set_image(None)
        self.frame.set_placeholder("Render cancelled. Nothing was saved.")
        self.idle_text.setText("Render cancelled — no file was written. Press Render to start again.")
        self.pages.setCurrentIndex(0)

    def show_done(self, result: Any, poster: QImage | None) -> None:
        path = Path(result.output)
        self._result_path = path
        self.done_title.setText(f"Your video is ready: {path.name}")
        self.done_info.setText(
            f"{result.width}×{result.height} · {result.fps:g} fps · {clock(result.duration_s)} long · "
            f"made in {clock(result.elapsed_s)} with {result.tier.label}\n{path.parent}"
        )
        notes = list(getattr(result, "notes", []) or [])
        self.done_notes.setText("\n".join(f"Note: {n}" for n in notes))
        self.done_notes.setVisible(bool(notes))
        if poster is not None:
            self.frame.set_image(poster)
        self.frame.set_play_badge(True)
        self.frame.setToolTip("Play" if multimedia_available() else "Open in your video player")
        self.play_button.setVisible(multimedia_available())
        self.pages.setCurrentIndex(2)

    def show_failed(self, info: ErrorInfo) -> None:
        self.frame.set_image(None)
        self.frame.set_placeholder("No video was made.")
        self.error_title.setText(info.title)
        self.error_message.setText(info.message)
        self.error_hint.setText(info.hint)
        self.error_hint.setVisible(bool(info.hint))
        self.logs_button.setVisible(not info.expected)
        self.pages.setCurrentIndex(3)

    # --- playback ----------------------------------------------------------------------
    def _play_clicked(self) -> None:
        if self._result_path is None:
            return
        if not multimedia_available():
            self.open_requested.emit()
            return
        if self._player is None:
            self._player = VideoPlayer()
            self.stage_area.addWidget(self._player)
        self._player.setMinimumHeight(self.frame.height() + 40)  # the video where the poster was, plus controls
        self.frame.hide()
        self._player.show()
        self._player.load(self._result_path)

    @property
    def player(self) -> VideoPlayer | None:
        return self._player
