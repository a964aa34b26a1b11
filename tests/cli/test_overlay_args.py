"""The audiogram options on the command line: accepted, refused with a usage message, and rendered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from tests.cli.test_cli_render import run_cli
from tests.media_factory import probe_text, textured_image, tone
from vidgen_desktop.core.settings import settings_from_dict
from vidgen_desktop.engine.overlays.colour import NEUTRAL, accent_colour


def test_render_with_every_overlay(tmp_path: Path) -> None:
    img, aud = textured_image(tmp_path / "i.png"), tone(tmp_path / "a.wav", 1.0)
    out = tmp_path / "o.mp4"
    r = run_cli("render", str(img), str(aud), "-o", str(out), "--resolution", "320x180", "--fps", "10",
                "--visualizer", "wave", "--progress-line", "--title", "auto", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "h264" in probe_text(out)


def test_bad_overlay_options_are_usage_errors(tmp_path: Path) -> None:
    img, aud = textured_image(tmp_path / "i.png"), tone(tmp_path / "a.wav", 1.0)
    out = tmp_path / "o.mp4"
    r = run_cli("render", str(img), str(aud), "-o", str(out), "--visualizer", "disco", home=tmp_path)
    assert r.returncode == 2 and "invalid choice" in r.stderr
    r = run_cli("render", str(img), str(aud), "-o", str(out), "--title", "x" * 300, home=tmp_path)
    assert r.returncode == 2 and "title" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_accent_colour_comes_from_the_picture() -> None:
    rng = np.random.default_rng(1)
    blue = np.zeros((120, 160, 3), np.uint8)
    blue[..., 2] = rng.integers(150, 255, (120, 160))
    blue[..., 0] = rng.integers(0, 40, (120, 160))
    r, g, b = accent_colour(blue)
    assert b > 200 and b > r + 60 and b > g + 30
    grey = np.repeat(rng.integers(0, 255, (120, 160, 1), dtype=np.uint8), 3, axis=2)
    assert accent_colour(grey) == NEUTRAL
    Image.fromarray(blue)  # the helper takes what Pillow gives


def test_overlay_settings_are_validated_one_by_one() -> None:
    s, dropped = settings_from_dict({"overlays": {"visualizer": "disco", "progress": "on", "title_text": "Hi"}})
    assert (s.overlays.visualizer, s.overlays.progress, s.overlays.title_text) == ("none", "on", "Hi")
    assert dropped == ["overlays.visualizer"]
