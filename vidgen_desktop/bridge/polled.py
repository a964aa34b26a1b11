"""One job at a time on a long-lived QThread, its progress polled ten times a second.

Rendering and model downloads both work this way. The engine may report progress
hundreds of times a second; a queued signal per report would flood the GUI thread's
event queue (and keep big preview arrays alive in it). So the worker only *keeps* the
newest report (:meth:`PolledWorker.report`, on its own thread) and the owner's timer
takes it :data:`POLL_HZ` times a second (:meth:`PolledWorker.take_progress`), as Anki
polls its background operations. The window's work stays bounded however fast the
engine goes.

Jobs reach the worker through a queued signal; results come back to ``@Slot`` methods of
the :class:`PolledRunner` (never lambdas: a lambda connected to a worker signal may run
on the worker thread), so everything a runner emits fires on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum
from typing import Any, Generic, Protocol, TypeVar, cast

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from vidgen_desktop.bridge import threads
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError

log = logging.getLogger(__name__)

#: Progress polls per second: the window's update budget.
POLL_HZ = 10


class JobState(str, Enum):
    IDLE = "idle"
    RUNNING = "running"
    CANCELLING = "cancelling"


class PolledRequest(Protocol):
    """What a runner needs of a job: an id to match results, and its cancel flag."""

    @property
    def job_id(self) -> int: ...

    @property
    def cancel(self) -> CancelToken: ...


Req = TypeVar("Req", bound=PolledRequest)
Prog = TypeVar("Prog")


class PolledWorker(QObject, Generic[Req, Prog]):
    """Lives on the worker thread. :meth:`run` blocks that thread, never the GUI's.

    Subclasses do the job in :meth:`work`, passing :meth:`report` as the progress
    callback, and may override :meth:`keep` to merge reports (the render keeps the
    newest preview frame as well as the newest event).
    """

    finished = Signal(int, object)  # job id, result
    failed = Signal(int, object)  # job id, the exception
    cancelled = Signal(int)  # job id

    #: The job's name in the log ("render", "download").
    what = "job"

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._pending: Prog | None = None

    def keep(self, pending: Prog | None, event: Any) -> Prog:
        """What to hold for the next poll, given what is held now and a new report."""
        return cast(Prog, event)

    def report(self, event: Any) -> None:
        """Progress callback (worker thread): hold the newest report."""
        with self._lock:
            self._pending = self.keep(self._pending, event)

    def take_progress(self) -> Prog | None:
        """GUI thread: what was reported since the last call, or ``None``."""
        with self._lock:
            pending, self._pending = self._pending, None
            return pending

    def work(self, request: Req) -> object:
        """Do the job (worker thread); its return value is the result."""
        raise NotImplementedError

    @Slot(object)
    def run(self, request: Req) -> None:
        """Run one job to the end; exactly one of finished/failed/cancelled is emitted."""
        with self._lock:
            self._pending = None
        log.info("%s %d started", self.what, request.job_id)
        try:
            request.cancel.raise_if_cancelled()  # cancelled while queued
            result = self.work(request)
        except CancelledError:
            log.info("%s %d cancelled", self.what, request.job_id)
            self.cancelled.emit(request.job_id)
        except Exception as exc:  # every failure must reach the window, never kill the thread
            if request.cancel.cancelled:
                # A cancel can surface as another error (e.g. ffmpeg's pipe or a socket closed under it).
                log.info("%s %d cancelled (%s)", self.what, request.job_id, exc)
                self.cancelled.emit(request.job_id)
            else:
                expected = isinstance(exc, VidGenError)
                log.log(logging.WARNING if expected else logging.ERROR, "%s %d failed: %s", self.what,
                        request.job_id, exc, exc_info=not expected)
                self.failed.emit(request.job_id, exc)
        else:
            log.info("%s %d finished: %s", self.what, request.job_id, result)
            self.finished.emit(request.job_id, result)


class PolledRunner(QObject, Generic[Req, Prog]):
    """The GUI-thread owner of one worker thread: start, cancel, poll, finish, shut down.

    The thread is made on the first job (or at once with :meth:`_ensure_thread`) and
    lives until :meth:`shutdown`. Subclasses turn the results into their own signals in
    :meth:`_deliver`, :meth:`_succeeded`, :meth:`_failed` and :meth:`_cancelled`.
    """

    #: The :class:`JobState` value, on every change.
    state_changed = Signal(str)

    _dispatch = Signal(object)  # request -> worker.run (queued, crosses threads)

    def __init__(self, name: str, make_worker: Callable[[], PolledWorker[Req, Prog]], make_thread: Callable[[], QThread] = QThread,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._make_worker = make_worker
        self._make_thread = make_thread
        self._thread: QThread | None = None
        self._worker: PolledWorker[Req, Prog] | None = None
        self._current: Req | None = None
        self._state = JobState.IDLE
        self._shut_down = False
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // POLL_HZ)
        self._timer.timeout.connect(self._poll)

    # --- state -----------------------------------------------------------------------
    @property
    def state(self) -> JobState:
        return self._state

    def _set_state(self, state: JobState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state.value)

    # --- the thread ------------------------------------------------------------------
    def _ensure_thread(self) -> PolledWorker[Req, Prog]:
        if self._worker is None:
            thread = threads.register(self._make_thread())
            thread.setObjectName(f"vidgen-{self._name}")
            worker = self._make_worker()
            worker.moveToThread(thread)
            self._dispatch.connect(worker.run)
            worker.finished.connect(self._on_finished)
            worker.failed.connect(self._on_failed)
            worker.cancelled.connect(self._on_cancelled)
            thread.start()
            self._thread, self._worker = thread, worker
        return self._worker

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel the running job and join the thread; True when it stopped within ``timeout_ms``.

        Blocks the GUI thread, so the window cancels first and calls this once the job
        ended (or at app exit). A shut-down runner takes no more jobs.
        """
        if self._shut_down:
            return self._thread is None or not self._thread.isRunning()
        self._shut_down = True
        self._timer.stop()
        if self._current is not None:
            self._current.cancel.cancel("the app is closing")
        if self._thread is None:
            return True
        return threads.stop(self._thread, timeout_ms, self._name, log)

    # --- jobs ------------------------------------------------------------------------
    def _begin(self, request: Req) -> None:
        """Make ``request`` the running job (the caller checked nothing runs); dispatch with :meth:`_send`."""
        self._ensure_thread()
        self._current = request
        self._timer.start()
        self._set_state(JobState.RUNNING)

    def _send(self, request: Req) -> None:
        self._dispatch.emit(request)

    def _cancel_current(self, reason: str) -> bool:
        """Ask the running job to stop (a thread-safe flag); False when none runs or it is already stopping."""
        if self._current is None or self._state is not JobState.RUNNING:
            return False
        log.info("cancelling %s %d: %s", self._name, self._current.job_id, reason)
        self._current.cancel.cancel(reason)
        self._set_state(JobState.CANCELLING)
        return True

    # --- worker results (queued to the GUI thread) -----------------------------------
    @Slot()
    def _poll(self) -> None:
        if self._worker is None or self._current is None:
            return
        progress = self._worker.take_progress()
        if progress is not None:
            self._deliver(self._current, progress)

    def _end(self, job_id: int) -> Req | None:
        """The common end of a job; ``None`` when the result belongs to a job no longer tracked."""
        current = self._current
        if current is None or current.job_id != job_id:
            return None
        self._poll()  # the last report (e.g. "done") before the result
        self._timer.stop()
        self._current = None
        self._set_state(JobState.IDLE)
        return current

    @Slot(int, object)
    def _on_finished(self, job_id: int, result: object) -> None:
        request = self._end(job_id)
        if request is not None:
            self._succeeded(request, result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, exc: object) -> None:
        request = self._end(job_id)
        if request is not None:
            self._failed(request, exc)

    @Slot(int)
    def _on_cancelled(self, job_id: int) -> None:
        request = self._end(job_id)
        if request is not None:
            self._cancelled(request)

    # --- for subclasses ----------------------------------------------------------------
    def _deliver(self, request: Req, progress: Prog) -> None:
        raise NotImplementedError

    def _succeeded(self, request: Req, result: object) -> None:
        raise NotImplementedError

    def _failed(self, request: Req, exc: object) -> None:
        raise NotImplementedError

    def _cancelled(self, request: Req) -> None:
        raise NotImplementedError
