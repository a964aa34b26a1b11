"""Every ffmpeg the app starts is bounded: stopped at its timeout or on cancel, with what it started."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.processes import process_gone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.engine.ffmpeg import FFmpegTimeoutError, run_ffmpeg


def test_a_hung_ffmpeg_is_stopped_at_its_timeout(fake_ffmpeg: Callable[[str], Path]) -> None:
    child = fake_ffmpeg("sleep 300")
    t0 = time.monotonic()
    with pytest.raises(FFmpegTimeoutError, match="reading x took longer than 1 s"):
        run_ffmpeg(["-i", "x"], timeout=1.0, what="reading x")
    assert time.monotonic() - t0 < 5
    assert process_gone(int(child.read_text())), "what ffmpeg started must stop with it"


def test_cancel_stops_a_running_ffmpeg_at_once(fake_ffmpeg: Callable[[str], Path]) -> None:
    child = fake_ffmpeg("sleep 300")
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        run_ffmpeg(["-version"], cancel=token)
    assert time.monotonic() - t0 < 3
    assert process_gone(int(child.read_text()))


def test_a_quick_ffmpeg_is_left_alone() -> None:
    proc = run_ffmpeg(["-version"], timeout=60, cancel=CancelToken())
    assert proc.returncode == 0 and proc.stdout.startswith(b"ffmpeg version")
