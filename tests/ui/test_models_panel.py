"""The Models tab, driven like a user: Download / Cancel / Resume / Delete against a real loopback hub.

The window is the real one with real services; the models go to a real ModelStore in the
test's VIDGEN_HOME; the hub is tests/helpers/fake_hub.py on 127.0.0.1. The licence dialog
is answered by clicking it, and the hardware panel's tier list is checked before and after
a model is installed or deleted.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from tests.helpers.hub_fixtures import SVD_REPO, clean_hub_env, fast_store_options, hub_fixture  # noqa: F401
from vidgen_desktop.bridge import threads
from vidgen_desktop.core.hub_settings import HubSettings
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.ui.formatting import size_text
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.models_dialogs import HubSettingsDialog, LicenceDialog
from vidgen_desktop.ui.models_panel import ModelsPanel
from vidgen_desktop.ui.models_table import ACTIONS_COL, LICENCE_COL, RowActions

UNET = "unet/diffusion_pytorch_model.fp16.safetensors"
NOT_INSTALLED = "SVD is not installed (download it in the model manager)"


@pytest.fixture
def window(qtbot: QtBot, make_window: Callable[..., MainWindow], hub: FakeHub, tmp_path: Path) -> Iterator[MainWindow]:
    """The window, pointed at the hub through the panel's own setting, with rows and hardware read."""
    w = make_window()
    w.downloads.store_options = fast_store_options(tmp_path)
    assert w.models_panel.apply_hub_settings(HubSettings(endpoint=hub.url))
    qtbot.waitUntil(lambda: w.hardware_panel.copy.isEnabled() and w.models_panel.row("svd") is not None,
                    timeout=20_000)
    w.tabs.setCurrentWidget(w.models_panel)
    yield w
    # Leave nothing running for make_window's teardown (which would ask about closing).
    w.downloads.cancel_all()
    qtbot.waitUntil(lambda: not w.downloads.busy, timeout=10_000)


def _actions(panel: ModelsPanel, model_id: str) -> RowActions:
    actions = panel.model.actions(model_id)
    assert actions is not None
    return actions


def _click(qtbot: QtBot, panel: ModelsPanel, model_id: str, which: str = "primary") -> None:
    """Click a painted button of the row like a user: a real mouse click on the table where it is drawn."""
    index = panel.model.index(panel.row_index(model_id), ACTIONS_COL)
    panel.table.scrollTo(index)
    primary, delete = panel.table.delegate.button_rects(panel.table.visualRect(index), panel.table)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=(primary if which == "primary" else delete).center())


def _done(panel: ModelsPanel, model_id: str) -> int:
    """Bytes the running download of ``model_id`` has (as the table knows it), -1 before any progress."""
    p = panel.model.progress_of(model_id)
    return p.done if p is not None else -1


def _svd_option_missing(w: MainWindow) -> tuple[str, ...]:
    assert w.hardware.decision is not None
    return w.hardware.decision.options[Tier.SVD].missing


def _svd_tier_tooltip(w: MainWindow) -> str:
    hp = w.hardware_panel
    return hp.tier.model().item(hp.tier.findData(Tier.SVD.value)).toolTip()


def _answer_licence(accept: bool, seen: list[dict[str, Any]]) -> None:
    """Click through the licence dialog once it is open (it runs modally, inside exec())."""

    def handle() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, LicenceDialog):
            QTimer.singleShot(10, handle)
            return
        seen.append({"checked": dlg.accept_box.isChecked(), "accept_enabled": dlg.accept_button.isEnabled(),
                     "text": dlg.findChild(object, "licenceText").text()})
        dlg.accept()  # without the tick this must not count
        if accept:
            dlg.accept_box.setChecked(True)
            dlg.accept_button.click()
        else:
            dlg.cancel_button.click()

    QTimer.singleShot(0, handle)


def _selected_bytes(hub: FakeHub) -> int:
    files = hub.repo(SVD_REPO).files
    return sum(len(files[p].data) for p in SVD_SELECTED)


def _kept_bytes(model_dir: Path) -> int:
    """Bytes of model data on disk: finished files plus partial ones (not the small sidecars)."""
    total = 0
    for rel in SVD_SELECTED:
        for p in (model_dir / rel, model_dir / ".vidgen-partial" / (rel + ".part")):
            if p.is_file():
                total += p.stat().st_size
    return total


def test_download_with_licence_progress_then_tiers_update(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                                          vidgen_home: AppPaths) -> None:
    w, panel = window, window.models_panel
    assert panel.row("svd").state == "not-installed" and panel.state_text("svd") == "Not installed"
    assert NOT_INSTALLED in _svd_option_missing(w) and NOT_INSTALLED in _svd_tier_tooltip(w)
    assert w.hardware_panel.get_models.isVisibleTo(w.hardware_panel) or w.hardware.decision.options[Tier.SVD].missing
    hub.throttle(2_500_000)  # ~1.7 s: several 10 Hz updates to see
    seen: list[dict[str, Any]] = []
    _answer_licence(True, seen)
    assert _actions(panel, "svd").primary == "Download"
    _click(qtbot, panel, "svd")

    assert seen and seen[0]["checked"] is False and seen[0]["accept_enabled"] is False  # never pre-checked
    assert "Stable Video Diffusion Community License" in seen[0]["text"] and "href=" in seen[0]["text"]
    assert w.downloads.current == "svd"
    assert panel.download_box.isVisibleTo(panel) and _actions(panel, "svd").primary == "Cancel"
    texts: set[str] = set()
    cells: set[str] = set()

    def progressed() -> bool:
        texts.add(panel.download_box.status.text())
        cells.add(panel.state_text("svd"))
        return 0 < panel.download_box.bar.value() < 1000 and "/s" in panel.download_box.status.text()

    qtbot.waitUntil(progressed, timeout=10_000)
    qtbot.waitUntil(lambda: panel.row("svd").state == "installed", timeout=20_000)
    assert any(" of " in t and "B/s" in t and "left" in t for t in texts), texts
    assert any(c.endswith("%") for c in cells), cells
    # Installed: the row, the message, and the tier list all know.
    assert panel.state_text("svd") == "Installed"
    assert not _actions(panel, "svd").primary_enabled and _actions(panel, "svd").delete_enabled
    assert "is installed" in panel.message_text()
    assert not panel.download_box.isVisibleTo(panel)
    qtbot.waitUntil(lambda: NOT_INSTALLED not in _svd_option_missing(w), timeout=10_000)
    assert NOT_INSTALLED not in _svd_tier_tooltip(w)
    accepted = json.loads((vidgen_home.models / "accepted-licences.json").read_text())
    assert "svd" in accepted
    assert hub.served_files() == {p for p in SVD_SELECTED}
    assert panel.row("svd").licences_to_accept == ()  # not asked again


def test_declined_licence_makes_no_request(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                           vidgen_home: AppPaths) -> None:
    panel = window.models_panel
    hub.reset_stats()
    seen: list[dict[str, Any]] = []
    _answer_licence(False, seen)
    _click(qtbot, panel, "svd")
    assert seen and seen[0]["checked"] is False
    assert not window.downloads.busy
    assert "not accepted" in panel.message_text()
    qtbot.wait(200)
    assert list(hub.requests()) == []
    assert not (vidgen_home.models / "svd").exists()
    assert not (vidgen_home.models / "accepted-licences.json").exists()


def test_cancel_mid_download_then_resume_fetches_only_the_rest(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                                               vidgen_home: AppPaths,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    panel = window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    hub.throttle(1_000_000)
    _click(qtbot, panel, "svd")
    qtbot.waitUntil(lambda: _done(panel, "svd") > 1_200_000, timeout=10_000)
    t0 = time.monotonic()
    _click(qtbot, panel, "svd")  # now "Cancel"
    qtbot.waitUntil(lambda: not window.downloads.busy, timeout=5_000)
    assert time.monotonic() - t0 < 2.0
    qtbot.waitUntil(lambda: panel.row("svd").state == "incomplete", timeout=10_000)
    assert "stopped" in panel.message_text() and "Resume" in panel.message_text()
    assert panel.state_text("svd").startswith("Incomplete: download not finished")
    assert _actions(panel, "svd").primary == "Resume"
    kept = _kept_bytes(vidgen_home.models / "svd")
    total = _selected_bytes(hub)
    assert 1_200_000 <= kept < total

    hub.throttle(None)
    qtbot.wait(300)  # the server's handler of the cancelled request may still write one chunk into the void
    hub.reset_stats()
    _click(qtbot, panel, "svd")  # "Resume"
    qtbot.waitUntil(lambda: panel.row("svd").state == "installed", timeout=20_000)
    assert hub.served() == total - kept, "the resume fetched only what was missing"


def test_delete_asks_and_reports_the_space_freed(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                                 vidgen_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    w, panel = window, window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    panel.request_download("svd")
    qtbot.waitUntil(lambda: panel.row("svd").state == "installed", timeout=20_000)
    qtbot.waitUntil(lambda: NOT_INSTALLED not in _svd_option_missing(w), timeout=10_000)

    asked: list[str] = []
    monkeypatch.setattr(panel, "confirm_delete", lambda row: asked.append(row.id) or False)
    _click(qtbot, panel, "svd", "delete")
    assert asked == ["svd"] and (vidgen_home.models / "svd").is_dir()

    monkeypatch.setattr(panel, "confirm_delete", lambda row: True)
    freed = _kept_bytes(vidgen_home.models / "svd") + (vidgen_home.models / "svd" / "vidgen-installed.json").stat().st_size
    _click(qtbot, panel, "svd", "delete")
    qtbot.waitUntil(lambda: panel.row("svd").state == "not-installed", timeout=10_000)
    assert "Deleted" in panel.message_text() and f"{size_text(freed)} freed" in panel.message_text()
    assert not (vidgen_home.models / "svd").exists()
    qtbot.waitUntil(lambda: NOT_INSTALLED in _svd_option_missing(w), timeout=10_000)
    assert NOT_INSTALLED in _svd_tier_tooltip(w)
    assert not _actions(panel, "svd").delete_enabled


def test_second_download_is_queued(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    panel = window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    hub.throttle(4_000_000)
    _click(qtbot, panel, "svd")
    _click(qtbot, panel, "xtts-v2")
    assert panel.state_text("xtts-v2") == "Queued"
    assert panel.download_box.queue_label.text() == "Next: Coqui XTTS v2 (voice)"
    assert _actions(panel, "xtts-v2").primary == "Cancel"
    qtbot.waitUntil(lambda: panel.row("svd").state == "installed" and panel.row("xtts-v2").state == "installed",
                    timeout=20_000)


def test_keyboard_space_downloads_and_the_delete_key_asks(qtbot: QtBot, window: MainWindow,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    panel = window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    index = panel.model.index(panel.row_index("xtts-v2"), ACTIONS_COL)
    cell = panel.table.visualRect(index)
    primary, delete = panel.table.delegate.button_rects(cell, panel.table)
    assert cell.contains(primary) and cell.contains(delete), "both buttons fit their column"
    panel.table.setFocus()
    panel.table.setCurrentIndex(index.siblingAtColumn(0))  # the keys act on the row, whichever cell is current
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    assert window.downloads.current == "xtts-v2"
    qtbot.waitUntil(lambda: panel.row("xtts-v2").state == "installed", timeout=20_000)
    asked: list[str] = []
    monkeypatch.setattr(panel, "confirm_delete", lambda row: asked.append(row.id) or False)
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert asked == ["xtts-v2"]


class _Browser(QObject):
    """Stands in for the web browser (Qt's URL-handler seam): records the links opened."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_clicking_a_licence_link_opens_it(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.models_panel
    cell = panel.table.visualRect(panel.model.index(panel.row_index("svd"), LICENCE_COL))
    browser = _Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(cell.left() + 12, cell.center().y() - 4))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                         pos=QPoint(cell.right() - 3, cell.bottom() - 2))  # beside the link: nothing opens
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert len(browser.opened) == 1 and browser.opened[0].startswith("https://"), browser.opened
    assert browser.opened[0] == panel.row("svd").licence_links[0].url


@pytest.mark.parametrize("case", ["404", "401-then-token", "403", "unreachable", "disk-full", "corrupt"])
def test_errors_are_shown_inline(qtbot: QtBot, window: MainWindow, hub: FakeHub, case: str,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    panel = window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    model = "svd"
    if case == "404":
        model = "bark-small"  # no such repo on this hub
        expected = "HTTP 404"
    elif case in ("401-then-token", "403"):
        hub.add_repo(SVD_REPO, svd_repo_files(), gated=True, token="hf_good")
        if case == "403":
            panel.apply_hub_settings(HubSettings(endpoint=hub.url, token="hf_wrong"))
        expected = "needs a Hugging Face access token" if case == "401-then-token" else "has no access"
    elif case == "unreachable":
        panel.apply_hub_settings(HubSettings(endpoint="http://127.0.0.1:9"))
        expected = "Cannot reach http://127.0.0.1:9"
    elif case == "disk-full":
        window.downloads.store_options["disk_margin"] = 1 << 60
        expected = "Not enough disk space"
    else:
        hub.corrupt(UNET)
        expected = "damaged"
    panel.request_download(model)
    qtbot.waitUntil(lambda: not window.downloads.busy and panel.message_box.isVisibleTo(panel), timeout=15_000)
    text = panel.message_text()
    assert "could not be downloaded" in text and expected in text, text
    assert panel.message_box.label.property("kind") == "error"
    assert panel.message_box.retry_button.isVisibleTo(panel)
    assert panel.message_box.token_button.isVisibleTo(panel) is case.startswith(("401", "403"))
    assert panel.row(model).state != "installed"
    assert panel.state_text(model) in ("Not installed (failed)",) or panel.state_text(model).startswith("Incomplete")

    if case == "401-then-token":  # enter the token, "Try again": it works
        panel.apply_hub_settings(HubSettings(endpoint=hub.url, token="hf_good"))
        panel.message_box.retry_button.click()
        qtbot.waitUntil(lambda: panel.row("svd").state == "installed", timeout=20_000)
        assert "is installed" in panel.message_text()


def test_hub_settings_dialog(qtbot: QtBot, window: MainWindow, hub: FakeHub, vidgen_home: AppPaths) -> None:
    panel = window.models_panel

    def fill() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, HubSettingsDialog):
            QTimer.singleShot(10, fill)
            return
        assert dlg.endpoint.text() == hub.url and dlg.token.echoMode() == dlg.token.EchoMode.Password
        dlg.endpoint.setText("mirror.example")  # no scheme: refused inline, dialog stays
        dlg.accept()
        assert dlg.error.isVisibleTo(dlg) and dlg.isVisible()
        dlg.endpoint.setText("https://mirror.example/")
        dlg.token.setText("hf_abc")
        dlg.accept()

    QTimer.singleShot(0, fill)
    assert panel.edit_hub_settings()
    assert window.downloads.hub == HubSettings(endpoint="https://mirror.example", token="hf_abc")
    saved = json.loads((vidgen_home.home / "hub.json").read_text())
    assert saved["endpoint"] == "https://mirror.example"
    assert "mirror.example" in panel.source_button.toolTip()


def test_closing_during_a_download_asks_then_cancels_cleanly(qtbot: QtBot, window: MainWindow, hub: FakeHub,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             vidgen_home: AppPaths) -> None:
    w, panel = window, window.models_panel
    monkeypatch.setattr(panel, "confirm_licence", lambda row: True)
    hub.throttle(500_000)
    panel.request_download("svd")
    qtbot.waitUntil(lambda: _done(panel, "svd") > 200_000, timeout=10_000)
    answers = [False, True]
    asked: list[bool] = []

    def confirm() -> bool:
        asked.append(True)
        return answers[len(asked) - 1]

    w.confirm_close_during_download = confirm  # type: ignore[method-assign]
    assert not w.close()  # "No": keeps going
    assert w.isVisible() and w.downloads.busy
    assert not w.close()  # "Yes": cancels, closes once stopped
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=5_000)
    assert len(asked) == 2
    assert "vidgen-download" not in threads.running_threads()
    assert (vidgen_home.models / "svd" / ".vidgen-partial").is_dir()  # kept for the resume


def test_panel_without_a_manager_is_read_only(qtbot: QtBot) -> None:
    panel = ModelsPanel()
    qtbot.addWidget(panel)
    from vidgen_desktop.bridge.models import LicenceLink, ModelRow

    panel.show_rows([ModelRow("svd", "SVD", "svd", 4_510_000_000, 10.0, ("L",), True, "incomplete",
                              ("download not finished",), False, "needs 10 GB; this GPU has 8.0 GB",
                              size_on_disk=1_200_000_000, licence_links=(LicenceLink("L", "https://x/l", True),))])
    m = panel.model
    assert m.index(0, 1).data() == "1.2 GB of 4.5 GB"
    assert m.index(0, 3).data() == "Too large"
    assert "Too large for this GPU" in m.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert panel.state_text("svd") == "Incomplete: download not finished" == m.index(0, 4).data()
    assert _actions(panel, "svd").primary == "Resume" and not _actions(panel, "svd").primary_enabled
    assert not panel.request_download("svd")


