"""Audiogram overlays measured in real encoded videos: bars and waves follow the sound, the line fills, titles show."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.media_factory import decode_gray_frames
from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.core.overlays import OverlaySpec
from vidgen_desktop.engine.ffmpeg import ffmpeg_exe
from vidgen_desktop.engine.overlays import Layout, analyse_frames, title_for
from vidgen_desktop.engine.render import render
from vidgen_desktop.engine.tags import parse_ffmetadata, read_tags

FPS = 10
SIZE = (320, 180)
#: Loudness per second of the test sound: loud, quiet, loud, silent, medium, loud.
LEVELS = [1.0, 0.08, 0.9, 0.0, 0.4, 1.0]


def pulsing_noise(path: Path, levels: list[float] = LEVELS, rate: int = 22050) -> Path:
    """Band-limited noise whose loudness steps once a second through ``levels``."""
    rng = np.random.default_rng(7)
    parts = [rng.standard_normal(rate).astype(np.float32) * 0.3 * lv for lv in levels]
    pcm = (np.clip(np.concatenate(parts), -1, 1) * 32767).astype("<i2").tobytes()
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
                    "-metadata", "title=Test Song", "-metadata", "artist=The Testers", str(path)],
                   input=pcm, check=True)
    return path


def dark_picture(path: Path) -> Path:
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(20, 50, (360, 640, 3), dtype=np.uint8), "RGB").save(path)
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("audiogram")
    return dark_picture(d / "dark.png"), pulsing_noise(d / "song.wav")


def _render(inputs: tuple[Path, Path], out: Path, spec: OverlaySpec) -> np.ndarray:
    image, audio = inputs
    job = RenderJob(image=image, audio=audio, output=out, tier=Tier.KENBURNS, resolution=Resolution(*(None,), *SIZE),
                    fps=FPS, overlays=spec)
    render(job)
    return decode_gray_frames(out, SIZE).astype(np.float32)


def _per_second(values: np.ndarray) -> np.ndarray:
    return np.array([values[i * FPS + 2:(i + 1) * FPS - 2].mean() for i in range(len(LEVELS))])


def test_bars_follow_the_loudness(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    frames = _render(inputs, tmp_path / "bars.mp4", OverlaySpec(visualizer="bars"))
    lay = Layout.for_frame(*SIZE)
    band = frames[:, lay.top:lay.bottom, lay.x0:lay.x1]
    lit = (band > 150).mean(axis=(1, 2))  # the bars are bright on a dark picture
    per_second = _per_second(lit)
    assert np.corrcoef(per_second, LEVELS)[0, 1] > 0.85, per_second
    assert per_second[0] > 3 * per_second[3] + 0.02  # loud vs silent
    above = frames[:, : lay.top - 4].mean()
    assert above < 60  # nothing drawn outside the band


def test_wave_spreads_with_the_loudness(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    frames = _render(inputs, tmp_path / "wave.mp4", OverlaySpec(visualizer="wave"))
    lay = Layout.for_frame(*SIZE)
    band = frames[:, lay.top:lay.bottom, lay.x0:lay.x1] > 150
    rows = np.arange(band.shape[1])[None, :, None]
    spread = np.where(band, np.abs(rows - band.shape[1] / 2), 0).sum(axis=(1, 2)) / np.maximum(1, band.sum((1, 2)))
    per_second = _per_second(spread)
    assert np.corrcoef(per_second, LEVELS)[0, 1] > 0.8, per_second
    assert band.sum((1, 2)).min() > 0  # a flat line still shows during silence


def test_progress_line_fills_with_time(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    frames = _render(inputs, tmp_path / "line.mp4", OverlaySpec(progress=True))
    lay = Layout.for_frame(*SIZE)
    line = frames[:, lay.line_y:lay.line_y + lay.line_h, lay.x0:lay.x1].mean(axis=1) > 150
    filled = line.sum(axis=1) / line.shape[1]
    expected = (np.arange(len(frames)) + 1) / len(frames)
    assert np.abs(filled - expected).max() < 0.05
    assert filled[-1] > 0.97


def test_title_from_the_tags_is_drawn(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    plain = _render(inputs, tmp_path / "plain.mp4", OverlaySpec())
    titled = _render(inputs, tmp_path / "title.mp4", OverlaySpec(title="auto"))
    lay = Layout.for_frame(*SIZE)
    top = (slice(None), slice(lay.title_y, lay.title_y + 30), slice(lay.x0, lay.x1))
    assert (titled[top] > 180).mean() > 0.005  # white title text on a dark picture
    assert (plain[top] > 180).mean() < 0.001
    bottom = (slice(None), slice(lay.top, None))
    assert np.abs(titled[bottom] - plain[bottom]).mean() < 1.5  # nothing else changed


def test_features_stream_a_long_sound_in_blocks(tmp_path: Path) -> None:
    """Block edges must not show: a steady tone gives steady bars across the 10 s block boundary."""
    audio = tmp_path / "steady.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300:duration=25",
                    str(audio)], check=True)
    feats = analyse_frames(audio, 30.0, 750)
    total = feats.bars.astype(np.float32).sum(axis=1)
    assert feats.frames == 750
    assert np.abs(total[5:-5] - np.median(total)).max() < 0.05 * np.median(total)


def test_video_shorter_than_the_sound_stops_reading(tmp_path: Path) -> None:
    audio = tmp_path / "long.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=300:duration=40",
                    str(audio)], check=True)
    feats = analyse_frames(audio, 10.0, 30)  # 3 s of 40
    assert feats.frames == 30 and float(feats.level.astype(np.float32).min()) > 0.5


def test_tags_are_read_by_ffmpeg(inputs: tuple[Path, Path]) -> None:
    tags = read_tags(inputs[1])
    assert (tags.title, tags.artist) == ("Test Song", "The Testers")
    assert title_for(OverlaySpec(title="auto"), inputs[1]) == ("Test Song", "The Testers")
    assert title_for(OverlaySpec(title="My own"), inputs[1]) == ("My own", "")
    assert title_for(OverlaySpec(), inputs[1]) is None


def test_a_file_without_tags_is_titled_by_its_name(tmp_path: Path) -> None:
    audio = tmp_path / "my_first_song.wav"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=duration=1", str(audio)], check=True)
    assert (read_tags(audio).title or "", read_tags(audio).track) == ("", None)
    assert title_for(OverlaySpec(title="auto"), audio) == ("my first song", "")


def test_ffmetadata_parsing() -> None:
    text = ";FFMETADATA1\ntitle=A\\=B \\; C\nTRACK=3/12\nartist=X\\\nY\ntitle=ignored\n[STREAM]\nalbum=no\n"
    tags = parse_ffmetadata(text)
    assert tags == {"title": "A=B ; C", "track": "3/12", "artist": "X\nY"}


def test_bottom_captions_push_the_visualizer_up(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    """Burned captions at the bottom and a visualizer: the bars move above the captions' lines."""
    from vidgen_desktop.engine.captions import Cue

    image, audio = inputs
    job = RenderJob(image=image, audio=audio, output=tmp_path / "both.mp4", tier=Tier.KENBURNS,
                    resolution=Resolution(*(None,), *SIZE), fps=FPS, overlays=OverlaySpec(visualizer="bars"))
    render(job, burn_captions=[Cue(0.0, 6.0, "WWWWWWWWWWWWWW")])
    frames = decode_gray_frames(job.output, SIZE).astype(np.float32)
    raised = Layout.for_frame(*SIZE, clear_bottom=0.17)
    assert raised.bottom < Layout.for_frame(*SIZE).bottom - 0.15 * SIZE[1]
    band = frames[:, raised.top:raised.bottom, raised.x0:raised.x1]
    assert (band > 150).mean(axis=(1, 2)).max() > 0.05  # the bars are drawn in the raised band
