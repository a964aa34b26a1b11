"""Formatting helpers and the progress panel's preview throttle (no window needed)."""

from __future__ import annotations

import numpy as np
from pytestqt.qtbot import QtBot

from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.models import DownloadProgress
from vidgen_desktop.ui.formatting import (
    audio_caption,
    clock,
    download_file_text,
    download_progress_text,
    eta_phrase,
    file_problem,
    progress_details,
    size_text,
)
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.progress_panel import ProgressPanel


def test_clock_and_eta() -> None:
    assert clock(8.4) == "0:08" and clock(754) == "12:34" and clock(3723) == "1:02:03"
    assert eta_phrase(None) == "estimating time left…"
    assert eta_phrase(0.5) == "almost done"
    assert eta_phrase(7) == "about 7 s left"
    assert eta_phrase(42) == "about 45 s left"
    assert eta_phrase(185) == "about 3 min left"


def test_progress_details() -> None:
    e = ProgressEvent("render", 120, 240, elapsed_s=4.2, eta_s=4.0)
    assert progress_details(e) == "Frame 120 of 240 · 0:04 elapsed · about 4 s left"
    assert progress_details(ProgressEvent("probe", elapsed_s=0.2)) == "0:00 elapsed"


def test_audio_caption_and_problems() -> None:
    assert audio_caption(8.0, "aac", 48000, 2) == "0:08 · AAC · 48 kHz · stereo"
    assert file_problem("a.jpg", "is damaged") == "“a.jpg” is damaged"
    assert file_problem("a.jpg", "file not found") == "“a.jpg”: file not found"


def test_rgb_to_qimage_copies() -> None:
    arr = np.zeros((10, 20, 3), np.uint8)
    arr[..., 0] = 255
    img = rgb_to_qimage(arr)
    arr[...] = 0
    assert (img.width(), img.height()) == (20, 10) and img.pixelColor(3, 3).red() == 255


def test_preview_is_throttled_to_two_per_second(qtbot: QtBot) -> None:
    panel = ProgressPanel()
    qtbot.addWidget(panel)
    frame = np.zeros((9, 16, 3), np.uint8)
    shown = [panel.show_preview(frame, now=t) for t in (10.0, 10.1, 10.3, 10.5, 10.6, 11.0)]
    assert shown == [True, False, False, True, False, True]


def test_without_qtmultimedia_the_poster_opens_the_system_player(qtbot: QtBot, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.bridge.fakes import FakeResult

    monkeypatch.setattr("vidgen_desktop.ui.progress_panel.multimedia_available", lambda: False)
    panel = ProgressPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_done(FakeResult(tmp_path / "v.mp4"), rgb_to_qimage(np.zeros((9, 16, 3), np.uint8)))
    assert not panel.play_button.isVisibleTo(panel)
    with qtbot.waitSignal(panel.open_requested, timeout=1000):
        panel.frame.clicked.emit()
    assert panel.player is None


def test_theme_follows_the_requested_scheme(qapp, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPalette

    from vidgen_desktop.ui.theme import ThemeFollower

    before = qapp.palette()
    style = qapp.style().name()
    monkeypatch.setenv("VIDGEN_COLOR_SCHEME", "dark")
    follower = ThemeFollower(qapp)
    try:
        assert follower.dark
        assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128
        monkeypatch.setenv("VIDGEN_COLOR_SCHEME", "light")
        follower.apply()
        assert not follower.dark
    finally:
        qapp.setStyle(style)
        qapp.setPalette(before)
        follower.deleteLater()


def test_download_progress_sentences() -> None:
    p = DownloadProgress("svd", "unet/w.safetensors", 1_000_000, 3_000_000, 1_900_000_000, 4_510_000_000,
                         12_300_000.0, 212.0, "download", 6, 9)
    assert download_progress_text(p) == "1.9 GB of 4.5 GB · 12.3 MB/s · about 4 min left"
    assert download_progress_text(p, settled=False) == "1.9 GB of 4.5 GB · 12.3 MB/s · estimating time left…"
    assert download_file_text(p) == "File 7 of 9: unet/w.safetensors"
    verify = DownloadProgress("svd", "unet/w.safetensors", 0, 3, 0, 4_510_000_000, 0.0, None, "verify", 0, 9)
    assert download_progress_text(verify) == "0 B of 4.5 GB · Checking what was already downloaded"
    assert size_text(700_000) == "700 kB" and size_text(None) == "—" and size_text(512) == "512 B"
