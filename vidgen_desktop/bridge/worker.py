"""The object that runs renders on the long-lived worker thread.

Progress is *stored*, not signalled (:class:`~vidgen_desktop.bridge.polled.PolledWorker`):
the controller takes the newest event and preview frame at 10 Hz.

A narrated job (``RenderRequest.narration``) is spoken first, on this same thread
(progress stage ``"narration"``, cancellable between chunks), then rendered with the
narration as its audio; the captions go next to the video or into the picture, and the
temporary files are removed whatever happens (:class:`~vidgen_desktop.bridge.narration.NarratedRender`).

The thread is a :class:`RenderThread`: when its event loop ends (app exit) it frees the
AI pipeline kept loaded between renders, on the thread that loaded it.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QThread

from vidgen_desktop.bridge.captioning import CaptionedRender
from vidgen_desktop.bridge.captions import CaptionRequest, with_saved_srt
from vidgen_desktop.bridge.narration import NarratedRender, NarrationSpec
from vidgen_desktop.bridge.polled import PolledWorker
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.captioning import CaptionSpec
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from vidgen_desktop.engine.decide import TierDecision

log = logging.getLogger(__name__)


class RenderFn(Protocol):
    """The engine's ``render``, or whatever the services were given instead (tests inject stand-ins)."""

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken,
                 decision: TierDecision | None = None, ai: Any = None,
                 burn_captions: Sequence[Any] = ()) -> Any: ...


def engine_render(job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken,
                  decision: TierDecision | None = None, ai: Any = None, burn_captions: Sequence[Any] = (),
                  caption_look: CaptionLook | None = None) -> Any:
    """Import the engine only now, on the worker thread: numpy, Pillow and co. stay out of start-up."""
    from vidgen_desktop.engine.render import render

    return render(job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai,
                  burn_captions=burn_captions, caption_look=caption_look)


def release_models() -> None:
    """Free the AI pipeline kept loaded between renders, if the AI code was ever imported."""
    backends = sys.modules.get("vidgen_desktop.engine.ai.backends")
    if backends is None:  # never imported: nothing loaded, and torch stays unimported
        return
    try:
        backends.release_pipelines()
    except Exception:  # exit must go on
        log.exception("releasing the AI pipelines failed")
    else:
        log.info("AI pipelines released")


class RenderThread(QThread):
    """The render thread: its event loop, then (at exit) the AI pipelines released on this thread."""

    def run(self) -> None:
        self.exec()
        release_models()


@dataclass(frozen=True)
class RenderRequest:
    job_id: int
    job: RenderJob
    cancel: CancelToken
    decision: Any = None  # TierDecision | None
    #: AI settings (``engine.ai.options.AiOptions``); None = the engine's defaults.
    ai: Any = None
    #: Speak this script first and use it as the audio (``job.audio`` is then a placeholder).
    narration: NarrationSpec | None = None
    #: The caption editor's cues: burned in and/or saved as ``VIDEO.srt`` (a sound-file render).
    captions: CaptionRequest | None = None
    #: The window's queue job this render is (its history row points back to it).
    queue_id: int | None = None
    #: Captions transcribed from the audio or read from a file, for a render from an audio file.
    caption_source: CaptionSpec | None = None


@dataclass(frozen=True)
class ProgressSnapshot:
    """What the GUI needs at a poll: the newest event, and a preview frame if a new one came."""

    event: ProgressEvent
    preview: Any = None  # numpy RGB array | None


class RenderWorker(PolledWorker[RenderRequest, ProgressSnapshot]):
    """Lives on the render thread: speaks the narration if there is one, then renders."""

    what = "render"

    def __init__(self, render_fn: RenderFn | None = None, db_path: Path | None = None) -> None:
        """``db_path``: record every render in this history database (``None``: record nothing)."""
        super().__init__()
        self._render_fn: RenderFn = render_fn or engine_render
        self._db_path = db_path

    def keep(self, pending: ProgressSnapshot | None, event: ProgressEvent) -> ProgressSnapshot:
        """The newest event, with the newest preview frame even when that event carries none."""
        preview = event.preview if event.preview is not None else (pending.preview if pending else None)
        return ProgressSnapshot(event, preview)

    def work(self, request: RenderRequest) -> object:
        log.info("render %d: %s", request.job_id, request.job)
        if self._db_path is None:
            return self._render(request)
        return record_render(self._db_path, request, functools.partial(self._render, request))

    def _render(self, request: RenderRequest) -> Any:
        edited = request.captions if request.narration is None else None
        burn = edited.cues if edited is not None and edited.burn else ()
        look = edited.look if edited is not None else request.narration.look if request.narration else None
        extra: dict[str, Any] = {"caption_look": look} if look is not None else {}  # render stand-ins may lack it
        if request.narration is None and request.caption_source is not None:
            with CaptionedRender(request.caption_source, request.job, self.report, request.cancel) as captioned:
                result = self._render_fn(request.job, on_progress=self.report, cancel=request.cancel,
                                         decision=request.decision, ai=request.ai, burn_captions=captioned.burn,
                                         **extra)
                return captioned.finish(result)
        with NarratedRender(request.narration, request.job, self.report, request.cancel) as narrated:
            result = self._render_fn(narrated.job, on_progress=self.report, cancel=request.cancel,
                                     decision=request.decision, ai=request.ai,
                                     burn_captions=narrated.burn or burn, **extra)
            result = narrated.finish(result)
        return with_saved_srt(result, edited) if edited is not None else result


def record_render(db_path: Path, request: RenderRequest, run: Callable[[], Any]) -> object:
    """``run()`` inside the history's :func:`~vidgen_desktop.engine.history.tracked.tracked_render`, as the CLI's
    renders are: a row at the start and at the end, peak memory sampled. The database is opened on this
    thread for this render (sqlite3 connections belong to their thread); one that cannot be opened costs
    the history, never the render."""
    import sqlite3

    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.tracked import tracked_render

    try:
        db = open_db(db_path, recover=False)
    except (sqlite3.Error, OSError) as exc:
        log.warning("the history is not available (%s); rendering without it", exc)
        return run()
    try:
        return tracked_render(request.job, ai=request.ai, narration=request.narration, cancel=request.cancel,
                              decision=request.decision, db=db, queue_id=request.queue_id, run=run)
    finally:
        db.close()
