"""The options every rendering command takes (``render``, ``batch``): one parser, one reading.

``add_render_options(p)`` adds tier, size, fps, aspect, fit, quality, motion, the AI
options and the seed; ``job_from_options(args, image, audio, output)`` and
``ai_options_from_args(args)`` turn them into the engine's :class:`RenderJob` and
:class:`AiOptions`, with clear usage errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from vidgen_desktop.cli.overlay_args import add_overlay_arguments, overlays_from_args
from vidgen_desktop.core.jobs import (
    ASPECTS,
    DEFAULT_ENERGY,
    RESOLUTION_PRESETS,
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
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength


def add_render_options(p: argparse.ArgumentParser) -> None:
    """The look of the video and the AI settings (not the inputs, the output or the narration)."""
    p.add_argument("--tier", default="auto", choices=[t.value for t in Tier])
    p.add_argument("--resolution", help=f"{'|'.join(RESOLUTION_PRESETS)}|WxH (default: from the tier)")
    p.add_argument("--fps", help="frames per second (default: from the tier)")
    p.add_argument("--aspect", default="16:9", help=f"{'|'.join(ASPECTS)} (default 16:9)")
    p.add_argument("--fit", default="blur", choices=[f.value for f in Fit],
                   help="how a picture of another shape fills the frame (default blur)")
    p.add_argument("--quality", default="standard", choices=[q.value for q in Quality])
    p.add_argument("--sync", default=Sync.AUTO.value, choices=[v.value for v in Sync],
                   help="Ken Burns camera and sound: auto (music: moves change with the phrases, pulses on strong "
                        "beats; speech: calm moves that change at pauses), beats, phrases or off (default auto)")
    p.add_argument("--energy", default=str(DEFAULT_ENERGY),
                   help=f"how strongly the camera pulses on the beat, 0 to 1 (default {DEFAULT_ENERGY})")
    p.add_argument("--motion", default="auto", choices=[m.value for m in Motion] + [m.value for m in MotionStrength],
                   help="Ken Burns camera move; for AI tiers low|medium|high is the motion strength")
    ai = p.add_argument_group("AI tiers (animatediff, svd, svd-xt, ltx-video, wan2.2-ti2v-5b)")
    ai.add_argument("--steps", type=int, help="denoising steps (default 25; LTX-Video 40, Wan2.2 50; "
                                              "fewer is faster and rougher)")
    ai.add_argument("--motion-strength", choices=[m.value for m in MotionStrength],
                    help="how much the picture moves (default medium)")
    ai.add_argument("--prompt", help="motion prompt for AnimateDiff (replaces its default) and LTX-Video / "
                                     "Wan2.2 (added to their default: gentle natural motion of the subject)")
    ai.add_argument("--chain-from", default=ChainFrom.LAST_FRAME.value, choices=[c.value for c in ChainFrom],
                    help="each clip after the first starts from the previous clip's end (default) or the picture")
    ai.add_argument("--allow-slow", "--allow-cpu", dest="allow_slow", action="store_true",
                    help="run an AI tier even where the hardware is below its needs (a small GPU, or the CPU): "
                         "it works, but very slowly")
    ai.add_argument("--fallback", action="store_true",
                    help="if the chosen --tier cannot run or fails, render with the next weaker tier (down to Ken "
                         "Burns) instead of failing; --tier auto always does, and says so")
    add_overlay_arguments(p)


def add_seed_and_json(p: argparse.ArgumentParser, json_help: str) -> None:
    p.add_argument("--seed", type=int, help="seed for automatic choices (same seed, same video)")
    p.add_argument("--json", action="store_true", help=json_help)


def job_from_options(args: argparse.Namespace, image: Path, audio: Path, output: Path,
                     more_images: Sequence[Path] = (), transition: Transition = Transition.CROSSFADE) -> RenderJob:
    """A job for ``image`` + ``audio`` → ``output`` with the options :func:`add_render_options` parsed."""
    return RenderJob(
        image=image.expanduser(),
        audio=audio.expanduser(),
        output=output.expanduser().absolute(),
        tier=Tier(args.tier),
        resolution=Resolution.parse(args.resolution) if args.resolution else None,
        fps=parse_fps(args.fps) if args.fps else None,
        aspect=parse_aspect(args.aspect),
        fit=Fit(args.fit),
        quality=Quality(args.quality),
        motion=Motion(args.motion) if args.motion in {m.value for m in Motion} else Motion.AUTO,
        seed=args.seed,
        overlays=overlays_from_args(args),
        more_images=tuple(more_images),
        transition=transition,
        sync=Sync(getattr(args, "sync", Sync.AUTO.value)),
        energy=parse_energy(getattr(args, "energy", DEFAULT_ENERGY)),
    )


def ai_options_from_args(args: argparse.Namespace) -> AiOptions:
    """``--motion low|medium|high`` is the AI motion strength (Ken Burns keeps its automatic move);
    ``--motion-strength`` says the same and wins when both are given."""
    strength = getattr(args, "motion_strength", None)
    motion = getattr(args, "motion", "auto")
    if strength is None and motion in {m.value for m in MotionStrength}:
        strength = motion
    return AiOptions(
        steps=getattr(args, "steps", None),
        motion=MotionStrength(strength) if strength else MotionStrength.MEDIUM,
        prompt=getattr(args, "prompt", None),
        allow_slow=bool(getattr(args, "allow_slow", False)),
        chain_from=ChainFrom(getattr(args, "chain_from", ChainFrom.LAST_FRAME.value)),
        fallback=bool(getattr(args, "fallback", False)),
    )
