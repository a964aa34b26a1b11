"""Several pictures, one sound: a Ken Burns slideshow whose changes land on the downbeats.

The plan (which picture owns which frames) is the pure :func:`vidgen_desktop.core.slideshow.plan_slideshow`
over the audio analysis. Frames stream: at most two canvases are held (the picture on screen and the
next one, read ahead on a worker thread or crossfading in), so memory stays flat for any number of
pictures and any length of audio. Each picture gets its own camera move (:func:`slide_motion`).

AI tiers animate one picture; a slideshow is always made with Ken Burns (see ``render.plan_render``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.core.jobs import Motion, RenderJob
from vidgen_desktop.core.progress import EtaEstimator
from vidgen_desktop.core.slideshow import SlidePlan, plan_slideshow
from vidgen_desktop.engine.canvas import YuvCanvas, fit_canvas, rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.image_io import open_image
from vidgen_desktop.engine.kenburns import Frame, render_frames
from vidgen_desktop.engine.motion import ZOOM, resolve_motion
from vidgen_desktop.engine.motion_sync import plan_camera

#: What a slideshow renders with when AI tiers were asked for or chosen (they animate one picture).
AI_NOTE = "a slideshow of several pictures is made with Ken Burns pan & zoom (AI tiers animate a single picture)"
#: Progress at most this often; a preview frame at most this often.
PROGRESS_INTERVAL_S = 0.1
PREVIEW_INTERVAL_S = 0.5

_OPPOSITE = {Motion.ZOOM_IN: Motion.ZOOM_OUT, Motion.ZOOM_OUT: Motion.ZOOM_IN, Motion.PAN_LEFT: Motion.PAN_RIGHT,
             Motion.PAN_RIGHT: Motion.PAN_LEFT, Motion.PAN_UP: Motion.PAN_DOWN, Motion.PAN_DOWN: Motion.PAN_UP}

Writer = Callable[[Any, Any, Any], None]
Emit = Callable[..., None]


def audio_analysis(path: Path, duration_s: float, cancel: CancelToken | None = None) -> tuple[AudioAnalysis, str]:
    """The analyser's findings for ``path``, and a note when there are none to follow."""
    try:
        from vidgen_desktop.engine.audio import analyze_audio

        result = analyze_audio(path, cancel=cancel)
    except ImportError as exc:  # a slim install without the analyser's packages: still a slideshow
        return AudioAnalysis(duration_s=duration_s, kind="music"), f"the audio could not be analysed ({exc})"
    return result, ""


def slide_motion(requested: Motion, canvas: tuple[int, int], out_aspect: float, seed: int,
                 previous: Motion | None) -> Motion:
    """The move for one picture: the one asked for, or an automatic one that differs from the last."""
    motion = resolve_motion(requested, canvas, out_aspect, seed)
    if requested is Motion.AUTO and motion is previous:
        motion = _OPPOSITE[motion]
    return motion


@dataclass
class _Shown:
    """One picture on screen: its canvas, its camera, and its frames (one at a time)."""

    motion: Motion
    frames: Iterator[Frame]


class SlideshowFrames:
    """Frames ``0..frames-1`` of a slideshow, following ``plan``; holds at most two canvases."""

    def __init__(self, job: RenderJob, plan: SlidePlan, out_size: tuple[int, int], fps: float, frames: int,
                 analysis: AudioAnalysis | None = None) -> None:
        self.job, self.plan, self.out_size, self.fps, self.frames = job, plan, out_size, fps, frames
        #: What the sound does (``None``: not analysed); each picture's camera pulses on its beats.
        self.analysis = analysis
        self.motions: list[Motion] = []
        #: The most canvases held at once (a test checks it stays at two).
        self.peak_held = 0
        self._base_seed = job.seed if job.seed is not None else 0

    def _prepare(self, k: int) -> _Shown:
        """Read picture ``k``, build its canvas and camera (runs on the read-ahead thread)."""
        ow, oh = self.out_size
        path = self.job.images[self.plan.slides[k].picture]
        picture = open_image(path, want=(math.ceil(ow * ZOOM), math.ceil(oh * ZOOM)))
        canvas: YuvCanvas = rgb_to_yuv420(fit_canvas(picture, self.out_size, self.job.fit, ZOOM))
        del picture
        previous = self.motions[-1] if self.motions else None
        motion = slide_motion(self.job.motion, canvas.size, ow / oh, self._base_seed * 7919 + k, previous)
        self.motions.append(motion)
        first = self.plan.slides[k].shown_from
        span = self.plan.shown_until(k) - first
        # Its own move (different from the last picture's), with the pulses of the beats while it shows.
        camera = plan_camera(self.analysis, motion, canvas.size, self.out_size, span, self.fps, sync=self.job.sync,
                             energy=self.job.energy, seed=self._base_seed + k, start_s=first / self.fps)
        return _Shown(motion, render_frames(canvas, camera.track, self.out_size, span, self.job.quality))

    def __iter__(self) -> Iterator[Frame]:
        import cv2

        slides, plan = self.plan.slides, self.plan
        shown: dict[int, _Shown] = {}
        ahead: tuple[int, Future[_Shown]] | None = None
        current = 0
        with ThreadPoolExecutor(1, thread_name_prefix="slideshow-read") as pool:
            try:
                for f in range(self.frames):
                    while current + 1 < len(slides) and f >= slides[current + 1].start:
                        current += 1
                    for k in [k for k in shown if f >= plan.shown_until(k)]:
                        del shown[k]  # its last frame is out: let the canvas go
                    visible = [k for k in (current - 1, current, current + 1)
                               if 0 <= k < len(slides) and slides[k].shown_from <= f < plan.shown_until(k)]
                    for k in visible:
                        if k not in shown:
                            if ahead is not None and ahead[0] == k:
                                shown[k], ahead = ahead[1].result(), None
                            else:
                                shown[k] = self._prepare(k)
                    nxt = max(visible) + 1
                    if len(shown) == 1 and ahead is None and nxt < len(slides):
                        ahead = (nxt, pool.submit(self._prepare, nxt))  # read ahead while one picture shows
                    self.peak_held = max(self.peak_held, len(shown) + (ahead is not None))
                    parts = [next(shown[k].frames) for k in visible]
                    if len(parts) == 1:
                        yield parts[0]
                        continue
                    w = slides[visible[1]].weight(f)
                    old, new = parts
                    y, u, v = (np.asarray(cv2.addWeighted(a, 1.0 - w, b, w, 0.0), np.uint8)
                               for a, b in ((old.y, new.y), (old.u, new.u), (old.v, new.v)))
                    yield Frame(y, u, v)
            finally:
                if ahead is not None:
                    ahead[1].cancel()


def render_slideshow(job: RenderJob, audio_duration_s: float, out_size: tuple[int, int], fps: float, frames: int,
                     write: Writer, cancel: CancelToken, emit: Emit) -> tuple[str, list[str]]:
    """Stream the slideshow into ``write``; returns the moves used and notes for the result."""
    n = len(job.images)
    if n > frames:
        raise InputError(None, f"{n} pictures need a video of at least {n} frames; this audio gives {frames}",
                         hint="use fewer pictures, a longer sound or a higher frame rate")
    emit("prepare", message="listening for the beat")
    analysis, missing = audio_analysis(job.audio, audio_duration_s, cancel)
    cancel.raise_if_cancelled()
    plan = plan_slideshow(n, analysis, fps, job.transition, frames)
    notes = [f"slideshow of {n} pictures: {missing}, so they share the time evenly" if missing else plan.note]
    source = SlideshowFrames(job, plan, out_size, fps, frames, None if missing else analysis)
    eta = EtaEstimator(frames)
    last_emit = last_preview = 0.0
    for i, frame in enumerate(source):
        write(frame.y.data, frame.u.data, frame.v.data)
        now = time.monotonic()
        if now - last_emit >= PROGRESS_INTERVAL_S or i == frames - 1:
            cancel.raise_if_cancelled()
            last_emit = now
            preview = None
            if now - last_preview >= PREVIEW_INTERVAL_S:
                last_preview = now
                preview = yuv420_to_rgb(frame.y, frame.u, frame.v)
            emit("render", i + 1, frames, eta.update(i + 1), preview=preview)
    return ",".join(m.value for m in source.motions), notes
