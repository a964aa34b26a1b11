"""Audiogram overlay costs: the streamed feature pass and the per-frame drawing at 1080p.

Run: ``python benchmarks/overlays.py [--seconds 180]``

* features - decoding ``--seconds`` of music once (streamed) into per-frame bars and waveforms, wall and CPU.
* draw     - drawing each overlay into one 1920x1080 YUV frame, milliseconds per frame (median of 300).
* memory   - bytes the features hold per second of video (they are all that is kept for the whole render).
The whole render's ratio to the encoder floor (with beat sync, visualizer and title) is in benchmarks/kenburns.py.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.overlays import Audiogram, analyse_frames


def music(path: Path, seconds: float) -> Path:
    """A drum-ish loop with a bass line: energy in low, mid and high bands."""
    graph = (f"sine=f=55:d={seconds}[a];sine=f=440:d={seconds}[b];anoisesrc=d={seconds}:a=0.2[c];"
             "[a][b][c]amix=inputs=3,volume='0.5+0.5*sin(2*PI*t*2)':eval=frame")
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-filter_complex", graph, "-ac", "2", str(path)], check=True)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=180.0)
    args = ap.parse_args()
    fps, w, h = 30.0, 1920, 1080
    frames = int(args.seconds * fps)
    with tempfile.TemporaryDirectory() as d:
        audio = music(Path(d) / "music.m4a", args.seconds)
        t0, c0 = time.perf_counter(), time.process_time()
        feats = analyse_frames(audio, fps, frames)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    held = feats.bars.nbytes + feats.wave.nbytes + feats.level.nbytes
    results: dict[str, object] = {"audio_s": args.seconds, "features_wall_s": round(wall, 3),
                                  "features_cpu_s_python": round(cpu, 3),
                                  "features_bytes_per_video_s": round(held / args.seconds)}
    rng = np.random.default_rng(0)
    for name, spec in (("bars", OverlaySpec(visualizer="bars")), ("wave", OverlaySpec(visualizer="wave")),
                       ("progress", OverlaySpec(progress=True)), ("title", OverlaySpec(title="A Song — An Artist")),
                       ("all", OverlaySpec(visualizer="bars", progress=True, title="A Song — An Artist"))):
        ag = Audiogram(spec, (w, h), frames, (240, 120, 90), feats, ("A Song", "An Artist") if spec.has_title else None)
        y = rng.integers(16, 235, (h, w), dtype=np.uint8)
        u = rng.integers(16, 240, (h // 2, w // 2), dtype=np.uint8)
        v = u.copy()
        times = []
        for i in range(300):
            t = time.perf_counter()
            ag.draw(y, u, v, i * 7 % frames)
            times.append(time.perf_counter() - t)
        results[f"draw_ms_{name}"] = round(1000 * float(np.median(times)), 3)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
