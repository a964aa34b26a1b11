"""The render gate: every reason Render is blocked, in the order a user meets them."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from vidgen_desktop.bridge.render_gate import GateState, render_blocker

READY = GateState(has_image=True, has_sound=True, output=Path("/videos/a.mp4"))
NARRATED = replace(READY, has_sound=False, narrating=True, script="Hello there.")


def test_ready_states_have_no_blocker() -> None:
    assert render_blocker(READY) == ""
    assert render_blocker(NARRATED) == ""
    assert render_blocker(replace(READY, output=Path("/videos/a.MOV"))) == ""


@pytest.mark.parametrize(("state", "reason"), [
    (GateState(), "Add a picture to start."),
    (GateState(image_error="broken"), "Choose another picture: this one can't be used."),
    (replace(READY, rendering=True), "A video is being rendered."),
    (replace(READY, reading_image=True), "Reading the picture…"),
    (replace(READY, reading_sound=True), "Reading the sound file…"),
    (replace(READY, has_sound=False), "Add a sound file."),
    (replace(READY, has_sound=False, sound_error="empty"), "Choose another sound file: this one can't be used."),
    (replace(READY, output=None), "Choose where to save the video."),
    (replace(READY, output=Path("/videos/a.avi")), "The video's file name must end in .mp4."),
    (replace(NARRATED, script="  \n "), "Type the words to speak in the Narration tab."),
    (replace(NARRATED, engine_blocker="Bark needs a voice model."), "Bark needs a voice model."),
])
def test_each_blocker(state: GateState, reason: str) -> None:
    assert render_blocker(state) == reason


def test_first_problem_wins() -> None:
    everything_wrong = GateState(rendering=True, reading_image=True, image_error="x", output=Path("a.avi"))
    assert render_blocker(everything_wrong) == "A video is being rendered."
    assert render_blocker(GateState(output=Path("a.avi"))) == "Add a picture to start."


def test_narration_needs_no_sound_file_and_a_sound_file_needs_no_script() -> None:
    assert render_blocker(replace(NARRATED, sound_error="ignored")) == ""
    assert render_blocker(replace(READY, script="", engine_blocker="ignored")) == ""
