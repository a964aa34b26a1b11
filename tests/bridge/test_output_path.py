"""The output-path policy: default folder and name, never overwriting, video endings, folder creation."""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.bridge.output_path import (
    as_video_name,
    creates_folder,
    default_output_path,
    ensure_folder,
    is_video_name,
    output_folder,
    typed_output,
)


def test_default_output_never_overwrites(tmp_path: Path) -> None:
    first = default_output_path(tmp_path, Path("/pics/Holiday.jpg"))
    assert first == tmp_path / "Holiday.mp4"
    first.write_bytes(b"x")
    assert default_output_path(tmp_path, Path("/pics/Holiday.jpg")) == tmp_path / "Holiday (2).mp4"
    (tmp_path / "Holiday (2).mp4").write_bytes(b"x")
    assert default_output_path(tmp_path, Path("/pics/Holiday.jpg")) == tmp_path / "Holiday (3).mp4"
    assert default_output_path(tmp_path, None).name == "video.mp4"


def test_default_output_in_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    assert default_output_path(tmp_path / "new", Path("a.png")) == tmp_path / "new" / "a.mp4"


def test_output_folder_prefers_the_saved_one(tmp_path: Path) -> None:
    assert output_folder("", tmp_path / "outputs") == tmp_path / "outputs"
    assert output_folder(str(tmp_path / "mine"), tmp_path / "outputs") == tmp_path / "mine"


def test_video_endings() -> None:
    assert is_video_name(Path("a.mp4")) and is_video_name(Path("a.MOV")) and is_video_name(Path("a.m4v"))
    assert not is_video_name(Path("a.avi")) and not is_video_name(Path("video"))
    assert as_video_name(Path("/x/clip")) == Path("/x/clip.mp4")
    assert as_video_name(Path("/x/clip.avi")) == Path("/x/clip.mp4")
    assert as_video_name(Path("/x/clip.MOV")) == Path("/x/clip.MOV")


def test_typed_output() -> None:
    assert typed_output("   ") is None and typed_output("") is None
    assert typed_output("~/v.mp4") == Path.home() / "v.mp4"
    assert typed_output("/tmp/v.mp4") == Path("/tmp/v.mp4")


def test_only_our_folders_are_created(tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    assert creates_folder(outputs / "a.mp4", outputs, chosen=True)  # the app's own folder
    assert creates_folder(tmp_path / "saved" / "a.mp4", outputs, chosen=False)  # the default name
    assert not creates_folder(tmp_path / "typo" / "a.mp4", outputs, chosen=True)  # typed by the user
    ensure_folder(tmp_path / "x" / "y")
    ensure_folder(tmp_path / "x" / "y")  # twice is fine
    assert (tmp_path / "x" / "y").is_dir()
