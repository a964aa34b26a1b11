"""Beats and bar starts: dynamic programming with a time-varying tempo, a check of the metrical level,
and a bar-position HMM over the beats' accents (4/4)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.audio.tempo import MAX_BPM, TempoTrack, track_tempo

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: How strongly beat spacing sticks to the local tempo (librosa's default scale).
TIGHTNESS = 100.0
BEATS_PER_BAR = 4
#: Cost of the bar position not advancing by one beat (a skipped or extra beat, a bar of another length).
BAR_JUMP_COST = 4.0
#: Half-beats at least this strong (relative to the beats) mean the beat is twice as fast.
DOUBLE_RATIO = 0.65


@dataclass(frozen=True)
class Beats:
    frames: I64
    times: F64
    strengths: F64
    downbeats: F64
    tempo: TempoTrack
    #: Octave corrections applied to the tempo path (for the record): 2.0, 0.5 or 1.0.
    level: float


def _smooth(x: F64, sigma: float) -> F64:
    r = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    return np.convolve(x, k / k.sum(), mode="same")


def dp_beats(local: F64, period: F64, tightness: float = TIGHTNESS, alt_period: F64 | None = None) -> I64:
    """Beat frames maximising onset strength at beats minus a penalty for spacing away from ``period``.

    ``alt_period`` (optional, per frame) is a second acceptable spacing: around a tempo change the
    spacing may follow either tempo, wherever exactly the change happens.

    The recursion only looks back at least half a period, so blocks of that many frames are
    computed at once (vectorised), which keeps a 3-minute track at a few dozen milliseconds.
    """
    n = local.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    alt = period if alt_period is None else alt_period
    lo_p, hi_p = np.minimum(period, alt), np.maximum(period, alt)
    cum = np.zeros(n)
    back = np.full(n, -1, dtype=np.int64)
    t = 0
    while t < n:
        b = max(1, int(np.floor(lo_p[t] / 2.0)))
        b = max(1, min(b, n - t, int(np.floor(lo_p[t: t + b].min() / 2.0))))
        ts = np.arange(t, t + b)
        p, q = period[ts][:, None], alt[ts][:, None]
        taus = np.arange(max(1, int(np.ceil(lo_p[ts].min() / 2.0))), int(np.floor(hi_p[ts].max() * 2.0)) + 1)[None, :]
        prev = ts[:, None] - taus
        valid = (prev >= 0) & (taus >= lo_p[ts][:, None] / 2.0) & (taus <= hi_p[ts][:, None] * 2.0)
        penalty = tightness * np.minimum(np.log(taus / p) ** 2, np.log(taus / q) ** 2)
        score = np.where(valid, cum[np.clip(prev, 0, None)] - penalty, -np.inf)
        best = score.argmax(axis=1)
        val = score[np.arange(b), best]
        chain = val > 0.0
        cum[ts] = local[ts] + np.where(chain, val, 0.0)
        back[ts] = np.where(chain, prev[np.arange(b), best], -1)
        t += b
    # The last beat: the best-scoring frame in the last period before the last clear onset.
    active = np.flatnonzero(local > 0.05 * local.max()) if local.max() > 0 else np.zeros(0, dtype=np.int64)
    if active.size == 0:
        return np.zeros(0, dtype=np.int64)
    end = int(active[-1])
    lo = max(0, end - round(period[end]))
    last = lo + int(cum[lo: end + 1].argmax())
    beats = [last]
    while back[beats[-1]] >= 0:
        beats.append(int(back[beats[-1]]))
    out = np.asarray(beats[::-1], dtype=np.int64)
    return _trim(out, local)


def _trim(frames: I64, local: F64) -> I64:
    """Drop beats before the music starts and after it stops (weak beats at either end)."""
    if frames.size < 3:
        return frames
    s = local[frames]
    thresh = 0.1 * float(np.sqrt(np.mean(s ** 2)))
    strong = np.flatnonzero(s >= thresh)
    if strong.size == 0:
        return frames[:0]
    return frames[strong[0]: strong[-1] + 1]


def _double_time(env: F64, frames: I64, times: F64, fps: float) -> F64:
    """Per tempo window: 2.0 where the half-beats are about as strong as the beats (the true beat is twice as
    fast there, e.g. a double-time chorus), else 1.0. Judged over 8 beats around each window centre."""
    out = np.ones(times.shape[0])
    if frames.size < 8:
        return out
    s_beat = env[frames]
    mids = ((frames[:-1] + frames[1:]) // 2).astype(np.int64)
    width = np.maximum(1, np.diff(frames) // 6).astype(np.int64)  # swing moves the off-beat later
    s_mid = np.array([env[max(0, m - w): m + w + 1].max() for m, w in zip(mids, width)])
    ratio = s_mid / np.maximum(s_beat[:-1], 1e-9)
    beat_t = frames[:-1] / fps
    for j, t in enumerate(times):
        near = np.argsort(np.abs(beat_t - t))[:8]
        if float(np.median(ratio[near])) > DOUBLE_RATIO:
            out[j] = 2.0
    return out


def _downbeat_positions(accent: F64) -> I64:
    """Bar position (0 = bar start) of each beat: Viterbi over 4 states, advancing one per beat."""
    n = accent.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    z = (accent - accent.mean()) / max(float(accent.std()), 1e-9)
    emit = np.zeros((n, BEATS_PER_BAR))
    emit[:, 0] = z
    emit[:, 1:] = -z[:, None] / (BEATS_PER_BAR - 1)
    k = np.arange(BEATS_PER_BAR)
    trans = np.where(k[None, :] == (k[:, None] + 1) % BEATS_PER_BAR, 0.0, -BAR_JUMP_COST)
    acc = emit[0].copy()
    back = np.zeros((n, BEATS_PER_BAR), dtype=np.int64)
    for i in range(1, n):
        cand = acc[:, None] + trans
        back[i] = cand.argmax(axis=0)
        acc = cand[back[i], k] + emit[i]
    pos = np.zeros(n, dtype=np.int64)
    pos[-1] = int(acc.argmax())
    for i in range(n - 1, 0, -1):
        pos[i - 1] = back[i, pos[i]]
    return pos


def beat_accents(frames: I64, onset_low: F64, chroma: npt.NDArray[np.float32]) -> F64:
    """How much each beat sounds like a bar start: low-frequency attack plus a change of harmony."""
    if frames.size == 0:
        return np.zeros(0)
    low = np.array([onset_low[max(0, f - 2): f + 3].max() for f in frames])
    low = low / max(float(np.percentile(low, 95)), 1e-9)
    bounds = np.concatenate(([0], frames, [chroma.shape[1]]))
    means = np.stack([chroma[:, a:b].mean(axis=1) if b > a else np.zeros(12) for a, b in
                      itertools.pairwise(bounds)], axis=1)
    norms = np.linalg.norm(means, axis=0)
    unit = means / np.maximum(norms, 1e-9)
    change = 1.0 - np.sum(unit[:, :-1] * unit[:, 1:], axis=0)  # before beat i vs after it
    change = change[: frames.size]
    change = change / max(float(np.percentile(change, 95)), 1e-9)
    return np.asarray(low + change, dtype=np.float64)


def track_beats(onset: F64, onset_low: F64, chroma: npt.NDArray[np.float32], fps: float) -> Beats:
    """Beats, their strengths and bar starts from the onset envelopes."""
    norm = onset / max(float(onset.std()), 1e-9)
    local = _smooth(norm, 1.5)
    tempo = track_tempo(norm, fps)
    level = 1.0
    frames = dp_beats(local, tempo.period_frames(onset.shape[0], fps), alt_period=tempo.alt_period_frames(
        onset.shape[0], fps))
    for _ in range(2):
        factor = _double_time(local, frames, tempo.times, fps)
        factor[tempo.bpm * factor > MAX_BPM * 1.05] = 1.0
        if not (factor > 1.0).any():
            break
        tempo = TempoTrack(tempo.times, tempo.bpm * factor, tempo.clarity)
        level = float(np.mean(factor)) * level
        frames = dp_beats(local, tempo.period_frames(onset.shape[0], fps), alt_period=tempo.alt_period_frames(
            onset.shape[0], fps))
    times = _refine(frames, local) / fps
    peak = max(float(np.percentile(local[frames], 95)), 1e-9) if frames.size else 1.0
    strengths = np.clip(local[frames] / peak, 0.0, 1.0) if frames.size else np.zeros(0)
    pos = _downbeat_positions(beat_accents(frames, onset_low, chroma))
    return Beats(frames=frames, times=times, strengths=strengths, downbeats=times[pos == 0], tempo=tempo,
                 level=level)


def _refine(frames: I64, local: F64) -> F64:
    """Sub-frame beat positions: a parabola through the onset peak at each beat."""
    f = frames.astype(np.float64)
    ok = (frames > 0) & (frames < local.shape[0] - 1)
    a, b, c = local[np.clip(frames - 1, 0, None)], local[frames], local[np.clip(frames + 1, None, local.shape[0] - 1)]
    denom = a - 2 * b + c
    shift = np.where(ok & (denom < 0), 0.5 * (a - c) / np.where(denom == 0, 1, denom), 0.0)
    return np.asarray(f + np.clip(shift, -0.5, 0.5), dtype=np.float64)
