"""What an AI render reports: clips and model steps done, never frame numbers it made up.

An AI render's ``render`` events count *work steps*: each clip's denoising steps plus one
for its decode (``extra["unit"] == "step"``). ``done`` counts only work that is finished and
kept: a clip retried after running out of memory starts its count again, and clips resumed
from checkpoints count as done. ``extra`` says where it is: ``clip``/``clips``, ``step``/
``steps`` while denoising, ``chunk``/``chunks`` while decoding, ``phase`` and ``tier``. Frames
are counted only where frames are made (the Ken Burns stage that may finish a render).
"""

from __future__ import annotations

import time
from typing import Any

from vidgen_desktop.core.progress import EtaEstimator, ProgressCallback, ProgressEvent
from vidgen_desktop.engine.ai.clips import RGB

#: Events at most this often, unless forced (a step, a clip, a phase change always goes out).
MIN_INTERVAL_S = 0.1


class AiProgress:
    """Counts clips and steps and emits :class:`ProgressEvent`s with an ETA."""

    def __init__(self, on_progress: ProgressCallback, t0: float) -> None:
        self._on_progress = on_progress
        self._t0 = t0
        self._last_emit = 0.0
        self.clips_total = 1
        #: Clips finished (generated or resumed) before the current one.
        self.clips_done = 0
        #: Work steps per clip on the current tier: denoising steps + 1 decode.
        self.per_clip = 1
        #: Work steps of the current clip that are done and kept.
        self.in_clip = 0
        self._eta: EtaEstimator | None = None
        self._eta_base = 0
        self._eta_total = 1
        self._first_estimate: float | None = None
        #: Steps finished on this tier, retries included (the ETA learns from the first one).
        self._work = 0

    @property
    def done(self) -> int:
        return self.clips_done * self.per_clip + self.in_clip

    @property
    def total(self) -> int:
        return max(1, self.clips_total * self.per_clip)

    def start_tier(self, clips_done: int, clips_left: int, steps_per_clip: int, estimate_s: float) -> None:
        """A tier starts (or takes over) after ``clips_done`` clips, with ``clips_left`` to make."""
        self.clips_done = clips_done
        self.clips_total = clips_done + clips_left
        self.per_clip = max(1, steps_per_clip + 1)
        self.in_clip = 0
        self._eta = None
        self._work = 0
        self._eta_total = max(1, clips_left * self.per_clip)
        self._first_estimate = estimate_s * clips_left

    def step_done(self) -> None:
        self.in_clip = min(self.per_clip, self.in_clip + 1)
        self._work += 1

    def retry_clip(self, keep_steps: bool) -> None:
        """An out-of-memory retry: the steps done so far are kept only when the latents are."""
        if not keep_steps:
            self.in_clip = 0
        else:
            self.in_clip = min(self.in_clip, self.per_clip - 1)

    def clip_done(self) -> None:
        self.clips_done += 1
        self.in_clip = 0

    def _eta_s(self) -> float | None:
        done = self.done
        if self._eta is None and self._work > 0:
            # Start learning at the first finished step: loading the model is not a step.
            self._eta = EtaEstimator(max(1, self.total - done))
            self._eta_base = done
        eta = self._eta.update(done - self._eta_base) if self._eta is not None else None
        if eta is None and self._first_estimate is not None:
            left = max(0, self.total - done) / max(1, self._eta_total)
            eta = self._first_estimate * min(1.0, left)
        return eta

    def emit(self, message: str, *, force: bool = False, preview: RGB | None = None, **extra: Any) -> None:
        now = time.monotonic()
        if not force and now - self._last_emit < MIN_INTERVAL_S:
            return
        self._last_emit = now
        self._on_progress(ProgressEvent(
            "render", min(self.done, self.total), self.total, now - self._t0, self._eta_s(), message,
            extra={"unit": "step", "clip": min(self.clips_done + 1, self.clips_total), "clips": self.clips_total,
                   **extra},
            preview=preview))
