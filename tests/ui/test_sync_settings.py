"""The window's "Sound" and "Beat pulse" settings: reach the render job, are remembered, bad saved values reset."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.ui.helpers import drop_files
from vidgen_desktop.bridge.job_builder import build_job
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import RenderJob, Sync, Tier
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.core.progress import ProgressCallback
from vidgen_desktop.core.settings import OutputSettings, load_settings
from vidgen_desktop.ui.main_window import MainWindow


class RecordingRender:
    def __init__(self) -> None:
        self.jobs: list[RenderJob] = []

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken, **kw: Any) -> Any:
        from vidgen_desktop.engine.render import RenderResult

        self.jobs.append(job)
        return RenderResult(job.output, Tier.KENBURNS, 320, 180, 30.0, 30, 1.0, 0.1, "follows the sound")


def test_sound_settings_reach_the_job_and_are_remembered(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                         media: dict[str, Path], vidgen_home: AppPaths) -> None:
    fn = RecordingRender()
    w = make_window(render_fn=fn)
    op = w.output_panel
    assert op.sync.currentData() == "auto" and op.energy.currentData() == "0.5" and op.energy.isEnabled()
    op.sync.setCurrentIndex(op.sync.findData("off"))
    assert not op.energy.isEnabled()  # no beats followed: the pulse has no say
    op.sync.setCurrentIndex(op.sync.findData("beats"))
    op.energy.setCurrentIndex(op.energy.findData("1"))
    assert op.energy.isEnabled()
    drop_files(w.drop, [media["image"], media["audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=20_000):
        qtbot.mouseClick(w.render_button, Qt.MouseButton.LeftButton)
    assert (fn.jobs[-1].sync, fn.jobs[-1].energy) == (Sync.BEATS, 1.0)
    assert w.s.settings.flush()
    saved = json.loads(vidgen_home.settings_file.read_text())["output"]
    assert (saved["sync"], saved["energy"]) == ("beats", "1")
    assert w.close()
    w2 = make_window(render_fn=fn)
    assert (w2.output_panel.sync.currentData(), w2.output_panel.energy.currentData()) == ("beats", "1")


def test_sound_settings_to_job_and_bad_saved_values(tmp_path: Path) -> None:
    job = build_job(Path("i.png"), Path("a.wav"), Path("o.mp4"), OutputSettings(sync="phrases", energy="0.25"))
    assert (job.sync, job.energy) == (Sync.PHRASES, 0.25)
    f = tmp_path / "settings.json"
    f.write_text(json.dumps({"version": 1, "output": {"sync": "drums", "energy": "11", "fit": "crop"}}))
    loaded = load_settings(f)
    assert (loaded.settings.output.sync, loaded.settings.output.energy, loaded.settings.output.fit) == \
        ("auto", "0.5", "crop")
