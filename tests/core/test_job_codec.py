"""Every RenderJob field survives the trip through the history/queue JSON (a new field must be added there)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from vidgen_desktop.core.job_codec import job_from_dict, job_to_dict
from vidgen_desktop.core.jobs import Fit, Motion, Quality, RenderJob, Resolution, Sync, Tier, Transition
from vidgen_desktop.core.overlays import OverlaySpec


def test_every_field_is_stored() -> None:
    job = RenderJob(image=Path("/a/b.jpg"), audio=Path("/a/s.mp3"), output=Path("/o/v.mp4"))
    assert set(job_to_dict(job)) == {f.name for f in fields(RenderJob)}


def test_a_job_with_everything_changed_round_trips() -> None:
    job = RenderJob(image=Path("/a/b.jpg"), audio=Path("/a/s.mp3"), output=Path("/o/v.mp4"), tier=Tier.SVD,
                    resolution=Resolution.parse("640x360"), fps=24.0, aspect=(9, 16), fit=Fit.CROP,
                    quality=Quality.HIGH, motion=Motion.PAN_LEFT, seed=7,
                    overlays=OverlaySpec(visualizer="wave", progress=True, title="Hi"),
                    more_images=(Path("/a/c.jpg"), Path("/a/d.png")), transition=Transition.CUT,
                    sync=Sync.PHRASES, energy=0.9)
    back = job_from_dict(job_to_dict(job))
    assert back == job
    for f in fields(RenderJob):
        if f.name not in ("image", "audio", "output"):
            default = f.default_factory() if callable(f.default_factory) else f.default  # type: ignore[misc]
            assert getattr(back, f.name) != default, f"{f.name} was not changed in this test: add it"
