"""The camera that follows the sound: moves change at sections and phrases (pauses in speech), pulses on strong
downbeats, a smooth path. Analyses are built by hand from known beat times; pulses are measured in decoded video."""

from __future__ import annotations

import itertools
import math
import sys
import types
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from tests.media_factory import decode_gray_frames, tone
from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.jobs import Motion, RenderJob, Resolution, Sync, Tier
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.motion import CameraPath, CameraTrack, jitter_px
from vidgen_desktop.engine.motion_sync import (
    MIN_MOVE_S,
    PULSE_ATTACK_S,
    PULSE_DECAY_S,
    SPEECH_SPEED,
    effective_sync,
    plan_camera,
    select_pulses,
)

FPS = 30.0
CANVAS, OUT = (2208, 1242), (1920, 1080)


def music(duration: float, bpm: float = 120.0, first: float = 0.51, sections: tuple[float, ...] = (0.0,),
          bars_per_phrase: int = 4, accents: tuple[int, ...] = ()) -> AudioAnalysis:
    """4/4 music with known beats: downbeats strong (1.0), other beats 0.5, ``accents`` (beat numbers) 0.95."""
    beats = tuple(float(t) for t in np.arange(first, duration, 60.0 / bpm))
    strengths = tuple(1.0 if i % 4 == 0 else 0.95 if i in accents else 0.5 for i in range(len(beats)))
    downbeats = beats[::4]
    return AudioAnalysis(duration, "music", bpm, beats, strengths, downbeats, sections=sections,
                         phrases=downbeats[::bars_per_phrase])


def speech(duration: float, pauses: tuple[tuple[float, float], ...]) -> AudioAnalysis:
    return AudioAnalysis(duration, "speech", pauses=pauses, phrases=tuple(0.5 * (a + b) for a, b in pauses))


def edge_speed(track: CameraTrack, out_w: int) -> np.ndarray:
    """Per-frame travel of the window's fastest edge, in output pixels."""
    scale = track.w / out_w
    edges = np.stack([track.x, track.y, track.x + track.w, track.y + track.h]) / scale
    return np.abs(np.diff(edges, axis=1)).max(axis=0)


# ----------------------------------------------------------------------------- the path


def test_modes_for_music_and_speech() -> None:
    assert effective_sync(Sync.AUTO, music(10)) == (True, True)
    assert effective_sync(Sync.AUTO, speech(10, ())) == (True, False)
    assert effective_sync(Sync.BEATS, music(10)) == (False, True)
    assert effective_sync(Sync.PHRASES, music(10)) == (True, False)
    assert effective_sync(Sync.OFF, music(10)) == (False, False)
    assert effective_sync(Sync.AUTO, None) == (False, False)


def test_off_or_no_analysis_is_the_plain_move() -> None:
    plain = CameraPath(Motion.ZOOM_IN, CANVAS, OUT, 300, FPS).track()
    for plan in (plan_camera(music(10), Motion.ZOOM_IN, CANVAS, OUT, 300, FPS, sync=Sync.OFF),
                 plan_camera(None, Motion.ZOOM_IN, CANVAS, OUT, 300, FPS)):
        assert np.array_equal(plan.track.w, plain.w) and np.array_equal(plan.track.x, plain.x)
        assert plan.pulses == 0 and plan.follows == "off"


def test_strong_downbeats_and_accents_pulse_weak_ones_do_not() -> None:
    a = music(12, accents=(6,))  # beat 6 (3.51 s) is an accent between downbeats 2.51 and 4.51
    weak = AudioAnalysis(12, "music", 120, a.beats, tuple(0.2 for _ in a.beats), a.downbeats)
    times = [p.time_s for p in select_pulses(a, 0.0, 12.0)]
    assert times == pytest.approx([0.51, 2.51, 3.51, 4.51, 6.51, 8.51, 10.51])
    assert select_pulses(weak, 0.0, 12.0) == []
    # At 240 BPM downbeats come every second: pulses never overlap, so some are left out.
    fast = music(12, bpm=480)
    gaps = np.diff([p.time_s for p in select_pulses(fast, 0.0, 12.0)])
    assert gaps.min() >= PULSE_ATTACK_S + PULSE_DECAY_S


def test_path_is_smooth_outside_pulses_and_stays_inside_the_canvas() -> None:
    # Phrases of one bar (2 s) and four bars, three sections: the hardest case for the jitter budget.
    a = music(60, sections=(0.0, 16.51, 40.51), bars_per_phrase=1)
    plan = plan_camera(a, Motion.AUTO, CANVAS, OUT, 1800, FPS, energy=1.0)
    t = plan.track
    assert plan.pulses >= 20 and plan.moves >= 20
    assert jitter_px(t, OUT[0]) <= 0.05
    assert jitter_px(t, OUT[0], mask=np.zeros(len(t), bool)) > 0.05  # the pulses themselves are not jitter-free
    assert (t.x >= -1e-6).all() and (t.y >= -1e-6).all()
    assert (t.x + t.w <= CANVAS[0] + 1e-6).all() and (t.y + t.h <= CANVAS[1] + 1e-6).all()
    np.testing.assert_allclose(t.w / t.h, OUT[0] / OUT[1])
    # The metric sees whole-pixel rounding (zoompan's earthquake).
    rounded = CameraTrack(np.round(t.x), np.round(t.y), t.w, t.h, t.pulse)
    assert jitter_px(rounded, OUT[0]) > 0.1


def test_moves_change_at_sections_and_phrases_with_zero_speed_at_the_joins() -> None:
    a = music(40, sections=(0.0, 16.51, 32.51), bars_per_phrase=2)  # phrases every 4 s
    plan = plan_camera(a, Motion.AUTO, CANVAS, OUT, 1200, FPS, sync=Sync.PHRASES)
    joins = np.array(plan.track.joins)
    expected = np.round(np.array([t for t in a.phrases if MIN_MOVE_S <= t <= 40 - MIN_MOVE_S]) * FPS)
    assert set(np.round(np.array([16.51, 32.51]) * FPS).astype(int)) <= set(joins.tolist())
    assert np.array_equal(np.sort(joins), expected.astype(int))
    speed = edge_speed(plan.track, OUT[0])
    for j in joins:
        assert speed[j - 1:j + 1].max() < 0.05, "the camera comes to rest where the move changes"
    for a_, b_ in zip([0, *joins], [*joins, 1199]):
        assert speed[a_:b_].max() > 0.3, "every stretch really moves"
    # Each move goes somewhere else: consecutive moves differ in direction or kind.
    cx = plan.track.x + plan.track.w / 2
    z = np.log(plan.track.w[0] / plan.track.w)
    moves = [(cx[b_] - cx[a_], z[b_] - z[a_]) for a_, b_ in zip([0, *joins], [*joins, 1199])]
    assert all(np.sign(m[0]) != np.sign(n[0]) or np.sign(m[1]) != np.sign(n[1]) for m, n in itertools.pairwise(moves))
    assert plan.pulses == 0  # phrases only


def test_speech_is_calm_and_changes_at_its_pauses() -> None:
    pauses = ((4.0, 4.6), (6.0, 6.1), (9.3, 9.9), (11.0, 11.5), (16.0, 16.8))  # 6.0: a breath; 11.25: too soon
    a = speech(22, pauses)
    plan = plan_camera(a, Motion.AUTO, CANVAS, OUT, 660, FPS, energy=1.0)
    assert plan.follows == "pauses" and plan.pulses == 0
    assert list(plan.track.joins) == [round(4.3 * FPS), round(9.6 * FPS), round(16.4 * FPS)]
    speed = edge_speed(plan.track, OUT[0])
    assert speed.max() * FPS < 2.2 * SPEECH_SPEED  # calm: a cosine move peaks at pi/2 of its mean speed
    assert jitter_px(plan.track, OUT[0]) < 0.01
    for j in plan.track.joins:
        assert speed[j - 1:j + 1].max() < 0.02


def test_slideshow_stretch_starts_mid_song() -> None:
    a = music(30)
    plan = plan_camera(a, Motion.AUTO, CANVAS, OUT, 300, FPS, energy=1.0, start_s=10.0)
    assert plan.track.peaks == tuple(round((t - 10.0) * FPS) for t in (10.51, 12.51, 14.51, 16.51, 18.51))


# ----------------------------------------------------------------------------- measured in the video


def _disc_picture(path: Path) -> Path:
    img = Image.new("RGB", (640, 360), (40, 40, 40))
    ImageDraw.Draw(img).ellipse((320 - 60, 180 - 60, 320 + 60, 180 + 60), fill=(230, 230, 230))
    img.filter(ImageFilter.GaussianBlur(1.5)).save(path)
    return path


def _zoom_of_frames(video: Path, size: tuple[int, int]) -> np.ndarray:
    """Apparent size of the disc in each decoded frame (square root of its brightness above the background)."""
    frames = decode_gray_frames(video, size).astype(np.float64)
    return np.sqrt(np.clip(frames - np.median(frames[:, :8, :8]), 0, None).sum(axis=(1, 2)))


@pytest.fixture()
def fake_analyser(monkeypatch: pytest.MonkeyPatch) -> dict[str, AudioAnalysis]:
    """Stands in for ``engine.audio.analyze_audio`` (the analyser's own tests check what it hears)."""
    found: dict[str, AudioAnalysis] = {}
    mod = types.ModuleType("vidgen_desktop.engine.audio")

    def analyze_audio(path: Path, *, cancel: object = None, cache_dir: Path | None = None) -> AudioAnalysis:
        return found["analysis"]

    mod.analyze_audio = analyze_audio  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vidgen_desktop.engine.audio", mod)
    return found


def test_pulse_peaks_land_on_the_beats_in_the_decoded_video(tmp_path: Path, kenburns_decision: TierDecision,
                                                             fake_analyser: dict[str, AudioAnalysis]) -> None:
    from vidgen_desktop.engine.render import render

    pic, audio = _disc_picture(tmp_path / "disc.png"), tone(tmp_path / "a.wav", 6.0)
    fake_analyser["analysis"] = music(6.0, first=0.51)  # beats off the frame grid: 0.51 s = frame 15.3
    zooms = {}
    for energy in (1.0, 0.0):
        out = tmp_path / f"e{energy}.mp4"
        res = render(RenderJob(pic, audio, out, tier=Tier.KENBURNS, resolution=Resolution(width=320, height=180),
                               fps=FPS, sync=Sync.AUTO, energy=energy, seed=3), decision=kenburns_decision)
        zooms[energy] = _zoom_of_frames(out, (320, 180))
    assert res.details["sync"] == {"kind": "music", "follows": "phrases", "moves": 1, "pulses": 0}
    pulse = zooms[1.0] / zooms[0.0] - 1.0  # the same moves; what differs is the pulse
    beats = [0.51, 2.51, 4.51]
    for b in beats:
        k = round(b * FPS)
        near = slice(k - 8, k + 9)
        peak = k - 8 + int(np.argmax(pulse[near]))
        assert abs(peak - b * FPS) <= 1.0, f"pulse for the beat at {b} s peaks at frame {peak}"
        assert pulse[peak] > 0.03  # a real push (6% at full energy)
    quiet = np.ones(len(pulse), bool)
    for b in beats:
        quiet[max(0, math.floor((b - PULSE_ATTACK_S) * FPS) - 1):math.ceil((b + PULSE_DECAY_S) * FPS) + 2] = False
    assert np.abs(pulse[quiet]).max() < 0.006  # nothing pulses between the beats


def test_without_the_analyser_the_render_makes_the_usual_move(tmp_path: Path, kenburns_decision: TierDecision,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from vidgen_desktop.engine.render import render

    monkeypatch.setitem(sys.modules, "vidgen_desktop.engine.audio", None)  # import fails as if absent
    out = tmp_path / "o.mp4"
    res = render(RenderJob(_disc_picture(tmp_path / "d.png"), tone(tmp_path / "a.wav", 1.0), out,
                           tier=Tier.KENBURNS, resolution=Resolution(width=160, height=90), fps=10.0,
                           motion=Motion.ZOOM_OUT), decision=kenburns_decision)
    assert out.is_file() and res.motion == "zoom-out" and "sync" not in res.details
