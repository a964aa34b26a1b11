"""Run the queue: one job at a time, in order, until none is pending (or the queue is paused or cancelled).

The window runs this on its render thread (one call per "Render" press, or per job with
``max_jobs=1`` to stay responsive between jobs); the benchmark runs it with 100 jobs. Each job
is a :func:`.tracked.tracked_render`, so the queue and the history agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.core.job_codec import job_from_dict
from vidgen_desktop.core.progress import ProgressCallback, ignore_progress
from vidgen_desktop.engine.debris import current_owner
from vidgen_desktop.engine.history.db import Database
from vidgen_desktop.engine.history.options import options_from_dict
from vidgen_desktop.engine.history.queue import QueueStore
from vidgen_desktop.engine.history.records import QueueEntry, QueueStatus


@dataclass(frozen=True)
class JobOutcome:
    entry: QueueEntry
    status: QueueStatus
    result: Any = None  # RenderResult on success
    error: BaseException | None = None


def run_queue(db: Database, *, cancel: CancelToken | None = None, on_progress: ProgressCallback = ignore_progress,
              on_start: Callable[[QueueEntry], None] | None = None,
              on_end: Callable[[JobOutcome], None] | None = None, max_jobs: int | None = None,
              render: Callable[..., Any] | None = None) -> list[JobOutcome]:
    """Claim and render pending jobs. A cancel stops the running job (recorded ``cancelled``) and the run;
    a failing job is recorded ``failed`` and the next one starts. ``render`` replaces
    :func:`.tracked.tracked_render` (tests)."""
    if render is None:
        from vidgen_desktop.engine.history.tracked import tracked_render

        render = tracked_render
    cancel = cancel or CancelToken()
    store = QueueStore(db)
    owner = current_owner().tag
    outcomes: list[JobOutcome] = []
    while (max_jobs is None or len(outcomes) < max_jobs) and not cancel.cancelled:
        entry = store.claim_next(owner)
        if entry is None:
            break
        if on_start is not None:
            on_start(entry)
        try:
            job = job_from_dict(entry.job)
            ai, narration = options_from_dict(entry.options)
            result = render(job, ai=ai, narration=narration, on_progress=on_progress, cancel=cancel, db=db,
                            queue_id=entry.id)
        except CancelledError as exc:
            store.finish(entry.id, QueueStatus.CANCELLED, exc.message)
            outcome = JobOutcome(entry, QueueStatus.CANCELLED, error=exc)
        except Exception as exc:  # noqa: BLE001 - recorded as the job's failure; the queue goes on
            message = exc.message if isinstance(exc, VidGenError) else f"{type(exc).__name__}: {exc}"
            store.finish(entry.id, QueueStatus.FAILED, message)
            outcome = JobOutcome(entry, QueueStatus.FAILED, error=exc)
        else:
            store.finish(entry.id, QueueStatus.DONE)
            outcome = JobOutcome(entry, QueueStatus.DONE, result=result)
        outcomes.append(outcome)
        if on_end is not None:
            on_end(outcome)
    return outcomes
