"""The polled-worker base on its own: one thread, progress taken at POLL_HZ, one result per job, clean states.

A counting worker reports thousands of times a second on a real QThread; the runner must
hand the GUI thread only a handful of those, the newest one last, and exactly one result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QThread, Signal
from pytestqt.qtbot import QtBot

from vidgen_desktop.bridge import threads
from vidgen_desktop.bridge.polled import POLL_HZ, JobState, PolledRunner, PolledWorker
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import RenderError


@dataclass(frozen=True)
class Count:
    job_id: int
    to: int
    delay: float = 0.0002
    fail: BaseException | None = None
    #: The user's cancel arrives just before ``fail`` is raised (a pipe closed under the cancel).
    cancel_then_fail: bool = False
    cancel: CancelToken = field(default_factory=CancelToken)


class CountingWorker(PolledWorker[Count, int]):
    what = "count"

    def work(self, request: Count) -> object:
        for i in range(1, request.to + 1):
            request.cancel.raise_if_cancelled()
            self.report(i)
            time.sleep(request.delay)
        if request.fail is not None:
            if request.cancel_then_fail:
                request.cancel.cancel("the user")
            raise request.fail
        return f"counted to {request.to} on {QThread.currentThread().objectName()}"


class Counter(PolledRunner[Count, int]):
    progress = Signal(int)
    ended = Signal(str, object)

    def __init__(self) -> None:
        super().__init__("count", CountingWorker)

    def go(self, request: Count) -> None:
        self._begin(request)
        self._send(request)

    def cancel(self) -> bool:
        return self._cancel_current("enough")

    def _deliver(self, request: Count, progress: int) -> None:
        self.progress.emit(progress)

    def _succeeded(self, request: Count, result: object) -> None:
        self.ended.emit("succeeded", result)

    def _failed(self, request: Count, exc: object) -> None:
        self.ended.emit("failed", exc)

    def _cancelled(self, request: Count) -> None:
        self.ended.emit("cancelled", None)


class Log:
    """Bound-method receivers (never lambdas on runner signals), noting the thread each ran on."""

    def __init__(self, c: Counter) -> None:
        self.progress: list[tuple[float, int]] = []
        self.ends: list[tuple[str, Any]] = []
        self.states: list[str] = []
        self.threads: set[str] = set()
        c.progress.connect(self.on_progress)
        c.ended.connect(self.on_end)
        c.state_changed.connect(self.on_state)

    def on_progress(self, n: int) -> None:
        self.threads.add(threading.current_thread().name)
        self.progress.append((time.monotonic(), n))

    def on_end(self, kind: str, payload: object) -> None:
        self.threads.add(threading.current_thread().name)
        self.ends.append((kind, payload))

    def on_state(self, state: str) -> None:
        self.states.append(state)


@pytest.fixture
def counter(qapp: object) -> Iterator[Counter]:
    c = Counter()
    yield c
    assert c.shutdown(10_000)
    c.deleteLater()


def test_thousands_of_reports_reach_the_gui_at_poll_rate_newest_last(qtbot: QtBot, counter: Counter) -> None:
    log = Log(counter)
    assert "vidgen-count" not in threads.running_threads(), "no thread before the first job"
    counter.go(Count(1, to=3000))
    assert counter.state is JobState.RUNNING
    qtbot.waitUntil(lambda: bool(log.ends), timeout=20_000)
    assert log.ends[0][0] == "succeeded" and "vidgen-count" in log.ends[0][1]
    assert log.threads == {threading.current_thread().name}
    values = [n for _t, n in log.progress]
    span = log.progress[-1][0] - log.progress[0][0]
    assert 2 <= len(values) <= span * POLL_HZ + 3, (len(values), span)
    assert values == sorted(values) and values[-1] == 3000, "the last report is flushed before the result"
    assert log.states == ["running", "idle"] and counter.state is JobState.IDLE


def test_cancel_then_the_same_thread_takes_the_next_job(qtbot: QtBot, counter: Counter) -> None:
    log = Log(counter)
    counter.go(Count(1, to=1_000_000, delay=0.001))
    qtbot.waitUntil(lambda: len(log.progress) >= 2, timeout=10_000)
    assert counter.cancel() and counter.state is JobState.CANCELLING
    assert not counter.cancel(), "already stopping"
    qtbot.waitUntil(lambda: bool(log.ends), timeout=5_000)
    assert log.ends == [("cancelled", None)] and counter.state is JobState.IDLE
    counter.go(Count(2, to=5))
    qtbot.waitUntil(lambda: len(log.ends) == 2, timeout=10_000)
    assert log.ends[1][0] == "succeeded"
    assert log.states == ["running", "cancelling", "idle", "running", "idle"]


@pytest.mark.parametrize(("fail", "cancelled", "kind"), [
    (RenderError("expected"), False, "failed"),
    (ZeroDivisionError("a bug"), False, "failed"),
    (OSError("pipe closed"), True, "cancelled"),
])
def test_each_job_ends_exactly_once(qtbot: QtBot, counter: Counter, fail: BaseException, cancelled: bool,
                                    kind: str) -> None:
    log = Log(counter)
    counter.go(Count(7, to=3, fail=fail, cancel_then_fail=cancelled))
    qtbot.waitUntil(lambda: bool(log.ends), timeout=5_000)
    qtbot.wait(50)
    assert [k for k, _ in log.ends] == [kind]
    if kind == "failed":
        assert log.ends[0][1] is fail


def test_a_job_cancelled_before_it_ran_does_not_run(qtbot: QtBot, counter: Counter) -> None:
    log = Log(counter)
    request = Count(1, to=5)
    request.cancel.cancel("changed my mind")
    counter.go(request)
    qtbot.waitUntil(lambda: bool(log.ends), timeout=5_000)
    assert log.ends == [("cancelled", None)] and log.progress == []


def test_shutdown_mid_job_joins_and_refuses_nothing_silently(qtbot: QtBot, counter: Counter) -> None:
    log = Log(counter)
    counter.go(Count(1, to=1_000_000, delay=0.001))
    qtbot.waitUntil(lambda: bool(log.progress), timeout=10_000)
    t0 = time.monotonic()
    assert counter.shutdown(10_000)
    assert time.monotonic() - t0 < 2.0
    assert "vidgen-count" not in threads.running_threads()
    assert counter.shutdown(), "a second shutdown is a no-op"


def test_keep_merges_reports_between_polls() -> None:
    class Summing(PolledWorker[Count, int]):
        def keep(self, pending: int | None, event: Any) -> int:
            return (pending or 0) + int(event)

    w = Summing()
    assert w.take_progress() is None
    for n in (1, 2, 3):
        w.report(n)
    assert w.take_progress() == 6 and w.take_progress() is None
