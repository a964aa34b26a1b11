"""The History tab after real renders: rows, search, status filter, delete (with the file), render again;
and the estimate beside the Render button."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.test_queue import small_job, statuses
from vidgen_desktop.bridge.services import db_path
from vidgen_desktop.core.job_codec import settings_dict
from vidgen_desktop.ui.main_window import MainWindow


def _texts(w: MainWindow, column: int) -> list[str]:
    m = w.history_panel.model
    return [m.index(r, column).data() for r in range(m.rowCount())]


def _show_history(qtbot: QtBot, w: MainWindow, rows: int) -> None:
    w.tabs.setCurrentWidget(w.history_panel)
    qtbot.waitUntil(lambda: w.history_panel.model.rowCount() == rows, timeout=10_000)


def _set_query(qtbot: QtBot, w: MainWindow, *, search: str | None = None, status: str | None = None,
               rows: int) -> None:
    p = w.history_panel
    if search is not None:
        p.search.setText(search)
    if status is not None:
        p.status.setCurrentIndex(p.status.findData(status))
    qtbot.waitUntil(lambda: p.model.query == p.query() and p.model.rowCount() == rows, timeout=10_000)


def test_history_tab_search_filter_delete_and_render_again(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    bad = tmp_path / "broken-cover.jpg"
    shutil.copy(media["broken_image"], bad)
    song = tmp_path / "Ballad.wav"
    shutil.copy(media["audio"], song)
    w.queue.service.add(small_job(media["image"], song, tmp_path / "ballad.mp4"))
    w.queue.service.add(small_job(media["image"], media["audio"], tmp_path / "tone.mp4"))
    w.queue.service.add(small_job(bad, media["audio"], tmp_path / "never.mp4"))
    with qtbot.waitSignal(w.queue.service.finished, timeout=90_000):
        assert w.start_render()
    assert statuses(w) == ["done", "done", "failed"]

    _show_history(qtbot, w, 3)
    p = w.history_panel
    assert _texts(w, 1) == ["failed", "done", "done"]  # newest first
    assert _texts(w, 2) == ["tone.wav", "tone.wav", "Ballad.wav"]
    assert _texts(w, 4)[1:] == ["tone.mp4", "ballad.mp4"]
    assert p.count.text() == "3 renders"
    assert all(t.endswith(" s") for t in _texts(w, 6)[1:]), "the wall time is shown"

    _set_query(qtbot, w, search="ballad", rows=1)  # case-insensitive, on names and folders
    assert _texts(w, 2) == ["Ballad.wav"]
    _set_query(qtbot, w, search="no such thing", rows=0)
    _set_query(qtbot, w, search="", status="failed", rows=1)
    assert _texts(w, 3) == ["broken-cover.jpg"]
    p.select_row(0)
    assert not p.open.isEnabled() and p.again.isEnabled()
    _set_query(qtbot, w, status="done", rows=2)

    # Open and reveal hand the video to the desktop.
    opened: list[str] = []
    monkeypatch.setattr("vidgen_desktop.ui.desktop.QDesktopServices.openUrl",
                        lambda url: opened.append(url.toLocalFile()) or True)
    p.select_row(1)
    p.open.click()
    assert opened == [str(tmp_path / "ballad.mp4")]

    # Render again: the same settings queued under a new name, the inputs loaded in the window.
    p.select_row(1)
    p.again.click()
    qtbot.waitUntil(lambda: len(w.queue.service.entries()) == 4, timeout=10_000)
    again = w.queue.service.entries()[-1]
    first = w.queue.service.entries()[0]
    assert again.status.value == "pending" and again.job["image"] == first.job["image"]
    assert again.job["audio"] == str(song) and again.job["output"] == str(tmp_path / "ballad (2).mp4")
    from vidgen_desktop.core.job_codec import job_from_dict

    assert settings_dict(job_from_dict(again.job)) == settings_dict(job_from_dict(first.job))
    assert again.options == first.options
    assert w.tabs.currentWidget() is w.queue_panel
    qtbot.waitUntil(lambda: w.loader.audio is not None and w.loader.audio.path == song, timeout=10_000)

    # Delete: the entry only, then another with its file.
    w.tabs.setCurrentWidget(w.history_panel)
    qtbot.waitUntil(lambda: p.model.rowCount() == 2, timeout=10_000)
    monkeypatch.setattr(p, "confirm_delete", lambda done: (True, False))
    p.select_row(0)  # tone.mp4
    p.delete.click()
    qtbot.waitUntil(lambda: p.model.rowCount() == 1, timeout=10_000)
    assert (tmp_path / "tone.mp4").exists(), "the file stays unless asked"
    monkeypatch.setattr(p, "confirm_delete", lambda done: (True, True))
    p.select_row(0)  # ballad.mp4
    p.delete.click()
    qtbot.waitUntil(lambda: p.model.rowCount() == 0, timeout=10_000)
    assert not (tmp_path / "ballad.mp4").exists()
    _set_query(qtbot, w, status="", rows=1)  # only the failed one is left
    monkeypatch.setattr(p, "confirm_delete", lambda done: (False, False))
    p.select_row(0)
    p.delete.click()
    qtbot.wait(300)
    assert p.model.rowCount() == 1, "No keeps it"


def test_history_pages_load_as_the_table_scrolls(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    from vidgen_desktop.engine.history.db import open_db
    from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
    from vidgen_desktop.engine.history.records import Status

    w = make_window(render_fn=lambda *a, **k: None)
    with open_db(db_path(w.s.paths)) as db, db.transaction():
        store = HistoryStore(db)
        for i in range(450):
            row = store.start(RenderStart(Path(f"/p/pic{i}.png"), Path(f"/s/song{i}.mp3"), Path(f"/o/v{i}.mp4"), {},
                                          None, "kenburns", "t", "owner", "m"))
            store.finish(row, RenderEnd(Status.FAILED if i % 3 == 0 else Status.DONE, 1.0 + i))
    _show_history(qtbot, w, 200)  # the first page only
    p = w.history_panel
    assert p.count.text() == "450 renders"
    assert _texts(w, 2)[0] == "song449.mp3"
    p.table.scrollToBottom()
    qtbot.waitUntil(lambda: p.model.rowCount() == 400, timeout=10_000)
    p.table.scrollToBottom()
    qtbot.waitUntil(lambda: p.model.rowCount() == 450, timeout=10_000)
    assert _texts(w, 2)[-1] == "song0.mp3"
    _set_query(qtbot, w, status="failed", rows=150)
    assert not p.model.canFetchMore(p.model.index(-1, -1))


def test_the_estimate_appears_and_learns_from_renders(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window()
    assert w.estimate_label.text() == ""
    w.load_files([media["image"], media["audio"]])
    qtbot.waitUntil(lambda: "on this computer" in w.estimate_label.text(), timeout=20_000)
    assert w.estimate_label.text().startswith("about ")
    assert "no past renders yet" in w.estimate_label.text()
    assert w.history.last_estimate is not None and w.history.last_estimate.source == "model"
    w.output_panel.resolution.setCurrentIndex(w.output_panel.resolution.findData("480p"))
    w.output_panel.fps.setCurrentIndex(w.output_panel.fps.findData("15"))
    qtbot.waitUntil(w.render_button.isEnabled, timeout=10_000)
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=60_000):
        assert w.start_render()
    qtbot.waitUntil(lambda: "from 1 past render)" in w.estimate_label.text(), timeout=20_000)
    assert w.history.last_estimate is not None and w.history.last_estimate.source == "history"
