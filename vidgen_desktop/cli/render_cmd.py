"""``vidgen-desktop render IMAGE [IMAGE...] AUDIO -o OUT.mp4``: the app's main job from a terminal."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.caption_args import add_caption_look_arguments, look_from_args
from vidgen_desktop.cli.caption_source_args import add_caption_arguments, captions_from_args
from vidgen_desktop.cli.common import ProgressPrinter
from vidgen_desktop.cli.inputs_args import split_inputs
from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.cli.narration_args import add_narration_arguments, check_narration_args, narration_from_args
from vidgen_desktop.cli.render_options import (
    add_render_options,
    add_seed_and_json,
    ai_options_from_args,
    job_from_options,
)
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.formatting import clock
from vidgen_desktop.core.jobs import RenderJob, Transition

__all__ = ["ai_options_from_args", "job_from_args", "register", "run"]


def register(sub: Any) -> None:
    p = sub.add_parser("render", help="make a video from an image and an audio file",
                       description="Make an MP4 from IMAGE and AUDIO. The video lasts exactly as long as the audio.")
    p.add_argument("files", nargs="*", type=Path, metavar="IMAGE... AUDIO",
                   help="one or more pictures (JPEG, PNG, WebP, TIFF, BMP, GIF), then the sound (WAV, MP3, M4A, "
                        "FLAC, OGG/Opus, or a video's sound); several pictures make a slideshow that changes on "
                        "the downbeats")
    p.add_argument("-o", "--output", type=Path, required=True, help="output .mp4 file")
    p.add_argument("--sample", action="store_true", help="use the built-in sample picture and music")
    add_render_options(p)
    add_narration_arguments(p)
    add_caption_look_arguments(p)
    add_caption_arguments(p)
    p.add_argument("--transition", default=Transition.CROSSFADE.value, choices=[t.value for t in Transition],
                   help="slideshow: how a picture gives way to the next, on the downbeat (default crossfade)")
    add_seed_and_json(p, "print progress events as JSON lines on stdout")
    p.set_defaults(func=run)


def job_from_args(args: argparse.Namespace) -> RenderJob:
    more: list[Path] = []
    if args.sample:
        if args.files:
            raise UsageError("--sample replaces IMAGE and AUDIO; give one or the other")
        from vidgen_desktop.engine.sample import sample_paths

        image, audio = sample_paths()
    else:
        if not args.files:
            check_narration_args(args)
            raise UsageError("render needs IMAGE and AUDIO (several pictures, then the sound, make a slideshow), "
                             "or IMAGE --script FILE (or --sample)")
        narrated = getattr(args, "script", None) is not None
        pictures, sound = split_inputs([f.expanduser() for f in args.files], narrated=narrated)
        args.audio = sound  # what check_narration_args looks at
        check_narration_args(args)
        image, more = pictures[0], pictures[1:]
        audio = sound or args.script  # a script's narration replaces it in run()
    return job_from_options(args, image, audio, args.output, more_images=more,
                            transition=Transition(getattr(args, "transition", Transition.CROSSFADE.value)))


def run(args: argparse.Namespace) -> int:
    job = job_from_args(args)
    look = look_from_args(args)  # usage errors before any work
    ai = ai_options_from_args(args)
    narration = narration_from_args(args)
    captions = captions_from_args(args)
    if narration is not None:
        from vidgen_desktop.engine.narrated_render import caption_font_notice

        if problem := caption_font_notice(narration):
            print(f"warning: {problem}", file=sys.stderr)
    cancel = CancelToken()
    printer = ProgressPrinter(args.json)
    try:
        with ctrl_c_cancels(cancel):
            from vidgen_desktop.engine.history.tracked import tracked_render

            captioned = None
            if narration is None and captions is not None:
                from vidgen_desktop.engine.captioned_render import render_captioned

                captioned = functools.partial(render_captioned, job, captions, on_progress=printer, cancel=cancel,
                                              ai=ai, look=look)

            result = tracked_render(job, ai=ai, narration=narration, on_progress=printer, cancel=cancel,
                                    run=captioned)
    finally:
        printer.close()
    spoken = result.details.get("narration") or {}
    srt = spoken.get("srt") or (result.details.get("captions") or {}).get("srt")
    notes = [*([f"narration: {spoken['voice']}"] if spoken else []), *result.notes,
             *([f"captions: {srt}"] if srt else [])]
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    fallback = getattr(result, "fallback", None)
    if fallback is not None:  # last, so it is the line a user sees above the result
        print(f"warning: {fallback.sentence()}", file=sys.stderr)
    summary = {
        "event": "done", "output": str(result.output), "tier": result.tier.value, "width": result.width,
        "height": result.height, "fps": result.fps, "frames": result.frames,
        "duration_s": round(result.duration_s, 3), "elapsed_s": round(result.elapsed_s, 2), "motion": result.motion,
        "notes": result.notes, "details": result.details, "captions": srt,
        "fallback": fallback.to_dict() if fallback is not None else None,
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{result.output}  ({result.width}x{result.height}, {result.fps:g} fps, "
              f"{clock(result.duration_s)}, {result.tier.label}, made in {result.elapsed_s:.1f} s)")
    return 0
