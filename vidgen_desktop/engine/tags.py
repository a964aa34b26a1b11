"""The audio's tags (title, artist, album, track number), read by the bundled ffmpeg.

ffmpeg reads ID3, Vorbis comments, MP4 atoms and RIFF INFO alike, so no tagging library
(the common Python ones are GPL) is needed. Keys come back lower-case; the first
value of a key wins (format tags before stream tags, as ffmpeg writes them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.ffmpeg import PROBE_TIMEOUT_S, FFmpegTimeoutError, run_ffmpeg

_ESCAPED = re.compile(r"\\(.)")


@dataclass(frozen=True)
class AudioTags:
    """The tags people use for titles and ordering; ``raw`` has every key ffmpeg found."""

    title: str = ""
    artist: str = ""
    album: str = ""
    #: Track number (``3`` from ``3/12``), or None.
    track: int | None = None
    raw: tuple[tuple[str, str], ...] = ()

    def display_title(self, fallback: str = "") -> tuple[str, str]:
        """(title, artist) for a title card: the title tag, else ``fallback`` (the file's name)."""
        return (self.title or fallback).strip(), self.artist.strip()


def parse_ffmetadata(text: str) -> dict[str, str]:
    """``;FFMETADATA1`` text as {key: value}: first value per key, escapes undone, sections after the first ignored."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.startswith("[") and line.strip().endswith("]"):
            break  # [STREAM], [CHAPTER]: the global tags are the ones people mean
        if not line or line.startswith((";", "#")) or "=" not in line:
            continue
        while line.endswith("\\") and not line.endswith("\\\\") and i < len(lines):  # escaped newline
            line = line[:-1] + "\n" + lines[i]
            i += 1
        key, _, value = line.partition("=")
        key = _ESCAPED.sub(r"\1", key).strip().lower()
        if key and key not in out:
            out[key] = _ESCAPED.sub(r"\1", value)
    return out


def _track_number(text: str) -> int | None:
    m = re.match(r"\s*(\d+)", text)
    return int(m.group(1)) if m else None


def read_tags(path: Path, *, cancel: CancelToken | None = None) -> AudioTags:
    """The tags of ``path`` (empty :class:`AudioTags` when it has none or ffmpeg cannot read it)."""
    try:
        proc = run_ffmpeg(["-v", "error", "-i", str(path), "-f", "ffmetadata", "-"],
                          timeout=PROBE_TIMEOUT_S, cancel=cancel, what=f"reading the tags of {path.name}")
    except FFmpegTimeoutError:
        return AudioTags()
    if proc.returncode != 0:
        return AudioTags()
    tags = parse_ffmetadata(proc.stdout.decode("utf-8", "replace"))
    return AudioTags(
        title=tags.get("title", ""),
        artist=tags.get("artist", "") or tags.get("album_artist", ""),
        album=tags.get("album", ""),
        track=_track_number(tags.get("track", "") or tags.get("tracknumber", "")),
        raw=tuple(sorted(tags.items())),
    )
