"""``vidgen-desktop analyze AUDIO [--json]``: what listening to a sound finds (tempo, beats, bars, sections...)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from vidgen_desktop.cli.interrupt import ctrl_c_cancels
from vidgen_desktop.core.cancel import CancelToken


def register(sub: Any) -> None:
    p = sub.add_parser(
        "analyze",
        help="listen to an audio file: tempo, beats, bars, sections, phrases, pauses, speech or music",
        description="Analyse AUDIO the way renders use it: tempo, beats and bar starts (4/4), onsets, a loudness "
                    "envelope, section and phrase boundaries, silences and pauses, and whether it is speech or "
                    "music. Results are cached per file content in the data folder.",
    )
    p.add_argument("audio", type=Path, metavar="AUDIO", help="an audio file (or a video with sound)")
    p.add_argument("--json", action="store_true",
                   help="print one JSON object: tempo_bpm, beats, downbeats, sections, phrases, onsets, pauses, kind, "
                        "envelope... (times in seconds)")
    p.add_argument("--no-cache", action="store_true", help="analyse again even if a cached result exists")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from vidgen_desktop.engine.audio import analyze_audio
    from vidgen_desktop.engine.audio.report import describe

    path: Path = args.audio.expanduser()
    with ctrl_c_cancels(CancelToken()) as cancel:
        analysis = analyze_audio(path, cancel=cancel, use_cache=not args.no_cache)
    if args.json:
        print(json.dumps({"file": str(path), **analysis.to_json()}))
    else:
        print(describe(analysis, path.name))
    return 0
