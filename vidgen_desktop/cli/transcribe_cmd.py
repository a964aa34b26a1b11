"""``vidgen-desktop transcribe AUDIO -o out.srt``: captions from any recording (Whisper), optionally translated."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.common import ProgressPrinter
from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import OutputError

FORMATS = ("srt", "vtt", "ass", "json")


def register(sub: Any) -> None:
    p = sub.add_parser("transcribe", help="captions from speech: an .srt/.vtt/.ass/.json file with word timings",
                       description="Transcribe the speech in AUDIO (any audio or video file) with Whisper into "
                                   "captions. Word timings come from Whisper; silence and music are skipped. "
                                   "The model must be installed: `vidgen-desktop models download whisper-small`.")
    p.add_argument("audio", type=Path, help="recording to transcribe (WAV, MP3, M4A, FLAC, OGG, or a video)")
    p.add_argument("-o", "--output", type=Path, required=True, help="captions file to write (.srt, .vtt, .ass, .json)")
    p.add_argument("--format", choices=FORMATS, help="file format (default: from the output's suffix, else srt)")
    p.add_argument("--model", default=None,
                   help="Whisper model: tiny, base, small, turbo, or a model id from `models list` (default: the "
                        "installed one, small first; small when none is)")
    p.add_argument("--language", default="auto", help="spoken language code (en, de, ...) or auto (default)")
    p.add_argument("--translate-to", metavar="CODE", help="translate the captions into this language (timing kept)")
    p.add_argument("--translation-model", metavar="ID",
                   help="m2m100-418m (default), nllb-200-distilled-600m, or an opus-mt model id")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"), help="where Whisper runs")
    p.add_argument("--json", action="store_true", help="print progress events as JSON lines on stdout")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidgen_desktop.engine.captions.files import format_from_path, write_captions
    from vidgen_desktop.engine.transcribe import transcribe, transcript_json, translate_transcript

    out = args.output.expanduser().absolute()
    fmt = format_from_path(out, args.format)
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: the output folder does not exist")
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give a file name like captions.{fmt}")
    cancel = CancelToken()
    printer = ProgressPrinter(args.json)
    try:
        with ctrl_c_cancels(cancel):
            transcript = transcribe(args.audio.expanduser(), model_id=args.model, language=args.language,
                                    on_progress=printer, cancel=cancel, device=args.device)
            if args.translate_to:
                transcript = translate_transcript(transcript, args.translate_to, model_id=args.translation_model,
                                                  on_progress=printer, cancel=cancel)
    finally:
        printer.close()
    if fmt == "json":
        from vidgen_desktop.engine.captions.textfile import write_text_atomic

        write_text_atomic(out, json.dumps(transcript_json(transcript), ensure_ascii=False, indent=1) + "\n")
    else:
        write_captions(transcript.cues, out, fmt, language=transcript.language, duration_s=transcript.duration_s)
    for note in transcript.notes:
        print(f"note: {note}", file=sys.stderr)
    summary = {"event": "done", "output": str(out), "format": fmt, "language": transcript.language,
               "cues": len(transcript.cues), "words": len(transcript.words),
               "duration_s": round(transcript.duration_s, 3), "model": transcript.model_id}
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"{out}  ({len(transcript.cues)} captions, {len(transcript.words)} words, "
              f"language {transcript.language or '?'})")
    return 0
