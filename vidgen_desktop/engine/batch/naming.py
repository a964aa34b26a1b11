"""Output names from a template (``{title}``, ``{artist}``, ``{album}``, ``{track}``, ``{disc}``, ``{stem}``),
safe on every OS, never colliding, never overwriting.

A missing tag is empty (``{title}`` falls back to the sound's file name); separators left
dangling by an empty field are trimmed. Characters Windows, macOS or Linux refuse are
replaced with ``_``, reserved Windows names (``CON``, ``NUL``, ``COM1``...) get a ``_``, a
leading dot is dropped (hidden files and the app's own temporary names start with one),
and the name is cut to :data:`MAX_NAME_BYTES` so the hidden temporary name beside it
still fits the 255-byte limit. Names are compared case-folded, as Windows and macOS do:
a second ``song.mp4`` (or ``Song.mp4``, or a file already there) becomes ``song (2).mp4``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.tags import AudioTags

FIELDS = ("title", "artist", "album", "track", "disc", "stem")
DEFAULT_TEMPLATE = "{stem}"
MAX_NAME_BYTES = 150
_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_EDGES = " -_.,;&+~"


def check_template(template: str) -> None:
    """Raise :class:`UsageError` for an unknown field or a format spec (before anything renders)."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UsageError(f"template {template!r}: {exc} (use {{title}}, {{artist}}, {{track}}, {{stem}}...)") from None
    names = [f for _, f, spec, conv in parsed if f is not None]
    for _, f, spec, conv in parsed:
        if f is not None and (f not in FIELDS or spec or conv):
            raise UsageError(f"template {template!r}: unknown field {{{f}}}; use {', '.join('{' + x + '}' for x in FIELDS)}")
    if not names and not template.strip():
        raise UsageError("the name template is empty")


def sanitize(name: str) -> str:
    """A file name (without extension) every OS accepts; empty when nothing usable is left."""
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name))  # tabs and newlines in a tag: one space
    s = _BAD.sub("_", s).strip().lstrip(".").rstrip(" .")
    encoded = s.encode("utf-8")
    if len(encoded) > MAX_NAME_BYTES:
        s = encoded[:MAX_NAME_BYTES].decode("utf-8", "ignore").rstrip(" .")
    if s.split(".")[0].casefold() in _RESERVED:
        s += "_"
    return s


def render_name(template: str, audio: Path, tags: AudioTags) -> str:
    """The template filled for one sound, sanitised; never empty."""
    values = {
        "title": tags.title or audio.stem,
        "artist": tags.artist or "",
        "album": tags.album or "",
        "track": f"{tags.track:02d}" if tags.track is not None else "",
        "disc": str(tags.disc) if tags.disc is not None else "",
        "stem": audio.stem,
    }
    text = template.format(**values)
    text = re.sub(r"(\s+-)+\s+", " - ", text)  # "01 -  - Title" after an empty artist → "01 - Title"
    text = re.sub(r"\(\s*\)|\[\s*\]", "", text).strip(_EDGES)
    return sanitize(text) or sanitize(audio.stem) or "video"


def fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


class NameReserver:
    """Hands out ``stem.mp4`` names in one folder that collide neither with files there nor with each other."""

    def __init__(self, folder: Path, existing: Iterable[str] | None = None, suffix: str = ".mp4") -> None:
        self.folder = folder
        self.suffix = suffix
        names = existing if existing is not None else (p.name for p in folder.iterdir()) if folder.is_dir() else ()
        self.taken = {fold(n) for n in names}

    def reserve_exact(self, path: Path) -> None:
        """Mark a name as used (a video an earlier run made, kept as it is)."""
        self.taken.add(fold(path.name))

    def take(self, stem: str) -> Path:
        n = 1
        while True:
            name = f"{stem}{self.suffix}" if n == 1 else f"{stem} ({n}){self.suffix}"
            if fold(name) not in self.taken:
                self.taken.add(fold(name))
                return self.folder / name
            n += 1
