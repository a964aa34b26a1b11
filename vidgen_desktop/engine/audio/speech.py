"""Silences and pauses, and whether the sound is speech or music."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

#: Quieter than this many dB below the loud level (within the envelope's 60 dB range) is a pause...
PAUSE_BELOW_DB = 30.0
#: ...when it lasts at least this long.
MIN_PAUSE_S = 0.2


def find_pauses(envelope: F32, hop_s: float, *, floor_db: float = 60.0, below_db: float = PAUSE_BELOW_DB,
                min_s: float = MIN_PAUSE_S) -> list[tuple[float, float]]:
    """Stretches where the loudness envelope stays ``below_db`` under the loud level for ``min_s`` or more."""
    quiet = envelope < 1.0 - below_db / floor_db
    if not quiet.any():
        return []
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    duration = envelope.shape[0] * hop_s
    out = []
    for a, b in zip(starts, ends):
        if (b - a) * hop_s >= min_s:
            out.append((round(float(a * hop_s), 4), round(float(min(b * hop_s, duration)), 4)))
    return out


def speech_score(envelope: F32, hop_s: float, clarity: float, pauses: list[tuple[float, float]],
                 duration_s: float) -> dict[str, float]:
    """The evidence for speech: weak periodicity, frequent short pauses, a syllable-rate loudness modulation.

    ``score`` > 0 means speech.
    """
    pause_rate = len([p for p in pauses if p[1] - p[0] < 2.0]) / max(duration_s / 60.0, 1e-9)
    pause_frac = sum(b - a for a, b in pauses) / max(duration_s, 1e-9)
    # Loudness modulation at syllable rates (2-8 Hz) relative to all modulation above 0.5 Hz.
    env = envelope.astype(np.float64) - float(envelope.mean())
    spec = np.abs(np.fft.rfft(env * np.hanning(env.shape[0]))) ** 2 if env.size > 8 else np.zeros(2)
    freqs = np.fft.rfftfreq(env.shape[0], hop_s) if env.size > 8 else np.zeros(2)
    band = spec[(freqs >= 2.0) & (freqs <= 8.0)].sum()
    total = spec[freqs >= 0.5].sum()
    syllabic = float(band / total) if total > 0 else 0.0
    # Every piece of evidence must point to speech: no groove, frequent pauses, syllable-rate modulation.
    score = min((0.45 - clarity) / 0.15, (pause_rate - 3.0) / 3.0, (syllabic - 0.2) / 0.1)
    return {"score": round(float(score), 3), "pulse_clarity": round(clarity, 3), "pauses_per_min": round(pause_rate, 2),
            "pause_fraction": round(float(pause_frac), 3), "syllabic_modulation": round(syllabic, 3)}
