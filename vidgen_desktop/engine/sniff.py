"""What a file is by its first bytes (not only its name): a picture, a sound, or neither.

Used by the CLI to sort ``render A.jpg B.jpg song.mp3`` into pictures and the sound. Reads 16
bytes; the extension decides only when the content is not recognised.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.image_io import IMAGE_EXTENSIONS
from vidgen_desktop.engine.media import AUDIO_EXTENSIONS, _check_readable

Kind = Literal["image", "audio"]

_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")
_AUDIO_MAGIC = (b"ID3", b"fLaC", b"OggS", b"\x1aE\xdf\xa3", b"#!AMR", b"caff", b"0&\xb2u\x8ef\xcf\x11")


def sniff_bytes(head: bytes) -> Kind | None:
    """``"image"`` or ``"audio"`` for the formats this app reads, from a file's first 16 bytes."""
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(_AUDIO_MAGIC) or (head[:4] == b"RIFF" and head[8:12] in (b"WAVE", b"AVI ")):
        return "audio"
    if head[4:8] == b"ftyp" or (head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC")):
        return "audio"  # MP4/M4A/MOV (a video's sound counts) and AIFF
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio"  # an MPEG audio or ADTS AAC frame without tags
    return None


def sniff_kind(path: Path) -> Kind:
    """Raises :class:`InputError` for a missing, empty or unreadable file, or one that is neither."""
    _check_readable(path, "a picture or a sound file")
    with path.open("rb") as fh:
        kind = sniff_bytes(fh.read(16))
    if kind is not None:
        return kind
    suffix = path.suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return "image"
    if suffix in AUDIO_EXTENSIONS:
        return "audio"
    raise InputError(path, "is neither a picture nor a sound file this app reads",
                     hint="pictures: JPEG, PNG, WebP, TIFF, BMP, GIF; sound: MP3, WAV, M4A, FLAC, OGG/Opus")
