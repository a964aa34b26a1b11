"""The render worker with the caption editor's cues: burned with the look, saved beside the video, or ignored for
a narration (which brings its own captions, drawn in the tab's look)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from tests.media_factory import textured_image, tone
from vidgen_desktop.bridge.captions import CaptionRequest
from vidgen_desktop.bridge.controller import RenderController
from vidgen_desktop.bridge.narration import NARRATION_AUDIO, NarrationSpec
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.engine.captions import Cue, read_srt
from vidgen_desktop.engine.render import RenderResult

CUES = (Cue(0.0, 0.5, "first"), Cue(0.5, 1.0, "second"))


class Recording:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, job: RenderJob, *, on_progress: Any, cancel: Any, decision: Any = None, ai: Any = None,
                 burn_captions: Any = (), caption_look: Any = None) -> RenderResult:
        self.calls.append({"burn": tuple(burn_captions), "look": caption_look})
        return RenderResult(job.output, Tier.KENBURNS, 64, 48, 10.0, 10, 1.0, 0.1, "auto", [], {})


def test_edited_cues_are_burned_with_their_look_and_saved(qtbot: QtBot, tmp_path: Path) -> None:
    fn = Recording()
    c = RenderController(fn)
    try:
        job = RenderJob(image=textured_image(tmp_path / "p.png", (64, 48)), audio=tone(tmp_path / "a.wav", 1.0),
                        output=tmp_path / "v.mp4")
        look = CaptionLook(style="word", position="top")
        with qtbot.waitSignal(c.succeeded, timeout=20_000) as done:
            assert c.start(job, captions=CaptionRequest(CUES, look))
        assert fn.calls[-1] == {"burn": CUES, "look": look}
        assert [x.text for x in read_srt(tmp_path / "v.srt")] == ["first", "second"]
        assert done.args[0].notes == [f"captions: {tmp_path / 'v.srt'}"]
        # Saved only, not burned; and no folder to save into: said in the notes, the video stands.
        with qtbot.waitSignal(c.succeeded, timeout=20_000) as done:
            assert c.start(job, captions=CaptionRequest(CUES, look, burn=False))
        assert fn.calls[-1]["burn"] == ()
        gone = RenderJob(image=job.image, audio=job.audio, output=tmp_path / "nowhere" / "v.mp4")
        with qtbot.waitSignal(c.succeeded, timeout=20_000) as done:
            assert c.start(gone, captions=CaptionRequest(CUES))
        assert "could not be written" in done.args[0].notes[-1]
    finally:
        assert c.shutdown()


def test_a_narration_keeps_its_own_captions_in_the_tabs_look(qtbot: QtBot, tmp_path: Path) -> None:
    fn = Recording()
    c = RenderController(fn)
    try:
        job = RenderJob(image=textured_image(tmp_path / "p.png", (64, 48)), audio=NARRATION_AUDIO,
                        output=tmp_path / "n.mp4")
        look = CaptionLook(style="karaoke")
        spec = NarrationSpec("Hello there. Bye now.", engine="system", captions="burn", look=look)
        with qtbot.waitSignal(c.succeeded, timeout=30_000):
            assert c.start(job, narration=spec, captions=CaptionRequest(CUES))
        burn = fn.calls[-1]["burn"]
        assert burn and burn[0].text.startswith("Hello") and fn.calls[-1]["look"] == look
    finally:
        assert c.shutdown()
