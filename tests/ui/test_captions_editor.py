"""The caption editor in the window (pytest-qt): load, edit, split, merge, nudge, preview; the render gets the edits."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeResult
from tests.ui.helpers import drop_files
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent
from vidgen_desktop.ui.main_window import MainWindow

SRT = """1
00:00:00,200 --> 00:00:01,000
Hello there

2
00:00:01,000 --> 00:00:01,900
we make videos from pictures
"""


class RecordingRender:
    """Records what the window asked for; writes nothing but the (fake) video file."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.done = threading.Event()

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken, decision: Any = None,
                 ai: Any = None, burn_captions: Sequence[Any] = (), caption_look: Any = None) -> FakeResult:
        self.calls.append({"burn": tuple(burn_captions), "look": caption_look, "audio": job.audio})
        job.output.write_bytes(b"not really a video")
        on_progress(ProgressEvent("done", 1, 1))
        return FakeResult(job.output)


@pytest.fixture
def grey(tmp_path: Path) -> Path:
    """A plain picture: nothing in it looks like the highlight colour."""
    from PIL import Image

    p = tmp_path / "grey.png"
    Image.new("RGB", (640, 400), (90, 90, 90)).save(p)
    return p


@pytest.fixture
def srt_file(tmp_path: Path) -> Path:
    p = tmp_path / "talk.srt"
    p.write_text(SRT, encoding="utf-8")
    return p


def _texts(w: MainWindow) -> list[str]:
    return [c.text for c in w.captions_panel.cues()]


def test_edit_split_merge_nudge_then_the_render_burns_the_edits_and_saves_them(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], srt_file: Path,
        grey: Path) -> None:
    fake = RecordingRender()
    w = make_window(render_fn=fake)
    panel = w.captions_panel
    assert w.tabs.tabText(w.tabs.indexOf(panel)) == "Captions"
    drop_files(w.drop, [grey, media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)

    w.captions.load_file(srt_file)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    assert _texts(w) == ["Hello there", "we make videos from pictures"]
    assert panel.model.index(0, 0).data() == "0:00.20" and panel.play_button.isEnabled()

    # Edit the text in the table cell.
    assert panel.model.setData(panel.model.index(0, 2), "Hello, there")
    assert _texts(w)[0] == "Hello, there"

    # Split the second cue where the cursor is (after "we make videos").
    panel.table.selectRow(1)
    panel.cue_text.setCursorPosition(len("we make videos"))
    panel.split_button.click()
    assert _texts(w) == ["Hello, there", "we make videos", "from pictures"]
    a, b = panel.cues()[1:]
    assert a.start == 1.0 and b.end == 1.9 and a.end == b.start and 1.0 < a.end < 1.9

    # Merge them back, then nudge the start later and the end earlier.
    panel.table.selectRow(1)
    panel.merge_button.click()
    assert _texts(w) == ["Hello, there", "we make videos from pictures"]
    panel.start_later.click()
    panel.end_earlier.click()
    assert (panel.cues()[1].start, panel.cues()[1].end) == (pytest.approx(1.1), pytest.approx(1.8))
    panel.table.selectRow(0)
    panel.end_later.click()  # cannot run into the next cue
    assert panel.cues()[0].end == pytest.approx(1.1)

    # Look: karaoke, yellow on white, at the top.
    panel.style_box.setCurrentIndex(panel.style_box.findData("karaoke"))
    panel.position_box.setCurrentIndex(panel.position_box.findData("top"))
    panel.set_colours(highlight=(0, 230, 0))

    # The preview frame comes from the engine, with the karaoke highlight in it.
    panel.table.selectRow(1)
    panel.preview_button.click()
    qtbot.waitUntil(lambda: panel.preview.image() is not None, timeout=20_000)
    img = panel.preview.image()
    assert img is not None and (img.width(), img.height()) == (640, 360)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    rgb = arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).astype(int)
    lit = (rgb[..., 1] > 150) & (rgb[..., 0] < 110) & (rgb[..., 2] < 110)
    assert lit.sum() > 20 and np.nonzero(lit)[0].mean() < 360 * 0.4  # a lit word, at the top

    # Render: the job receives the edited cues and the look; the .srt goes beside the video.
    assert w.start_render()
    qtbot.waitUntil(lambda: w.last_result is not None, timeout=20_000)
    call = fake.calls[-1]
    assert [c.text for c in call["burn"]] == ["Hello, there", "we make videos from pictures"]
    assert call["burn"][1].start == pytest.approx(1.1)
    assert isinstance(call["look"], CaptionLook) and call["look"].style == "karaoke"
    assert call["look"].position == "top" and call["look"].highlight == (0, 230, 0)
    out = Path(w.last_result.output)
    srt = out.with_suffix(".srt").read_text(encoding="utf-8")
    assert "Hello, there" in srt and "00:00:01,100 --> 00:00:01,800" in srt
    assert any(n.startswith("captions:") for n in w.last_result.notes)

    # Re-rendering uses the same edited cues (nothing transcribed again).
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=10_000)
    w.confirm_overwrite = lambda _p: True  # type: ignore[method-assign]
    w.render_flow.confirm_overwrite = lambda _p: True  # type: ignore[method-assign]
    n = len(fake.calls)
    assert w.start_render()
    qtbot.waitUntil(lambda: len(fake.calls) == n + 1 and not w.s.controller.busy, timeout=20_000)
    assert [c.text for c in fake.calls[-1]["burn"]] == [c.text for c in call["burn"]]


def test_not_burned_when_unticked_and_bad_files_are_explained(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], tmp_path: Path) -> None:
    fake = RecordingRender()
    w = make_window(render_fn=fake)
    panel = w.captions_panel
    bad = tmp_path / "bad.srt"
    bad.write_text("this is not\na captions file\n", encoding="utf-8")
    w.captions.load_file(bad)
    qtbot.waitUntil(lambda: "not an SRT file" in panel.status.text(), timeout=10_000)
    assert panel.model.rowCount() == 0 and not panel.split_button.isEnabled()

    vtt = tmp_path / "c.vtt"
    vtt.write_text("WEBVTT\n\nNOTE hi\n\n00:00.500 --> 00:01.500 align:start\n<b>Bold</b> words\n", encoding="utf-8")
    w.captions.load_file(vtt)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=10_000)
    assert _texts(w) == ["Bold words"]
    panel.burn_check.setChecked(False)
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)
    assert w.start_render()
    qtbot.waitUntil(lambda: w.last_result is not None, timeout=20_000)
    assert fake.calls[-1]["burn"] == ()  # saved beside the video only
    assert Path(w.last_result.output).with_suffix(".srt").is_file()


def test_transcribe_button_explains_when_transcription_is_missing_or_no_sound(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vidgen_desktop.bridge import captions as bridge

    w = make_window()
    panel = w.captions_panel
    panel.transcribe_button.click()
    assert "Load a sound first" in panel.status.text()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    monkeypatch.setattr(bridge, "TRANSCRIBE_MODULE", "vidgen_desktop.engine.no_such_transcriber")
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: "not part of this version" in panel.status.text(), timeout=10_000)
    assert panel.transcribe_button.isEnabled()


def test_transcribe_the_sound_fills_the_editor(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                media: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook's wiring: the transcription module is imported lazily, given the sound, its cues land in the table
    (a stand-in module here; the real one is ``vidgen_desktop.engine.transcribe``)."""
    import sys
    import types

    from vidgen_desktop.bridge import captions as bridge
    from vidgen_desktop.engine.captions import Cue, Word

    seen: list[Any] = []

    def transcribe(audio: Path, **kw: Any) -> Any:
        seen.append((audio, kw))
        cue = Cue(0.1, 0.9, "heard words", (Word(0.1, 0.4, "heard"), Word(0.5, 0.9, "words")))
        return types.SimpleNamespace(cues=(cue,), language="en", duration_s=2.0)

    module = types.ModuleType("tests_fake_transcribe")
    module.transcribe = transcribe  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_fake_transcribe", module)
    monkeypatch.setattr(bridge, "TRANSCRIBE_MODULE", "tests_fake_transcribe")
    w = make_window()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    w.captions_panel.transcribe_button.click()
    qtbot.waitUntil(lambda: w.captions_panel.model.rowCount() == 1, timeout=10_000)
    assert _texts(w) == ["heard words"] and w.captions_panel.cues()[0].words[1].start == 0.5
    assert seen[0][0] == media["audio"] and seen[0][1]["models_dir"] == w.s.paths.models
    assert "from the sound" in w.captions_panel.status.text()


def test_screenshot_of_the_editor(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
                                  srt_file: Path, tmp_path: Path) -> None:
    """The tab as people see it, saved for looking at (``$VIDGEN_SCREENSHOTS`` or the test's folder)."""
    import os

    w = make_window()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.image is not None and w.loader.audio is not None, timeout=20_000)
    w.tabs.setCurrentWidget(w.captions_panel)
    w.captions.load_file(srt_file)
    qtbot.waitUntil(lambda: w.captions_panel.model.rowCount() == 2, timeout=10_000)
    w.captions_panel.style_box.setCurrentIndex(w.captions_panel.style_box.findData("karaoke"))
    w.captions_panel.table.selectRow(1)
    w.captions_panel.preview_button.click()
    qtbot.waitUntil(lambda: w.captions_panel.preview.image() is not None, timeout=20_000)
    qtbot.wait(50)
    shot = w.grab()
    assert shot.width() > 600 and w.captions_panel.play_button.isEnabled()
    folder = Path(os.environ.get("VIDGEN_SCREENSHOTS", tmp_path))
    assert shot.save(str(folder / "vidgen-captions-editor.png"))


def test_keyboard_shortcuts_and_play_from_a_cue(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                               media: dict[str, Path], srt_file: Path) -> None:
    from PySide6.QtCore import Qt

    from vidgen_desktop.ui.video_player import multimedia_available

    w = make_window()
    panel = w.captions_panel
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    w.tabs.setCurrentWidget(panel)
    w.captions.load_file(srt_file)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    w.activateWindow()
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)  # shortcuts need the active window
    panel.table.setFocus()
    panel.table.selectRow(1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert panel.cues()[1].start == pytest.approx(1.1)
    qtbot.keyClick(panel.table, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert panel.cues()[1].end == pytest.approx(1.8)
    panel.table.selectRow(0)
    qtbot.keyClick(panel.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert _texts(w) == ["Hello there we make videos from pictures"]
    # Typed into the text field, then split at its cursor: the edit is kept and the cursor used.
    panel.cue_text.setFocus()
    panel.cue_text.setText("Hello there, we make videos from pictures")
    panel.cue_text.setCursorPosition(len("Hello there,"))
    qtbot.keyClick(panel.cue_text, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert _texts(w) == ["Hello there,", "we make videos from pictures"]

    panel.table.selectRow(1)
    panel.play_button.click()
    if multimedia_available():
        assert panel._player is not None and panel._player.source().toLocalFile() == str(media["audio"])
        assert "Playing from 0:00.68" in panel.status.text() or "could not be played" in panel.status.text()
        panel.stop()
    else:
        assert "PySide6-Addons" in panel.status.text()


def test_the_look_is_remembered(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    from dataclasses import replace

    w = make_window()
    panel = w.captions_panel
    panel.style_box.setCurrentIndex(panel.style_box.findData("word"))
    panel.size_box.setValue(7.5)
    panel.set_colours(colour=(255, 255, 0), highlight=(0, 200, 255))
    saved = w.s.settings.settings.captions
    assert (saved.style, saved.size, saved.colour, saved.highlight) == ("word", "7.5", "#ffff00", "#00c8ff")
    panel.set_look(CaptionLook())
    w.s.settings.update(captions=saved)
    w.captions.restore()
    assert panel.look() == CaptionLook(style="word", size=0.075, colour=(255, 255, 0), highlight=(0, 200, 255))
    w.s.settings.update(captions=replace(saved, colour="nonsense"))  # a hand-edited file: the default look
    w.captions.restore()
    assert panel.look() == CaptionLook()


def test_captions_made_for_one_sound_are_not_burned_onto_another(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], srt_file: Path) -> None:
    w = make_window()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    w.captions.load_file(srt_file)
    qtbot.waitUntil(lambda: w.captions_panel.model.rowCount() == 2, timeout=10_000)
    assert w.captions.request() is not None
    drop_files(w.drop, [media["medium_audio"]])  # another sound
    qtbot.waitUntil(lambda: w.loader.audio is not None and w.loader.audio.path == media["medium_audio"],
                    timeout=20_000)
    assert w.captions.request() is None  # kept in the editor, not burned by surprise
    assert "made for" in w.captions_panel.status.text() and _texts(w)
    w.captions.edit_text(0, "now for this sound")  # editing them says they are meant for it
    request = w.captions.request()
    assert request is not None and request.cues[0].text == "now for this sound"


def test_a_running_transcription_can_be_stopped(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                media: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import threading
    import types

    from vidgen_desktop.bridge import captions as bridge
    from vidgen_desktop.core.errors import CancelledError

    started = threading.Event()

    def transcribe(audio: Path, *, cancel: Any = None, **kw: Any) -> Any:
        started.set()
        while not cancel.cancelled:  # a long recording, cancellable between segments like the real one
            threading.Event().wait(0.02)
        raise CancelledError()

    module = types.ModuleType("tests_slow_transcribe")
    module.transcribe = transcribe  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests_slow_transcribe", module)
    monkeypatch.setattr(bridge, "TRANSCRIBE_MODULE", "tests_slow_transcribe")
    w = make_window()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    panel = w.captions_panel
    panel.transcribe_button.click()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    assert panel.transcribe_button.text() == "Stop listening" and panel.transcribe_button.isEnabled()
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: panel.transcribe_button.text() == "Transcribe the sound", timeout=10_000)
    assert "cancelled" in panel.status.text().lower() and panel.model.rowCount() == 0
