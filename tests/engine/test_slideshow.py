"""Slideshows end to end: real encodes of coloured pictures over a click track, measured from decoded frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.engine.slideshow_media import (
    COLOURS,
    analyser_merged,
    click_track,
    colour_picture,
    decode_rgb_means,
    detect_clicks,
)
from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.jobs import Motion, RenderJob, Resolution, Tier, Transition
from vidgen_desktop.core.slideshow import plan_slideshow
from vidgen_desktop.engine import slideshow
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.render import plan_render, render
from vidgen_desktop.engine.slideshow import SlideshowFrames, slide_motion

FPS = 24.0
SIZE = (160, 90)
BPM, BARS, LEAD_IN = 150.0, 6, 0.27  # bars of 1.6 s; downbeats fall between frames


@pytest.fixture(scope="module")
def show(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("slideshow")
    pics = [colour_picture(d / f"{name}.png", COLOURS[name]) for name in ("red", "green", "blue")]
    track, downbeats = click_track(d / "clicks.wav", BPM, BARS, LEAD_IN, tail=0.2)
    return {"pictures": pics, "audio": track, "downbeats": downbeats}


@pytest.fixture(autouse=True)
def _listener(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real analyser once it is merged; until then the test-only click detector stands in for it."""
    if not analyser_merged():
        monkeypatch.setattr(slideshow, "audio_analysis", lambda path, _d, _c=None: (detect_clicks(path), ""))


def _job(show: dict[str, object], out: Path, **kw: object) -> RenderJob:
    pics = show["pictures"]
    assert isinstance(pics, list)
    base: dict[str, object] = {"image": pics[0], "more_images": tuple(pics[1:]), "audio": show["audio"],
                               "output": out, "resolution": Resolution.parse(f"{SIZE[0]}x{SIZE[1]}"), "fps": FPS}
    base.update(kw)
    return RenderJob(**base)  # type: ignore[arg-type]


def _which(means: np.ndarray) -> np.ndarray:
    """Index (0 red, 1 green, 2 blue) of the picture nearest each frame's mean colour."""
    ref = np.array([COLOURS["red"], COLOURS["green"], COLOURS["blue"]], np.float64)
    return np.argmin(((means[:, None, :] - ref[None]) ** 2).sum(-1), axis=1)


def test_cuts_land_on_the_downbeats(show: dict[str, object], tmp_path: Path,
                                    kenburns_decision: TierDecision) -> None:
    out = tmp_path / "cut.mp4"
    res = render(_job(show, out, transition=Transition.CUT), decision=kenburns_decision)
    downbeats = show["downbeats"]
    assert isinstance(downbeats, list)
    means = decode_rgb_means(out, SIZE)
    assert len(means) == res.frames == int(np.ceil((LEAD_IN + BARS * 4 * 60 / BPM + 0.2) * FPS - 1e-6))
    who = _which(means)
    changes = [i for i in range(1, len(who)) if who[i] != who[i - 1]]
    assert list(who[[0, -1]]) == [0, 2] and len(changes) == 2  # red, then green, then blue, each once
    # 6 bars over 3 pictures: 2 bars each; the new picture's first frame is the frame at the downbeat.
    expected = [round(downbeats[2] * FPS), round(downbeats[4] * FPS)]
    assert all(abs(c - e) <= 1 for c, e in zip(changes, expected, strict=True)), (changes, expected)
    assert any("2 bars each" in n for n in res.notes) and res.tier is Tier.KENBURNS
    assert len(res.motion.split(",")) == 3


def test_crossfades_are_centred_on_the_downbeats(show: dict[str, object], tmp_path: Path,
                                                 kenburns_decision: TierDecision) -> None:
    out = tmp_path / "fade.mp4"
    render(_job(show, out, transition=Transition.CROSSFADE), decision=kenburns_decision)
    downbeats = show["downbeats"]
    assert isinstance(downbeats, list)
    means = decode_rgb_means(out, SIZE)
    ref = np.array([COLOURS["red"], COLOURS["green"], COLOURS["blue"]], np.float64)
    for old, new, bar in ((0, 1, 2), (1, 2, 4)):
        # How far along old → new each frame is (projection on the line between the two colours).
        axis = ref[new] - ref[old]
        share = ((means - ref[old]) @ axis) / (axis @ axis)
        lo, hi = round(downbeats[bar] * FPS) - 20, round(downbeats[bar] * FPS) + 20
        s = share[lo:hi]
        k = int(np.flatnonzero(s >= 0.5)[0])
        centre = lo + k - 1 + (0.5 - s[k - 1]) / (s[k] - s[k - 1])  # where it is half-way
        assert abs(centre - downbeats[bar] * FPS) <= 1.0, (centre, downbeats[bar] * FPS)
        fading = np.flatnonzero((s > 0.1) & (s < 0.9))
        beat_frames = 60 / BPM * FPS
        assert 0.5 * beat_frames <= len(fading) <= 1.2 * beat_frames  # about one beat long


def test_a_slideshow_asked_of_an_ai_tier_is_made_with_ken_burns(show: dict[str, object], tmp_path: Path,
                                                                kenburns_decision: TierDecision) -> None:
    from vidgen_desktop.engine.media import probe_audio

    job = _job(show, tmp_path / "x.mp4", tier=Tier.SVD)
    plan = plan_render(job, probe_audio(job.audio), kenburns_decision, (400, 300))
    assert plan.tier is Tier.KENBURNS and not plan.ai_chain
    assert any("slideshow" in n and "Ken Burns" in n for n in plan.notes)


def test_without_an_analyser_the_pictures_share_the_time(show: dict[str, object], tmp_path: Path,
                                                         kenburns_decision: TierDecision,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slideshow, "audio_analysis",
                        lambda _p, d, _c=None: (AudioAnalysis(duration_s=d, kind="music"), "no analyser"))
    out = tmp_path / "even.mp4"
    res = render(_job(show, out, transition=Transition.CUT, resolution=Resolution.parse("128x72"), fps=10.0),
                 decision=kenburns_decision)
    who = _which(decode_rgb_means(out, (128, 72)))
    changes = [i for i in range(1, len(who)) if who[i] != who[i - 1]]
    third = res.frames / 3
    assert all(abs(c - e) <= 1 for c, e in zip(changes, (third, 2 * third), strict=True))
    assert any("no analyser" in n for n in res.notes)


def test_many_pictures_hold_two_canvases_at_most_and_each_gets_its_own_move(tmp_path: Path) -> None:
    pics = [colour_picture(tmp_path / f"{k}.png", COLOURS[name]) for k, name in enumerate(COLOURS)]
    beats = tuple(0.25 * k for k in range(48))
    a = AudioAnalysis(duration_s=12.0, kind="music", tempo_bpm=240, beats=beats, downbeats=beats[::4])
    job = RenderJob(image=pics[0], more_images=tuple(pics[1:]), audio=tmp_path / "a.wav", output=tmp_path / "o.mp4",
                    transition=Transition.CROSSFADE, seed=3)
    plan = plan_slideshow(len(pics), a, 12.0, job.transition, 144)
    frames = SlideshowFrames(job, plan, (64, 36), 12.0, 144)
    n = sum(1 for _ in frames)
    assert n == 144 and frames.peak_held == 2
    assert len(frames.motions) == len(pics)
    assert all(m1 is not m2 for m1, m2 in zip(frames.motions, frames.motions[1:], strict=False))
    assert len(set(frames.motions)) >= 2


def test_slide_motion_keeps_an_explicit_move_and_varies_automatic_ones() -> None:
    assert slide_motion(Motion.ZOOM_OUT, (100, 56), 16 / 9, 1, Motion.ZOOM_OUT) is Motion.ZOOM_OUT
    wide = [slide_motion(Motion.AUTO, (400, 100), 16 / 9, k, None) for k in range(3)]
    assert wide == [Motion.PAN_RIGHT] * 3  # a panorama pans...
    assert slide_motion(Motion.AUTO, (400, 100), 16 / 9, 0, Motion.PAN_RIGHT) is Motion.PAN_LEFT  # ...the other way


def test_speech_changes_at_its_pauses_in_the_video(show: dict[str, object], tmp_path: Path,
                                                   kenburns_decision: TierDecision,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pauses = ((1.9, 2.5), (4.4, 4.8), (6.0, 6.3))  # midpoints 2.2, 4.6, 6.15 s
    monkeypatch.setattr(slideshow, "audio_analysis",
                        lambda _p, d, _c=None: (AudioAnalysis(duration_s=d, kind="speech", pauses=pauses), ""))
    out = tmp_path / "speech.mp4"
    res = render(_job(show, out, transition=Transition.CUT, resolution=Resolution.parse("128x72"), fps=10.0),
                 decision=kenburns_decision)
    who = _which(decode_rgb_means(out, (128, 72)))
    changes = [i for i in range(1, len(who)) if who[i] != who[i - 1]]
    assert len(changes) == 2 and any("pauses" in n for n in res.notes)
    # 3 pictures over ~8.8 s: the pauses nearest 2.9 s and 5.9 s (their middles: 2.2 s and 6.15 s).
    assert all(abs(c - e) <= 1 for c, e in zip(changes, (2.2 * 10, 6.15 * 10), strict=True)), changes


def test_the_output_may_not_overwrite_a_later_picture(show: dict[str, object], tmp_path: Path,
                                                      kenburns_decision: TierDecision) -> None:
    from vidgen_desktop.core.errors import OutputError

    pics = show["pictures"]
    assert isinstance(pics, list)
    with pytest.raises(OutputError, match="overwrite an input"):
        render(_job(show, pics[2].with_suffix(".png")), decision=kenburns_decision)
