"""The caption cue: text on screen for a span of the audio, with its words' own times when known."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One spoken word from ``start`` to ``end`` seconds (from transcription or alignment)."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    """A caption on screen from ``start`` to ``end`` seconds; ``text`` may hold one line break.

    ``words`` are the cue's words with their times (empty when only the cue's span is known,
    e.g. an SRT file or pause-aligned narration); karaoke and word styles need them.
    """

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()

    @property
    def duration(self) -> float:
        return self.end - self.start
