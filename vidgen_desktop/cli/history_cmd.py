"""``vidgen-desktop history [--json] [--limit N]``: the renders this machine made, newest first."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from vidgen_desktop.cli.tables import print_table
from vidgen_desktop.core.errors import UsageError


def register(sub: Any) -> None:
    p = sub.add_parser("history", help="list past renders (status, time, inputs, output, memory, errors)",
                       description="Past renders, newest first: status, when, inputs, output, tier, wall time, "
                                   "peak RAM and VRAM, and the error with its hint.")
    p.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    p.add_argument("--status", choices=("running", "done", "failed", "cancelled", "interrupted"),
                   help="only renders with this result")
    p.add_argument("--json", action="store_true", help="print the entries as one JSON array")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.format import COLUMNS, history_rows
    from vidgen_desktop.engine.history.history import HistoryStore
    from vidgen_desktop.engine.history.records import Status

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    with open_db() as db:
        store = HistoryStore(db)
        status = Status(args.status) if args.status else None
        entries = store.list(limit=args.limit, status=status)
        table = history_rows(store.display_rows(limit=args.limit, status=status), time.time())
        total = store.count(status=status)
    if args.json:
        print(json.dumps([e.to_json_dict() for e in entries], ensure_ascii=False, indent=1))
        return 0
    if not entries:
        print("no renders yet")
        return 0
    print_table(COLUMNS, table)
    if total > len(entries):
        print(f"({len(entries)} of {total}; --limit N for more)")
    for e in entries:
        if e.hint and e.status.value == "failed":
            print(f"#{e.id} hint: {e.hint}")
    return 0
