"""AI options in the video settings: shown only for AI tiers, passed to render as AiOptions, remembered;
AI progress (clip i/n, step j/m) and the result's plan and notes in the render panel.

No GPU is needed: the tier decision is made to say "AnimateDiff", and a recording render
function (the worker's injection seam) stands in for the engine's render.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.helpers import drop_files
from vidgen_desktop.bridge.job_builder import build_ai_options
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent
from vidgen_desktop.core.settings import AiSettings
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength
from vidgen_desktop.ui.controllers import hardware as hardware_controller
from vidgen_desktop.ui.main_window import MainWindow
from vidgen_desktop.ui.progress_panel import details_text, stage_text

PLAN_TEXT = "AnimateDiff on the CPU, 512x320, 16 frames per clip, 12 steps"
OOM_NOTE = "AnimateDiff ran out of memory while decoding clip 1: retrying with decoding 2 frames at a time"


class RecordingAiRender:
    """Records the AiOptions; reports AI-style progress (clip/step in ``extra``); returns an AI-style result."""

    def __init__(self) -> None:
        self.ai: list[Any] = []

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken, decision: Any = None,
                 ai: Any = None, burn_captions: Any = ()) -> Any:
        from vidgen_desktop.engine.render import RenderResult

        self.ai.append(ai)
        on_progress(ProgressEvent("render", 0, 32, 0.5, None, "loading AnimateDiff",
                                  extra={"clip": 1, "clips": 2, "phase": "load", "tier": "animatediff"}))
        time.sleep(0.25)  # the window polls at 10 Hz
        on_progress(ProgressEvent("render", 8, 32, 2.0, 30.0, "AnimateDiff: clip 1/2, step 3/12",
                                  extra={"clip": 1, "clips": 2, "step": 3, "steps": 12, "phase": "denoise",
                                         "tier": "animatediff"}))
        time.sleep(0.25)
        return RenderResult(job.output, Tier.ANIMATEDIFF, 512, 320, 8.0, 32, 4.0, 3.0, "medium",
                            notes=[OOM_NOTE, f"plan: {PLAN_TEXT}"],
                            details={"ai": {"plan": {"text": PLAN_TEXT}, "clips": 2}})


@pytest.fixture
def animatediff_decision(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tier decision says AnimateDiff (this machine may have no GPU)."""
    real = hardware_controller.decide

    def decide(snapshot: Any, requested: Tier) -> Any:
        return dataclasses.replace(real(snapshot, requested), tier=Tier.ANIMATEDIFF)

    monkeypatch.setattr(hardware_controller, "decide", decide)


def test_ai_rows_only_for_ai_tiers(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    op = w.output_panel
    qtbot.waitUntil(lambda: w.hardware.decision is not None, timeout=20_000)
    if not w.hardware.decision.tier.is_ai:  # a machine without AI tiers: nothing AI is shown
        assert not op.ai_box.isVisible()
    for tier, shown, prompt in ((None, False, False), (Tier.KENBURNS, False, False), (Tier.SVD, True, False),
                                (Tier.SVD_XT, True, False), (Tier.ANIMATEDIFF, True, True), (Tier.LTX, True, True),
                                (Tier.WAN, True, True)):
        op.set_ai_tier(tier)
        assert op.ai_box.isVisible() is shown
        assert op.prompt.isVisible() is prompt
        if shown:
            assert tier is not None and tier.label in op.ai_title.text()


def test_ai_options_reach_the_render_and_the_panel_shows_clips_steps_plan_and_notes(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], vidgen_home: AppPaths,
        animatediff_decision: None) -> None:
    fn = RecordingAiRender()
    w = make_window(render_fn=fn)
    op = w.output_panel
    qtbot.waitUntil(lambda: w.hardware.decision is not None, timeout=20_000)
    assert op.ai_box.isVisible() and op.prompt.isVisible()  # the decision says AnimateDiff
    op.strength.setCurrentIndex(op.strength.findData("high"))
    op.steps.setValue(12)
    op.chain.setCurrentIndex(op.chain.findData("source"))
    qtbot.keyClicks(op.prompt, "leaves sway in the wind")
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)

    seen: list[tuple[str, str]] = []

    class Sink:
        def add(self, _e: object) -> None:
            seen.append((w.progress_panel.stage.text(), w.progress_panel.details.text()))

    sink = Sink()
    w.s.controller.progress.connect(sink.add)
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=20_000):
        qtbot.mouseClick(w.render_button, Qt.MouseButton.LeftButton)
    assert fn.ai == [AiOptions(steps=12, motion=MotionStrength.HIGH, prompt="leaves sway in the wind",
                               chain_from=ChainFrom.SOURCE)]
    # Progress: the clip and the step, with the tier's name.
    assert ("Generating with AnimateDiff", "Clip 1 of 2 · step 3 of 12 · 0:02 elapsed · about 30 s left") in seen
    # Finished: the plan once (not again as a note), the out-of-memory step-down as a note.
    p = w.progress_panel
    assert p.done_plan.isVisibleTo(p) and PLAN_TEXT in p.done_plan.text()
    assert OOM_NOTE in p.done_notes.text() and "plan:" not in p.done_notes.text()
    assert not p.done_narration.isVisibleTo(p)
    # Remembered.
    assert w.s.settings.flush()
    saved = json.loads(vidgen_home.settings_file.read_text())["ai"]
    assert saved == {"motion_strength": "high", "steps": 12, "chain_from": "source",
                     "prompt": "leaves sway in the wind"}
    assert w.close()
    w2 = make_window(render_fn=fn)
    assert w2.output_panel.ai_values() == {"motion_strength": "high", "chain_from": "source", "steps": 12,
                                           "prompt": "leaves sway in the wind"}


def test_ai_progress_and_stage_texts() -> None:
    load = ProgressEvent("render", 0, 10, 1.0, None, "", extra={"clip": 1, "clips": 3, "phase": "load",
                                                               "tier": "svd"})
    assert stage_text(load) == "Loading Stable Video Diffusion"
    decode = ProgressEvent("render", 5, 10, 61.0, 120.0, "", extra={"clip": 2, "clips": 3, "phase": "decode",
                                                                    "tier": "svd-xt"})
    assert stage_text(decode) == "Decoding with Stable Video Diffusion XT"
    assert details_text(decode) == "Clip 2 of 3 · decoding · 1:01 elapsed · about 2 min left"
    ken = ProgressEvent("render", 10, 100, 1.0, 9.0)
    assert stage_text(ken) == "Rendering frames" and details_text(ken).startswith("Frame 10 of 100")
    narrate = ProgressEvent("narration", 2, 5, 3.0, 4.0, "sentence 2/4", extra={"part": "narrate"})
    assert stage_text(narrate) == "Speaking the script"
    assert details_text(narrate) == "Sentence 2 of 4 · 0:03 elapsed · about 4 s left"
    loading = ProgressEvent("narration", 0, 0, 0.1, None, "loading the voice (XTTS-v2)", extra={"part": "prepare"})
    assert stage_text(loading) == "Loading the voice (XTTS-v2)"


def test_ai_settings_to_ai_options() -> None:
    assert build_ai_options(AiSettings()) == AiOptions()
    assert build_ai_options(AiSettings(motion_strength="low", prompt="  ", steps=0, chain_from="last-frame")) \
        == AiOptions(motion=MotionStrength.LOW)
    assert build_ai_options(AiSettings(steps=40, prompt=" waves ")) == AiOptions(steps=40, prompt="waves")


def test_bad_ai_settings_in_the_file_are_reset_one_by_one(tmp_path: Path) -> None:
    from vidgen_desktop.core.settings import load_settings

    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"version": 1, "ai": {"motion_strength": "wild", "steps": 999, "prompt": "ok",
                                                  "chain_from": "source"},
                             "narration": {"engine": "nope", "captions": "burn", "voice": 3, "source": "narration"}}))
    s = load_settings(f).settings
    assert s.ai == AiSettings(prompt="ok", chain_from="source")
    assert (s.narration.engine, s.narration.captions, s.narration.voice, s.narration.source) == \
        ("auto", "burn", "", "narration")
