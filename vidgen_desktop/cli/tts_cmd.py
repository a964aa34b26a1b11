"""``vidgen-desktop tts "TEXT" -o out.wav``: speak a script with the system voice, Bark or XTTS-v2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.common import ENGINES, ProgressPrinter
from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.formatting import clock


def register(sub: Any) -> None:
    p = sub.add_parser("tts", help="turn text into speech (a WAV file)",
                       description="Speak TEXT (or a script file) into a WAV: 48 kHz, loudness-normalised, with "
                                   "natural pauses between sentences. The engine follows your hardware and "
                                   "installed voice models unless you pick one.")
    p.add_argument("text", nargs="?", help="the words to speak ('-' reads standard input)")
    p.add_argument("-o", "--output", type=Path, help="output .wav file")
    p.add_argument("--script", type=Path, help="read the words from this text file instead")
    p.add_argument("--engine", default="auto", choices=ENGINES,
                   help="system (no download), bark, xtts (voice cloning) or auto (default)")
    p.add_argument("--model", help="voice model id from `models list` (e.g. bark-small)")
    voice = p.add_mutually_exclusive_group()
    voice.add_argument("--voice", help="voice name: a system voice/variant, a Bark preset (v2/en_speaker_6) or an "
                                       "XTTS speaker")
    voice.add_argument("--voice-sample", type=Path, help="6–30 s recording of a voice to copy (XTTS-v2)")
    p.add_argument("--language", help="language code (en, de, fr, es, zh-cn, ...); default English")
    p.add_argument("--srt", type=Path, help="also write the sentence timings as subtitles (.srt)")
    p.add_argument("--seed", type=int, help="seed for Bark/XTTS sampling (same seed, same voice take)")
    p.add_argument("--list-voices", action="store_true", help="list the engine's voices and exit")
    p.add_argument("--list-languages", action="store_true", help="list the engine's languages and exit")
    p.add_argument("--json", action="store_true", help="print progress events as JSON lines on stdout")
    p.set_defaults(func=run)


def _text_from_args(args: argparse.Namespace) -> str:
    if args.script is not None:
        if args.text is not None:
            raise UsageError("give TEXT or --script FILE, not both")
        from vidgen_desktop.engine.narration import load_script

        return load_script(args.script.expanduser())
    if args.text is None:
        raise UsageError("tts needs TEXT (or --script FILE, or '-' to read standard input)")
    if args.text == "-":
        return sys.stdin.read()
    return str(args.text)


def _list(args: argparse.Namespace) -> int:
    from vidgen_desktop.engine.tts.engines import list_voices, supported_languages

    engine = "system" if args.engine == "auto" else args.engine
    if args.list_languages:
        langs = supported_languages(engine)
        if args.json:
            print(json.dumps({"engine": engine, "languages": list(langs)}))
        else:
            print(" ".join(langs))
        return 0
    voices = list_voices(engine)
    if args.json:
        print(json.dumps({"engine": engine, "voices": [{"id": v.id, "name": v.name, "languages": list(v.languages),
                                                        "gender": v.gender} for v in voices]}))
    else:
        for v in voices:
            shown = f"  [{', '.join(v.languages)}]" if v.languages and len(v.languages) < 6 else ""
            print(f"{v.id:<28} {v.name}{shown}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.list_voices or args.list_languages:
        return _list(args)
    text = _text_from_args(args)
    if args.output is None:
        raise UsageError("tts needs -o OUT.wav")
    output = args.output.expanduser().absolute()
    from vidgen_desktop.engine.narration import speak_to_file
    from vidgen_desktop.engine.tts.base import LICENCE_NOTES, EngineId

    cancel = CancelToken()
    printer = ProgressPrinter(args.json)
    try:
        with ctrl_c_cancels(cancel):
            narration, choice = speak_to_file(
                text, output, engine=args.engine, voice=args.voice,
                voice_sample=args.voice_sample.expanduser() if args.voice_sample else None, language=args.language,
                model_id=args.model, seed=args.seed, srt=args.srt.expanduser().absolute() if args.srt else None,
                on_progress=printer, cancel=cancel)
    finally:
        printer.close()
    notes = [*choice.notes, *narration.notes]
    if narration.engine is EngineId.XTTS:
        notes.append(LICENCE_NOTES[EngineId.XTTS])
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps({"event": "done", "output": str(narration.wav), "engine": narration.engine.value,
                          "model": narration.model_id, "language": narration.language,
                          "voice": narration.description, "duration_s": round(narration.duration_s, 3),
                          "sentences": len(narration.sentences), "chunks": narration.chunks,
                          "elapsed_s": round(narration.elapsed_s, 2), "reason": choice.reason, "notes": notes}))
    else:
        print(f"{narration.wav}  ({clock(narration.duration_s)}, {narration.description}, "
              f"{len(narration.sentences)} sentences, made in {narration.elapsed_s:.1f} s)")
    return 0
