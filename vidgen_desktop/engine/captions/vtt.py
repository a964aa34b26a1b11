"""WebVTT (``.vtt``): the web's caption format. Cue text is escaped; word times, when known, become
VTT timestamp tags (``<00:00:01.200>``) so players that support them can highlight word by word."""

from __future__ import annotations

import html
import re
from pathlib import Path

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.captions.textfile import write_text_atomic

_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{1,2})\.(\d{1,3})")
_TAG = re.compile(r"<[^>]*>")


def vtt_time(t: float) -> str:
    ms = max(0, round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _cue_text(c: Cue) -> str:
    lines = [ln for ln in c.text.splitlines() if ln.strip()]
    if not c.words or len(lines) > 1:
        return "\n".join(_escape(ln) for ln in lines) or " "
    parts = []
    for i, w in enumerate(c.words):
        # The first word starts with the cue; later words carry their start time.
        stamp = f"<{vtt_time(w.start)}>" if i and c.start < w.start < c.end else ""
        parts.append(stamp + _escape(w.text.strip()))
    return " ".join(parts)


def format_vtt(cues: list[Cue], *, language: str = "") -> str:
    head = "WEBVTT" + (f"\nLanguage: {language}" if language else "") + "\n"
    blocks = [head]
    for i, c in enumerate(cues, 1):
        blocks.append(f"{i}\n{vtt_time(c.start)} --> {vtt_time(c.end)}\n{_cue_text(c)}\n")
    return "\n".join(blocks)


def write_vtt(cues: list[Cue], path: Path, *, language: str = "") -> Path:
    """Write UTF-8 WebVTT atomically."""
    return write_text_atomic(Path(path), format_vtt(list(cues), language=language))


def _parse_time(text: str) -> float:
    m = _TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(f"bad WebVTT time {text!r}")
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000.0


def parse_vtt(text: str, *, source: Path | None = None) -> list[Cue]:
    """Cues of a WebVTT document (NOTE, STYLE and REGION blocks skipped, tags removed)."""
    body = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not body.startswith("WEBVTT"):
        raise InputError(source, "not a WebVTT file: it does not start with WEBVTT")
    cues: list[Cue] = []
    for block in re.split(r"\n\s*\n", body.strip())[1:]:
        lines = block.split("\n")
        k = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if k is None or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        a, _, b = lines[k].partition("-->")
        try:
            start, end = _parse_time(a), _parse_time(b.split()[0] if b.split() else b)
        except ValueError as exc:
            raise InputError(source, f"not a WebVTT file: {exc}") from None
        cue_text = html.unescape(_TAG.sub("", "\n".join(lines[k + 1:]))).strip()
        cues.append(Cue(start, end, cue_text))
    return cues
