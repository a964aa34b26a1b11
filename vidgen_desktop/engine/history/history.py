"""The history table: a row written when a render starts, completed when it ends.

``start`` → ``finish`` is the whole life of a row; a process killed between the two
leaves ``running``, which :mod:`.recovery` turns into ``interrupted`` on the next open.
Reading is by pages, newest first, with a status filter and a text search (what the
History tab shows), and by (inputs, settings) for resume.
"""

from __future__ import annotations

import builtins
import contextlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from vidgen_desktop.core.job_codec import settings_key, stable_json
from vidgen_desktop.engine.history.db import Database, now
from vidgen_desktop.engine.history.records import HistoryEntry, Status


@dataclass(frozen=True)
class RenderStart:
    """What is known when a render starts."""

    image: Path
    audio: Path
    output: Path
    settings: dict[str, Any]
    inputs_hash: str | None
    requested_tier: str
    app_version: str
    owner: str
    machine: str
    queue_id: int | None = None


@dataclass(frozen=True)
class RenderEnd:
    """What is known when it ends (any field may be unknown after a failure)."""

    status: Status
    wall_s: float
    tier: str | None = None
    model: str | None = None
    ai_plan: dict[str, Any] | None = None
    output_bytes: int | None = None
    peak_ram_bytes: int | None = None
    peak_vram_bytes: int | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    frames: int | None = None
    duration_s: float | None = None
    error: str | None = None
    error_category: str | None = None
    hint: str | None = None
    notes: Sequence[str] = field(default=())


class DisplayRow(NamedTuple):
    """The columns a list of renders shows, as stored (paths as text): cheap enough for 10,000 rows."""

    id: int
    status: str
    started_at: float
    image: str
    audio: str
    output: str
    tier: str | None
    wall_s: float | None
    peak_ram_bytes: int | None
    peak_vram_bytes: int | None
    error: str | None


_DISPLAY_SQL = ("SELECT id, status, started_at, image, audio, output, COALESCE(tier, requested_tier), wall_s, "
                "peak_ram_bytes, peak_vram_bytes, error FROM history")


class HistoryStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def start(self, s: RenderStart) -> int:
        cur = self.db.execute(
            "INSERT INTO history (status, started_at, image, audio, inputs_hash, settings, settings_key, "
            "requested_tier, output, app_version, owner, machine, queue_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (Status.RUNNING.value, now(), str(s.image), str(s.audio), s.inputs_hash, stable_json(s.settings),
             settings_key(s.settings), s.requested_tier, str(s.output), s.app_version, s.owner, s.machine,
             s.queue_id))
        assert cur.lastrowid is not None
        return cur.lastrowid

    def finish(self, row_id: int, e: RenderEnd) -> None:
        self.db.execute(
            "UPDATE history SET status=?, ended_at=?, wall_s=?, tier=?, model=?, ai_plan=?, output_bytes=?, "
            "peak_ram_bytes=?, peak_vram_bytes=?, width=?, height=?, fps=?, frames=?, duration_s=?, error=?, "
            "error_category=?, hint=?, notes=?, owner=NULL WHERE id=?",
            (e.status.value, now(), e.wall_s, e.tier, e.model, json.dumps(e.ai_plan) if e.ai_plan else None,
             e.output_bytes, e.peak_ram_bytes, e.peak_vram_bytes, e.width, e.height, e.fps, e.frames, e.duration_s,
             e.error, e.error_category, e.hint or None, json.dumps(list(e.notes)) if e.notes else None, row_id))

    def get(self, row_id: int) -> HistoryEntry | None:
        row = self.db.execute("SELECT * FROM history WHERE id=?", (row_id,)).fetchone()
        return HistoryEntry.from_row(row) if row else None

    def list(self, *, limit: int = 100, offset: int = 0, status: Status | None = None,
             search: str = "") -> builtins.list[HistoryEntry]:
        """Newest first (by id: rows are written as renders start). ``search`` matches the picture, sound and output paths and the error (case-insensitive)."""
        where, params = self._filter(status, search)
        rows = self.db.execute(f"SELECT * FROM history {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                               (*params, limit, offset)).fetchall()
        return [HistoryEntry.from_row(r) for r in rows]

    def display_rows(self, *, limit: int = 10_000, offset: int = 0, status: Status | None = None,
                     search: str = "") -> builtins.list[DisplayRow]:
        """Like :meth:`list` but only the shown columns, as plain tuples (the History tab's model);
        :meth:`get` fetches the whole entry of the one the user opens."""
        where, params = self._filter(status, search)
        cur = self.db.conn.cursor()
        cur.row_factory = None  # plain tuples: several times faster than sqlite3.Row for thousands of rows
        cur.execute(f"{_DISPLAY_SQL} {where} ORDER BY id DESC LIMIT ? OFFSET ?",
                    (*params, limit, offset))
        return [DisplayRow._make(r) for r in cur.fetchall()]

    def count(self, *, status: Status | None = None, search: str = "") -> int:
        where, params = self._filter(status, search)
        return int(self.db.execute(f"SELECT COUNT(*) FROM history {where}", params).fetchone()[0])

    @staticmethod
    def _filter(status: Status | None, search: str) -> tuple[str, tuple[object, ...]]:
        clauses: list[str] = []
        params: list[object] = []
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        if search.strip():
            like = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            clauses.append("(image LIKE ? ESCAPE '\\' OR audio LIKE ? ESCAPE '\\' OR output LIKE ? ESCAPE '\\' "
                           "OR error LIKE ? ESCAPE '\\')")
            params += [like] * 4
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

    def delete(self, row_id: int, *, delete_file: bool = False) -> bool:
        """Remove an entry (and, if asked, its video). False when there was no such entry."""
        entry = self.get(row_id)
        if entry is None:
            return False
        if delete_file and entry.status is Status.DONE:
            with contextlib.suppress(FileNotFoundError):
                entry.output.unlink()
        self.db.execute("DELETE FROM history WHERE id=?", (row_id,))
        return True

    def completed(self, inputs_hash: str, key: str, folder: Path | None = None) -> builtins.list[HistoryEntry]:
        """Finished renders of these inputs with these settings whose video is still there (into ``folder``)."""
        rows = self.db.execute("SELECT * FROM history WHERE inputs_hash=? AND settings_key=? AND status=? "
                               "ORDER BY id DESC", (inputs_hash, key, Status.DONE.value)).fetchall()
        found = [HistoryEntry.from_row(r) for r in rows]
        return [e for e in found if e.output.is_file() and (folder is None or e.output.parent == folder)]

    def recent_done(self, tier: str, machine: str, limit: int = 20) -> builtins.list[HistoryEntry]:
        """The newest successful renders of ``tier`` on ``machine`` (the estimates learn from them)."""
        rows = self.db.execute("SELECT * FROM history WHERE tier=? AND machine=? AND status=? AND frames > 0 "
                               "ORDER BY started_at DESC LIMIT ?", (tier, machine, Status.DONE.value, limit))
        return [HistoryEntry.from_row(r) for r in rows.fetchall()]
