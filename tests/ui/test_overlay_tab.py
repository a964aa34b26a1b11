"""The Audiogram tab: its choices are saved, drawn in a live preview by the engine, and reach the render job."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from pytestqt.qtbot import QtBot

from tests.ui.helpers import drop_files
from vidgen_desktop.bridge.job_builder import build_job
from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.core.settings import OverlaySettings
from vidgen_desktop.ui.main_window import MainWindow


def _preview_array(w: MainWindow) -> np.ndarray:
    img = w.overlay_panel.preview.image()
    assert img is not None
    img = img.convertToFormat(img.Format.Format_RGB888)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, np.uint8, count=img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
    return arr[:, : img.width() * 3].reshape(img.height(), img.width(), 3).copy()


def test_the_preview_follows_the_settings(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                          media: dict[str, Path]) -> None:
    w = make_window()
    drop_files(w.drop, [media["image"], media["medium_audio"]])
    qtbot.waitUntil(lambda: w.render_button.isEnabled(), timeout=20_000)
    w.tabs.setCurrentWidget(w.overlay_panel)
    qtbot.waitUntil(lambda: w.overlay_panel.preview.image() is not None, timeout=20_000)
    plain = _preview_array(w)

    panel = w.overlay_panel
    panel.visualizer.setCurrentIndex(panel.visualizer.findData("bars"))
    panel.progress.setChecked(True)
    qtbot.waitUntil(lambda: not np.array_equal(_preview_array(w), plain), timeout=20_000)
    qtbot.waitUntil(lambda: not w.overlays._busy, timeout=20_000)
    with_bars = _preview_array(w)
    h = with_bars.shape[0]
    changed = np.abs(with_bars.astype(int) - plain.astype(int)).sum(axis=2) > 30
    assert changed[h // 2:].sum() > 10 * changed[: h // 2].sum()  # the bars and the line are in the lower half

    assert w.s.settings.settings.overlays == OverlaySettings(visualizer="bars", progress="on")
    job = build_job(media["image"], media["medium_audio"], Path("/tmp/x.mp4"), w.s.settings.output,
                    w.s.settings.settings.overlays)
    assert job.overlays == OverlaySpec(visualizer="bars", progress=True)


def test_custom_title_text_is_kept_and_restored(qtbot: QtBot, make_window: Callable[..., MainWindow]) -> None:
    w = make_window()
    panel = w.overlay_panel
    assert not panel.title_text.isVisibleTo(panel)
    panel.title.setCurrentIndex(panel.title.findData("text"))
    assert panel.title_text.isVisibleTo(panel)
    qtbot.keyClicks(panel.title_text, "Episode 12")
    assert w.s.settings.settings.overlays.title_text == "Episode 12"
    assert w.s.settings.flush()
    w2 = make_window()
    assert w2.overlay_panel.values() == OverlaySettings(title="text", title_text="Episode 12")
