"""One shape for "run a short blocking job off the GUI thread, then use its result": :class:`QueryOp`.

Modelled on Anki's ``aqt.operations.QueryOp``: the work, what to do with its result and what
to do when it fails are given together, so no caller writes the try/await/log/show block
itself. The work runs on the :class:`BackgroundTasks` pool; the callbacks run on the event
loop's thread (the GUI thread under qasync), so they may touch widgets.

A failure handler is for failures the caller can explain where they happened (the hardware
tab, the voice list); the failure is logged first. Without one, the error propagates to
the tasks' error reporter, which is the window's problem banner. Errors raised by the
success callback are bugs and always propagate.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from vidgen_desktop.bridge.tasks import BackgroundTasks

log = logging.getLogger(__name__)
T = TypeVar("T")


def _nothing() -> None:
    return None


class QueryOp(Generic[T]):
    """``op()`` on the pool, then ``success(result)`` or ``failure(exc)`` on the loop."""

    def __init__(self, tasks: BackgroundTasks, op: Callable[[], T], success: Callable[[T], object], *,
                 name: str) -> None:
        self._tasks = tasks
        self._op = op
        self._success = success
        self._failure: Callable[[Exception], object] | None = None
        self._log_level = logging.ERROR
        self._on_start: Callable[[], object] = _nothing
        self._on_end: Callable[[], object] = _nothing
        #: What the work is, for the log ("hardware probe" -> "hardware probe failed").
        self.name = name

    def failure(self, handler: Callable[[Exception], object], *, log_level: int = logging.ERROR) -> QueryOp[T]:
        """Handle a failure of ``op`` here (after logging it at ``log_level``) instead of reporting it."""
        self._failure = handler
        self._log_level = log_level
        return self

    def with_progress(self, on_start: Callable[[], object],
                      on_end: Callable[[], object] = _nothing) -> QueryOp[T]:
        """Show that the work is running: ``on_start`` before it, ``on_end`` once it is handled, either way."""
        self._on_start = on_start
        self._on_end = on_end
        return self

    async def run(self) -> bool:
        """Run now and wait (to chain work in order). True when ``op`` and ``success`` completed."""
        self._on_start()
        return await self._finish()

    def run_in_background(self) -> asyncio.Future[Any] | None:
        """Show the progress at once, run the rest on the loop and return; the task, or None once tasks shut down."""
        self._on_start()
        task = self._tasks.spawn(self._finish(), name=self.name)
        if task is None:
            self._on_end()
        return task

    async def _finish(self) -> bool:
        try:
            try:
                result = await self._tasks.run(self._op)
            except Exception as exc:
                if self._failure is None:
                    raise
                log.log(self._log_level, "%s failed", self.name, exc_info=True)
                self._failure(exc)
                return False
            self._success(result)
            return True
        finally:
            self._on_end()
