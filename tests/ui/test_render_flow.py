"""Real Ken Burns renders started from the window: progress, completion, cancel, close, failures."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender, failing
from tests.ui.helpers import drop_files
from vidgen_desktop.bridge import threads as bridge_threads
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.video_player import multimedia_available

RENDER_TIMEOUT_MS = 120_000


def _ready(qtbot: QtBot, w: MainWindow, image: Path, audio: Path, *, resolution: str = "480p", fps: str = "15") -> None:
    drop_files(w.drop, [image, audio])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)
    w.output_panel.resolution.setCurrentIndex(w.output_panel.resolution.findData(resolution))
    w.output_panel.fps.setCurrentIndex(w.output_panel.fps.findData(fps))


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


class Events:
    def __init__(self, w: MainWindow) -> None:
        self.progress: list[object] = []
        self.titles: list[str] = []
        self._w = w
        w.s.controller.progress.connect(self.on_progress)

    def on_progress(self, e: object) -> None:
        self.progress.append(e)
        self.titles.append(self._w.windowTitle())


def test_real_render_from_the_window(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                     media: dict[str, Path]) -> None:
    w = make_window()
    _ready(qtbot, w, media["image"], media["medium_audio"])
    rec = Events(w)
    expected = w.current_output()
    assert expected is not None and not expected.exists()
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=RENDER_TIMEOUT_MS) as done:
        qtbot.mouseClick(w.render_button, Qt.MouseButton.LeftButton)
        assert w.s.controller.busy and not w.render_button.isEnabled()
        assert w.tabs.currentWidget() is w.progress_panel
    result = done.args[0]
    assert result.output == expected and expected.stat().st_size > 10_000
    assert (result.width, result.height, result.fps) == (854, 480, 15.0)
    assert result.frames == 90
    stages = [e.stage for e in rec.progress]
    assert "render" in stages and stages[-1] == "done"
    frames = [e.done for e in rec.progress if e.stage == "render"]
    assert frames == sorted(frames)
    assert any(t.endswith("· VidGen") and "%" in t for t in rec.titles)  # progress in the title
    # The panel shows the result with a poster frame and the actions.
    p = w.progress_panel
    assert p.pages.currentIndex() == 2
    assert expected.name in p.done_title.text() and "854×480" in p.done_info.text()
    assert p.frame.image() is not None and not p.frame.image().isNull()
    assert p.open_button.isVisible() and p.reveal_button.isVisible()
    assert w.windowTitle() == "VidGen"
    if multimedia_available():  # PySide6-Addons installed: the video plays in the window
        qtbot.mouseClick(p.play_button, Qt.MouseButton.LeftButton)
        assert p.player is not None and p.player.isVisible() and not p.frame.isVisible()
        qtbot.waitUntil(lambda: p.player.seek.maximum() > 0, timeout=10_000)  # the file was opened
        p.player.stop()
    # The next render would get a fresh name: a finished video is never overwritten by accident.
    assert w.current_output() != expected and w.render_button.isEnabled()


def test_ui_stays_responsive_during_a_render(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                             media: dict[str, Path]) -> None:
    w = make_window()
    _ready(qtbot, w, media["image"], media["long_audio"], resolution="720p", fps="24")
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(tick)
    w.start_render()
    qtbot.waitUntil(lambda: w.progress_panel.bar.value() > 2, timeout=RENDER_TIMEOUT_MS)
    last[0] = time.monotonic()
    timer.start()
    for size in ((900, 600), (1300, 850), (1000, 700)):
        w.resize(*size)
        qtbot.wait(300)
    timer.stop()
    w.cancel_render()
    qtbot.waitUntil(lambda: not w.s.controller.busy, timeout=30_000)
    assert len(gaps) > 20
    assert max(gaps) < 0.5, f"event loop stalled for {max(gaps):.2f} s during a render"


def test_cancel_mid_render_with_escape(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                       media: dict[str, Path]) -> None:
    w = make_window()
    _ready(qtbot, w, media["image"], media["long_audio"], resolution="720p", fps="24")
    out = w.current_output()
    assert out is not None
    w.start_render()
    qtbot.waitUntil(lambda: w.progress_panel.bar.value() >= 1, timeout=RENDER_TIMEOUT_MS)
    assert w.cancel_action.isEnabled()
    with qtbot.waitSignal(w.s.controller.cancelled, timeout=30_000):
        w.cancel_action.trigger()  # the Esc shortcut's action
    assert not out.exists()
    assert _leftovers(out.parent) == []  # no partial or temporary file
    assert "cancelled" in w.progress_panel.idle_text.text().lower()
    assert w.render_button.isEnabled()


def test_escape_key_cancels(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window(render_fn=FakeRender(frames=2000, delay=0.01))
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)  # window shortcuts need the active window
    w.loader.image = object()  # type: ignore[assignment]  # skip reading files: this is about the key
    w.s.controller.start(_dummy_job(w))
    qtbot.waitUntil(lambda: w.cancel_action.isEnabled(), timeout=5000)
    with qtbot.waitSignal(w.s.controller.cancelled, timeout=10_000):
        qtbot.keyClick(w, Qt.Key.Key_Escape)


def _dummy_job(w: MainWindow):  # type: ignore[no-untyped-def]
    from vidgen_desktop.core.jobs import RenderJob

    folder = w.s.paths.outputs
    return RenderJob(image=folder / "i.png", audio=folder / "a.wav", output=folder / "o.mp4")


def test_close_during_render_asks_then_cancels_cleanly(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                       media: dict[str, Path]) -> None:
    w = make_window()
    _ready(qtbot, w, media["image"], media["long_audio"], resolution="720p", fps="24")
    out = w.current_output()
    assert out is not None
    asked: list[bool] = []
    w.confirm_close_during_render = lambda: asked.append(True) or False  # type: ignore[method-assign]
    w.start_render()
    qtbot.waitUntil(lambda: w.progress_panel.bar.value() >= 1, timeout=RENDER_TIMEOUT_MS)
    assert not w.close()  # "No": keep rendering
    assert asked == [True] and w.isVisible() and w.s.controller.busy

    w.confirm_close_during_render = lambda: asked.append(True) or True  # type: ignore[method-assign]
    w.close()
    assert len(asked) == 2
    qtbot.waitUntil(lambda: not w.isVisible(), timeout=30_000)
    assert not w.s.controller.busy
    assert not out.exists() and _leftovers(out.parent) == []
    w.s.shutdown()
    assert bridge_threads.running_threads() == []
    # Settings (with the geometry) were written on the way out.
    assert w.s.settings.path.exists() and w.s.settings.settings.window_geometry


def test_engine_error_is_shown_with_a_hint(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                           media: dict[str, Path], tmp_path: Path) -> None:
    w = make_window()
    _ready(qtbot, w, media["image"], media["audio"])
    target = tmp_path / "no such folder" / "video.mp4"
    w.output_panel.output_path.setText(str(target))
    w.output_panel.output_path.textEdited.emit(str(target))
    with qtbot.waitSignal(w.s.controller.failed, timeout=RENDER_TIMEOUT_MS):
        w.start_render()
    p = w.progress_panel
    assert p.pages.currentIndex() == 3
    assert "no such folder" in p.error_message.text() and "does not exist" in p.error_message.text()
    assert not p.logs_button.isVisibleTo(p)  # an expected error: no log hunting


@pytest.mark.parametrize("exc", [ZeroDivisionError("bug")])
def test_unexpected_engine_bug_is_explained_and_the_app_lives(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                               media: dict[str, Path], exc: BaseException) -> None:
    w = make_window(render_fn=failing(exc))
    _ready(qtbot, w, media["image"], media["audio"])
    with qtbot.waitSignal(w.s.controller.failed, timeout=10_000):
        w.start_render()
    p = w.progress_panel
    assert p.error_title.text() == "Unexpected error" and "ZeroDivisionError" in p.error_message.text()
    assert p.logs_button.isVisibleTo(p) and "bug" in p.error_hint.text()
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=5000)  # ready for another go
