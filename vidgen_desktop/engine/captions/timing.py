"""When each caption shows: blocks of one spoken chunk share its time, cues hold until the next."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.layout import text_cols


def time_blocks(blocks: list[str], start: float, end: float, *, energy: npt.NDArray[np.float64] | None = None,
                energy_step: float = 0.02, words: list[tuple[str, float, float]] | None = None) -> list[Cue]:
    """Share ``start..end`` among ``blocks`` of one spoken chunk.

    With word timings (``(word, start, end)``, absolute seconds) each block starts at its
    first word. Otherwise time is shared by text length, and each boundary moves to the
    quietest moment nearby in ``energy`` (RMS per ``energy_step`` seconds from ``start``):
    the speaker's own breath between clauses.
    """
    if not blocks:
        return []
    if len(blocks) == 1:
        return [Cue(start, end, blocks[0])]
    span = end - start
    weights = np.array([max(1, text_cols(re.sub(r"\s+", "", b))) for b in blocks], np.float64)
    bounds = list(start + span * np.cumsum(weights)[:-1] / weights.sum())
    if words:
        k = 0
        for i, b in enumerate(blocks[:-1]):
            k += len(b.split())
            if 0 < k < len(words):
                bounds[i] = words[k][1]
    elif energy is not None and energy.size:
        radius = 0.12 * span
        for i, t in enumerate(bounds):
            lo = max(0, int((t - radius - start) / energy_step))
            hi = min(energy.size, int((t + radius - start) / energy_step) + 1)
            if hi - lo >= 3:
                # Quietest window; ties go to the one nearest the proportional point.
                seg = energy[lo:hi]
                j = int(np.argmin(seg + 1e-9 * np.abs(np.arange(lo, hi) * energy_step + start - t)))
                bounds[i] = start + (lo + j + 0.5) * energy_step
    # Keep the order and a minimum length per block.
    edges = [start, *bounds, end]
    min_len = min(0.25, span / (2 * len(blocks)))
    for i in range(1, len(edges) - 1):
        edges[i] = min(max(edges[i], edges[i - 1] + min_len), end - min_len * (len(edges) - 1 - i))
    return [Cue(edges[i], edges[i + 1], b) for i, b in enumerate(blocks)]


def close_gaps(cues: list[Cue], total: float, *, max_hold: float = 1.5) -> list[Cue]:
    """Each cue stays up until the next starts (at most ``max_hold`` s after its speech ends); the last ends at
    ``total``, the audio's end."""
    out: list[Cue] = []
    for i, c in enumerate(cues):
        if i + 1 < len(cues):
            nxt = cues[i + 1].start
            end = nxt if nxt - c.end <= max_hold else c.end + max_hold
        else:
            end = total
        out.append(Cue(c.start, max(end, c.start + 0.001), c.text))
    return out
