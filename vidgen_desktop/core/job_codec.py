"""A :class:`RenderJob` as plain JSON data and back (the history and the queue store jobs this way).

The dictionary is versioned by its keys: a key a later version adds is optional when read,
a key this version does not know is ignored, so an old database stays readable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.jobs import DEFAULT_ENERGY, Fit, Motion, Quality, RenderJob, Resolution, Sync, Tier, Transition
from vidgen_desktop.core.overlays import OverlaySpec


def job_to_dict(job: RenderJob) -> dict[str, Any]:
    """Every field of ``job`` as JSON-able values (paths as strings, enums as their values)."""
    res = job.resolution
    return {
        "image": str(job.image),
        "audio": str(job.audio),
        "output": str(job.output),
        "tier": job.tier.value,
        "resolution": str(res) if res is not None else None,
        "fps": job.fps,
        "aspect": list(job.aspect) if job.aspect is not None else None,
        "fit": job.fit.value,
        "quality": job.quality.value,
        "motion": job.motion.value,
        "seed": job.seed,
        "overlays": asdict(job.overlays),
        "more_images": [str(p) for p in job.more_images],
        "transition": job.transition.value,
        "sync": job.sync.value,
        "energy": job.energy,
    }


def job_from_dict(data: dict[str, Any]) -> RenderJob:
    """The job :func:`job_to_dict` wrote. Raises :class:`UsageError` for a value this version cannot read."""
    try:
        aspect = data.get("aspect")
        res = data.get("resolution")
        fps = data.get("fps")
        seed = data.get("seed")
        return RenderJob(
            image=Path(data["image"]),
            audio=Path(data["audio"]),
            output=Path(data["output"]),
            tier=Tier(data.get("tier", Tier.AUTO.value)),
            resolution=Resolution.parse(res) if res else None,
            fps=float(fps) if fps is not None else None,
            aspect=(int(aspect[0]), int(aspect[1])) if aspect else None,
            fit=Fit(data.get("fit", Fit.BLUR.value)),
            quality=Quality(data.get("quality", Quality.STANDARD.value)),
            motion=Motion(data.get("motion", Motion.AUTO.value)),
            seed=int(seed) if seed is not None else None,
            overlays=OverlaySpec(**data.get("overlays", {})),
            more_images=tuple(Path(p) for p in data.get("more_images", ())),
            transition=Transition(data.get("transition", Transition.CROSSFADE.value)),
            sync=Sync(data.get("sync", Sync.AUTO.value)),
            energy=float(data.get("energy", DEFAULT_ENERGY)),
        )
    except (KeyError, ValueError, TypeError, IndexError) as exc:
        raise UsageError(f"a stored job cannot be read by this version ({type(exc).__name__}: {exc})") from None


def settings_dict(job: RenderJob, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """What decides how the video looks, without the file names: the job's settings plus ``extra``
    (the AI options, the narration). Two renders with equal settings and inputs make the same video."""
    d = job_to_dict(job)
    for key in ("image", "audio", "output"):
        d.pop(key)
    if extra:
        d.update(extra)
    return d


def stable_json(data: Any) -> str:
    """Compact JSON with sorted keys: equal data, equal text (hashable, comparable in SQL)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def settings_key(settings: dict[str, Any]) -> str:
    """A short hash of the settings (resume looks renders up by it)."""
    return hashlib.sha256(stable_json(settings).encode("utf-8")).hexdigest()[:32]
