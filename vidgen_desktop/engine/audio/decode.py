"""Decode any audio (or video with sound) to mono float samples at a fixed rate with the app's own ffmpeg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.ffmpeg import (
    FFmpegTimeoutError,
    audio_timeout,
    last_stderr_line,
    run_ffmpeg,
)
from vidgen_desktop.engine.media import check_audio_file

#: The analysis rate: enough for drums and voices (11 kHz of bandwidth), and what librosa's defaults assume.
ANALYSIS_RATE = 22050


def decode_mono(path: Path, *, rate: int = ANALYSIS_RATE, cancel: CancelToken | None = None) -> npt.NDArray[np.float32]:
    """The first audio stream of ``path`` as mono float32 samples in [-1, 1] at ``rate`` Hz."""
    _stream, header = check_audio_file(path, cancel=cancel)
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
