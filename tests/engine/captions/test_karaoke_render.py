"""A burned karaoke render, checked in its decoded frames: the highlight moves with the word times."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image

from tests.media_factory import tone
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.jobs import RenderJob, Resolution
from vidgen_desktop.engine.captions import Cue, Word
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.render import render

W, H, FPS = 320, 180, 25.0
GREEN = (0, 230, 0)
#: Word starts off the frame grid (frame times are multiples of 0.04 s).
WORDS = (Word(0.23, 0.9, "one"), Word(1.01, 1.6, "two"), Word(1.87, 2.5, "three"))


def decode_rgb(video: Path) -> npt.NDArray[np.uint8]:
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(video), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         stdout=subprocess.PIPE, check=True).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, H, W, 3)


def green_x(frame: npt.NDArray[np.uint8]) -> float | None:
    """Mean column of the highlight-coloured pixels, None when there are (almost) none."""
    f = frame.astype(int)
    mask = (f[..., 1] > 150) & (f[..., 0] < 110) & (f[..., 2] < 110)
    cols = np.nonzero(mask)[1]
    return float(cols.mean()) if cols.size > 15 else None


def test_karaoke_highlight_follows_the_word_times_within_one_frame(tmp_path: Path,
                                                                     kenburns_decision: TierDecision) -> None:
    grey = tmp_path / "grey.png"
    Image.new("RGB", (320, 180), (90, 90, 90)).save(grey)
    job = RenderJob(image=grey, audio=tone(tmp_path / "a.wav", 3.0), output=tmp_path / "k.mp4",
                    resolution=Resolution.parse(f"{W}x{H}"), fps=FPS)
    cue = Cue(0.0, 3.0, "one two three", WORDS)
    render(job, decision=kenburns_decision, burn_captions=[cue],
           caption_look=CaptionLook(style="karaoke", highlight=GREEN, colour=(255, 255, 255)))
    frames = decode_rgb(job.output)
    assert len(frames) == 75
    xs = [green_x(f) for f in frames]
    # Nothing lit before the first word is said.
    first = round(WORDS[0].start * FPS + 0.5)  # the first frame at or after the start
    assert all(x is None for x in xs[:first - 1])
    # While each word is said, the highlight sits in one place; the places go left to right.
    places = []
    for k, w in enumerate(WORDS):
        lo = int(np.ceil(w.start * FPS))
        hi = int(np.ceil(WORDS[k + 1].start * FPS)) if k + 1 < len(WORDS) else len(frames)
        inside = [xs[i] for i in range(lo + 1, hi - 1)]
        assert all(x is not None for x in inside), f"word {w.text!r} not lit in every frame"
        assert np.ptp(np.array(inside, float)) < 3
        places.append(float(np.median(np.array(inside, float))))
    assert places[0] + 15 < places[1] < places[2] - 15
    # The highlight reaches each word within one frame of its start time.
    for k, w in enumerate(WORDS):
        moved = next(i for i, x in enumerate(xs) if x is not None and abs(x - places[k]) < 5)
        assert abs(moved - w.start * FPS) <= 1.0, (w.text, moved, w.start * FPS)
    # And the white words stay on screen throughout (the line itself is drawn in every frame).
    white = (frames[..., 0] > 200) & (frames[..., 1] > 200) & (frames[..., 2] > 200)
    assert white.reshape(len(frames), -1).sum(axis=1).min() > 50
