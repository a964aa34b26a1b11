"""Real media files for tests, made on the spot with ffmpeg and Pillow (nothing is committed)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

from vidgen_desktop.engine.ffmpeg import ffmpeg_exe


def textured_image(path: Path, size: tuple[int, int] = (640, 480), mode: str = "RGB", seed: int = 1) -> Path:
    """A picture with detail at every scale (so motion is measurable) and a bright marker top-left."""
    w, h = size
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 256, (h // 8 + 1, w // 8 + 1, 3), dtype=np.uint8)
    img = np.asarray(Image.fromarray(base).resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32)
    yy, xx = np.mgrid[0:h, 0:w]
    img += 40 * np.sin(xx / 7.0)[..., None] * np.cos(yy / 11.0)[..., None]
    img[: h // 5, : w // 5] = (250, 30, 30)
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if mode != "RGB":
        im = im.convert(mode)
    im.save(path)
    return path


def tone(path: Path, seconds: float, *, rate: int = 44100, channels: int = 2, codec: list[str] | None = None,
         extra: list[str] | None = None) -> Path:
    """A sine tone of ``seconds`` encoded by ffmpeg according to the file's extension (or ``codec``)."""
    if seconds <= 0:
        raise ValueError("ffmpeg's sine source treats duration 0 as endless")
    layout = {1: "mono", 2: "stereo", 6: "5.1"}[channels]
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
           f"sine=frequency=440:sample_rate={rate}:duration={seconds}", "-af", f"aformat=channel_layouts={layout}",
           *(codec or []), *(extra or []), str(path)]
    subprocess.run(cmd, check=True)
    return path


def decode_gray_frames(video: Path, size: tuple[int, int]) -> np.ndarray:
    """All frames of a video as a (n, h, w) uint8 array of luma, as decoded (the Y plane, no conversion:
    asking ffmpeg for ``gray`` range-converts a tagged limited-range video and smears it by ~0.3 px)."""
    w, h = size
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "yuv420p",
                          "-"], stdout=subprocess.PIPE, check=True).stdout
    frames = np.frombuffer(out, np.uint8).reshape(-1, w * h * 3 // 2)
    return frames[:, : w * h].reshape(-1, h, w)


def probe_text(path: Path) -> str:
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], stderr=subprocess.PIPE,
                          check=False).stderr.decode()
