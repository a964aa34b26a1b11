"""Model downloads for the window: a queue, one worker thread, progress polled at 10 Hz.

:class:`DownloadManager` is a :class:`~vidgen_desktop.bridge.polled.PolledRunner`: it lives
on the GUI thread and owns one thread, started on the first download and joined by
:meth:`DownloadManager.shutdown`. Downloads run one at a time (the store locks each model
anyway); more are queued and start in order. Every signal of the manager fires on the
GUI thread.

Cancel sets the job's :class:`CancelToken`; the store's watchdog shuts the socket so a
blocked read returns at once, and what was received is kept: the next download of that
model resumes. Where downloads come from is :mod:`~vidgen_desktop.core.hub_settings`;
failures in words are :mod:`~vidgen_desktop.bridge.download_errors`.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from vidgen_desktop.bridge.polled import JobState, PolledRunner, PolledWorker
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.hub_settings import HubSettings, HubSettingsStore, hub_settings_store
from vidgen_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    from vidgen_desktop.engine.models.progress import DownloadProgress
    from vidgen_desktop.engine.models.store import ModelStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DownloadRequest:
    job_id: int
    model_id: str
    accept_licence: bool
    cancel: CancelToken
    hub: HubSettings
    models_dir: Path
    store_options: dict[str, Any] = field(default_factory=dict)

    def make_store(self) -> ModelStore:
        from vidgen_desktop.engine.models.store import ModelStore

        return ModelStore(self.models_dir, endpoint=self.hub.endpoint or None, token=self.hub.token or None,
                          **self.store_options)


class DownloadWorker(PolledWorker[DownloadRequest, "DownloadProgress"]):
    """Lives on the download thread; the store reports progress to :meth:`report`."""

    what = "download"

    def work(self, request: DownloadRequest) -> object:
        log.info("download %d is %s", request.job_id, request.model_id)
        return request.make_store().download(request.model_id, accept_licence=request.accept_licence,
                                             on_progress=self.report, cancel=request.cancel)


class DownloadManager(PolledRunner[DownloadRequest, "DownloadProgress"]):
    """The GUI-thread face of downloads. All signals fire on the GUI thread."""

    queued = Signal(str)  # model id, waiting behind another download
    started = Signal(str)  # model id
    progress = Signal(object)  # DownloadProgress
    succeeded = Signal(str, object)  # model id, Manifest
    failed = Signal(str, object)  # model id, exception
    cancelled = Signal(str)  # model id (running or queued)
    #: Whatever changed (started, queued, finished...): the panel redraws its buttons.
    changed = Signal()
    #: Nothing running and nothing queued any more.
    idle = Signal()

    def __init__(self, paths: AppPaths, parent: QObject | None = None, *,
                 settings_store: HubSettingsStore | None = None) -> None:
        super().__init__("download", DownloadWorker, parent=parent)
        self.paths = paths
        self.settings_store = settings_store or hub_settings_store(paths)
        self.hub = self.settings_store.load()
        #: Extra ``ModelStore`` arguments (tests: a fast retry policy, no disk margin).
        self.store_options: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._queue: deque[DownloadRequest] = deque()
        app = QCoreApplication.instance()
        if app is not None:  # last line of defence: never let Qt destroy a running QThread at exit
            app.aboutToQuit.connect(self._on_about_to_quit)

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.shutdown(10_000)

    # --- state -------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._current is not None or bool(self._queue)

    @property
    def current(self) -> str | None:
        return self._current.model_id if self._current else None

    @property
    def cancelling(self) -> bool:
        return self.state is JobState.CANCELLING

    @property
    def pending(self) -> list[str]:
        return [r.model_id for r in self._queue]

    def is_active(self, model_id: str) -> bool:
        return self.current == model_id or model_id in self.pending

    @property
    def endpoint(self) -> str:
        return self.hub.effective_endpoint

    def set_hub(self, hub: HubSettings) -> None:
        """Save the endpoint and token; later downloads use them."""
        self.settings_store.save(hub)
        self.hub = hub

    # --- commands ----------------------------------------------------------------
    def download(self, model_id: str, *, accept_licence: bool = False) -> bool:
        """Start ``model_id`` now, or queue it behind the running one. False if already there."""
        if self._shut_down or self.is_active(model_id):
            return False
        req = DownloadRequest(next(self._ids), model_id, accept_licence, CancelToken(), self.hub,
                              self.paths.models, dict(self.store_options))
        if self._current is not None:
            self._queue.append(req)
            self.queued.emit(model_id)
            self.changed.emit()
            return True
        self._start(req)
        return True

    def _start(self, req: DownloadRequest) -> None:
        self._begin(req)
        self.started.emit(req.model_id)
        self.changed.emit()
        self._send(req)

    def cancel(self, model_id: str) -> None:
        """Stop ``model_id``'s download (what was received is kept) or drop it from the queue."""
        for req in list(self._queue):
            if req.model_id == model_id:
                self._queue.remove(req)
                self.cancelled.emit(model_id)
                self.changed.emit()
                if not self.busy:
                    self.idle.emit()
                return
        if self.current == model_id and self._cancel_current("cancelled by the user"):
            self.changed.emit()

    def cancel_all(self) -> None:
        """Drop the queue and stop the running download (app closing)."""
        dropped = [r.model_id for r in self._queue]
        self._queue.clear()
        for mid in dropped:
            self.cancelled.emit(mid)
        self._cancel_current("the app is closing")
        self.changed.emit()
        if not self.busy:
            self.idle.emit()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Drop the queue, cancel the running download and join the thread (see :class:`PolledRunner`)."""
        self._queue.clear()
        return super().shutdown(timeout_ms)

    # --- results (GUI thread) -------------------------------------------------------
    def _deliver(self, request: DownloadRequest, progress: DownloadProgress) -> None:
        if progress.model_id == request.model_id:
            self.progress.emit(progress)

    def _next(self) -> None:
        if self._queue and not self._shut_down:
            self._start(self._queue.popleft())
        else:
            self.changed.emit()
            if not self.busy:
                self.idle.emit()

    def _succeeded(self, request: DownloadRequest, result: object) -> None:
        self.succeeded.emit(request.model_id, result)
        self._next()

    def _failed(self, request: DownloadRequest, exc: object) -> None:
        self.failed.emit(request.model_id, exc)
        self._next()

    def _cancelled(self, request: DownloadRequest) -> None:
        self.cancelled.emit(request.model_id)
        self._next()
