"""Burned-caption cost per frame at 1080p: classic, karaoke and word styles, 16:9 and 9:16.

Run: ``OMP_NUM_THREADS=1 python benchmarks/captions.py [--seconds 60]``

A transcript-like stream of cues (2.5 words a second, a cue every ~3 s, word times) is
burned into ``seconds`` of YUV frames at 30 fps, as :class:`CaptionedWriter` does in a
render, without the encoder: the figure is what captions add to each frame. Each
(cue, highlighted word) is drawn once; the other frames only blend the cached sprite.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.engine.captions import Cue, Word
from vidgen_desktop.engine.captions.overlay import CaptionOverlay
from vidgen_desktop.engine.captions.style import style_for

WORDS = "the quick brown fox jumps over the lazy dog while we make videos from pictures and sound".split()


def cues(seconds: float) -> list[Cue]:
    out, t, i = [], 0.0, 0
    while t < seconds - 3:
        words = []
        for k in range(7):
            w = WORDS[(i + k) % len(WORDS)]
            words.append(Word(t + k * 0.4, t + k * 0.4 + 0.35, w))
        out.append(Cue(t, t + 2.9, " ".join(w.text for w in words), tuple(words)))
        t += 3.0
        i += 7
    return out


def run(size: tuple[int, int], style: str, seconds: float, fps: float = 30.0) -> dict[str, float]:
    w, h = size
    t0 = time.perf_counter()
    overlay = CaptionOverlay(cues(seconds), size, style_for(CaptionLook(style=style)))
    setup = time.perf_counter() - t0
    y = np.full((h, w), 100, np.uint8)
    u = np.full((h // 2, w // 2), 128, np.uint8)
    v = u.copy()
    n = int(seconds * fps)
    draws = 0
    t0 = time.perf_counter()
    last = None
    for i in range(n):
        sp = overlay.sprite_at(i / fps)
        if sp is not None and sp is not last:
            draws += 1
            last = sp
        overlay.apply_yuv(y, u, v, i / fps)
    total = time.perf_counter() - t0
    return {"ms_per_frame": round(1000 * total / n, 3), "sprites_drawn": draws, "frames": n,
            "setup_s": round(setup, 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60.0)
    args = ap.parse_args()
    results = {}
    for name, size in (("16:9", (1920, 1080)), ("9:16", (1080, 1920))):
        for style in ("classic", "karaoke", "word"):
            results[f"{name} {style}"] = run(size, style, args.seconds)
            print(f"{name:5} {style:8} {results[f'{name} {style}']}", flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
