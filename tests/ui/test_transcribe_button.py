"""The Captions tab's "Transcribe the sound" with the real engine: a tiny random-weight Whisper installed through the
model store, real espeak-ng speech; the cues (with word times) land in the editor, nothing is named by hand."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.engine.transcribe.conftest import espeak_wav
from tests.engine.transcribe.tiny_models import build_tiny_whisper
from tests.ui.helpers import drop_files
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.ui.main_window import MainWindow


@pytest.fixture(scope="module")
def tiny_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper-ui"))


def test_transcribe_with_the_installed_whisper_fills_the_editor(
        qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path], tiny_whisper: Path,
        tmp_path: Path) -> None:
    w = make_window()
    ModelStore(w.s.paths.models, disk_margin=0).import_folder("whisper-tiny", tiny_whisper, copy=True)
    speech = espeak_wav(tmp_path / "speech.wav")
    drop_files(w.drop, [media["image"], speech])
    qtbot.waitUntil(lambda: w.loader.audio is not None, timeout=20_000)
    w.tabs.setCurrentWidget(w.captions_panel)
    w.captions_panel.transcribe_button.click()
    qtbot.waitUntil(lambda: w.captions_panel.model.rowCount() >= 1 or "could not" in
                    w.captions_panel.status.text().lower(), timeout=120_000)
    cues = w.captions_panel.cues()
    assert cues, w.captions_panel.status.text()
    duration = w.loader.audio.duration_s  # type: ignore[union-attr]
    words = [wd for c in cues for wd in c.words]
    assert words and all(0.0 <= a.start <= a.end <= duration + 0.05 for a in words)
    assert all(a.start <= b.start for a, b in itertools.pairwise(words))
