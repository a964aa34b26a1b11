"""Audio-length video from short clips: the clip schedule, seam blending and retiming.

A model makes a few seconds per clip (SVD-XT: 25 frames at 6 fps, 4 s). The schedule
lays clips end to end until the audio is covered. Clip *k+1* starts from a frame of
clip *k* (``last-frame``: the frame ``overlap`` frames before its end, so the two clips
share a short stretch of time) or from the user's picture again (``source``); over the
shared stretch the two clips are cross-faded, so seams do not jump.

:class:`Timeline` turns clips into output frames at the output fps: each output frame
is sampled at its time, between the two nearest generated frames (optical-flow
interpolation, or a plain blend for draft quality). Clips are pushed one at a time
and frames come out as soon as they no longer depend on a later clip: at most two
clips are held in memory, whatever the length of the video.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai.options import ChainFrom

RGB = npt.NDArray[np.uint8]
Frames = npt.NDArray[np.uint8]  # (n, h, w, 3)
Interp = Literal["flow", "blend", "nearest"]
_EPS = 1e-9


@dataclass(frozen=True)
class ClipSpec:
    """One clip on the video's timeline (seconds from the start of the audio)."""

    index: int
    tier: Tier
    frames: int
    fps: float
    start_s: float
    #: Frames at the end of this clip that the next clip overlaps.
    overlap: int
    #: ``"source"`` (the user's picture) or ``"previous"`` (a frame of the previous clip).
    start_from: str

    @property
    def duration_s(self) -> float:
        return (self.frames - 1) / self.fps

    @property
    def end_s(self) -> float:
        return self.start_s + self.duration_s

    @property
    def next_start_s(self) -> float:
        return self.end_s - self.overlap / self.fps

    @property
    def handoff_index(self) -> int:
        """The frame the next clip starts from (in ``last-frame`` mode)."""
        return self.frames - 1 - self.overlap

    def covers_end(self, last_time_s: float) -> bool:
        return self.end_s >= last_time_s - 1e-6

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "tier": self.tier.value, "frames": self.frames, "fps": self.fps,
                "start_s": self.start_s, "overlap": self.overlap, "start_from": self.start_from}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ClipSpec:
        return cls(int(d["index"]), Tier(str(d["tier"])), int(d["frames"]), float(d["fps"]), float(d["start_s"]),
                   int(d["overlap"]), str(d["start_from"]))


def seam_overlap(frames: int, chain_from: ChainFrom) -> int:
    """Frames shared by consecutive clips: a short blend when continuing from the previous
    clip (which starts from the very frame it continues), a longer cross-fade when each
    clip starts from the picture again (a bigger jump to hide)."""
    if frames < 4:
        return 0
    if chain_from is ChainFrom.LAST_FRAME:
        return min(2, frames // 4)
    return max(2, min(frames // 4, frames // 2 - 1))


def next_clip(prev: ClipSpec | None, tier: Tier, frames: int, fps: float, chain_from: ChainFrom) -> ClipSpec:
    """The clip after ``prev`` (the first clip when ``prev`` is None)."""
    overlap = seam_overlap(frames, chain_from)
    if prev is None:
        return ClipSpec(0, tier, frames, fps, 0.0, overlap, "source")
    start_from = "source" if chain_from is ChainFrom.SOURCE else "previous"
    return ClipSpec(prev.index + 1, tier, frames, fps, prev.next_start_s, overlap, start_from)


def schedule(last_time_s: float, tier: Tier, frames: int, fps: float, chain_from: ChainFrom,
             after: ClipSpec | None = None) -> list[ClipSpec]:
    """Clips covering ``[0, last_time_s]`` (the time of the last output frame), continuing after ``after``."""
    clips: list[ClipSpec] = []
    prev = after
    if prev is not None and prev.covers_end(last_time_s):
        return clips
    while True:
        c = next_clip(prev, tier, frames, fps, chain_from)
        clips.append(c)
        if c.covers_end(last_time_s) or len(clips) > 1_000_000:
            return clips
        prev = c


def clip_count(last_time_s: float, frames: int, fps: float, chain_from: ChainFrom) -> int:
    """How many clips of this shape cover the audio (closed form of :func:`schedule`)."""
    duration = (frames - 1) / fps
    if last_time_s <= duration + 1e-6:
        return 1
    advance = duration - seam_overlap(frames, chain_from) / fps
    return 1 + math.ceil((last_time_s - duration - 1e-6) / advance)


# ----------------------------------------------------------------------------- images

def resize_rgb(frame: RGB, size: tuple[int, int]) -> RGB:
    import cv2

    w, h = size
    if frame.shape[1] == w and frame.shape[0] == h:
        return frame
    interp = cv2.INTER_AREA if w * h < frame.shape[0] * frame.shape[1] else cv2.INTER_CUBIC
    return np.asarray(cv2.resize(frame, (w, h), interpolation=interp), dtype=np.uint8)


def cover_crop(frame: RGB, size: tuple[int, int]) -> RGB:
    """Scale to cover ``size`` and cut the overflow evenly (the shapes differ by a few pixels)."""
    w, h = size
    fh, fw = frame.shape[:2]
    s = max(w / fw, h / fh)
    cw, ch = max(w, round(fw * s)), max(h, round(fh * s))
    scaled = resize_rgb(frame, (cw, ch))
    x0, y0 = (cw - w) // 2, (ch - h) // 2
    return np.ascontiguousarray(scaled[y0:y0 + h, x0:x0 + w])


class _PairFlow:
    """Optical flow between two neighbouring frames, computed once per pair."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._flows: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = None
        self._grid: tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]] | None = None

    def interpolate(self, key: tuple[int, int], a: RGB, b: RGB, f: float) -> RGB:
        import cv2

        h, w = a.shape[:2]
        if self._key != key or self._flows is None:
            dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_FAST)  # type: ignore[attr-defined]
            ga = cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
            gb = cv2.cvtColor(b, cv2.COLOR_RGB2GRAY)
            self._flows = (dis.calc(ga, gb, None), dis.calc(gb, ga, None))
            self._key = key
        if self._grid is None or self._grid[0].shape != (h, w):
            gx, gy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
            self._grid = (gx, gy)
        fab, fba = self._flows
        gx, gy = self._grid
        # Backward warps: the frame at time f sees a's pixel from -f * (a->b) and b's from -(1-f) * (b->a).
        wa = cv2.remap(a, gx - f * fab[..., 0], gy - f * fab[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        wb = cv2.remap(b, gx - (1 - f) * fba[..., 0], gy - (1 - f) * fba[..., 1], cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_REPLICATE)
        return np.asarray(cv2.addWeighted(wa, 1.0 - f, wb, f, 0.0), dtype=np.uint8)


def _smoothstep(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3.0 - 2.0 * x)


@dataclass
class _Held:
    spec: ClipSpec
    frames: Frames


class Timeline:
    """Clips in, output frames out, in order, with at most two clips held.

    ``push(spec, frames)`` returns the output frames (index, RGB at the timeline's size)
    that are final once this clip is known; ``flush()`` returns the rest up to the end of
    the last pushed clip (or up to ``total`` when that clip covers the end).
    """

    def __init__(self, total: int, fps: float, interp: Interp = "flow") -> None:
        self.total = total
        self.fps = fps
        self.interp: Interp = interp
        self.size: tuple[int, int] | None = None
        self.emitted = 0
        self._held: list[_Held] = []
        self._flow = _PairFlow()

    @property
    def last_time_s(self) -> float:
        return (self.total - 1) / self.fps

    @property
    def held_clips(self) -> int:
        return len(self._held)

    def push(self, spec: ClipSpec, frames: Frames) -> Iterator[tuple[int, RGB]]:
        if self.size is None:
            self.size = (int(frames.shape[2]), int(frames.shape[1]))
        elif (frames.shape[2], frames.shape[1]) != self.size:
            frames = np.stack([resize_rgb(f, self.size) for f in frames])
        self._held.append(_Held(spec, frames))
        limit = math.inf if spec.covers_end(self.last_time_s) else spec.next_start_s
        yield from self._emit(limit)

    def flush(self) -> Iterator[tuple[int, RGB]]:
        """Everything the held clips can still give (the tail of the last clip)."""
        if not self._held:
            return
        last = self._held[-1].spec
        limit = math.inf if last.covers_end(self.last_time_s) else last.end_s + 1e-6
        yield from self._emit(limit, inclusive=True)

    def _emit(self, limit: float, inclusive: bool = False) -> Iterator[tuple[int, RGB]]:
        while self.emitted < self.total:
            t = self.emitted / self.fps
            if t > limit or (not inclusive and t >= limit - _EPS):
                break
            yield self.emitted, self._frame_at(t)
            self.emitted += 1
            self._drop_before(self.emitted / self.fps)

    def _drop_before(self, t: float) -> None:
        while len(self._held) > 1 and self._held[0].spec.end_s < t - _EPS:
            self._held.pop(0)

    def _frame_at(self, t: float) -> RGB:
        cur = self._held[-1]
        for i in range(len(self._held) - 1, -1, -1):
            if self._held[i].spec.start_s <= t + _EPS:
                cur = self._held[i]
                break
        idx = self._held.index(cur)
        value = self._sample(cur, t)
        if idx > 0:
            prev = self._held[idx - 1]
            span = prev.spec.end_s - cur.spec.start_s
            if span > _EPS and t <= prev.spec.end_s + _EPS:
                w = _smoothstep((t - cur.spec.start_s) / span)
                import cv2

                value = np.asarray(cv2.addWeighted(self._sample(prev, t), 1.0 - w, value, w, 0.0), dtype=np.uint8)
        return value

    def _sample(self, held: _Held, t: float) -> RGB:
        spec, frames = held.spec, held.frames
        p = min(max((t - spec.start_s) * spec.fps, 0.0), float(spec.frames - 1))
        i = math.floor(p + 1e-6)
        f = p - i
        j = -1
        if f < 1e-3 or i >= spec.frames - 1:
            j = min(i, spec.frames - 1)
        elif f > 1 - 1e-3:
            j = i + 1
        elif self.interp == "nearest":
            j = i if f < 0.5 else i + 1
        if j >= 0:
            out: RGB = frames[j]
            return out
        if self.interp == "blend":
            import cv2

            return np.asarray(cv2.addWeighted(frames[i], 1.0 - f, frames[i + 1], f, 0.0), dtype=np.uint8)
        return self._flow.interpolate((spec.index, i), frames[i], frames[i + 1], f)
