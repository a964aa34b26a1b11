"""A Ken Burns camera that follows the sound: moves that change with the music's phrases, pulses on its beats.

Everything is decided before the first frame and returned as a :class:`CameraTrack`
(arrays), so rendering costs the same as a plain move.

* **Moves** go from pose to pose (centre and log zoom), one move per stretch between
  boundaries: section starts and phrase boundaries in music, pauses in speech. Each
  move is eased (cosine), so the camera arrives with zero speed and the next move
  starts from rest: the velocity is continuous and zero at every join. How far a move
  goes is capped by its length, so acceleration stays tiny (path jitter well under
  0.05 output pixels) and the camera stays calm (a speed limit, lower for speech).
  Sections alternate between zooming and panning; within a section the direction
  alternates with each phrase.
* **Pulses** on strong downbeats and accents: a short push in (log zoom) with a smooth
  raised-cosine attack that peaks exactly on the beat and a slower raised-cosine decay
  (continuous speed at the peak). ``energy`` (0..1) sizes them; pulses never overlap, so
  every peak stays on its beat. Speech gets no pulses.

Times are seconds of the audio; ``start_s`` lets a caller (the slideshow) take the track
of one stretch of the song: frame ``i`` shows at ``start_s + i / fps``.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import numpy as np

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.jobs import DEFAULT_ENERGY, Motion, Sync
from vidgen_desktop.engine.motion import PAN_ZOOM, SEGMENT_S, ZOOM, CameraPath, CameraTrack, Floats, resolve_motion

#: Pulse peak at energy 1 on the strongest beat: about a 6% push in.
PULSE_ZOOM = math.log(1.06)
PULSE_ATTACK_S = 0.10
PULSE_DECAY_S = 0.40
#: Pulses at least this far apart, so they never overlap (each peak stays on its beat).
PULSE_GAP_S = PULSE_ATTACK_S + PULSE_DECAY_S + 0.05
#: A downbeat pulses from this strength (0..1); any other beat (an accent) from ``ACCENT_STRENGTH``.
DOWNBEAT_STRENGTH = 0.35
ACCENT_STRENGTH = 0.85
#: Beats this close count as the same instant.
SAME_BEAT_S = 0.07
#: Shortest move (shorter stretches are merged into their neighbour); music, speech.
MIN_MOVE_S = 2.0
SPEECH_MIN_MOVE_S = 4.0
#: Pauses shorter than this are breaths, not places to change the move.
MIN_PAUSE_S = 0.3
#: RMS second difference a move may have, in output pixels (the promise is 0.05).
MOVE_JITTER_PX = 0.03
#: Fastest average speed of a move's edges, in output pixels per second at 1080 lines.
MUSIC_SPEED = 45.0
SPEECH_SPEED = 15.0


@dataclass(frozen=True)
class Pulse:
    time_s: float
    strength: float


@dataclass(frozen=True)
class CameraPlan:
    """The track to render and what it follows (for the render's result and notes)."""

    track: CameraTrack
    #: The motion preset used, or ``"follows the sound"`` for moves made from the audio.
    motion: str
    #: What the camera follows, e.g. ``"phrases+beats"``, ``"pauses"``, ``"off"``.
    follows: str
    moves: int = 1
    pulses: int = 0


def effective_sync(sync: Sync, analysis: AudioAnalysis | None) -> tuple[bool, bool]:
    """(moves at boundaries, pulses on beats) for this mode and this sound."""
    if analysis is None or sync is Sync.OFF:
        return False, False
    speech = analysis.kind == "speech"
    if sync is Sync.AUTO:
        return True, not speech
    return sync is Sync.PHRASES, sync is Sync.BEATS


def plan_camera(analysis: AudioAnalysis | None, motion: Motion, canvas: tuple[int, int], out_size: tuple[int, int],
                frames: int, fps: float, *, sync: Sync = Sync.AUTO, energy: float = DEFAULT_ENERGY,
                seed: int | None = None, start_s: float = 0.0) -> CameraPlan:
    """The whole camera path for ``frames`` frames. Without an analysis (or ``Sync.OFF``) it is the plain move.

    An explicit ``motion`` keeps its move (the pulses still come); ``Motion.AUTO`` lets the
    sound shape the moves.
    """
    frames = max(1, frames)
    moves, pulses_on = effective_sync(sync, analysis)
    follows: list[str] = []
    if moves and motion is Motion.AUTO and analysis is not None:
        speech = analysis.kind == "speech"
        joins = move_boundaries(analysis, start_s, frames, fps)
        sections = {round((t - start_s) * fps) for t in analysis.sections if 0 < t - start_s < frames / fps}
        track = _moves_track(canvas, out_size, frames, fps, joins, set() if speech else sections, seed, speech)
        label = "follows the sound"
        follows.append("pauses" if speech else "phrases")
    else:
        resolved = resolve_motion(motion, canvas, out_size[0] / out_size[1], seed)
        track = CameraPath(resolved, canvas, out_size, frames, fps).track()
        label, joins = resolved.value, []
    pulses = select_pulses(analysis, start_s, frames / fps) if pulses_on and analysis is not None and energy > 0 else []
    if pulses:
        track = with_pulses(track, pulses, fps, energy, start_s)
        follows.append("beats")
    track = CameraTrack(track.x, track.y, track.w, track.h, track.pulse, track.peaks, tuple(joins))
    return CameraPlan(track, label, "+".join(follows) or "off", len(joins) + 1, len(pulses))


# ----------------------------------------------------------------------------- what the sound gives


def move_boundaries(analysis: AudioAnalysis, start_s: float, frames: int, fps: float) -> list[int]:
    """Frames where one move hands over to the next: sections first, then phrases (music) or pauses (speech)."""
    end_s = start_s + frames / fps
    speech = analysis.kind == "speech"
    min_move = SPEECH_MIN_MOVE_S if speech else MIN_MOVE_S
    if speech:
        firsts = [0.5 * (a + b) for a, b in analysis.pauses if b - a >= MIN_PAUSE_S]
        seconds = [] if firsts else list(analysis.phrases)
    else:
        firsts, seconds = list(analysis.sections), list(analysis.phrases)
    kept: list[float] = []
    for group in (firsts, seconds):
        for t in sorted(group):
            if t - start_s >= min_move and end_s - t >= min_move and all(abs(t - k) >= min_move for k in kept):
                kept.append(t)
    times = [start_s, *sorted(kept), end_s]
    out: list[float] = []
    for a, b in itertools.pairwise(times):  # very long stretches still get a change now and then
        n = max(1, math.ceil((b - a) / SEGMENT_S - 1e-9))
        out += [a + (b - a) * k / n for k in range(1, n)] + [b]
    joins = sorted({round((t - start_s) * fps) for t in out[:-1]})
    return [j for j in joins if 0 < j < frames - 1]


def select_pulses(analysis: AudioAnalysis, start_s: float, duration_s: float) -> list[Pulse]:
    """Strong downbeats and accents, strongest first where two would overlap, at least ``PULSE_GAP_S`` apart."""
    strengths = dict(zip(analysis.beats, analysis.beat_strengths))
    beats = np.asarray(analysis.beats, np.float64)

    def strength_at(t: float) -> float:
        if beats.size == 0 or not strengths:
            return 1.0
        k = int(np.argmin(np.abs(beats - t)))
        return strengths.get(float(beats[k]), 1.0) if abs(beats[k] - t) <= SAME_BEAT_S else 1.0

    downbeats = list(analysis.downbeats)
    candidates = [Pulse(t, strength_at(t)) for t in downbeats]
    candidates = [p for p in candidates if p.strength >= DOWNBEAT_STRENGTH]
    for t, s in strengths.items():
        if s >= ACCENT_STRENGTH and all(abs(t - d) > SAME_BEAT_S for d in downbeats):
            candidates.append(Pulse(t, s))
    # Room for the whole pulse inside this stretch (the attack before the beat, the decay after).
    lo, hi = start_s + PULSE_ATTACK_S, start_s + duration_s - PULSE_DECAY_S
    kept: list[Pulse] = []
    for p in sorted(candidates, key=lambda p: (-p.strength, p.time_s)):
        if lo <= p.time_s <= hi and all(abs(p.time_s - k.time_s) >= PULSE_GAP_S for k in kept):
            kept.append(p)
    return sorted(kept, key=lambda p: p.time_s)


def pulse_shape(tau: Floats) -> Floats:
    """0..1: raised-cosine attack over ``PULSE_ATTACK_S`` up to the beat (tau = 0), raised-cosine decay after."""
    g = np.zeros_like(tau)
    a = (tau > -PULSE_ATTACK_S) & (tau <= 0)
    d = (tau > 0) & (tau < PULSE_DECAY_S)
    g[a] = 0.5 + 0.5 * np.cos(np.pi * tau[a] / PULSE_ATTACK_S)
    g[d] = 0.5 + 0.5 * np.cos(np.pi * tau[d] / PULSE_DECAY_S)
    return g


def with_pulses(track: CameraTrack, pulses: list[Pulse], fps: float, energy: float, start_s: float = 0.0) -> CameraTrack:
    """``track`` pushed in about each window's centre on every pulse."""
    n = len(track)
    t = start_s + np.arange(n) / fps
    lz = np.zeros(n)
    inside = np.zeros(n, np.bool_)
    peaks = []
    for p in pulses:
        tau = t - p.time_s
        lz += energy * PULSE_ZOOM * (0.6 + 0.4 * p.strength) * pulse_shape(tau)
        inside |= (tau > -PULSE_ATTACK_S) & (tau < PULSE_DECAY_S)
        peaks.append(round((p.time_s - start_s) * fps))
    z = np.exp(lz)
    cx, cy = track.x + track.w / 2.0, track.y + track.h / 2.0
    w, h = track.w / z, track.h / z
    return CameraTrack(cx - w / 2.0, cy - h / 2.0, w, h, inside, tuple(peaks), track.joins)


# ----------------------------------------------------------------------------- the moves


def _moves_track(canvas: tuple[int, int], out_size: tuple[int, int], frames: int, fps: float, joins: list[int],
                 sections: set[int], seed: int | None, speech: bool) -> CameraTrack:
    cw, ch = float(canvas[0]), float(canvas[1])
    ow, oh = out_size
    base = CameraPath(Motion.ZOOM_IN, canvas, out_size, frames, fps)  # for the full-view size only
    full_w, full_h = base.full_w, base.full_h
    rng = random.Random(seed if seed is not None else 0)
    knots = [0, *joins, frames - 1]
    speed = (SPEECH_SPEED if speech else MUSIC_SPEED) * oh / 1080.0

    def window(pose: tuple[float, float, float]) -> tuple[float, float, float, float]:
        cx, cy, lz = pose
        w, h = full_w * math.exp(-lz), full_h * math.exp(-lz)
        return cx - w / 2.0, cy - h / 2.0, w, h

    def reach(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
        """How far the frame's edges travel from pose a to b, in output pixels."""
        wa, wb = window(a), window(b)
        s = min(wa[2], wb[2]) / ow
        edges = [wa[0] - wb[0], wa[1] - wb[1], wa[0] + wa[2] - wb[0] - wb[2], wa[1] + wa[3] - wb[1] - wb[3]]
        return max(abs(e) for e in edges) / s

    wide = cw / ch >= full_w / full_h - 1e-9  # pan across (else up and down a tall canvas)
    poses = [_pose(rng, 0, 0, cw, ch, full_w, full_h, speech, wide)]
    family = 0
    for k in range(1, len(knots)):
        n = knots[k] - knots[k - 1]
        # A new section switches between zooming and panning; without sections (or in speech), every second move.
        starts_section = any(abs(knots[k - 1] - s) <= 1 for s in sections) if sections else k % 2 == 1
        if k > 1 and starts_section:
            family ^= 1
        target = _pose(rng, k, family, cw, ch, full_w, full_h, speech, wide)
        # Cap the move by its length: speed, and acceleration (cosine ease: RMS 2nd diff = A*pi^2/(2*sqrt2*n^2)).
        limit = min(speed * n / fps, MOVE_JITTER_PX * 2.0 * math.sqrt(2.0) * n * n / math.pi ** 2)
        prev = poses[-1]
        for _ in range(3):
            d = reach(prev, target)
            if d <= limit:
                break
            f = limit / d
            target = tuple(p + (q - p) * f for p, q in zip(prev, target))  # type: ignore[assignment]
        poses.append(target)
    cx, cy, lz = (np.empty(frames) for _ in range(3))
    for k in range(1, len(knots)):
        a, b = knots[k - 1], knots[k]
        u = np.arange(b - a + 1) / max(1, b - a)
        e = 0.5 - 0.5 * np.cos(np.pi * u)
        for arr, p, q in zip((cx, cy, lz), poses[k - 1], poses[k]):
            arr[a:b + 1] = p + (q - p) * e
    w, h = full_w * np.exp(-lz), full_h * np.exp(-lz)
    return CameraTrack(cx - w / 2.0, cy - h / 2.0, w, h, np.zeros(frames, np.bool_))


def _pose(rng: random.Random, k: int, family: int, cw: float, ch: float, full_w: float, full_h: float, speech: bool,
          wide: bool) -> tuple[float, float, float]:
    """A pose (centre x, centre y, log zoom) for boundary ``k``: zooms alternate in and out, pans alternate sides."""
    top = math.log(ZOOM)
    if family == 0:  # zoom in on odd boundaries, out on even ones, drifting a little
        lz = top * (0.85 if k % 2 else 0.15) if not speech else top * (0.6 if k % 2 else 0.25)
        drift = 0.3
        side = rng.uniform(-1.0, 1.0)
    else:  # pan from one side to the other at a zoom that leaves room
        lz = max(math.log(PAN_ZOOM), top * 0.75) if not speech else top * 0.6
        drift = 0.8 if not speech else 0.5
        side = 1.0 if k % 2 else -1.0
    w, h = full_w * math.exp(-lz), full_h * math.exp(-lz)
    room_x, room_y = (cw - w) / 2.0, (ch - h) / 2.0
    if wide:
        cx, cy = cw / 2.0 + side * drift * room_x, ch / 2.0 + rng.uniform(-0.2, 0.2) * room_y
    else:
        cx, cy = cw / 2.0 + rng.uniform(-0.2, 0.2) * room_x, ch / 2.0 + side * drift * room_y
    return cx, cy, lz
