"""``render --captions burn --caption-style …``: the look reaches the burned frames; bad values are usage errors."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.cli.test_cli_render import run_cli
from tests.media_factory import textured_image
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe


@pytest.mark.parametrize(
    ("extra", "text"),
    [
        (["--script", "{script}", "--captions", "burn", "--caption-color", "pinkish"], "#RRGGBB"),
        (["--script", "{script}", "--captions", "burn", "--caption-size", "40"], "between 2% and 15%"),
        (["--script", "{script}", "--caption-style", "karaoke"], "go with burned captions"),
        (["--script", "{script}", "--captions", "burn", "--caption-style", "bouncy"], "invalid choice"),
    ],
)
def test_bad_caption_looks_are_usage_errors(tmp_path: Path, extra: list[str], text: str) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Hello there.")
    img = textured_image(tmp_path / "i.png", (160, 90))
    r = run_cli("render", str(img), "-o", str(tmp_path / "o.mp4"), *[a.format(script=script) for a in extra],
                home=tmp_path)
    assert r.returncode == 2, r.stderr
    assert text in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.mp4").exists()


def test_word_style_with_a_highlight_colour_is_burned(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("We make short videos from any picture and any sound.")
    grey = tmp_path / "grey.png"
    Image.new("RGB", (320, 568), (90, 90, 90)).save(grey)
    out = tmp_path / "o.mp4"
    r = run_cli("render", str(grey), "--script", str(script), "-o", str(out), "--captions", "burn",
                "--voice-engine", "system", "--aspect", "9:16", "--resolution", "180x320", "--fps", "10",
                "--tier", "kenburns", "--caption-style", "word", "--caption-highlight", "#00e600",
                "--caption-position", "middle", home=tmp_path)
    assert r.returncode == 0, r.stderr
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(out), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         stdout=subprocess.PIPE, check=True).stdout
    frames = np.frombuffer(raw, np.uint8).reshape(-1, 320, 180, 3).astype(int)
    green = (frames[..., 1] > 150) & (frames[..., 0] < 110) & (frames[..., 2] < 110)
    lit = green.reshape(len(frames), -1).sum(axis=1) > 10
    assert lit.mean() > 0.5  # the word being said is lit in most frames
    rows = np.nonzero(green.any(axis=(0, 2)))[0]
    assert 320 * 0.3 < rows.mean() < 320 * 0.6  # in the middle of the safe area


def test_the_look_goes_with_every_burned_caption_source() -> None:
    import argparse

    from vidgen_desktop.cli.caption_args import look_from_args

    base = {"caption_style": "word", "caption_size": None, "caption_color": None, "caption_highlight": None,
            "caption_position": None, "caption_outline": None, "caption_shadow": None}
    for extra in ({"captions": "burn"}, {"captions": "auto"}, {"captions": "srt", "captions_file": "c.srt"}):
        look = look_from_args(argparse.Namespace(**base, **extra))
        assert look is not None and look.style == "word"
