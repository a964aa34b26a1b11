"""The engine's front door: validate a :class:`RenderJob`, pick the tier, render, report.

Used by the CLI directly and by the Qt bridge from a worker thread. Blocking; cancel
through the :class:`CancelToken`; progress through the callback (called on the
calling thread, at most ~10 times a second).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError, OutputError
from vidgen_desktop.core.jobs import Resolution, RenderJob, Tier
from vidgen_desktop.core.progress import EtaEstimator, ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.core.tiers import TierDecision
from vidgen_desktop.engine.canvas import fit_canvas, rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.encoder import EncodeSettings, VideoEncoder, check_output_path
from vidgen_desktop.engine.image_io import IMAGE_EXTENSIONS, image_size, open_image
from vidgen_desktop.engine.kenburns import render_frames
from vidgen_desktop.engine.media import AUDIO_EXTENSIONS, AudioInfo, probe_audio
from vidgen_desktop.engine.motion import ZOOM, CameraPath, resolve_motion

#: Progress callbacks at most this often (the window polls at 10 Hz anyway).
PROGRESS_INTERVAL_S = 0.1
#: Live preview frames at most this often.
PREVIEW_INTERVAL_S = 0.5


@dataclass(frozen=True)
class RenderResult:
    """What was made, and how (the tier actually used and why, if it differs from the request)."""

    output: Path
    tier: Tier
    width: int
    height: int
    fps: float
    frames: int
    duration_s: float
    elapsed_s: float
    motion: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderPlan:
    """Everything decided before the first frame: shown to the user, then executed."""

    tier: Tier
    width: int
    height: int
    fps: float
    frames: int
    audio: AudioInfo
    notes: tuple[str, ...]


def validate_inputs(job: RenderJob) -> AudioInfo:
    """Cheap checks first, so mistakes are reported before any work (or any file) is made."""
    img_ext, aud_ext = job.image.suffix.lower(), job.audio.suffix.lower()
    if img_ext in AUDIO_EXTENSIONS - IMAGE_EXTENSIONS and aud_ext in IMAGE_EXTENSIONS:
        raise InputError(job.image, "is an audio file and the audio argument is an image",
                         hint="the image comes first: vidgen-desktop render IMAGE AUDIO -o OUT.mp4")
    for src in (job.image, job.audio):
        if src.exists() and job.output.exists() and src.resolve() == job.output.resolve():
            raise OutputError(f"{job.output}: the output would overwrite an input file")
    check_output_path(job.output)
    image_size(job.image)  # header only: a wrong or swapped file fails before the audio is decoded
    return probe_audio(job.audio)


def plan_render(job: RenderJob, audio: AudioInfo, decision: TierDecision, image_size: tuple[int, int]) -> RenderPlan:
    notes: list[str] = []
    tier = decision.tier
    if decision.fell_back:
        notes.append(f"{job.tier.label} could not be used; rendered with {tier.label}: "
                     + "; ".join(decision.options[job.tier].missing if job.tier in decision.options else ()))
    if tier.is_ai:
        # The diffusion tiers land in a later release; say so instead of failing.
        notes.append(f"{tier.label} rendering is not available in this version; used {Tier.KENBURNS.label}")
        tier = Tier.KENBURNS
    resolution = job.resolution or Resolution(short_side=decision.default_short_side)
    fps = float(job.fps or decision.default_fps)
    aspect = job.aspect or image_size
    width, height = resolution.frame_size(aspect)
    frames = max(1, math.ceil(audio.duration_s * fps - 1e-6))
    return RenderPlan(tier, width, height, fps, frames, audio, tuple(notes))


def render(
    job: RenderJob,
    *,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    decision: TierDecision | None = None,
) -> RenderResult:
    """Render ``job`` to ``job.output`` atomically. Raises :class:`VidGenError` subclasses."""
    cancel = cancel or CancelToken()
    t0 = time.monotonic()

    def emit(stage: str, done: int = 0, total: int = 0, eta: float | None = None, message: str = "",
             preview: object = None) -> None:
        on_progress(ProgressEvent(stage, done, total, time.monotonic() - t0, eta, message, preview=preview))

    emit("probe", message="reading the audio and the picture")
    audio = validate_inputs(job)
    cancel.raise_if_cancelled()
    if decision is None:
        from vidgen_desktop.engine.decide import decide_tier

        _hw, decision = decide_tier(job.tier)
    cancel.raise_if_cancelled()

    emit("prepare", message="preparing the picture")
    plan = plan_render(job, audio, decision, image_size(job.image))
    out_size = (plan.width, plan.height)
    picture = open_image(job.image, want=(math.ceil(plan.width * ZOOM), math.ceil(plan.height * ZOOM)))
    canvas = rgb_to_yuv420(fit_canvas(picture, out_size, job.fit, ZOOM))
    del picture
    motion = resolve_motion(job.motion, canvas.size, plan.width / plan.height, job.seed)
    camera = CameraPath(motion, canvas.size, out_size, plan.frames, plan.fps)
    cancel.raise_if_cancelled()

    settings = EncodeSettings(plan.width, plan.height, plan.fps, job.quality)
    eta = EtaEstimator(plan.frames)
    last_emit = last_preview = 0.0
    with VideoEncoder(job.output, settings, audio, cancel) as encoder:
        for i, frame in enumerate(render_frames(canvas, camera, out_size, plan.frames, job.quality)):
            encoder.write(frame.y.data, frame.u.data, frame.v.data)
            now = time.monotonic()
            if now - last_emit >= PROGRESS_INTERVAL_S or i == plan.frames - 1:
                cancel.raise_if_cancelled()
                last_emit = now
                preview = None
                if now - last_preview >= PREVIEW_INTERVAL_S:
                    last_preview = now
                    preview = yuv420_to_rgb(frame.y, frame.u, frame.v)
                emit("render", i + 1, plan.frames, eta.update(i + 1), preview=preview)
        emit("finalize", plan.frames, plan.frames, message="finishing the file")
        encoder.finish()
    elapsed = time.monotonic() - t0
    emit("done", plan.frames, plan.frames, 0.0, message=str(job.output))
    return RenderResult(job.output, plan.tier, plan.width, plan.height, plan.fps, plan.frames,
                        plan.frames / plan.fps, elapsed, motion.value, list(plan.notes))
