"""What every voice engine provides, and the facts about each engine (languages, models, licences)."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.tts.audio import Samples

if TYPE_CHECKING:
    from typing_extensions import Self


class EngineId(str, Enum):
    """Voice engines, from always-available to best. ``AUTO`` lets hardware and installed models decide."""

    AUTO = "auto"
    SYSTEM = "system"
    BARK = "bark"
    XTTS = "xtts"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def parse(cls, text: str | EngineId) -> EngineId:
        if isinstance(text, EngineId):
            return text
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise UsageError(f"unknown voice engine {text!r} (choose {', '.join(e.value for e in cls)})") from None


_LABELS = {
    EngineId.AUTO: "Automatic",
    EngineId.SYSTEM: "System voice",
    EngineId.BARK: "Bark",
    EngineId.XTTS: "XTTS-v2",
}

#: Catalogue model ids each engine can use, preferred first (Bark: the full model only on strong GPUs).
ENGINE_MODELS: dict[EngineId, tuple[str, ...]] = {
    EngineId.SYSTEM: (),
    EngineId.BARK: ("bark", "bark-small"),
    EngineId.XTTS: ("xtts-v2",),
}
#: Catalogue ``kind`` → engine, for the user's own model entries.
KIND_ENGINES: dict[str, EngineId] = {"bark": EngineId.BARK, "xtts": EngineId.XTTS}

#: Python packages each engine imports (import names).
ENGINE_PACKAGES: dict[EngineId, tuple[str, ...]] = {
    EngineId.SYSTEM: (),
    EngineId.BARK: ("torch", "transformers"),
    EngineId.XTTS: ("torch", "TTS"),
}
#: pip names for the hint when a package is missing.
PIP_NAMES = {"torch": "torch", "transformers": "transformers", "TTS": "coqui-tts", "pyttsx3": "pyttsx3"}

#: XTTS-v2's 17 languages (coqui's codes).
XTTS_LANGUAGES: tuple[str, ...] = ("en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh-cn",
                                   "hu", "ko", "ja", "hi")
#: Characters per chunk for XTTS by language (coqui's own limits, with margin: quality drops near them).
XTTS_CHAR_LIMITS: dict[str, int] = {"en": 220, "de": 220, "fr": 220, "es": 210, "it": 190, "pt": 180, "pl": 200,
                                    "zh-cn": 70, "ar": 150, "cs": 165, "ru": 160, "nl": 220, "tr": 200, "ja": 60,
                                    "hu": 200, "ko": 85, "hi": 150}
#: Bark's languages (the ones with speaker presets).
BARK_LANGUAGES: tuple[str, ...] = ("en", "de", "es", "fr", "hi", "it", "ja", "ko", "pl", "pt", "ru", "tr", "zh")
#: Bark speaks about 13 s per generation: keep chunks well under that.
BARK_CHAR_LIMITS: dict[str, int] = {"zh": 60, "ja": 60, "ko": 80}
BARK_DEFAULT_CHARS = 170

#: Shown before a download and in the About box.
LICENCE_NOTES: dict[EngineId, str] = {
    EngineId.SYSTEM: "The system voice belongs to your operating system (eSpeak NG on Linux: GPL-3.0).",
    EngineId.BARK: "Suno Bark: MIT licence.",
    EngineId.XTTS: "Coqui XTTS-v2: Coqui Public Model License 1.0.0 (https://coqui.ai/cpml), non-commercial use "
                   "only. Voices it makes may not be used commercially.",
}


@dataclass(frozen=True)
class WordTiming:
    """A word's place in a chunk's audio, in seconds from the chunk's start."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Speech:
    """One chunk of synthesized speech: mono float32 samples."""

    samples: Samples
    sample_rate: int
    words: tuple[WordTiming, ...] = ()

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.sample_rate if self.sample_rate else 0.0


@dataclass(frozen=True)
class VoiceInfo:
    """A voice the user can pick (``id`` goes to ``--voice``)."""

    id: str
    name: str
    languages: tuple[str, ...] = ()
    gender: str = ""


@dataclass(frozen=True)
class VoiceRequest:
    """What the user asked for; engines validate it before loading anything heavy."""

    language: str | None = None
    voice: str | None = None
    voice_sample: Path | None = None
    seed: int | None = None
    #: "cpu", "cuda", "mps" or None (engine decides).
    device: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SpeechEngine(abc.ABC):
    """A loaded voice. ``synthesize`` is called once per chunk, on one thread; ``close`` frees the model."""

    engine_id: EngineId
    #: The model-store id in use (None for the system voice).
    model_id: str | None = None
    #: The language actually used (the engine's own code).
    language: str = "en"
    #: A short human description ("eSpeak NG, voice en-us+f3").
    description: str = ""

    @abc.abstractmethod
    def max_chunk_chars(self) -> int:
        """Longest text one ``synthesize`` call handles well."""

    @abc.abstractmethod
    def synthesize(self, text: str) -> Speech:
        """Speak ``text`` (one sentence or part of one)."""

    def close(self) -> None:
        """Free the model (GPU memory)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def unsupported_language(engine: EngineId, code: str, supported: tuple[str, ...] | list[str]) -> UsageError:
    unique = sorted({s.lower() for s in supported})
    shown = ", ".join(unique[:60]) + (" ..." if len(unique) > 60 else "")
    who = "the system voice" if engine in (EngineId.SYSTEM, EngineId.AUTO) else engine.label
    return UsageError(f"language {code!r} is not supported by {who} (supported: {shown})",
                      hint="list them with `vidgen-desktop tts --list-languages --engine ENGINE`")


def match_language(engine: EngineId, code: str | None, supported: tuple[str, ...] | list[str],
                   default: str = "en") -> str:
    """The engine's code for ``code``: exact, then case-insensitive, then the base language ("en-US" → "en",
    "zh" → "zh-cn"); :class:`UsageError` when the engine does not speak it."""
    if not code:
        return default
    want = code.strip().lower().replace("_", "-")
    lower = {s.lower(): s for s in supported}
    if want in lower:
        return lower[want]
    base = want.split("-", 1)[0]
    if base in lower:
        return lower[base]
    for s in supported:  # "zh" → "zh-cn", "pt" → "pt-br"
        if s.lower().split("-", 1)[0] == base:
            return s
    raise unsupported_language(engine, code, supported)
