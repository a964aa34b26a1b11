"""The window as a whole: panels filled in the background, shortcuts, accessibility, settings, errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLineEdit,
    QProgressBar,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender
from tests.ui.helpers import drop_files
from vidgen_desktop.bridge.errors import ExceptionHooks
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.notify import Notifier


def test_hardware_and_models_panels_fill_in_after_start(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    hp = w.hardware_panel
    qtbot.waitUntil(lambda: hp.copy.isEnabled(), timeout=20_000)
    assert hp.ram.text() != "…" and "cores" in hp.cpu.text()
    assert "outputs" in hp.disk.text()
    assert "Videos are made with" in hp.chosen.text() and hp.why.text()
    # The override: runnable tiers selectable; the others disabled and saying what they lack.
    model = hp.tier.model()
    kb = hp.tier.findData(Tier.KENBURNS.value)
    assert model.item(kb).isEnabled()
    decision = w.hardware.decision
    assert decision is not None
    for tier, option in decision.options.items():
        item = model.item(hp.tier.findData(tier.value))
        assert item.isEnabled() == option.runnable
        if not option.runnable:
            assert item.toolTip() and option.missing[0] in item.toolTip()
            assert tier.label in hp.missing.text()
    # Output defaults name the tier's values.
    assert f"{decision.default_short_side}p" in w.output_panel.resolution.itemText(0)
    # The catalogue, read-only, with installed state and fit labels.
    m = w.models_panel.model
    qtbot.waitUntil(lambda: m.rowCount() > 0, timeout=20_000)
    texts = [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]
    assert any("Stable Video Diffusion" in row[0] for row in texts)
    assert all(row[4].startswith(("Installed", "Incomplete", "Not installed")) for row in texts)
    assert all(row[3] in ("Fits", "Too large") for row in texts)


def test_tier_override_is_saved(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    qtbot.waitUntil(lambda: w.hardware_panel.copy.isEnabled(), timeout=20_000)
    hp = w.hardware_panel
    hp.tier.setCurrentIndex(hp.tier.findData(Tier.KENBURNS.value))
    assert w.s.settings.output.tier == "kenburns"
    assert w.hardware.decision is not None and w.hardware.decision.requested is Tier.KENBURNS


def test_shortcuts(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
                   monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window(render_fn=FakeRender(frames=5))
    assert w.open_action.shortcut().toString() == "Ctrl+O"
    assert "Ctrl+Return" in [s.toString() for s in w.render_action.shortcuts()]
    assert w.cancel_action.shortcut().toString() == "Esc"
    monkeypatch.setattr("vidgen_desktop.ui.file_dialogs.QFileDialog.getOpenFileNames",
                        lambda *a, **k: ([str(media["image"]), str(media["audio"])], ""))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    qtbot.keyClick(w, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=10_000)
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=10_000):
        qtbot.keyClick(w, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _unnamed_controls(root: QWidget) -> list[str]:
    missing = []
    for cls in (QAbstractButton, QComboBox, QLineEdit, QProgressBar, QTableWidget):
        for widget in root.findChildren(cls):
            if widget.objectName().startswith("qt_"):  # Qt's own internals (table corner, menu extension)
                continue
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not (widget.accessibleName() or text.strip()):
                missing.append(f"{cls.__name__} {widget.objectName() or widget.parent().objectName()}")
    return missing


def test_every_control_has_an_accessible_name(make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    assert _unnamed_controls(w) == []


def test_settings_survive_a_restart(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                    vidgen_home: AppPaths) -> None:
    w = make_window()
    op = w.output_panel
    op.quality.setCurrentIndex(op.quality.findData("high"))
    op.aspect.setCurrentIndex(op.aspect.findData("9:16"))
    op.resolution.setCurrentIndex(op.resolution.findData("1080p"))
    w.resize(780, 640)  # fits the 800x800 offscreen screen
    assert w.close()
    saved = json.loads(vidgen_home.settings_file.read_text())
    assert saved["output"]["quality"] == "high" and saved["output"]["aspect"] == "9:16"
    assert saved["window_geometry"]

    w2 = make_window()
    assert w2.output_panel.quality.currentData() == "high"
    assert w2.output_panel.aspect.currentData() == "9:16"
    assert w2.output_panel.resolution.currentData() == "1080p"
    assert (w2.width(), w2.height()) == (780, 640)
    assert not w2.banner.isVisible()


def test_corrupt_settings_file_still_opens_with_a_note(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                       vidgen_home: AppPaths) -> None:
    vidgen_home.home.mkdir(parents=True)
    vidgen_home.settings_file.write_text("{ this is not json")
    w = make_window()
    assert w.banner.isVisible() and "could not be read" in w.banner.text.text()
    assert w.output_panel.quality.currentData() == "standard"  # defaults
    assert list(vidgen_home.home.glob("settings.json.corrupt-*"))
    assert w.close()
    assert json.loads(vidgen_home.settings_file.read_text())["version"] == 1  # a fresh, valid file


class _Crasher:
    def boom(self) -> None:
        raise RuntimeError("a bug in a slot")


def test_unhandled_exception_lands_in_the_window(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    hooks = ExceptionHooks(w.s.reporter).install()
    try:
        crasher = _Crasher()
        QTimer.singleShot(0, crasher.boom)  # PySide hands slot exceptions to sys.excepthook
        qtbot.waitUntil(w.banner.isVisible, timeout=5000)
    finally:
        hooks.uninstall()
    assert "a bug in a slot" in w.banner.text.text()
    assert w.isVisible()  # still alive


def test_notification_only_when_not_focused(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    n = Notifier(w)
    assert not n.finished("done", "a.mp4", ok=True)
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not w.isActiveWindow(), timeout=5000)
    assert n.finished("Your video is ready", "a.mp4", ok=True)
    assert n.last == ("Your video is ready", "a.mp4")
    n.close()


def test_render_button_explains_itself(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                       media: dict[str, Path]) -> None:
    w = make_window()
    assert not w.render_button.isEnabled() and w.render_button.toolTip() == "Add a picture to start."
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=10_000)
    w.output_panel.output_path.setText("/tmp/video.avi")
    w.output_panel.output_path.textEdited.emit("/tmp/video.avi")
    assert not w.render_button.isEnabled() and ".mp4" in w.render_reason.text()


@pytest.mark.skipif(sys.platform != "linux", reason="platform: offscreen platform check")
def test_window_has_an_icon_and_title(make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    assert w.windowTitle() == "VidGen"
