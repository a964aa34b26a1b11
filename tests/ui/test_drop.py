"""Drop zone: real drag-and-drop events for each case, inline messages, and the Render button's reasons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.helpers import drop_files
from vidgen_desktop.ui.main_window import MainWindow


def _settled(w: MainWindow) -> bool:
    return not w.loader.busy


def test_image_only(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window()
    assert not w.render_button.isEnabled() and "Add a picture" in w.render_reason.text()
    assert drop_files(w.drop, [media["exif_image"]])
    qtbot.waitUntil(lambda: w.loader.image is not None, timeout=10_000)
    # EXIF orientation 6 on a 320x240 landscape: shown upright it is portrait.
    h, wd = w.loader.image.thumbnail.shape[:2]
    assert h > wd
    assert w.drop.picture.state == "ready" and not w.drop.message.isVisible()
    assert not w.render_button.isEnabled() and "Add a sound file" in w.render_reason.text()
    assert w.output_panel.output().name == "portrait-exif.mp4"


def test_audio_only(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window()
    assert drop_files(w.drop, [media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=10_000)
    assert abs(w.loader.audio.duration_s - 2.0) < 0.05
    assert w.drop.sound.duration.text() == "0:02"
    assert w.drop.sound.waveform.has_data
    assert "tone.wav" in w.drop.sound.caption.text() and "stereo" in w.drop.sound.caption.text()
    assert "Add a picture" in w.render_reason.text()


def test_both_at_once_enables_render(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                     media: dict[str, Path]) -> None:
    w = make_window()
    assert drop_files(w.drop, [media["audio"], media["image"]])  # order does not matter
    qtbot.waitUntil(lambda: w.loader.image is not None and w.loader.audio is not None, timeout=10_000)
    assert w.render_button.isEnabled() and w.render_action.isEnabled()
    assert "Ready" in w.render_reason.text()


def test_unsupported_type_gets_an_inline_message(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                 media: dict[str, Path]) -> None:
    w = make_window()
    assert drop_files(w.drop, [media["text"], media["image"]])
    qtbot.waitUntil(lambda: w.loader.image is not None, timeout=10_000)
    text = w.drop.message.text()
    assert w.drop.message.isVisible() and "“.txt” files can't be used" in text and "notes.txt" in text
    assert QApplication.activeModalWidget() is None  # no dialog
    # The good file in the same drop was still taken.
    assert w.drop.picture.state == "ready"


def test_unreadable_files_say_what_is_wrong(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                            media: dict[str, Path]) -> None:
    w = make_window()
    assert drop_files(w.drop, [media["broken_image"], media["empty_audio"]])
    qtbot.waitUntil(lambda: _settled(w) and w.loader.image_error is not None and w.loader.audio_error is not None,
                    timeout=10_000)
    text = w.drop.message.text()
    assert "“broken.jpg”" in text and "silence.mp3" in text and "empty" in text
    assert w.drop.picture.state == "error" and w.drop.sound.state == "error"
    assert "this one can't be used" in w.render_reason.text()
    assert not w.render_button.isEnabled()
    # Replacing the bad picture with a good one clears its message.
    drop_files(w.drop, [media["image"]])
    qtbot.waitUntil(lambda: w.loader.image is not None, timeout=10_000)
    assert "broken.jpg" not in w.drop.message.text()


def test_missing_file_and_folder(qtbot: QtBot, make_window: Callable[..., MainWindow], tmp_path: Path) -> None:
    w = make_window()
    drop_files(w.drop, [tmp_path / "gone.jpg", tmp_path])
    qtbot.waitUntil(lambda: _settled(w) and w.loader.image_error is not None, timeout=10_000)
    text = w.drop.message.text()
    assert "gone.jpg" in text and "not found" in text and "is a folder" in text


def test_newest_drop_wins(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window()
    drop_files(w.drop, [media["image"]])
    drop_files(w.drop, [media["exif_image"]])
    qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
    qtbot.wait(200)
    assert w.loader.image is not None and w.loader.image.path == media["exif_image"]


def test_clear_buttons(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path]) -> None:
    w = make_window()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(w.drop.sound.clear_button, Qt.MouseButton.LeftButton)
    assert w.loader.audio is None and w.drop.sound.state == "empty"
    assert not w.render_button.isEnabled()


def test_non_file_drags_are_refused(make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    mime = QMimeData()
    mime.setText("just text")
    ev = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.drop, ev)
    assert not ev.isAccepted()
    mime.setUrls([QUrl("https://example.com/a.jpg")])
    ev = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(w.drop, ev)
    assert not ev.isAccepted()


def test_try_the_sample(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    w.drop.hint.linkActivated.emit("sample")
    qtbot.waitUntil(lambda: w.loader.image is not None and w.loader.audio is not None, timeout=30_000)
    assert w.render_button.isEnabled()
