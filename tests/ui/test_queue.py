"""The Queue tab: adding, dragging into order, pausing, cancelling, retrying, and surviving a new window."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender
from vidgen_desktop.bridge.job_builder import build_job
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.settings import OutputSettings
from vidgen_desktop.ui.main_window import MainWindow

SMALL = OutputSettings(resolution="160x90", fps="10", tier="kenburns", quality="draft")


def small_job(image: Path, audio: Path, out: Path) -> RenderJob:
    return build_job(image, audio, out, SMALL)


def statuses(w: MainWindow) -> list[str]:
    return [r.status for r in w.queue_panel.model.rows]


def ids(w: MainWindow) -> list[int]:
    return [r.id for r in w.queue_panel.model.rows]


def _ready(qtbot: QtBot, w: MainWindow, media: dict[str, Path]) -> None:
    w.load_files([media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.add_button.isEnabled() and w.render_flow.blocker() == "", timeout=15_000)


def test_add_three_reorder_by_drop_and_render_in_the_new_order(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeRender(frames=4, delay=0.01)
    w = make_window(render_fn=fake)
    _ready(qtbot, w, media)
    assert w.render_button.text() == "Render video"
    for _ in range(3):
        w.add_button.click()
    assert statuses(w) == ["pending"] * 3
    outputs = [Path(e.job["output"]) for e in w.queue.service.entries()]
    assert len(set(outputs)) == 3, "queued jobs never share an output name"
    assert w.render_button.text() == "Render queue (3)"
    assert w.tabs.tabText(w.tabs.indexOf(w.queue_panel)) == "Queue (3)"

    # A drag of the last row to the top, as the view delivers it: the model's mime data dropped at row 0.
    first, second, third = ids(w)
    model = w.queue_panel.model
    mime = model.mimeData([model.index(2)])
    assert model.canDropMimeData(mime, model.supportedDropActions(), 0, 0, model.index(-1))
    model.dropMimeData(mime, model.supportedDropActions(), 0, 0, model.index(-1))
    assert ids(w) == [third, first, second]
    assert [e.id for e in w.queue.service.entries()] == [third, first, second], "the order is saved"
    # What QListView's own internal-move drop calls (Qt 6): moveRow(parent, source row, parent, destination).
    assert model.moveRow(model.index(-1), 1, model.index(-1), 3)  # first to the end
    assert [e.id for e in w.queue.service.entries()] == [third, second, first]

    started: list[str] = []
    w.s.controller.started.connect(lambda job: started.append(str(job.output)))
    monkeypatch.setattr(w, "isActiveWindow", lambda: False)  # the user switched away: notify at the end
    with qtbot.waitSignal(w.queue.service.finished, timeout=20_000) as finished:
        assert w.start_render()
    assert finished.args == [3, 0, 0]
    assert statuses(w) == ["done"] * 3
    by_id = {e.id: e.job["output"] for e in w.queue.service.entries()}
    assert started == [by_id[third], by_id[second], by_id[first]]
    assert w.notifier.last is not None and w.notifier.last[0] == "The queue is finished"
    assert "3 videos made" in w.notifier.last[1]
    assert w.render_button.text() == "Render video"


def test_pause_stops_after_the_running_job_and_resume_goes_on(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window(render_fn=FakeRender(frames=30, delay=0.01))
    _ready(qtbot, w, media)
    for _ in range(3):
        w.add_button.click()
    assert w.start_render()
    qtbot.waitUntil(lambda: statuses(w)[0] == "running", timeout=5000)
    w.queue_panel.pause.click()
    assert w.queue_panel.pause.text() == "Resume queue"
    qtbot.waitUntil(lambda: not w.queue.service.running and not w.s.controller.busy, timeout=10_000)
    qtbot.wait(100)
    assert statuses(w) == ["done", "pending", "pending"]
    assert w.queue.service.paused
    with qtbot.waitSignal(w.queue.service.finished, timeout=20_000):
        w.queue_panel.pause.click()  # resume
    assert statuses(w) == ["done"] * 3


def test_cancel_the_running_job_then_the_queue_goes_on(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window(render_fn=FakeRender(frames=400, delay=0.01))
    _ready(qtbot, w, media)
    w.add_button.click()
    w.add_button.click()
    assert w.start_render()
    qtbot.waitUntil(lambda: statuses(w)[0] == "running", timeout=5000)
    qtbot.waitUntil(lambda: w.queue_panel.model.rows[0].fraction > 0, timeout=5000)  # progress reaches the row
    w.queue_panel.select_id(ids(w)[0])
    assert w.queue_panel.cancel.isEnabled() and not w.queue_panel.remove.isEnabled()
    w.queue_panel.cancel.click()
    qtbot.waitUntil(lambda: statuses(w) == ["cancelled", "running"], timeout=10_000)
    w.queue_panel.select_id(ids(w)[1])
    w.queue_panel.cancel.click()
    qtbot.waitUntil(lambda: not w.queue.service.running, timeout=10_000)
    assert statuses(w) == ["cancelled", "cancelled"]
    # Retry puts a cancelled job back; Remove deletes one.
    w.queue_panel.select_id(ids(w)[0])
    w.queue_panel.retry.click()
    w.queue_panel.select_id(ids(w)[1])
    w.queue_panel.remove.click()
    assert statuses(w) == ["pending"]


def test_a_failed_job_is_recorded_and_retried_with_a_real_render(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], tmp_path: Path) -> None:
    w = make_window()  # the real engine: renders are recorded in the history
    bad = tmp_path / "cover.jpg"
    shutil.copy(media["broken_image"], bad)
    good_id = w.queue.service.add(small_job(media["image"], media["audio"], tmp_path / "good.mp4"))
    bad_id = w.queue.service.add(small_job(bad, media["audio"], tmp_path / "bad.mp4"))
    with qtbot.waitSignal(w.queue.service.finished, timeout=60_000) as finished:
        assert w.start_render()
    assert finished.args == [1, 1, 0]
    assert statuses(w) == ["done", "failed"]
    failed_row = w.queue_panel.model.rows[1]
    assert failed_row.error and "cover.jpg" in failed_row.error
    assert (tmp_path / "good.mp4").stat().st_size > 0 and not (tmp_path / "bad.mp4").exists()

    from vidgen_desktop.bridge.services import db_path
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.history import HistoryStore

    with open_db(db_path(w.s.paths)) as db:
        rows = HistoryStore(db).list()
        assert [(r.status.value, r.queue_id) for r in rows] == [("failed", bad_id), ("done", good_id)]
        assert rows[0].error_category == "input" and rows[1].width == 160 and rows[1].height == 90
        assert rows[1].peak_ram_bytes and rows[1].peak_ram_bytes > 0

    shutil.copy(media["image"], bad)  # the user fixed the file
    w.queue_panel.select_id(bad_id)
    assert w.queue_panel.retry.isEnabled()
    w.queue_panel.retry.click()
    assert statuses(w) == ["done", "pending"]
    with qtbot.waitSignal(w.queue.service.finished, timeout=60_000) as finished:
        assert w.start_render()
    assert finished.args == [1, 0, 0]
    assert statuses(w) == ["done", "done"] and (tmp_path / "bad.mp4").stat().st_size > 0


def test_the_queue_survives_a_new_window_and_a_dead_app(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window(render_fn=FakeRender(frames=4))
    _ready(qtbot, w, media)
    for _ in range(3):
        w.add_button.click()
    order = list(reversed(ids(w)))
    w.queue.service.reorder(order)
    w.queue_panel.pause.click()
    w.close()
    assert not w.isVisible()
    # As if the app had died while the first job was rendering: its owner process is gone.
    from vidgen_desktop.bridge.services import db_path
    from vidgen_desktop.engine.history.db import open_db

    with open_db(db_path(w.s.paths), recover=False) as db:
        db.execute("UPDATE queue SET status='running', owner='999999999-1' WHERE id=?", (order[0],))

    w2 = make_window(render_fn=FakeRender(frames=4))
    assert ids(w2) == order
    assert statuses(w2) == ["pending"] * 3, "the job that was running is waiting again"
    assert w2.queue.service.paused and w2.queue_panel.pause.isChecked()
    assert w2.render_button.text() == "Render queue (3)"
    with qtbot.waitSignal(w2.queue.service.finished, timeout=20_000):
        assert w2.start_render()  # Render un-pauses and runs the queue
    assert statuses(w2) == ["done"] * 3


def test_thumbnails_load_off_the_gui_thread(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                           media: dict[str, Path]) -> None:
    w = make_window(render_fn=FakeRender(frames=4))
    _ready(qtbot, w, media)
    w.add_button.click()
    qtbot.waitUntil(lambda: str(media["image"]) in w.queue_panel.model.thumbs, timeout=10_000)
    image = w.queue_panel.model.thumbs[str(media["image"])]
    assert max(image.width(), image.height()) == 96
    w.tabs.setCurrentWidget(w.queue_panel)
    shot = w.queue_panel.view.grab()
    assert not shot.isNull()


def test_closing_during_the_queue_keeps_the_running_job_waiting(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window(render_fn=FakeRender(frames=2000, delay=0.01))
    _ready(qtbot, w, media)
    w.add_button.click()
    w.add_button.click()
    assert w.start_render()
    qtbot.waitUntil(lambda: statuses(w)[0] == "running", timeout=5000)
    w.confirm_close_during_render = lambda: True  # type: ignore[method-assign]
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=20_000)
    w2 = make_window(render_fn=FakeRender(frames=4))
    assert statuses(w2) == ["pending", "pending"], "nothing was lost or marked cancelled by closing"


def test_a_window_with_a_queue_is_built_before_the_event_loop_runs(
        qtbot: QtBot, media: dict[str, Path], tmp_path: Path) -> None:
    """As app.py does it: the window is made, then the qasync loop starts; queued jobs must not need it."""
    import asyncio

    from vidgen_desktop.bridge.queue import QueueService
    from vidgen_desktop.bridge.services import create_services, db_path
    from vidgen_desktop.core.paths import app_paths

    services = create_services(app_paths(), render_fn=FakeRender(frames=2))  # type: ignore[arg-type]
    try:
        seed = QueueService(db_path(services.paths), services.controller)
        seed.add(small_job(media["image"], media["audio"], tmp_path / "v.mp4"))
        seed.close()
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        w = MainWindow(services)
        assert statuses(w) == ["pending"] and w.render_button.text() == "Render queue (1)"
        w.close()
        w.deleteLater()
    finally:
        services.shutdown()
