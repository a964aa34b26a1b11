"""tracked_render: real renders leave complete history rows (success, failure, cancel); the queue runner."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError
from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.history.db import open_db
from vidgen_desktop.engine.history.history import HistoryStore
from vidgen_desktop.engine.history.options import options_to_dict, render_again
from vidgen_desktop.engine.history.queue import QueueStore
from vidgen_desktop.engine.history.records import QueueStatus, Status
from vidgen_desktop.engine.history.runner import run_queue
from vidgen_desktop.engine.history.sampler import ResourceSampler, tree_rss
from vidgen_desktop.engine.history.tracked import tracked_render


def _job(media: dict[str, Path], out: Path, audio: Path | None = None) -> RenderJob:
    return RenderJob(media["image"], audio or media["wav"], out, Tier.KENBURNS, Resolution.parse("160x96"), 10.0)


def test_success_row(tmp_path: Path, media: dict[str, Path], kenburns_decision: TierDecision) -> None:
    out = tmp_path / "ok.mp4"
    result = tracked_render(_job(media, out), decision=kenburns_decision)
    with open_db() as db:
        (e,) = HistoryStore(db).list()
    assert e.status is Status.DONE and e.output == out and e.output_bytes == out.stat().st_size
    assert (e.tier, e.requested_tier, e.width, e.height, e.frames) == ("kenburns", "kenburns", 160, 96, 15)
    assert e.frames == result.frames and e.wall_s is not None and 0 < e.wall_s < 60
    assert e.peak_ram_bytes is not None and e.peak_ram_bytes >= psutil.Process().memory_info().rss // 2
    assert e.peak_vram_bytes is None  # no GPU used
    assert e.inputs_hash and len(e.inputs_hash) == 32 and e.app_version
    assert e.settings["resolution"] == "160x96" and e.settings["ai"]["motion"] == "medium"
    assert e.error is None and e.ended_at is not None and e.ended_at >= e.started_at
    again, ai, narration = render_again(e)
    assert again == _job(media, out) and ai == AiOptions() and narration is None


def test_failure_row_has_category_and_hint(tmp_path: Path, media: dict[str, Path],
                                           kenburns_decision: TierDecision) -> None:
    out = tmp_path / "bad.mp4"
    with pytest.raises(InputError):
        tracked_render(_job(media, out, audio=media["image"]), decision=kenburns_decision)
    with open_db() as db:
        (e,) = HistoryStore(db).list()
    assert e.status is Status.FAILED and e.error_category == "input" and e.error
    assert e.wall_s is not None and not out.exists()


def test_cancel_row(tmp_path: Path, media: dict[str, Path], kenburns_decision: TierDecision) -> None:
    token = CancelToken()

    def cancel_at_render(ev: ProgressEvent) -> None:
        if ev.stage == "render":
            token.cancel()

    with pytest.raises(CancelledError):
        tracked_render(_job(media, tmp_path / "c.mp4"), decision=kenburns_decision, cancel=token,
                       on_progress=cancel_at_render)
    with open_db() as db:
        (e,) = HistoryStore(db).list()
    assert e.status is Status.CANCELLED and e.error_category == "cancelled"


def test_sampler_counts_child_processes() -> None:
    child = subprocess.Popen([sys.executable, "-c",
                              ("import time; b = bytearray(150 << 20); b[::4096] = b'x' * len(b[::4096]); "
                               "print('ok', flush=True); time.sleep(30)")], stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ok"
        me = psutil.Process(os.getpid())
        own = me.memory_info().rss
        with ResourceSampler(0.05) as s:
            time.sleep(0.15)
        assert tree_rss(me) >= own + (140 << 20)
        assert s.peak_ram_bytes >= own + (140 << 20)
    finally:
        child.kill()
        child.wait()


def test_queue_runner_runs_in_order_and_records(tmp_path: Path, media: dict[str, Path]) -> None:
    with open_db() as db:
        q = QueueStore(db)
        first = q.add(_job(media, tmp_path / "1.mp4"), options_to_dict(None, None))
        broken = q.add(_job(media, tmp_path / "2.mp4", audio=tmp_path / "missing.wav"))
        third = q.add(_job(media, tmp_path / "3.mp4"))
        q.move(third, 0)
        outcomes = run_queue(db)
        assert [(o.entry.id, o.status) for o in outcomes] == [
            (third, QueueStatus.DONE), (first, QueueStatus.DONE), (broken, QueueStatus.FAILED)]
        entries = {e.id: e for e in q.list()}
        assert entries[broken].error and "missing.wav" in entries[broken].error
        history = HistoryStore(db)
        for job_id in (first, third):
            row = history.get(entries[job_id].history_id)  # type: ignore[arg-type]
            assert row is not None and row.status is Status.DONE and row.queue_id == job_id
        assert (tmp_path / "1.mp4").is_file() and (tmp_path / "3.mp4").is_file()
