"""Sorting files by their first bytes: every format the app reads, whatever its name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.media_factory import tone
from vidgen_desktop.core.errors import InputError
from vidgen_desktop.engine.sniff import sniff_kind


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"])
def test_pictures_are_pictures_whatever_their_name(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "picture.wav"  # the name lies
    Image.new("RGB", (8, 8), (10, 200, 30)).save(path, format=fmt)
    assert sniff_kind(path) == "image"


@pytest.mark.parametrize("ext", [".wav", ".mp3", ".m4a", ".flac", ".ogg", ".opus"])
def test_sounds_are_sounds_whatever_their_name(tmp_path: Path, ext: str) -> None:
    made = tone(tmp_path / f"s{ext}", 0.2)
    disguised = tmp_path / "sound.jpg"
    shutil.copy(made, disguised)
    assert sniff_kind(disguised) == "audio"


def test_unknown_content_falls_back_on_the_name_and_else_says_what_is_wrong(tmp_path: Path) -> None:
    junk = b"\x00\x01 not a known header at all"
    (tmp_path / "odd.jpg").write_bytes(junk)
    (tmp_path / "odd.aiff").write_bytes(junk)
    (tmp_path / "odd.txt").write_bytes(junk)
    assert sniff_kind(tmp_path / "odd.jpg") == "image" and sniff_kind(tmp_path / "odd.aiff") == "audio"
    with pytest.raises(InputError, match="neither a picture nor a sound"):
        sniff_kind(tmp_path / "odd.txt")
    with pytest.raises(InputError, match="file not found"):
        sniff_kind(tmp_path / "gone.png")
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        sniff_kind(tmp_path / "empty.png")
