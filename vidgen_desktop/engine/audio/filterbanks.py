"""Mel and chroma filter banks in plain numpy (a few milliseconds; no librosa, no numba).

They reproduce librosa 0.11's ``filters.mel`` with its defaults (Slaney's mel scale, ``htk=False``, and
Slaney's area normalisation, ``norm="slaney"``) and ``filters.chroma`` with its defaults (tuning 0, the
octave-weighting Gaussian centred on octave 5 with a 2-octave width, columns L2-normalised, rows starting
at C), to within float rounding; ``tests/engine/audio/test_filterbanks.py`` compares them with librosa.

Both return float32 matrices of shape (bands, ``n_fft // 2 + 1``), to be multiplied with a power spectrum.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]

# Slaney's mel scale (Auditory Toolbox): linear up to 1 kHz (3 mels per 200 Hz), logarithmic above it
# (27 mels per factor 6.4 in frequency).
_HZ_PER_MEL = 200.0 / 3.0
_KNEE_HZ = 1000.0
_KNEE_MEL = _KNEE_HZ / _HZ_PER_MEL
_LOG_HZ_PER_MEL = float(np.log(6.4)) / 27.0

#: Chroma: centre (octaves above A0, 27.5 Hz: octave 5 is 880 Hz) and width of the octave-weighting Gaussian.
CHROMA_CENTRE_OCTAVE = 5.0
CHROMA_OCTAVE_WIDTH = 2.0


def hz_to_mel(hz: npt.ArrayLike) -> F64:
    """Slaney mel of each frequency (Hz)."""
    f = np.asarray(hz, dtype=np.float64)
    above = _KNEE_MEL + np.log(np.maximum(f, _KNEE_HZ) / _KNEE_HZ) / _LOG_HZ_PER_MEL
    return np.where(f >= _KNEE_HZ, above, f / _HZ_PER_MEL)


def mel_to_hz(mel: npt.ArrayLike) -> F64:
    """Frequency (Hz) of each Slaney mel; the inverse of :func:`hz_to_mel`."""
    m = np.asarray(mel, dtype=np.float64)
    above = _KNEE_HZ * np.exp(_LOG_HZ_PER_MEL * (np.maximum(m, _KNEE_MEL) - _KNEE_MEL))
    return np.where(m >= _KNEE_MEL, above, m * _HZ_PER_MEL)


def mel_bank(sr: float, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None) -> F32:
    """Triangular mel filters (``n_mels`` x ``n_fft // 2 + 1``) spaced evenly in Slaney mels from ``fmin`` to
    ``fmax`` (default ``sr / 2``), each scaled to unit area over its band (2 / band width in Hz)."""
    top = sr / 2.0 if fmax is None else float(fmax)
    # n_mels + 2 edges: filter i rises from edge i to edge i + 1 and falls to edge i + 2.
    edges = mel_to_hz(np.linspace(float(hz_to_mel(fmin)), float(hz_to_mel(top)), n_mels + 2))
    bins = np.fft.rfftfreq(n_fft, 1.0 / sr)
    widths = np.diff(edges)
    rising = (bins[None, :] - edges[:-2, None]) / widths[:-1, None]
    falling = (edges[2:, None] - bins[None, :]) / widths[1:, None]
    tri = np.maximum(0.0, np.minimum(rising, falling))
    tri *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return tri.astype(np.float32)


def chroma_bank(sr: float, n_fft: int, n_chroma: int = 12) -> F32:
    """Chroma filters (``n_chroma`` x ``n_fft // 2 + 1``), row 0 = C: each FFT bin spreads over the pitch
    classes near its pitch with a Gaussian as wide as the bin (in semitones, at least one), columns have unit
    L2 norm, then are weighted by a Gaussian over octaves (centre 5, width 2) so very low and very high bins
    count less. Tuning is A = 440 Hz."""
    # Pitch of each bin in chroma steps above A0 (27.5 Hz), for bins 1..n_fft-1 (the mirrored half too, cut at the
    # end: it sets the last kept bin's width), and for the DC bin a made-up pitch 1.5 octaves below bin 1.
    freqs = np.arange(1, n_fft, dtype=np.float64) * (sr / n_fft)
    pitch = n_chroma * np.log2(freqs / (440.0 / 16.0))
    pitch = np.concatenate(([pitch[0] - 1.5 * n_chroma], pitch))
    width = np.concatenate((np.maximum(np.diff(pitch), 1.0), [1.0]))
    # Distance of every bin's pitch to every pitch class, wrapped into [-half, half).
    half = float(np.round(n_chroma / 2.0))
    dist = pitch[None, :] - np.arange(n_chroma, dtype=np.float64)[:, None]
    dist = np.mod(dist + half, n_chroma) - half
    w = np.exp(-0.5 * (2.0 * dist / width[None, :]) ** 2)
    w /= np.sqrt((w * w).sum(axis=0, keepdims=True))
    w *= np.exp(-0.5 * ((pitch / n_chroma - CHROMA_CENTRE_OCTAVE) / CHROMA_OCTAVE_WIDTH) ** 2)[None, :]
    # Pitch classes were counted from A; start the rows at C (3 semitones up).
    w = np.roll(w, -3 * (n_chroma // 12), axis=0)
    return np.ascontiguousarray(w[:, : n_fft // 2 + 1], dtype=np.float32)


@lru_cache(maxsize=4)
def filter_banks(sr: int, n_fft: int, n_mels: int, fmin: float) -> tuple[F32, F32]:
    """The analyser's mel (``n_mels`` bands from ``fmin`` to sr/2) and 12-class chroma banks, made once per process
    (well under a millisecond each at the analysis settings, so nothing is kept on disk). Treat them as read-only."""
    mel, chroma = mel_bank(sr, n_fft, n_mels, fmin), chroma_bank(sr, n_fft)
    mel.flags.writeable = False
    chroma.flags.writeable = False
    return mel, chroma
