"""From the window's choices (strings in :class:`OutputSettings`) to a :class:`RenderJob`.

Pure functions, so the mapping is tested without a window; "auto" means "let the tier
decide" and becomes ``None`` in the job.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.core.jobs import Fit, Motion, Quality, RenderJob, Resolution, Tier, parse_aspect, parse_fps
from vidgen_desktop.core.settings import OutputSettings


def build_job(image: Path, audio: Path, output: Path, out: OutputSettings) -> RenderJob:
    """Raises :class:`UsageError` for a value the engine would refuse (settings are validated on load)."""
    return RenderJob(
        image=image,
        audio=audio,
        output=output,
        tier=Tier(out.tier),
        resolution=None if out.resolution == "auto" else Resolution.parse(out.resolution),
        fps=None if out.fps == "auto" else parse_fps(out.fps),
        aspect=parse_aspect(out.aspect),
        fit=Fit(out.fit),
        quality=Quality(out.quality),
        motion=Motion(out.motion),
    )


def default_output_path(folder: Path, image: Path | None) -> Path:
    """``<folder>/<picture name>.mp4``, numbered so an earlier video is never overwritten."""
    stem = image.stem if image is not None else "video"
    candidate = folder / f"{stem}.mp4"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({n}).mp4"
        n += 1
    return candidate


def ensure_folder(folder: Path) -> None:
    """Create the output folder (the app's own outputs folder does not exist before the first render)."""
    folder.mkdir(parents=True, exist_ok=True)
