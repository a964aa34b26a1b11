"""The engine's front door: validate a :class:`RenderJob`, pick the tier, render, report.

Used by the CLI directly and by the Qt bridge from a worker thread. Blocking; cancel
through the :class:`CancelToken`; progress through the callback (called on the
calling thread, at most ~10 times a second).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidgen_desktop.core.analysis import AudioAnalysis
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.errors import CancelledError, InputError, OutputError, UsageError
from vidgen_desktop.core.fallback import Fallback, TierFailure
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import RenderJob, Resolution, Sync, Tier
from vidgen_desktop.core.progress import EtaEstimator, ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.ai.dispatch import AiDispatch, check_requested, fallback_allowed, fallback_for
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.canvas import fit_canvas, rgb_to_yuv420, yuv420_to_rgb
from vidgen_desktop.engine.captions import Cue, captioned_writer
from vidgen_desktop.engine.captions.style import style_for
from vidgen_desktop.engine.decide import TierDecision, decide_tier
from vidgen_desktop.engine.encoder import EncodeSettings, VideoEncoder, check_output_path
from vidgen_desktop.engine.image_io import IMAGE_EXTENSIONS, image_size, open_image
from vidgen_desktop.engine.kenburns import render_frames
from vidgen_desktop.engine.media import AUDIO_EXTENSIONS, AudioInfo, probe_audio
from vidgen_desktop.engine.motion import ZOOM
from vidgen_desktop.engine.motion_sync import plan_camera

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
    #: JSON-able facts about how it was made (for AI tiers: ``details["ai"]``: the plan, clips, resume).
    details: dict[str, Any] = field(default_factory=dict)
    #: Set when the render did not use the tier it set out to use (only with "automatic" or ``--fallback``).
    fallback: Fallback | None = None


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
    #: AI tiers to try, strongest first (empty: Ken Burns only), and those run below their requirements.
    ai_chain: tuple[Tier, ...] = ()
    ai_forced: tuple[Tier, ...] = ()


def validate_inputs(job: RenderJob, cancel: CancelToken | None = None) -> AudioInfo:
    """Cheap checks first, so mistakes are reported before any work (or any file) is made."""
    img_ext, aud_ext = job.image.suffix.lower(), job.audio.suffix.lower()
    if img_ext in AUDIO_EXTENSIONS - IMAGE_EXTENSIONS and aud_ext in IMAGE_EXTENSIONS:
        raise InputError(job.image, "is an audio file and the audio argument is an image",
                         hint="the image comes first: vidgen-desktop render IMAGE AUDIO -o OUT.mp4")
    for src in (*job.images, job.audio):
        if src.exists() and job.output.exists() and src.resolve() == job.output.resolve():
            raise OutputError(f"{job.output}: the output would overwrite an input file")
    check_output_path(job.output)
    for picture in job.images:
        image_size(picture)  # header only: a wrong or swapped file fails before the audio is decoded
    return probe_audio(job.audio, cancel=cancel)


def plan_render(job: RenderJob, audio: AudioInfo, decision: TierDecision, image_size: tuple[int, int],
                ai: AiDispatch | None = None) -> RenderPlan:
    """Sizes, frame count and tier. ``ai`` (from :func:`ai_dispatch`) says which AI tiers to try;
    without it AI tiers are not run. Sizes the job leaves open are the tier's defaults."""
    notes: list[str] = []
    tier = decision.tier
    chain = ai.chain if ai is not None else ()
    forced = ai.forced if ai is not None else ()
    if decision.fell_back and not (chain and chain[0] is job.tier):
        notes.append(f"{job.tier.label} could not be used; rendered with {(chain[0] if chain else tier).label}: "
                     + "; ".join(decision.options[job.tier].missing if job.tier in decision.options else ()))
    if ai is not None and ai.could_force and job.tier.is_ai and job.tier in ai.could_force:
        notes.append(f"{job.tier.label} is installed and can still run on this machine, very slowly: "
                     "allow slow AI rendering (--allow-slow) to use it")
    if job.more_images and (chain or tier.is_ai or job.tier.is_ai):  # AI tiers animate one picture
        from vidgen_desktop.engine.slideshow import AI_NOTE

        notes.append(AI_NOTE)
        chain, forced, tier = (), (), Tier.KENBURNS
    if chain:
        tier = chain[0]
    elif tier.is_ai:
        notes.append(f"{tier.label} could not be started here; used {Tier.KENBURNS.label}")
        tier = Tier.KENBURNS
    short_side, default_fps = decision.defaults_for(tier)
    resolution = job.resolution or Resolution(short_side=short_side)
    fps = float(job.fps or default_fps)
    aspect = job.aspect or image_size
    width, height = resolution.frame_size(aspect)
    frames = max(1, math.ceil(audio.duration_s * fps - 1e-6))
    return RenderPlan(tier, width, height, fps, frames, audio, tuple(notes), chain, forced)


def ai_dispatch(job: RenderJob, decision: TierDecision, opts: AiOptions) -> AiDispatch:
    """The AI tiers this render may try: the decision's choice, the installed models, the packages."""
    if job.tier is Tier.KENBURNS or job.more_images:
        return AiDispatch(())
    from vidgen_desktop.core.paths import app_paths
    from vidgen_desktop.core.tiers import detect_packages
    from vidgen_desktop.engine.ai.dispatch import ai_chain
    from vidgen_desktop.engine.models.store import ModelStore

    installed = ModelStore(app_paths().models).installed_ids()
    return ai_chain(decision, job.tier, allow_slow=opts.allow_slow, installed=installed, packages=detect_packages(),
                    fallback=fallback_allowed(job.tier, opts.fallback))


def _damaged_models(job: RenderJob) -> dict[Tier, str]:
    if job.tier is Tier.KENBURNS:
        return {}
    from vidgen_desktop.core.paths import app_paths
    from vidgen_desktop.engine.ai.dispatch import damaged_models

    return damaged_models(app_paths().models)


def render(
    job: RenderJob,
    *,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    decision: TierDecision | None = None,
    ai: AiOptions | None = None,
    hardware: HardwareInfo | None = None,
    burn_captions: Sequence[Cue] = (),
    caption_look: CaptionLook | None = None,
) -> RenderResult:
    """Render ``job`` to ``job.output`` atomically. Raises :class:`VidGenError` subclasses.

    ``ai`` holds the AI tiers' settings (steps, motion strength, prompt, allow slow
    hardware); ``burn_captions`` are drawn into the frames as ``caption_look`` says (default: the classic look);
    ``hardware`` is the probed machine (probed here when an AI tier runs and it
    was not given). An AI tier that fails hands over to the next one, then to Ken Burns.
    """
    cancel = cancel or CancelToken()
    ai = ai or AiOptions()
    t0 = time.monotonic()

    def emit(stage: str, done: int = 0, total: int = 0, eta: float | None = None, message: str = "",
             preview: object = None) -> None:
        on_progress(ProgressEvent(stage, done, total, time.monotonic() - t0, eta, message, preview=preview))

    emit("probe", message="reading the audio and the picture")
    audio = validate_inputs(job, cancel)
    cancel.raise_if_cancelled()
    if decision is None:
        hardware, decision = decide_tier(Tier.KENBURNS if job.more_images else job.tier)  # a slideshow: Ken Burns
    cancel.raise_if_cancelled()

    emit("prepare", message="preparing the picture")
    dispatch = ai_dispatch(job, decision, ai)
    may_fall_back = fallback_allowed(job.tier, ai.fallback)
    if job.more_images and job.tier.is_ai and not may_fall_back:
        raise UsageError(f"{job.tier.label} animates one picture; a slideshow of {len(job.images)} pictures is made "
                         "with Ken Burns: choose --tier auto or kenburns, give one picture, or add --fallback")
    failures: list[TierFailure] = [] if job.more_images else check_requested(
        job.tier, decision, dispatch, fallback=may_fall_back, damaged=_damaged_models(job),
        allow_slow=ai.allow_slow)
    plan = plan_render(job, audio, decision, image_size(job.image), dispatch)
    out_size = (plan.width, plan.height)
    notes = list(plan.notes)
    details: dict[str, Any] = {}
    tier_used, motion_used = plan.tier, ""
    outcome = None
    settings = EncodeSettings(plan.width, plan.height, plan.fps, job.quality)
    with VideoEncoder(job.output, settings, audio, cancel) as encoder:
        write = captioned_writer(encoder.write, list(burn_captions), out_size, plan.fps, style_for(caption_look))
        if job.overlays.active:  # drawn under the captions
            from vidgen_desktop.engine.overlays import audiogram_writer, prepare_audiogram

            emit("prepare", message="reading the sound for the overlays")
            write = audiogram_writer(write, prepare_audiogram(
                job.overlays, audio=job.audio, image=job.image, frame_size=out_size, fps=plan.fps,
                frames=plan.frames, cancel=cancel, captions_at_bottom=bool(burn_captions) and (
                    caption_look is None or caption_look.position == "bottom")))
        start = 0
        if plan.ai_chain:
            from vidgen_desktop.core.hardware import probe_hardware
            from vidgen_desktop.core.paths import app_paths
            from vidgen_desktop.engine.ai.machine import machine_for
            from vidgen_desktop.engine.ai.runner import run_ai

            paths = app_paths()
            outcome = run_ai(job, chain=plan.ai_chain, forced=plan.ai_forced, opts=ai,
                             machine=machine_for(hardware or probe_hardware({})), out_size=out_size,
                             out_fps=plan.fps, total_frames=plan.frames, write=write,
                             on_progress=on_progress, cancel=cancel, t0=t0, models_dir=paths.models,
                             cache_dir=paths.cache, fallback=may_fall_back)
            failures += outcome.failures
            start = outcome.frames_written
            notes += outcome.notes
            details["ai"] = outcome.details
            tier_used, motion_used = outcome.tier or Tier.KENBURNS, ai.motion.value
            if start < plan.frames:
                tier_used = outcome.tier if start * 2 >= plan.frames and outcome.tier else Tier.KENBURNS
                notes.append(f"{Tier.KENBURNS.label} made frames {start + 1}-{plan.frames} of {plan.frames}")
        if start < plan.frames and job.more_images:
            from vidgen_desktop.engine.slideshow import render_slideshow

            motion_used, more = render_slideshow(job, audio.duration_s, out_size, plan.fps, plan.frames, write,
                                                 cancel, emit)
            notes += more
        elif start < plan.frames:
            motion_used = _kenburns(job, plan, write, start, cancel, emit, encoder.frames_in_flight, notes, details)
        emit("finalize", plan.frames, plan.frames, message="finishing the file")
        encoder.finish()
    if outcome is not None:
        outcome.on_success()
    elapsed = time.monotonic() - t0
    emit("done", plan.frames, plan.frames, 0.0, message=str(job.output))
    finished_by = Tier.KENBURNS if outcome is None or outcome.frames_written < plan.frames else outcome.tier
    fallback = fallback_for(job.tier, failures, finished_by or Tier.KENBURNS)
    return RenderResult(job.output, tier_used, plan.width, plan.height, plan.fps, plan.frames,
                        plan.frames / plan.fps, elapsed, motion_used, notes, details, fallback)


def _listen(job: RenderJob, cancel: CancelToken, notes: list[str], emit: Any) -> AudioAnalysis | None:
    """What the audio analyser finds, for a camera that follows the sound (``None``: sync is off, or the
    analysis failed: the camera then makes its usual move)."""
    if job.sync is Sync.OFF:
        return None
    emit("analyse", message="listening to the sound")
    try:
        from vidgen_desktop.engine.audio import analyze_audio  # lazy: numpy/scipy work a plain render never needs

        found = analyze_audio(job.audio, cancel=cancel)  # its own cache folder, shared with slideshows and `analyze`
    except CancelledError:
        raise
    except Exception as exc:  # noqa: BLE001 - a render never fails for want of a beat
        notes.append(f"the sound could not be analysed ({exc}); the camera makes its usual move")
        return None
    return found


def _kenburns(job: RenderJob, plan: RenderPlan, write: Any, start: int, cancel: CancelToken,
              emit: Any, buffers: int = 0, notes: list[str] | None = None,
              details: dict[str, Any] | None = None) -> str:
    """Frames ``start``.. of the Ken Burns pan and zoom into ``encoder``; returns the motion used."""
    out_size = (plan.width, plan.height)
    analysis = _listen(job, cancel, notes if notes is not None else [], emit)
    picture = open_image(job.image, want=(math.ceil(plan.width * ZOOM), math.ceil(plan.height * ZOOM)))
    canvas = rgb_to_yuv420(fit_canvas(picture, out_size, job.fit, ZOOM))
    del picture
    camera = plan_camera(analysis, job.motion, canvas.size, out_size, plan.frames, plan.fps, sync=job.sync,
                         energy=job.energy, seed=job.seed)
    if details is not None and analysis is not None:
        details["sync"] = {"kind": analysis.kind, "follows": camera.follows, "moves": camera.moves,
                           "pulses": camera.pulses}
    cancel.raise_if_cancelled()
    eta = EtaEstimator(plan.frames - start)
    last_emit = last_preview = 0.0
    for i, frame in enumerate(render_frames(canvas, camera.track, out_size, plan.frames, job.quality, start=start,
                                                       buffers=buffers), start):
        write(frame.y.data, frame.u.data, frame.v.data)
        now = time.monotonic()
        if now - last_emit >= PROGRESS_INTERVAL_S or i == plan.frames - 1:
            cancel.raise_if_cancelled()
            last_emit = now
            preview = None
            if now - last_preview >= PREVIEW_INTERVAL_S:
                last_preview = now
                preview = yuv420_to_rgb(frame.y, frame.u, frame.v)
            emit("render", i + 1, plan.frames, eta.update(i + 1 - start), preview=preview)
    return camera.motion
