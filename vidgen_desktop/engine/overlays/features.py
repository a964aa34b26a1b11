"""What the audiogram draws, per video frame: spectrum bar heights and a short waveform.

Computed in one streamed decode before the first frame (ffmpeg -> mono float32 in
blocks; a 2048-point FFT per frame), so memory holds a few small numbers per frame,
never the whole sound. 30 fps x 1 hour is ~12 MB. Heights follow the music: fast
attack, slower release, so bars do not flicker yet never lag a beat.
"""

from __future__ import annotations

import math
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.ffmpeg import ProcessGuard, audio_timeout, kill_process, last_stderr_line, start_ffmpeg

RATE = 22050
FFT_SIZE = 2048
#: Spectrum bars: log-spaced bands between these frequencies.
LOW_HZ, HIGH_HZ = 40.0, 11000.0
#: Bars fall at most this fraction of the full height per second (rise is immediate).
RELEASE_PER_S = 2.5
#: Loudness range shown: this many dB below the loudest band.
RANGE_DB = 60.0
#: Music has less energy per band the higher it goes; this tilt (dB per octave) evens the bars out.
TILT_DB_PER_OCTAVE = 4.5

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class AudioFeatures:
    """Per frame: ``bars`` (frames, bands) and ``wave`` (frames, points), both 0..1 / -1..1, float16."""

    fps: float
    bars: npt.NDArray[np.float16]
    wave: npt.NDArray[np.float16]
    #: Overall loudness per frame (RMS, 0..1 of the loudest frame): what the bars follow.
    level: npt.NDArray[np.float16]

    @property
    def frames(self) -> int:
        return int(self.bars.shape[0])


def _band_edges(bands: int) -> npt.NDArray[np.int64]:
    """FFT bin edges of ``bands`` log-spaced bands; every band gets at least one bin."""
    freqs = np.geomspace(LOW_HZ, HIGH_HZ, bands + 1)
    bins = np.round(freqs / (RATE / FFT_SIZE)).astype(np.int64)
    for i in range(1, bins.size):
        bins[i] = max(bins[i], bins[i - 1] + 1)
    return np.asarray(np.minimum(bins, FFT_SIZE // 2), dtype=np.int64)


def _frame_block(samples: F32, first: int, count: int, fps: float, offset: int,
                 edges: npt.NDArray[np.int64], wave_points: int) -> tuple[F32, F32, F32]:
    """Band energies (dB), waveform and RMS of frames ``first``..``first+count`` from a block of samples."""
    window = np.hanning(FFT_SIZE).astype(np.float32)
    centres = np.round((np.arange(first, first + count) + 0.5) / fps * RATE).astype(np.int64) - offset
    starts = np.clip(centres - FFT_SIZE // 2, 0, max(0, samples.size - FFT_SIZE))
    idx = starts[:, None] + np.arange(FFT_SIZE)[None, :]
    chunk = samples[np.minimum(idx, samples.size - 1)] if samples.size else np.zeros((count, FFT_SIZE), np.float32)
    spec = np.abs(np.fft.rfft(chunk * window, axis=1)).astype(np.float32)
    power = np.add.reduceat(spec ** 2, edges[:-1], axis=1) / np.maximum(1, np.diff(edges))[None, :]
    octaves = np.log2(np.maximum(edges[:-1], 1) * (RATE / FFT_SIZE) / LOW_HZ)
    db = (10.0 * np.log10(power + 1e-12) + TILT_DB_PER_OCTAVE * octaves[None, :]).astype(np.float32)
    span = max(1, int(RATE / fps))
    wstarts = np.clip(centres - span // 2, 0, max(0, samples.size - span))
    widx = wstarts[:, None] + np.linspace(0, span - 1, wave_points).astype(np.int64)[None, :]
    wave = samples[np.minimum(widx, samples.size - 1)] if samples.size else np.zeros((count, wave_points), np.float32)
    ridx = wstarts[:, None] + np.arange(span)[None, :]
    rms = np.sqrt(np.mean(samples[np.minimum(ridx, samples.size - 1)] ** 2, axis=1)) if samples.size else \
        np.zeros(count, np.float32)
    return db, wave.astype(np.float32), rms.astype(np.float32)


def cancel_check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


def analyse_frames(path: Path, fps: float, frames: int, *, bands: int = 48, wave_points: int = 256,
                   cancel: CancelToken | None = None, start_s: float = 0.0) -> AudioFeatures:
    """Decode ``path`` once, streaming, and measure what each of ``frames`` frames shows.

    ``start_s`` starts at that time instead (a preview of one moment); the result is then
    relative to it and its loudness scale is the excerpt's own.
    """
    edges = _band_edges(bands)
    db = np.full((frames, bands), -120.0, np.float32)
    wave = np.zeros((frames, wave_points), np.float32)
    rms = np.zeros(frames, np.float32)
    block_s = 10.0
    seek = ["-ss", f"{start_s:.3f}", "-t", f"{frames / fps + 1.0:.3f}"] if start_s > 0 else []
    args = ["-v", "error", *seek, "-i", str(path), "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(RATE),
            "-f", "f32le", "-"]
    with tempfile.TemporaryFile() as err:
        proc = start_ffmpeg(args, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        with ProcessGuard(proc, what=f"reading the sound of {path.name}", timeout=audio_timeout(frames / fps),
                          cancel=cancel) as guard, proc.stdout:
            buf = np.zeros(0, np.float32)
            offset = 0  # sample index of buf[0]
            done = 0  # frames measured
            eof = False
            while done < frames:
                data = b"" if eof else proc.stdout.read(int(block_s * RATE) * 4)
                eof = eof or len(data) < int(block_s * RATE) * 4
                if data:
                    buf = np.concatenate([buf, np.frombuffer(data[: len(data) // 4 * 4], "<f4")])
                end = offset + buf.size
                # Frames whose whole window is inside what was read (all that are left at the end of the sound).
                ready = frames if eof else min(frames, math.floor((end - FFT_SIZE / 2) / RATE * fps - 0.5) + 1)
                if ready > done:
                    d, w, r = _frame_block(buf, done, ready - done, fps, offset, edges, wave_points)
                    db[done:ready], wave[done:ready], rms[done:ready] = d, w, r
                    done = ready
                    cancel_check(cancel)
                if eof:
                    break
                # Drop samples no later frame's window reaches.
                drop = max(0, min(buf.size, round((done + 0.5) / fps * RATE) - FFT_SIZE - offset))
                buf, offset = buf[drop:], offset + drop
            if eof:
                proc.wait()
            else:  # the video is shorter than the sound's tail: stop ffmpeg instead of draining it
                kill_process(proc)
        guard.check()
        if eof and proc.returncode != 0 and not rms.any():
            err.seek(0)
            raise InputError(path, f"the sound could not be decoded ({last_stderr_line(err.read())})")
    return AudioFeatures(fps, _bar_heights(db, fps), _normalise_wave(wave), _normalise(rms))


def _bar_heights(db: F32, fps: float) -> npt.NDArray[np.float16]:
    """dB per band -> 0..1 heights (top RANGE_DB below the loudest band), with attack/release smoothing."""
    top = float(np.percentile(db, 99.5)) if db.size else 0.0
    h = np.clip((db - (top - RANGE_DB)) / RANGE_DB, 0.0, 1.0)
    fall = RELEASE_PER_S / fps
    for i in range(1, h.shape[0]):
        np.maximum(h[i], h[i - 1] - fall, out=h[i])
    out: npt.NDArray[np.float16] = h.astype(np.float16)
    return out


def _normalise_wave(wave: F32) -> npt.NDArray[np.float16]:
    peak = float(np.percentile(np.abs(wave), 99.9)) if wave.size else 0.0
    return np.clip(wave / peak if peak > 1e-6 else wave, -1.0, 1.0).astype(np.float16)


def _normalise(x: F32) -> npt.NDArray[np.float16]:
    peak = float(x.max()) if x.size else 0.0
    out: npt.NDArray[np.float16] = (x / peak if peak > 1e-9 else x).astype(np.float16)
    return out
