"""Audio probing: what streams a file has and how long its sound *really* is.

Header durations lie (VBR MP3 without a Xing header, truncated files), so the
duration comes from decoding the audio and counting samples.
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.ffmpeg import PROBE_TIMEOUT_S, FFmpegTimeoutError, ProcessGuard, run_ffmpeg, start_ffmpeg

AUDIO_EXTENSIONS = frozenset(
    {".wav", ".wave", ".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wma", ".aif", ".aiff", ".caf",
     ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi"}
)
#: Rate used when decoding only to count samples: 1/16000 s is far below one video frame.
_MEASURE_RATE = 16000
#: Decoding a whole sound track (ffmpeg decodes hours of MP3 in a minute or two).
DECODE_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class StreamInfo:
    index: int
    kind: str  # "audio" | "video" | "subtitle" | "data"
    codec: str
    detail: str
    sample_rate: int | None = None
    channels: int | None = None
    attached_pic: bool = False


@dataclass(frozen=True)
class AudioInfo:
    """The first audio stream of a file and its decoded duration."""

    path: Path
    duration_s: float
    codec: str
    profile: str
    sample_rate: int
    channels: int
    header_duration_s: float | None


_STREAM_RE = re.compile(r"^\s*Stream #\d+:(\d+)(?:\[[^\]]*\])?(?:\([^)]*\))?: (\w+): (\w+)(.*)$")
_DURATION_RE = re.compile(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)")
_CHANNELS = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "4.0": 4, "5.0": 5, "5.1": 6, "6.1": 7, "7.1": 8}


def _check_readable(path: Path, what: str) -> None:
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, f"is a folder, not {what}")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(path, "is empty (0 bytes)")


def _timed_out(path: Path, exc: FFmpegTimeoutError) -> InputError:
    return InputError(path, f"reading it took longer than {exc.timeout:.0f} s, so it was given up",
                      hint="is it on a slow or disconnected drive? copy it to a local folder and try again")


def probe_streams(path: Path, *, timeout: float = PROBE_TIMEOUT_S,
                  cancel: CancelToken | None = None) -> tuple[list[StreamInfo], float | None]:
    """Streams ffmpeg sees in ``path`` and the container's claimed duration."""
    try:
        proc = run_ffmpeg(["-i", str(path)], timeout=timeout, cancel=cancel, what=f"reading {path.name}")
    except FFmpegTimeoutError as exc:
        raise _timed_out(path, exc) from None
    text = proc.stderr.decode("utf-8", "replace")
    streams: list[StreamInfo] = []
    for line in text.splitlines():
        m = _STREAM_RE.match(line)
        if not m:
            continue
        index, kind, codec, rest = int(m.group(1)), m.group(2).lower(), m.group(3), m.group(4)
        rate = re.search(r"(\d+) Hz", rest)
        channels = None
        if kind == "audio":
            parts = [p.strip() for p in rest.split(",")]
            for p in parts:
                if p in _CHANNELS:
                    channels = _CHANNELS[p]
                    break
                cm = re.fullmatch(r"(\d+) channels(?: \(.*\))?", p)
                if cm:
                    channels = int(cm.group(1))
                    break
        streams.append(
            StreamInfo(index, kind, codec, rest.strip(", "), int(rate.group(1)) if rate else None, channels,
                       "(attached pic)" in rest)
        )
    dm = _DURATION_RE.search(text)
    duration = int(dm.group(1)) * 3600 + int(dm.group(2)) * 60 + float(dm.group(3)) if dm else None
    return streams, duration


def _decode_args(path: Path, rate: int, fmt: str) -> list[str]:
    return ["-v", "error", "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(rate),
            "-f", fmt, "-"]


def _decode_error(path: Path, stderr: bytes) -> InputError:
    err = stderr.decode("utf-8", "replace").strip().splitlines()
    return InputError(path, f"audio could not be decoded ({err[-1] if err else 'ffmpeg failed'})")


def _count_samples(path: Path, rate: int, timeout: float, cancel: CancelToken | None) -> int:
    """Decode the first audio stream to mono s16 at ``rate`` and count samples, streaming (flat memory)."""
    with tempfile.TemporaryFile() as err:
        proc = start_ffmpeg(_decode_args(path, rate, "s16le"), stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        total = 0
        with ProcessGuard(proc, what=f"decoding {path.name}", timeout=timeout, cancel=cancel) as guard, proc.stdout:
            while chunk := proc.stdout.read(1 << 20):
                total += len(chunk)
            proc.wait()
        try:
            guard.check()
        except FFmpegTimeoutError as exc:
            raise _timed_out(path, exc) from None
        if proc.returncode != 0 and total == 0:
            err.seek(0)
            raise _decode_error(path, err.read())
    return total // 2


def check_audio_file(path: Path, *, cancel: CancelToken | None = None,
                     timeout: float = PROBE_TIMEOUT_S) -> tuple[StreamInfo, float | None]:
    """Raise :class:`InputError` unless ``path`` is a readable file with a sound; its first audio stream and
    the container's claimed duration (a header read only: cheap, nothing is decoded)."""
    _check_readable(path, "an audio file")
    streams, header_duration = probe_streams(path, timeout=timeout, cancel=cancel)
    audio = [s for s in streams if s.kind == "audio"]
    if not audio:
        if any(s.kind == "video" for s in streams):
            if all(s.attached_pic or s.codec in {"mjpeg", "png", "bmp", "gif", "webp", "tiff"} for s in streams):
                raise InputError(path, "is an image, not an audio file", hint="did you swap IMAGE and AUDIO?")
            raise InputError(path, "is a video without a sound track")
        if not streams:
            raise InputError(path, "is not an audio file ffmpeg can read (unknown or corrupt format)")
        raise InputError(path, "has no audio stream")
    return audio[0], header_duration


def probe_audio(path: Path | str, *, cancel: CancelToken | None = None,
                timeout: float = DECODE_TIMEOUT_S) -> AudioInfo:
    """Validate an audio (or video-with-audio) file and measure its real duration.

    ``timeout`` bounds the decode that measures it; the header read has its own, shorter one.
    """
    path = Path(path)
    first, header_duration = check_audio_file(path, cancel=cancel, timeout=min(timeout, PROBE_TIMEOUT_S))
    duration = _count_samples(path, _MEASURE_RATE, timeout, cancel) / _MEASURE_RATE
    if duration <= 0.0:
        raise InputError(path, "contains no sound (0 seconds of audio)")
    profile_m = re.match(r"\s*\(([^)]+)\)", first.detail)
    return AudioInfo(
        path=path,
        duration_s=duration,
        codec=first.codec,
        profile=profile_m.group(1) if profile_m else "",
        sample_rate=first.sample_rate or 0,
        channels=first.channels or 0,
        header_duration_s=header_duration,
    )


def audio_envelope(path: Path | str, points: int = 400, *, timeout: float = DECODE_TIMEOUT_S,
                   cancel: CancelToken | None = None) -> npt.NDArray[np.float32]:
    """Peak amplitude in ``points`` equal slices of the sound, in [0, 1], for a waveform view."""
    path = Path(path)
    # 2 kHz is plenty for a picture of loudness and keeps hours of audio small (s16: 14 MB per hour).
    try:
        proc = run_ffmpeg(_decode_args(path, 2000, "s16le"), timeout=timeout, cancel=cancel,
                          what=f"decoding {path.name}")
    except FFmpegTimeoutError as exc:
        raise _timed_out(path, exc) from None
    if proc.returncode != 0 and not proc.stdout:
        raise _decode_error(path, proc.stderr)
    samples = np.abs(np.frombuffer(proc.stdout, dtype=np.int16).astype(np.float32)) / 32768.0
    if samples.size == 0 or points <= 0:
        return np.zeros(max(points, 0), dtype=np.float32)
    edges = np.linspace(0, samples.size, points + 1).astype(np.int64)
    peaks = np.array([samples[a:b].max() if b > a else 0.0 for a, b in itertools.pairwise(edges)], np.float32)
    return np.clip(peaks, 0.0, 1.0)
