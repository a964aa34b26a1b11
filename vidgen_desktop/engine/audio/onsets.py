"""Onsets (note and drum attacks) with their strength, by peak picking the onset envelope."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

#: Peak must be the largest within this many seconds either side, and this far apart from the previous one.
PEAK_HALF_S = 0.03
MIN_GAP_S = 0.05
#: ... and above the local mean (over this many seconds either side) by this fraction of the loud level.
MEAN_HALF_S = 0.25
DELTA = 0.07
#: The loud levels are never taken below these (envelope units), so the slow swells of a pad or drone do not
#: turn into onsets just because nothing louder happens.
LOUD_FLOOR, FINE_FLOOR = 0.04, 0.3


def detect_onsets(fine: F64, loud: F64, fps: float) -> tuple[F64, F64]:
    """Onset times (seconds, at frame precision) found on the sensitive envelope ``fine``, and their strengths
    (0..1) read from the loudness-weighted envelope ``loud``, so a kick drum outweighs a hi-hat."""
    from scipy.ndimage import maximum_filter1d, uniform_filter1d

    if fine.size < 3 or fine.max() <= 0:
        return np.zeros(0), np.zeros(0)
    x = fine / max(float(np.percentile(fine, 99.5)), FINE_FLOOR)
    half = max(1, round(PEAK_HALF_S * fps))
    is_max = x >= maximum_filter1d(x, 2 * half + 1, mode="constant")
    mean = uniform_filter1d(x, 2 * round(MEAN_HALF_S * fps) + 1, mode="nearest")
    cand = np.flatnonzero(is_max & (x > mean + DELTA) & (x > 2 * DELTA))
    keep: list[int] = []
    gap = MIN_GAP_S * fps
    for c in cand:
        if keep and c - keep[-1] < gap:
            if x[c] > x[keep[-1]]:
                keep[-1] = int(c)
            continue
        keep.append(int(c))
    frames = np.asarray(keep, dtype=np.int64)
    peak = maximum_filter1d(loud, 5, mode="nearest")[frames] if frames.size else np.zeros(0)
    scale = max(float(np.percentile(loud, 99.5)), LOUD_FLOOR)
    return frames / fps, np.clip(peak / scale, 0.0, 1.0)
