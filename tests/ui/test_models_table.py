"""The models table model: its rows, columns and roles, and how it follows real downloads.

The live tests wire the model to a real :class:`DownloadManager` downloading from the
loopback hub into a real models folder, with rows read by the real ``model_rows``: what
the table says is checked while the bytes arrive, when the queue moves, on cancel, and
after the rows are read again from disk.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from tests.helpers.fake_hub import FakeHub
from tests.helpers.hub_fixtures import clean_hub_env, fast_store_options, hub_fixture  # noqa: F401
from vidgen_desktop.bridge.downloads import DownloadManager
from vidgen_desktop.bridge.models import LicenceLink, ModelRow, model_rows
from vidgen_desktop.core.hub_settings import HubSettings, HubSettingsStore
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.ui.models_table import (
    ACTIONS_COL,
    ACTIONS_ROLE,
    BAD,
    COLUMNS,
    FIT_COL,
    GOOD,
    LICENCE_COL,
    LINK_HTML_ROLE,
    MODEL_ID_ROLE,
    NAME_COL,
    PROGRESS_ROLE,
    SIZE_COL,
    STATE_COL,
    STATE_ROLE,
    WARN,
    ModelsTableModel,
    RowActions,
)

DISPLAY, TIP, FG = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole


def _row(mid: str, state: str = "not-installed", **kw: Any) -> ModelRow:
    base: dict[str, Any] = {"id": mid, "name": mid.upper(), "tier": "svd", "size_bytes": 4_510_000_000,
                            "vram_gb": 10.0, "licences": ("L",), "gated": False, "state": state, "problems": (),
                            "fits": True, "fit_reason": "needs 10 GB; this GPU has 12.0 GB"}
    base.update(kw)
    return ModelRow(**base)


def _cell(model: ModelsTableModel, mid: str, col: int, role: int = DISPLAY) -> Any:
    return model.index(model.row_index(mid), col).data(role)


class Changes:
    """Rows named in dataChanged, and resets."""

    def __init__(self, model: ModelsTableModel) -> None:
        self.rows: list[tuple[int, int]] = []
        self.resets = 0
        model.dataChanged.connect(self.on_changed)
        model.modelReset.connect(self.on_reset)

    def on_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        self.rows.append((top.row(), bottom.row()))

    def on_reset(self) -> None:
        self.resets += 1


# ---------------------------------------------------------------------------- rows and roles


def test_rows_columns_and_roles(qapp: object) -> None:
    m = ModelsTableModel()
    assert m.rowCount() == 0 and m.columnCount() == len(COLUMNS) == 7
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(7)] == list(COLUMNS)
    m.set_rows([
        _row("svd", "incomplete", problems=("download not finished",), size_on_disk=1_200_000_000, fits=False,
             fit_reason="needs a GPU with 10 GB; none found",
             licence_links=(LicenceLink("SVD Licence", "https://x/l", True), LicenceLink("Other", "https://x/o"))),
        _row("xtts", "installed", size_on_disk=1_300_000, vram_gb=None, fits=True, fit_reason="no GPU needed"),
    ])
    assert m.rowCount() == 2 and m.rowCount(m.index(0, 0)) == 0, "a table: no children"
    assert _cell(m, "svd", NAME_COL) == "SVD" and "id: svd" in _cell(m, "svd", NAME_COL, TIP)
    assert all(m.index(0, c).data(MODEL_ID_ROLE) == "svd" for c in range(7))
    assert _cell(m, "svd", SIZE_COL) == "1.2 GB of 4.5 GB" and _cell(m, "xtts", SIZE_COL) == "1.3 MB on disk"
    assert _cell(m, "svd", FIT_COL) == "Too large" and _cell(m, "svd", FIT_COL, FG) == BAD
    assert "Does not fit this machine" in _cell(m, "svd", FIT_COL, TIP)
    assert _cell(m, "xtts", FIT_COL, FG) == GOOD
    # Status: words, colour, the store's state, no bar.
    assert _cell(m, "svd", STATE_COL) == "Incomplete: download not finished"
    assert _cell(m, "svd", STATE_COL, FG) == WARN and _cell(m, "svd", STATE_COL, STATE_ROLE) == "incomplete"
    assert _cell(m, "xtts", STATE_COL) == "Installed" and _cell(m, "xtts", STATE_COL, FG) == GOOD
    assert _cell(m, "svd", STATE_COL, PROGRESS_ROLE) is None
    # Licence: the first as a link, the count of the others; plain names for display.
    rich = _cell(m, "svd", LICENCE_COL, LINK_HTML_ROLE)
    assert "href='https://x/l'" in rich and "+1 more" in rich and "Other" not in rich
    assert _cell(m, "svd", LICENCE_COL) == "L"
    # Actions: without a download manager nothing can be started or deleted.
    actions = _cell(m, "svd", ACTIONS_COL, ACTIONS_ROLE)
    assert isinstance(actions, RowActions) and actions.primary == "Resume"
    assert not actions.primary_enabled and not actions.delete_enabled
    assert _cell(m, "xtts", ACTIONS_COL, ACTIONS_ROLE).primary == "Download"
    assert _cell(m, "xtts", ACTIONS_COL, Qt.ItemDataRole.AccessibleTextRole).startswith("Download XTTS (unavailable)")
    assert m.index(5, 0).data() is None and m.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags


def test_new_rows_update_in_place_unless_the_models_change(qapp: object) -> None:
    m = ModelsTableModel()
    m.set_rows([_row("a"), _row("b")])
    seen = Changes(m)
    m.set_rows([_row("a", "installed"), _row("b")])
    assert seen.resets == 0 and seen.rows == [(0, 1)]
    assert _cell(m, "a", STATE_COL) == "Installed"
    m.set_rows([_row("b")])
    assert seen.resets == 1 and m.rowCount() == 1 and m.row("a") is None and m.row_index("a") == -1


def test_deleting_and_failed_are_shown_on_their_row_only(qapp: object) -> None:
    m = ModelsTableModel()
    m.set_rows([_row("a"), _row("b", "installed")])
    seen = Changes(m)
    m.set_failed("a", "Cannot reach the hub.")
    assert seen.rows == [(0, 0)]
    assert _cell(m, "a", STATE_COL) == "Not installed (failed)" and _cell(m, "a", STATE_COL, FG) == BAD
    assert _cell(m, "a", STATE_COL, TIP) == "Cannot reach the hub."
    m.set_failed("a", None)
    assert _cell(m, "a", STATE_COL) == "Not installed"
    m.set_deleting("b", True)
    assert seen.rows[-1] == (1, 1) and _cell(m, "b", STATE_COL) == "Deleting…"
    m.set_deleting("b", False)
    assert _cell(m, "b", STATE_COL) == "Installed"


# ---------------------------------------------------------------------------- following real downloads


@pytest.fixture
def manager(qapp: object, hub: FakeHub, vidgen_home: AppPaths, tmp_path: Path) -> Iterator[DownloadManager]:
    mgr = DownloadManager(vidgen_home,
                          settings_store=HubSettingsStore(vidgen_home.home / "hub.json", use_keyring=False))
    mgr.set_hub(HubSettings(endpoint=hub.url))
    mgr.store_options = fast_store_options(tmp_path)
    yield mgr
    assert mgr.shutdown(10_000)
    mgr.deleteLater()


@pytest.fixture
def table(manager: DownloadManager, vidgen_home: AppPaths) -> ModelsTableModel:
    m = ModelsTableModel()
    m.set_rows(model_rows(vidgen_home))
    m.follow(manager)
    return m


class Watch:
    """What the svd row says each time the model reports it changed."""

    def __init__(self, m: ModelsTableModel, mid: str) -> None:
        self.m, self.mid = m, mid
        self.seen: list[tuple[float, str, Any]] = []
        m.dataChanged.connect(self.on_changed)

    def on_changed(self, top: QModelIndex, bottom: QModelIndex, _roles: object = None) -> None:
        r = self.m.row_index(self.mid)
        if top.row() <= r <= bottom.row():
            self.seen.append((time.monotonic(), _cell(self.m, self.mid, STATE_COL),
                              _cell(self.m, self.mid, STATE_COL, PROGRESS_ROLE)))


def test_the_table_follows_a_real_download_and_the_queue(qtbot: QtBot, manager: DownloadManager,
                                                        table: ModelsTableModel, hub: FakeHub,
                                                        vidgen_home: AppPaths) -> None:
    assert _cell(table, "svd", STATE_COL) == "Not installed"
    assert _cell(table, "svd", ACTIONS_COL, ACTIONS_ROLE).primary_enabled, "a manager makes the buttons live"
    watch = Watch(table, "svd")
    hub.throttle(2_500_000)  # ~1.7 s: several polls
    assert manager.download("svd", accept_licence=True) and manager.download("xtts-v2", accept_licence=True)
    assert _cell(table, "xtts-v2", STATE_COL) == "Queued"
    assert _cell(table, "xtts-v2", ACTIONS_COL, ACTIONS_ROLE).primary == "Cancel"
    assert not _cell(table, "xtts-v2", ACTIONS_COL, ACTIONS_ROLE).delete_enabled
    assert _cell(table, "svd", ACTIONS_COL, ACTIONS_ROLE).primary == "Cancel"
    qtbot.waitUntil(lambda: not manager.busy, timeout=20_000)

    bars = [p for _t, _text, p in watch.seen if p is not None and p >= 0]
    assert len(bars) >= 3 and bars == sorted(bars) and any(0 < b < 1000 for b in bars), bars
    assert bars[-1] == 1000, "the last report is shown before the download ends"
    texts = [text for _t, text, p in watch.seen if p is not None and p >= 0]
    assert all(t.endswith("%") for t in texts) and any(t not in ("0%", "100%") for t in texts), texts
    times = [t for t, _text, p in watch.seen if p is not None]
    assert len(times) <= (times[-1] - times[0]) * 10 + 6, "row updates follow the 10 Hz poll, not every report"
    # Done: no bar; the rows from disk say installed (the window re-reads them on models_changed).
    assert _cell(table, "svd", STATE_COL, PROGRESS_ROLE) is None and table.progress_of("svd") is None
    table.set_rows(model_rows(vidgen_home))
    assert _cell(table, "svd", STATE_COL) == _cell(table, "xtts-v2", STATE_COL) == "Installed"
    actions = _cell(table, "svd", ACTIONS_COL, ACTIONS_ROLE)
    assert not actions.primary_enabled and actions.delete_enabled


def test_cancel_shows_stopping_then_incomplete(qtbot: QtBot, manager: DownloadManager, table: ModelsTableModel,
                                               hub: FakeHub, vidgen_home: AppPaths) -> None:
    hub.throttle(600_000)
    manager.download("svd", accept_licence=True)
    assert _cell(table, "svd", STATE_COL) == "Starting…" and _cell(table, "svd", STATE_COL, PROGRESS_ROLE) == -1
    qtbot.waitUntil(lambda: (p := table.progress_of("svd")) is not None and p.done > 300_000, timeout=10_000)
    manager.cancel("svd")
    assert _cell(table, "svd", STATE_COL) == "Stopping…" and _cell(table, "svd", STATE_COL, PROGRESS_ROLE) is None
    assert not _cell(table, "svd", ACTIONS_COL, ACTIONS_ROLE).primary_enabled
    qtbot.waitUntil(lambda: not manager.busy, timeout=5_000)
    table.set_rows(model_rows(vidgen_home))
    assert _cell(table, "svd", STATE_COL).startswith("Incomplete")
    actions = _cell(table, "svd", ACTIONS_COL, ACTIONS_ROLE)
    assert actions.primary == "Resume" and actions.primary_enabled and actions.delete_enabled
