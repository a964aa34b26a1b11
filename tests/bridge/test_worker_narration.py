"""The render worker with narration: speak first (stage "narration"), render with it, captions, cleanup, cancel.

Real system voice (eSpeak NG) and a recording stand-in for the engine's render, so the
glue is tested on the real worker thread without encoding video; the window tests in
``tests/ui/test_narration.py`` do real renders.
"""

from __future__ import annotations

import tempfile
import threading
import types
import wave
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.bridge.fakes import FakeRender
from tests.media_factory import textured_image
from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.bridge.narration import NARRATION_AUDIO, STAGE_NARRATION, NarrationSpec
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

SCRIPT = "The tide came in. The boats went out."


def _temp_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("vidgen-narration-*")}


class RecordingRender:
    """Takes the optional keywords; records what it got and whether the narration WAV existed then."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken, decision: Any = None,
                 ai: Any = None, burn_captions: Any = ()) -> Any:
        from vidgen_desktop.engine.render import RenderResult

        with wave.open(str(job.audio), "rb") as w:
            seconds = w.getnframes() / w.getframerate()
        self.calls.append({"job": job, "ai": ai, "burn": tuple(burn_captions), "seconds": seconds,
                           "thread": threading.current_thread().name})
        on_progress(ProgressEvent("render", 1, 1))
        return RenderResult(job.output, Tier.KENBURNS, 64, 36, 10.0, round(seconds * 10), seconds, 0.1,
                            notes=["a render note"])


@pytest.fixture
def controller(qtbot: QtBot):  # type: ignore[no-untyped-def]
    made: list[RenderController] = []

    def make(fn: Any) -> RenderController:
        c = RenderController(fn)
        made.append(c)
        return c

    yield make
    for c in made:
        assert c.shutdown()


def _job(tmp_path: Path) -> RenderJob:
    return RenderJob(image=textured_image(tmp_path / "pic.png", (64, 48)), audio=NARRATION_AUDIO,
                     output=tmp_path / "video.mp4")


def _events(c: RenderController) -> list[ProgressEvent]:
    events: list[ProgressEvent] = []

    class Sink:  # a GUI-thread object with a bound method: never a lambda on a worker signal
        def add(self, e: ProgressEvent) -> None:
            events.append(e)

    sink = Sink()
    c.progress.connect(sink.add)
    c._test_sink = sink  # type: ignore[attr-defined]  # keep it alive
    return events


def test_narration_is_spoken_then_rendered_with_srt_next_to_the_video(qtbot: QtBot, controller: Any,
                                                                      tmp_path: Path) -> None:
    fn = RecordingRender()
    c = controller(fn)
    events = _events(c)
    before = _temp_dirs()
    spec = NarrationSpec(SCRIPT, engine="system", voice="f3", captions="srt")
    with qtbot.waitSignal(c.succeeded, timeout=30_000) as done:
        assert c.start(_job(tmp_path), ai="ai-options", narration=spec)
    result = done.args[0]
    call = fn.calls[0]
    assert call["thread"] == "vidgen-render" or call["thread"] != threading.current_thread().name
    assert call["job"].audio != NARRATION_AUDIO and call["job"].audio.name == "narration.wav"
    assert call["seconds"] > 1.0 and call["burn"] == () and call["ai"] == "ai-options"
    assert not call["job"].audio.exists()  # the temporary narration is gone after the render
    assert result.notes[-1] == "a render note"
    facts = result.details["narration"]
    assert facts["engine"] == "system" and "f3" in facts["voice"]
    assert abs(facts["duration_s"] - call["seconds"]) < 0.01
    srt = tmp_path / "video.srt"
    assert facts["srt"] == str(srt) and srt.exists()
    from vidgen_desktop.engine.captions import read_srt

    cues = read_srt(srt)
    assert cues[0].text.startswith("The tide") and cues[-1].end <= facts["duration_s"] + 0.01
    stages = [e.stage for e in events]
    assert stages[0] == STAGE_NARRATION and "render" in stages
    parts = {e.extra.get("part") for e in events if e.stage == STAGE_NARRATION}  # polled at 10 Hz: the newest
    assert parts and parts <= {"prepare", "narrate", "mix"}
    assert _temp_dirs() <= before


def test_burn_mode_passes_the_cues_and_writes_no_srt(qtbot: QtBot, controller: Any, tmp_path: Path) -> None:
    fn = RecordingRender()
    c = controller(fn)
    with qtbot.waitSignal(c.succeeded, timeout=30_000) as done:
        c.start(_job(tmp_path), narration=NarrationSpec(SCRIPT, engine="system", captions="burn"))
    burn = fn.calls[0]["burn"]
    assert len(burn) >= 2 and burn[0].text.startswith("The tide")
    assert fn.calls[0]["ai"] is None
    assert not (tmp_path / "video.srt").exists()
    assert done.args[0].details["narration"]["srt"] is None


def test_cancel_during_narration_stops_before_the_render(qtbot: QtBot, controller: Any, tmp_path: Path) -> None:
    fn = RecordingRender()
    c = controller(fn)
    events = _events(c)
    before = _temp_dirs()
    long_script = " ".join(f"This is sentence number {i} of a long story." for i in range(200))
    c.start(_job(tmp_path), narration=NarrationSpec(long_script, engine="system"))
    qtbot.waitUntil(lambda: any(e.extra.get("part") == "narrate" and e.done >= 1 for e in events), timeout=20_000)
    with qtbot.waitSignal(c.cancelled, timeout=20_000):
        c.cancel()
    assert fn.calls == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pic.png"]
    qtbot.waitUntil(lambda: _temp_dirs() <= before, timeout=5000)


def test_a_bad_voice_fails_before_any_speech_and_cleans_up(qtbot: QtBot, controller: Any, tmp_path: Path) -> None:
    fn = RecordingRender()
    c = controller(fn)
    before = _temp_dirs()
    with qtbot.waitSignal(c.failed, timeout=20_000) as failed:
        c.start(_job(tmp_path), narration=NarrationSpec(SCRIPT, engine="system", voice="no-such-voice"))
    assert "no-such-voice" in str(failed.args[0]) and fn.calls == []
    assert _temp_dirs() <= before


def test_the_render_thread_releases_ai_pipelines_at_exit(qtbot: QtBot, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    released: list[str] = []
    fake_backends = types.ModuleType("vidgen_desktop.engine.ai.backends")
    fake_backends.release_pipelines = lambda: released.append(threading.current_thread().name)  # type: ignore[attr-defined]
    monkeypatch.setitem(__import__("sys").modules, "vidgen_desktop.engine.ai.backends", fake_backends)
    c = RenderController(FakeRender(frames=1))
    assert c.shutdown()
    assert len(released) == 1 and released[0] != threading.current_thread().name


def test_nothing_is_released_or_imported_when_ai_was_never_used(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(__import__("sys").modules, "vidgen_desktop.engine.ai.backends", raising=False)
    c = RenderController(FakeRender(frames=1))
    assert c.shutdown()
    assert "vidgen_desktop.engine.ai.backends" not in __import__("sys").modules


def test_captions_from_a_file_are_burned_and_written_beside_the_video(qtbot: QtBot, controller: Any,
                                                                      tmp_path: Path) -> None:
    """The window's captioned render (a render from AUDIO): the same engine pipeline as ``--captions-file``."""
    from tests.media_factory import tone
    from vidgen_desktop.core.captioning import CaptionSpec
    from vidgen_desktop.engine.captions import read_srt

    fn = RecordingRender()
    c = controller(fn)
    mine = tmp_path / "mine.vtt"
    mine.write_text("WEBVTT\n\n00:00.200 --> 00:01.000\nHello <b>you</b>\n", encoding="utf-8")
    job = RenderJob(image=textured_image(tmp_path / "pic.png", (64, 48)), audio=tone(tmp_path / "a.wav", 1.5),
                    output=tmp_path / "video.mp4")
    with qtbot.waitSignal(c.succeeded, timeout=30_000) as done:
        assert c.start(job, caption_source=CaptionSpec(source="file", captions_file=mine))
    assert [(q.start, q.end, q.text) for q in fn.calls[0]["burn"]] == [(0.2, 1.0, "Hello you")]
    assert [q.text for q in read_srt(tmp_path / "video.srt")] == ["Hello you"]
    facts = done.args[0].details["captions"]
    assert facts["source"] == "file" and facts["cues"] == 1 and facts["srt"] == str(tmp_path / "video.srt")
