"""QueryOp: work on the pool, the result or the failure on the loop's thread, logged, in order."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest

from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.tasks import BackgroundTasks


def _work_thread() -> str:
    return threading.current_thread().name


def _boom() -> int:
    raise OSError("disk on fire")


def test_success_runs_the_work_off_the_loop_and_the_result_on_it() -> None:
    tasks = BackgroundTasks()
    seen: list[tuple[str, str]] = []
    events: list[str] = []

    def success(worker: str) -> None:
        seen.append((worker, threading.current_thread().name))

    async def main() -> bool:
        op = QueryOp(tasks, _work_thread, success, name="thread name")
        return await op.with_progress(lambda: events.append("start"), lambda: events.append("end")).run()

    try:
        assert asyncio.run(main()) is True
    finally:
        tasks.shutdown()
    (worker, caller), = seen
    assert worker.startswith("vidgen-io") and caller == threading.current_thread().name
    assert events == ["start", "end"]


def test_failure_is_logged_then_handled_and_success_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    tasks = BackgroundTasks(on_error=lambda exc: pytest.fail(f"reported {exc!r}"))
    handled: list[Exception] = []
    events: list[str] = []

    async def main() -> bool:
        op: QueryOp[int] = QueryOp(tasks, _boom, lambda _r: events.append("success"), name="probe")
        op.failure(handled.append, log_level=logging.WARNING)
        op.with_progress(lambda: events.append("start"), lambda: events.append("end"))
        return await op.run()

    with caplog.at_level(logging.INFO, logger="vidgen_desktop.bridge.query_op"):
        try:
            assert asyncio.run(main()) is False
        finally:
            tasks.shutdown()
    assert [str(e) for e in handled] == ["disk on fire"]
    assert events == ["start", "end"]
    record, = caplog.records
    assert record.levelno == logging.WARNING and record.getMessage() == "probe failed" and record.exc_info


def test_without_a_failure_handler_the_error_reaches_the_reporter() -> None:
    reported: list[BaseException] = []
    tasks = BackgroundTasks(on_error=reported.append)
    ended: list[bool] = []

    async def main() -> None:
        op: QueryOp[int] = QueryOp(tasks, _boom, lambda _r: None, name="catalogue")
        task = op.with_progress(lambda: None, lambda: ended.append(True)).run_in_background()
        assert task is not None
        await asyncio.wait([task])

    try:
        asyncio.run(main())
    finally:
        tasks.shutdown()
    assert [type(e) for e in reported] == [OSError] and ended == [True]


def test_a_bug_in_success_is_not_mistaken_for_a_failure_of_the_work() -> None:
    tasks = BackgroundTasks()
    handled: list[Exception] = []

    def success(_r: str) -> None:
        raise KeyError("bug in the window")

    async def main() -> None:
        await QueryOp(tasks, _work_thread, success, name="x").failure(handled.append).run()

    try:
        with pytest.raises(KeyError):
            asyncio.run(main())
    finally:
        tasks.shutdown()
    assert handled == []


def test_chained_runs_keep_their_order() -> None:
    tasks = BackgroundTasks(max_workers=2)
    order: list[str] = []

    async def main() -> None:
        await QueryOp(tasks, lambda: "first", order.append, name="a").run()
        await QueryOp(tasks, lambda: "second", order.append, name="b").run()

    try:
        asyncio.run(main())
    finally:
        tasks.shutdown()
    assert order == ["first", "second"]


def test_progress_shows_before_the_loop_runs_and_ends_even_when_nothing_starts() -> None:
    tasks = BackgroundTasks()
    events: list[str] = []

    async def main() -> None:
        op = QueryOp(tasks, lambda: 1, lambda _r: events.append("success"), name="busy")
        task = op.with_progress(lambda: events.append("start"), lambda: events.append("end")).run_in_background()
        assert events == ["start"]  # shown synchronously: a button greys out on the click itself
        assert task is not None
        await task
        tasks.shutdown()
        late = QueryOp(tasks, lambda: 2, lambda _r: events.append("late"), name="late")
        assert late.with_progress(lambda: events.append("start2"), lambda: events.append("end2")) \
            .run_in_background() is None

    try:
        asyncio.run(main())
    finally:
        tasks.shutdown()
    assert events == ["start", "success", "end", "start2", "end2"]
