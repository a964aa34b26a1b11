"""Drum tracks with known beats and bar starts, synthesised in numpy (kick, snare, hi-hat, bass), and the
beat F-measure as mir_eval defines it (events matched one-to-one within a window)."""

from __future__ import annotations

import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

SR = 22050
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Track:
    y: F32
    sr: int
    beats: F64
    downbeats: F64
    #: Start times of the pattern changes (sections) the generator made.
    sections: F64 = field(default_factory=lambda: np.zeros(1))

    @property
    def duration_s(self) -> float:
        return self.y.shape[0] / self.sr

    def write_wav(self, path: Path) -> Path:
        pcm = (np.clip(self.y, -1.0, 1.0) * 32767).astype("<i2")
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sr)
            w.writeframes(pcm.tobytes())
        return path


def _t(seconds: float, sr: int = SR) -> F64:
    return np.arange(int(seconds * sr)) / sr


def kick(sr: int = SR) -> F32:
    t = _t(0.25, sr)
    freq = 45.0 + 90.0 * np.exp(-t / 0.03)
    phase = 2 * np.pi * np.cumsum(freq) / sr
    return (np.sin(phase) * np.exp(-t / 0.09)).astype(np.float32)


def snare(rng: np.random.Generator, sr: int = SR) -> F32:
    t = _t(0.2, sr)
    noise = rng.standard_normal(t.shape[0]) * np.exp(-t / 0.05)
    body = np.sin(2 * np.pi * 190.0 * t) * np.exp(-t / 0.04)
    return (0.5 * noise + 0.6 * body).astype(np.float32)


def hihat(rng: np.random.Generator, sr: int = SR, open_: bool = False) -> F32:
    t = _t(0.25 if open_ else 0.06, sr)
    noise = np.diff(rng.standard_normal(t.shape[0] + 1))  # high-passed
    return (0.3 * noise * np.exp(-t / (0.08 if open_ else 0.015))).astype(np.float32)


def bass_note(hz: float, seconds: float, sr: int = SR) -> F32:
    t = _t(seconds, sr)
    tone = np.sin(2 * np.pi * hz * t) + 0.4 * np.sin(4 * np.pi * hz * t) + 0.2 * np.sin(6 * np.pi * hz * t)
    env = np.minimum(1.0, t / 0.01) * np.exp(-t / max(seconds, 0.2))
    return (0.35 * tone * env).astype(np.float32)


def chord(root_hz: float, seconds: float, sr: int = SR) -> F32:
    """A soft sustained triad (pad): harmony without attacks."""
    t = _t(seconds, sr)
    out = sum(np.sin(2 * np.pi * root_hz * r * t) for r in (2.0, 2.52, 3.0))
    env = np.minimum(1.0, t / 0.3) * np.minimum(1.0, (seconds - t) / 0.3)
    return (0.12 * out * env).astype(np.float32)


def _add(y: F32, sound: F32, at: float, sr: int, gain: float = 1.0) -> None:
    i = round(at * sr)
    if i >= y.shape[0] or i < 0:
        return
    n = min(sound.shape[0], y.shape[0] - i)
    y[i: i + n] += gain * sound[:n]


#: Bass roots of a four-bar progression (Hz): a new note on every bar start.
PROGRESSION = (55.0, 73.4, 65.4, 49.0)


def drum_track(segments: list[tuple[float, int]] | float, bars: int = 8, *, pattern: str = "rock", swing: float = 0.0,
               noise_snr_db: float | None = None, lead_in_s: float = 0.5, tail_s: float = 1.0, seed: int = 0,
               patterns: list[str] | None = None, pad: bool = False, sr: int = SR) -> Track:
    """A drum-and-bass loop in 4/4.

    ``segments``: a tempo (BPM) for ``bars`` bars, or ``[(bpm, bars), ...]`` for tempo changes (at bar lines).
    ``pattern``: ``rock`` (kick 1+3, snare 2+4, hats on eighths), ``four`` (kick on every beat, clap 2+4, open
    hat on the off-beats) or ``sparse`` (kick 1, snare 3, hats on beats). ``patterns`` overrides per segment.
    ``swing`` 0..1 delays the off-beat eighths towards the triplet position (1 = 2/3 of the beat).
    ``pad``: a soft chord every two bars (a four-chord cycle over eight bars), following the tempo.
    """
    rng = np.random.default_rng(seed)
    segs = [(float(segments), bars)] if isinstance(segments, (int, float)) else list(segments)
    beats: list[float] = []
    periods: list[float] = []
    seg_starts: list[float] = []
    seg_pattern: list[str] = []
    t = lead_in_s
    for k, (bpm, n_bars) in enumerate(segs):
        p = 60.0 / bpm
        seg_starts.append(t)
        for _ in range(n_bars * 4):
            beats.append(t)
            periods.append(p)
            seg_pattern.append(patterns[k] if patterns else pattern)
            t += p
    total = t + tail_s
    y = np.zeros(int(total * sr) + 1, dtype=np.float32)
    sounds = {"kick": kick(sr), "snare": snare(rng, sr), "hat": hihat(rng, sr), "open": hihat(rng, sr, True)}
    off = 0.5 + swing / 6.0
    for i, (b, p, pat) in enumerate(zip(beats, periods, seg_pattern)):
        pos = i % 4
        bar = i // 4
        if pos == 0:
            _add(y, bass_note(PROGRESSION[bar % 4], 4 * p * 0.9, sr), b, sr)
            if pat == "four":
                _add(y, chord(PROGRESSION[bar % 4], 4 * p, sr), b, sr)
            if pad and bar % 2 == 0:
                _add(y, chord(2 * PROGRESSION[(bar // 2) % 4], 8 * p, sr), b, sr, 0.6)
        if pat == "rock":
            if pos in (0, 2):
                _add(y, sounds["kick"], b, sr)
            else:
                _add(y, sounds["snare"], b, sr, 0.8)
            _add(y, sounds["hat"], b, sr, 0.7)
            _add(y, sounds["hat"], b + off * p, sr, 0.45)
        elif pat == "four":
            _add(y, sounds["kick"], b, sr)
            if pos in (1, 3):
                _add(y, sounds["snare"], b, sr, 0.6)
            _add(y, sounds["open"], b + off * p, sr, 0.5)
        elif pat == "sparse":
            if pos == 0:
                _add(y, sounds["kick"], b, sr)
            if pos == 2:
                _add(y, sounds["snare"], b, sr, 0.8)
            _add(y, sounds["hat"], b, sr, 0.6)
        else:
            raise ValueError(pattern)
    y /= max(float(np.abs(y).max()), 1e-9) / 0.8
    if noise_snr_db is not None:
        rms = float(np.sqrt(np.mean(y[int(lead_in_s * sr): int(t * sr)] ** 2)))
        y += (rng.standard_normal(y.shape[0]) * rms * 10 ** (-noise_snr_db / 20)).astype(np.float32)
        y /= max(float(np.abs(y).max()), 1e-9) / 0.9
    beat_arr = np.asarray(beats)
    return Track(y=y, sr=sr, beats=beat_arr, downbeats=beat_arr[0::4], sections=np.asarray(seg_starts))


def f_measure(reference: npt.ArrayLike, estimated: npt.ArrayLike, window: float = 0.07) -> float:
    """mir_eval's beat F-measure: precision and recall of a one-to-one matching within ``window`` seconds."""
    ref = np.sort(np.asarray(reference, dtype=np.float64))
    est = np.sort(np.asarray(estimated, dtype=np.float64))
    if ref.size == 0 and est.size == 0:
        return 1.0
    if ref.size == 0 or est.size == 0:
        return 0.0
    # Candidate pairs within the window, closest first; greedy is exact here (the window is under half a beat).
    d = np.abs(ref[:, None] - est[None, :])
    pairs = np.argwhere(d <= window)
    pairs = pairs[np.argsort(d[pairs[:, 0], pairs[:, 1]])]
    used_r: set[int] = set()
    used_e: set[int] = set()
    for r, e in pairs:
        if r not in used_r and e not in used_e:
            used_r.add(int(r))
            used_e.add(int(e))
    matched = len(used_r)
    precision, recall = matched / est.size, matched / ref.size
    return 0.0 if matched == 0 else 2 * precision * recall / (precision + recall)
