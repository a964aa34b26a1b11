"""Peak memory of a render, sampled while it runs.

System RAM: the resident memory of this process plus all its children (the ffmpeg
encoder is a child), summed at each sample, every :data:`INTERVAL_S`. VRAM: torch's own
peak (``torch.cuda.max_memory_allocated``) when torch is already loaded and has used
CUDA; otherwise NVML's per-process figure (``pynvml``), sampled the same way; otherwise
unknown (``None``). Never imports torch itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

log = logging.getLogger(__name__)

INTERVAL_S = 0.25


def tree_rss(proc: Any) -> int:
    """Resident bytes of ``proc`` (a psutil.Process) and all its descendants."""
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            total += int(p.memory_info().rss)
    return total


def _torch_cuda() -> Any:
    """torch, when it is already imported and CUDA has been initialised; else None."""
    torch = sys.modules.get("torch")
    try:
        if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
            return torch
    except Exception:  # noqa: BLE001 - a broken CUDA install must not stop the render
        return None
    return None


class _Nvml:
    """Per-process GPU memory through NVML, or nothing."""

    def __init__(self) -> None:
        self.handles: list[Any] = []
        self.mod: Any = None
        try:
            import pynvml

            pynvml.nvmlInit()
            self.mod = pynvml
            self.handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
        except Exception:  # noqa: BLE001 - no driver, no library: VRAM unknown
            self.mod = None

    def used(self, pids: set[int]) -> int | None:
        if self.mod is None or not self.handles:
            return None
        total = 0
        for h in self.handles:
            with contextlib.suppress(Exception):
                for p in self.mod.nvmlDeviceGetComputeRunningProcesses(h):
                    if p.pid in pids and p.usedGpuMemory:
                        total += int(p.usedGpuMemory)
        return total

    def close(self) -> None:
        if self.mod is not None:
            with contextlib.suppress(Exception):
                self.mod.nvmlShutdown()


class ResourceSampler:
    """``with ResourceSampler() as s: render(...)`` then ``s.peak_ram_bytes``, ``s.peak_vram_bytes``."""

    def __init__(self, interval_s: float = INTERVAL_S, *, use_nvml: bool = True) -> None:
        self.interval_s = interval_s
        self.peak_ram_bytes = 0
        self._nvml_peak: int | None = None
        self._use_nvml = use_nvml
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._torch: Any = None

    def __enter__(self) -> Self:
        import psutil

        self._proc = psutil.Process(os.getpid())
        self._torch = _torch_cuda()
        if self._torch is not None:
            with contextlib.suppress(Exception):
                self._torch.cuda.reset_peak_memory_stats()
        self._nvml = _Nvml() if self._use_nvml and self._torch is None and _has_nvidia() else None
        self._sample()
        self._thread = threading.Thread(target=self._loop, name="resource-sampler", daemon=True)
        self._thread.start()
        return self

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            self._sample()

    def _sample(self) -> None:
        self.peak_ram_bytes = max(self.peak_ram_bytes, tree_rss(self._proc))
        if self._nvml is not None:
            import psutil

            pids = {self._proc.pid}
            with contextlib.suppress(psutil.Error):
                pids |= {c.pid for c in self._proc.children(recursive=True)}
            used = self._nvml.used(pids)
            if used is not None:
                self._nvml_peak = max(self._nvml_peak or 0, used)

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        with contextlib.suppress(Exception):
            self._sample()
        if self._nvml is not None:
            self._nvml.close()

    @property
    def peak_vram_bytes(self) -> int | None:
        torch = self._torch or _torch_cuda()  # an AI tier may have brought CUDA up during the render
        if torch is not None:
            try:
                return int(torch.cuda.max_memory_allocated())
            except Exception:
                log.debug("torch peak memory unavailable", exc_info=True)
        return self._nvml_peak


def _has_nvidia() -> bool:
    """Cheap check before loading NVML (Linux: the driver's device node; elsewhere: try)."""
    if sys.platform.startswith("linux"):
        return os.path.exists("/dev/nvidiactl")
    return sys.platform == "win32"
