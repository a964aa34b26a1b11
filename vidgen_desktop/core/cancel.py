"""Cooperative cancellation shared between the UI/CLI thread and a render worker."""

from __future__ import annotations

import threading

from vidgen_desktop.core.errors import CancelledError


class CancelToken:
    """A thread-safe flag. Workers call :meth:`raise_if_cancelled` at every chunk."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.reason = "cancelled"

    def cancel(self, reason: str = "cancelled") -> None:
        self.reason = reason
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise CancelledError(self.reason)

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking early on cancel; returns True if cancelled."""
        return self._event.wait(timeout)
