"""Rows a dead process left ``running``: found by their owner tag (:mod:`engine.debris`'s pid + start time).

A history row becomes ``interrupted``, unless its video is in place, written after the row
began: the encoder renames the finished file into place as its very last step, so the
render completed and only the row's ending was lost; it becomes ``done``. A queue job
goes back to ``pending`` (``done`` if its render completed), so the next run continues
with it: no job lost, none rendered twice.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from vidgen_desktop.engine.debris import parse_owner
from vidgen_desktop.engine.history.records import QueueStatus, Status
from vidgen_desktop.engine.history.sql import now, transaction

log = logging.getLogger(__name__)

#: File times and the row's clock may differ this much (coarse file system times).
MTIME_SLACK_S = 2.0
RECOVERED_NOTE = "the app ended before this render was recorded as finished; the video was complete"


def owner_gone(owner: str | None) -> bool:
    """True when the process that wrote ``owner`` has ended on this machine (None: no owner, gone)."""
    if not owner:
        return True
    parsed = parse_owner(owner + "-")
    return parsed is None or parsed.is_gone()


def _finished_file(output: str, started_at: float) -> int | None:
    try:
        st = Path(output).stat()
    except OSError:
        return None
    return st.st_size if st.st_size > 0 and st.st_mtime >= started_at - MTIME_SLACK_S else None


def recover_stale(db: sqlite3.Connection) -> tuple[int, int]:
    """Mark history rows and queue jobs of dead processes; returns (history rows, queue jobs) changed."""
    rows = db.execute("SELECT id, owner, output, started_at FROM history WHERE status=?",
                      (Status.RUNNING.value,)).fetchall()
    changed_h = 0
    done_ids: set[int] = set()
    for row in rows:
        if not owner_gone(row["owner"]):
            continue
        size = _finished_file(row["output"], row["started_at"])
        with transaction(db):
            if size is not None:
                db.execute("UPDATE history SET status=?, output_bytes=?, notes=?, owner=NULL WHERE id=? AND status=?",
                           (Status.DONE.value, size, f'["{RECOVERED_NOTE}"]', row["id"], Status.RUNNING.value))
                done_ids.add(row["id"])
            else:
                db.execute("UPDATE history SET status=?, ended_at=?, error=?, error_category=?, owner=NULL "
                           "WHERE id=? AND status=?",
                           (Status.INTERRUPTED.value, now(), "the app ended during this render", "interrupted",
                            row["id"], Status.RUNNING.value))
        changed_h += 1
    jobs = db.execute("SELECT id, owner, history_id FROM queue WHERE status=?",
                      (QueueStatus.RUNNING.value,)).fetchall()
    changed_q = 0
    for job in jobs:
        if not owner_gone(job["owner"]):
            continue
        status = QueueStatus.DONE if job["history_id"] in done_ids or _history_done(db, job["history_id"]) \
            else QueueStatus.PENDING
        db.execute("UPDATE queue SET status=?, owner=NULL, updated_at=? WHERE id=? AND status=?",
                   (status.value, now(), job["id"], QueueStatus.RUNNING.value))
        changed_q += 1
    if changed_h or changed_q:
        log.info("recovered %d history row(s) and %d queued job(s) left by ended processes", changed_h, changed_q)
    return changed_h, changed_q


def _history_done(db: sqlite3.Connection, history_id: int | None) -> bool:
    if history_id is None:
        return False
    row = db.execute("SELECT status FROM history WHERE id=?", (history_id,)).fetchone()
    return row is not None and row["status"] == Status.DONE.value
