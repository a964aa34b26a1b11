"""``render A.jpg B.jpg C.jpg song.mp3``: pictures first, then one sound, sorted by content; clear errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.test_cli_render import run_cli
from tests.engine.slideshow_media import COLOURS, click_track, colour_picture
from tests.media_factory import tone
from vidgen_desktop.cli.main import build_parser
from vidgen_desktop.cli.render_cmd import job_from_args
from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.core.jobs import Transition


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli-slides")
    notes = d / "notes.txt"
    notes.write_text("hello")
    a = colour_picture(d / "a.png", COLOURS["red"])
    disguised = d / "cover.mp3"  # a PNG with a sound's name: its content says picture
    shutil.copy(colour_picture(d / "b.png", COLOURS["green"]), disguised)
    return {"a": a, "b": d / "b.png", "c": colour_picture(d / "c.png", COLOURS["blue"]), "cover": disguised,
            "song": tone(d / "song.wav", 1.0), "song2": tone(d / "other.mp3", 0.5), "notes": notes,
            "clicks": click_track(d / "clicks.wav", 120.0, 3, 0.0)[0]}


def _job(*argv: str):  # type: ignore[no-untyped-def]
    return job_from_args(build_parser().parse_args(["render", *argv, "-o", "/tmp/never-written.mp4"]))


def test_pictures_then_the_sound_make_a_slideshow_in_order(files: dict[str, Path]) -> None:
    job = _job(str(files["c"]), str(files["cover"]), str(files["a"]), str(files["song"]), "--transition", "cut")
    assert job.images == (files["c"], files["cover"], files["a"]) and job.audio == files["song"]
    assert job.transition is Transition.CUT and job.is_slideshow
    one = _job(str(files["a"]), str(files["song"]))
    assert one.images == (files["a"],) and not one.is_slideshow
    assert one.transition is Transition.CROSSFADE  # the default


@pytest.mark.parametrize(
    ("names", "error", "text"),
    [
        (["a", "b"], UsageError, "no sound file among the 2"),
        (["a", "song", "song2"], UsageError, "2 sound files given (song.wav, other.mp3)"),
        (["song"], UsageError, "no picture given"),
        (["song", "a", "b"], InputError, "the audio comes after the pictures"),
        (["a", "notes", "song"], InputError, "neither a picture nor a sound"),
    ],
)
def test_wrong_files_are_named_in_one_sentence(files: dict[str, Path], names: list[str], error: type,
                                               text: str) -> None:
    with pytest.raises(error) as caught:
        _job(*[str(files[n]) for n in names])
    assert text in caught.value.message


@pytest.mark.parametrize(
    ("names", "extra", "code", "text"),
    [
        (["a", "b"], [], 2, "no sound file"),
        (["a", "song", "song2"], [], 2, "2 sound files given"),
        (["song", "a", "b"], [], 1, "the audio comes after the pictures"),
        (["a", "missing", "song"], [], 1, "nope.png: file not found"),
        (["a", "b", "song"], ["--transition", "wipe"], 2, "invalid choice"),
        (["a", "b", "song"], ["--script", "{notes}"], 2, "not both"),
    ],
)
def test_cli_exit_codes_and_messages(files: dict[str, Path], tmp_path: Path, names: list[str], extra: list[str],
                                     code: int, text: str) -> None:
    paths = {**{k: str(v) for k, v in files.items()}, "missing": str(tmp_path / "nope.png")}
    out = tmp_path / "o.mp4"
    r = run_cli("render", *[paths[n] for n in names], "-o", str(out), *[e.format(**paths) for e in extra],
                home=tmp_path)
    assert r.returncode == code, r.stderr
    assert text in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_cli_renders_a_slideshow(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "show.mp4"
    r = run_cli("render", str(files["a"]), str(files["b"]), str(files["c"]), str(files["clicks"]), "-o", str(out),
                "--resolution", "128x72", "--fps", "12", "--transition", "cut", "--tier", "svd", "--json",
                home=tmp_path)
    assert r.returncode == 2 and "animates one picture" in r.stderr and not out.exists()  # asked for, not possible
    r = run_cli("render", str(files["a"]), str(files["b"]), str(files["c"]), str(files["clicks"]), "-o", str(out),
                "--resolution", "128x72", "--fps", "12", "--transition", "cut", "--tier", "svd", "--fallback",
                "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    done = json.loads(r.stdout.splitlines()[-1])
    assert done["tier"] == "kenburns" and done["frames"] == 72 and len(done["motion"].split(",")) == 3
    assert any("Ken Burns" in n and "slideshow" in n for n in done["notes"])
    assert any("slideshow of 3 pictures" in n for n in done["notes"])
    assert out.is_file()


def test_a_narrated_slideshow_takes_every_file_as_a_picture(files: dict[str, Path]) -> None:
    job = _job(str(files["a"]), str(files["b"]), "--script", str(files["notes"]))
    assert job.images == (files["a"], files["b"]) and job.audio == files["notes"]
