"""The database's layout, as ordered migrations.

``PRAGMA user_version`` holds the number of migrations applied. Opening a database runs
the missing ones, in order, each in its own transaction, so an old file is brought up to
date and a new one is created the same way. Never edit a released migration: append one.
A database from a newer version (``user_version`` above :data:`CURRENT`) is refused
rather than damaged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from vidgen_desktop.core.errors import VidGenError


def _v1(db: sqlite3.Connection) -> None:
    """The first history: one row per render."""
    db.execute("""
        CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL,
            wall_s REAL,
            image TEXT NOT NULL,
            audio TEXT NOT NULL,
            inputs_hash TEXT,
            settings TEXT NOT NULL,
            settings_key TEXT NOT NULL,
            tier TEXT,
            output TEXT NOT NULL,
            output_bytes INTEGER,
            error TEXT,
            hint TEXT,
            app_version TEXT,
            owner TEXT
        )""")


def _v2(db: sqlite3.Connection) -> None:
    """Resources and plan per render; the queue."""
    for column in ("requested_tier TEXT", "model TEXT", "ai_plan TEXT", "peak_ram_bytes INTEGER",
                   "peak_vram_bytes INTEGER", "error_category TEXT", "width INTEGER", "height INTEGER",
                   "fps REAL", "frames INTEGER", "duration_s REAL", "machine TEXT", "notes TEXT",
                   "queue_id INTEGER"):
        db.execute(f"ALTER TABLE history ADD COLUMN {column}")
    db.execute("""
        CREATE TABLE queue (
            id INTEGER PRIMARY KEY,
            position REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            job TEXT NOT NULL,
            options TEXT NOT NULL DEFAULT '{}',
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            owner TEXT,
            history_id INTEGER REFERENCES history(id) ON DELETE SET NULL,
            error TEXT
        )""")


def _v3(db: sqlite3.Connection) -> None:
    """Indexes for the History tab and for resume; a small key-value table (the queue's paused flag)."""
    db.execute("CREATE INDEX history_started ON history(started_at DESC)")
    db.execute("CREATE INDEX history_status ON history(status)")
    db.execute("CREATE INDEX history_resume ON history(inputs_hash, settings_key)")
    db.execute("CREATE INDEX history_tier ON history(tier, machine, status)")
    db.execute("CREATE INDEX queue_order ON queue(status, position)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


#: Applied in order; ``user_version`` N means the first N have run.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2, _v3)
CURRENT = len(MIGRATIONS)


class DatabaseVersionError(VidGenError):
    """The database was written by a newer version of the app."""


def version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite3.Connection, target: int = CURRENT) -> int:
    """Apply the missing migrations up to ``target``; returns the version before. Each step is atomic."""
    before = version(db)
    if before > CURRENT:
        raise DatabaseVersionError(
            f"the history database is from a newer version of VidGen (schema {before}, this one reads {CURRENT})",
            hint="update VidGen, or move the file vidgen.db out of the data folder to start a new history")
    for number in range(before, target):
        db.execute("BEGIN IMMEDIATE")
        try:
            if version(db) == number:  # another process may have migrated meanwhile
                MIGRATIONS[number](db)
                db.execute(f"PRAGMA user_version = {number + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return before
