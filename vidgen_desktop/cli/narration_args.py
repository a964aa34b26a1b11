"""``render IMAGE --script FILE``: the narration options of ``render`` and the request they make."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidgen_desktop.cli.caption_args import look_from_args
from vidgen_desktop.cli.common import ENGINES
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.narration import NarrationSpec

CAPTION_MODES = ("srt", "burn", "none", "auto")


def add_narration_arguments(p: argparse.ArgumentParser) -> None:
    """The ``render`` options for a spoken script instead of an audio file."""
    g = p.add_argument_group("narration (a script spoken as the video's sound, instead of AUDIO)")
    g.add_argument("--script", type=Path, help="text file to speak (UTF-8); the video lasts as long as the speech")
    g.add_argument("--captions", default="srt", choices=CAPTION_MODES,
                   help="srt: subtitles file next to the video (default); burn: drawn into the picture; none; "
                        "auto: word-timed captions burned in and written as VIDEO.srt (with AUDIO: transcribed "
                        "from it with Whisper)")
    g.add_argument("--music", type=Path, help="background music under the voice (looped, ducked while it speaks)")
    g.add_argument("--voice-engine", default="auto", choices=ENGINES, help="system, bark, xtts or auto (default)")
    v = g.add_mutually_exclusive_group()
    v.add_argument("--voice", help="voice name (see `tts --list-voices`)")
    v.add_argument("--voice-sample", type=Path, help="6–30 s recording of a voice to copy (XTTS-v2)")
    g.add_argument("--language", help="language of the script (en, de, fr, es, zh-cn, ...)")


def check_narration_args(args: argparse.Namespace) -> None:
    """Usage errors, before any work: AUDIO xor --script; narration options need --script."""
    script = getattr(args, "script", None)
    if script is None:
        given = [f"--{n.replace('_', '-')}" for n in ("music", "voice", "voice_sample", "language")
                 if getattr(args, n, None) is not None]
        if getattr(args, "captions", "srt") == "burn":
            given.append("--captions burn")
        if given:
            raise UsageError(f"{', '.join(given)} go with --script FILE (a narrated video)")
        return
    if getattr(args, "audio", None) is not None:
        raise UsageError("give AUDIO or --script FILE, not both: the narration becomes the video's sound")


def narration_from_args(args: argparse.Namespace) -> NarrationSpec | None:
    """The narration to speak (the script file read now, with clear errors), or ``None`` without ``--script``."""
    if getattr(args, "script", None) is None:
        return None
    from vidgen_desktop.engine.narration import load_script

    return NarrationSpec(
        script=load_script(args.script.expanduser()),
        engine=args.voice_engine,
        voice=args.voice,
        language=args.language,
        captions=args.captions,
        music=args.music.expanduser() if args.music else None,
        voice_sample=args.voice_sample.expanduser() if args.voice_sample else None,
        seed=getattr(args, "seed", None),
        look=look_from_args(args),
    )
