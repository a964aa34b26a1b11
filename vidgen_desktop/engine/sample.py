"""The built-in sample: a picture and a short piece of music the project makes itself (CC0).

``resources/`` ships the generated files; if they are missing (e.g. a wheel
install), they are generated into the app's cache folder on first use.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from vidgen_desktop.core.errors import RenderError
from vidgen_desktop.core.paths import app_paths, resources_dir
from vidgen_desktop.engine.ffmpeg import audio_timeout, last_stderr_line, run_ffmpeg

SAMPLE_IMAGE = "sample.jpg"
SAMPLE_AUDIO = "sample.m4a"
SAMPLE_SECONDS = 8.0


def sample_paths() -> tuple[Path, Path]:
    """(image, audio) of the sample, generating them if the shipped copies are missing."""
    res = resources_dir()
    image, audio = res / SAMPLE_IMAGE, res / SAMPLE_AUDIO
    if image.is_file() and audio.is_file():
        return image, audio
    cache = app_paths().cache / "sample"
    image, audio = cache / SAMPLE_IMAGE, cache / SAMPLE_AUDIO
    if not (image.is_file() and audio.is_file()):
        write_sample(cache)
    return image, audio


def write_sample(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    image, audio = folder / SAMPLE_IMAGE, folder / SAMPLE_AUDIO
    make_landscape(2400, 1600).save(image, quality=92)
    make_music(audio, SAMPLE_SECONDS)
    return image, audio


def make_landscape(width: int, height: int):  # type: ignore[no-untyped-def]
    """A dusk landscape: graded sky, sun, layered hills, a lake with the sun's reflection."""
    from PIL import Image, ImageFilter

    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    t = yy / height
    top = np.array([28, 36, 92], np.float32)
    mid = np.array([236, 126, 96], np.float32)
    low = np.array([255, 206, 140], np.float32)
    sky = np.where(t[..., None] < 0.45, top + (mid - top) * (t[..., None] / 0.45),
                   mid + (low - mid) * ((t[..., None] - 0.45) / 0.2).clip(0, 1))
    sx, sy, sr = width * 0.62, height * 0.5, height * 0.08
    d = np.hypot(xx - sx, yy - sy)
    glow = np.exp(-((d / (sr * 4)) ** 2))[..., None]
    sky = sky + glow * np.array([60, 40, 10], np.float32)
    sky = np.where((d < sr)[..., None], np.array([255, 240, 200], np.float32), sky)
    img = sky
    rng = np.random.default_rng(7)
    x = np.arange(width, dtype=np.float32)
    layers = [(0.55, 0.07, (96, 62, 98)), (0.63, 0.06, (64, 44, 78)), (0.70, 0.05, (36, 28, 52))]
    for base, amp, colour in layers:
        ridge = np.zeros(width, np.float32)
        for k in range(1, 7):
            ridge += rng.uniform(0.3, 1.0) / k * np.sin(x / width * math.pi * (k + 1) + rng.uniform(0, 6.28))
        ridge = height * (base - amp * ridge / 2.0)
        mask = (yy > ridge[None, :])[..., None]
        shade = 1.0 - 0.25 * ((yy - ridge[None, :]) / height).clip(0, 1)[..., None]
        img = np.where(mask, np.array(colour, np.float32) * shade, img)
    lake = (yy > height * 0.78)[..., None]
    mirror = img[(2 * int(height * 0.78) - yy.astype(np.int64)).clip(0, height - 1), xx.astype(np.int64)]
    ripple = 0.85 + 0.1 * np.sin(yy * 0.35 + np.sin(xx * 0.01) * 3)[..., None]
    img = np.where(lake, mirror * ripple * np.array([0.75, 0.8, 0.95], np.float32), img)
    img = img + rng.normal(0, 2.0, img.shape).astype(np.float32)  # a little grain, like a photo
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    return out.filter(ImageFilter.GaussianBlur(0.6))


def make_music(path: Path, seconds: float, rate: int = 48000) -> None:
    """A gentle chord progression (I-V-vi-IV) with soft attacks, encoded as AAC."""
    n = int(seconds * rate)
    t = np.arange(n, dtype=np.float64) / rate
    chords = [(261.63, 329.63, 392.00), (196.00, 246.94, 293.66), (220.00, 261.63, 329.63), (174.61, 220.00, 261.63)]
    out = np.zeros((n, 2), np.float64)
    per = seconds / len(chords)
    for ci, chord in enumerate(chords):
        start = int(ci * per * rate)
        seg_t = t[: n - start] if ci == len(chords) - 1 else t[: int(per * rate)]
        env = np.minimum(1.0, seg_t / 0.08) * np.exp(-seg_t * 0.6)
        for vi, f in enumerate(chord):
            tone = np.sin(2 * np.pi * f * seg_t) + 0.3 * np.sin(4 * np.pi * f * seg_t)
            pan = 0.3 + 0.2 * vi
            out[start:start + seg_t.size, 0] += tone * env * (1 - pan)
            out[start:start + seg_t.size, 1] += tone * env * pan
    fade = np.minimum(1.0, (seconds - t) / 0.5)[:, None]
    out = out / np.abs(out).max() * 0.6 * fade
    pcm = (out * 32767).astype("<i2").tobytes()
    try:
        proc = run_ffmpeg(
            ["-loglevel", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "2",
             "-i", "pipe:0", "-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", str(path)],
            input_bytes=pcm, timeout=audio_timeout(seconds), what="writing the sample music",
        )
        if proc.returncode != 0:
            raise RenderError(f"writing the sample music failed: {last_stderr_line(proc.stderr)}")
    except BaseException:
        path.unlink(missing_ok=True)  # a half-written file would pass for the sample next time
        raise
