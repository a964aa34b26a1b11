"""The object that runs renders on the long-lived worker thread.

Progress is *stored*, not signalled: the engine may report hundreds of times a second,
and a queued signal per report would flood the GUI thread's event queue (and keep big
preview arrays alive in it). The controller polls :meth:`RenderWorker.take_progress`
at 10 Hz instead, so the window's work is bounded however fast the engine goes.

A narrated job (``RenderRequest.narration``) is spoken first, on this same thread
(progress stage ``"narration"``, cancellable between chunks), then rendered with the
narration as its audio; the captions go next to the video or into the picture, and the
temporary files are removed whatever happens (:class:`~vidgen_desktop.bridge.narration.NarratedRender`).

The thread is a :class:`RenderThread`: when its event loop ends (app exit) it frees the
AI pipeline kept loaded between renders, on the thread that loaded it.
"""

from __future__ import annotations

import inspect
import logging
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QThread, Signal, Slot

from vidgen_desktop.bridge.narration import NarratedRender, NarrationSpec
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from vidgen_desktop.engine.decide import TierDecision

log = logging.getLogger(__name__)


class RenderFn(Protocol):
    """The engine's ``render`` (or a stand-in in tests).

    The optional keywords ``ai`` (``AiOptions``) and ``burn_captions`` (caption cues) are
    passed only to functions that declare them (or ``**kwargs``), so a minimal stand-in
    taking ``job, on_progress, cancel, decision`` keeps working.
    """

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken,
                 decision: TierDecision | None = None) -> Any: ...


def engine_render(job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken,
                  decision: TierDecision | None = None, ai: Any = None, burn_captions: Sequence[Any] = ()) -> Any:
    """Import the engine only now, on the worker thread: numpy, Pillow and co. stay out of start-up."""
    from vidgen_desktop.engine.render import render

    return render(job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai,
                  burn_captions=burn_captions)


def _optional_keywords(fn: Any) -> frozenset[str] | None:
    """Which of the optional keywords ``fn`` takes (``None``: all of them, it has ``**kwargs``)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return None
    return frozenset(n for n in ("ai", "burn_captions") if n in params)


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


@dataclass(frozen=True)
class ProgressSnapshot:
    """What the GUI needs at a poll: the newest event, and a preview frame if a new one came."""

    event: ProgressEvent | None
    preview: Any = None  # numpy RGB array | None


class RenderWorker(QObject):
    """Lives on the render thread. ``run`` blocks that thread, never the GUI's."""

    finished = Signal(int, object)  # job id, RenderResult
    failed = Signal(int, object)  # job id, the exception
    cancelled = Signal(int)  # job id

    def __init__(self, render_fn: RenderFn | None = None) -> None:
        super().__init__()
        self._render_fn: RenderFn = render_fn or engine_render
        self._lock = threading.Lock()
        self._event: ProgressEvent | None = None
        self._preview: Any = None
        self._event_new = False

    def _store(self, event: ProgressEvent) -> None:
        """Engine callback (worker thread): keep only the latest event and the latest preview."""
        with self._lock:
            self._event = event
            self._event_new = True
            if event.preview is not None:
                self._preview = event.preview

    def take_progress(self) -> ProgressSnapshot | None:
        """GUI thread: the newest progress since the last call, or ``None`` if nothing changed."""
        with self._lock:
            if not self._event_new and self._preview is None:
                return None
            snap = ProgressSnapshot(self._event if self._event_new else None, self._preview)
            self._event_new = False
            self._preview = None
            return snap

    def _reset(self) -> None:
        with self._lock:
            self._event, self._preview, self._event_new = None, None, False

    def _extra_keywords(self, request: RenderRequest, burn: tuple[Any, ...]) -> dict[str, Any]:
        wanted: dict[str, Any] = {}
        if request.ai is not None:
            wanted["ai"] = request.ai
        if burn:
            wanted["burn_captions"] = burn
        accepted = _optional_keywords(self._render_fn)
        if accepted is None:
            return wanted
        if burn and "burn_captions" not in accepted:
            raise TypeError("this render function cannot burn captions in")
        return {k: v for k, v in wanted.items() if k in accepted}

    @Slot(object)
    def run(self, request: RenderRequest) -> None:
        """Run one job to the end; exactly one of finished/failed/cancelled is emitted."""
        self._reset()
        log.info("render %d started: %s", request.job_id, request.job)
        try:
            request.cancel.raise_if_cancelled()  # cancelled while queued
            with NarratedRender(request.narration, request.job, self._store, request.cancel) as narrated:
                extra = self._extra_keywords(request, narrated.burn)
                result = self._render_fn(narrated.job, on_progress=self._store, cancel=request.cancel,
                                         decision=request.decision, **extra)
                result = narrated.finish(result)
        except CancelledError:
            log.info("render %d cancelled", request.job_id)
            self.cancelled.emit(request.job_id)
        except Exception as exc:  # every failure must reach the window, never kill the thread
            if request.cancel.cancelled:
                # A cancel can surface as another error (e.g. ffmpeg's pipe closed under it).
                log.info("render %d cancelled (%s)", request.job_id, exc)
                self.cancelled.emit(request.job_id)
            else:
                log.error("render %d failed", request.job_id, exc_info=exc)
                self.failed.emit(request.job_id, exc)
        else:
            log.info("render %d finished: %s", request.job_id, result)
            self.finished.emit(request.job_id, result)
