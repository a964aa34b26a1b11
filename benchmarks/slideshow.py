"""Slideshow benchmark: N photos over one sound at 1080p30, against the encoder floor, and peak memory.

Run: ``OMP_NUM_THREADS=1 python benchmarks/slideshow.py [--seconds 60] [--pictures 4 12]``

* render   - ``vidgen_desktop.engine.render`` of a slideshow of ~4000x3000 photos (crossfades on the
             downbeats of a 120 BPM click track), in a fresh process.
* floor    - ffmpeg re-encoding that output with the same encoder settings: x264 alone.
* peak RSS - whole process tree (Python + ffmpeg). Memory should not grow with the number of
             pictures: at most two canvases are held (the one on screen and the next).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from kenburns import CPU, PeakRss, children_cpu, timed

from vidgen_desktop.core.jobs import Quality
from vidgen_desktop.engine.encoder import EncodeSettings, video_codec_args
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.sample import make_landscape


def photos(folder: Path, n: int) -> list[Path]:
    """``n`` different 4000x3000 JPEGs (the landscape, each turned a different hue)."""
    out = []
    base = None
    for k in range(n):
        path = folder / f"photo_{k}.jpg"
        if not path.exists():
            if base is None:
                base = make_landscape(4000, 3000)
            from PIL import Image

            arr = np.asarray(base, np.uint8)
            Image.fromarray(np.roll(arr, k % 3, axis=2)[:, ::(-1 if k % 2 else 1)]).save(path, quality=92)
        out.append(path)
    return out


def click_track(folder: Path, seconds: float, bpm: float = 120.0) -> Path:
    path = folder / f"clicks_{int(seconds)}.wav"
    if path.exists():
        return path
    rate = 22050
    sig = np.zeros(int(seconds * rate), np.float32)
    t = np.arange(int(0.03 * rate)) / rate
    for k in range(int(seconds * bpm / 60)):
        i = round(k * 60 / bpm * rate)
        click = (0.9 if k % 4 == 0 else 0.35) * np.sin(2 * np.pi * 1500 * t) * np.exp(-t / 0.006)
        sig[i:i + len(click)] += click[: len(sig) - i].astype(np.float32)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(sig, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def render_in_child(pictures: list[Path], audio: Path, out: Path) -> tuple[float, int]:
    code = (
        "from pathlib import Path; "
        "from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier; "
        "from vidgen_desktop.engine.render import render; "
        f"p = [Path(x) for x in {[str(p) for p in pictures]!r}]; "
        f"r = render(RenderJob(p[0], Path({str(audio)!r}), Path({str(out)!r}), tier=Tier.KENBURNS, "
        "resolution=Resolution.parse('1080p'), fps=30.0, more_images=tuple(p[1:]))); "
        "print(r.notes)"
    )
    t0, c0 = time.perf_counter(), children_cpu()
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "VIDGEN_HOME": str(out.parent)})
    with PeakRss(proc.pid) as rss:
        rc = proc.wait()
    CPU[out.stem] = children_cpu() - c0
    if rc != 0:
        raise SystemExit(f"render failed ({rc})")
    return time.perf_counter() - t0, rss.peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--pictures", type=int, nargs="+", default=[4, 12])
    ap.add_argument("--workdir", type=Path, default=ROOT / ".bench")
    args = ap.parse_args()
    args.workdir.mkdir(exist_ok=True)
    audio = click_track(args.workdir, args.seconds)
    pics = photos(args.workdir, max(args.pictures))
    enc = [*video_codec_args(EncodeSettings(1920, 1080, 30.0, Quality.STANDARD)), "-an"]
    results: dict[str, float] = {}
    for n in args.pictures:
        out = args.workdir / f"slideshow_{n}.mp4"
        wall, rss = render_in_child(pics[:n], audio, out)
        results[f"render_{n}_s"], results[f"render_{n}_cpu_s"] = wall, CPU[out.stem]
        results[f"peak_rss_{n}_mb"] = rss / (1 << 20)
    first = args.workdir / f"slideshow_{args.pictures[0]}.mp4"
    results["floor_s"] = timed("floor", [ffmpeg_exe(), "-v", "error", "-y", "-i", str(first), *enc,
                                         str(args.workdir / "slideshow_floor.mp4")])
    results["floor_cpu_s"] = CPU["floor"]
    n0 = args.pictures[0]
    results[f"render_{n0}_vs_floor_cpu"] = results[f"render_{n0}_cpu_s"] / CPU["floor"]
    if len(args.pictures) > 1:
        n1 = args.pictures[-1]
        results["rss_growth_pct"] = 100.0 * (results[f"peak_rss_{n1}_mb"] / results[f"peak_rss_{n0}_mb"] - 1.0)
    print(json.dumps({k: round(v, 2) for k, v in results.items()}, indent=2))


if __name__ == "__main__":
    main()
