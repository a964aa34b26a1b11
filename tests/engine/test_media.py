from __future__ import annotations

import contextlib
import subprocess
import threading
import time
import wave
from pathlib import Path

import psutil
import pytest

from tests.helpers.processes import process_gone
from tests.media_factory import textured_image, tone
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.media import audio_envelope, probe_audio


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("pcm16.wav", {}),
        ("float.wav", {"codec": ["-c:a", "pcm_f32le"]}),
        ("mono8k.wav", {"rate": 8000, "channels": 1}),
        ("surround.wav", {"channels": 6, "rate": 48000}),
        ("cbr.mp3", {}),
        ("aac.m4a", {"rate": 48000}),
        ("lossless.flac", {"rate": 96000}),
        ("vorbis.ogg", {}),
        ("voice.opus", {"rate": 48000, "channels": 1}),
    ],
)
def test_decoded_duration_for_each_format(tmp_path: Path, name: str, kwargs: dict) -> None:
    f = tone(tmp_path / name, 2.0, **kwargs)
    info = probe_audio(f)
    assert info.duration_s == pytest.approx(2.0, abs=0.03)
    assert info.channels == kwargs.get("channels", 2)


def test_vbr_mp3_without_xing_header_is_measured_not_guessed(tmp_path: Path) -> None:
    # A quiet intro then loud noise: VBR bitrates vary a lot; with no Xing header the
    # container duration is estimated from the first frame's bitrate and is wrong.
    f = tmp_path / "vbr.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "anullsrc=r=44100:cl=stereo:d=3", "-f", "lavfi", "-i", "anoisesrc=d=3:r=44100:a=0.8",
                    "-filter_complex", "[0][1]concat=n=2:v=0:a=1", "-c:a", "libmp3lame", "-q:a", "2",
                    "-write_xing", "0", str(f)], check=True)
    info = probe_audio(f)
    assert info.duration_s == pytest.approx(6.0, abs=0.06)
    assert info.header_duration_s is not None
    assert abs(info.header_duration_s - 6.0) > 0.5, "fixture should have a lying header"


def test_audio_track_of_a_video_file(tmp_path: Path) -> None:
    f = tmp_path / "clip.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=128x96:rate=10:duration=3",
                    "-f", "lavfi", "-i", "sine=duration=2.5", "-c:v", "libx264", "-c:a", "aac", str(f)], check=True)
    assert probe_audio(f).duration_s == pytest.approx(2.5, abs=0.05)


def test_mp3_cover_art_is_not_mistaken_for_video(tmp_path: Path) -> None:
    cover = textured_image(tmp_path / "cover.jpg", (200, 200))
    plain = tone(tmp_path / "plain.mp3", 1.0)
    f = tmp_path / "with_cover.mp3"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(plain), "-i", str(cover), "-map", "0:a", "-map",
                    "1:v", "-c", "copy", "-id3v2_version", "3", "-disposition:v", "attached_pic", str(f)], check=True)
    info = probe_audio(f)
    assert info.duration_s == pytest.approx(1.0, abs=0.06)


def _empty_wav(path: Path) -> Path:
    """A valid WAV header with zero samples (ffmpeg's sine with duration 0 means *endless*)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
    return path


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda d: d / "missing.wav", "not found"),
        (lambda d: (d / "empty.wav").write_bytes(b"") and d / "empty.wav" or d / "empty.wav", "empty"),
        (lambda d: (d / "junk.mp3").write_bytes(b"this is not audio" * 100) and d / "junk.mp3", "not an audio file"),
        (lambda d: textured_image(d / "pic.png"), "image, not an audio"),
        (lambda d: _empty_wav(d / "zero.wav"), "no sound"),
        (lambda d: d, "folder"),
    ],
)
def test_bad_audio_is_explained(tmp_path: Path, make, expect: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(InputError) as exc:
        probe_audio(path)
    assert expect in str(exc.value)
    assert str(path) in str(exc.value)


def test_video_without_sound_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "silent.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1",
                    "-c:v", "libx264", str(f)], check=True)
    with pytest.raises(InputError, match="without a sound track"):
        probe_audio(f)


def test_truncated_file_measures_what_is_there(tmp_path: Path) -> None:
    f = tone(tmp_path / "full.wav", 2.0)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(f.read_bytes()[: 44 + 44100 * 4])  # header + 1 s of 16-bit stereo
    assert probe_audio(cut).duration_s == pytest.approx(1.0, abs=0.05)


def test_envelope_follows_loudness(tmp_path: Path) -> None:
    f = tmp_path / "ramp.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono:d=1", "-f",
                    "lavfi", "-i", "sine=f=300:r=8000:d=1", "-filter_complex", "[0][1]concat=n=2:v=0:a=1", str(f)],
                   check=True)
    env = audio_envelope(f, 100)
    assert env.shape == (100,)
    assert env[:45].max() < 0.01
    assert env[55:].min() > 0.05


def test_a_file_that_never_finishes_reading_is_given_up(tmp_path: Path, fake_ffmpeg) -> None:  # type: ignore[no-untyped-def]
    f = tone(tmp_path / "t.wav", 1.0)
    child = fake_ffmpeg("sleep 300")
    t0 = time.monotonic()
    with pytest.raises(InputError, match="took longer than 1 s"):
        probe_audio(f, timeout=1.0)
    with pytest.raises(InputError, match="took longer than 1 s"):
        audio_envelope(f, timeout=1.0)
    assert time.monotonic() - t0 < 8
    assert process_gone(int(child.read_text()))


def test_a_cancelled_measurement_stops_ffmpeg(tmp_path: Path) -> None:
    """The decode is frozen mid-way (a real ffmpeg that stops making progress), then cancelled."""
    f = tone(tmp_path / "long.flac", 600.0, rate=8000, channels=1)
    token = CancelToken()
    frozen: list[psutil.Process] = []
    before = {p.pid for p in psutil.Process().children(recursive=True)}

    def freeze_then_cancel() -> None:
        deadline = time.monotonic() + 30
        while not frozen and time.monotonic() < deadline:
            for p in psutil.Process().children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if p.pid not in before and "16000" in p.cmdline():  # the sample-counting decode
                        p.suspend()
                        frozen.append(p)
            time.sleep(0.002)
        token.cancel()

    threading.Thread(target=freeze_then_cancel, daemon=True).start()
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        probe_audio(f, cancel=token)
    assert frozen and time.monotonic() - t0 < 30
    assert process_gone(frozen[0].pid)
