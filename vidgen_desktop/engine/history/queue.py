"""The render queue's storage: ordered jobs that survive a restart.

The window's queue list and a runner read and write it through this class only. Jobs run
one at a time in ``position`` order; :meth:`claim_next` takes the first ``pending`` one
atomically (two processes never take the same job) and marks it ``running`` with this
process's owner tag, so a crash puts it back to ``pending`` on the next open
(:mod:`.recovery`). The whole queue can be paused (a flag: the running job finishes,
no new one starts); a single job can be held back (``paused``) too.

Statuses: pending → running → done | failed | cancelled; pending ⇄ paused;
failed/cancelled → pending again with :meth:`retry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vidgen_desktop.core.job_codec import job_to_dict, stable_json
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.engine.history.db import Database, now
from vidgen_desktop.engine.history.records import QueueEntry, QueueStatus

_PAUSED_KEY = "queue_paused"
_WAITING = (QueueStatus.PENDING.value, QueueStatus.PAUSED.value)


class QueueStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- adding and reading -------------------------------------------------------
    def add(self, job: RenderJob, options: dict[str, Any] | None = None, label: str = "") -> int:
        """Append a job (``options``: :func:`.options.options_to_dict`); returns its id."""
        t = now()
        with self.db.transaction():
            top = self.db.execute("SELECT COALESCE(MAX(position), 0) FROM queue").fetchone()[0]
            cur = self.db.execute(
                "INSERT INTO queue (position, status, job, options, label, created_at, updated_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (top + 1, QueueStatus.PENDING.value, stable_json(job_to_dict(job)), stable_json(options or {}),
                 label or job.audio.name, t, t))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def get(self, job_id: int) -> QueueEntry | None:
        row = self.db.execute("SELECT * FROM queue WHERE id=?", (job_id,)).fetchone()
        return QueueEntry.from_row(row) if row else None

    def list(self, statuses: Sequence[QueueStatus] = ()) -> list[QueueEntry]:
        """In queue order (``statuses``: only those)."""
        if statuses:
            marks = ",".join("?" * len(statuses))
            rows = self.db.execute(f"SELECT * FROM queue WHERE status IN ({marks}) ORDER BY position, id",
                                   tuple(s.value for s in statuses))
        else:
            rows = self.db.execute("SELECT * FROM queue ORDER BY position, id")
        return [QueueEntry.from_row(r) for r in rows.fetchall()]

    # --- order --------------------------------------------------------------------
    def reorder(self, ids: Sequence[int]) -> None:
        """Put the given jobs in this order (a drag in the list sends the new order of all rows)."""
        with self.db.transaction():
            for pos, job_id in enumerate(ids, 1):
                self.db.execute("UPDATE queue SET position=?, updated_at=? WHERE id=?", (float(pos), now(), job_id))

    def move(self, job_id: int, index: int) -> None:
        """Move one job to ``index`` (0 = first) among all jobs."""
        order = [e.id for e in self.list() if e.id != job_id]
        order.insert(max(0, min(index, len(order))), job_id)
        self.reorder(order)

    # --- the queue as a whole -----------------------------------------------------
    @property
    def paused(self) -> bool:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (_PAUSED_KEY,)).fetchone()
        return row is not None and row["value"] == "1"

    def set_paused(self, paused: bool) -> None:
        self.db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                        (_PAUSED_KEY, "1" if paused else "0"))

    # --- one job ------------------------------------------------------------------
    def _set(self, job_id: int, status: QueueStatus, only_from: Sequence[str], **extra: object) -> bool:
        sets = "".join(f", {k}=?" for k in extra)
        marks = ",".join("?" * len(only_from))
        cur = self.db.execute(f"UPDATE queue SET status=?, updated_at=?{sets} WHERE id=? AND status IN ({marks})",
                              (status.value, now(), *extra.values(), job_id, *only_from))
        return cur.rowcount == 1

    def hold(self, job_id: int) -> bool:
        """Keep a pending job from starting (``paused``)."""
        return self._set(job_id, QueueStatus.PAUSED, (QueueStatus.PENDING.value,))

    def release(self, job_id: int) -> bool:
        return self._set(job_id, QueueStatus.PENDING, (QueueStatus.PAUSED.value,))

    def cancel(self, job_id: int) -> bool:
        """Cancel a waiting job. A running one is cancelled through its CancelToken; the runner then
        records it with :meth:`finish`."""
        return self._set(job_id, QueueStatus.CANCELLED, _WAITING)

    def retry(self, job_id: int) -> bool:
        return self._set(job_id, QueueStatus.PENDING, (QueueStatus.FAILED.value, QueueStatus.CANCELLED.value),
                         error=None, history_id=None)

    def remove(self, job_id: int) -> bool:
        """Delete a job that is not running."""
        cur = self.db.execute("DELETE FROM queue WHERE id=? AND status != ?", (job_id, QueueStatus.RUNNING.value))
        return cur.rowcount == 1

    def clear_finished(self) -> int:
        cur = self.db.execute("DELETE FROM queue WHERE status IN (?, ?)",
                              (QueueStatus.DONE.value, QueueStatus.CANCELLED.value))
        return cur.rowcount

    # --- running ------------------------------------------------------------------
    def claim_next(self, owner: str) -> QueueEntry | None:
        """Take the first pending job (none while the queue is paused): it becomes ``running``, owned by ``owner``."""
        with self.db.transaction():
            if self.paused:
                return None
            row = self.db.execute("SELECT id FROM queue WHERE status=? ORDER BY position, id LIMIT 1",
                                  (QueueStatus.PENDING.value,)).fetchone()
            if row is None:
                return None
            self.db.execute("UPDATE queue SET status=?, owner=?, updated_at=? WHERE id=?",
                            (QueueStatus.RUNNING.value, owner, now(), row["id"]))
        return self.get(row["id"])

    def attach_history(self, job_id: int, history_id: int) -> None:
        self.db.execute("UPDATE queue SET history_id=? WHERE id=?", (history_id, job_id))

    def finish(self, job_id: int, status: QueueStatus, error: str | None = None) -> None:
        self.db.execute("UPDATE queue SET status=?, error=?, owner=NULL, updated_at=? WHERE id=?",
                        (status.value, error, now(), job_id))
