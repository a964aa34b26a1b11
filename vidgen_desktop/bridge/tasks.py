"""Short blocking jobs (reading a thumbnail, decoding a waveform, probing hardware) off the GUI thread.

The window awaits them in coroutines on the qasync loop, so the code reads top to
bottom ("thumb = await tasks.run(load_thumbnail, path)") and the GUI stays live. The
pool is ours, not the loop's default, so shutdown can wait for it and no thread outlives
the app. Coroutines are started with :meth:`BackgroundTasks.spawn`, which keeps a
reference (asyncio only keeps weak ones) and routes failures to the error reporter.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class BackgroundTasks:
    """A small thread pool plus bookkeeping of the coroutines that await it."""

    def __init__(self, max_workers: int = 2, on_error: Callable[[BaseException], object] | None = None) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="vidgen-io")
        self._tasks: set[asyncio.Future[Any]] = set()
        self._on_error = on_error
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(*args, **kwargs)`` on the pool and await its result (exceptions propagate)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(fn, *args, **kwargs))

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str = "") -> asyncio.Future[Any] | None:
        """Start ``coro`` on the running qasync loop; its unexpected errors go to ``on_error``.

        Raises ``RuntimeError`` if no loop runs: a coroutine that silently never runs is
        the worst failure mode of qasync, so it is made loud.
        """
        if self._closed:
            coro.close()
            return None
        asyncio.get_running_loop()  # raises RuntimeError without a running loop
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(functools.partial(self._done, name or getattr(coro, "__name__", "task")))
        return task

    def _done(self, name: str, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("background task %s failed", name, exc_info=exc)
            if self._on_error is not None:
                self._on_error(exc)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def shutdown(self) -> None:
        """Cancel waiting coroutines and wait for running pool jobs (they are short by design)."""
        if self._closed:
            return
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)
