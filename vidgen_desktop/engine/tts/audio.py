"""Audio plumbing for narration: numpy for the samples, the bundled ffmpeg for the rest.

Synthesized chunks are appended to a :class:`PcmSpool` (a raw float32 file on disk),
so a long script never holds more than one chunk in memory. :func:`finish_wav` then
measures the loudness (EBU R128, ffmpeg ``loudnorm``), normalises it in a second
pass, resamples and writes a 16-bit WAV of an exact number of samples, so caption
times computed from sample counts stay true to the file.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.errors import InputError, OutputError, RenderError
from vidgen_desktop.engine.debris import owned_name
from vidgen_desktop.engine.ffmpeg import SHORT_TIMEOUT_S, audio_timeout, last_stderr_line, run_ffmpeg

if TYPE_CHECKING:
    from typing_extensions import Self

Samples = npt.NDArray[np.float32]

#: Narration WAVs are written at this rate (what the video's AAC track uses).
OUTPUT_RATE = 48000
#: Loudness targets: speech at -16 LUFS integrated, true peak below -1.5 dBTP.
TARGET_LUFS = -16.0
TARGET_TP = -1.5
TARGET_LRA = 11.0


def as_mono_float(samples: object) -> Samples:
    """Any 1-D/2-D numeric array (or tensor-like with ``numpy()``) → contiguous mono float32 in [-1, 1]."""
    arr = np.asarray(samples)
    if arr.dtype.kind in "iu":
        info = np.iinfo(arr.dtype)
        arr = arr.astype(np.float32) / float(max(abs(info.min), info.max))
    arr = np.asarray(arr, dtype=np.float32)
    if arr.ndim == 2:
        # (channels, n) or (n, channels): average the short axis.
        arr = arr.mean(axis=0 if arr.shape[0] < arr.shape[1] else 1).astype(np.float32)
    arr = np.squeeze(arr)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise RenderError(f"the voice engine returned audio of shape {arr.shape}, expected mono")
    arr = np.nan_to_num(arr, nan=0.0, posinf=0.0, neginf=0.0)
    return np.ascontiguousarray(np.clip(arr, -1.0, 1.0))


def trim_silence(samples: Samples, rate: int, *, threshold_db: float = -42.0, keep_s: float = 0.04) -> Samples:
    """Cut leading and trailing silence (below ``threshold_db`` relative to the chunk's peak), keeping a margin.

    Engines pad their output unevenly; trimming first makes the pauses between
    chunks the ones we choose.
    """
    if samples.size == 0:
        return samples
    peak = float(np.max(np.abs(samples)))
    if peak <= 1e-6:
        return samples[:0]
    win = max(1, int(rate * 0.01))
    n = samples.size // win
    if n == 0:
        return samples
    frames = samples[: n * win].reshape(n, win)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    loud = np.nonzero(rms > peak * 10 ** (threshold_db / 20.0))[0]
    if loud.size == 0:
        return samples[:0]
    keep = int(keep_s * rate)
    start = max(0, int(loud[0]) * win - keep)
    end = min(samples.size, (int(loud[-1]) + 1) * win + keep)
    return samples[start:end]


def quiet_points(samples: Samples, rate: int, *, window_s: float = 0.02) -> npt.NDArray[np.float64]:
    """RMS energy per ``window_s`` window (used to put caption breaks in the speech's own pauses)."""
    win = max(1, int(rate * window_s))
    n = samples.size // win
    if n == 0:
        return np.zeros(0, np.float64)
    frames = samples[: n * win].reshape(n, win).astype(np.float64)
    out: npt.NDArray[np.float64] = np.sqrt(np.mean(frames**2, axis=1))
    return out


def resample(samples: Samples, src_rate: int, dst_rate: int) -> Samples:
    """High-quality resampling through ffmpeg's swresample (exact output length ``round(n * dst / src)``)."""
    if src_rate == dst_rate or samples.size == 0:
        return samples
    want = round(samples.size * dst_rate / src_rate)
    args = ["-v", "error", "-f", "f32le", "-ar", str(src_rate), "-ac", "1",
            "-i", "pipe:0", "-af", f"aresample={dst_rate},apad=whole_len={want},atrim=end_sample={want}",
            "-f", "f32le", "-ar", str(dst_rate), "-ac", "1", "pipe:1"]
    proc = run_ffmpeg(args, input_bytes=samples.astype("<f4").tobytes(),
                      timeout=audio_timeout(samples.size / src_rate), what="resampling the voice")
    if proc.returncode != 0:
        raise RenderError(f"resampling failed: {last_stderr_line(proc.stderr)}")
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


def decode_audio(path: Path, rate: int, *, max_seconds: float | None = None) -> Samples:
    """Decode the first audio stream of any file ffmpeg reads to mono float32 at ``rate``."""
    args = ["-v", "error", "-i", str(path)]
    if max_seconds is not None:
        args += ["-t", f"{max_seconds:.3f}"]
    args += ["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(rate), "-f", "f32le", "pipe:1"]
    timeout = SHORT_TIMEOUT_S if max_seconds is None else audio_timeout(max_seconds)
    proc = run_ffmpeg(args, timeout=timeout, what=f"decoding {path.name}")
    if proc.returncode != 0 and not proc.stdout:
        raise InputError(path, f"audio could not be decoded ({last_stderr_line(proc.stderr)})")
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


class PcmSpool:
    """Mono float32 samples at one rate, appended to a temporary file (flat memory)."""

    def __init__(self, folder: Path, rate: int | None = None) -> None:
        self.folder = folder
        self.rate = rate
        self.path = folder / owned_name("narration", ".f32")
        self._fh = self.path.open("wb")
        self.samples = 0

    @property
    def seconds(self) -> float:
        return self.samples / self.rate if self.rate else 0.0

    def append(self, samples: Samples, rate: int) -> int:
        """Append ``samples`` (resampled to the spool's rate if needed); returns the samples written."""
        if self.rate is None:
            self.rate = rate
        if rate != self.rate:
            samples = resample(samples, rate, self.rate)
        self._fh.write(np.ascontiguousarray(samples, dtype="<f4").tobytes())
        self.samples += samples.size
        return int(samples.size)

    def append_silence(self, seconds: float) -> int:
        if self.rate is None:
            raise RenderError("silence before any speech: the spool's rate is unknown")
        n = max(0, round(seconds * self.rate))
        self._fh.write(bytes(4 * n))
        self.samples += n
        return n

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()

    def discard(self) -> None:
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.discard()


def measure_loudness(raw: Path, rate: int) -> dict[str, float]:
    """EBU R128 measurements of a raw mono float32 file (``input_i``, ``input_tp``, ``input_lra``, ...)."""
    args = ["-f", "f32le", "-ar", str(rate), "-ac", "1", "-i", str(raw),
            "-af", f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TP}:LRA={TARGET_LRA}:print_format=json", "-f", "null", "-"]
    try:
        seconds = raw.stat().st_size / 4 / rate
    except OSError:
        seconds = 0.0
    proc = run_ffmpeg(args, timeout=audio_timeout(seconds), what="measuring the narration's loudness")
    text = proc.stderr.decode("utf-8", "replace")
    m = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", text)
    if proc.returncode != 0 or not m:
        raise RenderError(f"loudness measurement failed: {last_stderr_line(proc.stderr)}")
    out: dict[str, float] = {}
    for k, v in json.loads(m.group(0)).items():
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            continue
    return out


def _atomic_target(out_path: Path) -> Path:
    folder = out_path.parent
    if not folder.is_dir():
        raise OutputError(f"{folder}: the output folder does not exist")
    if out_path.is_dir():
        raise OutputError(f"{out_path}: is a folder; give a file name ending in .wav")
    return folder / owned_name(out_path.stem, ".wav")


def finish_wav(spool: PcmSpool, out_path: Path, *, rate: int = OUTPUT_RATE, normalize: bool = True) -> int:
    """Write the spool as a 16-bit mono WAV at ``rate``, loudness-normalised; returns its sample count.

    The count is exactly ``round(spool.samples * rate / spool.rate)``. Written under a
    temporary name and renamed into place.
    """
    spool.close()
    if spool.rate is None or spool.samples == 0:
        raise RenderError("nothing was synthesized")
    n_out = round(spool.samples * rate / spool.rate)
    filters: list[str] = []
    if normalize:
        m = measure_loudness(spool.path, spool.rate)
        i, tp, lra, th = (m.get(k, -math.inf) for k in ("input_i", "input_tp", "input_lra", "input_thresh"))
        if all(math.isfinite(v) for v in (i, tp, lra, th)) and i > -70.0:
            filters.append(f"loudnorm=I={TARGET_LUFS}:TP={TARGET_TP}:LRA={TARGET_LRA}:measured_I={i}:measured_TP={tp}"
                           f":measured_LRA={lra}:measured_thresh={th}:offset={m.get('target_offset', 0.0)}"
                           ":linear=true")
    filters += [f"aresample={rate}", f"apad=whole_len={n_out}", f"atrim=end_sample={n_out}"]
    tmp = _atomic_target(out_path)
    args = ["-v", "error", "-y", "-f", "f32le", "-ar", str(spool.rate), "-ac", "1", "-i", str(spool.path),
            "-af", ",".join(filters), "-ar", str(rate), "-ac", "1", "-c:a", "pcm_s16le", "-f", "wav", str(tmp)]
    try:
        proc = run_ffmpeg(args, timeout=audio_timeout(spool.seconds), what="writing the narration")
        if proc.returncode != 0:
            raise RenderError(f"writing the narration failed: {last_stderr_line(proc.stderr)}")
        os.replace(tmp, out_path)
    except OSError as exc:
        raise OutputError(f"{out_path}: could not be written ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return n_out


def wav_samples(path: Path) -> tuple[int, int]:
    """(sample count, rate) of a PCM WAV, read from its header."""
    import wave

    with wave.open(str(path), "rb") as w:
        return w.getnframes(), w.getframerate()
