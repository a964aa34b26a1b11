"""What transcription gives: timed cues with their words, the language, the audio's length."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vidgen_desktop.engine.captions.cue import Cue, Word


@dataclass(frozen=True)
class Transcript:
    """Cues (each with its :class:`Word` timings, seconds from the audio's start) of one audio file.

    ``language`` is the spoken language Whisper detected or was told (ISO 639-1, e.g. ``en``);
    after :func:`~vidgen_desktop.engine.transcribe.translate.translate_transcript` it is the
    target language and the cues keep the source timing. ``Word.text`` is the word without
    surrounding spaces; ``Cue.text`` is the words joined as the language writes them (no
    spaces between CJK words), in at most two balanced lines.
    """

    cues: tuple[Cue, ...]
    language: str
    duration_s: float
    model_id: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for c in self.cues for w in c.words)

    @property
    def text(self) -> str:
        return " ".join(c.text.replace("\n", " ") for c in self.cues)


def transcript_json(t: Transcript) -> dict[str, Any]:
    """The JSON form (``transcribe --format json``): cues with their words, each word's start and end."""
    from vidgen_desktop.engine.captions.files import cues_to_json

    return {**cues_to_json(list(t.cues), language=t.language, duration_s=t.duration_s), "model": t.model_id}
