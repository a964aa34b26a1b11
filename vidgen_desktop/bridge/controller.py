"""The GUI-thread face of rendering: start, cancel, progress at 10 Hz, and a clean shutdown.

One render thread lives as long as the controller (a :class:`~vidgen_desktop.bridge.polled.PolledRunner`);
jobs go to the :class:`RenderWorker` one at a time. Everything the controller emits is
emitted on the GUI thread, so widgets and tests can connect freely.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from vidgen_desktop.bridge.captions import CaptionRequest
from vidgen_desktop.bridge.narration import NarrationSpec
from vidgen_desktop.bridge.polled import JobState, PolledRunner
from vidgen_desktop.bridge.worker import ProgressSnapshot, RenderFn, RenderRequest, RenderThread, RenderWorker
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.captioning import CaptionSpec
from vidgen_desktop.core.jobs import RenderJob


class RenderController(PolledRunner[RenderRequest, ProgressSnapshot]):
    """Owns the render thread. All signals fire on the GUI thread; :attr:`state_changed` too."""

    started = Signal(object)  # RenderJob
    progress = Signal(object)  # ProgressEvent
    preview = Signal(object)  # numpy RGB uint8 array
    succeeded = Signal(object)  # RenderResult
    failed = Signal(object)  # the exception
    cancelled = Signal()
    #: Emitted after succeeded/failed/cancelled: the controller accepts a new job now.
    idle = Signal()

    def __init__(self, render_fn: RenderFn | None = None, parent: QObject | None = None, *,
                 db_path: Path | None = None) -> None:
        """``render_fn`` replaces the engine's ``render`` (tests inject stand-ins here); ``db_path``: the
        history database every render is recorded in (None: not recorded)."""
        super().__init__("render", functools.partial(RenderWorker, render_fn, db_path), RenderThread, parent)
        self._ids = itertools.count(1)
        self._ensure_thread()  # ready at once: the first render starts without a thread start-up

    @property
    def busy(self) -> bool:
        return self.state is not JobState.IDLE

    def start(self, job: RenderJob, decision: Any = None, *, ai: Any = None,
              narration: NarrationSpec | None = None, captions: CaptionRequest | None = None,
              queue_id: int | None = None, caption_source: CaptionSpec | None = None) -> bool:
        """Queue ``job`` on the worker. Returns False (and does nothing) while another job runs.

        ``ai`` is the AI tiers' ``AiOptions``; ``narration`` makes it a narrated render (the
        script is spoken first and replaces ``job.audio``); ``captions`` are the caption
        editor's cues, burned in and/or saved beside the video; ``caption_source`` (a render
        from an audio file) transcribes that audio, or reads a captions file, and burns the cues
        in; ``queue_id``: the queue job it is.
        """
        if self.busy or self._shut_down:
            return False
        request = RenderRequest(next(self._ids), job, CancelToken(), decision, ai, narration, captions, queue_id,
                                caption_source)
        self._begin(request)
        self.started.emit(job)
        self._send(request)
        return True

    def cancel(self) -> None:
        """Ask the running job to stop. Thread-safe flag: works while the worker is busy."""
        self._cancel_current("cancelled by the user")

    # --- results (GUI thread) ----------------------------------------------------------
    def _deliver(self, request: RenderRequest, progress: ProgressSnapshot) -> None:
        self.progress.emit(progress.event)
        if progress.preview is not None:
            self.preview.emit(progress.preview)

    def _succeeded(self, request: RenderRequest, result: object) -> None:
        self.succeeded.emit(result)
        self.idle.emit()

    def _failed(self, request: RenderRequest, exc: object) -> None:
        self.failed.emit(exc)
        self.idle.emit()

    def _cancelled(self, request: RenderRequest) -> None:
        self.cancelled.emit()
        self.idle.emit()
