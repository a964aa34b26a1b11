"""The queue service and the render thread's history, without a window; the History tab's page reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender
from tests.media_factory import textured_image, tone
from vidgen_desktop.bridge import history as ops
from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.bridge.queue import QueueService
from vidgen_desktop.bridge.services import db_path
from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.engine.history.db import DB_NAME, open_db
from vidgen_desktop.engine.history.history import HistoryStore


@pytest.fixture
def made(qtbot: QtBot) -> Iterator[list[RenderController]]:
    controllers: list[RenderController] = []
    yield controllers
    for c in controllers:
        c.shutdown()


def _job(tmp_path: Path, name: str, image: Path | None = None) -> RenderJob:
    image = image or textured_image(tmp_path / "pic.png", (320, 240))
    audio = tmp_path / "s.wav"
    if not audio.exists():
        tone(audio, 1.0)
    return RenderJob(image=image, audio=audio, output=tmp_path / f"{name}.mp4", tier=Tier.KENBURNS,
                     resolution=Resolution(width=160, height=90), fps=10.0)


def test_the_database_name_is_the_engines(tmp_path: Path) -> None:
    assert db_path(AppPaths(tmp_path)) == tmp_path / DB_NAME


def test_window_renders_are_recorded_with_their_queue_job(qtbot: QtBot, tmp_path: Path,
                                                        made: list[RenderController]) -> None:
    path = tmp_path / "vidgen.db"
    controller = RenderController(db_path=path)  # the engine's render, recorded
    made.append(controller)
    service = QueueService(path, controller)
    a = service.add(_job(tmp_path, "a"))
    b = service.add(_job(tmp_path, "a"))  # the same output name: numbered, never overwritten
    assert [e.job["output"] for e in service.entries()] == [str(tmp_path / "a.mp4"), str(tmp_path / "a (2).mp4")]
    with qtbot.waitSignal(service.finished, timeout=60_000) as done:
        assert service.start()
    assert done.args == [2, 0, 0]
    with open_db(path) as db:
        rows = HistoryStore(db).list()
    assert [(r.status.value, r.queue_id, r.width) for r in rows] == [("done", b, 160), ("done", a, 160)]
    assert [e.history_id for e in service.entries()] == [rows[1].id, rows[0].id]
    page = ops.history_page(path, ops.HistoryQuery(search="a (2)"))
    assert page.total == 1 and page.rows[0][0] == rows[0].id and page.rows[0][3][5] == "a (2).mp4"
    service.close()


def test_a_stand_in_render_is_not_recorded_and_a_stop_ends_the_run(qtbot: QtBot, tmp_path: Path,
                                                                   made: list[RenderController]) -> None:
    path = tmp_path / "vidgen.db"
    controller = RenderController(FakeRender(frames=300, delay=0.01))
    made.append(controller)
    service = QueueService(path, controller)
    for name in "abc":
        service.add(_job(tmp_path, name))
    assert service.start()
    assert not service.start(), "one run at a time"
    qtbot.waitUntil(lambda: service.current is not None and controller.busy, timeout=5000)
    with qtbot.waitSignal(service.running_changed, timeout=10_000) as running:
        service.stop()
    assert running.args == [False]
    assert [e.status.value for e in service.entries()] == ["cancelled", "pending", "pending"]
    assert ops.history_page(path, ops.HistoryQuery()).total == 0
    service.close()


def test_history_reads_before_anything_was_rendered(tmp_path: Path) -> None:
    missing = tmp_path / "none" / "vidgen.db"
    assert ops.history_page(missing, ops.HistoryQuery()).total == 0
    assert ops.delete_entry(missing, 1, True) is False
    assert ops.render_again(missing, 1) is None
    assert not missing.exists(), "reading never creates the database"
    est = ops.estimate_job(missing, _job(tmp_path, "x"))
    assert est.source == "model" and est.seconds > 0
    assert ops.estimate_text(est).startswith("about ") and "no past renders yet" in ops.estimate_text(est)
