"""Locate and run the ffmpeg binary. imageio-ffmpeg ships one, so no system ffmpeg is needed.

Every ffmpeg the app starts is bounded: a :class:`ProcessGuard` kills it when its time
is up or the render is cancelled, and whenever the code that started it leaves early
(an error, a ``KeyboardInterrupt``). A file on a network drive that stops answering
then costs a clear error after the timeout, not a window that waits forever.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import RenderError

if TYPE_CHECKING:
    from typing_extensions import Self

ENV_FFMPEG = "VIDGEN_FFMPEG"
#: Reading a file's header: seconds, even on a slow disk.
PROBE_TIMEOUT_S = 60.0
#: Short jobs: a frame, a version string, a resample.
SHORT_TIMEOUT_S = 600.0
#: Audio jobs get this many seconds per second of audio (when that is more than SHORT_TIMEOUT_S).
AUDIO_TIMEOUT_PER_S = 2.0
#: How often the guard looks at the clock and the cancel token.
_POLL_S = 0.1
#: How long a killed process may take to be reaped before we stop waiting for it.
_REAP_S = 10.0


class FFmpegTimeoutError(RenderError):
    """ffmpeg ran past its time and was stopped."""

    def __init__(self, what: str, timeout: float) -> None:
        self.what = what
        self.timeout = timeout
        super().__init__(f"{what} took longer than {timeout:.0f} s and was stopped",
                         hint="a file on a slow or disconnected drive? copy it to a local folder and try again")


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: ``$VIDGEN_FFMPEG``, else the one imageio-ffmpeg ships."""
    override = os.environ.get(ENV_FFMPEG)
    if override:
        return override
    try:
        import imageio_ffmpeg
    except ImportError:  # pragma: no cover - a base dependency
        raise RenderError("ffmpeg is not available", hint="pip install imageio-ffmpeg") from None
    return str(imageio_ffmpeg.get_ffmpeg_exe())


def detached_process_kwargs() -> dict[str, Any]:
    """Keep Ctrl-C in the terminal from reaching ffmpeg: the app cancels it itself and cleans up.

    On POSIX the child leads its own process group, so :func:`kill_process` can stop it
    and anything it started in one call.
    """
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}


def kill_process(proc: subprocess.Popen[Any]) -> None:
    """Stop ``proc`` now (its whole process group on POSIX); harmless if it already ended."""
    if proc.poll() is not None:
        return
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            if os.getpgid(proc.pid) == proc.pid:  # started by detached_process_kwargs: it leads its group
                os.killpg(proc.pid, signal.SIGKILL)
                return
    with contextlib.suppress(OSError):
        proc.kill()


def reap(proc: subprocess.Popen[Any]) -> None:
    """Kill if needed and wait a bounded time for the exit status."""
    kill_process(proc)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=_REAP_S)


class ProcessGuard:
    """Context manager around a started process: killed at ``timeout`` or on cancel, and on leaving the block.

    Call :meth:`check` after the process ended to turn a kill into :class:`CancelledError`
    or :class:`FFmpegTimeoutError`.
    """

    def __init__(self, proc: subprocess.Popen[Any], *, what: str, timeout: float,
                 cancel: CancelToken | None = None) -> None:
        self.proc = proc
        self.what = what
        self.timeout = timeout
        self.cancel = cancel
        #: Why the guard killed the process: "timeout", "cancel", or "" (it did not).
        self.killed_for = ""
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="vidgen-ffmpeg-guard", daemon=True)

    def _watch(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not self._done.wait(_POLL_S):
            if self.proc.poll() is not None:
                return
            if self.cancel is not None and self.cancel.cancelled:
                self.killed_for = "cancel"
            elif time.monotonic() > deadline:
                self.killed_for = "timeout"
            else:
                continue
            kill_process(self.proc)
            return

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._done.set()
        self._thread.join()
        reap(self.proc)

    def check(self) -> None:
        if self.killed_for == "cancel" and self.cancel is not None:
            self.cancel.raise_if_cancelled()
        if self.killed_for == "timeout":
            raise FFmpegTimeoutError(self.what, self.timeout)


def start_ffmpeg(args: list[str], **popen: Any) -> subprocess.Popen[bytes]:
    """Start ``ffmpeg -hide_banner -nostdin ARGS`` detached from the terminal's Ctrl-C."""
    try:
        return subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", *args], **popen,
                                **detached_process_kwargs())
    except OSError as exc:
        raise RenderError(f"could not start ffmpeg ({exc})") from None


def audio_timeout(seconds: float) -> float:
    """Time allowed for an ffmpeg job over ``seconds`` of audio: SHORT_TIMEOUT_S, more for long audio."""
    return max(SHORT_TIMEOUT_S, AUDIO_TIMEOUT_PER_S * max(0.0, seconds))


def last_stderr_line(stderr: bytes) -> str:
    """ffmpeg's last line of complaint (what to show when it failed)."""
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "ffmpeg failed"


def run_ffmpeg(args: list[str], *, timeout: float = SHORT_TIMEOUT_S, cancel: CancelToken | None = None,
               what: str = "ffmpeg", input_bytes: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg to completion with captured output; killed on timeout, cancel or error.

    ``input_bytes`` is fed to its stdin (read with ``-i pipe:0``; ``-nostdin`` only stops
    ffmpeg's keyboard commands, not that). Without it, stdin is left alone.
    """
    popen: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    if input_bytes is not None:
        popen["stdin"] = subprocess.PIPE
    proc = start_ffmpeg(args, **popen)
    with ProcessGuard(proc, what=what, timeout=timeout, cancel=cancel) as guard:
        out, err = proc.communicate(input=input_bytes)
    guard.check()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
