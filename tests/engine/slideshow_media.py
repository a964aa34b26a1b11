"""Media for the slideshow tests: solid-colour pictures, a click track with known downbeats, and a
tiny click detector used only until the real analyser (``engine.audio``) is merged."""

from __future__ import annotations

import importlib.util
import subprocess
import wave
from pathlib import Path

import numpy as np
from PIL import Image

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 40), "blue": (40, 50, 220), "yellow": (230, 220, 40),
           "white": (240, 240, 240), "magenta": (200, 40, 200)}


def colour_picture(path: Path, rgb: tuple[int, int, int], size: tuple[int, int] = (400, 300)) -> Path:
    """A solid picture with a faint checker pattern (the colour is what the test reads)."""
    w, h = size
    arr = np.empty((h, w, 3), np.int16)
    arr[:] = rgb
    yy, xx = np.mgrid[0:h, 0:w]
    arr += (((xx // 25 + yy // 25) % 2) * 12 - 6)[..., None].astype(np.int16)
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB").save(path)
    return path


def click_track(path: Path, bpm: float, bars: int, lead_in: float, rate: int = 22050,
                tail: float = 0.0) -> tuple[Path, list[float]]:
    """4/4 clicks (accented, higher downbeats) written as a WAV; returns it and the downbeat times."""
    beat = 60.0 / bpm
    n = int((lead_in + bars * 4 * beat + tail) * rate)
    # A quiet sustained chord under the clicks, so it is music (no pauses) to any analyser; it stays
    # below the click detector's threshold.
    ts = np.arange(n) / rate
    sig = (0.012 * sum(np.sin(2 * np.pi * f * ts) for f in (220.0, 261.63, 329.63))).astype(np.float32)
    t = np.arange(int(0.03 * rate)) / rate
    downbeats: list[float] = []
    for k in range(bars * 4):
        at = lead_in + k * beat
        accent = k % 4 == 0
        if accent:
            downbeats.append(at)
        click = (0.9 if accent else 0.35) * np.sin(2 * np.pi * (2000 if accent else 1000) * t) * np.exp(-t / 0.006)
        i = round(at * rate)
        sig[i:i + len(click)] += click[: n - i].astype(np.float32)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(sig, -1, 1) * 32767).astype("<i2").tobytes())
    return path, downbeats


def detect_clicks(path: Path) -> AudioAnalysis:
    """TEST-ONLY stand-in for the analyser: clicks are where the sound starts after silence; loud ones are bars."""
    with wave.open(str(path), "rb") as w:
        rate = w.getframerate()
        sig = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
    loud = np.abs(sig) > 0.05
    starts = np.flatnonzero(loud[1:] & ~np.convolve(loud, np.ones(int(0.05 * rate)), "full")[: len(sig) - 1]
                            .astype(bool)) + 1
    beats = [float(i) / rate for i in starts]
    peaks = [float(np.abs(sig[i:i + int(0.02 * rate)]).max()) for i in starts]
    downbeats = [b for b, p in zip(beats, peaks, strict=True) if p > 0.6]
    tempo = 60.0 / float(np.median(np.diff(beats))) if len(beats) > 1 else None
    return AudioAnalysis(duration_s=len(sig) / rate, kind="music", tempo_bpm=tempo, beats=tuple(beats),
                         downbeats=tuple(downbeats))


def analyser_merged() -> bool:
    return importlib.util.find_spec("vidgen_desktop.engine.audio") is not None


def decode_rgb_means(video: Path, size: tuple[int, int]) -> np.ndarray:
    """The mean colour of every frame of a video, as (n, 3) floats."""
    w, h = size
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         stdout=subprocess.PIPE, check=True).stdout
    frames = np.frombuffer(out, np.uint8).reshape(-1, h, w, 3)
    return frames.reshape(len(frames), -1, 3).mean(axis=1)
