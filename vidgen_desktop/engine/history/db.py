"""Opening the database: one file ``vidgen.db`` in the data folder, WAL, migrated, stale rows recovered.

::

    with open_db() as db:          # or open_db(path) in tests
        HistoryStore(db).list(limit=20)

A connection belongs to the thread that opened it (sqlite3's rule): each thread opens its
own; WAL lets readers and one writer work at once across threads and processes, and
``busy_timeout`` makes a writer wait for another instead of failing.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from vidgen_desktop.engine.history.recovery import recover_stale
from vidgen_desktop.engine.history.schema import migrate
from vidgen_desktop.engine.history.sql import now, transaction

__all__ = ["DB_NAME", "Database", "default_db_path", "now", "open_db"]

if TYPE_CHECKING:
    from typing_extensions import Self

DB_NAME = "vidgen.db"
BUSY_TIMEOUT_MS = 10_000


def default_db_path() -> Path:
    from vidgen_desktop.core.paths import app_paths

    return app_paths().home / DB_NAME


class Database:
    """One connection, in autocommit mode; :meth:`transaction` groups writes."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return transaction(self.conn)

    def execute(self, sql: str, params: tuple[object, ...] | dict[str, object] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def open_db(path: Path | None = None, *, recover: bool = True) -> Database:
    """Open (creating and migrating) the database; with ``recover``, rows left ``running`` by a process
    that has ended become ``interrupted`` (history) or ``pending`` again (queue)."""
    path = path or default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a power cut may lose the last commit, never corrupts
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn)
    except BaseException:
        conn.close()
        raise
    if recover:
        recover_stale(conn)
    return Database(path, conn)
