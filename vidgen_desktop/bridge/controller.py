"""The GUI-thread face of rendering: start, cancel, progress at 10 Hz, and a clean shutdown.

One :class:`QThread` lives as long as the controller; jobs are handed to the worker
with a queued signal and results come back to ``@Slot`` methods here (never lambdas:
a lambda connected to a worker signal may run on the worker thread). Everything the
controller emits is emitted on the GUI thread, so widgets and tests can connect freely.
"""

from __future__ import annotations

import itertools
import logging
from enum import Enum
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from vidgen_desktop.bridge import threads
from vidgen_desktop.bridge.narration import NarrationSpec
from vidgen_desktop.bridge.worker import ProgressSnapshot, RenderFn, RenderRequest, RenderThread, RenderWorker
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import RenderJob

log = logging.getLogger(__name__)

#: Progress polls per second (the issue's ≤ 10 Hz UI update budget).
POLL_HZ = 10


class RenderState(str, Enum):
    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"


class RenderController(QObject):
    """Owns the render thread. All signals fire on the GUI thread."""

    started = Signal(object)  # RenderJob
    progress = Signal(object)  # ProgressEvent
    preview = Signal(object)  # numpy RGB uint8 array
    succeeded = Signal(object)  # RenderResult
    failed = Signal(object)  # the exception
    cancelled = Signal()
    state_changed = Signal(str)  # RenderState value
    #: Emitted after succeeded/failed/cancelled: the controller accepts a new job now.
    idle = Signal()

    _dispatch = Signal(object)  # RenderRequest -> worker.run (queued, crosses threads)

    def __init__(self, render_fn: RenderFn | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._current: RenderRequest | None = None
        self._state = RenderState.IDLE
        self._shut_down = False

        self._thread: QThread = threads.register(RenderThread())
        self._thread.setObjectName("vidgen-render")
        self._worker = RenderWorker(render_fn)
        threads.start_worker(self._thread, self._worker, self._dispatch, finished=self._on_finished,
                             failed=self._on_failed, cancelled=self._on_cancelled)

        self._timer = QTimer(self)
        self._timer.setInterval(1000 // POLL_HZ)
        self._timer.timeout.connect(self._poll)

    # --- state -----------------------------------------------------------------------
    @property
    def state(self) -> RenderState:
        return self._state

    @property
    def busy(self) -> bool:
        return self._state is not RenderState.IDLE

    @property
    def current_job(self) -> RenderJob | None:
        return self._current.job if self._current else None

    def _set_state(self, state: RenderState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state.value)

    # --- commands --------------------------------------------------------------------
    def start(self, job: RenderJob, decision: Any = None, *, ai: Any = None,
              narration: NarrationSpec | None = None) -> bool:
        """Queue ``job`` on the worker. Returns False (and does nothing) while another job runs.

        ``ai`` is the AI tiers' ``AiOptions``; ``narration`` makes it a narrated render (the
        script is spoken first and replaces ``job.audio``).
        """
        if self.busy or self._shut_down:
            return False
        self._current = RenderRequest(next(self._ids), job, CancelToken(), decision, ai, narration)
        self._set_state(RenderState.RUNNING)
        self._timer.start()
        self.started.emit(job)
        self._dispatch.emit(self._current)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop. Thread-safe flag: works while the worker is busy."""
        if self._current is not None and self._state is RenderState.RUNNING:
            log.info("cancelling render %d", self._current.job_id)
            self._current.cancel.cancel("cancelled by the user")
            self._set_state(RenderState.CANCELLING)

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel any job and stop the thread; True when it stopped within ``timeout_ms``.

        Blocks the GUI thread, so call it when the window is already gone (app exit). The
        window itself cancels first and closes when :attr:`idle` fires, without blocking.
        On its way out the thread frees a loaded AI pipeline (:class:`RenderThread`).
        """
        if self._shut_down:
            return not self._thread.isRunning()
        self._shut_down = True
        self._timer.stop()
        if self._current is not None:
            self._current.cancel.cancel("the app is closing")
        return threads.stop(self._thread, timeout_ms, "render", log)

    # --- worker results (queued to the GUI thread) -----------------------------------
    @Slot()
    def _poll(self) -> None:
        snap: ProgressSnapshot | None = self._worker.take_progress()
        if snap is None:
            return
        if snap.event is not None:
            self.progress.emit(snap.event)
        if snap.preview is not None:
            self.preview.emit(snap.preview)

    def _finish(self, job_id: int) -> bool:
        """Common end of a job; False if the result belongs to a job we no longer track."""
        if self._current is None or self._current.job_id != job_id:
            return False
        self._poll()  # the last event (e.g. "done") before the result
        self._timer.stop()
        self._current = None
        self._set_state(RenderState.IDLE)
        return True

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        if self._finish(job_id):
            self.succeeded.emit(result)
            self.idle.emit()

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: object) -> None:
        if self._finish(job_id):
            self.failed.emit(exc)
            self.idle.emit()

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        if self._finish(job_id):
            self.cancelled.emit()
            self.idle.emit()
