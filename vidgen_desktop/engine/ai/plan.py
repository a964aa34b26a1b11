"""The memory-aware plan: a pure function from the detected hardware and the job to the
settings an AI tier runs with, and an estimate of its memory and time in plain words.

It is the one source of truth for what a model needs: the tier decision
(:mod:`vidgen_desktop.engine.decide`) asks it whether a tier fits (:attr:`AiPlan.runs_well`),
and the model manager shows :func:`least_memory_gib` as the model's VRAM need.

The plan picks the generation size (the model's native pixel area at the output's
aspect), frames per clip, the VAE ``decode_chunk_size``, UNet feed-forward chunking,
attention slicing, and model or sequential CPU offload: the fastest combination whose
estimated peak memory fits the device, lower resolutions only when nothing fits at the
native one. :func:`step_down` gives the next, more frugal plan after an out-of-memory
error (the runner walks it before giving up on a tier).

The video-transformer tiers (Wan2.2 TI2V-5B, LTX-Video) have other levers (text encoder once,
VAE tiling, group offload, fp8 storage): :mod:`.plan_dit` estimates them and gives their
step-down ladder; their constants are UNMEASURED estimates (no GPU was lent when they were
added) until ``benchmarks/gpu_tiers.py`` has measured them and its results replace them.

Where the numbers come from (fp16, SVD-XT, 1024x576, 25 frames; all estimates are
re-measured by ``benchmarks/svd_gpu.py`` on a real GPU, whose results should replace
these constants):

* diffusers' SVD guide (docs/source/en/using-diffusers/svd.md): model CPU offload +
  ``unet.enable_forward_chunking()`` + ``decode_chunk_size=2`` "should lower the memory
  requirement to less than 8GB VRAM"; ``decode_chunk_size=1`` uses the least memory but
  "the video might have some flickering" (hence the penalty on chunks of 1 and 2).
* Everything resident, all 25 frames decoded at once (the pipeline's default): about
  22 GB (localmodel.run's SVD-XT page, a third-party figure). With 4.2 GiB of fp16
  weights (1.52 B UNet + 98 M VAE + 632 M CLIP) that leaves ~0.7 GiB per decoded frame.
* UNet activations for 25 frames without chunking ~7 GB, peak ~12 GB at decode chunk
  4-8 (gigagpu.com's SVD-XT VRAM budget, third-party).
* Sequential offload with forward chunking: "roughly 3x savings of VRAM with 5.7x longer
  inference time" (livepeer/ai-worker PR #34).
* AnimateDiff (SD 1.5, 512x512, 16 frames) "takes only ~12GB VRAM to inference" with
  memory-efficient attention and frame-by-frame decoding (guoyww/AnimateDiff docs).
* Apple GPUs: diffusers' MPS guide recommends attention slicing below 64 GB of RAM.
* Speed: FLOPs per step from the UNet's parameter count x latent tokens (calibrated to
  ~2.4 TFLOP per frame for SVD at 1024x576, ~0.8 TFLOP for SD 1.5 at 512x512), times 2
  for classifier-free guidance, over the GPU's dense fp16 tensor throughput at ~35 %
  utilisation. That puts an RTX 4090 at ~2 s per SVD-XT step (reported: 40-60 s for 25
  steps) and a 16-core CPU in fp32 at about 3 min per step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vidgen_desktop.core.formatting import rough_duration
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai import plan_dit
from vidgen_desktop.engine.ai.machine import Device, Machine, machine_for
from vidgen_desktop.engine.ai.options import AiOptions, MotionStrength
from vidgen_desktop.engine.ai.spec import ModelSpec, default_spec

#: ``group-block`` / ``group-leaf``: diffusers group offload (DiT tiers only, :mod:`.plan_dit`).
Offload = Literal["none", "model", "group-block", "group-leaf", "sequential"]
Phase = Literal["load", "denoise", "decode"]

GIB = float(1 << 30)

# ----------------------------------------------------------------------------- constants

#: CUDA context, cuDNN workspaces and allocator fragmentation, on top of the estimate.
OVERHEAD_GIB = 0.6
#: Apple GPUs: attention slicing below this much unified memory (diffusers' MPS guide).
MPS_SLICING_BELOW_GIB = 64.0


@dataclass(frozen=True)
class MemoryModel:
    """GiB per frame per megapixel at fp16 (classifier-free guidance batch included)."""

    act_plain: float
    act_chunked: float
    decode: float
    #: TFLOP to decode one frame per megapixel.
    decode_tflop: float


#: SVD: 7 GiB of activations for 25 frames at 0.59 Mpix unchunked, ~4 GiB with forward
#: chunking (which, with model offload, lands the diffusers "< 8 GB" figure at ~7.4 GiB);
#: decoding ~0.75 GiB per frame. AnimateDiff: the ~12 GB figure was measured with the
#: original code; diffusers' SDPA path is assumed to need ~6 GiB of activations for 16
#: frames at 512x512 (~9 GiB with everything resident), SD's 2D VAE ~0.4 GiB per frame.
MEMORY: dict[str, MemoryModel] = {
    "svd": MemoryModel(act_plain=0.475, act_chunked=0.27, decode=1.27, decode_tflop=6.0),
    "animatediff": MemoryModel(act_plain=1.4, act_chunked=0.85, decode=1.5, decode_tflop=4.7),
}
#: SparseCtrl's ControlNet runs beside the UNet at every step: ~40 % more activations.
SPARSECTRL_ACT_SHARE = 0.4
#: Attention slicing trims the attention peak a little (SDPA already keeps it small).
SLICING_ACT_FACTOR = 0.85
#: Sequential offload keeps about one block's weights on the GPU.
SEQUENTIAL_RESIDENT_GIB = 0.35

#: FLOPs of one frame through the denoiser per (parameter x latent token).
FLOP_K = 0.175
#: Slow-downs (assumed until measured by benchmarks/svd_gpu.py).
FORWARD_CHUNKING_SLOWDOWN = 1.10
SLICING_SLOWDOWN = 1.15
SEQUENTIAL_SLOWDOWN = 5.7  # livepeer/ai-worker PR #34
PCIE_GIBPS = 10.0
#: Quality penalty of small decode chunks (flicker, diffusers' SVD guide).
DECODE_PENALTY = {1: 1.30, 2: 1.10, 4: 1.03}
DECODE_CHOICES = (32, 25, 16, 14, 8, 4, 2, 1)
CPU_MAX_DECODE = 8
#: Linear resolution scales tried in order; below 1.0 only when nothing fits natively.
SCALES = (1.0, 0.75, 0.5)
#: Wan2.2 TI2V-5B: 50 steps (its README and diffusers' example); LTX-Video 0.9.x: 40 (its model card).
DEFAULT_STEPS: dict[Tier, int] = {Tier.SVD: 25, Tier.SVD_XT: 25, Tier.ANIMATEDIFF: 25, Tier.LTX: 40, Tier.WAN: 50}

# ----------------------------------------------------------------------------- plan

@dataclass(frozen=True)
class Estimate:
    peak_gib: float
    s_per_step: float
    s_per_clip: float


@dataclass(frozen=True)
class AiPlan:
    """How one AI tier renders on one machine, and what that costs."""

    tier: Tier
    spec: ModelSpec
    machine: Machine
    width: int
    height: int
    frames: int
    fps: int
    steps: int
    motion: MotionStrength
    decode_chunk: int
    forward_chunking: bool
    attention_slicing: bool
    offload: Offload
    scale: float
    estimate: Estimate
    fits: bool
    notes: tuple[str, ...] = field(default=())
    #: DiT tiers (Wan, LTX; see :mod:`.plan_dit`): VAE tiling, fp8 weight storage, where the
    #: text encoder runs, and whether group offload prefetches on a CUDA stream.
    vae_tiling: bool = False
    fp8: bool = False
    text_encoder: str = ""
    streams: bool = False

    @property
    def dit_config(self) -> plan_dit.DitConfig:
        return plan_dit.DitConfig(self.offload, self.fp8, self.vae_tiling)

    @property
    def device(self) -> Device:
        return self.machine.device

    @property
    def dtype(self) -> str:
        return self.machine.dtype

    @property
    def clip_seconds(self) -> float:
        return (self.frames - 1) / self.fps

    @property
    def runs_well(self) -> bool:
        """Fits a GPU at the model's native size without sequential offload (~6x slower).

        This is the hardware test of the tier decision: a plan that does not run well
        still runs, but only when the user allows slow AI rendering.
        """
        return self.fits and self.device != "cpu" and self.scale == 1.0 and self.offload != "sequential"

    @property
    def s_per_video_minute(self) -> float:
        """Rough: clips of ``clip_seconds`` less a small seam overlap cover a minute."""
        advance = max(0.25, self.clip_seconds - 2.0 / self.fps)
        return self.estimate.s_per_clip * 60.0 / advance

    def settings_text(self) -> str:
        if self.spec.is_dit:
            return ", ".join(plan_dit.settings_words(self.device, self.dit_config, self.text_encoder, self.streams))
        parts = [f"decoding {self.decode_chunk} frame{'s' if self.decode_chunk != 1 else ''} at a time"]
        if self.device == "cuda":
            parts.append({"none": "no offload", "model": "model offload on",
                          "sequential": "sequential offload on (slow)"}[self.offload])
        parts.append(f"forward chunking {'on' if self.forward_chunking else 'off'}")
        if self.attention_slicing:
            parts.append("attention slicing on")
        return ", ".join(parts)

    def describe(self) -> str:
        """One plain sentence: what runs where, with what savings, and what it costs."""
        cuda_prec = "bf16" if self.spec.is_dit else "fp16"  # the DiT models were trained in bf16
        where = {"cuda": f"{self.machine.name} (CUDA, {cuda_prec})", "mps": f"{self.machine.name} (Apple GPU, fp16)",
                 "cpu": "the CPU (fp32, no GPU used)"}[self.device]
        clip = f"{self.clip_seconds:.0f} s" if self.clip_seconds >= 1.95 else f"{self.clip_seconds:.1f} s"
        text = (f"{self.spec.tier.label}: {self.width}x{self.height}, {self.frames} frames per clip, "
                f"{self.steps} steps on {where}; {self.settings_text()}; "
                f"about {_gb(self.estimate.peak_gib)} of {self.machine.memory_word}, "
                f"about {rough_duration(self.estimate.s_per_clip)} per {clip} clip "
                f"({rough_duration(self.s_per_video_minute)} per minute of video)")
        if self.device == "cpu":
            text += ": very slow"
        if not self.fits:
            text += f"; it may not fit in {_gb(self.machine.budget_gib)}"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value, "device": self.device, "dtype": self.dtype, "gpu": self.machine.name,
            "width": self.width, "height": self.height, "frames_per_clip": self.frames, "fps": self.fps,
            "steps": self.steps, "motion": self.motion.value, "decode_chunk_size": self.decode_chunk,
            "forward_chunking": self.forward_chunking, "attention_slicing": self.attention_slicing,
            "offload": self.offload, "scale": self.scale, "fits": self.fits,
            "estimated_peak_gb": round(self.estimate.peak_gib, 2),
            "estimated_s_per_step": round(self.estimate.s_per_step, 3),
            "estimated_s_per_clip": round(self.estimate.s_per_clip, 1),
            "clip_seconds": round(self.clip_seconds, 3), "text": self.describe(), "notes": list(self.notes),
            "vae_tiling": self.vae_tiling, "fp8_storage": self.fp8, "text_encoder": self.text_encoder or None,
            "group_offload_streams": self.streams,
        }


def _gb(gib: float) -> str:
    return f"{gib:.1f} GB" if gib < 10 else f"{gib:.0f} GB"


def generation_size(spec: ModelSpec, aspect: tuple[int, int], scale: float = 1.0) -> tuple[int, int]:
    """The model's native pixel area at ``aspect`` (w, h), times ``scale`` per side, on its grid."""
    aw, ah = aspect
    a = aw / ah if ah else 1.0
    area = spec.native_area * scale * scale
    m = spec.size_multiple

    def snap(v: float) -> int:
        return max(m, round(v / m) * m)

    return snap(math.sqrt(area * a)), snap(math.sqrt(area / a))


def denoise_strength(motion: MotionStrength) -> float:
    """AnimateDiff video-to-video: how far each frame may move from the picture."""
    return {MotionStrength.LOW: 0.45, MotionStrength.MEDIUM: 0.6, MotionStrength.HIGH: 0.75}[motion]


def effective_steps(spec: ModelSpec, steps: int, motion: MotionStrength) -> int:
    """Denoising steps actually run (video-to-video skips the first part of the schedule)."""
    if spec.kind == "animatediff" and not spec.sparsectrl:
        return max(1, int(steps * denoise_strength(motion)))
    return steps


def estimate(spec: ModelSpec, machine: Machine, width: int, height: int, frames: int, steps: int,
             decode_chunk: int, forward_chunking: bool, attention_slicing: bool, offload: Offload,
             motion: MotionStrength = MotionStrength.MEDIUM, *, vae_tiling: bool = False,
             fp8: bool = False) -> Estimate:
    if spec.is_dit:
        d = plan_dit.estimate(spec, machine, width, height, frames, steps, plan_dit.DitConfig(offload, fp8, vae_tiling))
        return Estimate(d.peak_gib, d.s_per_step, d.s_per_clip)
    mm = MEMORY[spec.kind]
    bpp = 4.0 if machine.dtype == "float32" else 2.0
    prec = bpp / 2.0
    mpix = width * height / 1e6
    w_den = spec.denoiser_params * bpp / GIB
    w_vae = spec.vae_params * bpp / GIB
    w_all = spec.total_params * bpp / GIB
    act = (mm.act_chunked if forward_chunking else mm.act_plain) * frames * mpix * prec
    if spec.sparsectrl:
        act *= 1.0 + SPARSECTRL_ACT_SHARE
    if attention_slicing:
        act *= SLICING_ACT_FACTOR
    dec = mm.decode * min(decode_chunk, frames) * mpix * prec
    if offload == "none":
        peak = max(w_all + act, w_all + dec)
    elif offload == "model":
        peak = max(w_den + act, w_vae + dec)
    else:
        resident = SEQUENTIAL_RESIDENT_GIB * prec
        peak = max(resident + act, resident + dec)
    peak += OVERHEAD_GIB if machine.device != "cpu" else 1.0

    tokens = width * height / 64.0
    tflop_step = FLOP_K * spec.denoiser_params * tokens * frames * 2.0 / 1e12
    s_step = tflop_step / machine.tflops
    if forward_chunking:
        s_step *= FORWARD_CHUNKING_SLOWDOWN
    if attention_slicing:
        s_step *= SLICING_SLOWDOWN
    s_decode = mm.decode_tflop * frames * mpix / machine.tflops
    if offload == "sequential":
        s_step *= SEQUENTIAL_SLOWDOWN
        s_decode *= SEQUENTIAL_SLOWDOWN
    s_clip = effective_steps(spec, steps, motion) * s_step + s_decode
    if spec.kind == "animatediff" and not spec.sparsectrl:
        s_clip += s_decode / 2  # encoding the input frames
    if offload == "model":
        s_clip += 2 * w_all / PCIE_GIBPS
    return Estimate(peak, s_step, s_clip)


@dataclass(frozen=True)
class _Config:
    scale: float
    offload: Offload
    forward_chunking: bool
    attention_slicing: bool
    decode_chunk: int
    vae_tiling: bool = False
    fp8: bool = False

    @property
    def penalty(self) -> float:
        return DECODE_PENALTY.get(self.decode_chunk, 1.0) * plan_dit.penalty(
            plan_dit.DitConfig(self.offload, self.fp8, self.vae_tiling))


def _configs(machine: Machine, frames: int, spec: ModelSpec | None = None) -> Iterable[_Config]:
    if spec is not None and spec.is_dit:
        for scale in SCALES:
            for c in plan_dit.configs(machine):
                yield _Config(scale, c.offload, False, False, frames, c.vae_tiling, c.fp8)
        return
    decodes = sorted({min(d, frames) for d in DECODE_CHOICES}, reverse=True)
    if machine.device == "cpu":
        decodes = [d for d in decodes if d <= CPU_MAX_DECODE]
    offloads: tuple[Offload, ...] = ("none", "model", "sequential") if machine.device == "cuda" else ("none",)
    slicing = machine.device == "mps" and machine.total_gib < MPS_SLICING_BELOW_GIB
    for scale in SCALES:
        for offload in offloads:
            for chunking in (False, True):
                for d in decodes:
                    yield _Config(scale, offload, chunking, slicing, d)


def plan_for(hw: HardwareInfo | Machine, tier: Tier, opts: AiOptions | None = None,
             aspect: tuple[int, int] = (16, 9), spec: ModelSpec | None = None) -> AiPlan:
    """The plan for ``tier`` on this machine: the fastest settings that fit, else the most frugal.

    Pure: ``hw`` is a probed (or made-up) :class:`HardwareInfo`, or a :class:`Machine`;
    ``spec`` defaults to the published figures of the tier's model.
    """
    opts = opts or AiOptions()
    machine = hw if isinstance(hw, Machine) else machine_for(hw)
    spec = spec or default_spec(tier)
    frames = plan_dit.snap_frames(spec, opts.frames_per_clip or spec.frames)
    steps = opts.steps or DEFAULT_STEPS[tier]
    best: tuple[float, int, _Config, Estimate] | None = None
    frugal: tuple[float, _Config, Estimate] | None = None
    chosen_scale: float | None = None
    for cfg in _configs(machine, frames, spec):
        if chosen_scale is not None and cfg.scale != chosen_scale:
            break  # something fitted at a larger scale: never go smaller
        w, h = generation_size(spec, aspect, cfg.scale)
        est = estimate(spec, machine, w, h, frames, steps, cfg.decode_chunk, cfg.forward_chunking,
                       cfg.attention_slicing, cfg.offload, opts.motion, vae_tiling=cfg.vae_tiling, fp8=cfg.fp8)
        if frugal is None or est.peak_gib < frugal[0]:
            frugal = (est.peak_gib, cfg, est)
        if est.peak_gib > machine.budget_gib:
            continue
        chosen_scale = cfg.scale
        cost = est.s_per_clip * cfg.penalty
        key = (cost, -cfg.decode_chunk)
        if best is None or key < (best[0], best[1]):
            best = (cost, -cfg.decode_chunk, cfg, est)
    notes: list[str] = []
    if best is not None:
        cfg, est, fits = best[2], best[3], True
        if cfg.scale < 1.0:
            notes.append(f"{spec.tier.label} does not fit at its native size here; generating at "
                         f"{round(cfg.scale * 100)} % of it")
    else:
        assert frugal is not None
        cfg, est, fits = frugal[1], frugal[2], False
        notes.append(f"{spec.tier.label} needs about {_gb(est.peak_gib)} even with every saving; "
                     f"{machine.name} has about {_gb(machine.budget_gib)} to give")
    w, h = generation_size(spec, aspect, cfg.scale)
    plan = AiPlan(tier, spec, machine, w, h, frames, spec.fps, steps, opts.motion, cfg.decode_chunk,
                  cfg.forward_chunking, cfg.attention_slicing, cfg.offload, cfg.scale, est, fits, tuple(notes),
                  cfg.vae_tiling, cfg.fp8)
    return _placed(plan)


def _placed(plan: AiPlan) -> AiPlan:
    """A DiT plan with where its text encoder runs and whether group offload uses streams (derived)."""
    if not plan.spec.is_dit:
        return plan
    d = plan_dit.estimate(plan.spec, plan.machine, plan.width, plan.height, plan.frames, plan.steps, plan.dit_config)
    notes = plan.notes
    ram_need = plan_dit.ram_need_gib(plan.spec, plan.machine)
    if ram_need is not None and not any("system RAM" in n for n in notes):
        warning = (f"{plan.spec.tier.label} keeps about {ram_need:.1f} GB of weights in system RAM while it "
                   f"runs; this computer has {plan.machine.ram_gib:.1f} GB: expect swapping")
        notes = (*notes, warning)
    return replace(plan, text_encoder=d.text_encoder, streams=d.streams, notes=notes)


def least_memory_gib(machine: Machine, tier: Tier, opts: AiOptions | None = None,
                     aspect: tuple[int, int] = (16, 9), spec: ModelSpec | None = None) -> float:
    """The least memory ``tier`` needs on this kind of device to run well (:attr:`AiPlan.runs_well`):
    at its native size, without sequential offload, every other saving on. ``machine``'s
    budget is ignored; its device (and, on Apple GPUs, its size) sets the savings allowed."""
    opts = opts or AiOptions()
    spec = spec or default_spec(tier)
    frames = plan_dit.snap_frames(spec, opts.frames_per_clip or spec.frames)
    steps = opts.steps or DEFAULT_STEPS[tier]
    w, h = generation_size(spec, aspect)
    return min(estimate(spec, machine, w, h, frames, steps, c.decode_chunk, c.forward_chunking, c.attention_slicing,
                        c.offload, opts.motion, vae_tiling=c.vae_tiling, fp8=c.fp8).peak_gib
               for c in _configs(machine, frames, spec) if c.scale == 1.0 and c.offload != "sequential")


def least_memory_by_offload(machine: Machine, tier: Tier, aspect: tuple[int, int] = (16, 9),
                            spec: ModelSpec | None = None) -> dict[str, float]:
    """Per offload level (``none``, ``model``, group offload, ``sequential``): the least memory ``tier``
    needs at its native size with every other saving on (the model manager's "VRAM per plan")."""
    spec = spec or default_spec(tier)
    frames = plan_dit.snap_frames(spec, spec.frames)
    steps = DEFAULT_STEPS[tier]
    w, h = generation_size(spec, aspect)
    out: dict[str, float] = {}
    for c in _configs(machine, frames, spec):
        if c.scale != 1.0:
            continue
        peak = estimate(spec, machine, w, h, frames, steps, c.decode_chunk, c.forward_chunking, c.attention_slicing,
                        c.offload, vae_tiling=c.vae_tiling, fp8=c.fp8).peak_gib
        out[c.offload] = min(peak, out.get(c.offload, peak))
    return out
