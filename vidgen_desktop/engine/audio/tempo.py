"""Local tempo along the track: windowed autocorrelation of the onset envelope, then the most likely
tempo path (Viterbi over a log-tempo grid), so a tempo change is followed instead of averaged away."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

MIN_BPM, MAX_BPM = 40.0, 240.0
#: Tempo grid resolution (bins per octave).
BINS_PER_OCTAVE = 36
#: Prior on the beat level: log-normal around this tempo, this many octaves wide (one standard deviation).
PRIOR_BPM, PRIOR_OCTAVES = 115.0, 1.0
WINDOW_S, STRIDE_S = 8.0, 0.5
#: Viterbi costs: per bin of smooth drift between windows, and for any jump (a real tempo change).
DRIFT_COST, JUMP_COST, SMOOTH_BINS = 0.6, 8.0, 2
#: Around a tempo change (the path's jump), beat spacing may follow either tempo for this many seconds.
CHANGE_SLACK_S = 2.5


@dataclass(frozen=True)
class TempoTrack:
    #: Window centres (seconds) and the tempo chosen there (BPM).
    times: F64
    bpm: F64
    #: How clearly periodic each window is (0..1: the autocorrelation peak at the chosen tempo).
    clarity: F64

    def period_frames(self, n_frames: int, fps: float) -> F64:
        """Beat period in frames for every frame (the nearest window's tempo: changes stay abrupt)."""
        t = np.arange(n_frames) / fps
        idx = np.clip(np.searchsorted(self.times, t), 0, len(self.times) - 1)
        prev = np.clip(idx - 1, 0, len(self.times) - 1)
        nearer_prev = np.abs(t - self.times[prev]) < np.abs(t - self.times[idx])
        idx = np.where(nearer_prev, prev, idx)
        return np.asarray(fps * 60.0 / self.bpm[idx], dtype=np.float64)

    def alt_period_frames(self, n_frames: int, fps: float, *, within_s: float = CHANGE_SLACK_S) -> F64:
        """Near a tempo change (a jump in the path), the period on its other side; elsewhere the local period."""
        period = self.period_frames(n_frames, fps)
        alt: F64 = period.copy()
        jumps = np.flatnonzero(np.abs(np.diff(np.log2(self.bpm))) > SMOOTH_BINS / BINS_PER_OCTAVE + 1e-9)
        for j in jumps:
            at = 0.5 * (self.times[j] + self.times[j + 1])
            a = max(0, int((at - within_s) * fps))
            b = min(n_frames, int((at + within_s) * fps) + 1)
            mid = int(at * fps)
            alt[a:mid] = fps * 60.0 / self.bpm[j + 1]
            alt[mid:b] = fps * 60.0 / self.bpm[j]
        return np.asarray(alt, dtype=np.float64)

    def scaled(self, factor: float) -> TempoTrack:
        return TempoTrack(self.times, self.bpm * factor, self.clarity)


def tempo_grid() -> F64:
    n = int(np.floor(np.log2(MAX_BPM / MIN_BPM) * BINS_PER_OCTAVE)) + 1
    return np.asarray(MIN_BPM * 2.0 ** (np.arange(n) / BINS_PER_OCTAVE), dtype=np.float64)


def windowed_acf(onset: F64, fps: float, max_lag: int) -> tuple[F64, F64]:
    """Normalised autocorrelation (windows x lags) of the onset envelope, and each window's centre time."""
    from scipy import fft

    n = onset.shape[0]
    w = min(n, round(WINDOW_S * fps))
    s = max(1, round(STRIDE_S * fps))
    starts = np.arange(0, max(n - w, 0) + 1, s)
    if starts[-1] + w < n:
        starts = np.append(starts, n - w)
    nfft = int(2 ** np.ceil(np.log2(2 * w)))
    taper = np.hanning(w)[None, :]
    acf = np.empty((starts.shape[0], min(max_lag + 1, nfft)))
    for a in range(0, starts.shape[0], 256):  # 256 windows at a time: flat memory for long audio
        idx = starts[a: a + 256, None] + np.arange(w)[None, :]
        x = onset[idx]
        x = (x - x.mean(axis=1, keepdims=True)) * taper
        spec = fft.rfft(x, n=nfft, axis=1, workers=1)
        part = fft.irfft(spec.real ** 2 + spec.imag ** 2, n=nfft, axis=1, workers=1)[:, : acf.shape[1]]
        acf[a: a + 256] = part / np.maximum(part[:, :1], 1e-12)
    return np.asarray(acf, dtype=np.float64), (starts + w / 2.0) / fps


def _interp_rows(acf: F64, lags: F64) -> F64:
    lo = np.clip(np.floor(lags).astype(np.int64), 0, acf.shape[1] - 2)
    f = np.clip(lags - lo, 0.0, 1.0)
    return np.asarray(acf[:, lo] * (1.0 - f) + acf[:, lo + 1] * f, dtype=np.float64)


def salience(onset: F64, fps: float) -> tuple[F64, F64, F64]:
    """Tempo salience (windows x grid bins), window centres and the grid."""
    grid = tempo_grid()
    lags = fps * 60.0 / grid
    max_lag = int(np.ceil(lags.max() * 2)) + 2
    acf, centres = windowed_acf(onset, fps, max_lag)
    acf = np.maximum(acf, 0.0)
    sal = _interp_rows(acf, lags) + 0.5 * _interp_rows(acf, 2.0 * lags)
    return sal, centres, grid


def track_tempo(onset: F64, fps: float) -> TempoTrack:
    """The most likely tempo path through the track."""
    sal, centres, grid = salience(onset, fps)
    prior = np.exp(-0.5 * (np.log2(grid / PRIOR_BPM) / PRIOR_OCTAVES) ** 2)
    score = sal * prior[None, :]
    emit = np.log(score / np.maximum(score.max(axis=1, keepdims=True), 1e-12) + 0.05)
    nb = grid.shape[0]
    d = np.abs(np.arange(nb)[:, None] - np.arange(nb)[None, :])
    trans = np.where(d <= SMOOTH_BINS, -DRIFT_COST * d, -JUMP_COST)
    n = emit.shape[0]
    back = np.zeros((n, nb), dtype=np.int64)
    acc = emit[0].copy()
    for i in range(1, n):
        cand = acc[:, None] + trans  # from (rows) -> to (cols)
        back[i] = cand.argmax(axis=0)
        acc = cand[back[i], np.arange(nb)] + emit[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(acc.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    lag_clarity = np.clip(sal[np.arange(n), path] / 1.5, 0.0, 1.0)
    return TempoTrack(centres, grid[path], lag_clarity)


def rhythm_clarity(onset: F64, fps: float, *, min_lag_s: float = 0.25, max_lag_s: float = 4.0) -> float:
    """How periodic the onsets are at any metrical level (beat, half bar, bar): the median over windows of the
    highest autocorrelation peak between ``min_lag_s`` and ``max_lag_s``. Music with a groove ~0.5-0.9, speech
    well under 0.3."""
    max_lag = int(np.ceil(max_lag_s * fps))
    acf, _ = windowed_acf(onset, fps, max_lag)
    lo = int(np.floor(min_lag_s * fps))
    if acf.shape[1] <= lo + 2:
        return 0.0
    seg = acf[:, lo:]
    peaks = (seg[:, 1:-1] >= seg[:, :-2]) & (seg[:, 1:-1] >= seg[:, 2:])
    best = np.where(peaks, seg[:, 1:-1], 0.0).max(axis=1)
    return float(np.clip(np.median(best), 0.0, 1.0))
