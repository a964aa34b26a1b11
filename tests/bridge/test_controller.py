"""RenderController: one long-lived thread, GUI-thread signals, ≤ 10 Hz progress, clean cancel/shutdown."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender, FakeResult, failing
from vidgen_desktop.bridge import threads as bridge_threads
from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.bridge.polled import POLL_HZ, JobState
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import RenderError
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback


def _job(tmp_path: Path) -> RenderJob:
    return RenderJob(image=tmp_path / "a.png", audio=tmp_path / "a.wav", output=tmp_path / "out.mp4")


class Recorder:
    """Collects controller signals; connected with bound methods, recording the receiving thread."""

    def __init__(self, c: RenderController) -> None:
        self.events: list[object] = []
        self.previews: list[object] = []
        self.results: list[object] = []
        self.errors: list[object] = []
        self.cancelled = 0
        self.threads: set[str] = set()
        c.progress.connect(self.on_progress)
        c.preview.connect(self.on_preview)
        c.succeeded.connect(self.results.append)
        c.failed.connect(self.errors.append)
        c.cancelled.connect(self.on_cancel)

    def on_progress(self, e: object) -> None:
        self.threads.add(threading.current_thread().name)
        self.events.append(e)

    def on_preview(self, p: object) -> None:
        self.threads.add(threading.current_thread().name)
        self.previews.append(p)

    def on_cancel(self) -> None:
        self.cancelled += 1


@pytest.fixture
def controller_factory(qtbot: QtBot):  # type: ignore[no-untyped-def]
    made: list[RenderController] = []

    def make(fn: FakeRender) -> RenderController:
        c = RenderController(fn)
        made.append(c)
        return c

    yield make
    for c in made:
        assert c.shutdown(10_000)


def test_render_runs_on_the_worker_thread_and_reports_on_the_gui_thread(qtbot: QtBot, tmp_path: Path,
                                                                        controller_factory) -> None:  # type: ignore[no-untyped-def]
    fake = FakeRender(frames=30, delay=0.02)
    c = controller_factory(fake)
    rec = Recorder(c)
    with qtbot.waitSignal(c.idle, timeout=10_000):
        assert c.start(_job(tmp_path))
        assert c.state is JobState.RUNNING
    assert fake.threads == ["vidgen-render"] or fake.threads[0] != threading.main_thread().name
    assert len(rec.results) == 1 and rec.results[0].frames == 30
    assert rec.threads == {threading.current_thread().name}  # every signal arrived on the GUI thread
    # Polled, not flooded: ~0.6 s of work gives at most a handful of updates (10 Hz), never 30+.
    assert 1 <= len(rec.events) <= 0.6 * POLL_HZ + 4
    assert rec.events[-1].stage == "done"  # the final event is flushed before "succeeded"
    assert rec.previews, "live previews reach the GUI"
    assert c.state is JobState.IDLE


def test_a_second_job_is_refused_while_one_runs(qtbot: QtBot, tmp_path: Path, controller_factory) -> None:  # type: ignore[no-untyped-def]
    c = controller_factory(FakeRender(frames=20, delay=0.02))
    with qtbot.waitSignal(c.idle, timeout=10_000):
        assert c.start(_job(tmp_path))
        assert not c.start(_job(tmp_path))
    assert c.start(_job(tmp_path))  # the same thread takes the next job
    qtbot.waitUntil(lambda: not c.busy, timeout=10_000)


def test_cancel_mid_render(qtbot: QtBot, tmp_path: Path, controller_factory) -> None:  # type: ignore[no-untyped-def]
    fake = FakeRender(frames=500, delay=0.01)
    c = controller_factory(fake)
    rec = Recorder(c)
    c.start(_job(tmp_path))
    qtbot.waitUntil(lambda: len(rec.events) >= 2, timeout=10_000)
    with qtbot.waitSignal(c.cancelled, timeout=10_000):
        c.cancel()
        assert c.state is JobState.CANCELLING
    assert rec.results == [] and rec.errors == []
    assert c.state is JobState.IDLE


def test_expected_failure_reaches_the_gui(qtbot: QtBot, tmp_path: Path, controller_factory) -> None:  # type: ignore[no-untyped-def]
    c = controller_factory(failing())
    rec = Recorder(c)
    with qtbot.waitSignal(c.failed, timeout=10_000) as blocker:
        c.start(_job(tmp_path))
    assert isinstance(blocker.args[0], RenderError)
    assert rec.results == []
    qtbot.waitUntil(lambda: not c.busy)


def test_a_bug_in_the_engine_is_reported_not_fatal(qtbot: QtBot, tmp_path: Path, controller_factory) -> None:  # type: ignore[no-untyped-def]
    fake = failing(ZeroDivisionError("oops"))
    c = controller_factory(fake)
    with qtbot.waitSignal(c.failed, timeout=10_000) as blocker:
        c.start(_job(tmp_path))
    assert isinstance(blocker.args[0], ZeroDivisionError)
    # The worker thread survived and takes the next job (the injected engine works again).
    fake.fail_with = None
    with qtbot.waitSignal(c.succeeded, timeout=10_000):
        c.start(_job(tmp_path))
    assert fake.calls == 2 and len(set(fake.threads)) == 1


def test_the_injected_render_gets_the_decision_and_ai_options(qtbot: QtBot, tmp_path: Path) -> None:
    """Every keyword reaches the render function the services were given (no narration: no captions)."""
    seen: list[dict[str, object]] = []

    def render(job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken, decision: object = None,
               ai: object = None, burn_captions: Sequence[object] = ()) -> FakeResult:
        seen.append({"job": job, "decision": decision, "ai": ai, "burn": tuple(burn_captions)})
        return FakeResult(job.output)

    c = RenderController(render)
    try:
        with qtbot.waitSignal(c.succeeded, timeout=10_000) as done:
            assert c.start(_job(tmp_path), "a decision", ai="ai options")
    finally:
        assert c.shutdown(10_000)
    assert seen == [{"job": _job(tmp_path), "decision": "a decision", "ai": "ai options", "burn": ()}]
    assert done.args[0].output == tmp_path / "out.mp4"


def test_shutdown_during_a_render_cancels_and_joins(qtbot: QtBot, tmp_path: Path) -> None:
    fake = FakeRender(frames=10_000, delay=0.01)
    c = RenderController(fake)
    c.start(_job(tmp_path))
    assert fake.started.wait(5)
    assert c.shutdown(10_000)
    assert bridge_threads.running_threads() == []
    assert not c.start(_job(tmp_path))  # a shut-down controller takes no more work
