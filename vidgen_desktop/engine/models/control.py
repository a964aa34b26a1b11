"""One download per model at a time, and ``models cancel`` from another process.

A running download holds ``<models_dir>/.locks/<id>.lock`` (JSON: pid and process start
time, so a lock left by a crashed process is recognised as stale and taken over).
``models cancel`` writes ``<id>.cancel`` beside it; the download's watchdog thread polls
for that file and cancels its :class:`CancelToken`. The watchdog also aborts a blocked
socket read on cancel, so cancelling does not wait for a stalled server's timeout.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models.errors import DownloadBusyError

if TYPE_CHECKING:
    from typing_extensions import Self

LOCKS_DIR = ".locks"


def _locks_dir(models_dir: Path) -> Path:
    return models_dir / LOCKS_DIR


def _process_start(pid: int) -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    try:
        return float(psutil.Process(pid).create_time())
    except (psutil.Error, OSError):  # no such process, access denied
        return None


def _lock_is_live(info: dict[str, Any]) -> bool:
    pid = info.get("pid")
    if not isinstance(pid, int):
        return False
    started = _process_start(pid)
    if started is None:
        return False
    recorded = info.get("started")
    # A different start time means the pid was reused by an unrelated process.
    return not isinstance(recorded, (int, float)) or abs(started - recorded) < 2.0


def _read_lock(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


class ModelLock:
    """Exclusive per-model lock file; a context manager. Raises :class:`DownloadBusyError` if held."""

    def __init__(self, models_dir: Path, model_id: str, action: str = "download") -> None:
        self.path = _locks_dir(models_dir) / f"{model_id}.lock"
        self.model_id = model_id
        self.action = action
        self._held = False

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "started": _process_start(os.getpid()), "action": self.action,
              "thread": threading.get_ident()}
        for _ in range(3):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                info = _read_lock(self.path)
                if info is not None and _lock_is_live(info):
                    what = info.get("action", "download")
                    who = "this app" if info.get("pid") == os.getpid() else f"process {info.get('pid')}"
                    raise DownloadBusyError(f"{self.model_id}: a {what} is already running in {who}",
                                            hint="wait for it, or stop it with `vidgen-desktop models cancel`")
                if info is None and time.time() - _mtime(self.path) < 2.0:
                    time.sleep(0.2)  # another process is writing it right now
                    continue
                self.path.unlink(missing_ok=True)  # stale: its process is gone
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(me, fh)
            self._held = True
            cancel_request_path(self.path.parent.parent, self.model_id).unlink(missing_ok=True)
            return
        raise DownloadBusyError(f"{self.model_id}: cannot take the lock {self.path}")

    def release(self) -> None:
        if self._held:
            self._held = False
            self.path.unlink(missing_ok=True)
            cancel_request_path(self.path.parent.parent, self.model_id).unlink(missing_ok=True)

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.release()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def cancel_request_path(models_dir: Path, model_id: str) -> Path:
    return _locks_dir(models_dir) / f"{model_id}.cancel"


def running_downloads(models_dir: Path) -> list[str]:
    """Ids with a live lock (a download or other change in progress in some process)."""
    d = _locks_dir(models_dir)
    try:
        locks = sorted(d.glob("*.lock"))
    except OSError:
        return []
    return [p.stem for p in locks if (info := _read_lock(p)) is not None and _lock_is_live(info)]


def request_cancel(models_dir: Path, model_id: str | None = None) -> list[str]:
    """Ask running downloads (all, or ``model_id``'s) to stop; returns the ids asked."""
    ids = [i for i in running_downloads(models_dir) if model_id is None or i == model_id]
    for i in ids:
        cancel_request_path(models_dir, i).write_text(f"{os.getpid()} {time.time()}\n", encoding="utf-8")
    return ids


class Watchdog:
    """Background thread: turns a cancel-request file into ``token.cancel()`` and unblocks reads.

    ``watch(sock)`` registers the socket of the response being read; when the token is
    cancelled the socket is shut down so a blocked ``recv`` returns at once.
    """

    def __init__(self, models_dir: Path, model_id: str, token: CancelToken, *, poll_s: float = 0.1) -> None:
        self._request = cancel_request_path(models_dir, model_id)
        self._token = token
        self._poll = poll_s
        self._stop = threading.Event()
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"vidgen-watchdog-{model_id}", daemon=True)

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
        if sock is not None and self._token.cancelled:
            self._abort()

    def _abort(self) -> None:
        with self._lock:
            sock = self._sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _run(self) -> None:
        while not self._stop.wait(self._poll):
            if not self._token.cancelled and self._request.exists():
                self._token.cancel("cancelled by `models cancel`")
            if self._token.cancelled:
                self._abort()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
