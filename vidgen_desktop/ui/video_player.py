"""In-window playback of the finished video, when PySide6-Addons (QtMultimedia) is installed.

PySide6-Essentials has no QtMultimedia, so everything here is optional: callers ask
:func:`multimedia_available` and fall back to the poster frame plus "Open".
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from vidgen_desktop.ui.formatting import clock

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def multimedia_available() -> bool:
    try:
        import PySide6.QtMultimedia
        import PySide6.QtMultimediaWidgets  # noqa: F401
    except ImportError as exc:  # Essentials only, or a missing system library (libpulse0 on Linux)
        log.info("in-window playback unavailable: %s", exc)
        return False
    return True


class VideoPlayer(QWidget):
    """A minimal player: the picture, play/pause, a seek bar and the time. Built only when asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self._player: Any = QMediaPlayer(self)
        self._audio: Any = QAudioOutput(self)
        self._player.setAudioOutput(self._audio)
        self.video = QVideoWidget(self)
        self.video.setMinimumHeight(180)
        self.video.setAccessibleName("Video player")
        self._player.setVideoOutput(self.video)

        self.play_button = QPushButton("Play")
        self.play_button.setAccessibleName("Play or pause the video")
        self.play_button.clicked.connect(self._toggle)
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setAccessibleName("Position in the video")
        self.seek.sliderMoved.connect(self._seek)
        self.time = QLabel("0:00")
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.seek, 1)
        row.addWidget(self.time)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.video, 1)
        lay.addLayout(row)

        self._player.positionChanged.connect(self._on_position)
        self._player.durationChanged.connect(self._on_duration)
        self._player.playbackStateChanged.connect(self._on_state)
        self._player.errorOccurred.connect(self._on_error)

    def load(self, path: Path, autoplay: bool = True) -> None:
        self._player.setSource(QUrl.fromLocalFile(str(path)))
        if autoplay:
            self._player.play()

    def stop(self) -> None:
        self._player.stop()
        self._player.setSource(QUrl())

    @Slot()
    def _toggle(self) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._player.pause()
        else:
            self._player.play()

    @Slot(int)
    def _seek(self, ms: int) -> None:
        self._player.setPosition(ms)

    @Slot("qlonglong")
    def _on_position(self, ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setValue(int(ms))
        self.time.setText(f"{clock(ms / 1000)} / {clock(self._player.duration() / 1000)}")

    @Slot("qlonglong")
    def _on_duration(self, ms: int) -> None:
        self.seek.setRange(0, int(ms))

    @Slot(object)
    def _on_state(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    @Slot(object, str)
    def _on_error(self, _error: Any, message: str) -> None:
        log.warning("video playback failed: %s", message)
        self.time.setText(f"Can't play here: {message}")
