"""The queue after kill -9 of the process running it: the interrupted job runs again, none is lost or run twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.media_factory import textured_image, tone
from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.engine.history.db import open_db
from vidgen_desktop.engine.history.history import HistoryStore
from vidgen_desktop.engine.history.queue import QueueStore
from vidgen_desktop.engine.history.records import QueueStatus, Status
from vidgen_desktop.engine.history.runner import run_queue

RUNNER = "from vidgen_desktop.engine.history.db import open_db\n" \
         "from vidgen_desktop.engine.history.runner import run_queue\n" \
         "with open_db() as db:\n    run_queue(db)\n"


def test_queue_continues_after_kill_9(tmp_path: Path) -> None:
    image = textured_image(tmp_path / "p.png", (320, 240))
    audio = tone(tmp_path / "s.wav", 2.0)
    out = tmp_path / "out"
    out.mkdir()
    with open_db() as db:
        q = QueueStore(db)
        ids = [q.add(RenderJob(image, audio, out / f"{n}.mp4", Tier.KENBURNS, Resolution.parse("320x180"), 25.0))
               for n in ("one", "two", "three")]
    proc = subprocess.Popen([sys.executable, "-c", RUNNER], env={**os.environ, "OMP_NUM_THREADS": "1"})
    try:
        deadline = time.monotonic() + 90
        with open_db(recover=False) as db:
            while time.monotonic() < deadline and proc.poll() is None:
                job = QueueStore(db).get(ids[1])
                if job is not None and job.status is QueueStatus.RUNNING and job.history_id is not None:
                    break
                time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    with open_db() as db:  # the next start: recovery puts the job back
        q = QueueStore(db)
        assert [q.get(i).status for i in ids] == [  # type: ignore[union-attr]
            QueueStatus.DONE, QueueStatus.PENDING, QueueStatus.PENDING]
        outcomes = run_queue(db)
        assert [o.entry.id for o in outcomes] == ids[1:]
        assert all(q.get(i).status is QueueStatus.DONE for i in ids)  # type: ignore[union-attr]
        rows = HistoryStore(db).list()
    assert sorted(os.listdir(out)) == ["one.mp4", "three.mp4", "two.mp4"]  # no partial file left
    done = sorted(r.output.name for r in rows if r.status is Status.DONE)
    assert done == ["one.mp4", "three.mp4", "two.mp4"]  # each rendered once to the end
    assert [r.status for r in rows if r.output.name == "two.mp4"] == [Status.DONE, Status.INTERRUPTED]
