"""One render with its history row and its resource sampler: the single entry point for the CLI's
``render``, for ``batch``, and for the window's queue.

::

    result = tracked_render(job, ai=opts, narration=spec, on_progress=cb, cancel=token)

The row is written before the first frame (``running``) and completed at the end (``done``,
``failed`` with the error's category and hint, or ``cancelled``); the error is re-raised
unchanged. A history that cannot be written (a read-only data folder, a damaged file)
costs a log line, never the render.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from vidgen_desktop import __version__
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import (
    CancelledError,
    InputError,
    MissingDependencyError,
    OutputError,
    RenderError,
    UsageError,
    VidGenError,
)
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.job_codec import settings_dict
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressCallback, ignore_progress
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.debris import _host_id, current_owner
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.history.db import Database, open_db
from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
from vidgen_desktop.engine.history.options import options_to_dict
from vidgen_desktop.engine.history.records import Status
from vidgen_desktop.engine.history.sampler import ResourceSampler
from vidgen_desktop.engine.render import RenderResult

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
#: Error class → category stored with a failed render (most specific first).
_CATEGORIES: tuple[tuple[type[VidGenError], str], ...] = (
    (InputError, "input"), (OutputError, "output"), (UsageError, "usage"),
    (MissingDependencyError, "missing-dependency"), (RenderError, "render"), (VidGenError, "error"),
)


def machine_key() -> str:
    """Which machine a render ran on (a short hash of the host name): estimates compare like with like."""
    return _host_id()


def file_hash(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def inputs_hash(paths: Sequence[Path | None]) -> str | None:
    """One hash of the contents of the input files (None when one cannot be read: the render will say why)."""
    h = hashlib.blake2b(digest_size=16)
    try:
        for p in paths:
            h.update(file_hash(p).encode() if p is not None else b"-")
    except OSError:
        return None
    return h.hexdigest()


def job_inputs_hash(job: RenderJob, narration: NarrationSpec | None = None) -> str | None:
    extra = [narration.music, narration.voice_sample] if narration is not None else []
    return inputs_hash([job.image, job.audio, *extra])


def job_settings(job: RenderJob, ai: AiOptions | None, narration: NarrationSpec | None) -> dict[str, Any]:
    return settings_dict(job, options_to_dict(ai, narration))


def error_category(exc: BaseException) -> str:
    for cls, name in _CATEGORIES:
        if isinstance(exc, cls):
            return name
    return "bug"


def _start(db: Database, job: RenderJob, ai: AiOptions | None, narration: NarrationSpec | None,
           queue_id: int | None, digest: str | None) -> int | None:
    try:
        row = HistoryStore(db).start(RenderStart(
            image=job.image, audio=job.audio, output=job.output, settings=job_settings(job, ai, narration),
            inputs_hash=digest if digest is not None else job_inputs_hash(job, narration),
            requested_tier=job.tier.value, app_version=__version__, owner=current_owner().tag,
            machine=machine_key(), queue_id=queue_id))
        if queue_id is not None:
            db.execute("UPDATE queue SET history_id=? WHERE id=?", (row, queue_id))
        return row
    except sqlite3.Error as exc:
        log.warning("the history could not be written (%s); rendering anyway", exc)
        return None


def _end_from_result(result: RenderResult, wall: float, sampler: ResourceSampler) -> RenderEnd:
    ai = result.details.get("ai") or {}
    plan = ai.get("plan") if isinstance(ai, dict) else None
    model = None
    if isinstance(plan, dict):
        model = f"{plan.get('tier')} ({plan.get('device')}, {plan.get('dtype')})"
    try:
        size = result.output.stat().st_size
    except OSError:
        size = None
    return RenderEnd(Status.DONE, wall, tier=result.tier.value, model=model, ai_plan=plan, output_bytes=size,
                     peak_ram_bytes=sampler.peak_ram_bytes or None, peak_vram_bytes=sampler.peak_vram_bytes,
                     width=result.width, height=result.height, fps=result.fps, frames=result.frames,
                     duration_s=result.duration_s, notes=result.notes)


def tracked_render(
    job: RenderJob,
    *,
    ai: AiOptions | None = None,
    narration: NarrationSpec | None = None,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    decision: TierDecision | None = None,
    hardware: HardwareInfo | None = None,
    db: Database | None = None,
    queue_id: int | None = None,
    inputs_digest: str | None = None,
    run: Callable[[], RenderResult] | None = None,
) -> RenderResult:
    """Render ``job`` (narrated when ``narration`` is given) and record it in the history.

    ``db``: an open database (this thread's); by default the app's, opened and closed here.
    ``inputs_digest``: the inputs' hash when the caller has it already (batch resume did).
    ``run``: renders instead of the engine call (the window's render thread: its own narration
    progress and the services' render function), recorded the same way.
    Returns what :func:`engine.render.render` returns; raises what it raises.
    """
    own_db = db is None
    if db is None:
        try:
            db = open_db()
        except (sqlite3.Error, OSError, VidGenError) as exc:
            log.warning("the history is not available (%s); rendering without it", exc)
    row = _start(db, job, ai, narration, queue_id, inputs_digest) if db is not None else None
    t0 = time.monotonic()
    end: RenderEnd | None = None
    sampler = ResourceSampler()
    try:
        with sampler:
            if run is not None:
                result = run()
            elif narration is None:
                from vidgen_desktop.engine.render import render

                result = render(job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai,
                                hardware=hardware)
            else:
                from vidgen_desktop.engine.narrated_render import render_narrated

                result = render_narrated(job, narration, on_progress=on_progress, cancel=cancel, ai=ai,
                                         decision=decision, hardware=hardware)
        end = _end_from_result(result, time.monotonic() - t0, sampler)
        return result
    except CancelledError as exc:
        end = RenderEnd(Status.CANCELLED, time.monotonic() - t0, error=exc.message, error_category="cancelled",
                        peak_ram_bytes=sampler.peak_ram_bytes or None, peak_vram_bytes=sampler.peak_vram_bytes)
        raise
    except BaseException as exc:
        message = exc.message if isinstance(exc, VidGenError) else f"{type(exc).__name__}: {exc}"
        status = Status.CANCELLED if isinstance(exc, KeyboardInterrupt) else Status.FAILED
        end = RenderEnd(status, time.monotonic() - t0, error=message, error_category=error_category(exc),
                        hint=getattr(exc, "hint", None) or None, peak_ram_bytes=sampler.peak_ram_bytes or None,
                        peak_vram_bytes=sampler.peak_vram_bytes)
        raise
    finally:
        if db is not None:
            if row is not None and end is not None:
                try:
                    HistoryStore(db).finish(row, end)
                except sqlite3.Error as exc:
                    log.warning("the history could not be updated (%s)", exc)
            if own_db:
                db.close()
