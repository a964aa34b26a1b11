"""``render IMAGE AUDIO --captions auto`` / ``--captions-file FILE``: where the captions of a sound-file render come from."""

from __future__ import annotations

import argparse
from pathlib import Path

from vidgen_desktop.core.captioning import CaptionSpec
from vidgen_desktop.core.errors import UsageError


def add_caption_arguments(p: argparse.ArgumentParser) -> None:
    """Options for captions from the audio itself (``--captions auto``) or from a file."""
    g = p.add_argument_group("captions from the audio (--captions auto) or from a file")
    g.add_argument("--captions-file", type=Path, metavar="FILE",
                   help="burn this SRT or WebVTT file into the video (and write it as VIDEO.srt)")
    g.add_argument("--caption-model", default=None, metavar="MODEL",
                   help="Whisper model for --captions auto: tiny, base, small, turbo, or an id (default: the "
                        "installed one, small first)")
    g.add_argument("--caption-language", metavar="CODE", help="spoken language for --captions auto (default: detect)")
    g.add_argument("--translate-to", metavar="CODE", help="translate the captions into this language (timing kept)")


def captions_from_args(args: argparse.Namespace) -> CaptionSpec | None:
    """The captions a render from AUDIO asks for, or ``None`` (a narrated render captions its own script)."""
    file = getattr(args, "captions_file", None)
    auto = getattr(args, "captions", None) == "auto"
    translate = getattr(args, "translate_to", None)
    if getattr(args, "script", None) is not None:
        if file is not None:
            raise UsageError("--captions-file goes with AUDIO: a narrated video's captions come from its script")
        if translate:
            raise UsageError("--translate-to goes with --captions auto or --captions-file on an AUDIO render")
        return None
    if file is not None:
        return CaptionSpec(source="file", captions_file=file.expanduser(), translate_to=translate,
                           language=getattr(args, "caption_language", None))
    if auto:
        lang = getattr(args, "caption_language", None)
        return CaptionSpec(source="auto", model_id=args.caption_model,
                           language=None if lang in (None, "auto") else lang, translate_to=translate)
    if translate:
        raise UsageError("--translate-to needs --captions auto or --captions-file")
    return None
