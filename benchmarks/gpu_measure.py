"""Measuring one AI plan level on a built pipeline: s/step, VAE decode time, peak VRAM and peak RAM.

Shared by ``benchmarks/gpu_tiers.py`` (every AI tier) and ``benchmarks/svd_gpu.py`` (SVD's decode/offload grid).
"""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from typing import Any

import numpy as np
import psutil

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.ai import backends
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.ai.plan import AiPlan

GIB = float(1 << 30)


class RamPeak:
    """Peak RSS of this process while running (sampled every 50 ms): ``start()``, then ``stop()``."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(0.05)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def measure(backend: backends.Backend, plan: AiPlan, image: np.ndarray, cuda: bool) -> dict[str, Any]:
    import torch

    stamps: list[float] = []

    def on_step(_i: int, _n: int) -> None:
        if cuda:
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    result: dict[str, Any] = {
        "offload": plan.offload, "fp8": plan.fp8, "vae_tiling": plan.vae_tiling, "streams": plan.streams,
        "text_encoder": plan.text_encoder, "forward_chunking": plan.forward_chunking,
        "decode_chunk": plan.decode_chunk, "width": plan.width, "height": plan.height, "frames": plan.frames,
        "estimated_peak_gib": round(plan.estimate.peak_gib, 2),
        "estimated_s_per_step": round(plan.estimate.s_per_step, 3)}
    ram = RamPeak()
    ram.start()
    try:
        backend.configure(plan)
        if cuda:
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        t0 = time.perf_counter()
        latents = backend.denoise(image, plan, AiOptions(steps=plan.steps), 0, CancelToken(), on_step)
        if cuda:
            torch.cuda.synchronize()
            result["denoise_peak_gib"] = round(torch.cuda.max_memory_reserved() / GIB, 2)
            result["denoise_peak_allocated_gib"] = round(torch.cuda.max_memory_allocated() / GIB, 2)
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        diffs = [b - a for a, b in itertools.pairwise(stamps)]
        result["s_per_step"] = round(statistics.median(diffs), 3) if diffs else None
        result["first_step_s"] = round(stamps[0] - t0, 3) if stamps else None
        t1 = time.perf_counter()
        frames = backend.decode(latents, plan.decode_chunk, CancelToken(), lambda i, n: None)
        if cuda:
            torch.cuda.synchronize()
            result["decode_peak_gib"] = round(torch.cuda.max_memory_reserved() / GIB, 2)
            result["decode_peak_allocated_gib"] = round(torch.cuda.max_memory_allocated() / GIB, 2)
        result["decode_s"] = round(time.perf_counter() - t1, 3)
        result["output"] = list(frames.shape)
        result["ok"] = True
    except Exception as exc:  # noqa: BLE001 - an OOM is a result here
        result["ok"] = False
        result["error"] = f"{'OOM' if backends.is_out_of_memory(exc) else type(exc).__name__}: {str(exc)[:300]}"
    finally:
        ram.stop()
    result["peak_ram_gib"] = round(ram.peak / GIB, 2)
    return result
