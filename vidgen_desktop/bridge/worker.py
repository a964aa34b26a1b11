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

import logging
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QThread

from vidgen_desktop.bridge.captioning import CaptionedRender
from vidgen_desktop.bridge.narration import NarratedRender, NarrationSpec
from vidgen_desktop.bridge.polled import PolledWorker
from vidgen_desktop.core.cancel import CancelToken
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
                  decision: TierDecision | None = None, ai: Any = None, burn_captions: Sequence[Any] = ()) -> Any:
    """Import the engine only now, on the worker thread: numpy, Pillow and co. stay out of start-up."""
    from vidgen_desktop.engine.render import render

    return render(job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai,
                  burn_captions=burn_captions)


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
    #: Captions from the audio (transcribed) or a file, for a render from an audio file.
    captions: CaptionSpec | None = None


@dataclass(frozen=True)
class ProgressSnapshot:
    """What the GUI needs at a poll: the newest event, and a preview frame if a new one came."""

    event: ProgressEvent
    preview: Any = None  # numpy RGB array | None


class RenderWorker(PolledWorker[RenderRequest, ProgressSnapshot]):
    """Lives on the render thread: speaks the narration if there is one, then renders."""

    what = "render"

    def __init__(self, render_fn: RenderFn | None = None) -> None:
        super().__init__()
        self._render_fn: RenderFn = render_fn or engine_render

    def keep(self, pending: ProgressSnapshot | None, event: ProgressEvent) -> ProgressSnapshot:
        """The newest event, with the newest preview frame even when that event carries none."""
        preview = event.preview if event.preview is not None else (pending.preview if pending else None)
        return ProgressSnapshot(event, preview)

    def work(self, request: RenderRequest) -> object:
        log.info("render %d: %s", request.job_id, request.job)
        if request.narration is None and request.captions is not None:
            with CaptionedRender(request.captions, request.job, self.report, request.cancel) as captioned:
                result = self._render_fn(request.job, on_progress=self.report, cancel=request.cancel,
                                         decision=request.decision, ai=request.ai, burn_captions=captioned.burn)
                return captioned.finish(result)
        with NarratedRender(request.narration, request.job, self.report, request.cancel) as narrated:
            result = self._render_fn(narrated.job, on_progress=self.report, cancel=request.cancel,
                                     decision=request.decision, ai=request.ai, burn_captions=narrated.burn)
            return narrated.finish(result)
