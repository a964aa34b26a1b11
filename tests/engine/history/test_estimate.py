"""Estimates learn from the history: the fit, the fallbacks, one machine not learning from another, real renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_desktop.core.jobs import RenderJob, Resolution, Tier
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.history import estimate as est
from vidgen_desktop.engine.history.db import Database, open_db
from vidgen_desktop.engine.history.history import HistoryStore, RenderEnd, RenderStart
from vidgen_desktop.engine.history.records import Status
from vidgen_desktop.engine.history.tracked import machine_key, tracked_render


def _add(db: Database, wall: float, frames: int, w: int = 1000, h: int = 1000, tier: str = "kenburns",
         machine: str | None = None, plan: dict[str, object] | None = None) -> None:
    store = HistoryStore(db)
    row = store.start(RenderStart(Path("i.png"), Path("a.wav"), Path("o.mp4"), {}, "h", tier, "0", "",
                                  machine or machine_key()))
    store.finish(row, RenderEnd(Status.DONE, wall, tier=tier, width=w, height=h, fps=10.0, frames=frames,
                                duration_s=frames / 10.0, ai_plan=plan))


def test_line_fit_from_history(tmp_path: Path) -> None:
    with open_db(tmp_path / "e.db") as db:
        for frames in (10, 20, 40, 80):  # seconds = 2 + 0.1 per megapixel-frame
            _add(db, 2 + 0.1 * frames, frames)
        _add(db, 60.0, 20)  # one odd render (the machine was busy) barely moves the fit
        e = est.estimate_seconds(db, "kenburns", width=1000, height=1000, frames=200, fps=10.0)
        assert e.source == "history" and e.samples == 5
        assert e.seconds == pytest.approx(22.0, rel=0.05)
        assert e.phrase == "about 22 s"
        # Another machine's renders do not count; another tier's neither.
        other = est.estimate_seconds(db, "kenburns", width=1000, height=1000, frames=200, fps=10.0,
                                     machine="elsewhere")
        assert other.source == "model"
        assert est.estimate_seconds(db, "svd", width=1000, height=1000, frames=200, fps=10.0).source == "model"


def test_one_sample_scales_its_rate(tmp_path: Path) -> None:
    with open_db(tmp_path / "e.db") as db:
        _add(db, est.KB_FIXED_S + 5.0, 50)
        e = est.estimate_seconds(db, "kenburns", width=1000, height=1000, frames=100, fps=10.0)
        assert e.source == "history" and e.seconds == pytest.approx(est.KB_FIXED_S + 10.0)


def test_ai_tier_uses_clips_and_steps_then_the_plan(tmp_path: Path) -> None:
    plan = {"clip_seconds": 2.0, "steps": 25, "estimated_s_per_clip": 30.0}
    with open_db(tmp_path / "e.db") as db:
        first = est.estimate_seconds(db, "svd", width=1024, height=576, frames=100, fps=10.0, plan=plan)
        assert first.source == "plan" and first.seconds == pytest.approx(est.AI_FIXED_S + 5 * 30.0)
        for clips in (1, 2, 4):  # 10 s fixed + 40 s a clip of 25 steps
            _add(db, 10 + 40 * clips, clips * 20, 1024, 576, "svd", plan=plan)
        learnt = est.estimate_seconds(db, "svd", width=1024, height=576, frames=100, fps=10.0, plan=plan)
        assert learnt.source == "history" and learnt.seconds == pytest.approx(10 + 40 * 5)
    assert est.estimate_seconds(None, "kenburns", width=1920, height=1080, frames=300, fps=30.0).source == "model"


def test_estimate_from_real_renders(tmp_path: Path, media: dict[str, Path],
                                    kenburns_decision: TierDecision) -> None:
    from tests.media_factory import tone

    def job(seconds: float, res: str) -> RenderJob:
        audio = tone(tmp_path / f"{seconds}.wav", seconds)
        return RenderJob(media["image"], audio, tmp_path / f"{seconds}-{res}.mp4", Tier.KENBURNS,
                         Resolution.parse(res), 25.0)

    with open_db() as db:
        for seconds, res in ((1.0, "320x180"), (3.0, "320x180"), (2.0, "640x360")):
            tracked_render(job(seconds, res), decision=kenburns_decision, db=db)
        target = job(4.0, "640x360")
        e = est.estimate_for_job(target, db=db)
        assert e.source == "history" and e.samples == 3
        result = tracked_render(target, decision=kenburns_decision, db=db)
        assert e.seconds == pytest.approx(result.elapsed_s, rel=2.0)  # a busy CI machine: within 3x
