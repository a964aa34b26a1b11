"""Structured progress events: workers emit them, the CLI and the window format them."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class ProgressEvent:
    """One progress report. ``done``/``total`` count frames in the render stage, or, for an AI tier
    (``extra["unit"] == "step"``), work steps: denoising steps plus one decode per clip."""

    stage: str
    done: int = 0
    total: int = 0
    elapsed_s: float = 0.0
    eta_s: float | None = None
    message: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: A small RGB uint8 array (H, W, 3) of the latest frame, at most ~2 per second; never in JSON.
    preview: Any = field(default=None, repr=False, compare=False)

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0

    def to_json_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "preview"}
        d["percent"] = round(self.fraction * 100.0, 1)
        return d


ProgressCallback = Callable[[ProgressEvent], None]


def ignore_progress(_event: ProgressEvent) -> None:
    """Default callback."""


class EtaEstimator:
    """ETA from the recent rate, smoothed so the number does not jump around.

    The rate is an exponential moving average of units/second, which learns from
    the work already done and follows slow-downs (e.g. a heavier scene) quickly.
    """

    def __init__(self, total: int, *, smoothing: float = 0.3, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self._clock = clock
        self._start = clock()
        self._last_t = self._start
        self._last_done = 0
        self._rate: float | None = None
        self._alpha = smoothing

    @property
    def elapsed(self) -> float:
        return self._clock() - self._start

    def update(self, done: int) -> float | None:
        """Record progress; returns seconds left, or None until a rate is known."""
        now = self._clock()
        dt = now - self._last_t
        dn = done - self._last_done
        if dt > 0 and dn > 0:
            inst = dn / dt
            self._rate = inst if self._rate is None else self._alpha * inst + (1 - self._alpha) * self._rate
            self._last_t, self._last_done = now, done
        if not self._rate:
            return None
        return max(0.0, (self.total - done) / self._rate)
