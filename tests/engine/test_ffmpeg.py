"""Every ffmpeg the app starts is bounded: stopped at its timeout or on cancel, with what it started."""

from __future__ import annotations

import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
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


def test_input_bytes_feed_ffmpeg_stdin(tmp_path: Path) -> None:
    """-nostdin stays on: it stops ffmpeg's keyboard commands, but ``-i pipe:0`` still reads what we feed."""
    rate, seconds = 16000, 1.5
    t = np.arange(int(rate * seconds)) / rate
    pcm = (np.sin(2 * np.pi * 440 * t) * 0.5 * 32767).astype("<i2").tobytes()
    out = tmp_path / "tone.wav"
    proc = run_ffmpeg(["-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                       "-c:a", "pcm_s16le", str(out)], input_bytes=pcm, timeout=60, cancel=CancelToken())
    assert proc.returncode == 0, proc.stderr
    assert "-nostdin" in proc.args
    with wave.open(str(out), "rb") as w:
        assert w.getframerate() == rate
        assert w.getnframes() == rate * seconds


def test_cancel_stops_an_ffmpeg_that_is_fed_stdin(fake_ffmpeg: Callable[[str], Path]) -> None:
    """The fake never reads its stdin, so writing more than a pipe holds blocks until the guard kills it."""
    child = fake_ffmpeg("sleep 300")
    token = CancelToken()
    threading.Timer(0.3, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        run_ffmpeg(["-i", "pipe:0"], input_bytes=bytes(8 << 20), cancel=token)
    assert time.monotonic() - t0 < 3
    assert process_gone(int(child.read_text()))
