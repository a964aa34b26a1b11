"""What listening to the audio found: plain data shared by the analyser, the camera, the slideshow and the overlays.

It lives in ``core`` so every layer can hold one without importing the analyser
(numpy and scipy load in :mod:`vidgen_desktop.engine.audio`). Times are seconds
from the start of the audio; strengths and loudness are normalised to 0..1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: Bump when the analyser's results change meaning, so cached analyses are recomputed.
ANALYSIS_VERSION = 1


@dataclass(frozen=True)
class AudioAnalysis:
    """Tempo, beats, bars, onsets, loudness, sections, pauses and the kind of sound of one audio file."""

    duration_s: float
    #: ``"music"`` or ``"speech"``.
    kind: str
    #: Main tempo in beats per minute (``None`` for speech or when no steady beat was found).
    tempo_bpm: float | None = None
    beats: tuple[float, ...] = ()
    #: Accent of each beat (same length as ``beats``), 0..1.
    beat_strengths: tuple[float, ...] = ()
    #: Bar starts (first beat of each bar).
    downbeats: tuple[float, ...] = ()
    onsets: tuple[float, ...] = ()
    onset_strengths: tuple[float, ...] = ()
    #: Loudness envelope, one value per ``envelope_hop_s``.
    envelope_hop_s: float = 0.01
    envelope: tuple[float, ...] = ()
    #: Section starts (novelty boundaries); the first is 0.0.
    sections: tuple[float, ...] = (0.0,)
    #: Phrase boundaries (finer than sections: every few bars in music, sentence pauses in speech).
    phrases: tuple[float, ...] = ()
    #: Silences and pauses as (start, end).
    pauses: tuple[tuple[float, float], ...] = ()
    version: int = ANALYSIS_VERSION
    extra: dict[str, Any] = field(default_factory=dict)

    def loudness_at(self, t: float) -> float:
        """The envelope at ``t`` seconds (linear interpolation; 0 outside)."""
        if not self.envelope or self.envelope_hop_s <= 0:
            return 0.0
        pos = t / self.envelope_hop_s
        i = int(pos)
        if i < 0 or i >= len(self.envelope):
            return 0.0
        if i + 1 >= len(self.envelope):
            return self.envelope[i]
        f = pos - i
        return self.envelope[i] * (1.0 - f) + self.envelope[i + 1] * f

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AudioAnalysis:
        d = dict(data)
        for key in ("beats", "beat_strengths", "downbeats", "onsets", "onset_strengths", "envelope", "sections",
                    "phrases"):
            if key in d:
                d[key] = tuple(float(v) for v in d[key])
        if "pauses" in d:
            d["pauses"] = tuple((float(a), float(b)) for a, b in d["pauses"])
        return cls(**d)
