"""The caption cue: text on screen for a span of the narration."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """A caption on screen from ``start`` to ``end`` seconds; ``text`` may hold one line break."""

    start: float
    end: float
    text: str

    @property
    def duration(self) -> float:
        return self.end - self.start
