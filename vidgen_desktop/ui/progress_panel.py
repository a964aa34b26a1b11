"""The render panel: live progress while rendering, then the result (or the error, or "cancelled").

It formats what the controller reports; it never asks the engine anything. Preview
frames are shown at most twice a second whatever arrives, so a fast engine cannot
make the window busy. A narrated render first shows the "narration" stage (sentence by
sentence); an AI render shows the clip and the denoising step it is at.
"""

from __future__ import annotations

import re
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
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui.formatting import clock, eta_phrase, percent, progress_details, stage_label
from vidgen_desktop.ui.frame_view import FrameView
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.video_player import VideoPlayer, multimedia_available

#: Live preview refresh limit (the issue's "≤ 2 updates/s").
PREVIEW_MIN_INTERVAL_S = 0.5


_SENTENCE = re.compile(r"sentence (\d+)/(\d+)")
_NARRATION_PARTS = {"prepare": "Preparing the voice", "narrate": "Speaking the script",
                    "mix": "Mixing the narration"}
_AI_PHASES = {"load": "Loading {tier}", "denoise": "Generating with {tier}", "decode": "Decoding with {tier}",
              "clip": "Generating with {tier}"}


def _tier_label(value: object) -> str:
    try:
        return Tier(str(value)).label
    except ValueError:
        return str(value or "the AI model")


def stage_text(event: ProgressEvent) -> str:
    """The bold line above the bar."""
    extra = event.extra or {}
    if event.stage == "narration":
        part = str(extra.get("part", "narrate"))
        if part == "prepare" and event.message:
            return event.message[:1].upper() + event.message[1:]
        return _NARRATION_PARTS.get(part, "Speaking the script")
    if event.stage == "render" and "clips" in extra:
        phase = str(extra.get("phase", "denoise"))
        return _AI_PHASES.get(phase, "Generating with {tier}").format(tier=_tier_label(extra.get("tier")))
    if event.stage in ("probe", "prepare") and event.message:
        return event.message[:1].upper() + event.message[1:]
    return stage_label(event.stage)


def details_text(event: ProgressEvent) -> str:
    """The line under the bar: where it is (sentence, clip and step, frame), time spent and left."""
    extra = event.extra or {}
    if event.stage == "narration":
        parts = []
        sentence = _SENTENCE.fullmatch(event.message.strip())
        if extra.get("part") == "narrate" and sentence:
            parts.append(f"Sentence {sentence[1]} of {sentence[2]}")
        elif extra.get("part") == "narrate" and event.total > 0 and event.done > 0:
            parts.append(f"Part {event.done} of {event.total}")
        parts.append(f"{clock(event.elapsed_s)} elapsed")
        if extra.get("part") == "narrate" and event.done > 0:
            parts.append(eta_phrase(event.eta_s))
        return " · ".join(parts)
    if event.stage == "render" and "clips" in extra:
        parts = [f"Clip {extra.get('clip')} of {extra.get('clips')}"]
        if extra.get("step") is not None and extra.get("steps"):
            parts.append(f"step {extra['step']} of {extra['steps']}")
        elif extra.get("phase") == "decode":
            parts.append("decoding")
        parts.append(f"{clock(event.elapsed_s)} elapsed")
        parts.append(eta_phrase(event.eta_s))
        return " · ".join(parts)
    return progress_details(event)


def result_lines(result: Any) -> tuple[list[str], str, str]:
    """(notes, plan text, narration line) of a finished render, each only when there is something to say."""
    details = getattr(result, "details", None) or {}
    ai = details.get("ai") or {}
    plan = ai.get("plan") or {}
    plan_text = str(plan.get("text") or "") if isinstance(plan, dict) else ""
    notes = [str(n) for n in (getattr(result, "notes", None) or [])]
    if plan_text:  # the runner also adds it as a note; the panel shows it once, as the plan
        notes = [n for n in notes if n != f"plan: {plan_text}"]
    narration = details.get("narration") or {}
    line = ""
    if narration:
        line = f"Narrated by {narration.get('voice') or narration.get('engine')}"
        srt = narration.get("srt")
        if srt:
            line += f" · captions in {Path(str(srt)).name}"
        elif narration.get("captions") == "burn":
            line += " · captions burned into the picture"
        if narration.get("music"):
            line += f" · music: {Path(str(narration['music'])).name}"
    return notes, plan_text, line


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
        self.done_narration = _label("", "muted", selectable=True)
        self.done_narration.setAccessibleName("About the narration")
        self.done_plan = _label("", "muted", selectable=True)
        self.done_plan.setAccessibleName("How the AI model was run")
        self.done_notes = _label("", "muted", selectable=True)
        self.done_notes.setAccessibleName("Notes about the render")
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
        v.addWidget(self.done_narration)
        v.addWidget(self.done_plan)
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
        self.stage.setText(stage_text(event))
        if event.total > 0:
            if self.bar.maximum() == 0:
                self.bar.setRange(0, 100)
            self.bar.setValue(percent(event))
        elif event.stage == "narration" and self.bar.maximum() != 0:
            self.bar.setRange(0, 0)  # loading a voice: busy until the first sentence
        self.details.setText(details_text(event))

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
        notes, plan_text, narration = result_lines(result)
        self.done_narration.setText(narration)
        self.done_narration.setVisible(bool(narration))
        self.done_plan.setText(f"How it was made: {plan_text}" if plan_text else "")
        self.done_plan.setVisible(bool(plan_text))
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
