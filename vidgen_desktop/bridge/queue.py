"""The window's render queue: jobs kept in the database, run one at a time through the render controller.

:class:`QueueService` lives on the GUI thread and wraps
:class:`~vidgen_desktop.engine.history.queue.QueueStore` on its own connection (sqlite3
connections belong to their thread; every statement here is a single indexed write or a
read of a few rows, so the GUI never waits on it). Running a job is the Render button's
pipeline: :meth:`RenderController.start` with the job's ``queue_id``, so the render thread
records the history row through ``tracked_render`` and points it back at the job.

* :meth:`start` claims the first pending job and renders it; when it ends the next one
  starts, until none is pending, the queue is paused, or :meth:`stop` was asked.
* :meth:`cancel_job` on the running job cancels its render (recorded ``cancelled``) and the
  queue goes on with the next one; on a waiting job it marks it ``cancelled``.
* Pausing lets the running job finish and starts no new one; resuming goes on.
* The jobs stay in the database: a new window finds them (a job that was running when
  the app died is ``pending`` again, by the database's recovery on open).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressEvent

if TYPE_CHECKING:
    from vidgen_desktop.engine.history.db import Database
    from vidgen_desktop.engine.history.queue import QueueStore
    from vidgen_desktop.engine.history.records import QueueEntry

log = logging.getLogger(__name__)


class QueueService(QObject):
    """The queue's state and its run. All signals fire on the GUI thread."""

    #: The list of jobs changed (added, removed, reordered, a status changed).
    changed = Signal()
    #: (job id, ProgressEvent) of the running job.
    progress = Signal(int, object)
    #: (job id, status value) when a job ends.
    job_finished = Signal(int, str)
    #: The run ended with nothing left to do: (done, failed, cancelled) counted over this run.
    finished = Signal(int, int, int)
    #: Running or not (the Render button's text follows it).
    running_changed = Signal(bool)

    def __init__(self, db_path: Path, controller: RenderController,
                 decide: Callable[[Tier], Any] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db_path = db_path
        self._controller = controller
        self._decide = decide
        self._db: Database | None = None
        self._store_obj: QueueStore | None = None
        self._current: int | None = None
        self._running = False
        self._counts = [0, 0, 0]
        self._resume = False  # the run stopped at a pause: resuming starts it again
        self._requeue = False  # a job cancelled because the app closes waits again
        controller.succeeded.connect(self._on_succeeded)
        controller.failed.connect(self._on_failed)
        controller.cancelled.connect(self._on_cancelled)
        controller.progress.connect(self._on_progress)

    # ------------------------------------------------------------------ storage
    def _store(self) -> QueueStore:
        if self._store_obj is None:
            from vidgen_desktop.engine.history.db import open_db
            from vidgen_desktop.engine.history.queue import QueueStore

            self._db = open_db(self._db_path)  # recovers jobs a dead process left running
            self._store_obj = QueueStore(self._db)
        return self._store_obj

    def set_decide(self, decide: Callable[[Tier], Any]) -> None:
        """How a job's tier becomes the render's decision (the window's hardware probe)."""
        self._decide = decide

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db, self._store_obj = None, None

    # ------------------------------------------------------------------ reading
    def entries(self) -> list[QueueEntry]:
        return self._store().list()

    def pending_count(self) -> int:
        from vidgen_desktop.engine.history.records import QueueStatus

        return len(self._store().list((QueueStatus.PENDING,)))

    @property
    def running(self) -> bool:
        return self._running

    @property
    def current(self) -> int | None:
        """The id of the job rendering now."""
        return self._current

    @property
    def paused(self) -> bool:
        return self._store().paused

    # ------------------------------------------------------------------ editing
    def add(self, job: RenderJob, ai: Any = None, narration: NarrationSpec | None = None) -> int:
        """Append a job with its AI options and narration; returns its id."""
        from vidgen_desktop.engine.history.options import options_to_dict

        label = "Narration" if narration is not None else job.audio.name
        job = replace(job, output=self.free_output(job.output))
        job_id = self._store().add(job, options_to_dict(ai, narration), label)
        self.changed.emit()
        return job_id

    def free_output(self, output: Path) -> Path:
        """``output``, numbered when a file or another waiting job already has that name (never overwrite)."""
        from vidgen_desktop.engine.history.records import QueueStatus

        taken = {Path(e.job.get("output", "")) for e in self._store().list((QueueStatus.PENDING, QueueStatus.PAUSED,
                                                                                QueueStatus.RUNNING))}
        candidate, n = output, 2
        while candidate in taken or candidate.exists():
            candidate = output.with_name(f"{output.stem} ({n}){output.suffix}")
            n += 1
        return candidate

    def reorder(self, ids: Sequence[int]) -> None:
        self._store().reorder(ids)
        self.changed.emit()

    def remove(self, job_id: int) -> bool:
        ok = self._store().remove(job_id)
        self.changed.emit()
        return ok

    def retry(self, job_id: int) -> bool:
        ok = self._store().retry(job_id)
        self.changed.emit()
        return ok

    def clear_finished(self) -> int:
        n = self._store().clear_finished()
        self.changed.emit()
        return n

    def cancel_job(self, job_id: int) -> bool:
        """Cancel one job: the running one through its render (the queue goes on), a waiting one at once."""
        if job_id == self._current:
            self._controller.cancel()
            return True
        ok = self._store().cancel(job_id)
        self.changed.emit()
        return ok

    def set_paused(self, paused: bool) -> None:
        """Pause: the running job finishes, no new one starts. Resume: go on (if the queue was started)."""
        self._store().set_paused(paused)
        self.changed.emit()
        if not paused and self._resume:
            self._resume = False
            self.start()
        elif not paused and self._running and self._current is None:
            self._next()

    # ------------------------------------------------------------------ running
    def start(self) -> bool:
        """Render the pending jobs, one after the other. False when the render thread is busy or nothing waits."""
        if self._running or self._controller.busy:
            return False
        if self.paused:
            self._store().set_paused(False)
        self._running = True
        self._counts = [0, 0, 0]
        self.running_changed.emit(True)
        self._next()
        return self._running

    def stop(self, *, requeue: bool = False) -> None:
        """Cancel the running job and start no other (the window's Cancel). ``requeue`` (closing the app): the
        cancelled job waits again, first in line, so the next start makes it."""
        was = self._running
        self._running = self._resume = False
        self._requeue = requeue
        if self._current is not None:
            self._controller.cancel()
        elif was:
            self.running_changed.emit(False)

    def _next(self) -> None:
        from vidgen_desktop.core.job_codec import job_from_dict
        from vidgen_desktop.engine.debris import current_owner
        from vidgen_desktop.engine.history.options import options_from_dict
        from vidgen_desktop.engine.history.records import QueueStatus

        store = self._store()
        while self._running:
            entry = store.claim_next(current_owner().tag)
            if entry is None:
                self._end_run()
                return
            try:
                job = job_from_dict(entry.job)
                ai, narration = options_from_dict(entry.options)
                decision = self._decide(job.tier) if self._decide is not None else None
            except VidGenError as exc:
                store.finish(entry.id, QueueStatus.FAILED, exc.message)
                self._counts[1] += 1
                self.job_finished.emit(entry.id, QueueStatus.FAILED.value)
                continue
            if not self._controller.start(job, decision, ai=ai, narration=narration, queue_id=entry.id):
                store.finish(entry.id, QueueStatus.PENDING)  # the render thread was taken: try later
                self._running = False
                self.changed.emit()
                self.running_changed.emit(False)
                return
            self._current = entry.id
            self.changed.emit()
            return

    def _end_run(self) -> None:
        paused = self.paused
        self._running = False
        self._resume = paused
        self.changed.emit()
        self.running_changed.emit(False)
        if not paused:
            done, failed, cancelled = self._counts
            self.finished.emit(done, failed, cancelled)

    def _ended(self, status: str, error: str | None = None) -> None:
        from vidgen_desktop.engine.history.records import QueueStatus

        job_id, self._current = self._current, None
        if job_id is None:
            return
        if status == "cancelled" and self._requeue:
            self._requeue = False
            self._store().finish(job_id, QueueStatus.PENDING)
            self.changed.emit()
            self.running_changed.emit(False)
            return
        self._store().finish(job_id, QueueStatus(status), error)
        self._counts[("done", "failed", "cancelled").index(status)] += 1
        self.job_finished.emit(job_id, status)
        self.changed.emit()
        if self._running:  # after every other handler of this result has run (the window shows it first)
            QTimer.singleShot(0, self._continue)
        else:
            self.running_changed.emit(False)

    @Slot()
    def _continue(self) -> None:
        if self._running and self._current is None and not self._controller.busy:
            self._next()

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._ended("done")

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, VidGenError) else f"{type(exc).__name__}: {exc}"
        self._ended("failed", message)

    @Slot()
    def _on_cancelled(self) -> None:
        self._ended("cancelled", "cancelled by the user")

    @Slot(object)
    def _on_progress(self, event: ProgressEvent) -> None:
        if self._current is not None:
            self.progress.emit(self._current, event)
