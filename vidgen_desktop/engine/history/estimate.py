"""How long a render will take on this machine, learnt from the history.

The work of a render is measured in a unit its time grows with: for Ken Burns the
output's frame-megapixels (frames × width × height / 10⁶: warping and x264 both scale
with pixels); for an AI tier the denoising steps of all its clips (clips × steps, from the
plan). From the recent successful renders of the same tier on the same machine:

* three or more of different sizes: a line ``seconds = fixed + rate × work`` fitted by
  Theil-Sen (medians of pairwise slopes: one odd render does not move it);
* one or two: their median rate, on top of the default fixed cost;
* none: the plan's own estimate for an AI tier (:class:`engine.ai.plan.Estimate`), the
  built-in Ken Burns model otherwise.

``estimate_seconds`` is cheap (one indexed query); ``estimate_for_job`` also probes the
audio and decides the tier, so the window calls it off the GUI thread.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

from vidgen_desktop.core.formatting import rough_duration
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.engine.history.db import Database
from vidgen_desktop.engine.history.history import HistoryStore
from vidgen_desktop.engine.history.records import HistoryEntry

#: Built-in Ken Burns model, measured on a shared 2-core CPU at standard quality (720p30: ~50 frames/s).
KB_FIXED_S = 1.2  # start-up: hardware probe, audio probe, ffmpeg start and finish
KB_S_PER_MPIX_FRAME = 0.02
#: Loading an AI pipeline, before the first clip (the plan's estimate covers the clips).
AI_FIXED_S = 20.0
#: How many recent renders the estimate learns from.
RECENT = 30


@dataclass(frozen=True)
class TimeEstimate:
    seconds: float
    #: "history" (learnt here), "plan" (the AI plan's figure) or "model" (the built-in Ken Burns model).
    source: str
    samples: int = 0

    @property
    def phrase(self) -> str:
        """What the window shows: "about 2 min"."""
        return f"about {rough_duration(self.seconds)}"


def work_units(tier: str, width: int, height: int, frames: int, duration_s: float,
               plan: dict[str, Any] | None) -> float:
    """The work of one render, in the tier's unit (see the module's text)."""
    if tier != "kenburns" and plan and plan.get("clip_seconds") and plan.get("steps"):
        clips = max(1, math.ceil(duration_s / float(plan["clip_seconds"]) - 1e-6))
        return float(clips * int(plan["steps"]))
    return frames * width * height / 1e6


def _entry_work(e: HistoryEntry) -> float | None:
    if not (e.tier and e.width and e.height and e.frames and e.wall_s):
        return None
    duration = e.duration_s if e.duration_s is not None else e.frames / (e.fps or 1.0)
    return work_units(e.tier, e.width, e.height, e.frames, duration, e.ai_plan)


def fit_line(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Theil-Sen (fixed, rate) for (work, seconds) points; None when the works are too alike to tell."""
    slopes = [(s2 - s1) / (w2 - w1) for i, (w1, s1) in enumerate(points) for (w2, s2) in points[i + 1:]
              if abs(w2 - w1) > 1e-9 * max(w1, w2, 1e-9)]
    works = [w for w, _ in points]
    if len(slopes) < 3 or max(works) < 1.5 * min(works):
        return None
    rate = max(0.0, statistics.median(slopes))
    fixed = max(0.0, statistics.median(s - rate * w for w, s in points))
    return fixed, rate


def estimate_seconds(db: Database | None, tier: str, *, width: int, height: int, frames: int, fps: float,
                     plan: dict[str, Any] | None = None, machine: str | None = None) -> TimeEstimate:
    """Seconds to render this on ``machine`` (default: this one), with where the figure comes from."""
    from vidgen_desktop.engine.history.tracked import machine_key

    duration = frames / fps if fps else 0.0
    work = work_units(tier, width, height, frames, duration, plan)
    recent = HistoryStore(db).recent_done(tier, machine or machine_key(), RECENT) if db is not None else []
    points = [(w, float(e.wall_s)) for e in recent if (w := _entry_work(e)) and e.wall_s]
    if points:
        line = fit_line(points)
        if line is not None:
            fixed, rate = line
        else:
            fixed = KB_FIXED_S if tier == "kenburns" else AI_FIXED_S
            fixed = min(fixed, min(s for _, s in points))
            rate = statistics.median(max(0.0, s - fixed) / w for w, s in points)
        return TimeEstimate(fixed + rate * work, "history", len(points))
    if tier != "kenburns" and plan and plan.get("estimated_s_per_clip") and plan.get("clip_seconds"):
        clips = max(1, math.ceil(duration / float(plan["clip_seconds"]) - 1e-6))
        return TimeEstimate(AI_FIXED_S + clips * float(plan["estimated_s_per_clip"]), "plan")
    return TimeEstimate(KB_FIXED_S + KB_S_PER_MPIX_FRAME * frames * width * height / 1e6, "model")


def estimate_for_job(job: RenderJob, *, db: Database | None = None, ai: Any = None) -> TimeEstimate:
    """Plan ``job`` as :func:`engine.render.render` would (probe the audio, decide the tier) and estimate it.

    Blocking (reads the whole audio to count its samples): call it from a worker thread.
    """
    from vidgen_desktop.engine.ai.options import AiOptions
    from vidgen_desktop.engine.decide import decide_tier
    from vidgen_desktop.engine.image_io import image_size
    from vidgen_desktop.engine.media import probe_audio
    from vidgen_desktop.engine.render import ai_dispatch, plan_render

    audio = probe_audio(job.audio)
    hardware, decision = decide_tier(job.tier)
    plan = plan_render(job, audio, decision, image_size(job.image), ai_dispatch(job, decision, ai or AiOptions()))
    ai_plan = None
    if plan.tier.is_ai:
        from vidgen_desktop.engine.ai.plan import plan_for

        try:
            ai_plan = plan_for(hardware, plan.tier, ai or AiOptions(), job.aspect or (16, 9)).to_dict()
        except Exception:  # noqa: BLE001 - no plan: the estimate falls back to the Ken Burns model
            ai_plan = None
    return estimate_seconds(db, plan.tier.value, width=plan.width, height=plan.height, frames=plan.frames,
                            fps=plan.fps, plan=ai_plan)
