"""Model downloads for the window: a queue, one worker thread, progress polled at 10 Hz.

:class:`DownloadManager` lives on the GUI thread and owns one :class:`QThread`, started on
the first download and joined by :meth:`DownloadManager.shutdown`. Downloads run one at a
time (the store locks each model anyway); more are queued and start in order. The store
reports progress through a callback on the worker thread; the worker only *keeps* the
newest event and the manager's timer picks it up ten times a second, the same pattern as
rendering. Results come back to ``@Slot`` methods (never lambdas), so every signal of the
manager fires on the GUI thread.

Cancel sets the job's :class:`CancelToken`; the store's watchdog shuts the socket so a
blocked read returns at once, and what was received is kept: the next download of that
model resumes. Also here: where downloads come from (endpoint / mirror and token, kept
in ``<data folder>/hub.json``, the token in the system keyring when ``keyring`` is
installed) and failures turned into sentences the panel shows inline.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import tempfile
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal, Slot

from vidgen_desktop.bridge import threads
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.core.paths import AppPaths

if TYPE_CHECKING:
    from vidgen_desktop.engine.models.progress import DownloadProgress
    from vidgen_desktop.engine.models.store import ModelStore

log = logging.getLogger(__name__)

#: Progress polls per second (the issue's ≤ 10 Hz UI update budget).
POLL_HZ = 10
HUB_SETTINGS_NAME = "hub.json"
KEYRING_SERVICE = "VidGen"
KEYRING_USER = "huggingface-token"
DEFAULT_ENDPOINT = "https://huggingface.co"


# ---------------------------------------------------------------------------- where from


@dataclass(frozen=True)
class HubSettings:
    """Where models are downloaded from. Empty strings mean "the default"."""

    #: A mirror's URL; "" = ``HF_ENDPOINT`` or huggingface.co.
    endpoint: str = ""
    #: A Hugging Face access token for gated models; "" = ``HF_TOKEN`` or the CLI login's token.
    token: str = ""

    @property
    def effective_endpoint(self) -> str:
        return (self.endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _keyring() -> Any:
    """The ``keyring`` module when it is installed and has a usable backend, else ``None``."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - not installed, or broken: the settings file is used instead
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:  # noqa: BLE001 - a keyring that cannot even say its backend is unusable
        return None
    return keyring


class HubSettingsStore:
    """Reads and writes :class:`HubSettings`: ``hub.json`` beside ``settings.json``.

    The token goes to the system keyring when ``keyring`` is installed and works; otherwise
    into the file (mode 0600 on POSIX), and :attr:`token_location` says so for the window.
    """

    def __init__(self, path: Path, *, use_keyring: bool = True) -> None:
        self.path = path
        self._keyring = _keyring() if use_keyring else None

    @property
    def uses_keyring(self) -> bool:
        return self._keyring is not None

    @property
    def token_location(self) -> str:
        if self._keyring is not None:
            return "the system keyring"
        return str(self.path)

    def load(self) -> HubSettings:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        raw_endpoint, raw_token = data.get("endpoint"), data.get("token")
        endpoint = raw_endpoint if isinstance(raw_endpoint, str) else ""
        token = raw_token if isinstance(raw_token, str) else ""
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                token = str(self._keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or token)
        return HubSettings(endpoint=endpoint.strip(), token=token.strip())

    def save(self, settings: HubSettings) -> None:
        """Write atomically. Raises ``OSError`` (the caller shows it)."""
        token_in_file = settings.token
        if self._keyring is not None:
            try:
                if settings.token:
                    self._keyring.set_password(KEYRING_SERVICE, KEYRING_USER, settings.token)
                else:
                    with contextlib.suppress(Exception):
                        self._keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
                token_in_file = ""
            except Exception:  # noqa: BLE001 - keyring locked or refused: fall back to the file
                log.warning("keyring refused the token; storing it in %s", self.path)
        payload = {"endpoint": settings.endpoint.strip(), "token": token_in_file.strip()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=2)
                fh.write("\n")
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def hub_settings_store(paths: AppPaths) -> HubSettingsStore:
    return HubSettingsStore(paths.home / HUB_SETTINGS_NAME)


# ---------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class DownloadErrorInfo:
    """A failed download, in words for the panel."""

    model_id: str
    #: Short kind: offline, token, denied, not-found, disk, verify, busy, transfer, other.
    kind: str
    message: str
    hint: str = ""
    #: Offer the token field (HTTP 401/403).
    needs_token: bool = False
    #: Where to accept a gated model's terms, when known.
    url: str = ""


def describe_download_error(model_id: str, exc: BaseException, endpoint: str) -> DownloadErrorInfo:
    """Turn a store exception into a one-line message and what to do about it."""
    from vidgen_desktop.engine.models import errors as e

    if isinstance(exc, e.EndpointUnreachableError):
        return DownloadErrorInfo(
            model_id, "offline", f"Cannot reach {exc.endpoint} ({_reason(exc)}).",
            "Check the internet connection or proxy, or set a mirror under “Download source…”. "
            "What was already downloaded is kept.")
    if isinstance(exc, e.AccessDeniedError):
        page = f"{endpoint}/{exc.repo}"
        if "token has no access" in exc.message:
            return DownloadErrorInfo(
                model_id, "denied", f"Your access token has no access to {exc.repo} (HTTP {exc.status}).",
                "Open the model's page (below) while logged in, accept its terms, then try again "
                "(or enter a token of that account under “Download source…”).", needs_token=True, url=page)
        return DownloadErrorInfo(
            model_id, "token", f"{exc.repo} needs a Hugging Face access token (HTTP {exc.status}).",
            "Accept the model's terms on its page (below) while logged in, create an access token in your "
            "Hugging Face settings, and enter it under “Download source…”.", needs_token=True, url=page)
    if isinstance(exc, e.RemoteNotFoundError):
        return DownloadErrorInfo(
            model_id, "not-found", f"Not found on {endpoint}: {exc.message.split(': not found')[0]} (HTTP 404).",
            "The mirror may not carry this model, or it was moved. Check the download source, or try later.")
    if isinstance(exc, e.DiskSpaceError):
        return DownloadErrorInfo(model_id, "disk", f"Not enough disk space: {exc.message}.",
                                 exc.hint or "Free some space (or delete another model) and try again: "
                                 "the download resumes where it stopped.")
    if isinstance(exc, e.VerificationError):
        return DownloadErrorInfo(model_id, "verify", f"A downloaded file was damaged: {'; '.join(exc.problems[:2])}.",
                                 "The damaged file was thrown away. Try again; if it keeps happening, a proxy or "
                                 "mirror is corrupting the data.")
    if isinstance(exc, e.DownloadBusyError):
        return DownloadErrorInfo(model_id, "busy", f"{exc.message}.",
                                 "Another VidGen (or `vidgen-desktop models download`) is working on this model. "
                                 "Wait for it, or stop it there.")
    if isinstance(exc, (e.TransferError, e.RemoteServerError)):
        return DownloadErrorInfo(model_id, "transfer", f"{exc.message}.",
                                 exc.hint or "Try again later: the download resumes where it stopped.")
    if isinstance(exc, VidGenError):
        return DownloadErrorInfo(model_id, "other", f"{exc.message}.", exc.hint)
    if isinstance(exc, OSError) and getattr(exc, "errno", None) is not None:
        return DownloadErrorInfo(model_id, "other", f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or ''}).",
                                 "Check that the data folder is writable.")
    return DownloadErrorInfo(model_id, "other", f"Unexpected error: {type(exc).__name__}: {exc}",
                             "This is a bug in VidGen; the details are in the log file.")


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if ": " in text:
        text = text.split(": ", 1)[1]
    return text.removesuffix(" (offline?)")


# ---------------------------------------------------------------------------- the worker


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


class DownloadWorker(QObject):
    """Lives on the download thread. ``run`` blocks that thread, never the GUI's."""

    finished = Signal(int, str, object)  # job id, model id, Manifest
    failed = Signal(int, str, object)  # job id, model id, exception
    cancelled = Signal(int, str)  # job id, model id

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._event: DownloadProgress | None = None

    def _store(self, event: DownloadProgress) -> None:
        """Store callback (worker thread): keep only the latest event."""
        with self._lock:
            self._event = event

    def take_progress(self) -> DownloadProgress | None:
        """GUI thread: the newest event since the last call, or ``None``."""
        with self._lock:
            event, self._event = self._event, None
            return event

    @Slot(object)
    def run(self, req: DownloadRequest) -> None:
        with self._lock:
            self._event = None
        log.info("download %d of %s started", req.job_id, req.model_id)
        try:
            req.cancel.raise_if_cancelled()  # cancelled while queued
            manifest = req.make_store().download(req.model_id, accept_licence=req.accept_licence,
                                                 on_progress=self._store, cancel=req.cancel)
        except CancelledError:
            log.info("download of %s cancelled", req.model_id)
            self.cancelled.emit(req.job_id, req.model_id)
        except Exception as exc:  # every failure must reach the window, never kill the thread
            if req.cancel.cancelled:
                log.info("download of %s cancelled (%s)", req.model_id, exc)
                self.cancelled.emit(req.job_id, req.model_id)
            else:
                log.warning("download of %s failed: %s", req.model_id, exc, exc_info=not isinstance(exc, VidGenError))
                self.failed.emit(req.job_id, req.model_id, exc)
        else:
            log.info("download of %s finished", req.model_id)
            self.finished.emit(req.job_id, req.model_id, manifest)


# ---------------------------------------------------------------------------- the manager


class DownloadManager(QObject):
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

    _dispatch = Signal(object)  # DownloadRequest -> worker.run (queued, crosses threads)

    def __init__(self, paths: AppPaths, parent: QObject | None = None, *,
                 settings_store: HubSettingsStore | None = None) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings_store = settings_store or hub_settings_store(paths)
        self.hub = self.settings_store.load()
        #: Extra ``ModelStore`` arguments (tests: a fast retry policy, no disk margin).
        self.store_options: dict[str, Any] = {}
        self._ids = itertools.count(1)
        self._current: DownloadRequest | None = None
        self._queue: deque[DownloadRequest] = deque()
        self._shut_down = False
        self._thread: QThread | None = None
        self._worker: DownloadWorker | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(1000 // POLL_HZ)
        self._timer.timeout.connect(self._poll)
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
        return self._current is not None and self._current.cancel.cancelled

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

    def _ensure_thread(self) -> DownloadWorker:
        if self._worker is None:
            self._thread = threads.register(QThread())
            self._thread.setObjectName("vidgen-download")
            self._worker = DownloadWorker()
            threads.start_worker(self._thread, self._worker, self._dispatch, finished=self._on_finished,
                                 failed=self._on_failed, cancelled=self._on_cancelled)
        return self._worker

    def _start(self, req: DownloadRequest) -> None:
        self._ensure_thread()
        self._current = req
        self._timer.start()
        self.started.emit(req.model_id)
        self.changed.emit()
        self._dispatch.emit(req)

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
        if self._current is not None and self._current.model_id == model_id and not self._current.cancel.cancelled:
            log.info("cancelling the download of %s", model_id)
            self._current.cancel.cancel("cancelled by the user")
            self.changed.emit()

    def cancel_all(self) -> None:
        """Drop the queue and stop the running download (app closing)."""
        dropped = [r.model_id for r in self._queue]
        self._queue.clear()
        for mid in dropped:
            self.cancelled.emit(mid)
        if self._current is not None:
            self._current.cancel.cancel("the app is closing")
        self.changed.emit()
        if not self.busy:
            self.idle.emit()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel everything and join the thread; True when it stopped within ``timeout_ms``.

        Blocks the GUI thread: the window cancels first and calls this once :attr:`idle` fired.
        """
        if self._shut_down:
            return self._thread is None or not self._thread.isRunning()
        self._shut_down = True
        self._timer.stop()
        self._queue.clear()
        if self._current is not None:
            self._current.cancel.cancel("the app is closing")
        if self._thread is None:
            return True
        return threads.stop(self._thread, timeout_ms, "download", log)

    # --- worker results (queued to the GUI thread) ---------------------------------
    @Slot()
    def _poll(self) -> None:
        if self._worker is None:
            return
        event = self._worker.take_progress()
        if event is not None and self._current is not None and event.model_id == self._current.model_id:
            self.progress.emit(event)

    def _finish(self, job_id: int) -> str | None:
        if self._current is None or self._current.job_id != job_id:
            return None
        self._poll()  # the last event before the result
        self._timer.stop()
        model_id = self._current.model_id
        self._current = None
        return model_id

    def _next(self) -> None:
        if self._queue and not self._shut_down:
            self._start(self._queue.popleft())
        else:
            self.changed.emit()
            if not self.busy:
                self.idle.emit()

    @Slot(int, str, object)
    def _on_finished(self, job_id: int, _model_id: str, manifest: object) -> None:
        model_id = self._finish(job_id)
        if model_id is not None:
            self.succeeded.emit(model_id, manifest)
            self._next()

    @Slot(int, str, object)
    def _on_failed(self, job_id: int, _model_id: str, exc: object) -> None:
        model_id = self._finish(job_id)
        if model_id is not None:
            self.failed.emit(model_id, exc)
            self._next()

    @Slot(int, str)
    def _on_cancelled(self, job_id: int, _model_id: str) -> None:
        model_id = self._finish(job_id)
        if model_id is not None:
            self.cancelled.emit(model_id)
            self._next()
