"""A stand-in for the engine's ``render``: real threads and timing, no ffmpeg, fully controllable."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import RenderError
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent


@dataclass
class FakeResult:
    output: Path
    tier: Tier = Tier.KENBURNS
    width: int = 64
    height: int = 36
    fps: float = 10.0
    frames: int = 0
    duration_s: float = 1.0
    elapsed_s: float = 0.1
    notes: list[str] = field(default_factory=list)


@dataclass
class FakeRender:
    """Emits ``frames`` progress events ``delay`` apart (each with a preview); honours cancel."""

    frames: int = 20
    delay: float = 0.01
    fail_with: BaseException | None = None
    threads: list[str] = field(default_factory=list)
    calls: int = 0
    started: threading.Event = field(default_factory=threading.Event)

    def __call__(self, job: RenderJob, *, on_progress: ProgressCallback, cancel: CancelToken,
                 decision: Any = None, ai: Any = None, burn_captions: Sequence[Any] = ()) -> FakeResult:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        self.started.set()
        on_progress(ProgressEvent("probe", message="reading"))
        for i in range(self.frames):
            cancel.raise_if_cancelled()
            if self.fail_with is not None and i == self.frames // 2:
                raise self.fail_with
            time.sleep(self.delay)
            on_progress(ProgressEvent("render", i + 1, self.frames, 0.01 * i, 1.0,
                                      preview=np.full((9, 16, 3), i * 10 % 255, np.uint8)))
        on_progress(ProgressEvent("done", self.frames, self.frames))
        return FakeResult(job.output, frames=self.frames)


def failing(exc: BaseException | None = None) -> FakeRender:
    return FakeRender(frames=10, fail_with=exc or RenderError("ffmpeg stopped", hint="try again"))
