"""The History tab's and the time estimate's reads and writes, as plain blocking functions for the pool.

Each call opens the database on the thread it runs on and closes it (sqlite3 connections
belong to their thread; opening costs about a millisecond in WAL mode), so any pool
thread may run any of them. The window runs them through
:class:`~vidgen_desktop.bridge.query_op.QueryOp`; nothing here touches Qt.

* :func:`history_page`: one window of rows (newest first) for the History table, already
  as display text, with the total for the filter, so the tab opens at once however long
  the history is and fetches more as the user scrolls.
* :func:`history_entry`, :func:`delete_entry`, :func:`render_again`: one entry's actions.
* :func:`estimate_job`: "about 2 min", learnt from past renders (or the plan).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.jobs import RenderJob

if TYPE_CHECKING:
    from vidgen_desktop.engine.history.db import Database
    from vidgen_desktop.engine.history.records import HistoryEntry

#: Rows per page of the History table (the first screen and each scroll past the end).
PAGE = 200
#: The status filter's choices: (label, stored status or "" for all).
STATUS_CHOICES = (("All", ""), ("Done", "done"), ("Failed", "failed"), ("Cancelled", "cancelled"),
                  ("Interrupted", "interrupted"), ("Running", "running"))


@dataclass(frozen=True)
class HistoryQuery:
    search: str = ""
    status: str = ""  # "" = every status


@dataclass(frozen=True)
class HistoryPage:
    query: HistoryQuery
    offset: int
    total: int
    #: (id, status, output path, texts in ``engine.history.format.COLUMNS`` order) per row.
    rows: list[tuple[int, str, str, tuple[str, ...]]]


@dataclass(frozen=True)
class Estimate:
    seconds: float
    #: "history", "plan" or "model" (``engine.history.estimate.TimeEstimate.source``).
    source: str
    samples: int
    text: str


@contextlib.contextmanager
def _db(path: Path, *, create: bool = False) -> Iterator[Database | None]:
    """This thread's connection for one call; ``None`` when there is no database yet (nothing rendered)."""
    from vidgen_desktop.engine.history.db import open_db

    if not create and not path.exists():
        yield None
        return
    db = open_db(path, recover=False)
    try:
        yield db
    finally:
        db.close()


def history_page(path: Path, query: HistoryQuery, offset: int = 0, limit: int = PAGE) -> HistoryPage:
    from vidgen_desktop.engine.history.format import history_rows
    from vidgen_desktop.engine.history.records import Status

    status = Status(query.status) if query.status else None
    with _db(path) as db:
        if db is None:
            return HistoryPage(query, offset, 0, [])
        from vidgen_desktop.engine.history.history import HistoryStore

        store = HistoryStore(db)
        total = store.count(status=status, search=query.search)
        rows = store.display_rows(limit=limit, offset=offset, status=status, search=query.search)
    texts = history_rows(rows, time.time())
    return HistoryPage(query, offset, total, [(r.id, r.status, r.output, t) for r, t in zip(rows, texts, strict=True)])


def history_entry(path: Path, row_id: int) -> HistoryEntry | None:
    from vidgen_desktop.engine.history.history import HistoryStore

    with _db(path) as db:
        return HistoryStore(db).get(row_id) if db is not None else None


def delete_entry(path: Path, row_id: int, delete_file: bool) -> bool:
    """Remove the entry (and its video when asked). False when it was not there."""
    from vidgen_desktop.engine.history.history import HistoryStore

    with _db(path) as db:
        return HistoryStore(db).delete(row_id, delete_file=delete_file) if db is not None else False


def render_again(path: Path, row_id: int) -> tuple[RenderJob, Any, Any] | None:
    """(job, AI options, narration) of a past render, or None when the entry is gone."""
    from vidgen_desktop.engine.history.options import render_again as again

    entry = history_entry(path, row_id)
    return again(entry) if entry is not None else None


def estimate_job(path: Path, job: RenderJob, ai: Any = None) -> Estimate:
    """How long ``job`` will take here (probes the sound: blocking)."""
    from vidgen_desktop.engine.history.estimate import estimate_for_job

    with _db(path) as db:
        est = estimate_for_job(job, db=db, ai=ai)
    return Estimate(est.seconds, est.source, est.samples, est.phrase)


def estimate_text(est: Estimate) -> str:
    """"about 2 min on this computer (from 4 past renders)"."""
    where = {"history": f"from {est.samples} past render{'s' if est.samples != 1 else ''}",
             "plan": "from the AI plan", "model": "a first guess: no past renders yet"}.get(est.source, est.source)
    return f"{est.text} on this computer ({where})"
