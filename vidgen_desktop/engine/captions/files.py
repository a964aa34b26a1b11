"""Caption files in every format the app reads or writes: SRT, WebVTT, ASS, and the transcript JSON.

:func:`read_captions` reads SRT or WebVTT (by suffix, else by content); :func:`write_captions`
writes any format atomically (a hidden ``.partial`` file renamed into place, removed on failure).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.engine.captions.ass import format_ass
from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.srt import format_srt, parse_srt
from vidgen_desktop.engine.captions.textfile import write_text_atomic
from vidgen_desktop.engine.captions.vtt import format_vtt, parse_vtt

CaptionFormat = Literal["srt", "vtt", "ass", "json"]
FORMATS: tuple[CaptionFormat, ...] = ("srt", "vtt", "ass", "json")
#: The largest caption file read (a 10-hour film's subtitles are ~1 MB).
MAX_CAPTION_BYTES = 20_000_000


def format_from_path(path: Path, given: str | None = None) -> CaptionFormat:
    """The format asked for (``given``), else the one the file's suffix names; SRT for anything else."""
    name = (given or Path(path).suffix.lstrip(".") or "srt").lower()
    for fmt in FORMATS:
        if name == fmt:
            return fmt
    if given:
        raise UsageError(f"--format {given!r}: choose srt, vtt, ass or json")
    return "srt"


def format_captions(cues: list[Cue] | tuple[Cue, ...], fmt: CaptionFormat, *, language: str = "",
                    duration_s: float | None = None) -> str:
    """The text of a caption file in ``fmt``."""
    cues = list(cues)
    if fmt == "srt":
        return format_srt(cues)
    if fmt == "vtt":
        return format_vtt(cues, language=language)
    if fmt == "ass":
        return format_ass(cues)
    return json.dumps(cues_to_json(cues, language=language, duration_s=duration_s), ensure_ascii=False, indent=1) \
        + "\n"


def cues_to_json(cues: list[Cue], *, language: str = "", duration_s: float | None = None) -> dict[str, object]:
    """The transcript JSON: cues with their text, span and words (each with its own start and end)."""
    return {
        "format": "vidgen-transcript",
        "version": 1,
        "language": language,
        "duration_s": None if duration_s is None else round(duration_s, 3),
        "cues": [
            {"start": round(c.start, 3), "end": round(c.end, 3), "text": c.text,
             "words": [{"start": round(w.start, 3), "end": round(w.end, 3), "text": w.text} for w in c.words]}
            for c in cues
        ],
    }


def write_captions(cues: list[Cue] | tuple[Cue, ...], path: Path, fmt: str | None = None, *, language: str = "",
                   duration_s: float | None = None) -> Path:
    """Write ``cues`` to ``path`` in ``fmt`` (default: from the suffix), atomically."""
    return write_text_atomic(Path(path), format_captions(cues, format_from_path(Path(path), fmt), language=language,
                                                         duration_s=duration_s))


def read_captions(path: Path) -> list[Cue]:
    """Cues of an SRT or WebVTT file (``.vtt`` or a ``WEBVTT`` header is WebVTT), with clear errors."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file not found" if not path.exists() else "is not a file")
    try:
        if path.stat().st_size > MAX_CAPTION_BYTES:
            raise InputError(path, "is too large for a captions file")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read as UTF-8 text ({exc})") from None
    if path.suffix.lower() == ".vtt" or text.lstrip("\ufeff").startswith("WEBVTT"):
        cues = parse_vtt(text, source=path)
    else:
        cues = parse_srt(text, source=path)
    if not cues:
        raise InputError(path, "has no captions in it")
    return cues
