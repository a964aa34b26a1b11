"""Turning any failure into something the window can show: a message, a hint, and where the log is.

The app must never die silently. Expected failures are :class:`VidGenError` subclasses
with a user-facing message; anything else is a bug, and the user gets a plain sentence
plus the log file to send, while the traceback goes to the log.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from vidgen_desktop.core.errors import (
    InputError,
    MissingDependencyError,
    ModelError,
    OutputError,
    RenderError,
    VidGenError,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorInfo:
    """A failure, ready to show: short title, one-line message, what to do, and details for the log."""

    title: str
    message: str
    hint: str = ""
    details: str = ""
    expected: bool = True


_TITLES: tuple[tuple[type[VidGenError], str], ...] = (
    (InputError, "This file can't be used"),
    (OutputError, "The video can't be saved there"),
    (MissingDependencyError, "Something needs to be installed"),
    (ModelError, "The AI model could not make the video"),
    (RenderError, "The render failed"),
)


def error_info(exc: BaseException, *, log_file: Path | None = None) -> ErrorInfo:
    """Describe ``exc`` for the user. Unexpected errors point at the log file."""
    if isinstance(exc, VidGenError):
        title = next((t for cls, t in _TITLES if isinstance(exc, cls)), "Something went wrong")
        return ErrorInfo(title, exc.message, exc.hint, "", expected=True)
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    where = f" Details are in {log_file}." if log_file else ""
    return ErrorInfo(
        "Unexpected error",
        f"{type(exc).__name__}: {exc}".strip().rstrip(":"),
        f"This is a bug in VidGen, not something you did.{where} Please include that file if you report it.",
        details,
        expected=False,
    )


class ErrorReporter(QObject):
    """Carries unhandled exceptions from any thread to the window (a queued signal)."""

    reported = Signal(object)  # ErrorInfo

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file

    def report(self, exc: BaseException) -> ErrorInfo:
        info = error_info(exc, log_file=self.log_file)
        self.reported.emit(info)
        return info


class ExceptionHooks:
    """Installs ``sys.excepthook`` and ``threading.excepthook`` that log and report instead of dying.

    Without this, an exception in a Qt slot prints to a console the user never sees (and
    PySide may abort). :meth:`uninstall` restores the previous hooks (tests, shutdown).
    """

    def __init__(self, reporter: ErrorReporter) -> None:
        self._reporter = reporter
        self._prev_sys = sys.excepthook
        self._prev_thread = threading.excepthook
        self.installed = False

    def install(self) -> ExceptionHooks:
        sys.excepthook = self._sys_hook
        threading.excepthook = self._thread_hook
        self.installed = True
        return self

    def uninstall(self) -> None:
        if self.installed:
            sys.excepthook = self._prev_sys
            threading.excepthook = self._prev_thread
            self.installed = False

    def _sys_hook(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._prev_sys(exc_type, exc, tb)
            return
        log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        try:
            self._reporter.report(exc)
        except Exception:  # the hook itself must never raise
            log.exception("could not report an exception to the window")

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.error("unhandled exception in thread %s", getattr(args.thread, "name", "?"),
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        try:
            self._reporter.report(args.exc_value)
        except Exception:  # the hook itself must never raise
            log.exception("could not report a thread exception to the window")
