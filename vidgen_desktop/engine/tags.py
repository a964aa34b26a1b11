"""An audio file's tags (title, artist, album, track, disc), read with the bundled ffmpeg.

``ffmpeg -i FILE -f ffmetadata -`` prints the container's global tags as ``key=value``
lines (the ffmetadata format: ``=``, ``;``, ``#``, ``\\`` and newlines escaped with ``\\``),
so no tag library is needed (the common Python ones are GPL). A file whose tags cannot be read
has none. Batches order and name videos by them; the audiogram's title card shows them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError

log = logging.getLogger(__name__)

TAGS_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class AudioTags:
    title: str | None = None
    artist: str | None = None
    album: str | None = None
    track: int | None = None
    disc: int | None = None

    def display_title(self, fallback: str = "") -> tuple[str, str]:
        """(title, artist) for a title card: the title tag, else ``fallback`` (the file's name)."""
        return (self.title or fallback).strip(), (self.artist or "").strip()


def parse_ffmetadata(text: str) -> dict[str, str]:
    """The global section of an ffmetadata document as {lowercase key: value}."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line or line.startswith((";", "#")):
            continue
        if line.startswith("["):  # a [STREAM] or [CHAPTER] section: the global tags are over
            break
        while line.endswith("\\") and not line.endswith("\\\\") and i < len(lines):  # escaped newline
            line = line[:-1] + "\n" + lines[i]
            i += 1
        key, value = _split_unescape(line)
        if key:
            out.setdefault(key.lower(), value)
    return out


def _split_unescape(line: str) -> tuple[str, str]:
    key: list[str] = []
    value: list[str] = []
    target = key
    escaped = False
    for ch in line:
        if escaped:
            target.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "=" and target is key:
            target = value
        else:
            target.append(ch)
    return ("".join(key), "".join(value).strip()) if target is value else ("", "")


def _number(text: str | None) -> int | None:
    """``3``, ``03``, ``3/12`` → 3."""
    m = re.match(r"\s*(\d{1,4})", text or "")
    return int(m.group(1)) if m else None


def tags_from_dict(d: dict[str, str]) -> AudioTags:
    return AudioTags(
        title=d.get("title") or None,
        artist=d.get("artist") or d.get("album_artist") or None,
        album=d.get("album") or None,
        track=_number(d.get("track") or d.get("tracknumber")),
        disc=_number(d.get("disc") or d.get("discnumber")),
    )


def read_tags(path: Path, *, cancel: CancelToken | None = None) -> AudioTags:
    from vidgen_desktop.engine.ffmpeg import run_ffmpeg

    try:
        done = run_ffmpeg(["-v", "error", "-i", str(path),
                           "-f", "ffmetadata", "-"], timeout=TAGS_TIMEOUT_S, cancel=cancel, what="reading tags")
    except CancelledError:
        raise
    except VidGenError as exc:
        log.info("no tags for %s: %s", path, exc.message)
        return AudioTags()
    if done.returncode != 0:
        return AudioTags()
    return tags_from_dict(parse_ffmetadata(done.stdout.decode("utf-8", "replace")))
