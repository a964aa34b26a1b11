"""``vidgen-desktop batch INPUT... -o DIR``: many videos with one set of settings (an album, a season).

The pairs are printed first (the confirmation table), then rendered one after another;
a failing pair is reported and skipped; a summary table ends it. Exit 0 when every sound
became a video (made now or before), 1 when some did not, 130 when cancelled. Running the
same batch again skips the videos already made (from the history) and does the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.common import ProgressPrinter
from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.cli.render_options import (
    add_render_options,
    add_seed_and_json,
    ai_options_from_args,
    job_from_options,
)
from vidgen_desktop.cli.tables import print_table
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

EXIT_OK, EXIT_SOME_FAILED, EXIT_CANCELLED = 0, 1, 130


def register(sub: Any) -> None:
    p = sub.add_parser("batch", help="make one video per sound from folders or files (an album, a season)",
                       description="Pair pictures and sounds from INPUT folders/files and render each pair with the "
                                   "same settings into DIR. Pairs: the same base name, or one picture for every "
                                   "sound (album art); ordered by track number from the sound's tags.")
    p.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="folders and/or picture and sound files")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="DIR", help="folder for the videos")
    p.add_argument("--pair", default="auto", choices=("auto", "name", "one-picture"),
                   help="name: song1.jpg + song1.mp3; one-picture: the only picture for every sound; "
                        "auto (default): one-picture when there is one picture and several sounds")
    p.add_argument("--template", default="{stem}",
                   help="output name: {title} {artist} {album} {track} {disc} {stem} (default {stem}, the "
                        "sound's file name); names never collide or overwrite")
    add_render_options(p)
    add_seed_and_json(p, "print the pairs, progress and summary as JSON lines on stdout")
    p.set_defaults(func=run)


def _out_dir(path: Path) -> Path:
    out = path.expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: -o must be a folder for the videos, not a file")
    return out


def _emit(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False), flush=True)


def run(args: argparse.Namespace) -> int:
    from vidgen_desktop.engine.batch.naming import check_template
    from vidgen_desktop.engine.batch.pairing import make_pairs
    from vidgen_desktop.engine.batch.run import CANCELLED, FAILED, MADE, MADE_BEFORE, plan_batch, run_batch
    from vidgen_desktop.engine.debris import sweep
    from vidgen_desktop.engine.decide import decide_tier
    from vidgen_desktop.engine.history.db import open_db

    check_template(args.template)
    ai = ai_options_from_args(args)
    job_from_options(args, Path("x.png"), Path("x.wav"), Path("x.mp4"))  # bad options fail before any work

    def make_job(image: Path, audio: Path, output: Path) -> RenderJob:
        return job_from_options(args, image, audio, output)

    out_dir = _out_dir(args.output)
    pairing = make_pairs(args.inputs, args.pair)
    out_dir.mkdir(parents=True, exist_ok=True)  # only once the inputs made sense
    sweep(out_dir)  # a killed run's partial files go before anything is named
    with open_db() as db:
        items = plan_batch(pairing, out_dir, args.template, make_job, ai, db)
        _show_plan(args, pairing, items)
        todo = sum(1 for it in items if it.made_before is None)
        decision = decide_tier(make_job(Path("x"), Path("x"), Path("x.mp4")).tier)[1] if todo else None
        cancel = CancelToken()
        printer = ProgressPrinter(args.json)

        def progress_for(item: Any) -> ProgressCallback:
            def report(ev: ProgressEvent) -> None:
                if args.json:
                    _emit(args, {"event": "progress", "pair": item.index + 1, **ev.to_json_dict()})
                else:
                    printer(ev)
            return report

        def started(item: Any) -> None:
            if not args.json:
                print(f"[{item.index + 1}/{len(items)}] {item.pair.audio.name} → {item.output.name}",
                      file=sys.stderr)

        def ended(res: Any) -> None:
            printer.close()
            _emit(args, {"event": "pair_done", "pair": res.item.index + 1, "status": res.status,
                         "output": str(res.item.output), "error": res.error, "hint": res.hint,
                         "wall_s": round(res.wall_s, 2)})

        with ctrl_c_cancels(cancel):
            results = run_batch(items, make_job, ai, db, cancel=cancel, decision=decision, on_start=started,
                                on_progress=progress_for, on_end=ended)
    failed = [r for r in results if r.status == FAILED] + list(pairing.problems)
    made = sum(1 for r in results if r.status == MADE)
    before = sum(1 for r in results if r.status == MADE_BEFORE)
    _summary(args, pairing, results, made, before, len(failed))
    if any(r.status == CANCELLED for r in results):
        print("cancelled: the videos made so far are kept; run the same command again to continue",
              file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _show_plan(args: argparse.Namespace, pairing: Any, items: list[Any]) -> None:
    if args.json:
        _emit(args, {"event": "pairs", "mode": pairing.mode, "pairs": [
            {"pair": it.index + 1, "image": str(it.pair.image), "audio": str(it.pair.audio),
             "output": str(it.output), "track": it.pair.tags.track, "title": it.pair.tags.title,
             "made_before": it.made_before is not None} for it in items],
            "problems": [{"audio": str(p.audio), "reason": p.reason} for p in pairing.problems],
            "unused_images": [str(p) for p in pairing.unused_images]})
        return
    rows = [[str(it.index + 1), str(it.pair.tags.track or ""), it.pair.audio.name, it.pair.image.name,
             it.output.name, "already made (skipped)" if it.made_before is not None else "to render"]
            for it in items]
    print(f"{len(items)} pair(s), paired by {pairing.mode}:")
    print_table(["#", "track", "sound", "picture", "video", ""], rows)
    for p in pairing.problems:
        print(f"skipped: {p.audio.name}: {p.reason}")
    for img in pairing.unused_images:
        print(f"unused picture: {img.name} (no sound with its name)")
    print(flush=True)


def _summary(args: argparse.Namespace, pairing: Any, results: list[Any], made: int, before: int,
             failed: int) -> None:
    if args.json:
        _emit(args, {"event": "summary", "made": made, "already_made": before, "failed": failed,
                     "results": [{"pair": r.item.index + 1, "audio": str(r.item.pair.audio),
                                  "output": str(r.item.output), "status": r.status, "error": r.error,
                                  "hint": r.hint, "wall_s": round(r.wall_s, 2)} for r in results],
                     "problems": [{"audio": str(p.audio), "reason": p.reason} for p in pairing.problems]})
        return
    rows = [[str(r.item.index + 1), r.item.pair.audio.name, r.item.output.name, r.status,
             f"{r.wall_s:.1f} s" if r.wall_s else "", r.error or ""] for r in results]
    rows += [["-", p.audio.name, "", "skipped", "", p.reason] for p in pairing.problems]
    print()
    print_table(["#", "sound", "video", "result", "time", "error"], rows)
    print(f"{made} made, {before} already made, {failed} failed")
