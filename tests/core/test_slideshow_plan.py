"""The slideshow planner with hand-built analyses: whole bars that fill the song, downbeats, pauses."""

from __future__ import annotations

import itertools

import pytest

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.jobs import Transition
from vidgen_desktop.core.slideshow import plan_slideshow


def music(bpm: float, bars: int, lead_in: float = 0.0, tail: float = 0.0) -> AudioAnalysis:
    beat = 60.0 / bpm
    beats = tuple(lead_in + k * beat for k in range(bars * 4))
    return AudioAnalysis(duration_s=lead_in + bars * 4 * beat + tail, kind="music", tempo_bpm=bpm, beats=beats,
                         downbeats=beats[::4])


def bar_of(a: AudioAnalysis, t: float) -> int:
    return min(range(len(a.downbeats)), key=lambda k: abs(a.downbeats[k] - t))


@pytest.mark.parametrize(("n", "bars"), [(3, 12), (3, 13), (4, 10), (5, 7), (2, 2), (7, 30)])
def test_bars_fill_the_song_evenly_and_changes_are_downbeats(n: int, bars: int) -> None:
    a = music(120, bars)
    fps = 30.0
    plan = plan_slideshow(n, a, fps, Transition.CUT)
    s = plan.slides
    assert plan.basis == "downbeats" and len(s) == n
    assert [x.picture for x in s] == list(range(n))
    assert s[0].start == 0 and s[-1].end == round(a.duration_s * fps)
    assert all(x.end == y.start for x, y in itertools.pairwise(s))  # no gap, no overlap
    for x in s[1:]:
        assert x.at_s in a.downbeats  # on a downbeat...
        assert x.start == round(x.at_s * fps)  # ...and the new picture's first frame is that downbeat's frame
        assert x.transition is Transition.CUT and x.fade == 0
    counts = [bar_of(a, y.at_s) - bar_of(a, x.at_s) for x, y in itertools.pairwise(s)]
    counts = [bar_of(a, s[1].at_s), *counts[1:], bars - bar_of(a, s[-1].at_s)]
    assert sum(counts) == bars and max(counts) - min(counts) <= 1  # whole bars, as even as can be
    assert "bars each" in plan.note


def test_a_short_lead_in_joins_the_first_bar_and_a_long_one_counts_as_a_bar() -> None:
    short = music(120, 8, lead_in=0.3)  # bar = 2 s
    plan = plan_slideshow(2, short, 25.0, Transition.CUT)
    assert plan.slides[1].at_s == pytest.approx(0.3 + 4 * 2.0)  # 8 bars: 4 + 4
    long = music(120, 7, lead_in=1.5)  # the intro is 3/4 of a bar: 8 units, 4 + 4
    plan = plan_slideshow(2, long, 25.0, Transition.CUT)
    assert plan.slides[1].at_s == pytest.approx(1.5 + 3 * 2.0)


def test_crossfade_is_centred_on_the_downbeat_and_one_beat_long() -> None:
    a = music(90, 12)
    fps = 30.0
    plan = plan_slideshow(3, a, fps, Transition.CROSSFADE)
    beat_frames = round(60 / 90 * fps)
    for i, x in enumerate(plan.slides[1:], 1):
        assert x.transition is Transition.CROSSFADE and x.fade == beat_frames
        assert x.weight(x.start) == pytest.approx(0.5)  # half-way exactly on the downbeat frame
        before = [f for f in range(x.shown_from, x.start)]
        after = [f for f in range(x.start + 1, plan.shown_until(i - 1))]
        assert len(before) == len(after)  # symmetric around it
        assert all(0 < x.weight(f) < 0.5 for f in before) and all(0.5 < x.weight(f) < 1 for f in after)
        assert x.weight(x.shown_from - 1) == 0.0 and x.weight(plan.shown_until(i - 1)) == 1.0
    # Never three pictures at once: a fade-in ends before the next fade-out starts.
    for i in range(1, len(plan.slides) - 1):
        assert plan.shown_until(i - 1) <= plan.slides[i + 1].shown_from


def test_fewer_bars_than_pictures_falls_back_to_beats_then_to_even_shares() -> None:
    a = music(120, 2)  # 2 bars, 8 beats
    plan = plan_slideshow(5, a, 30.0, Transition.CUT)
    assert plan.basis == "beats" and all(x.at_s in a.beats for x in plan.slides[1:])
    plan = plan_slideshow(10, a, 30.0, Transition.CUT)
    assert plan.basis == "even" and len(plan.slides) == 10
    assert max(x.end - x.start for x in plan.slides) - min(x.end - x.start for x in plan.slides) <= 1


def test_speech_changes_at_the_pauses_nearest_even_shares() -> None:
    pauses = ((2.0, 2.4), (4.9, 5.5), (7.0, 7.3), (9.8, 10.6), (14.0, 14.4), (17.0, 17.2))
    a = AudioAnalysis(duration_s=20.0, kind="speech", pauses=pauses, beats=(0.5, 1.0, 1.5))
    plan = plan_slideshow(4, a, 24.0, Transition.CROSSFADE)
    assert plan.basis == "pauses" and "pauses" in plan.note
    mids = [0.5 * (s + e) for s, e in pauses]
    assert [x.at_s for x in plan.slides[1:]] == pytest.approx([mids[1], mids[3], mids[4]])  # nearest 5, 10, 15
    assert all(x.fade == 12 for x in plan.slides[1:])  # half-second fades


def test_speech_with_too_few_pauses_halves_the_longest_gaps() -> None:
    a = AudioAnalysis(duration_s=12.0, kind="speech", pauses=((3.8, 4.2),))
    plan = plan_slideshow(3, a, 10.0, Transition.CUT)
    assert [x.at_s for x in plan.slides[1:]] == pytest.approx([4.0, 8.0])


def test_music_without_a_beat_uses_its_pauses_and_silence_without_anything_is_even() -> None:
    a = AudioAnalysis(duration_s=9.0, kind="music", pauses=((4.0, 5.0),))
    assert plan_slideshow(2, a, 10.0, Transition.CUT).slides[1].at_s == pytest.approx(4.5)
    bare = AudioAnalysis(duration_s=9.0, kind="music")
    plan = plan_slideshow(3, bare, 10.0, Transition.CUT)
    assert plan.basis == "even" and [x.start for x in plan.slides] == [0, 30, 60]


def test_one_picture_and_impossible_requests() -> None:
    a = music(120, 4)
    plan = plan_slideshow(1, a, 30.0, Transition.CROSSFADE)
    assert len(plan.slides) == 1 and plan.slides[0].end == 240
    with pytest.raises(ValueError):
        plan_slideshow(0, a, 30.0, Transition.CUT)
    with pytest.raises(ValueError):
        plan_slideshow(300, a, 30.0, Transition.CUT)


def test_the_frame_count_given_wins_over_the_analysis_length() -> None:
    a = music(120, 8)  # 16 s
    plan = plan_slideshow(2, a, 30.0, Transition.CUT, frames=481)
    assert plan.slides[-1].end == 481 and plan.slides[1].start == 240
