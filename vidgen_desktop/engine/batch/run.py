"""Plan and run a batch: names, resume from the history, one tracked render per pair.

``plan_batch`` decides each pair's output: a video this batch made before (same picture
and sound contents, same settings, into this folder, still there) is kept and skipped;
the others get a fresh name that collides with nothing. ``run_batch`` renders the rest in
order; a failing pair is recorded and the next one starts; a cancel stops the batch.
Because every render is a :func:`~vidgen_desktop.engine.history.tracked.tracked_render`,
running the same batch again after a crash (even ``kill -9``) continues where it stopped:
the interrupted pair renders again under the same name (its partial file is swept), the
finished ones are skipped, none is rendered twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.core.job_codec import settings_key
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ignore_progress
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.batch.naming import NameReserver, render_name
from vidgen_desktop.engine.batch.pairing import Pair, Pairing
from vidgen_desktop.engine.history.db import Database
from vidgen_desktop.engine.history.history import HistoryStore
from vidgen_desktop.engine.history.tracked import inputs_hash, job_settings, tracked_render

#: Builds the job for one pair (the CLI's options applied to image, audio, output).
JobMaker = Callable[[Path, Path, Path], RenderJob]

MADE, MADE_BEFORE, FAILED, CANCELLED, NOT_STARTED = "made", "already made", "failed", "cancelled", "not started"


@dataclass(frozen=True)
class BatchItem:
    index: int
    pair: Pair
    output: Path
    digest: str | None
    #: The earlier render that made this video (resume), else None: to render.
    made_before: int | None = None


@dataclass(frozen=True)
class ItemResult:
    item: BatchItem
    status: str
    wall_s: float = 0.0
    error: str | None = None
    hint: str | None = None
    result: Any = None  # RenderResult when made


def plan_batch(pairing: Pairing, out_dir: Path, template: str, make_job: JobMaker, ai: AiOptions,
               db: Database) -> list[BatchItem]:
    """Outputs for every pair, in order; pairs already made (per the history) are marked."""
    history = HistoryStore(db)
    names = NameReserver(out_dir)
    used: set[int] = set()
    key = None
    items: list[BatchItem] = []
    for index, pair in enumerate(pairing.pairs):
        if key is None:
            key = settings_key(job_settings(make_job(pair.image, pair.audio, out_dir / "x.mp4"), ai, None))
        digest = inputs_hash([pair.image, pair.audio])
        before = [e for e in history.completed(digest, key, out_dir) if e.id not in used] if digest else []
        if before:
            used.add(before[0].id)
            names.reserve_exact(before[0].output)
            items.append(BatchItem(index, pair, before[0].output, digest, before[0].id))
        else:
            items.append(BatchItem(index, pair, Path(), digest))
    # Fresh names after every kept one is reserved, so a kept video's name is never handed out again.
    return [it if it.made_before is not None else
            BatchItem(it.index, it.pair, names.take(render_name(template, it.pair.audio, it.pair.tags)), it.digest)
            for it in items]


def run_batch(items: list[BatchItem], make_job: JobMaker, ai: AiOptions, db: Database, *,
              cancel: CancelToken | None = None, decision: Any = None,
              on_start: Callable[[BatchItem], None] | None = None,
              on_progress: Callable[[BatchItem], ProgressCallback] | None = None,
              on_end: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    """Render the items not made before, in order. Never raises for one pair's failure; after a cancel the
    rest are ``not started``."""
    cancel = cancel or CancelToken()
    results: list[ItemResult] = []
    stopped = False
    for item in items:
        if item.made_before is not None:
            res = ItemResult(item, MADE_BEFORE)
        elif stopped or cancel.cancelled:
            stopped = True
            res = ItemResult(item, NOT_STARTED)
        else:
            if on_start is not None:
                on_start(item)
            res = _render_one(item, make_job, ai, db, cancel, decision,
                              on_progress(item) if on_progress is not None else ignore_progress)
            stopped = res.status == CANCELLED
        results.append(res)
        if on_end is not None:
            on_end(res)
    return results


def _render_one(item: BatchItem, make_job: JobMaker, ai: AiOptions, db: Database, cancel: CancelToken,
                decision: Any, progress: ProgressCallback) -> ItemResult:
    t0 = time.monotonic()
    try:
        job = make_job(item.pair.image, item.pair.audio, item.output)
        result = tracked_render(job, ai=ai, on_progress=progress, cancel=cancel, decision=decision, db=db,
                                inputs_digest=item.digest)
    except CancelledError as exc:
        return ItemResult(item, CANCELLED, time.monotonic() - t0, exc.message)
    except VidGenError as exc:
        return ItemResult(item, FAILED, time.monotonic() - t0, exc.message, exc.hint or None)
    except Exception as exc:  # noqa: BLE001 - one pair's bug must not stop the album; it is reported
        return ItemResult(item, FAILED, time.monotonic() - t0, f"unexpected {type(exc).__name__}: {exc}")
    return ItemResult(item, MADE, time.monotonic() - t0, result=result)
