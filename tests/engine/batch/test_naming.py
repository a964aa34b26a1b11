"""Output names: the template, safe on every OS, never colliding (case-insensitively), never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.batch.naming import MAX_NAME_BYTES, NameReserver, check_template, render_name, sanitize
from vidgen_desktop.engine.tags import AudioTags


def test_template_fields_and_fallbacks() -> None:
    tags = AudioTags(title="Blue", artist="Zoë", album="Sea", track=3, disc=1)
    assert render_name("{track} - {artist} - {title}", Path("x.mp3"), tags) == "03 - Zoë - Blue"
    assert render_name("{stem}", Path("/a/b/My Song.flac"), tags) == "My Song"
    # Missing tags: title falls back to the file name; a dangling separator is trimmed.
    assert render_name("{track} - {artist} - {title}", Path("raw take.wav"), AudioTags()) == "raw take"
    assert render_name("{artist} - {title}", Path("x.wav"), AudioTags(title="T")) == "T"
    assert render_name("{album} ({disc})", Path("x.wav"), AudioTags(album="A")) == "A"


@pytest.mark.parametrize("bad", ["{name}", "{track:03d}", "{title!r}", "{", "   "])
def test_bad_templates_are_usage_errors(bad: str) -> None:
    with pytest.raises(UsageError):
        check_template(bad)


def test_sanitize_for_every_os() -> None:
    assert sanitize('AC/DC: "Live" <at> the *Hall*? |x|') == "AC_DC_ _Live_ _at_ the _Hall__ _x_"
    assert sanitize("CON") == "CON_" and sanitize("nul.tar") == "nul.tar_" and sanitize("console") == "console"
    assert sanitize("..hidden. ") == "hidden"
    assert sanitize("tab\there\x00") == "tab here_"
    long = sanitize("é" * 200)
    assert len(long.encode()) <= MAX_NAME_BYTES and long == "é" * (MAX_NAME_BYTES // 2)
    assert render_name("{title}", Path("..mp3"), AudioTags(title=" . ")) == "video"  # nothing usable left


def test_names_never_collide_or_overwrite(tmp_path: Path) -> None:
    (tmp_path / "Song.mp4").write_bytes(b"old")
    names = NameReserver(tmp_path)
    assert names.take("song").name == "song (2).mp4"  # "Song.mp4" is there (case-insensitively the same)
    assert names.take("song").name == "song (3).mp4"
    assert names.take("other").name == "other.mp4"
    names.reserve_exact(tmp_path / "kept.mp4")
    assert names.take("KEPT").name == "KEPT (2).mp4"
    assert (tmp_path / "Song.mp4").read_bytes() == b"old"
