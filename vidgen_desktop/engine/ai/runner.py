"""Run an AI render: clip after clip, checkpointed, blended, retimed and streamed to the encoder.

Out of memory walks :func:`ladder.step_down` with the phase that ran out (``load``,
``denoise`` or ``decode``), so only savings that help that phase are tried, and retries
the clip. When nothing that helps is left, the model does not load, or the tier fails
otherwise (a library change, a bug: never mistaken for out of memory), the tier has
failed: with ``fallback`` (the user chose "automatic", or ``--fallback``) the next weaker
tier of the chain continues from the same clip and the failure is recorded for the
result's :class:`~vidgen_desktop.core.fallback.Fallback`; without it the render stops with
the :class:`~vidgen_desktop.engine.ai.errors.TierFailed` (its cause and a hint). Every
step is written into the result's notes; progress counts clips and steps
(:mod:`~vidgen_desktop.engine.ai.progress`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.core.fallback import TierFailure
from vidgen_desktop.core.formatting import rough_duration
from vidgen_desktop.core.jobs import Fit, Quality, RenderJob, Tier
from vidgen_desktop.core.progress import ProgressCallback
from vidgen_desktop.core.tiers import model_id
from vidgen_desktop.engine.ai import backends, dit
from vidgen_desktop.engine.ai.checkpoint import CHECKPOINT_DIR, CheckpointStore, prune_stale, render_key
from vidgen_desktop.engine.ai.clips import (
    RGB,
    ClipSpec,
    Frames,
    Interp,
    Timeline,
    cover_crop,
    next_clip,
    resize_rgb,
    schedule,
)
from vidgen_desktop.engine.ai.errors import ModelLoadError, TierFailed
from vidgen_desktop.engine.ai.ladder import step_down, turned_off
from vidgen_desktop.engine.ai.machine import Machine
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom
from vidgen_desktop.engine.ai.plan import AiPlan, Phase, effective_steps, plan_for
from vidgen_desktop.engine.ai.progress import AiProgress
from vidgen_desktop.engine.ai.spec import spec_from_folder
from vidgen_desktop.engine.canvas import fit_canvas, rgb_to_yuv420
from vidgen_desktop.engine.image_io import open_image
from vidgen_desktop.engine.models.manifest import read_manifest
from vidgen_desktop.engine.models.store import ModelState, ModelStore

#: encoder.write(y, u, v)
WriteFrame = Callable[..., None]
PREVIEW_SIDE = 320


@dataclass
class AiOutcome:
    """What the AI part made. ``frames_written < total``: the caller finishes with Ken Burns."""

    frames_written: int
    tier: Tier | None
    plan: AiPlan | None
    notes: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    checkpoints: CheckpointStore | None = None
    #: Tiers that failed and handed over to the next (only with fallback allowed).
    failures: list[TierFailure] = field(default_factory=list)

    def on_success(self) -> None:
        """The video is complete: its checkpoints are no longer needed."""
        if self.checkpoints is not None:
            self.checkpoints.clear()


def model_files(store: ModelStore, tier: Tier) -> backends.ModelFiles:
    """The installed files of ``tier``'s model, or :class:`ModelLoadError` saying what is wrong."""
    mid = model_id(tier)
    try:
        status = store.status(mid)
    except Exception as exc:
        raise ModelLoadError(tier, f"the model {mid!r} is not known here ({exc})") from exc
    if status.state is not ModelState.INSTALLED:
        why = "; ".join(status.problems) or status.state.value
        raise ModelLoadError(tier, f"the model is not installed ({why}); "
                                   f"download it in the model manager: vidgen-desktop models download {mid}")
    manifest = read_manifest(status.path)
    fingerprint = f"{manifest.installed_at}|{manifest.total_size}|{len(manifest.files)}" if manifest else "?"
    roles = {s.role for s in status.entry.sources}
    if tier is Tier.ANIMATEDIFF:
        return backends.ModelFiles(tier, mid, store.local_path(mid, "base"), fingerprint,
                                   adapter=store.local_path(mid, "motion_adapter"),
                                   sparsectrl=store.local_path(mid, "sparsectrl") if "sparsectrl" in roles else None)
    role = "pipeline" if "pipeline" in roles else None
    return backends.ModelFiles(tier, mid, store.local_path(mid, role), fingerprint)


def prepare_source(job: RenderJob, size: tuple[int, int]) -> RGB:
    """The user's picture composed into the generation frame with the job's fit."""
    picture = open_image(job.image, want=size)
    canvas = fit_canvas(picture, size, job.fit, 1.0)
    if job.fit is Fit.CROP:
        canvas = cover_crop(canvas, size)
    return canvas if canvas.shape[:2] == (size[1], size[0]) else cover_crop(canvas, size)


@dataclass
class _TierState:
    tier: Tier
    files: backends.ModelFiles
    plan: AiPlan
    announced: bool = False
    #: Savings this model turned out not to support (never tried again, never reported on).
    unavailable: set[str] = field(default_factory=set)


#: What a phase is called in a sentence.
DOING: dict[Phase, str] = {"load": "loading", "denoise": "generating", "decode": "decoding"}


class AiRenderer:
    """One AI render. ``run()`` writes frames through ``write`` and returns an :class:`AiOutcome`."""

    def __init__(self, job: RenderJob, *, chain: tuple[Tier, ...], forced: tuple[Tier, ...], opts: AiOptions,
                 machine: Machine, out_size: tuple[int, int], out_fps: float, total_frames: int,
                 write: WriteFrame, on_progress: ProgressCallback, cancel: CancelToken, t0: float,
                 store: ModelStore, cache_root: Path, fallback: bool = False) -> None:
        self.job = job
        self.fallback = fallback
        self.chain = chain
        self.forced = forced
        self.opts = opts
        self.machine = machine
        self.out_size = out_size
        self.out_fps = out_fps
        self.total = total_frames
        self.write = write
        self.on_progress = on_progress
        self.cancel = cancel
        self.t0 = t0
        self.store = store
        self.cache_root = cache_root
        self.notes: list[str] = []
        self.failures: list[TierFailure] = []
        self.frames_written = 0
        self._states: dict[Tier, _TierState] = {}
        self._sources: dict[tuple[int, int], RGB] = {}
        self.progress = AiProgress(on_progress, t0)

    # ------------------------------------------------------------------ setup

    @property
    def aspect(self) -> tuple[int, int]:
        return self.out_size

    @property
    def last_time_s(self) -> float:
        return (self.total - 1) / self.out_fps

    def _settings(self) -> dict[str, Any]:
        ow, oh = self.out_size
        return {"chain": [t.value for t in self.chain], "seed": self.job.seed, "fit": self.job.fit.value,
                "aspect": round(ow / oh, 4), "steps": self.opts.steps, "motion": self.opts.motion.value,
                "prompt": self.opts.effective_prompt, "chain_from": self.opts.chain_from.value,
                "frames_per_clip": self.opts.frames_per_clip, "device": self.machine.device}

    def _state(self, tier: Tier) -> _TierState:
        st = self._states.get(tier)
        if st is not None:
            return st
        files = model_files(self.store, tier)
        try:
            spec = spec_from_folder(tier, files.root, files.adapter, files.sparsectrl)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(tier, f"the model's files in {files.root} are damaged ({exc})") from exc
        plan = plan_for(self.machine, tier, self.opts, self.aspect, spec)
        st = _TierState(tier, files, plan)
        self._states[tier] = st
        return st

    def _source(self, size: tuple[int, int]) -> RGB:
        if size not in self._sources:
            self._sources[size] = prepare_source(self.job, size)
        return self._sources[size]

    # ------------------------------------------------------------------ frames out

    def _write_frames(self, frames: Iterator[tuple[int, RGB]]) -> None:
        for _index, rgb in frames:
            out = cover_crop(rgb, self.out_size)
            yuv = rgb_to_yuv420(out)
            self.write(yuv.y.data, yuv.u.data, yuv.v.data)
            self.frames_written += 1

    @staticmethod
    def _preview(frame: RGB) -> RGB:
        h, w = frame.shape[:2]
        s = min(1.0, PREVIEW_SIDE / max(w, h))
        return resize_rgb(frame, (max(2, int(w * s)), max(2, int(h * s))))

    # ------------------------------------------------------------------ one clip

    def _configure(self, st: _TierState, backend: backends.Backend, plan: AiPlan) -> AiPlan:
        """Apply ``plan``; a saving the model does not support is left off, said once, never retried."""
        missing = backend.configure(plan) - st.unavailable
        if not missing:
            return plan
        st.unavailable |= missing
        words = " and ".join(m.replace("_", " ") for m in sorted(missing))
        self.notes.append(f"{st.tier.label} does not support {words}: left off")
        return turned_off(plan, missing)

    def _generate(self, st: _TierState, clip: ClipSpec, image: RGB, seed: int) -> Frames:
        plan = st.plan
        latents: Any = None
        phase: Phase = "load"
        k = clip.index + 1
        label, tier = st.tier.label, st.tier.value
        while True:
            try:
                phase = "load"
                if backends.CACHE.loaded_tier is not st.tier or not st.announced:
                    self.progress.emit(f"loading {label}", force=True, phase="load", tier=tier)
                backend = backends.CACHE.get(st.files, plan, dit.load_backend if plan.spec.is_dit else None)
                plan = self._configure(st, backend, plan)
                if latents is None:
                    phase = "denoise"

                    def on_step(i: int, n: int) -> None:
                        self.progress.step_done()
                        self.progress.emit(f"{label}: clip {k}/{self.progress.clips_total}, step {i}/{n}",
                                           force=True, phase="denoise", step=i, steps=n, tier=tier)

                    latents = backend.denoise(image, plan, self.opts, seed, self.cancel, on_step)
                phase = "decode"

                def on_chunk(i: int, n: int) -> None:
                    self.progress.emit(f"{label}: clip {k}/{self.progress.clips_total}, decoding {i}/{n}",
                                       force=True, phase="decode", chunk=i, chunks=n, tier=tier)

                frames = backend.decode(latents, plan.decode_chunk, self.cancel, on_chunk)
                self.progress.step_done()
                st.plan = plan
                return frames
            except (CancelledError, TierFailed):
                raise
            except Exception as exc:
                if not backends.is_out_of_memory(exc):
                    raise TierFailed(st.tier, f"failed while {DOING[phase]} clip {k} "
                                              f"({type(exc).__name__}: {backends.first_line(exc)})",
                                     kind="failed") from exc
                backends.free_memory()
                nxt = step_down(plan, phase, st.unavailable)
                memory = plan.machine.memory_word
                if nxt is None:
                    raise TierFailed(st.tier, f"ran out of {memory} while {DOING[phase]} clip {k} even with every "
                                              f"saving that helps on ({plan.settings_text()})",
                                     kind="memory") from exc
                new_plan, change = nxt
                self.notes.append(f"{label} ran out of {memory} while {DOING[phase]} clip {k}: retrying with {change}")
                if phase == "load" or new_plan.offload != plan.offload:
                    backends.CACHE.release()
                if phase != "decode":
                    latents = None
                self.progress.retry_clip(keep_steps=latents is not None)
                plan = new_plan
                st.plan = plan

    # ------------------------------------------------------------------ the render

    def run(self) -> AiOutcome:
        key = render_key(self.job.image, self.job.audio, self._settings())
        self.cache_root.mkdir(parents=True, exist_ok=True)
        prune_stale(self.cache_root, key)
        ckpt = CheckpointStore(self.cache_root, key)
        seed = self.job.seed if self.job.seed is not None else int(key[:12], 16)
        interp: Interp = "blend" if self.job.quality is Quality.DRAFT else "flow"
        timeline = Timeline(self.total, self.out_fps, interp)
        tried: list[str] = []
        ti = 0
        prev: tuple[ClipSpec, Frames] | None = None
        done = False
        resumed = generated = 0
        used_plan: AiPlan | None = None
        checkpointing = True

        # -- resume: finished clips of an earlier run with the same inputs and settings
        for index in ckpt.indices():
            if index != resumed:
                break
            stored = ckpt.load(index)
            ok = stored is not None and stored.spec.tier in self.chain
            if ok and stored is not None:
                expected_start = prev[0].next_start_s if prev is not None else 0.0
                try:
                    fingerprint = self._state(stored.spec.tier).files.fingerprint
                except TierFailed:
                    fingerprint = ""
                expected_from = "source" if (prev is None or self.opts.chain_from is ChainFrom.SOURCE) else "previous"
                ok = (abs(stored.spec.start_s - expected_start) < 1e-6 and stored.model == fingerprint
                      and stored.spec.start_from == expected_from)
            if not ok or stored is None:
                ckpt.discard_from(index)
                break
            self.cancel.raise_if_cancelled()
            self._write_frames(timeline.push(stored.spec, stored.frames))
            prev = (stored.spec, stored.frames)
            resumed += 1
            if stored.spec.covers_end(self.last_time_s):
                done = True
                break
        if prev is not None:
            ti = self.chain.index(prev[0].tier)
            self.notes.append(f"resumed an interrupted render: {resumed} finished clip"
                              f"{'s' if resumed != 1 else ''} reused")

        # -- generate the rest, stepping down tiers on failure
        current: Tier | None = None
        while not done and ti < len(self.chain):
            tier = self.chain[ti]
            try:
                st = self._state(tier)
                if current is not tier:
                    current = tier
                    tried.append(tier.value)
                    left = len(schedule(self.last_time_s, tier, st.plan.frames, st.plan.fps, self.opts.chain_from,
                                        prev[0] if prev else None))
                    self.progress.start_tier(prev[0].index + 1 if prev else 0, left,
                                             effective_steps(st.plan.spec, st.plan.steps, self.opts.motion),
                                             st.plan.estimate.s_per_clip)
                    if tier in self.forced and not st.announced:
                        where = "on the CPU" if st.plan.device == "cpu" else f"on {st.plan.machine.name}"
                        self.notes.append(f"{tier.label} runs below its hardware requirements here ({where}): "
                                          f"very slow, about {rough_duration(st.plan.estimate.s_per_clip)} per clip")
                    for n in st.plan.notes:
                        self.notes.append(n)
                    st.announced = True
                spec = next_clip(prev[0] if prev else None, tier, st.plan.frames, st.plan.fps, self.opts.chain_from)
                size = (st.plan.width, st.plan.height)
                if spec.start_from == "source" or prev is None:
                    image = self._source(size)
                else:
                    image = resize_rgb(prev[1][prev[0].handoff_index], size)
                    if image.shape[:2] != (size[1], size[0]):
                        image = cover_crop(image, size)
                frames = self._generate(st, spec, np.ascontiguousarray(image), seed + spec.index)
            except TierFailed as failure:
                backends.CACHE.release()
                if not self.fallback:
                    raise
                self.failures.append(failure.failure())
                self.notes.append(f"{failure.tier.label} could not be used ({failure.reason}); "
                                  + (f"trying {self.chain[ti + 1].label}" if ti + 1 < len(self.chain)
                                     else "finishing with Ken Burns"))
                current = None
                ti += 1
                continue
            if checkpointing:
                try:
                    ckpt.save(spec, frames, st.files.fingerprint)
                except OSError as exc:  # a full disk must not stop the render, only its resume
                    checkpointing = False
                    self.notes.append(f"could not save clip checkpoints ({exc.strerror or exc}): "
                                      "this render cannot resume if it is interrupted")
            generated += 1
            used_plan = st.plan
            self.progress.clip_done()
            self._write_frames(timeline.push(spec, frames))
            self.progress.emit(f"{tier.label}: clip {spec.index + 1}/{self.progress.clips_total} done", force=True,
                               preview=self._preview(frames[-1]), phase="clip", tier=tier.value,
                               clip=spec.index + 1)
            prev = (spec, frames)
            if spec.covers_end(self.last_time_s):
                done = True

        if not done:
            self._write_frames(timeline.flush())
        tier_used = prev[0].tier if prev is not None else None
        if used_plan is None and tier_used is not None and tier_used in self._states:
            used_plan = self._states[tier_used].plan
        details = {
            "tier": tier_used.value if tier_used else None,
            "tiers_tried": tried,
            "plan": used_plan.to_dict() if used_plan else None,
            "clips": prev[0].index + 1 if prev else 0,
            "clips_resumed": resumed,
            "clips_generated": generated,
            "ai_frames": self.frames_written,
            "checkpoint": str(ckpt.dir),
        }
        if used_plan is not None:
            self.notes.append(f"plan: {used_plan.describe()}")
        return AiOutcome(self.frames_written, tier_used, used_plan, self.notes, details, ckpt, self.failures)


def run_ai(job: RenderJob, *, chain: tuple[Tier, ...], forced: tuple[Tier, ...], opts: AiOptions, machine: Machine,
           out_size: tuple[int, int], out_fps: float, total_frames: int, write: WriteFrame,
           on_progress: ProgressCallback, cancel: CancelToken, t0: float, models_dir: Path,
           cache_dir: Path, fallback: bool = False) -> AiOutcome:
    """Render ``job`` with the AI tiers of ``chain`` (see :class:`AiRenderer`); ``fallback``: a failed
    tier hands over to the next instead of stopping the render."""
    return AiRenderer(job, chain=chain, forced=forced, opts=opts, machine=machine, out_size=out_size,
                      out_fps=out_fps, total_frames=total_frames, write=write, on_progress=on_progress,
                      cancel=cancel, t0=t0, store=ModelStore(models_dir), cache_root=cache_dir / CHECKPOINT_DIR,
                      fallback=fallback).run()
