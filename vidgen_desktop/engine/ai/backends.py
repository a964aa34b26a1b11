"""The torch side: load a model from the model store, run one clip, decode it, cancel it.

Everything heavy is imported inside functions (``importlib``, typed ``Any``), so
importing this module costs nothing and mypy does not walk torch. One pipeline stays
loaded between renders (:data:`CACHE`); it is released when another tier or another
offload mode is needed, or when :func:`release_pipelines` is called.

A clip runs in two phases, so each can fail and be retried on its own:

* ``denoise`` -- the pipeline up to latents (``output_type="latent"``). Cancel is
  checked before every UNet block (forward pre-hooks) and after every step
  (``callback_on_step_end``; the SVD pipeline never looks at ``interrupt``), so it
  lands within one denoising step.
* ``decode`` -- the VAE, ``decode_chunk`` frames at a time, our own loop: a decode that
  runs out of memory is retried with a smaller chunk from the same latents.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import math
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai.clips import RGB, Frames
from vidgen_desktop.engine.ai.errors import ModelLoadError
from vidgen_desktop.engine.ai.options import DEFAULT_NEGATIVE_PROMPT, AiOptions, MotionStrength
from vidgen_desktop.engine.ai.plan import AiPlan, Offload, denoise_strength, effective_steps

log = logging.getLogger(__name__)

#: SVD micro-conditioning per motion strength: (motion_bucket_id, noise_aug_strength).
#: 127 / 0.02 are the pipeline's defaults; more bucket and more noise, more motion.
SVD_MOTION = {MotionStrength.LOW: (60, 0.02), MotionStrength.MEDIUM: (127, 0.02), MotionStrength.HIGH: (200, 0.06)}
#: SparseCtrl: how strongly the picture holds the first frame (lower lets it move more).
SPARSECTRL_SCALE = {MotionStrength.LOW: 1.0, MotionStrength.MEDIUM: 0.85, MotionStrength.HIGH: 0.7}
ANIMATEDIFF_GUIDANCE = 7.5


def _mod(name: str) -> Any:
    return importlib.import_module(name)


def _quiet() -> None:
    """No progress bars or advisory warnings from the libraries on the user's terminal."""
    with contextlib.suppress(Exception):
        _mod("transformers.utils.logging").set_verbosity_error()
        _mod("transformers.utils.logging").disable_progress_bar()
    with contextlib.suppress(Exception):
        _mod("diffusers.utils.logging").set_verbosity_error()
        _mod("diffusers.utils.logging").disable_progress_bar()


# ----------------------------------------------------------------------------- errors

_OOM_TEXT = ("out of memory", "mps backend out of memory", "can't allocate memory", "not enough memory",
             "defaultcpuallocator: can't allocate")


def is_out_of_memory(exc: BaseException) -> bool:
    if isinstance(exc, MemoryError):
        return True
    torch = sys.modules.get("torch")
    if torch is not None:
        kinds = tuple(k for k in (getattr(torch, "OutOfMemoryError", None),
                                  getattr(getattr(torch, "cuda", None), "OutOfMemoryError", None))
                      if isinstance(k, type))
        if kinds and isinstance(exc, kinds):
            return True
    return isinstance(exc, RuntimeError) and any(t in str(exc).lower() for t in _OOM_TEXT)


def free_memory() -> None:
    gc.collect()
    torch = sys.modules.get("torch")
    if torch is None:
        return
    with contextlib.suppress(Exception):
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    with contextlib.suppress(Exception):
        mps = getattr(torch, "mps", None)
        if mps is not None and torch.backends.mps.is_available():
            mps.empty_cache()


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


# ----------------------------------------------------------------------------- models

@dataclass(frozen=True)
class ModelFiles:
    """Where a tier's model lives in the store, and a fingerprint of the installed files.

    ``root`` is the SVD pipeline folder, or AnimateDiff's SD 1.5 base folder (its motion
    adapter in ``adapter``, SparseCtrl's ControlNet in ``sparsectrl`` when installed).
    """

    tier: Tier
    model_id: str
    root: Path
    fingerprint: str
    adapter: Path | None = None
    sparsectrl: Path | None = None


def _variant(folder: Path) -> str | None:
    return "fp16" if any(".fp16." in p.name for p in folder.rglob("*.safetensors")) else None


def _dtype_kwarg() -> str:
    """diffusers 0.36 renamed ``torch_dtype`` to ``dtype`` (the old name is deprecated there).

    Read from the public version number, not from a private helper's presence."""
    try:
        version = str(_mod("diffusers").__version__)
        from packaging.version import InvalidVersion, Version
    except ImportError:
        return "torch_dtype"
    try:
        return "dtype" if Version(version) >= Version("0.36.0.dev0") else "torch_dtype"
    except InvalidVersion:
        return "torch_dtype"


def load_pipeline(files: ModelFiles, device: str, dtype: str, offload: Offload) -> Any:
    """Load and place a pipeline; any failure becomes :class:`ModelLoadError`."""
    _quiet()
    try:
        torch = _mod("torch")
        diffusers = _mod("diffusers")
        kw: dict[str, Any] = {_dtype_kwarg(): getattr(torch, dtype)}
        if files.tier in (Tier.SVD, Tier.SVD_XT):
            pipe = diffusers.StableVideoDiffusionPipeline.from_pretrained(
                str(files.root), variant=_variant(files.root), **kw)
        else:
            base = files.root
            adapter_dir = files.adapter if files.adapter is not None else base.parent / "motion_adapter"
            adapter = diffusers.MotionAdapter.from_pretrained(str(adapter_dir), variant=_variant(adapter_dir), **kw)
            if files.sparsectrl is not None:
                controlnet = diffusers.SparseControlNetModel.from_pretrained(
                    str(files.sparsectrl), variant=_variant(files.sparsectrl), **kw)
                pipe = diffusers.AnimateDiffSparseControlNetPipeline.from_pretrained(
                    str(base), motion_adapter=adapter, controlnet=controlnet, variant=_variant(base), **kw)
            else:
                pipe = diffusers.AnimateDiffVideoToVideoPipeline.from_pretrained(
                    str(base), motion_adapter=adapter, variant=_variant(base), **kw)
            # AnimateDiff's recommended sampler settings (linear betas, no clipping).
            pipe.scheduler = diffusers.DDIMScheduler.from_config(
                pipe.scheduler.config, beta_schedule="linear", clip_sample=False, timestep_spacing="linspace",
                steps_offset=1)
        pipe.set_progress_bar_config(disable=True)
        if offload == "model":
            pipe.enable_model_cpu_offload(device=device)
        elif offload == "sequential":
            pipe.enable_sequential_cpu_offload(device=device)
        else:
            pipe.to(device)
        return pipe
    except Exception as exc:
        if is_out_of_memory(exc):
            raise
        raise ModelLoadError(files.tier, f"the model could not be loaded from {files.root} "
                                         f"({type(exc).__name__}: {first_line(exc)})") from exc


def _set_feed_forward_chunking(module: Any, on: bool) -> None:
    if on:
        module.enable_forward_chunking(chunk_size=1, dim=1)
        return
    # Not every UNet has disable_forward_chunking (SVD's lacks it): switch each block off.
    for m in module.modules():
        if hasattr(m, "set_chunk_feed_forward"):
            m.set_chunk_feed_forward(None)


def attention_is_sliced(pipe: Any) -> bool:
    """Whether any model of ``pipe`` computes attention in slices now (public ``attn_processors``)."""
    for component in getattr(pipe, "components", {}).values():
        processors = getattr(component, "attn_processors", None)
        if isinstance(processors, dict) and any(type(p).__name__.startswith("Sliced") for p in processors.values()):
            return True
    return False


class Backend:
    """A loaded pipeline for one tier, configured for a plan."""

    def __init__(self, files: ModelFiles, pipe: Any, device: str, dtype: str, offload: Offload) -> None:
        self.files = files
        self.tier = files.tier
        self.pipe = pipe
        self.device = device
        self.dtype = dtype
        self.offload = offload
        self._chunking: bool | None = None
        self._slicing: bool | None = None

    @property
    def is_svd(self) -> bool:
        return self.tier in (Tier.SVD, Tier.SVD_XT)

    def configure(self, plan: AiPlan) -> frozenset[str]:
        """Apply the plan's savings; returns the ones this model does not support (left off).

        A saving counts as on only when it really is: forward chunking needs the UNet's
        ``enable_forward_chunking``, and attention slicing is on only when some attention
        processor became a sliced one (SVD's and AnimateDiff's UNets have no slicing, and
        diffusers then silently does nothing)."""
        missing: set[str] = set()
        if plan.forward_chunking != self._chunking:
            if hasattr(self.pipe.unet, "enable_forward_chunking"):
                _set_feed_forward_chunking(self.pipe.unet, plan.forward_chunking)
                self._chunking = plan.forward_chunking
            elif plan.forward_chunking:
                missing.add("forward_chunking")
        if plan.attention_slicing != self._slicing:
            if plan.attention_slicing:
                with contextlib.suppress(Exception):
                    self.pipe.enable_attention_slicing()
                self._slicing = attention_is_sliced(self.pipe)
                if not self._slicing:
                    missing.add("attention_slicing")
            else:
                with contextlib.suppress(Exception):
                    self.pipe.disable_attention_slicing()
                self._slicing = False
        return frozenset(missing)

    @contextmanager
    def _cancel_hooks(self, cancel: CancelToken) -> Iterator[None]:
        """Cancel checks before the UNet and each of its blocks: a cancel lands within a step."""
        handles: list[Any] = []

        def block_hook(_m: Any, _a: Any) -> None:
            cancel.raise_if_cancelled()

        unet = self.pipe.unet
        blocks: list[Any] = [unet, *getattr(unet, "down_blocks", []), *getattr(unet, "up_blocks", [])]
        if getattr(unet, "mid_block", None) is not None:
            blocks.append(unet.mid_block)
        controlnet = getattr(self.pipe, "controlnet", None)
        if controlnet is not None:
            blocks.append(controlnet)
        handles += [b.register_forward_pre_hook(block_hook) for b in blocks]
        try:
            yield
        finally:
            for h in handles:
                h.remove()

    def denoise(self, image: RGB, plan: AiPlan, opts: AiOptions, seed: int, cancel: CancelToken,
                on_step: Callable[[int, int], None]) -> Any:
        """Latents for one clip, on the CPU (so a reload between phases cannot strand them)."""
        torch = _mod("torch")
        pil = _mod("PIL.Image").fromarray(image)
        generator = torch.Generator(device="cpu").manual_seed(int(seed) & 0x7FFF_FFFF_FFFF_FFFF)
        steps = plan.steps
        run_steps = effective_steps(plan.spec, steps, opts.motion)
        if not self.is_svd and self.files.sparsectrl is None and int(steps * denoise_strength(opts.motion)) < 1:
            steps = math.ceil(1.0 / denoise_strength(opts.motion))  # video-to-video needs one step to run

        def on_step_end(_pipe: Any, i: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            on_step(i + 1, run_steps)
            cancel.raise_if_cancelled()
            return kwargs

        common: dict[str, Any] = {"height": plan.height, "width": plan.width, "num_inference_steps": steps,
                                  "generator": generator, "output_type": "latent",
                                  "callback_on_step_end": on_step_end}
        with self._cancel_hooks(cancel), torch.inference_mode():
            if self.is_svd:
                bucket, noise = SVD_MOTION[opts.motion]
                out = self.pipe(image=pil, num_frames=plan.frames, fps=plan.fps, motion_bucket_id=bucket,
                                noise_aug_strength=noise, decode_chunk_size=plan.decode_chunk, **common)
            elif self.files.sparsectrl is not None:
                out = self.pipe(prompt=opts.effective_prompt, negative_prompt=DEFAULT_NEGATIVE_PROMPT,
                                num_frames=plan.frames, guidance_scale=ANIMATEDIFF_GUIDANCE,
                                conditioning_frames=[pil], controlnet_frame_indices=[0],
                                controlnet_conditioning_scale=SPARSECTRL_SCALE[opts.motion], **common)
            else:
                out = self.pipe(video=[pil] * plan.frames, prompt=opts.effective_prompt,
                                negative_prompt=DEFAULT_NEGATIVE_PROMPT, strength=denoise_strength(opts.motion),
                                guidance_scale=ANIMATEDIFF_GUIDANCE, decode_chunk_size=plan.decode_chunk, **common)
        return out.frames.detach().to("cpu")

    def decode(self, latents: Any, chunk: int, cancel: CancelToken,
               on_chunk: Callable[[int, int], None]) -> Frames:
        """Frames (n, h, w, 3) uint8 from latents, ``chunk`` frames per VAE call."""
        torch = _mod("torch")
        vae = self.pipe.vae
        # The device the models run on (with CPU offload the VAE's hook moves it there).
        device = torch.device(self.device)
        if self.is_svd:  # (batch, frames, c, h, w)
            z = latents.flatten(0, 1)
        else:  # (batch, c, frames, h, w)
            b, c, f, h, w = latents.shape
            z = latents.permute(0, 2, 1, 3, 4).reshape(b * f, c, h, w)
        z = z / vae.config.scaling_factor
        n = int(z.shape[0])
        chunks = list(range(0, n, max(1, chunk)))
        parts: list[Frames] = []
        with torch.inference_mode():
            for ci, i in enumerate(chunks):
                cancel.raise_if_cancelled()
                part = z[i:i + chunk].to(device=device, dtype=vae.dtype)
                kwargs = {"num_frames": int(part.shape[0])} if self.is_svd else {}
                img = vae.decode(part, **kwargs).sample
                arr = ((img.float().clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8)
                parts.append(np.ascontiguousarray(arr.permute(0, 2, 3, 1).cpu().numpy()))
                del part, img, arr
                on_chunk(ci + 1, len(chunks))
        return np.concatenate(parts, axis=0)


# ----------------------------------------------------------------------------- cache

@dataclass(frozen=True)
class _Key:
    tier: Tier
    root: str
    fingerprint: str
    sparsectrl: str
    device: str
    dtype: str
    offload: str


class PipelineCache:
    """One loaded pipeline, kept between renders; another key releases it first."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._key: _Key | None = None
        self._backend: Backend | None = None
        #: How many pipelines were loaded (tests check that a second render reuses the first).
        self.loads = 0

    def get(self, files: ModelFiles, plan: AiPlan,
            make: Callable[[ModelFiles, AiPlan], Backend] | None = None) -> Backend:
        """The loaded backend for ``files`` and ``plan``; ``make`` loads one for a model family with
        its own backend (the DiT tiers, :func:`.dit.load_backend`), else :class:`Backend`."""
        key = _Key(files.tier, str(files.root), files.fingerprint, f"{files.adapter}|{files.sparsectrl}", plan.device,
                   plan.dtype, plan.offload)
        with self._lock:
            if self._key == key and self._backend is not None:
                return self._backend
            self.release()
            if make is not None:
                backend = make(files, plan)
            else:
                backend = Backend(files, load_pipeline(files, plan.device, plan.dtype, plan.offload), plan.device,
                                  plan.dtype, plan.offload)
            self.loads += 1
            self._key, self._backend = key, backend
            return backend

    @property
    def loaded_tier(self) -> Tier | None:
        return self._key.tier if self._key is not None else None

    def release(self) -> None:
        with self._lock:
            if self._backend is None:
                return
            pipe = self._backend.pipe
            self._key, self._backend = None, None
            with contextlib.suppress(Exception):
                pipe.remove_all_hooks()
            del pipe
            free_memory()


#: The process-wide cache.
CACHE = PipelineCache()


def release_pipelines() -> None:
    """Free the loaded pipeline (its GPU memory) now; the next AI render loads it again."""
    CACHE.release()
