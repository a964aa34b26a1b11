"""Pairing rules: same name (Unicode and case aware), one picture for every sound, track order from real tags."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from tests.media_factory import tone
from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.engine.batch.pairing import collect, make_pairs
from vidgen_desktop.engine.tags import AudioTags, parse_ffmetadata, read_tags, tags_from_dict


def _touch(folder: Path, *names: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in names:
        p = folder / n
        p.write_bytes(b"x")
        out.append(p)
    return out


def no_tags(_p: Path) -> AudioTags:
    return AudioTags()


def _pairs(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(p.image.name, p.audio.name) for p in result.pairs]


def test_same_base_name_pairs_and_reports_missing_partners(tmp_path: Path) -> None:
    _touch(tmp_path, "song1.jpg", "song1.mp3", "song2.png", "song2.flac", "lonely.wav", "spare.jpg")
    r = make_pairs([tmp_path], "name", tags=no_tags)
    assert _pairs(r) == [("song1.jpg", "song1.mp3"), ("song2.png", "song2.flac")]
    assert [(p.audio.name, "no picture" in p.reason) for p in r.problems] == [("lonely.wav", True)]
    assert [p.name for p in r.unused_images] == ["spare.jpg"]


def test_unicode_names_pair_across_normalisation_forms(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Café")
    _touch(tmp_path, f"{nfd}.jpg", "café.mp3", "日本語の歌.png", "日本語の歌.flac", "Ölçü.webp", "ölçü.ogg")
    r = make_pairs([tmp_path], "name", tags=no_tags)
    got = {unicodedata.normalize("NFC", a): unicodedata.normalize("NFC", i) for i, a in _pairs(r)}
    assert got == {"café.mp3": "Café.jpg", "日本語の歌.flac": "日本語の歌.png", "ölçü.ogg": "Ölçü.webp"}
    assert r.problems == () and r.unused_images == ()


def test_names_differing_only_in_case(tmp_path: Path) -> None:
    # A picture and a sound differing in case pair (Windows and macOS see one name).
    _touch(tmp_path / "a", "Song.JPG", "song.mp3")
    assert _pairs(make_pairs([tmp_path / "a"], "name", tags=no_tags)) == [("Song.JPG", "song.mp3")]
    # Two sounds differing only in case: ambiguous, both reported, nothing guessed, the rest goes on.
    b = tmp_path / "b"
    _touch(b, "Track.mp3", "other.mp3", "track.png", "other.png")
    try:
        (b / "track.mp3").write_bytes(b"y")
    except OSError:  # pragma: no cover - a case-insensitive file system has one name for both
        pytest.skip("platform: this file system cannot hold Track.mp3 and track.mp3 side by side")
    if len(list(b.iterdir())) < 5:
        pytest.skip("platform: this file system folds case (Track.mp3 and track.mp3 are one file)")
    r = make_pairs([b], "name", tags=no_tags)
    assert _pairs(r) == [("other.png", "other.mp3")]
    assert sorted(p.audio.name for p in r.problems) == ["Track.mp3", "track.mp3"]
    assert all("ambiguous" in p.reason for p in r.problems)
    # Two pictures for one sound (other extensions) are ambiguous too.
    _touch(tmp_path / "c", "x.jpg", "X.png", "x.wav")
    (problem,) = make_pairs([tmp_path / "c"], "name", tags=no_tags).problems
    assert "several pictures" in problem.reason


def test_one_picture_for_every_sound_and_auto(tmp_path: Path) -> None:
    _touch(tmp_path / "album", "cover.jpg", "01.mp3", "02.mp3", "10.mp3")
    r = make_pairs([tmp_path / "album"], "auto", tags=no_tags)
    assert r.mode == "one-picture"
    assert [a for _, a in _pairs(r)] == ["01.mp3", "02.mp3", "10.mp3"]  # natural order without tags
    _touch(tmp_path / "album", "back.jpg")
    with pytest.raises(UsageError, match="exactly one picture; found 2"):
        make_pairs([tmp_path / "album"], "one-picture", tags=no_tags)
    assert make_pairs([tmp_path / "album"], "auto", tags=no_tags).mode == "name"


def test_inputs_folders_and_files(tmp_path: Path) -> None:
    _touch(tmp_path / "in", "a.jpg", "a.mp3", ".a.vidgen-x.partial.mp4", "old.mp4", "notes.txt")
    images, audios = collect([tmp_path / "in", tmp_path / "in" / "a.mp3"])  # the same file twice counts once
    assert [p.name for p in images] == ["a.jpg"] and [p.name for p in audios] == ["a.mp3"]
    explicit = _touch(tmp_path, "clip.mp4")[0]
    assert collect([explicit])[1] == [explicit]  # a video named explicitly is a sound source
    with pytest.raises(UsageError, match="neither a picture nor a sound"):
        collect([tmp_path / "in" / "notes.txt"])
    with pytest.raises(InputError, match="not found"):
        collect([tmp_path / "nope"])
    _touch(tmp_path / "pics", "a.jpg")
    with pytest.raises(UsageError, match="no sound files"):
        make_pairs([tmp_path / "pics"], tags=no_tags)


def test_track_order_from_real_tags(tmp_path: Path) -> None:
    d = tmp_path / "album"
    d.mkdir()
    (d / "cover.png").write_bytes(b"x")
    for name, track in (("a.mp3", "3/12"), ("b.m4a", "1"), ("c.flac", "10"), ("d.ogg", None), ("e.mp3", "2")):
        extra = ["-metadata", f"track={track}", "-metadata", f"title=T {name}"] if track else []
        tone(d / name, 0.2, extra=extra)
    r = make_pairs([d])
    assert [(p.audio.name, p.tags.track) for p in r.pairs] == [
        ("b.m4a", 1), ("e.mp3", 2), ("a.mp3", 3), ("c.flac", 10), ("d.ogg", None)]
    assert read_tags(d / "a.mp3").title == "T a.mp3"
    assert read_tags(tmp_path / "missing.mp3") == AudioTags()


def test_ffmetadata_escapes() -> None:
    text = ";FFMETADATA1\ntitle=A\\=b\\;c\\\\\nartist=Line\\\none\nTRACK=07/12\n[STREAM]\ntitle=stream\n"
    d = parse_ffmetadata(text)
    assert d == {"title": "A=b;c\\", "artist": "Line\none", "track": "07/12"}
    assert tags_from_dict(d).track == 7
