"""The encoder's cancel always returns: an ffmpeg that stops reading or never exits is killed, its file removed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from tests.helpers.processes import process_gone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.engine.encoder import EncodeSettings, VideoEncoder
from vidgen_desktop.engine.media import probe_audio

SETTINGS = EncodeSettings(320, 240, 15.0)


def _gray_frame() -> tuple[bytes, bytes, bytes]:
    w, h = SETTINGS.width, SETTINGS.height
    return bytes([128]) * (w * h), bytes([128]) * (w * h // 4), bytes([128]) * (w * h // 4)


def _finish_then_cancel(enc: VideoEncoder, token: CancelToken) -> float:
    """Call ``finish`` with a cancel 0.5 s later; returns how long the cancel took to get through."""
    threading.Timer(0.5, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        enc.finish()
    return time.monotonic() - t0 - 0.5


def _in_thread(fn: Callable[[], None], timeout: float = 20.0) -> None:
    """Run ``fn`` on a thread: a hang fails the test instead of freezing the run."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    assert not t.is_alive(), "cancel did not get through: the encoder is blocked"
    if errors:
        raise errors[0]


def test_cancel_while_ffmpeg_has_stopped_reading(media: dict[str, Path], tmp_path: Path) -> None:
    """A real ffmpeg, frozen: the writer blocks on a full pipe while ``finish`` waits for it."""
    audio = probe_audio(media["wav"])
    token = CancelToken()
    seen: dict[str, object] = {}

    def body() -> None:
        with VideoEncoder(tmp_path / "v.mp4", SETTINGS, audio, token) as enc:
            ffmpeg = next(p for p in psutil.Process().children() if str(enc.temp) in p.cmdline())
            ffmpeg.suspend()
            frame = _gray_frame()
            for _ in range(40):  # 4.6 MB: more than the pipe holds, less than the queue
                enc.write(*frame)
            seen.update(ffmpeg=ffmpeg, temp=enc.temp, waited=_finish_then_cancel(enc, token))

    _in_thread(body)
    assert float(seen["waited"]) < 2.0  # type: ignore[arg-type]
    assert process_gone(seen["ffmpeg"].pid)  # type: ignore[attr-defined]
    assert not Path(str(seen["temp"])).exists() and not (tmp_path / "v.mp4").exists()


def test_cancel_while_ffmpeg_never_exits(media: dict[str, Path], tmp_path: Path,
                                         fake_ffmpeg: Callable[[str], Path]) -> None:
    """An ffmpeg that takes every frame, then hangs at the end of the encode (and its child with it)."""
    audio = probe_audio(media["wav"])
    child = fake_ffmpeg("cat > /dev/null\nsleep 300")
    token = CancelToken()
    waited: list[float] = []

    def body() -> None:
        with VideoEncoder(tmp_path / "v.mp4", SETTINGS, audio, token) as enc:
            for _ in range(5):
                enc.write(*_gray_frame())
            waited.append(_finish_then_cancel(enc, token))

    _in_thread(body)
    assert waited[0] < 2.0
    assert process_gone(int(child.read_text()))
    assert list(tmp_path.glob(".v.*")) == []


def test_frames_keep_their_levels_through_the_encoder(media: dict[str, Path], tmp_path: Path) -> None:
    """Our limited-range BT.709 planes are encoded as they are: no colour conversion on the way (an untagged
    raw input once made ffmpeg convert them, shifting luma by about 5 code values, and cost CPU)."""
    import subprocess

    import numpy as np

    from vidgen_desktop.engine.ffmpeg import ffmpeg_exe

    w, h = SETTINGS.width, SETTINGS.height
    out = tmp_path / "levels.mp4"
    with VideoEncoder(out, SETTINGS, probe_audio(media["wav"]), CancelToken()) as enc:
        for _ in range(10):
            enc.write(bytes([60]) * (w * h), bytes([100]) * (w * h // 4), bytes([170]) * (w * h // 4))
        enc.finish()
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"],
                         capture_output=True, check=True).stdout
    frame = np.frombuffer(raw, np.uint8)[: w * h * 3 // 2].astype(int)
    y, u, v = frame[: w * h], frame[w * h: w * h * 5 // 4], frame[w * h * 5 // 4:]
    assert abs(y.mean() - 60) < 1 and abs(u.mean() - 100) < 1 and abs(v.mean() - 170) < 1
