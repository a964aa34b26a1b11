"""Download progress as plain events: the CLI prints them, the window's bridge re-emits them.

Speed is measured over a short sliding window of bytes actually received this session
(bytes resumed from disk or linked from the HF cache count as done but not as speed),
so the ETA stays honest after a resume.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class DownloadProgress:
    model_id: str
    file: str
    file_done: int
    file_total: int
    done: int
    total: int
    speed_bps: float
    eta_s: float | None
    phase: str = "download"
    files_done: int = 0
    files_total: int = 0

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total > 0 else 0.0

    def to_json_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["percent"] = round(self.fraction * 100.0, 1)
        return d


DownloadProgressCallback = Callable[[DownloadProgress], None]


def ignore_download_progress(_p: DownloadProgress) -> None:
    """Default callback."""


class ProgressMeter:
    """Counts bytes for one model download and emits throttled :class:`DownloadProgress` events."""

    def __init__(self, model_id: str, total: int, files_total: int, callback: DownloadProgressCallback, *,
                 min_interval: float = 0.1, window_s: float = 3.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.model_id = model_id
        self.total = total
        self.files_total = files_total
        self.done = 0
        self.files_done = 0
        self.network_bytes = 0
        self._cb = callback
        self._min_interval = min_interval
        self._window_s = window_s
        self._clock = clock
        self._samples: deque[tuple[float, int]] = deque([(clock(), 0)])
        self._last_emit = float("-inf")
        self._file = ""
        self._file_done = 0
        self._file_total = 0
        self._phase = "download"

    def start_file(self, path: str, size: int, phase: str = "download") -> None:
        self._file, self._file_done, self._file_total, self._phase = path, 0, size, phase
        self._emit(force=True)

    def set_phase(self, phase: str) -> None:
        self._phase = phase
        self._emit(force=True)

    def add(self, n: int, *, network: bool) -> None:
        """``n`` more bytes of the current file are done (``network``: received now, counts for speed)."""
        self.done += n
        self._file_done += n
        if network:
            self.network_bytes += n
            self._samples.append((self._clock(), self.network_bytes))
        self._emit()

    def rewind_file(self, n: int) -> None:
        """Forget ``n`` bytes of the current file (a server ignored ``Range``, or a part was discarded)."""
        self.done -= n
        self._file_done -= n
        self._emit(force=True)

    def end_file(self) -> None:
        self.files_done += 1
        self._emit(force=True)

    def finish(self) -> None:
        self._phase, self._file = "done", ""
        self._emit(force=True)

    def speed(self) -> float:
        now = self._clock()
        while len(self._samples) > 2 and now - self._samples[1][0] > self._window_s:
            self._samples.popleft()
        t0, b0 = self._samples[0]
        dt = now - t0
        return (self.network_bytes - b0) / dt if dt > 0 else 0.0

    def _emit(self, *, force: bool = False) -> None:
        now = self._clock()
        if not force and now - self._last_emit < self._min_interval:
            return
        self._last_emit = now
        speed = self.speed()
        left = max(0, self.total - self.done)
        eta = left / speed if speed > 0 else (0.0 if left == 0 else None)
        self._cb(DownloadProgress(
            model_id=self.model_id, file=self._file, file_done=self._file_done, file_total=self._file_total,
            done=self.done, total=self.total, speed_bps=speed, eta_s=eta, phase=self._phase,
            files_done=self.files_done, files_total=self.files_total,
        ))
