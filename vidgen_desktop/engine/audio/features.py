"""Frame features every other part of the analyser works from: log-mel spectrogram, onset envelopes,
chroma, MFCC and a loudness envelope. numpy/scipy only, plus librosa's filter banks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.audio.lib import filter_banks

Array = npt.NDArray[np.float32]

#: STFT size and hop at 22050 Hz: 46 ms windows every 11.6 ms (86 frames a second).
N_FFT = 1024
HOP = 256
N_MELS = 64
#: Mel bands below this carry kick drums and bass notes (the accents that mark bar starts).
LOW_HZ = 200.0
#: Onset compression: log(1 + C * power / loud power).
COMPRESSION = 10.0
#: ... and for finding every attack, however quiet (about 60 dB of range).
FINE_COMPRESSION = 1e4


@dataclass(frozen=True)
class Features:
    sr: int
    hop: int
    #: Frames per second of the frame features.
    fps: float
    #: Log-mel power (dB, N_MELS x frames).
    mel_db: Array
    #: Spectral-flux onset envelope over all bands (frames), >= 0, loudness-weighted (beats, accents).
    onset: Array
    #: The same with strong compression: quiet attacks (a soft hi-hat) show too (onset detection).
    onset_fine: Array
    #: The same over the low bands only (kick drum, bass).
    onset_low: Array
    #: Chroma (12 x frames), each column summing to 1 where there is sound.
    chroma: Array
    #: RMS per frame (linear).
    rms: Array
    #: Onset flux in four band groups (low to high, 4 x frames): what the drums play, for section novelty.
    flux_bands: Array

    @property
    def n_frames(self) -> int:
        return int(self.onset.shape[0])

    def frame_times(self) -> npt.NDArray[np.float64]:
        return np.arange(self.n_frames, dtype=np.float64) / self.fps


def _power_spectrogram(y: Array) -> Array:
    from scipy import fft

    pad = N_FFT // 2
    yp = np.pad(y, (pad, pad), mode="constant")
    n_frames = 1 + (yp.shape[0] - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(yp, shape=(n_frames, N_FFT), strides=(yp.strides[0] * HOP, yp.strides[0]))
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    spec = fft.rfft(frames * window, axis=1, workers=1)
    power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32)
    return np.ascontiguousarray(power.T)  # (bins, frames)


def compute_features(y: Array, sr: int) -> Features:
    """All frame features of mono ``y`` at ``sr``."""
    mel_fb, chroma_fb = filter_banks(sr, N_FFT, N_MELS, 30.0)
    power = _power_spectrogram(y)
    mel = mel_fb @ power
    mel_db = 10.0 * np.log10(np.maximum(mel, 1e-10))
    mel_db = np.maximum(mel_db, mel_db.max() - 80.0).astype(np.float32)
    # Onsets from log(1 + C * power): loud attacks count more than quiet ones (a plain dB flux makes a soft
    # hi-hat as strong as a kick drum, which puts beats on off-beats).
    ref = max(float(np.percentile(mel, 99.9)), 1e-10)
    comp = np.log1p(COMPRESSION * (mel / ref))
    flux = np.maximum(0.0, np.diff(comp, axis=1, prepend=comp[:, :1]))
    onset = flux.mean(axis=0).astype(np.float32)
    fine = np.log1p(FINE_COMPRESSION * (mel / ref))
    onset_fine = np.maximum(0.0, np.diff(fine, axis=1, prepend=fine[:, :1])).mean(axis=0).astype(np.float32)
    centres = _mel_centres(sr)
    low = centres < LOW_HZ
    onset_low = flux[low].mean(axis=0).astype(np.float32) if low.any() else onset
    chroma = chroma_fb @ power
    chroma /= np.maximum(chroma.sum(axis=0, keepdims=True), 1e-10)
    rms = np.sqrt(power.sum(axis=0) * 2.0 / (N_FFT * np.hanning(N_FFT + 1)[:-1] ** 2).sum()).astype(np.float32)
    groups = np.array_split(np.arange(N_MELS), 4)
    flux_bands = np.stack([flux[g].mean(axis=0) for g in groups]).astype(np.float32)
    return Features(sr=sr, hop=HOP, fps=sr / HOP, mel_db=mel_db, onset=onset, onset_fine=onset_fine, onset_low=onset_low,
                    chroma=chroma.astype(np.float32), rms=rms, flux_bands=flux_bands)


def _mel_centres(sr: int) -> npt.NDArray[np.float64]:
    def hz_to_mel(f: float) -> float:
        return 2595.0 * float(np.log10(1.0 + f / 700.0))

    # librosa's default (Slaney) scale is close enough to HTK for choosing "low" bands.
    mels = np.linspace(hz_to_mel(30.0), hz_to_mel(sr / 2), N_MELS + 2)[1:-1]
    return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)


def mfcc(mel_db: Array, n: int = 13) -> Array:
    from scipy import fft

    return np.asarray(fft.dct(mel_db, type=2, axis=0, norm="ortho")[:n], dtype=np.float32)


def loudness_envelope(y: Array, sr: int, hop_s: float, *, floor_db: float = 60.0) -> tuple[Array, float]:
    """Loudness every ``hop_s`` (RMS over two hops, centred) as 0..1: 0 is ``floor_db`` below the loud
    reference (the 99th percentile), 1 is that reference or louder. Also returns the reference in dBFS."""
    n_out = max(1, int(np.ceil(y.shape[0] / sr / hop_s)))
    csum = np.concatenate(([0.0], np.cumsum(y.astype(np.float64) ** 2)))
    centres = np.arange(n_out) * hop_s * sr
    half = hop_s * sr
    a = np.clip(np.round(centres - half).astype(np.int64), 0, y.shape[0])
    b = np.clip(np.round(centres + half).astype(np.int64), 0, y.shape[0])
    mean_sq = (csum[b] - csum[a]) / np.maximum(b - a, 1)
    db = 10.0 * np.log10(np.maximum(mean_sq, 1e-12))
    ref = float(np.percentile(db, 99))
    env = np.clip((db - (ref - floor_db)) / floor_db, 0.0, 1.0).astype(np.float32)
    return env, ref
