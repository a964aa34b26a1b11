"""The Narration tab: a typed script spoken by the system voice becomes the video's sound (real renders).

Real engine throughout: eSpeak NG speaks, the Ken Burns renderer encodes, captions go
next to the video or into it. Small sizes (480p, 15 fps, short scripts) keep it quick.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.ui.helpers import drop_files
from vidgen_desktop.bridge.narration import Choice, EngineOption, VoiceCatalogue
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.narration_panel import NarrationPanel

SCRIPT = "The lighthouse keeper climbed the stairs. The lamp began to turn."
RENDER_TIMEOUT_MS = 60_000


def _temp_dirs() -> set[str]:
    tmp = Path(tempfile.gettempdir())
    return {p.name for p in (*tmp.glob("vidgen-narration-*"), *tmp.glob("vidgen-voice-preview-*"))}


def _narrating(qtbot: QtBot, w: MainWindow, image: Path, *, engine: str = "system", captions: str = "srt") -> None:
    """Picture dropped, Narration tab chosen, voices listed, engine and captions picked, small output."""
    drop_files(w.drop, [image])
    qtbot.waitUntil(lambda: w.loader.image is not None and w.narration_panel.catalogue is not None, timeout=20_000)
    tabs = w.drop.sound_tabs
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center())
    assert w.narrating() and tabs.currentWidget() is w.narration_panel
    p = w.narration_panel
    p.engine.setCurrentIndex(p.engine.findData(engine))
    p.captions.setCurrentIndex(p.captions.findData(captions))
    w.output_panel.resolution.setCurrentIndex(w.output_panel.resolution.findData("480p"))
    w.output_panel.fps.setCurrentIndex(w.output_panel.fps.findData("15"))


def _duration(path: Path) -> float:
    from vidgen_desktop.engine.media import probe_audio

    return probe_audio(path).duration_s


def test_narrated_video_with_srt_captions(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                          media: dict[str, Path], vidgen_home: AppPaths) -> None:
    w = make_window()
    _narrating(qtbot, w, media["image"])
    before = _temp_dirs()
    qtbot.keyClicks(w.narration_panel.script, SCRIPT)
    assert w.render_button.isEnabled(), w.render_reason.text()
    assert w.render_reason.text().startswith("Ready: a narrated video")
    out = w.current_output()
    assert out is not None and not out.exists()
    stages: list[str] = []

    class Sink:
        def add(self, e: ProgressEvent) -> None:
            stages.append(e.stage)
            if e.stage == "narration":
                texts.append(w.progress_panel.stage.text())

    texts: list[str] = []
    sink = Sink()
    w.s.controller.progress.connect(sink.add)
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=RENDER_TIMEOUT_MS) as done:
        qtbot.mouseClick(w.render_button, Qt.MouseButton.LeftButton)
    result = done.args[0]
    narration = result.details["narration"]
    # The MP4 exists and lasts as long as the narration.
    assert result.output == out and out.stat().st_size > 5_000
    assert abs(_duration(out) - narration["duration_s"]) < 0.15
    assert abs(result.duration_s - narration["duration_s"]) <= 1 / 15 + 1e-6
    # The captions are next to it and parse, in time with the speech.
    from vidgen_desktop.engine.captions import read_srt

    srt = out.with_suffix(".srt")
    cues = read_srt(srt)
    assert narration["srt"] == str(srt)
    assert cues[0].text.startswith("The lighthouse") and cues[-1].end <= narration["duration_s"] + 0.01
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(cues))
    # Progress went through the narration stage, shown in words.
    assert stages[0] == "narration" and stages[-1] == "done"  # polled at 10 Hz: a short render may skip "render"
    assert texts and all(t for t in texts)
    # The finished panel says how it was narrated; no temporary files are left.
    assert srt.name in w.progress_panel.done_narration.text() and "eSpeak" in w.progress_panel.done_narration.text()
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, srt.name])
    assert _temp_dirs() <= before
    # The choices were remembered.
    assert w.s.settings.flush()
    saved = json.loads(vidgen_home.settings_file.read_text())["narration"]
    assert saved["source"] == "narration" and saved["engine"] == "system" and saved["captions"] == "srt"


def test_burned_captions_leave_no_srt(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                      media: dict[str, Path]) -> None:
    w = make_window()
    _narrating(qtbot, w, media["image"], captions="burn")
    w.narration_panel.set_script("Burn it in.")
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=RENDER_TIMEOUT_MS) as done:
        assert w.start_render()
    out = Path(done.args[0].output)
    assert out.exists() and not out.with_suffix(".srt").exists()
    assert done.args[0].details["narration"]["captions"] == "burn"
    assert "burned" in w.progress_panel.done_narration.text()
    assert not w.banner.isVisibleTo(w), "every character has a font here: no notice"


def test_burned_captions_without_a_covering_font_are_announced_before_the_render(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from vidgen_desktop.engine.captions import fonts

    latin_only = fonts.FontSearch(files=(_dejavu(),))
    monkeypatch.setattr(fonts, "default_search", lambda preferred=None: latin_only)
    w = make_window()
    _narrating(qtbot, w, media["image"], captions="burn")
    w.narration_panel.set_script("Hello 你好")
    with qtbot.waitSignal(w.s.controller.started, timeout=RENDER_TIMEOUT_MS):
        assert w.start_render()
        assert w.banner.isVisibleTo(w) and "fonts-noto-cjk" in w.banner.text.text(), w.banner.text.text()
    w.cancel_render()
    qtbot.waitUntil(lambda: not w.s.controller.busy, timeout=RENDER_TIMEOUT_MS)


def _dejavu() -> str:
    found = [p for p in Path("/usr/share/fonts").rglob("DejaVuSans.ttf")]
    assert found, "DejaVu Sans is a test dependency (scripts/test.sh installs fonts-dejavu-core)"
    return str(found[0])


def test_cancel_during_narration_leaves_nothing(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                media: dict[str, Path]) -> None:
    w = make_window()
    _narrating(qtbot, w, media["image"])
    before = _temp_dirs()
    w.narration_panel.set_script(" ".join(f"Sentence number {i} is part of a long story." for i in range(300)))
    out = w.current_output()
    assert out is not None
    seen: list[ProgressEvent] = []

    class Sink:
        def add(self, e: ProgressEvent) -> None:
            seen.append(e)

    sink = Sink()
    w.s.controller.progress.connect(sink.add)
    assert w.start_render()
    qtbot.waitUntil(lambda: any(e.stage == "narration" and e.done >= 1 for e in seen),
                    timeout=20_000)
    assert w.progress_panel.stage.text() == "Speaking the script"
    with qtbot.waitSignal(w.s.controller.cancelled, timeout=20_000):
        w.cancel_action.trigger()
    assert not any(e.stage == "render" for e in seen)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    qtbot.waitUntil(lambda: _temp_dirs() <= before, timeout=5000)
    assert w.render_button.isEnabled()


def test_empty_script_keeps_render_disabled_with_a_reason(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                          media: dict[str, Path]) -> None:
    w = make_window()
    _narrating(qtbot, w, media["image"])
    assert not w.render_button.isEnabled()
    assert w.render_reason.text() == "Type the words to speak in the Narration tab."
    assert w.render_button.toolTip() == w.render_reason.text()
    w.narration_panel.set_script("   \n  ")
    assert not w.render_button.isEnabled()
    w.narration_panel.set_script("Hello.")
    assert w.render_button.isEnabled()
    assert "word" in w.narration_panel.script_info.text()
    # A dropped sound file means "use this sound": back to the Sound file tab.
    drop_files(w.drop, [media["audio"]])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    assert not w.narrating() and w.render_button.isEnabled()
    assert w.render_reason.text().startswith("Ready: a 0:02 video")


def test_files_dropped_on_the_script_box_go_to_the_drop_zone(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                             media: dict[str, Path]) -> None:
    w = make_window()
    w.drop.set_sound_source("narration")
    assert drop_files(w.narration_panel.script.viewport(), [media["image"]])
    qtbot.waitUntil(lambda: w.loader.image is not None, timeout=20_000)
    assert w.narration_panel.script_text() == ""


def test_engines_not_installed_are_disabled_with_the_reason(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                            media: dict[str, Path]) -> None:
    w = make_window()
    p = w.narration_panel
    _narrating(qtbot, w, media["image"], engine="auto")
    model = p.engine.model()
    system = model.item(p.engine.findData("system"))
    assert system.isEnabled() and "eSpeak" in system.toolTip()
    assert model.item(p.engine.findData("auto")).text() == "Automatic (System voice)"
    for engine in ("bark", "xtts"):  # no voice model in a fresh data folder
        item = model.item(p.engine.findData(engine))
        assert not item.isEnabled() and "not available" in item.text() and "Models tab" in item.toolTip()
    assert "Get more voices" in p.engine_note.text()
    # Even if a disabled engine gets chosen (an old setting, a model deleted since), Render says why.
    p.set_script("Hello.")
    p.engine.setCurrentIndex(p.engine.findData("bark"))
    assert not w.render_button.isEnabled() and w.render_reason.text().startswith("Bark needs a voice model")
    p.engine.setCurrentIndex(p.engine.findData("auto"))
    assert w.render_button.isEnabled()
    # The system voice's languages and variants are offered.
    assert p.language.findData("en-gb") > 0
    p.engine.setCurrentIndex(p.engine.findData("system"))
    assert p.voice.findData("f3") > 0
    assert not p.licence.isVisible() and not p._form.isRowVisible(p.sample)


def test_xtts_shows_its_licence_and_the_voice_sample(qtbot: QtBot) -> None:
    panel = NarrationPanel()
    qtbot.addWidget(panel)
    panel.show()
    wanted: list[str] = []

    class Sink:
        def add(self, engine: str) -> None:
            wanted.append(engine)

    sink = Sink()
    panel.engine_voices_wanted.connect(sink.add)
    licence = "Coqui XTTS-v2: Coqui Public Model License 1.0.0, non-commercial use only."
    panel.set_catalogue(VoiceCatalogue(
        engines=(EngineOption("auto", "Automatic", True, "uses XTTS-v2 now", licence, resolves_to="xtts"),
                 EngineOption("system", "System voice", True, "eSpeak NG"),
                 EngineOption("bark", "Bark", False, "needs a voice model", needs_download=True),
                 EngineOption("xtts", "XTTS-v2", True, "model xtts-v2 is installed", licence)),
        languages={"xtts": (Choice("de", "German"), Choice("en", "English")), "auto": (Choice("en", "English"),),
                   "system": ()},
        voices={}))
    assert panel.licence.isVisible() and "non-commercial" in panel.licence.text()  # auto → XTTS
    panel.engine.setCurrentIndex(panel.engine.findData("system"))
    assert not panel.licence.isVisible()
    panel.set_sample(Path("/somewhere/me.wav"))
    assert panel.sample_path is None  # not used by the system voice
    panel.engine.setCurrentIndex(panel.engine.findData("xtts"))
    assert panel.licence.isVisible() and panel._form.isRowVisible(panel.sample)
    assert panel.sample_path == Path("/somewhere/me.wav")
    assert wanted == ["xtts"]  # the model's voices are asked for once (auto already meant XTTS)
    assert panel.language.findData("de") > 0
    panel.set_engine_voices("xtts", (Choice("Ana Florence", "Ana Florence"),))
    assert panel.voice.findData("Ana Florence") > 0


def test_preview_voice_speaks_off_the_gui_thread(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_window()
    p = w.narration_panel
    qtbot.waitUntil(lambda: p.catalogue is not None, timeout=20_000)
    played: list[Path] = []
    monkeypatch.setattr(p, "play_sound", lambda path: played.append(path) or "Playing:")
    p.set_script("First sentence here. A second one that is not previewed.")
    p.engine.setCurrentIndex(p.engine.findData("system"))
    qtbot.mouseClick(p.preview_button, Qt.MouseButton.LeftButton)
    assert not p.preview_button.isEnabled()  # busy, and the window still responds
    qtbot.waitUntil(lambda: bool(played), timeout=20_000)
    wav = played[0]
    from vidgen_desktop.engine.media import probe_audio

    assert 0.5 < probe_audio(wav).duration_s < 4.0  # the first sentence only
    assert p.preview_button.isEnabled() and "eSpeak" in p.preview_status.text()
    folder = wav.parent
    w.close()
    assert not folder.exists()  # previews are removed when the window closes


def test_narration_choices_survive_a_restart(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    p = w.narration_panel
    qtbot.waitUntil(lambda: p.catalogue is not None, timeout=20_000)
    w.drop.set_sound_source("narration")
    p.engine.setCurrentIndex(p.engine.findData("system"))
    p.language.setCurrentIndex(p.language.findData("en-gb"))
    p.voice.setCurrentIndex(p.voice.findData("m3"))
    p.captions.setCurrentIndex(p.captions.findData("none"))
    assert w.close()

    w2 = make_window()
    p2 = w2.narration_panel
    assert w2.narrating()
    assert p2.values() == {"engine": "system", "voice": "m3", "language": "en-gb", "captions": "none"}
    qtbot.waitUntil(lambda: p2.catalogue is not None, timeout=20_000)
    assert p2.values() == {"engine": "system", "voice": "m3", "language": "en-gb", "captions": "none"}


def test_narration_controls_have_accessible_names(make_window: Callable[..., MainWindow]) -> None:
    from tests.ui.test_window import _unnamed_controls

    w = make_window()
    panel: QWidget = w.narration_panel
    assert _unnamed_controls(panel) == []
