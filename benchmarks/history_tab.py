"""The window's History tab with 10,000 entries: from "show the tab" to the rows painted.

Run: ``QT_QPA_PLATFORM=offscreen OMP_NUM_THREADS=1 python benchmarks/history_tab.py [--entries 10000]``

Measured, each the median of several runs on a database of N finished renders:

* ``page_ms``: what the background pool does when the tab opens (open the database, count
  the rows for the filter, read and format the first page): ``bridge.history.history_page``;
* ``show_ms``: the GUI thread's part: the model takes the page and the table paints
  (``QWidget.grab`` forces the paint);
* ``open_ms``: the two together. Target: < 200 ms;
* ``search_ms``: the same for a search that matches every tenth row (a LIKE over all rows).
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
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def fill(path: Path, n: int) -> None:
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
    from vidgen_desktop.engine.history.records import Status

    with open_db(path) as db, db.transaction():
        store = HistoryStore(db)
        for i in range(n):
            row = store.start(RenderStart(Path(f"/music/album {i // 12}/cover.jpg"), Path(f"/music/track {i}.mp3"),
                                          Path(f"/videos/track {i}.mp4"), {"tier": "kenburns", "fps": 30},
                                          f"{i:032x}", "auto", "1.0", "bench", "machine"))
            store.finish(row, RenderEnd(Status.FAILED if i % 17 == 0 else Status.DONE, 10.0 + i % 50,
                                        tier="kenburns", width=1280, height=720, fps=30.0, frames=900,
                                        output_bytes=5_000_000, peak_ram_bytes=900_000_000,
                                        error="input: the picture is damaged" if i % 17 == 0 else None))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    from vidgen_desktop.bridge.history import HistoryQuery, history_page
    from vidgen_desktop.ui.history_panel import HistoryPanel

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "vidgen.db"
        fill(path, args.entries)
        results: dict[str, list[float]] = {"page_ms": [], "show_ms": [], "open_ms": [], "search_ms": []}
        for _ in range(args.runs):
            panel = HistoryPanel()
            panel.resize(900, 600)
            t0 = time.perf_counter()
            page = history_page(path, HistoryQuery())
            t1 = time.perf_counter()
            panel.model.reset_to(page)
            panel.show()
            panel.grab()
            app.processEvents()
            t2 = time.perf_counter()
            assert panel.model.total == args.entries and panel.model.rowCount() == min(200, args.entries)
            t3 = time.perf_counter()
            found = history_page(path, HistoryQuery(search="7.mp3"))
            panel.model.reset_to(found)
            panel.grab()
            t4 = time.perf_counter()
            results["page_ms"].append((t1 - t0) * 1000)
            results["show_ms"].append((t2 - t1) * 1000)
            results["open_ms"].append((t2 - t0) * 1000)
            results["search_ms"].append((t4 - t3) * 1000)
            panel.close()
            panel.deleteLater()
            app.processEvents()
    summary = {k: round(statistics.median(v), 1) for k, v in results.items()}
    summary["entries"] = args.entries
    summary["target_open_ms"] = 200
    summary["ok"] = summary["open_ms"] < 200
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
