"""Ken Burns camera paths: a float window over the canvas for every frame.

The window is never rounded to whole pixels (that rounding is ffmpeg zoompan's
"earthquake" jitter). Zoom is interpolated in log space so it feels uniform, and
every segment eases in and out, so direction changes have zero velocity.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.jobs import Motion

Floats = npt.NDArray[np.float64]

#: How far a zoom goes (window shrinks to 1/ZOOM of the full view).
ZOOM = 1.15
#: A pan on a picture that is no wider than the frame zooms in this much to have room to move.
PAN_ZOOM = 1.12
#: One zoom or pan segment lasts at most this long; longer audio goes back and forth.
SEGMENT_S = 30.0


@dataclass(frozen=True)
class Window:
    """The part of the canvas shown in a frame: top-left (x, y), size (w, h), in canvas pixels."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class CameraTrack:
    """The camera window of every frame as arrays (canvas pixels), computed once before the first frame.

    ``pulse`` marks frames inside a beat pulse (where the path is meant to move fast); ``peaks``
    are the frames where pulses peak and ``joins`` the frames where one move hands over to the next.
    """

    x: Floats
    y: Floats
    w: Floats
    h: Floats
    pulse: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, np.bool_))
    peaks: tuple[int, ...] = ()
    joins: tuple[int, ...] = ()

    def __len__(self) -> int:
        return len(self.x)

    def window(self, i: int) -> Window:
        return Window(float(self.x[i]), float(self.y[i]), float(self.w[i]), float(self.h[i]))

    def pulse_mask(self) -> npt.NDArray[np.bool_]:
        return self.pulse if len(self.pulse) == len(self.x) else np.zeros(len(self.x), np.bool_)


def jitter_px(track: CameraTrack, out_w: int, mask: npt.NDArray[np.bool_] | None = None) -> float:
    """RMS second difference of the path in output pixels: of the window's four edges, frame to frame.

    Frames where ``mask`` is true (and their neighbours) are left out: by default the pulses.
    """
    if len(track) < 3:
        return 0.0
    scale = track.w / out_w  # canvas pixels per output pixel
    edges = np.stack([track.x, track.y, track.x + track.w, track.y + track.h]) / scale
    d2 = edges[:, 2:] - 2.0 * edges[:, 1:-1] + edges[:, :-2]
    skip = track.pulse_mask() if mask is None else mask
    keep = ~(skip[2:] | skip[1:-1] | skip[:-2])
    if not keep.any():
        return 0.0
    return float(np.sqrt(np.mean(d2[:, keep] ** 2)))


def ease(t: float) -> float:
    """Cosine ease-in-out on [0, 1]: zero speed at both ends."""
    t = min(1.0, max(0.0, t))
    return 0.5 - 0.5 * math.cos(math.pi * t)


def resolve_motion(motion: Motion, canvas: tuple[int, int], out_aspect: float, seed: int | None) -> Motion:
    """``AUTO``: pan along a canvas much longer than the frame, otherwise a gentle zoom."""
    if motion is not Motion.AUTO:
        return motion
    cw, ch = canvas
    ratio = (cw / ch) / out_aspect
    if ratio > 1.25:
        return Motion.PAN_RIGHT
    if ratio < 1 / 1.25:
        return Motion.PAN_DOWN
    if seed is None:
        return Motion.ZOOM_IN
    return random.Random(seed).choice([Motion.ZOOM_IN, Motion.ZOOM_OUT, Motion.PAN_RIGHT, Motion.PAN_LEFT])


class CameraPath:
    """Maps a frame index to a :class:`Window`; pure and cheap, called once per frame."""

    def __init__(self, motion: Motion, canvas: tuple[int, int], out_size: tuple[int, int], frames: int,
                 fps: float) -> None:
        if motion is Motion.AUTO:
            raise ValueError("resolve AUTO first")
        self.motion = motion
        self.cw, self.ch = float(canvas[0]), float(canvas[1])
        ow, oh = out_size
        aspect = ow / oh
        # Largest window of the output's shape that fits in the canvas.
        if self.cw / self.ch > aspect:
            self.full_w, self.full_h = self.ch * aspect, self.ch
        else:
            self.full_w, self.full_h = self.cw, self.cw / aspect
        self.frames = max(1, frames)
        total_s = self.frames / fps
        self.segments = max(1, math.ceil(total_s / SEGMENT_S - 1e-9))

    def _phase(self, i: int) -> float:
        """0→1→0→1... over the segments, eased within each, so long renders go back and forth."""
        if self.frames <= 1:
            return 0.0
        pos = i / (self.frames - 1) * self.segments
        seg = min(int(pos), self.segments - 1)
        t = ease(pos - seg)
        return t if seg % 2 == 0 else 1.0 - t

    def track(self) -> CameraTrack:
        """Every frame's window as arrays (the same windows as :meth:`window`)."""
        n = self.frames
        if n <= 1:
            p = np.zeros(n)
        else:
            pos = np.arange(n) / (n - 1) * self.segments
            seg = np.minimum(pos.astype(np.int64), self.segments - 1)
            t = 0.5 - 0.5 * np.cos(np.pi * np.clip(pos - seg, 0.0, 1.0))
            p = np.where(seg % 2 == 0, t, 1.0 - t)
        if self.motion in (Motion.ZOOM_IN, Motion.ZOOM_OUT):  # log-space zoom about the centre
            q = p if self.motion is Motion.ZOOM_IN else 1.0 - p
            z = np.exp(q * math.log(ZOOM))
            w, h = self.full_w / z, self.full_h / z
            return CameraTrack((self.cw - w) / 2.0, (self.ch - h) / 2.0, w, h)
        a, b = self._window_at(0.0), self._window_at(1.0)  # a pan is linear in the phase
        return CameraTrack(a.x + (b.x - a.x) * p, a.y + (b.y - a.y) * p, np.full(n, a.w), np.full(n, a.h))

    def window(self, i: int) -> Window:
        return self._window_at(self._phase(i))

    def _window_at(self, p: float) -> Window:
        m = self.motion
        if m in (Motion.ZOOM_IN, Motion.ZOOM_OUT):
            if m is Motion.ZOOM_OUT:
                p = 1.0 - p
            z = math.exp(p * math.log(ZOOM))
            w, h = self.full_w / z, self.full_h / z
            return Window((self.cw - w) / 2.0, (self.ch - h) / 2.0, w, h)
        horizontal = m in (Motion.PAN_LEFT, Motion.PAN_RIGHT)
        room = (self.cw - self.full_w) if horizontal else (self.ch - self.full_h)
        z = 1.0 if room > 0.08 * (self.full_w if horizontal else self.full_h) else PAN_ZOOM
        w, h = self.full_w / z, self.full_h / z
        if m in (Motion.PAN_LEFT, Motion.PAN_UP):
            p = 1.0 - p
        if horizontal:
            return Window(p * (self.cw - w), (self.ch - h) / 2.0, w, h)
        return Window((self.cw - w) / 2.0, p * (self.ch - h), w, h)
