"""Queue and history benchmark: what the queue adds per job, and how fast 10,000 history entries display.

Run: ``OMP_NUM_THREADS=1 python benchmarks/queue_history.py [--jobs 100] [--entries 10000]``

* queue overhead - ``run_queue`` over N short Ken Burns jobs (0.5 s of sound, 128x72): the
  whole queue's wall time minus the time spent inside ``engine.render.render`` itself,
  per job. That is claiming the job, reading it back from JSON, hashing the inputs, the
  history row at start and end, the resource sampler. Target: <= 0.3 s per job.
* history display - N entries in the database. ``tab_open_ms``: what the History tab does
  when it opens (open the database, read all N display rows, count, format the ~60 rows on
  screen; a table model formats the others when they scroll into view). Also the first
  page of 200 as text, all N as text (the CLI's table), and a filtered search.
  Target: the tab opens in < 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def queue_overhead(jobs: int, work: Path) -> dict[str, float]:
    from tests.media_factory import textured_image, tone
    from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
    from vidgen_desktop.engine import render as render_mod
    from vidgen_desktop.engine.decide import decide_tier
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.options import options_to_dict
    from vidgen_desktop.engine.history.queue import QueueStore
    from vidgen_desktop.engine.history.runner import run_queue
    from vidgen_desktop.engine.history.tracked import tracked_render

    image = textured_image(work / "pic.png", (320, 240))
    audio = tone(work / "s.wav", 0.5)
    _, decision = decide_tier(Tier.KENBURNS)
    inner: list[float] = []
    real_render = render_mod.render

    def timed_render(*a, **kw):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return real_render(*a, **kw)
        finally:
            inner.append(time.perf_counter() - t)

    def render(job, **kw):  # type: ignore[no-untyped-def]
        return tracked_render(job, decision=decision, **kw)

    render_mod.render = timed_render
    try:
        with open_db(work / "q.db") as db:
            store = QueueStore(db)
            for i in range(jobs):
                store.add(RenderJob(image, audio, work / f"v{i:03d}.mp4", Tier.KENBURNS, Resolution.parse("128x72"),
                                    10.0), options_to_dict(None, None))
            t0 = time.perf_counter()
            outcomes = run_queue(db, render=render)
            total = time.perf_counter() - t0
    finally:
        render_mod.render = real_render
    assert all(o.status.value == "done" for o in outcomes), [o.error for o in outcomes if o.error]
    return {"jobs": jobs, "total_s": round(total, 2), "renders_s": round(sum(inner), 2),
            "overhead_per_job_s": round((total - sum(inner)) / jobs, 4),
            "median_render_s": round(statistics.median(inner), 3)}


def history_display(entries: int, work: Path) -> dict[str, float]:
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.format import format_row, history_rows
    from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
    from vidgen_desktop.engine.history.records import Status

    path = work / "h.db"
    settings = {"tier": "auto", "resolution": None, "fps": None, "aspect": [16, 9], "fit": "blur",
                "quality": "standard", "motion": "auto", "seed": None, "ai": {"steps": None, "motion": "medium"}}
    with open_db(path) as db:
        store = HistoryStore(db)
        with db.transaction():
            for i in range(entries):
                row = store.start(RenderStart(Path(f"/music/album {i // 12}/cover.jpg"),
                                              Path(f"/music/album {i // 12}/{i % 12:02d} track {i}.flac"),
                                              Path(f"/videos/album {i // 12}/{i % 12:02d} track {i}.mp4"), settings,
                                              f"{i:032x}", "auto", "0.1.0", "", "m"))
                failed = i % 17 == 0
                store.finish(row, RenderEnd(Status.FAILED if failed else Status.DONE, 10.0 + i % 50,
                                            tier="kenburns", output_bytes=12_000_000, peak_ram_bytes=400_000_000,
                                            width=1920, height=1080, fps=30.0, frames=5400, duration_s=180.0,
                                            error="the picture is damaged" if failed else None))
    timings: dict[str, list[float]] = {"tab_open_ms": [], "first_page_ms": [], "all_formatted_ms": [],
                                       "search_ms": []}
    for _ in range(5):
        # What the History tab does on open: every row's tuple into its model, the visible ones as text.
        t = time.perf_counter()
        with open_db(path) as db:
            store = HistoryStore(db)
            rows = store.display_rows(limit=entries)
            store.count()
            cache: dict[int, str] = {}
            [format_row(r, time.time(), cache) for r in rows[:60]]
        timings["tab_open_ms"].append((time.perf_counter() - t) * 1000)
        assert len(rows) == entries
        t = time.perf_counter()
        with open_db(path) as db:
            history_rows(HistoryStore(db).display_rows(limit=200), time.time())
        timings["first_page_ms"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        with open_db(path) as db:
            assert len(history_rows(HistoryStore(db).display_rows(limit=entries), time.time())) == entries
        timings["all_formatted_ms"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        with open_db(path) as db:
            HistoryStore(db).display_rows(limit=entries, status=Status.FAILED, search="album 7")
        timings["search_ms"].append((time.perf_counter() - t) * 1000)
    return {"entries": entries, **{k: round(statistics.median(v), 1) for k, v in timings.items()}}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=100)
    ap.add_argument("--entries", type=int, default=10_000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDGEN_HOME"] = str(Path(tmp) / "home")
        work = Path(tmp)
        report = {"queue": queue_overhead(args.jobs, work), "history": history_display(args.entries, work)}
    print(json.dumps(report, indent=2))
    ok = report["queue"]["overhead_per_job_s"] <= 0.3 and report["history"]["tab_open_ms"] < 200
    print("targets met" if ok else "TARGET MISSED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
