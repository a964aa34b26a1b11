"""SubRip (``.srt``) files: the caption sidecar written next to a video, and read back."""

from __future__ import annotations

import os
import re
from pathlib import Path

from vidgen_desktop.core.errors import InputError, OutputError
from vidgen_desktop.engine.captions.cue import Cue

_SRT_TIME = re.compile(r"(\d+):(\d{1,2}):(\d{1,2})[,.](\d{1,3})")


def _srt_time(t: float) -> str:
    ms = max(0, round(t * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def format_srt(cues: list[Cue]) -> str:
    blocks = []
    for i, c in enumerate(cues, 1):
        text = "\n".join(line for line in c.text.splitlines() if line.strip()) or " "
        blocks.append(f"{i}\n{_srt_time(c.start)} --> {_srt_time(c.end)}\n{text}\n")
    return "\n".join(blocks)


def write_srt(cues: list[Cue], path: Path) -> Path:
    """Write UTF-8 SRT atomically."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"{path.parent}: the output folder does not exist")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(format_srt(cues), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"{path}: could not be written ({exc.strerror or exc})") from None
    return path


def _parse_time(text: str) -> float:
    m = _SRT_TIME.fullmatch(text.strip())
    if not m:
        raise ValueError(f"bad SRT time {text!r}")
    h, mi, s, ms = m.groups()
    return int(h) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000.0


def parse_srt(text: str, *, source: Path | None = None) -> list[Cue]:
    """Cues of an SRT document (a BOM, CRLF and missing index lines are tolerated)."""
    cues: list[Cue] = []
    blocks = re.split(r"\n\s*\n", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip())
    for block in blocks:
        lines = block.split("\n")
        if not block.strip():
            continue
        k = next((i for i, ln in enumerate(lines) if "-->" in ln), None)
        if k is None:
            raise InputError(source, f"not an SRT file: a block has no time line ({lines[0][:40]!r})")
        a, _, b = lines[k].partition("-->")
        try:
            start, end = _parse_time(a), _parse_time(b.split()[0] if b.split() else b)
        except ValueError as exc:
            raise InputError(source, f"not an SRT file: {exc}") from None
        cues.append(Cue(start, end, "\n".join(lines[k + 1:]).strip()))
    return cues


def read_srt(path: Path) -> list[Cue]:
    try:
        return parse_srt(Path(path).read_text(encoding="utf-8-sig"), source=Path(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot be read as UTF-8 text ({exc})") from None
