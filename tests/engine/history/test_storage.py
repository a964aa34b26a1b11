"""The database: migrations, the history rows, the queue, and recovery of rows a dead process left."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from vidgen_desktop.core.job_codec import job_from_dict, job_to_dict
from vidgen_desktop.core.jobs import Fit, Motion, Quality, RenderJob, Resolution, Tier
from vidgen_desktop.engine.debris import Owner, _host_id, current_owner
from vidgen_desktop.engine.history import schema
from vidgen_desktop.engine.history.db import open_db
from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
from vidgen_desktop.engine.history.queue import QueueStore
from vidgen_desktop.engine.history.records import QueueStatus, Status


def _job(name: str = "a") -> RenderJob:
    return RenderJob(Path(f"/in/{name}.jpg"), Path(f"/in/{name}.mp3"), Path(f"/out/{name}.mp4"))


def _dead_owner() -> str:
    """The tag of a process that really ran here and has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    import psutil

    tag = Owner(_host_id(), proc.pid, round(psutil.Process(proc.pid).create_time() * 100)).tag
    proc.wait()
    return tag


def _start(store: HistoryStore, output: Path, owner: str, settings: dict[str, object] | None = None) -> int:
    return store.start(RenderStart(Path("/in/a.jpg"), Path("/in/a.mp3"), output, settings or {"tier": "auto"},
                                   "h1", "auto", "0.1.0", owner, _host_id()))


def test_job_round_trips_through_json() -> None:
    job = RenderJob(Path("/p/ä.png"), Path("/p/b.flac"), Path("/o/x.mp4"), Tier.SVD, Resolution.parse("320x180"),
                    12.0, None, Fit.PAD, Quality.HIGH, Motion.PAN_LEFT, 7)
    assert job_from_dict(job_to_dict(job)) == job
    assert job_from_dict(job_to_dict(_job())) == _job()


def test_new_database_is_current_and_in_wal_mode(tmp_path: Path) -> None:
    with open_db(tmp_path / "v.db") as db:
        assert schema.version(db.conn) == schema.CURRENT
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_upgrade_from_v1_keeps_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=1)
    conn.execute("INSERT INTO history (status, started_at, image, audio, settings, settings_key, output, tier) "
                 "VALUES ('done', 100.0, '/i.jpg', '/a.mp3', '{\"fps\": 30}', 'k', '/o.mp4', 'kenburns')")
    conn.close()
    with open_db(path) as db:
        assert schema.version(db.conn) == schema.CURRENT
        (entry,) = HistoryStore(db).list()
        assert (entry.status, entry.tier, entry.settings, entry.peak_ram_bytes) == (Status.DONE, "kenburns",
                                                                                   {"fps": 30}, None)
        assert QueueStore(db).list() == []  # the v2 table exists
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "history_started" in names


def test_newer_database_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.CURRENT + 1}")
    conn.close()
    with pytest.raises(schema.DatabaseVersionError, match="newer version"):
        open_db(path)


def test_history_start_finish_list_search_delete(tmp_path: Path) -> None:
    with open_db(tmp_path / "h.db") as db:
        store = HistoryStore(db)
        out = tmp_path / "o.mp4"
        row = _start(store, out, current_owner().tag)
        assert store.get(row).status is Status.RUNNING  # type: ignore[union-attr]
        out.write_bytes(b"x" * 10)
        store.finish(row, RenderEnd(Status.DONE, 1.5, tier="kenburns", output_bytes=10, peak_ram_bytes=123,
                                    width=320, height=180, fps=10.0, frames=10, notes=["n"]))
        failed = _start(store, tmp_path / "f.mp4", current_owner().tag)
        store.finish(failed, RenderEnd(Status.FAILED, 0.1, error="bad file", error_category="input", hint="try"))
        assert [e.id for e in store.list()] == [failed, row]
        assert [e.id for e in store.list(status=Status.DONE)] == [row]
        assert [e.id for e in store.list(search="bad FILE")] == [failed]
        assert store.list(search="100%_") == []  # LIKE wildcards are matched literally
        done = store.get(row)
        assert done is not None and done.notes == ["n"] and done.peak_ram_bytes == 123
        assert [e.id for e in store.completed("h1", done.settings_key, tmp_path)] == [row]
        assert store.delete(row, delete_file=True) and not out.exists()
        assert store.count() == 1


def test_recovery_marks_a_dead_process_rows(tmp_path: Path) -> None:
    dead, alive = _dead_owner(), current_owner().tag
    with open_db(tmp_path / "r.db") as db:
        store, queue = HistoryStore(db), QueueStore(db)
        lost = _start(store, tmp_path / "lost.mp4", dead)
        finished = tmp_path / "made.mp4"
        made = _start(store, finished, dead)
        finished.write_bytes(b"video")  # renamed into place after the row began, then the process died
        mine = _start(store, tmp_path / "mine.mp4", alive)
        qid = queue.add(_job())
        db.execute("UPDATE queue SET status='running', owner=?, history_id=? WHERE id=?", (dead, lost, qid))
    with open_db(tmp_path / "r.db") as db:
        store, queue = HistoryStore(db), QueueStore(db)
        got = {e.id: e for e in store.list()}
        assert got[lost].status is Status.INTERRUPTED and got[lost].error_category == "interrupted"
        assert got[made].status is Status.DONE and got[made].output_bytes == 5
        assert got[mine].status is Status.RUNNING  # its owner (this process) is alive
        assert queue.get(qid).status is QueueStatus.PENDING  # type: ignore[union-attr]


def test_queue_order_pause_cancel_retry_remove(tmp_path: Path) -> None:
    with open_db(tmp_path / "q.db") as db:
        q = QueueStore(db)
        a, b, c = (q.add(_job(n)) for n in "abc")
        q.move(c, 0)
        assert [e.id for e in q.list()] == [c, a, b]
        q.reorder([b, c, a])
        assert [e.id for e in q.list()] == [b, c, a]
        assert q.hold(b) and q.get(b).status is QueueStatus.PAUSED  # type: ignore[union-attr]
        q.set_paused(True)
        assert q.paused and q.claim_next("t") is None
        q.set_paused(False)
        first = q.claim_next("t")
        assert first is not None and first.id == c and first.status is QueueStatus.RUNNING
        assert not q.remove(c)  # running: stays
        q.finish(c, QueueStatus.FAILED, "boom")
        assert q.retry(c) and q.get(c).status is QueueStatus.PENDING  # type: ignore[union-attr]
        assert q.cancel(a) and q.get(a).status is QueueStatus.CANCELLED  # type: ignore[union-attr]
        assert q.release(b) and q.remove(a)
        assert [(e.id, e.status) for e in q.list()] == [(b, QueueStatus.PENDING), (c, QueueStatus.PENDING)]
        assert job_from_dict(q.get(b).job) == _job("b")  # type: ignore[union-attr]
    with open_db(tmp_path / "q.db") as db:  # survives a reopen
        assert [e.id for e in QueueStore(db).list()] == [b, c]


def test_options_round_trip_through_json() -> None:
    import json

    from vidgen_desktop.core.narration import NarrationSpec
    from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength
    from vidgen_desktop.engine.history.options import options_from_dict, options_to_dict

    ai = AiOptions(steps=12, motion=MotionStrength.HIGH, prompt="waves", allow_slow=True,
                   chain_from=ChainFrom.SOURCE, frames_per_clip=8)
    spec = NarrationSpec("Hallo Welt", engine="xtts", language="de", captions="burn", music=Path("/m/ü.mp3"),
                         voice_sample=Path("/v.wav"), seed=3)
    stored = json.loads(json.dumps(options_to_dict(ai, spec)))
    assert options_from_dict(stored) == (ai, spec)
    assert options_from_dict({}) == (AiOptions(), None)
