"""Frame features every other part of the analyser works from: log-mel spectrogram, onset envelopes,
chroma, MFCC and a loudness envelope. numpy/scipy only (filter banks: ``filterbanks``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vidgen_desktop.engine.audio.filterbanks import filter_banks

Array = npt.NDArray[np.float32]

#: STFT size and hop at 22050 Hz: 46 ms windows every 11.6 ms (86 frames a second).
N_FFT = 1024
HOP = 256
N_MELS = 64
#: STFT frames transformed at once (~8 MB of float32 frames).
CHUNK_FRAMES = 2048
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


def _spectra(y: Array, mel_fb: Array, chroma_fb: Array) -> tuple[Array, Array, Array]:
    """Mel power (N_MELS x frames), chroma power (12 x frames) and RMS (frames) of centred STFT frames.

    The power spectrogram is made CHUNK_FRAMES frames at a time, so an hour of audio needs a few
    megabytes of it at once, not gigabytes.
    """
    from scipy import fft

    pad = N_FFT // 2
    yp = np.pad(y, (pad, pad), mode="constant")
    n_frames = 1 + (yp.shape[0] - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(yp, shape=(n_frames, N_FFT), strides=(yp.strides[0] * HOP, yp.strides[0]),
                                             writeable=False)
    window = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
    rms_scale = 2.0 / (N_FFT * float((window.astype(np.float64) ** 2).sum()))
    mel = np.empty((mel_fb.shape[0], n_frames), np.float32)
    chroma = np.empty((chroma_fb.shape[0], n_frames), np.float32)
    rms = np.empty(n_frames, np.float32)
    for a in range(0, n_frames, CHUNK_FRAMES):
        b = min(n_frames, a + CHUNK_FRAMES)
        spec = fft.rfft(frames[a:b] * window, axis=1, workers=1)
        power = (spec.real ** 2 + spec.imag ** 2).astype(np.float32).T  # (bins, frames)
        mel[:, a:b] = mel_fb @ power
        chroma[:, a:b] = chroma_fb @ power
        rms[a:b] = np.sqrt(power.sum(axis=0) * rms_scale)
    return mel, chroma, rms


def compute_features(y: Array, sr: int) -> Features:
    """All frame features of mono ``y`` at ``sr``."""
    mel_fb, chroma_fb = filter_banks(sr, N_FFT, N_MELS, 30.0)
    mel, chroma, rms = _spectra(y, mel_fb, chroma_fb)
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
    chroma /= np.maximum(chroma.sum(axis=0, keepdims=True), 1e-10)
    groups = np.array_split(np.arange(N_MELS), 4)
    flux_bands = np.stack([flux[g].mean(axis=0) for g in groups]).astype(np.float32)
    return Features(sr=sr, hop=HOP, fps=sr / HOP, mel_db=mel_db, onset=onset, onset_fine=onset_fine, onset_low=onset_low,
                    chroma=chroma.astype(np.float32), rms=rms, flux_bands=flux_bands)


def _mel_centres(sr: int) -> npt.NDArray[np.float64]:
    def hz_to_mel(f: float) -> float:
        return 2595.0 * float(np.log10(1.0 + f / 700.0))

    # The filter bank's Slaney scale is close enough to HTK for choosing "low" bands.
    mels = np.linspace(hz_to_mel(30.0), hz_to_mel(sr / 2), N_MELS + 2)[1:-1]
    return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)


def mfcc(mel_db: Array, n: int = 13) -> Array:
    from scipy import fft

    return np.asarray(fft.dct(mel_db, type=2, axis=0, norm="ortho")[:n], dtype=np.float32)


def loudness_envelope(y: Array, sr: int, hop_s: float, *, floor_db: float = 60.0) -> tuple[Array, float]:
    """Loudness every ``hop_s`` (RMS over two hops, centred) as 0..1: 0 is ``floor_db`` below the loud
    reference (the 99th percentile), 1 is that reference or louder. Also returns the reference in dBFS.

    Energy is summed per hop in chunks (float64 sums of float32 squares), so an hour of audio needs no
    hour-long temporary arrays.
    """
    hop = hop_s * sr
    n_out = max(1, int(np.ceil(y.shape[0] / hop)))
    edges = np.minimum(np.round(np.arange(n_out + 1) * hop).astype(np.int64), y.shape[0])
    block = np.zeros(n_out + 1)  # energy of [edges[k], edges[k+1]); block[-1] stays 0 (past the end)
    step = 8192
    for a in range(0, n_out, step):
        b = min(n_out, a + step)
        seg = y[edges[a]: edges[b]].astype(np.float64) ** 2
        starts = edges[a:b] - edges[a]
        nonempty = starts < seg.shape[0]
        if nonempty.any():
            block[a:b][nonempty] = np.add.reduceat(seg, starts[nonempty]) if seg.size else 0.0
    counts = np.diff(edges).astype(np.float64)
    # Centred window of two hops: [centre - hop, centre + hop) = block k-1 and block k.
    prev_e = np.concatenate(([0.0], block[: n_out - 1]))
    prev_n = np.concatenate(([0.0], counts[: n_out - 1]))
    mean_sq = (prev_e + block[:n_out]) / np.maximum(prev_n + counts, 1.0)
    db = 10.0 * np.log10(np.maximum(mean_sq, 1e-12))
    ref = float(np.percentile(db, 99))
    env = np.clip((db - (ref - floor_db)) / floor_db, 0.0, 1.0).astype(np.float32)
    return env, ref
