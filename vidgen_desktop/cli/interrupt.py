"""Ctrl-C as a cancel request: the engine stops at its next check and cleans up, then exit 130."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from vidgen_desktop.core.cancel import CancelToken


@contextmanager
def ctrl_c_cancels(cancel: CancelToken) -> Iterator[CancelToken]:
    """Within the block, SIGINT sets ``cancel`` instead of raising KeyboardInterrupt mid-write."""
    if threading.current_thread() is not threading.main_thread():
        yield cancel
        return

    def on_sigint(_sig: int, _frame: FrameType | None) -> None:
        cancel.cancel("cancelled by Ctrl-C")

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield cancel
    finally:
        signal.signal(signal.SIGINT, previous)
