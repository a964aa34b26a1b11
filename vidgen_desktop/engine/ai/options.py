"""The few plain-language settings the AI tiers expose."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from vidgen_desktop.core.errors import UsageError


class MotionStrength(str, Enum):
    """How much the picture moves. Mapped per backend (SVD motion bucket and noise, AnimateDiff strength)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ChainFrom(str, Enum):
    """What each clip after the first starts from."""

    LAST_FRAME = "last-frame"  # the end of the previous clip: one continuous shot
    SOURCE = "source"  # the user's picture again: every clip stays close to it


#: AnimateDiff's motion prompt when the user gives none.
DEFAULT_PROMPT = "gentle natural motion, subtle movement, high quality, detailed"
DEFAULT_NEGATIVE_PROMPT = "static, still image, blurry, distorted, low quality, watermark, text"
MIN_STEPS, MAX_STEPS = 1, 150


@dataclass(frozen=True)
class AiOptions:
    """AI settings for one render; every field has a sensible default.

    ``allow_slow`` lets an AI tier run where the hardware check says it should not (a
    small GPU, or no GPU at all: the CPU in fp32). It works, it is told how slow it is.
    ``frames_per_clip`` overrides the model's native clip length (fewer frames, less
    memory; mostly for tests and very small GPUs).
    """

    steps: int | None = None
    motion: MotionStrength = MotionStrength.MEDIUM
    prompt: str | None = None
    allow_slow: bool = False
    chain_from: ChainFrom = ChainFrom.LAST_FRAME
    frames_per_clip: int | None = None
    #: A chosen tier that fails hands over to a weaker one (said loudly) instead of failing the render.
    #: "Automatic" always does; this is ``--fallback``.
    fallback: bool = False

    def __post_init__(self) -> None:
        if self.steps is not None and not MIN_STEPS <= self.steps <= MAX_STEPS:
            raise UsageError(f"steps must be between {MIN_STEPS} and {MAX_STEPS}, not {self.steps}")
        if self.frames_per_clip is not None and not 2 <= self.frames_per_clip <= 64:
            raise UsageError(f"frames per clip must be between 2 and 64, not {self.frames_per_clip}")
        if self.prompt is not None and len(self.prompt) > 1000:
            raise UsageError("the motion prompt is too long (at most 1000 characters)")

    @property
    def effective_prompt(self) -> str:
        return self.prompt.strip() if self.prompt and self.prompt.strip() else DEFAULT_PROMPT

    def to_dict(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "motion": self.motion.value,
            "prompt": self.prompt,
            "allow_slow": self.allow_slow,
            "chain_from": self.chain_from.value,
            "frames_per_clip": self.frames_per_clip,
            "fallback": self.fallback,
        }
