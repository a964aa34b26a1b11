"""Run an AI render: clip after clip, checkpointed, blended, retimed and streamed to the encoder.

Failure is recovered, not fatal. Out of memory walks :func:`plan.step_down` (a smaller
decode chunk when decoding ran out, then forward chunking, model offload, sequential
offload) and retries the clip; when nothing is left to save, or the model does not
load, or the tier fails otherwise, the next weaker tier of the chain continues from the
same clip; when the chain is exhausted the caller finishes the video with Ken Burns.
Every step is written into the result's notes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.core.formatting import rough_duration
from vidgen_desktop.core.jobs import Fit, Quality, RenderJob, Tier
from vidgen_desktop.core.progress import EtaEstimator, ProgressCallback, ProgressEvent
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
from vidgen_desktop.engine.ai.machine import Machine
from vidgen_desktop.engine.ai.options import AiOptions, ChainFrom
from vidgen_desktop.engine.ai.plan import AiPlan, Phase, effective_steps, plan_for, step_down
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


class AiRenderer:
    """One AI render. ``run()`` writes frames through ``write`` and returns an :class:`AiOutcome`."""

    def __init__(self, job: RenderJob, *, chain: tuple[Tier, ...], forced: tuple[Tier, ...], opts: AiOptions,
                 machine: Machine, out_size: tuple[int, int], out_fps: float, total_frames: int,
                 write: WriteFrame, on_progress: ProgressCallback, cancel: CancelToken, t0: float,
                 store: ModelStore, cache_root: Path) -> None:
        self.job = job
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
        self.frames_written = 0
        self._states: dict[Tier, _TierState] = {}
        self._sources: dict[tuple[int, int], RGB] = {}
        self._last_emit = 0.0
        self._clips_total = 1
        self._clip_done = 0
        self._eta: EtaEstimator | None = None
        self._units_done = 0
        self._units_total = 1
        self._eta_base = 0
        self._units_per_clip = 1
        self._first_estimate: float | None = None

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

    # ------------------------------------------------------------------ progress

    def _emit(self, message: str, *, force: bool = False, preview: RGB | None = None, within: float = 0.0,
              **extra: Any) -> None:
        """A render progress event; ``within`` is how far the current clip is (0..1)."""
        now = time.monotonic()
        if not force and now - self._last_emit < 0.1:
            return
        self._last_emit = now
        frac = min(1.0, (self._clip_done + min(max(within, 0.0), 1.0)) / max(1, self._clips_total))
        if self._eta is None and self._units_done > 0:
            # Start learning at the first finished step: loading the model is not a step.
            self._eta = EtaEstimator(max(1, self._units_total - self._units_done))
            self._eta_base = self._units_done
        eta = self._eta.update(self._units_done - self._eta_base) if self._eta is not None else None
        if eta is None and self._first_estimate is not None:
            done = self._units_done / max(1, self._units_total)
            eta = self._first_estimate * (1.0 - done)
        self.on_progress(ProgressEvent("render", int(frac * self.total), self.total, now - self.t0, eta, message,
                                       extra={"clip": min(self._clip_done + 1, self._clips_total),
                                              "clips": self._clips_total, **extra},
                                       preview=preview))

    def _restart_eta(self, st: _TierState, clips_left: int) -> None:
        self._units_per_clip = effective_steps(st.plan.spec, st.plan.steps, self.opts.motion) + 1
        self._units_total = max(1, clips_left * self._units_per_clip)
        self._eta = None
        self._eta_base = 0
        self._units_done = 0
        self._first_estimate = st.plan.estimate.s_per_clip * clips_left

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

    def _generate(self, st: _TierState, clip: ClipSpec, image: RGB, seed: int) -> Frames:
        plan = st.plan
        latents: Any = None
        phase: Phase = "load"
        k = clip.index + 1
        while True:
            try:
                phase = "load"
                if backends.CACHE.loaded_tier is not st.tier or not st.announced:
                    self._emit(f"loading {st.tier.label}", force=True, phase="load", tier=st.tier.value)
                backend = backends.CACHE.get(st.files, plan, dit.load_backend if plan.spec.is_dit else None)
                backend.configure(plan)
                if latents is None:
                    phase = "denoise"

                    def on_step(i: int, n: int) -> None:
                        self._units_done += 1
                        self._emit(f"{st.tier.label}: clip {k}/{self._clips_total}, step {i}/{n}",
                                   force=True, within=i / (n + 1), phase="denoise", step=i, steps=n,
                                   tier=st.tier.value)

                    latents = backend.denoise(image, plan, self.opts, seed, self.cancel, on_step)
                phase = "decode"

                def on_chunk(i: int, n: int) -> None:
                    steps = self._units_per_clip - 1
                    self._emit(f"{st.tier.label}: clip {k}/{self._clips_total}, decoding {i}/{n}", force=True,
                               within=(steps + i / n) / (steps + 1), phase="decode", tier=st.tier.value)

                frames = backend.decode(latents, plan.decode_chunk, self.cancel, on_chunk)
                self._units_done += 1
                st.plan = plan
                return frames
            except (CancelledError, TierFailed):
                raise
            except Exception as exc:
                if not backends.is_out_of_memory(exc):
                    raise TierFailed(st.tier, f"failed while generating clip {k} "
                                              f"({type(exc).__name__}: {backends.first_line(exc)})") from exc
                backends.free_memory()
                nxt = step_down(plan, "decode" if phase == "decode" else "denoise")
                if nxt is None:
                    raise TierFailed(st.tier, f"ran out of {plan.machine.memory_word} on clip {k} even with "
                                              f"every saving on ({plan.settings_text()})") from exc
                new_plan, change = nxt
                doing = {"load": "loading", "denoise": "generating", "decode": "decoding"}[phase]
                self.notes.append(f"{st.tier.label} ran out of {plan.machine.memory_word} while {doing} clip {k}: "
                                  f"retrying with {change}")
                if new_plan.offload != plan.offload:
                    backends.CACHE.release()
                if phase != "decode":
                    latents = None
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
                    self._clips_total = (prev[0].index + 1 if prev else 0) + left
                    self._clip_done = prev[0].index + 1 if prev else 0
                    self._restart_eta(st, left)
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
                self.notes.append(f"{failure.tier.label} could not be used ({failure.reason}); "
                                  + (f"trying {self.chain[ti + 1].label}" if ti + 1 < len(self.chain)
                                     else "finishing with Ken Burns"))
                backends.CACHE.release()
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
            self._clip_done = spec.index + 1
            self._write_frames(timeline.push(spec, frames))
            self._emit(f"{tier.label}: clip {spec.index + 1}/{self._clips_total} done", force=True,
                       preview=self._preview(frames[-1]), phase="clip", tier=tier.value)
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
        return AiOutcome(self.frames_written, tier_used, used_plan, self.notes, details, ckpt)


def run_ai(job: RenderJob, *, chain: tuple[Tier, ...], forced: tuple[Tier, ...], opts: AiOptions, machine: Machine,
           out_size: tuple[int, int], out_fps: float, total_frames: int, write: WriteFrame,
           on_progress: ProgressCallback, cancel: CancelToken, t0: float, models_dir: Path,
           cache_dir: Path) -> AiOutcome:
    """Render ``job`` with the AI tiers of ``chain`` (see :class:`AiRenderer`)."""
    return AiRenderer(job, chain=chain, forced=forced, opts=opts, machine=machine, out_size=out_size,
                      out_fps=out_fps, total_frames=total_frames, write=write, on_progress=on_progress,
                      cancel=cancel, t0=t0, store=ModelStore(models_dir), cache_root=cache_dir / CHECKPOINT_DIR).run()
