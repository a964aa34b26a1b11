"""Several pictures in the window: the strip shows them, drags and keys reorder them, the video follows."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.engine.slideshow_media import COLOURS, colour_picture, decode_rgb_means
from tests.media_factory import tone
from tests.ui.helpers import drop_files
from vidgen_desktop.core.jobs import Transition
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.picture_strip import PictureStrip

NAMES = ("red", "green", "blue")


@pytest.fixture(scope="module")
def show_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("strip")
    files = {n: colour_picture(d / f"{n}.png", COLOURS[n], (480, 320)) for n in NAMES}
    files["sound"] = tone(d / "tune.wav", 1.5)
    return files


def _names(w: MainWindow) -> list[str]:
    return [p.stem for p in w.loader.image_paths]


def _drag_row(strip: PictureStrip, src: int, onto: int, right_half: bool) -> bool:
    """A real drop event carrying what a drag inside the strip carries (the dragged row)."""
    rect = strip.visualRect(strip.model().index(onto, 0))
    pos = QPoint(rect.right() - 3 if right_half else rect.left() + 3, rect.center().y())
    mime = strip.row_mime(src)
    enter = QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(strip.viewport(), enter)
    drop = QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(strip.viewport(), drop)
    return enter.isAccepted() and drop.isAccepted()


def test_the_strip_reorders_removes_and_the_render_follows(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                          show_files: dict[str, Path], tmp_path: Path) -> None:
    w = make_window()
    w.resize(1180, 720)
    assert drop_files(w.drop, [show_files["red"], show_files["green"], show_files["blue"], show_files["sound"]])
    qtbot.waitUntil(lambda: not w.loader.busy and w.loader.audio is not None, timeout=20_000)
    slot, strip = w.drop.picture, w.drop.picture.strip
    assert _names(w) == ["red", "green", "blue"]  # the drop's order
    assert strip.isVisible() and strip.count() == 3 and "Pictures (3)" in slot.title.text()
    assert slot.state == "ready" and slot.add_button.isVisible() and not w.drop.message.isVisible()
    assert w.render_button.isEnabled() and "video slideshow of 3 pictures" in w.render_reason.text()
    if shots := os.environ.get("VIDGEN_SCREENSHOT_DIR"):
        qtbot.wait(50)
        w.grab().save(str(Path(shots) / "slideshow-window.png"))

    # Drag red onto the right half of blue: red goes last.
    assert _drag_row(strip, 0, 2, right_half=True)
    assert _names(w) == ["green", "blue", "red"] and strip.currentRow() == 2
    # Drag red onto the left half of green: red goes first again.
    assert _drag_row(strip, 2, 0, right_half=False)
    assert _names(w) == ["red", "green", "blue"]
    # Keyboard: Ctrl+Right moves the selected picture one place later.
    strip.setCurrentRow(0)
    qtbot.keyClick(strip, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert _names(w) == ["green", "red", "blue"] and strip.currentRow() == 1
    # The tiles follow the order (the tooltip numbers them).
    assert [strip.item(i).toolTip() for i in range(3)] == [
        f"{i + 1}. {show_files[n]}" for i, n in enumerate(["green", "red", "blue"])]

    # Files dropped on the strip join the show; Remove takes the selected one out.
    extra = colour_picture(tmp_path / "white.png", COLOURS["white"])
    assert drop_files(strip.viewport(), [extra])
    qtbot.waitUntil(lambda: not w.loader.busy and strip.count() == 4, timeout=10_000)
    assert _names(w) == ["green", "red", "blue", "white"]
    strip.setCurrentRow(3)
    qtbot.mouseClick(slot.remove_button, Qt.MouseButton.LeftButton)
    assert _names(w) == ["green", "red", "blue"] and strip.count() == 3

    # Cut, so each frame is one picture; the settings keep the choice.
    slot.transition.setCurrentIndex(slot.transition.findData("cut"))
    assert w.s.settings.output.transition == "cut"
    w.output_panel.resolution.setCurrentIndex(w.output_panel.resolution.findData("480p"))
    w.output_panel.fps.setCurrentIndex(w.output_panel.fps.findData("15"))
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=120_000) as done:
        qtbot.mouseClick(w.render_button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    assert any("slideshow of 3 pictures" in n for n in result.notes)
    means = decode_rgb_means(result.output, (result.width, result.height))
    ref = np.array([COLOURS[n] for n in NAMES], np.float64)
    who = np.argmin(((means[:, None, :] - ref[None]) ** 2).sum(-1), axis=1)
    shown = [NAMES[k] for i, k in enumerate(who) if i == 0 or k != who[i - 1]]
    assert shown == ["green", "red", "blue"]  # the video shows them in the strip's order


def test_a_bad_picture_in_the_set_blocks_render_until_removed(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                             show_files: dict[str, Path], tmp_path: Path) -> None:
    w = make_window()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a JPEG" * 10)
    drop_files(w.drop, [show_files["red"], broken, show_files["sound"]])
    qtbot.waitUntil(lambda: not w.loader.busy and w.loader.audio is not None, timeout=20_000)
    assert w.drop.picture.state == "error" and "broken.jpg" in w.drop.message.text()
    assert not w.render_button.isEnabled() and "Remove or replace the picture" in w.render_reason.text()
    w.drop.picture.strip.setCurrentRow(1)
    qtbot.keyClick(w.drop.picture.strip, Qt.Key.Key_Delete)
    assert _names(w) == ["red"] and w.drop.picture.state == "ready"  # one picture: the plain thumbnail again
    assert w.render_button.isEnabled() and not w.drop.message.isVisible()


def test_the_job_gets_the_strip_order_and_the_transition() -> None:
    from vidgen_desktop.bridge.job_builder import build_job
    from vidgen_desktop.core.settings import OutputSettings

    job = build_job(Path("b.png"), Path("s.wav"), Path("o.mp4"), OutputSettings(transition="cut"),
                    more_images=[Path("a.png"), Path("c.png")])
    assert job.images == (Path("b.png"), Path("a.png"), Path("c.png")) and job.transition is Transition.CUT


def test_a_drop_in_the_empty_space_after_the_tiles_moves_a_picture_last(
        qtbot: QtBot, make_window: Callable[..., MainWindow], show_files: dict[str, Path]) -> None:
    w = make_window()
    drop_files(w.drop, [show_files["red"], show_files["green"], show_files["blue"]])
    qtbot.waitUntil(lambda: not w.loader.busy and w.drop.picture.strip.count() == 3, timeout=20_000)
    strip = w.drop.picture.strip
    last = strip.visualRect(strip.model().index(2, 0))
    pos = QPoint(last.right() + 2, last.center().y()) if last.right() + 8 < strip.viewport().width() \
        else QPoint(4, strip.viewport().height() - 4)
    assert not strip.indexAt(pos).isValid()
    assert strip.drop_row(pos) == 3
    mime = strip.row_mime(0)
    QApplication.sendEvent(strip.viewport(), QDragEnterEvent(pos, Qt.DropAction.MoveAction, mime,
                                                             Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(strip.viewport(), QDropEvent(QPointF(pos), Qt.DropAction.MoveAction, mime,
                                                        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert _names(w) == ["green", "blue", "red"]


def test_the_render_gate_speaks_of_pictures_in_the_plural() -> None:
    from vidgen_desktop.bridge.render_gate import GateState, render_blocker

    assert render_blocker(GateState(reading_image=True, pictures=3)) == "Reading the pictures…"
    assert render_blocker(GateState(image_error="x", pictures=3)).startswith("Remove or replace the picture")
    assert render_blocker(GateState(image_error="x")) == "Choose another picture: this one can't be used."
