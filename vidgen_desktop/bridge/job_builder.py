"""From the window's choices (strings in the settings) to a :class:`RenderJob`, the AI options
and the narration request.

Pure functions, so the mapping is tested without a window; "auto" means "let the tier
decide" and becomes ``None`` in the job. The engine's option types are imported inside
the functions: this module loads at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vidgen_desktop.bridge.narration import NARRATION_AUDIO, NarrationSpec
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.jobs import (
    Fit,
    Motion,
    Quality,
    RenderJob,
    Resolution,
    Sync,
    Tier,
    Transition,
    parse_aspect,
    parse_energy,
    parse_fps,
)
from vidgen_desktop.core.overlays import TITLE_AUTO, TITLE_NONE, OverlaySpec
from vidgen_desktop.core.settings import AiSettings, NarrationSettings, OutputSettings, OverlaySettings

if TYPE_CHECKING:
    from vidgen_desktop.engine.ai.options import AiOptions


def build_overlays(o: OverlaySettings) -> OverlaySpec:
    """The audiogram the window's Audiogram tab asks for (a custom title that is empty shows none)."""
    title = {"none": TITLE_NONE, "auto": TITLE_AUTO}.get(o.title, o.title_text.strip() or TITLE_NONE)
    return OverlaySpec(visualizer=o.visualizer, progress=o.progress == "on", title=title)


def build_job(image: Path, audio: Path | None, output: Path, out: OutputSettings,
              overlays: OverlaySettings | None = None, more_images: Sequence[Path] = ()) -> RenderJob:
    """Raises :class:`UsageError` for a value the engine would refuse (settings are validated on load).

    ``more_images``: the slideshow's pictures after ``image``, in the order the window shows them."""
    return RenderJob(
        image=image,
        audio=audio if audio is not None else NARRATION_AUDIO,  # a narrated render replaces it
        output=output,
        tier=Tier(out.tier),
        resolution=None if out.resolution == "auto" else Resolution.parse(out.resolution),
        fps=None if out.fps == "auto" else parse_fps(out.fps),
        aspect=parse_aspect(out.aspect),
        fit=Fit(out.fit),
        quality=Quality(out.quality),
        motion=Motion(out.motion),
        overlays=build_overlays(overlays) if overlays is not None else OverlaySpec(),
        more_images=tuple(more_images),
        transition=Transition(out.transition),
        sync=Sync(out.sync),
        energy=parse_energy(out.energy),
    )


def build_ai_options(ai: AiSettings) -> AiOptions:
    """The AI tiers' settings; 0 steps and an empty prompt mean "the model's default"."""
    from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength

    try:
        motion, chain = MotionStrength(ai.motion_strength), ChainFrom(ai.chain_from)
    except ValueError as exc:
        raise UsageError(f"AI setting not understood: {exc}") from None
    return AiOptions(steps=ai.steps or None, motion=motion, prompt=ai.prompt.strip() or None, chain_from=chain)


def build_narration(script: str, settings: NarrationSettings, *, music: Path | None = None,
                    voice_sample: Path | None = None, models_dir: Path | None = None,
                    allow_empty: bool = False) -> NarrationSpec:
    """What to speak and how. Raises :class:`UsageError` for an empty script (unless ``allow_empty``:
    a voice preview then says a greeting) or an unknown choice."""
    if not script.strip() and not allow_empty:
        raise UsageError("the script is empty", hint="type the words to speak in the Narration tab")
    if settings.captions not in ("srt", "burn", "none"):
        raise UsageError(f"captions {settings.captions!r}: choose srt, burn or none")
    return NarrationSpec(script=script, engine=settings.engine, voice=settings.voice or None,
                         language=settings.language or None, captions=settings.captions, music=music,
                         voice_sample=voice_sample if settings.engine in ("xtts", "auto") else None,
                         models_dir=models_dir)

