"""Section boundaries (novelty of timbre and harmony, Foote's checkerboard kernel) and phrases."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.audio.features import Features, mfcc

F64 = npt.NDArray[np.float64]

#: Half-width of the novelty kernel, in beats: eight bars of 4/4 on each side, long enough to hold a whole
#: chord cycle (shorter kernels mark every turn of a four-chord progression as a section).
KERNEL_UNITS = 32
#: Blocks of BLOCK_S seconds on each side for sound without a beat (16 s: longer than a slow chord cycle).
BLOCK_UNITS = 32
#: Feature weights: timbre (MFCC) counts 1 per coefficient; harmony less (it cycles within sections), loudness
#: and what the drums play (onset flux in four bands) more.
CHROMA_WEIGHT, LOUDNESS_WEIGHT, RHYTHM_WEIGHT = 0.3, 1.0, 3.0
BLOCK_S = 0.5
#: A boundary needs this much novelty (a steady loop with a 4-bar chord cycle stays under 0.3; a change of
#: instrumentation reads 0.6-0.8).
MIN_NOVELTY = 0.4
#: Music phrases last a whole number of bars near this length.
PHRASE_TARGET_S = 8.0


def unit_features(feat: Features, bounds: npt.NDArray[np.int64], smooth: int = 1) -> F64:
    """Timbre (MFCC 1-12), harmony (chroma), loudness and rhythm (band flux), z-scored over the track and
    averaged between consecutive frame ``bounds``."""
    m = mfcc(feat.mel_db, 13)[1:].astype(np.float64)
    m = (m - m.mean(axis=1, keepdims=True)) / np.maximum(m.std(axis=1, keepdims=True), 1e-9)
    c = feat.chroma.astype(np.float64)
    c = (c - c.mean(axis=1, keepdims=True)) / np.maximum(c.std(axis=1, keepdims=True), 1e-9)
    loud = np.log(np.maximum(feat.rms.astype(np.float64), 1e-6))[None, :]
    loud = (loud - loud.mean()) / max(float(loud.std()), 1e-9)
    r = np.log1p(feat.flux_bands.astype(np.float64) * 20)
    r = (r - r.mean(axis=1, keepdims=True)) / np.maximum(r.std(axis=1, keepdims=True), 1e-9)
    x = np.concatenate([m, CHROMA_WEIGHT * c, LOUDNESS_WEIGHT * loud, RHYTHM_WEIGHT * r], axis=0)
    csum = np.concatenate([np.zeros((x.shape[0], 1)), np.cumsum(x, axis=1)], axis=1)
    a, b = bounds[:-1], bounds[1:]
    out = ((csum[:, b] - csum[:, a]) / np.maximum(b - a, 1)[None, :]).T
    if smooth > 1:  # each unit describes the ``smooth`` units from it on (a bar of beats): steadier than one beat
        c2 = np.concatenate([np.zeros((1, out.shape[1])), np.cumsum(out, axis=0)], axis=0)
        i = np.arange(out.shape[0])
        j = np.minimum(i + smooth, out.shape[0])
        out = (c2[j] - c2[i]) / (j - i)[:, None]
    return np.asarray(out, dtype=np.float64)


def novelty(units: F64, half: int = KERNEL_UNITS) -> F64:
    """Foote novelty: how different the ``half`` units before each unit are from the ``half`` after it.

    Positions without a whole kernel on both sides score 0: a cut kernel near the ends sees part of a
    chord cycle and reads it as a boundary.
    """
    n = units.shape[0]
    out = np.zeros(n)
    if n < 4:
        return out
    u = units / np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-9)
    g = np.exp(-0.5 * (np.arange(half) / (0.6 * half)) ** 2)  # weight by distance from the boundary
    for i in range(n):  # only the kernel's own block of the similarity matrix: flat memory for long audio
        k = min(half, i, n - i)
        if k < half:
            continue
        w = g[:k]
        before = u[i - 1: i - k - 1 if i - k - 1 >= 0 else None: -1]  # nearest first
        after = u[i: i + k]
        ww = np.outer(w, w)
        within = (np.sum((before @ before.T) * ww) + np.sum((after @ after.T) * ww)) / 2.0
        across = np.sum((before @ after.T) * ww)
        out[i] = (within - across) / ww.sum()
    return np.maximum(out, 0.0)


def pick_boundaries(nov: F64, min_gap: int, threshold: float = MIN_NOVELTY) -> list[int]:
    """Peaks of ``nov`` above ``threshold``, strongest first, at least ``min_gap`` units apart."""
    order = np.argsort(-nov)
    chosen: list[int] = []
    for i in order:
        if nov[i] < threshold:
            break
        if 0 < i < nov.shape[0] - 1 and nov[i] >= nov[i - 1] and nov[i] >= nov[i + 1] and \
                all(abs(int(i) - c) >= min_gap for c in chosen):
            chosen.append(int(i))
    return sorted(chosen)


def music_sections(feat: Features, beat_frames: npt.NDArray[np.int64], beat_times: F64, downbeats: F64,
                   duration_s: float) -> tuple[list[float], F64]:
    """Section starts (0.0 first) snapped to bar starts, and the novelty curve per beat."""
    if beat_frames.size < 8:
        return [0.0], np.zeros(0)
    # One unit per beat (from it to the next; the last one beat long): lead-in and tail silence stay out.
    last = min(feat.n_frames, int(beat_frames[-1] + np.median(np.diff(beat_frames))))
    bounds = np.concatenate((beat_frames, [max(last, int(beat_frames[-1]) + 1)]))
    nov = novelty(unit_features(feat, bounds, smooth=4), KERNEL_UNITS)
    picks = pick_boundaries(nov, min_gap=KERNEL_UNITS // 2)
    starts = [0.0]
    for i in picks:
        t = float(beat_times[i])
        if downbeats.size:
            t = float(downbeats[np.argmin(np.abs(downbeats - t))])
        if t - starts[-1] >= 4.0 and duration_s - t >= 4.0:
            starts.append(round(t, 4))
    return starts, nov


def block_sections(feat: Features, duration_s: float) -> list[float]:
    """Section starts for sound without a beat: novelty over fixed blocks."""
    step = max(1, round(BLOCK_S * feat.fps))
    bounds = np.arange(0, feat.n_frames + step, step).clip(0, feat.n_frames)
    bounds = np.unique(bounds)
    if bounds.size < 9:
        return [0.0]
    nov = novelty(unit_features(feat, bounds), half=BLOCK_UNITS)
    starts = [0.0]
    for i in pick_boundaries(nov, min_gap=BLOCK_UNITS):
        t = float(bounds[i]) / feat.fps
        if t - starts[-1] >= 4.0 and duration_s - t >= 4.0:
            starts.append(round(t, 4))
    return starts


def music_phrases(sections: list[float], downbeats: F64, tempo_bpm: float | None) -> list[float]:
    """Phrase starts: every few bars from each section start (a whole number of bars near 8 s)."""
    if not downbeats.size or not tempo_bpm:
        return list(sections)
    bar_s = 4 * 60.0 / tempo_bpm
    n_bars = min((2, 4, 8, 16), key=lambda k: abs(np.log(k * bar_s / PHRASE_TARGET_S)))
    out = {0.0, *sections}
    bounds = [*sections[1:], float("inf")]
    for start, end in zip(sections, bounds):
        bars = downbeats[(downbeats >= start - 1e-3) & (downbeats < end - 1e-3)]
        out.update(round(float(t), 4) for t in bars[::n_bars])
    return sorted(out)


def speech_phrases(pauses: list[tuple[float, float]], duration_s: float, *, min_pause_s: float = 0.25,
                   section_pause_s: float = 0.9, min_section_s: float = 8.0) -> tuple[list[float], list[float]]:
    """Speech: phrases start in the middle of each pause of ``min_pause_s``, sections at long pauses."""
    phrases, sections = [0.0], [0.0]
    for a, b in pauses:
        if a <= 0.0 or b >= duration_s:
            continue  # leading or trailing silence
        mid = round((a + b) / 2.0, 4)
        if b - a >= min_pause_s:
            phrases.append(mid)
        if b - a >= section_pause_s and mid - sections[-1] >= min_section_s:
            sections.append(mid)
    return sections, phrases
