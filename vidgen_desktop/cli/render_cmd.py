"""``vidgen-desktop render IMAGE AUDIO -o OUT.mp4``: the app's main job from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.common import ProgressPrinter
from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.cli.narration_args import add_narration_arguments, check_narration_args, narration_from_args
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.formatting import clock
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
    parse_aspect,
    parse_energy,
    parse_fps,
)
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom, MotionStrength


def register(sub: Any) -> None:
    p = sub.add_parser("render", help="make a video from an image and an audio file",
                       description="Make an MP4 from IMAGE and AUDIO. The video lasts exactly as long as the audio.")
    p.add_argument("image", nargs="?", type=Path, help="picture (JPEG, PNG, WebP, TIFF, BMP, GIF)")
    p.add_argument("audio", nargs="?", type=Path, help="sound (WAV, MP3, M4A, FLAC, OGG/Opus, or a video's sound)")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .mp4 file")
    p.add_argument("--sample", action="store_true", help="use the built-in sample picture and music")
    p.add_argument("--tier", default="auto", choices=[t.value for t in Tier])
    p.add_argument("--resolution", help=f"{'|'.join(RESOLUTION_PRESETS)}|WxH (default: from the tier)")
    p.add_argument("--fps", help="frames per second (default: from the tier)")
    p.add_argument("--aspect", default="16:9", help=f"{'|'.join(ASPECTS)} (default 16:9)")
    p.add_argument("--fit", default="blur", choices=[f.value for f in Fit],
                   help="how a picture of another shape fills the frame (default blur)")
    p.add_argument("--quality", default="standard", choices=[q.value for q in Quality])
    p.add_argument("--motion", default="auto", choices=[m.value for m in Motion] + [m.value for m in MotionStrength],
                   help="Ken Burns camera move; for AI tiers low|medium|high is the motion strength")
    ai = p.add_argument_group("AI tiers (animatediff, svd, svd-xt)")
    ai.add_argument("--steps", type=int, help="denoising steps (default 25; fewer is faster and rougher)")
    ai.add_argument("--motion-strength", choices=[m.value for m in MotionStrength],
                    help="how much the picture moves (default medium)")
    ai.add_argument("--prompt", help="AnimateDiff motion prompt (default: gentle natural motion)")
    ai.add_argument("--chain-from", default=ChainFrom.LAST_FRAME.value, choices=[c.value for c in ChainFrom],
                    help="each clip after the first starts from the previous clip's end (default) or the picture")
    ai.add_argument("--allow-slow", "--allow-cpu", dest="allow_slow", action="store_true",
                    help="run an AI tier even where the hardware is below its needs (a small GPU, or the CPU): "
                         "it works, but very slowly")
    add_narration_arguments(p)
    p.add_argument("--sync", default=Sync.AUTO.value, choices=[v.value for v in Sync],
                   help="Ken Burns camera and sound: auto (music: moves change with the phrases, pulses on strong "
                        "beats; speech: calm moves that change at pauses), beats, phrases or off (default auto)")
    p.add_argument("--energy", default=str(DEFAULT_ENERGY),
                   help=f"how strongly the camera pulses on the beat, 0 to 1 (default {DEFAULT_ENERGY})")
    p.add_argument("--seed", type=int, help="seed for automatic choices (same seed, same video)")
    p.add_argument("--json", action="store_true", help="print progress events as JSON lines on stdout")
    p.set_defaults(func=run)


def job_from_args(args: argparse.Namespace) -> RenderJob:
    if args.sample:
        if args.image or args.audio:
            raise UsageError("--sample replaces IMAGE and AUDIO; give one or the other")
        from vidgen_desktop.engine.sample import sample_paths

        image, audio = sample_paths()
    else:
        check_narration_args(args)
        if args.image is None or (args.audio is None and args.script is None):
            raise UsageError("render needs IMAGE and AUDIO, or IMAGE --script FILE (or --sample)")
        image, audio = args.image, args.audio or args.script  # a script's narration replaces it in run()
    return RenderJob(
        image=image.expanduser(),
        audio=audio.expanduser(),
        output=args.output.expanduser().absolute(),
        tier=Tier(args.tier),
        resolution=Resolution.parse(args.resolution) if args.resolution else None,
        fps=parse_fps(args.fps) if args.fps else None,
        aspect=parse_aspect(args.aspect),
        fit=Fit(args.fit),
        quality=Quality(args.quality),
        motion=Motion(args.motion) if args.motion in {m.value for m in Motion} else Motion.AUTO,
        seed=args.seed,
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
    )


def run(args: argparse.Namespace) -> int:
    job = job_from_args(args)
    ai = ai_options_from_args(args)
    narration = narration_from_args(args)
    if narration is not None:
        from vidgen_desktop.engine.narrated_render import caption_font_notice

        if problem := caption_font_notice(narration):
            print(f"warning: {problem}", file=sys.stderr)
    cancel = CancelToken()
    printer = ProgressPrinter(args.json)
    try:
        with ctrl_c_cancels(cancel):
            if narration is None:
                from vidgen_desktop.engine.render import render

                result = render(job, on_progress=printer, cancel=cancel, ai=ai)
            else:
                from vidgen_desktop.engine.narrated_render import render_narrated

                result = render_narrated(job, narration, on_progress=printer, cancel=cancel, ai=ai)
    finally:
        printer.close()
    spoken = result.details.get("narration") or {}
    srt = spoken.get("srt")
    notes = [*([f"narration: {spoken['voice']}"] if spoken else []), *result.notes,
             *([f"captions: {srt}"] if srt else [])]
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    summary = {
        "event": "done", "output": str(result.output), "tier": result.tier.value, "width": result.width,
        "height": result.height, "fps": result.fps, "frames": result.frames,
        "duration_s": round(result.duration_s, 3), "elapsed_s": round(result.elapsed_s, 2), "motion": result.motion,
        "notes": result.notes, "details": result.details, "captions": srt,
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{result.output}  ({result.width}x{result.height}, {result.fps:g} fps, "
              f"{clock(result.duration_s)}, {result.tier.label}, made in {result.elapsed_s:.1f} s)")
    return 0
