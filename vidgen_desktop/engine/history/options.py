"""A job's options beside the :class:`RenderJob` (AI settings, narration) as JSON, and back.

The queue stores ``{"ai": ..., "narration": ...}`` next to the job; the history stores the
same inside the settings, so "render again" gets everything back.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.job_codec import job_from_dict
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength
from vidgen_desktop.engine.history.records import HistoryEntry


def narration_to_dict(spec: NarrationSpec) -> dict[str, Any]:
    return {f.name: (str(v) if isinstance(v := getattr(spec, f.name), Path) else v) for f in fields(spec)}


def narration_from_dict(data: dict[str, Any]) -> NarrationSpec:
    known = {f.name for f in fields(NarrationSpec)}
    values = {k: v for k, v in data.items() if k in known}
    for key in ("music", "voice_sample", "models_dir"):
        if values.get(key) is not None:
            values[key] = Path(values[key])
    try:
        return NarrationSpec(**values)
    except TypeError as exc:
        raise UsageError(f"a stored narration cannot be read by this version ({exc})") from None


def ai_from_dict(data: dict[str, Any]) -> AiOptions:
    try:
        return AiOptions(
            steps=data.get("steps"),
            motion=MotionStrength(data.get("motion", MotionStrength.MEDIUM.value)),
            prompt=data.get("prompt"),
            allow_slow=bool(data.get("allow_slow", False)),
            chain_from=ChainFrom(data.get("chain_from", ChainFrom.LAST_FRAME.value)),
            frames_per_clip=data.get("frames_per_clip"),
        )
    except ValueError as exc:
        raise UsageError(f"stored AI settings cannot be read by this version ({exc})") from None


def options_to_dict(ai: AiOptions | None, narration: NarrationSpec | None) -> dict[str, Any]:
    return {"ai": (ai or AiOptions()).to_dict(), "narration": narration_to_dict(narration) if narration else None}


def options_from_dict(data: dict[str, Any]) -> tuple[AiOptions, NarrationSpec | None]:
    narration = data.get("narration")
    return ai_from_dict(data.get("ai") or {}), (narration_from_dict(narration) if narration else None)


def render_again(entry: HistoryEntry) -> tuple[RenderJob, AiOptions, NarrationSpec | None]:
    """The job, AI options and narration of a past render ("render again" in the History tab). The output
    is the old path: the window picks a free name before it starts."""
    data = {**entry.settings, "image": str(entry.image), "audio": str(entry.audio), "output": str(entry.output)}
    ai, narration = options_from_dict(entry.settings)
    return job_from_dict(data), ai, narration
