"""A registry of the QThreads this app starts, so shutdown and tests can prove none is left running.

"QThread: Destroyed while thread is still running" aborts the whole process; the cheapest
defence is knowing every thread we made and checking them at exit and after each test.
"""

from __future__ import annotations

import logging
import weakref

from PySide6.QtCore import QThread

_threads: weakref.WeakSet[QThread] = weakref.WeakSet()


def register(thread: QThread) -> QThread:
    """Remember ``thread`` (weakly: the registry never keeps a thread alive)."""
    _threads.add(thread)
    return thread


def running_threads() -> list[str]:
    """Names of registered threads that are still running."""
    alive: list[str] = []
    for t in list(_threads):
        try:
            if t.isRunning():
                alive.append(t.objectName() or repr(t))
        except RuntimeError:  # the C++ object is already gone: certainly not running
            continue
    return alive


def stop(thread: QThread, timeout_ms: int, what: str, log: logging.Logger) -> bool:
    """Quit ``thread``'s event loop and wait for it; True when it stopped within ``timeout_ms``.

    A thread still running after the wait is logged on ``log`` as "<what> thread did not stop".
    """
    thread.quit()
    stopped = bool(thread.wait(timeout_ms))
    if not stopped:
        log.error("%s thread did not stop within %d ms", what, timeout_ms)
    return stopped
