"""``vidgen-desktop tts "TEXT" -o out.wav``: speak a script with the system voice, Bark or XTTS-v2."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import Any

from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback

ENGINES = ("auto", "system", "bark", "xtts")


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
    from vidgen_desktop.cli.render_cmd import ProgressPrinter, format_duration

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
        print(f"{narration.wav}  ({format_duration(narration.duration_s)}, {narration.description}, "
              f"{len(narration.sentences)} sentences, made in {narration.elapsed_s:.1f} s)")
    return 0


# ------------------------------------------------------------------ `render IMAGE --script FILE` support

CAPTION_MODES = ("srt", "burn", "none")


def add_narration_arguments(p: argparse.ArgumentParser) -> None:
    """The ``render`` options for a spoken script instead of an audio file."""
    g = p.add_argument_group("narration (a script spoken as the video's sound, instead of AUDIO)")
    g.add_argument("--script", type=Path, help="text file to speak (UTF-8); the video lasts as long as the speech")
    g.add_argument("--captions", default="srt", choices=CAPTION_MODES,
                   help="srt: subtitles file next to the video (default); burn: drawn into the picture; none")
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


class RenderNarration:
    """``with RenderNarration(args, job, printer, cancel) as n: render(n.job, ..., burn_captions=n.burn)``.

    Without ``--script`` it changes nothing. With it: checks the output and the picture,
    speaks the script into a temporary folder (removed on exit), and hands back the job
    with the narration as its audio; :meth:`finish` writes ``OUT.srt`` for ``--captions srt``.
    """

    def __init__(self, args: argparse.Namespace, job: RenderJob, on_progress: ProgressCallback,
                 cancel: CancelToken) -> None:
        self.args, self.job, self.on_progress, self.cancel = args, job, on_progress, cancel
        self.result: Any = None
        self.burn: tuple[Any, ...] = ()
        self.srt: Path | None = None
        self._tmp: Any = None

    def __enter__(self) -> RenderNarration:
        args = self.args
        if getattr(args, "script", None) is None:
            return self
        import tempfile

        from vidgen_desktop.engine.encoder import check_output_path
        from vidgen_desktop.engine.image_io import open_image
        from vidgen_desktop.engine.narration import load_script, prepare_narrated_audio

        check_output_path(self.job.output)  # fail before minutes of speech
        open_image(self.job.image, want=(1, 1))
        text = load_script(args.script.expanduser())
        self._tmp = tempfile.TemporaryDirectory(prefix="vidgen-narration-")
        self.result = prepare_narrated_audio(
            text, out_dir=Path(self._tmp.name), engine=args.voice_engine, voice=args.voice,
            voice_sample=args.voice_sample.expanduser() if args.voice_sample else None, language=args.language,
            music=args.music.expanduser() if args.music else None, seed=getattr(args, "seed", None),
            write_srt_file=False, on_progress=self.on_progress, cancel=self.cancel)
        self.job = replace(self.job, audio=self.result.audio_path)
        if args.captions == "burn":
            self.burn = tuple(self.result.cues)
        return self

    def finish(self, video: Path) -> list[str]:
        """After a successful render: the sidecar captions; returns notes for the user."""
        if self.result is None:
            return []
        from vidgen_desktop.engine.narration import write_caption_sidecar
        from vidgen_desktop.engine.tts.base import LICENCE_NOTES, EngineId

        if self.args.captions == "srt":
            self.srt = write_caption_sidecar(self.result.cues, video)
        notes = [f"narration: {self.result.narration.description}", *self.result.notes]
        if self.result.engine is EngineId.XTTS:
            notes.append(LICENCE_NOTES[EngineId.XTTS])
        if self.srt is not None:
            notes.append(f"captions: {self.srt}")
        return notes

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
