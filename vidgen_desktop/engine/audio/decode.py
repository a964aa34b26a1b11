"""Decode any audio (or video with sound) to mono float samples at a fixed rate with the app's own ffmpeg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.ffmpeg import (
    PROBE_TIMEOUT_S,
    FFmpegTimeoutError,
    audio_timeout,
    last_stderr_line,
    run_ffmpeg,
)
from vidgen_desktop.engine.media import probe_streams

#: The analysis rate: enough for drums and voices (11 kHz of bandwidth), and what librosa's defaults assume.
ANALYSIS_RATE = 22050


def check_audio_file(path: Path, *, cancel: CancelToken | None = None) -> float | None:
    """Raise :class:`InputError` unless ``path`` is a readable file with an audio stream; return its header duration."""
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not an audio file")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(path, "is empty (0 bytes)")
    try:
        streams, header = probe_streams(path, timeout=PROBE_TIMEOUT_S, cancel=cancel)
    except FFmpegTimeoutError as exc:
        raise InputError(path, f"reading it took longer than {exc.timeout:.0f} s, so it was given up") from None
    if any(s.kind == "audio" for s in streams):
        return header
    if streams and all(s.attached_pic or s.codec in {"mjpeg", "png", "bmp", "gif", "webp", "tiff"} for s in streams):
        raise InputError(path, "is an image, not an audio file")
    if any(s.kind == "video" for s in streams):
        raise InputError(path, "is a video without a sound track")
    raise InputError(path, "is not an audio file ffmpeg can read (unknown or corrupt format)")


def decode_mono(path: Path, *, rate: int = ANALYSIS_RATE, cancel: CancelToken | None = None) -> npt.NDArray[np.float32]:
    """The first audio stream of ``path`` as mono float32 samples in [-1, 1] at ``rate`` Hz."""
    header = check_audio_file(path, cancel=cancel)
    args = ["-v", "error", "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(rate),
            "-f", "f32le", "-"]
    try:
        proc = run_ffmpeg(args, timeout=audio_timeout(header or 0.0), cancel=cancel, what=f"decoding {path.name}")
    except FFmpegTimeoutError as exc:
        raise InputError(path, f"decoding it took longer than {exc.timeout:.0f} s, so it was given up") from None
    if proc.returncode != 0 and not proc.stdout:
        raise InputError(path, f"audio could not be decoded ({last_stderr_line(proc.stderr)})")
    samples = np.frombuffer(proc.stdout, dtype=np.float32)
    if samples.size == 0:
        raise InputError(path, "contains no sound (0 seconds of audio)")
    if not np.isfinite(samples).all():  # a broken decoder output; usually there is nothing to fix (and no copy)
        samples = np.nan_to_num(samples, nan=0.0, posinf=1.0, neginf=-1.0)
    return samples
