"""``analyze_audio``: decode, measure, classify, cache. Each step lives in its own module of this package.

What the fields hold (see :class:`vidgen_desktop.core.analysis.AudioAnalysis`):

- ``envelope``: loudness every 10 ms on a dB scale mapped to 0..1 (0 = 60 dB below the loud level, the 99th
  percentile; 1 = that level or louder), the RMS over 20 ms centred on each point.
- ``beats``/``downbeats``: seconds, at sub-frame precision (11.6 ms frames); bars assume 4/4.
- ``beat_strengths``/``onset_strengths``: loudness-weighted attack strength, 0..1 (a kick outweighs a hi-hat).
- ``sections``: starts, 0.0 first, snapped to bar starts (music) or the middle of long pauses (speech).
- ``phrases``: starts, 0.0 first, sections included: every 2/4/8/16 bars (whichever is nearest 8 s) from each
  section start, or the middle of each pause of 0.25 s or more in speech.
- ``pauses``: (start, end) of stretches 30 dB under the loud level: from 0.2 s in speech, 0.5 s in music.

``extra`` keys: ``tempo_curve`` ([[start s, bpm], ...] per stretch of steady tempo), ``tempo_level``,
``speech_evidence`` (the classifier's inputs and score), ``beat_support``, ``loudness_ref_dbfs``,
``analysis_rate``, ``analysis_s``, and the flags ``silent``, ``too_short``, ``no_beat``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from vidgen_desktop.core.analysis import ANALYSIS_VERSION, AudioAnalysis
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.audio import cache
from vidgen_desktop.engine.audio.decode import ANALYSIS_RATE, decode_mono

#: Envelope resolution (seconds).
ENVELOPE_HOP_S = 0.01
#: Quieter than this (dBFS, loud level) counts as silence: nothing to listen to.
SILENT_DBFS = -70.0
#: Shorter than this, no beat or section is looked for.
MIN_ANALYSIS_S = 2.0
#: A beat is only reported when at least this fraction of the tracked beats sit on an onset.
MIN_BEAT_SUPPORT = 0.4
#: Pauses in music shorter than this are gaps between notes, not breaks.
MUSIC_MIN_PAUSE_S = 0.5


def _check(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


def _r(values: npt.ArrayLike, digits: int = 4) -> tuple[float, ...]:
    return tuple(round(float(v), digits) for v in np.asarray(values, dtype=np.float64).ravel())


def analyze_audio(path: Path | str, *, cancel: CancelToken | None = None, cache_dir: Path | None = None,
                  use_cache: bool = True) -> AudioAnalysis:
    """Listen to ``path``: tempo, beats, bars, onsets, loudness, sections, phrases, pauses, speech or music.

    Results are cached per content hash in ``cache_dir`` (default ``<data>/cache/audio-analysis``).
    Raises :class:`InputError` for a missing, empty or non-audio file.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found" if not path.exists() else "is a folder, not an audio file")
    folder = cache_dir if cache_dir is not None else cache.default_cache_dir()
    digest = ""
    if use_cache:
        try:
            digest = cache.content_hash(path, cancel=cancel)
        except OSError as exc:
            raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
        hit = cache.load(folder, digest)
        if hit is not None:
            return hit
    t0 = time.perf_counter()
    y = decode_mono(path, rate=ANALYSIS_RATE, cancel=cancel)
    _check(cancel)
    result = analyze_samples(y, ANALYSIS_RATE, cancel=cancel)
    result.extra["analysis_s"] = round(time.perf_counter() - t0, 3)
    if use_cache:
        cache.store(folder, digest, result)
    return result


def analyze_samples(y: npt.NDArray[np.float32], sr: int, *, cancel: CancelToken | None = None) -> AudioAnalysis:
    """The analysis of mono samples ``y`` at ``sr`` (no file, no cache)."""
    from vidgen_desktop.engine.audio.features import compute_features, loudness_envelope
    from vidgen_desktop.engine.audio.speech import find_pauses

    duration = float(y.shape[0]) / sr
    envelope, ref_db = loudness_envelope(y, sr, ENVELOPE_HOP_S)
    extra: dict[str, object] = {"loudness_ref_dbfs": round(ref_db, 2), "analysis_rate": sr}
    if ref_db < SILENT_DBFS or duration < MIN_ANALYSIS_S:
        extra["silent" if ref_db < SILENT_DBFS else "too_short"] = True
        whole = ((0.0, round(duration, 4)),) if ref_db < SILENT_DBFS else ()
        return AudioAnalysis(duration_s=round(duration, 4), kind="music", envelope_hop_s=ENVELOPE_HOP_S,
                             envelope=_r(envelope), sections=(0.0,), phrases=(0.0,), pauses=whole,
                             version=ANALYSIS_VERSION, extra=dict(extra))
    feat = compute_features(y, sr)
    _check(cancel)
    pauses = find_pauses(envelope, ENVELOPE_HOP_S)
    return _listen(feat, duration, envelope, pauses, extra, cancel)


def _listen(feat: object, duration: float, envelope: npt.NDArray[np.float32], pauses: list[tuple[float, float]],
            extra: dict[str, object], cancel: CancelToken | None) -> AudioAnalysis:
    from vidgen_desktop.engine.audio.beats import track_beats
    from vidgen_desktop.engine.audio.features import Features
    from vidgen_desktop.engine.audio.onsets import detect_onsets
    from vidgen_desktop.engine.audio.sections import block_sections, music_phrases, music_sections, speech_phrases
    from vidgen_desktop.engine.audio.speech import speech_score
    from vidgen_desktop.engine.audio.tempo import rhythm_clarity

    assert isinstance(feat, Features)
    onset = feat.onset.astype(np.float64)
    onset_times, onset_strengths = detect_onsets(feat.onset_fine.astype(np.float64), onset, feat.fps)
    beats = track_beats(onset, feat.onset_low.astype(np.float64), feat.chroma, feat.fps)
    _check(cancel)
    clarity = rhythm_clarity(onset / max(float(onset.std()), 1e-9), feat.fps)
    evidence = speech_score(envelope, ENVELOPE_HOP_S, clarity, pauses, duration)
    kind = "speech" if evidence["score"] > 0 else "music"
    extra["speech_evidence"] = evidence
    common: dict[str, Any] = {"duration_s": round(duration, 4), "kind": kind, "onsets": _r(onset_times),
                                  "onset_strengths": _r(onset_strengths, 3), "envelope_hop_s": ENVELOPE_HOP_S,
                                  "envelope": _r(envelope), "version": ANALYSIS_VERSION}
    if kind == "speech":
        sections, phrases = speech_phrases(pauses, duration)
        if len(sections) == 1:
            sections = block_sections(feat, duration)
        return AudioAnalysis(**common, sections=tuple(sections), phrases=tuple(phrases), pauses=tuple(pauses),
                             extra=dict(extra))
    # In music, only real breaks count as pauses, not the gaps between two drum hits.
    pauses = [(a, b) for a, b in pauses if b - a >= MUSIC_MIN_PAUSE_S]
    support = beat_support(beats.times, onset_times)
    extra["beat_support"] = round(support, 3)
    if support < MIN_BEAT_SUPPORT:  # no steady beat (pads, drones, ambience): timing comes from novelty
        extra["no_beat"] = True
        sections = block_sections(feat, duration)
        return AudioAnalysis(**common, sections=tuple(sections), phrases=tuple(sections), pauses=tuple(pauses),
                             extra=dict(extra))
    extra.update(tempo_level=beats.level, tempo_curve=_tempo_curve(beats.tempo.times, beats.tempo.bpm, beats.times))
    sections, _nov = music_sections(feat, beats.frames, beats.times, beats.downbeats, duration)
    _check(cancel)
    ibi = np.diff(beats.times)
    tempo = round(float(60.0 / np.median(ibi)), 2) if ibi.size else None
    phrases = music_phrases(sections, beats.downbeats, tempo)
    return AudioAnalysis(**common, tempo_bpm=tempo, beats=_r(beats.times), beat_strengths=_r(beats.strengths, 3),
                         downbeats=_r(beats.downbeats), sections=tuple(sections), phrases=tuple(phrases),
                         pauses=tuple(pauses), extra=dict(extra))


def beat_support(beats: npt.NDArray[np.float64], onsets: npt.NDArray[np.float64], window: float = 0.05) -> float:
    """Fraction of beats that fall on a detected onset: near 1 for a groove, low for a beat laid over pads."""
    if beats.size == 0 or onsets.size == 0:
        return 0.0
    idx = np.clip(np.searchsorted(onsets, beats), 1, onsets.size - 1) if onsets.size > 1 else np.zeros(beats.size, int)
    near = np.minimum(np.abs(onsets[idx] - beats), np.abs(onsets[np.maximum(idx - 1, 0)] - beats))
    return float(np.mean(near <= window))


def _tempo_curve(times: npt.NDArray[np.float64], bpm: npt.NDArray[np.float64],
                 beats: npt.NDArray[np.float64]) -> list[list[float]]:
    """[start time, bpm] for each stretch of steady tempo (the tempo path's changes of over 2 %); the tempo of a
    stretch is measured from its beats (the path itself is on a 1/36-octave grid)."""
    points: list[list[float]] = []
    for t, b in zip(times, bpm):
        if not points or abs(b / points[-1][1] - 1.0) > 0.02:
            points.append([float(t), float(b)])
    if points and beats.size:
        points[0][0] = float(beats[0])
    ends = [p[0] for p in points[1:]] + [float("inf")]
    for p, end in zip(points, ends):
        inside = beats[(beats >= p[0] - 1e-6) & (beats < end)]
        if inside.size >= 4:
            p[1] = 60.0 / float(np.median(np.diff(inside)))
    return [[round(t, 2), round(b, 2)] for t, b in points]
