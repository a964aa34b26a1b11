"""The window's side of a render: the Render button's gate, starting and cancelling, and what the result shows.

The render thread is :class:`vidgen_desktop.bridge.controller.RenderController` (``services.controller``);
this is what the window does around it. Why the button is disabled is decided by the pure
:func:`vidgen_desktop.bridge.render_gate.render_blocker`; the job itself is built by
:mod:`vidgen_desktop.bridge.job_builder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QPushButton, QTabWidget

from vidgen_desktop import APP_NAME
from vidgen_desktop.bridge.captions import font_notice as caption_cues_font_notice
from vidgen_desktop.bridge.errors import ErrorInfo, error_info
from vidgen_desktop.bridge.job_builder import build_ai_options, build_job
from vidgen_desktop.bridge.narration import caption_font_notice, spoken_estimate_s
from vidgen_desktop.bridge.output_path import creates_folder, ensure_folder
from vidgen_desktop.bridge.render_gate import GateState, render_blocker
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui import desktop
from vidgen_desktop.ui.controllers.captions import CaptionsController
from vidgen_desktop.ui.controllers.hardware import HardwareController
from vidgen_desktop.ui.controllers.narration import NarrationController
from vidgen_desktop.ui.controllers.output import OutputController
from vidgen_desktop.ui.formatting import clock, fallback_notice, percent
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.input_loader import InputLoader
from vidgen_desktop.ui.notify import Notifier
from vidgen_desktop.ui.progress_panel import ProgressPanel

READY_TIP = "Render (Ctrl+Enter)"


class RenderFlow(QObject):
    """Keeps the Render button honest, hands the job to the render thread and shows how it ended."""

    def __init__(self, window: QMainWindow, services: Services, *, loader: InputLoader, output: OutputController,
                 narration: NarrationController, hardware: HardwareController, progress: ProgressPanel,
                 tabs: QTabWidget, button: QPushButton, reason: QLabel, render_action: QAction,
                 cancel_action: QAction, notifier: Notifier, show_notice: Callable[[str], None],
                 captions: CaptionsController | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._s = services
        self._loader = loader
        self._output = output
        self._narration = narration
        self._hardware = hardware
        self._progress = progress
        self._tabs = tabs
        self._button = button
        self._reason = reason
        self._render_action = render_action
        self._cancel_action = cancel_action
        self._notifier = notifier
        self._show_notice = show_notice
        self._captions = captions
        self._poster: QImage | None = None
        self._last_result: Any = None
        #: Set by the queue's controller: starts the queue; ``queue_waiting`` says whether jobs wait in it.
        self.queue_start: Callable[[], bool] | None = None
        self.queue_waiting = False
        #: While the queue runs, each video's own "ready" notification is left to the queue's at the end.
        self.quiet = False

        c = services.controller
        c.started.connect(self._on_started)
        c.progress.connect(self._on_progress)
        c.preview.connect(self._on_preview)
        c.succeeded.connect(self._on_succeeded)
        c.failed.connect(self._on_failed)
        c.cancelled.connect(self._on_cancelled)
        c.state_changed.connect(self._on_state_changed)
        c.idle.connect(self.refresh)
        progress.cancel_requested.connect(self.cancel)
        progress.open_requested.connect(self.open_result)
        progress.reveal_requested.connect(self.reveal_result)

    # ------------------------------------------------------------------ the gate
    def blocker(self) -> str:
        """Why Render is disabled, in words; "" when it can start."""
        lo, n = self._loader, self._narration
        narrating = n.narrating()
        return render_blocker(GateState(
            rendering=self._s.controller.busy,
            reading_image=lo.image_pending is not None,
            reading_sound=lo.audio_pending is not None,
            has_image=lo.image is not None and lo.image_error is None,  # every picture of a slideshow
            image_error=lo.image_error,
            narrating=narrating,
            script=n.script() if narrating else "",
            engine_blocker=n.engine_blocker() if narrating else "",
            has_sound=lo.audio is not None,
            sound_error=lo.audio_error,
            output=self._output.current(),
            pictures=len(lo.pictures),
        ))

    @Slot()
    def refresh(self) -> None:
        """Enable Render (and say what it will make) or disable it (and say why)."""
        if self.queue_waiting and not self._s.controller.busy:
            self._button.setEnabled(True)
            self._render_action.setEnabled(True)
            self._cancel_action.setEnabled(False)
            self._reason.setText("Ready: the videos waiting in the queue, one after the other")
            self._button.setToolTip(READY_TIP)
            return
        reason = self.blocker()
        self._button.setEnabled(not reason)
        self._render_action.setEnabled(not reason)
        self._cancel_action.setEnabled(self._s.controller.busy)
        if reason:
            self._reason.setText(reason)
            self._button.setToolTip(reason)
            return
        out = self._output.current()
        name = out.name if out else ""
        if self._narration.narrating():
            est = max(1.0, spoken_estimate_s(self._narration.script()))
            self._reason.setText(f"Ready: a narrated video (about {clock(est)}) → {name}")
        else:
            assert self._loader.audio is not None
            show = f" slideshow of {len(self._loader.pictures)} pictures" if len(self._loader.pictures) > 1 else ""
            self._reason.setText(f"Ready: a {clock(self._loader.audio.duration_s)} video{show} → {name}")
        self._button.setToolTip(READY_TIP)

    # ------------------------------------------------------------------ start and cancel
    def confirm_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(self._window, "Replace the video?", f"“{path.name}” already exists. Replace it?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def build_request(self) -> tuple[RenderJob, Any, NarrationSpec | None] | None:
        """The job, AI options and narration the window's inputs and settings ask for (the Render button's
        and "Add to queue"'s one path); None (the error shown) when they cannot be built."""
        if self.blocker():
            self.refresh()
            return None
        image, audio, output = self._loader.image, self._loader.audio, self._output.current()
        narrating = self._narration.narrating()
        assert image is not None and output is not None and (narrating or audio is not None)
        try:
            narration = self._narration.spec() if narrating else None
            job = build_job(image.path, None if narrating or audio is None else audio.path, output,
                            self._s.settings.output, self._s.settings.settings.overlays,
                            more_images=self._loader.image_paths[1:])
            ai = build_ai_options(self._s.settings.settings.ai)
            if creates_folder(output, self._s.paths.outputs, chosen=self._output.chosen):
                ensure_folder(output.parent)
        except (VidGenError, OSError) as exc:
            self._show_error(error_info(exc, log_file=self._s.log_file))
            return None
        return job, ai, narration

    @Slot()
    def start(self) -> bool:
        """Render the queue when jobs wait in it (:attr:`queue_start`), else build the job from the window and
        hand it to the render thread. False if it could not start."""
        if self.queue_start is not None and self.queue_waiting:
            return self.queue_start()
        request = self.build_request()
        if request is None:
            return False
        job, ai, narration = request
        output = job.output
        if output.exists() and not self.confirm_overwrite(output):
            return False
        captions = None
        if self._captions is not None:
            if narration is not None:  # the tab's look for the narration's own burned captions
                narration = replace(narration, look=self._captions.look())
            else:
                captions = self._captions.request()
        fonts = caption_font_notice(narration) if narration is not None else \
            caption_cues_font_notice(captions.cues) if captions is not None and captions.burn else None
        if fonts:  # told before the render starts; the captions are still drawn, with boxes for what is missing
            self._show_notice(f"<b>Captions.</b> {fonts}")
        self._poster = None
        return self._s.controller.start(job, self._hardware.decision_for(job.tier), ai=ai, narration=narration,
                                        captions=captions)

    @Slot()
    def cancel(self) -> None:
        self._s.controller.cancel()

    # ------------------------------------------------------------------ how it goes
    @Slot(object)
    def _on_started(self, job: Any) -> None:
        if not self.quiet:  # during the queue its tab stays in front
            self._tabs.setCurrentWidget(self._progress)
        self._progress.show_started(Path(job.output))
        self.refresh()

    @Slot(object)
    def _on_progress(self, event: ProgressEvent) -> None:
        self._progress.show_progress(event)
        if event.total:
            self._window.setWindowTitle(f"{percent(event)}% · {APP_NAME}")

    @Slot(object)
    def _on_preview(self, rgb: Any) -> None:
        if self._progress.show_preview(rgb):
            self._poster = self._progress.frame.image()
        else:
            self._poster = rgb_to_qimage(rgb)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == "cancelling":
            self._progress.show_cancelling()
        self.refresh()

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._last_result = result
        self._progress.show_done(result, self._poster)
        self._window.setWindowTitle(APP_NAME)
        self._output.rendered(Path(result.output))
        self._window.statusBar().showMessage(f"Saved {result.output}", 10000)
        if not self.quiet:
            self._notifier.finished("Your video is ready", Path(result.output).name, ok=True)
        fallback = getattr(result, "fallback", None)
        if fallback is not None:  # never quietly: the window says what was used instead, and why
            self._show_notice(fallback_notice(fallback))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._show_error(error_info(exc, log_file=self._s.log_file))

    def _show_error(self, info: ErrorInfo) -> None:
        self._window.setWindowTitle(APP_NAME)
        if not self.quiet:
            self._tabs.setCurrentWidget(self._progress)
        self._progress.show_failed(info)
        if not self.quiet:
            self._notifier.finished("The video could not be made", info.message, ok=False)

    @Slot()
    def _on_cancelled(self) -> None:
        self._window.setWindowTitle(APP_NAME)
        self._progress.show_cancelled()
        self._window.statusBar().showMessage("Render cancelled. No file was written.", 6000)

    # ------------------------------------------------------------------ the result
    @property
    def last_result(self) -> Any:
        return self._last_result

    @Slot()
    def open_result(self) -> None:
        if self._last_result is not None:
            desktop.open_file(Path(self._last_result.output))

    @Slot()
    def reveal_result(self) -> None:
        if self._last_result is not None:
            desktop.show_in_folder(Path(self._last_result.output))
