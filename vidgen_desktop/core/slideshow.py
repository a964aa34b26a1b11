"""When each picture of a slideshow shows: whole bars that fill the song, changes on downbeats (pauses in speech).

Pure and cheap: :func:`plan_slideshow` turns an :class:`AudioAnalysis` into frame ranges, one per
picture. The renderer (:mod:`vidgen_desktop.engine.slideshow`) follows the plan frame by frame.

Frame ``f`` shows time ``f / fps``, so a change at ``t`` seconds happens at frame ``round(t * fps)``:
with a cut that is the new picture's first frame; with a crossfade of ``F`` frames the new picture's
weight is ``(f - start) / F + 0.5`` (clamped to 0..1), exactly one half on the change frame, so the
fade is centred on the downbeat.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.jobs import Transition

#: A crossfade lasts one beat, within these bounds (seconds); in speech it lasts SPEECH_FADE_S.
MIN_FADE_S, MAX_FADE_S = 0.25, 1.0
SPEECH_FADE_S = 0.5
#: A lead-in before the first downbeat longer than this share of a bar counts as a bar of its own.
LEAD_IN_BAR_SHARE = 0.5


@dataclass(frozen=True)
class Slide:
    """One picture's turn: it owns frames ``start``..``end - 1`` and comes in with ``transition``."""

    picture: int
    start: int
    end: int
    #: How this picture comes in (the first one: ``CUT`` from nothing).
    transition: Transition = Transition.CUT
    #: Length of the crossfade into this picture, in frames, centred on ``start`` (0 for a cut).
    fade: int = 0
    #: The moment of the change in seconds (a downbeat, a pause, or an even share of the time).
    at_s: float = 0.0

    @property
    def shown_from(self) -> int:
        """First frame where this picture is seen (earlier than ``start`` during a crossfade)."""
        return self.start - (self.fade - 1) // 2 if self.fade > 1 else self.start

    def weight(self, frame: int) -> float:
        """This picture's share of ``frame`` while it fades in (1.0 once it is fully in)."""
        if self.fade <= 1:
            return 1.0 if frame >= self.start else 0.0
        return min(1.0, max(0.0, (frame - self.start) / self.fade + 0.5))


@dataclass(frozen=True)
class SlidePlan:
    slides: tuple[Slide, ...]
    #: What the changes follow: ``"downbeats"``, ``"beats"``, ``"pauses"`` or ``"even"``.
    basis: str
    #: One sentence for the render notes.
    note: str

    def shown_until(self, index: int) -> int:
        """One past the last frame where slide ``index`` is seen (later than its end during a crossfade)."""
        s = self.slides[index]
        if index + 1 >= len(self.slides):
            return s.end
        nxt = self.slides[index + 1]
        return nxt.start + (nxt.fade - 1) // 2 + 1 if nxt.fade > 1 else nxt.start


def plan_slideshow(n_pictures: int, analysis: AudioAnalysis, fps: float, transition: Transition,
                   frames: int | None = None) -> SlidePlan:
    """Frame ranges for ``n_pictures`` over the audio ``analysis`` describes, at ``fps``.

    ``frames`` is the video's frame count (default: the audio's length at ``fps``). Music: each
    picture holds whole bars, spread as evenly as possible, and changes on a downbeat; with fewer
    bars than pictures it holds whole beats. Speech (or music without a beat): changes at the pauses
    nearest to an even share of the time. Without either, the time is shared evenly.
    """
    if n_pictures < 1:
        raise ValueError("a slideshow needs at least one picture")
    total = frames if frames is not None else max(1, math.ceil(analysis.duration_s * fps - 1e-6))
    if n_pictures > total:
        raise ValueError(f"{n_pictures} pictures do not fit in {total} frames")
    duration = total / fps
    times, basis, unit = _change_times(n_pictures, analysis, duration)
    cuts = _frames_for(times, fps, total)
    starts = [0, *cuts]
    ends = [*cuts, total]
    fade_s = _fade_seconds(analysis, basis)
    slides: list[Slide] = []
    for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
        fade = 0
        if i > 0 and transition is Transition.CROSSFADE:
            longest = min(b - a, a - starts[i - 1])  # at most two pictures on screen at once
            fade = min(round(fade_s * fps), longest)
        how = Transition.CROSSFADE if fade > 1 else Transition.CUT
        slides.append(Slide(i, a, b, how if i > 0 else Transition.CUT, fade if fade > 1 else 0,
                            times[i - 1] if i > 0 else 0.0))
    return SlidePlan(tuple(slides), basis, _note(n_pictures, basis, unit, transition))


def _change_times(n: int, a: AudioAnalysis, duration: float) -> tuple[list[float], str, list[float]]:
    """``n - 1`` change times (seconds), what they follow, and the units (bar or beat starts) used."""
    if n == 1:
        return [], "even", []
    if a.kind == "music":
        bars = _bar_starts(a.downbeats or a.beats[::4], duration)
        if len(bars) >= n:
            return _spread(bars, n), "downbeats", bars
        beats = _bar_starts(a.beats, duration)
        if len(beats) >= n:
            return _spread(beats, n), "beats", beats
    pauses = sorted(0.5 * (s + e) for s, e in a.pauses if 0.0 < 0.5 * (s + e) < duration)
    if pauses:
        return _near_targets(pauses, n, duration), "pauses", []
    return [duration * i / n for i in range(1, n)], "even", []


def _bar_starts(marks: tuple[float, ...], duration: float) -> list[float]:
    """Unit starts inside the video, the first moved to 0 (a short lead-in joins the first unit)."""
    inside = sorted(t for t in marks if 0.0 <= t < duration)
    if not inside:
        return []
    if len(inside) > 1:
        typical = sorted(b - a for a, b in itertools.pairwise(inside))[(len(inside) - 1) // 2]
        if inside[0] > LEAD_IN_BAR_SHARE * typical:
            return [0.0, *inside]
    return [0.0, *inside[1:]]


def _spread(units: list[float], n: int) -> list[float]:
    """Share ``len(units)`` whole units among ``n`` pictures as evenly as possible (counts differ by ≤ 1)."""
    count = len(units)
    return [units[math.floor(i * count / n + 0.5)] for i in range(1, n)]


def _near_targets(candidates: list[float], n: int, duration: float) -> list[float]:
    """The candidates nearest ``duration * i / n``, in order; too few of them: the longest gaps are halved."""
    if len(candidates) < n - 1:
        times = list(candidates)
        while len(times) < n - 1:
            edges = [0.0, *times, duration]
            gap = max(range(len(edges) - 1), key=lambda k: edges[k + 1] - edges[k])
            times.insert(gap, 0.5 * (edges[gap] + edges[gap + 1]))
        return times
    chosen: list[float] = []
    lo = 0
    for i in range(1, n):
        hi = len(candidates) - (n - 1 - i)  # leave enough candidates for the changes still to place
        target = duration * i / n
        j = min(range(lo, hi), key=lambda k: abs(candidates[k] - target))
        chosen.append(candidates[j])
        lo = j + 1
    return chosen


def _frames_for(times: list[float], fps: float, total: int) -> list[int]:
    """Change frames: the frame at each time, kept strictly increasing inside 1..total-1."""
    out: list[int] = []
    for k, t in enumerate(times):
        f = round(t * fps)
        low = out[-1] + 1 if out else 1
        high = total - (len(times) - k)
        out.append(min(max(f, low), high))
    return out


def _fade_seconds(a: AudioAnalysis, basis: str) -> float:
    if basis in ("pauses", "even") and a.kind != "music":
        return SPEECH_FADE_S
    beat = 60.0 / a.tempo_bpm if a.tempo_bpm else 0.0
    if not beat and len(a.beats) > 1:
        gaps = sorted(b - x for x, b in zip(a.beats, a.beats[1:], strict=False))
        beat = gaps[len(gaps) // 2]
    return min(MAX_FADE_S, max(MIN_FADE_S, beat or SPEECH_FADE_S))


def _note(n: int, basis: str, units: list[float], transition: Transition) -> str:
    how = "cuts" if transition is Transition.CUT else "crossfades"
    if basis == "downbeats":
        per = len(units) / n
        bars = f"{math.floor(per)} bars" if per == int(per) else f"{math.floor(per)}-{math.ceil(per)} bars"
        return f"slideshow of {n} pictures: {bars} each, {how} on the downbeat"
    if basis == "beats":
        return f"slideshow of {n} pictures: fewer bars than pictures, so whole beats each, {how} on the beat"
    if basis == "pauses":
        return f"slideshow of {n} pictures: {how} at pauses in the speech"
    return f"slideshow of {n} pictures: no beat or pause found, so equal shares of the time, with {how}"
