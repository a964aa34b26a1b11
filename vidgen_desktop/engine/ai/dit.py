"""The torch side of the DiT tiers: Wan2.2 TI2V-5B (``WanImageToVideoPipeline``) and LTX-Video
(``LTXImageToVideoPipeline``), placed on the device as their plan says (:mod:`.plan_dit`).

:class:`DitBackend` has the interface of :class:`.backends.Backend` (``configure``, ``denoise``
to latents on the CPU, ``decode`` to uint8 frames), so the runner's clip chaining,
checkpoints, out-of-memory step-down and cancel work unchanged; the runner hands
:func:`load_backend` to the pipeline cache for these tiers.

The text encoder (UMT5-XXL for Wan, T5-XXL for LTX) is loaded apart from the pipeline and
runs once per prompt: its embeddings are kept, and the encoder goes back to the CPU (or
runs group-offloaded when it does not fit on its own). The pipeline is then called with
the embeddings, so it never touches the encoder.
"""

from __future__ import annotations

import contextlib
import importlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai.backends import Backend, ModelFiles, first_line, free_memory, is_out_of_memory
from vidgen_desktop.engine.ai.clips import RGB, Frames
from vidgen_desktop.engine.ai.errors import ModelLoadError
from vidgen_desktop.engine.ai.options import DEFAULT_NEGATIVE_PROMPT, AiOptions, MotionStrength
from vidgen_desktop.engine.ai.plan import AiPlan

#: The default prompt of the DiT tiers: gentle, natural motion of what the picture shows.
#: The user's ``--prompt`` is added after it.
DIT_DEFAULT_PROMPT = ("The subject of the picture moves gently and naturally, with subtle, lifelike motion. "
                      "The camera stays still; the lighting and the scene stay consistent. "
                      "Smooth motion, high quality, detailed.")
#: Motion strength: words added to the prompt, and the guidance scale (how strongly the prompt,
#: with its motion words, steers the clip). Wan2.2 TI2V-5B's default guidance is 5.0, LTX's 3.0.
MOTION_WORDS = {MotionStrength.LOW: "Very slight, calm movement.", MotionStrength.MEDIUM: "",
                MotionStrength.HIGH: "Lively, clearly visible movement."}
GUIDANCE = {Tier.WAN: {MotionStrength.LOW: 4.0, MotionStrength.MEDIUM: 5.0, MotionStrength.HIGH: 6.0},
            Tier.LTX: {MotionStrength.LOW: 2.5, MotionStrength.MEDIUM: 3.0, MotionStrength.HIGH: 3.5}}
#: Prompt tokens each pipeline expects (its ``max_sequence_length`` default).
MAX_TOKENS = {Tier.WAN: 512, Tier.LTX: 128}
#: LTX-Video 0.9.5+: its VAE is timestep-conditioned; the model card decodes at t=0.05 with 2.5 % noise.
LTX_DECODE_TIMESTEP, LTX_DECODE_NOISE = 0.05, 0.025


def _mod(name: str) -> Any:
    return importlib.import_module(name)


def dit_prompt(opts: AiOptions) -> str:
    """The default motion prompt, the motion strength's words, then the user's prompt."""
    parts = [DIT_DEFAULT_PROMPT, MOTION_WORDS[opts.motion], (opts.prompt or "").strip()]
    return " ".join(p for p in parts if p)


def torch_dtype_name(device: str) -> str:
    """bfloat16 on CUDA (both models were trained in bf16; fp16 overflows in their attention),
    float16 on Apple GPUs, float32 on the CPU (fp16 there is ~35x slower)."""
    return {"cuda": "bfloat16", "mps": "float16"}.get(device, "float32")


@dataclass
class DitLatents:
    """One clip's latents on the CPU and the shape needed to decode them."""

    latents: Any
    frames: int
    height: int
    width: int


def _text_encoder(files: ModelFiles, dtype: Any) -> tuple[Any, Any]:
    """(tokenizer, encoder) of the classes ``model_index.json`` names, from their folders."""
    index = json.loads((files.root / "model_index.json").read_text(encoding="utf-8"))
    transformers = _mod("transformers")
    tok_cls = getattr(transformers, str(index["tokenizer"][1]))
    enc_cls = getattr(transformers, str(index["text_encoder"][1]))
    tokenizer = tok_cls.from_pretrained(str(files.root / "tokenizer"))
    encoder = enc_cls.from_pretrained(str(files.root / "text_encoder"), dtype=dtype)
    encoder.eval()
    return tokenizer, encoder


def place_pipeline(pipe: Any, plan: AiPlan, torch: Any) -> None:
    """The plan's memory levers on the loaded pipeline (the text encoder is handled apart)."""
    device = plan.device
    if plan.fp8:
        pipe.transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                  compute_dtype=pipe.transformer.dtype)
    if device == "cpu":
        return
    if plan.offload == "model":
        pipe.enable_model_cpu_offload(device=device)
    elif plan.offload == "sequential":
        pipe.enable_sequential_cpu_offload(device=device)
    elif plan.offload in ("group-block", "group-leaf"):
        level = "block_level" if plan.offload == "group-block" else "leaf_level"
        kw: dict[str, Any] = {"num_blocks_per_group": 1} if level == "block_level" else {}
        pipe.transformer.enable_group_offload(onload_device=torch.device(device), offload_type=level,
                                              use_stream=plan.streams, **kw)
        pipe.vae.to(device)
    else:
        pipe.to(device)


def load_backend(files: ModelFiles, plan: AiPlan) -> DitBackend:
    """Load and place a Wan or LTX pipeline; any failure but running out of memory is a :class:`ModelLoadError`."""
    try:
        torch = _mod("torch")
        diffusers = _mod("diffusers")
        dtype = getattr(torch, torch_dtype_name(plan.device))
        tokenizer, encoder = _text_encoder(files, dtype)
        if files.tier is Tier.WAN:  # TI2V-5B: one transformer, no CLIP image encoder, per-token timesteps
            pipe = diffusers.WanImageToVideoPipeline.from_pretrained(
                str(files.root), text_encoder=None, tokenizer=None, image_encoder=None, image_processor=None,
                transformer_2=None, expand_timesteps=True, dtype=dtype)
        else:
            pipe = diffusers.LTXImageToVideoPipeline.from_pretrained(
                str(files.root), text_encoder=None, tokenizer=None, dtype=dtype)
        pipe.set_progress_bar_config(disable=True)
        place_pipeline(pipe, plan, torch)
        return DitBackend(files, pipe, plan, tokenizer, encoder)
    except Exception as exc:
        if is_out_of_memory(exc):
            raise
        raise ModelLoadError(files.tier, f"the model could not be loaded from {files.root} "
                                         f"({type(exc).__name__}: {first_line(exc)})") from exc


class DitBackend(Backend):
    """A loaded Wan or LTX pipeline configured for a plan (the runner drives it as any :class:`.backends.Backend`)."""

    def __init__(self, files: ModelFiles, pipe: Any, plan: AiPlan, tokenizer: Any, encoder: Any) -> None:
        super().__init__(files, pipe, plan.device, torch_dtype_name(plan.device), plan.offload)
        self.tokenizer = tokenizer
        self.encoder = encoder
        self._fp8 = plan.fp8
        self._tiling: bool | None = None
        self._encoder_grouped = False
        self._plan_text = plan.text_encoder
        self._streams = plan.streams
        self._embeds: dict[str, tuple[Any, Any]] = {}
        #: Prompts encoded so far (tests check that each is encoded once).
        self.encodes = 0

    def configure(self, plan: AiPlan) -> frozenset[str]:
        """Apply fp8 storage and VAE tiling; every saving of a DiT plan is supported (none left off)."""
        if plan.fp8 and not self._fp8:  # stepping down: store the loaded weights in fp8 from now on
            torch = _mod("torch")
            self.pipe.transformer.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                           compute_dtype=self.pipe.transformer.dtype)
            self._fp8 = True
            free_memory()
        elif self._fp8 and not plan.fp8:  # a new render's plan without fp8: reload the weights
            fresh = load_backend(self.files, plan)
            self.pipe, self._fp8, self._tiling = fresh.pipe, False, None
        if plan.vae_tiling != self._tiling:
            vae = self.pipe.vae
            if plan.vae_tiling:
                vae.enable_tiling()
            else:
                vae.disable_tiling()
            self._tiling = plan.vae_tiling
        return frozenset()

    # ------------------------------------------------------------------ the prompt

    def _encode_one(self, text: str, torch: Any, device: str) -> tuple[Any, Any]:
        n = MAX_TOKENS[self.tier]
        if self.tier is Tier.WAN:
            with contextlib.suppress(ImportError):
                text = _mod("ftfy").fix_text(text)  # as the Wan pipeline cleans prompts
            text = " ".join(text.split())
        inputs = self.tokenizer([text], padding="max_length", max_length=n, truncation=True,
                                add_special_tokens=True, return_attention_mask=True, return_tensors="pt")
        ids, mask = inputs.input_ids.to(device), inputs.attention_mask.to(device)
        if self.tier is Tier.WAN:  # the Wan pipeline's encoding: real tokens, zeros after them
            hidden = self.encoder(ids, mask).last_hidden_state
            length = int(mask.gt(0).sum())
            emb = torch.zeros_like(hidden)
            emb[:, :length] = hidden[:, :length]
            return emb.to("cpu"), None
        hidden = self.encoder(ids)[0]  # LTX: the encoder without its mask, the mask for the transformer
        return hidden.to("cpu"), mask.bool().to("cpu")

    def embeddings(self, prompt: str, negative: str) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        """Prompt and negative-prompt embeddings, encoded once per prompt; the encoder leaves the GPU after."""
        key = f"{prompt}\x00{negative}"
        if key not in self._embeds:
            torch = _mod("torch")
            device = self.device
            with torch.inference_mode():
                if device != "cpu" and not self._encoder_grouped and self._plan_text == "group-offloaded":
                    _mod("diffusers.hooks").apply_group_offloading(
                        self.encoder, onload_device=torch.device(device), offload_type="leaf_level",
                        use_stream=self._streams)
                    self._encoder_grouped = True
                elif device != "cpu" and not self._encoder_grouped:
                    self.encoder.to(device)
                try:
                    pos = self._encode_one(prompt, torch, device)
                    neg = self._encode_one(negative, torch, device)
                finally:
                    if device != "cpu" and not self._encoder_grouped:
                        self.encoder.to("cpu")
                        free_memory()
            self._embeds = {key: (pos, neg)}
            self.encodes += 1
        return self._embeds[key]

    # ------------------------------------------------------------------ denoise / decode

    @contextmanager
    def _cancel_hooks(self, cancel: CancelToken) -> Iterator[None]:
        """Cancel checks before the transformer and each of its blocks: a cancel lands within a step."""

        def hook(_m: Any, _a: Any) -> None:
            cancel.raise_if_cancelled()

        tr = self.pipe.transformer
        blocks = [tr, *getattr(tr, "blocks", []), *getattr(tr, "transformer_blocks", [])]
        handles = [b.register_forward_pre_hook(hook) for b in blocks]
        try:
            yield
        finally:
            for h in handles:
                h.remove()

    def denoise(self, image: RGB, plan: AiPlan, opts: AiOptions, seed: int, cancel: CancelToken,
                on_step: Callable[[int, int], None]) -> DitLatents:
        torch = _mod("torch")
        self._plan_text, self._streams = plan.text_encoder, plan.streams
        (pe, pm), (ne, nm) = self.embeddings(dit_prompt(opts), DEFAULT_NEGATIVE_PROMPT)
        cancel.raise_if_cancelled()
        pil = _mod("PIL.Image").fromarray(image)
        generator = torch.Generator(device="cpu").manual_seed(int(seed) & 0x7FFF_FFFF_FFFF_FFFF)
        dt = self.pipe.transformer.dtype

        def on_step_end(_pipe: Any, i: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            on_step(i + 1, plan.steps)
            cancel.raise_if_cancelled()
            return kwargs

        kw: dict[str, Any] = {"image": pil, "height": plan.height, "width": plan.width, "num_frames": plan.frames,
                              "num_inference_steps": plan.steps, "guidance_scale": GUIDANCE[self.tier][opts.motion],
                              "generator": generator, "output_type": "latent", "callback_on_step_end": on_step_end,
                              # on the device: the pipelines take given embeddings as they are
                              "prompt_embeds": pe.to(self.device, dt), "negative_prompt_embeds": ne.to(self.device, dt)}
        if self.tier is Tier.LTX:
            kw.update(prompt_attention_mask=pm.to(self.device), negative_prompt_attention_mask=nm.to(self.device),
                      frame_rate=plan.fps)
        with self._cancel_hooks(cancel), torch.inference_mode():
            out = self.pipe(**kw)
        return DitLatents(out.frames.detach().to("cpu"), plan.frames, plan.height, plan.width)

    def _vae_input_device(self) -> str:
        """Where the latents go: the device when the VAE lives there, else the CPU (offload hooks move them)."""
        return self.device if self.offload in ("none", "group-block", "group-leaf") else "cpu"

    def decode(self, latents: Any, chunk: int, cancel: CancelToken,
               on_chunk: Callable[[int, int], None]) -> Frames:
        """Frames (n, h, w, 3) uint8: the whole clip in one VAE call (the VAE tiles it when the plan says so)."""
        del chunk  # the video VAEs decode the clip as a whole; tiling is their memory lever
        if not isinstance(latents, DitLatents):
            raise TypeError("DitBackend.decode takes the DitLatents its denoise made")
        torch = _mod("torch")
        vae = self.pipe.vae
        cancel.raise_if_cancelled()
        with torch.inference_mode():
            z = latents.latents.to(device=self._vae_input_device(), dtype=torch.float32)
            if self.tier is Tier.WAN:
                cfg = vae.config
                mean = torch.tensor(cfg.latents_mean, dtype=z.dtype, device=z.device).view(1, -1, 1, 1, 1)
                std = torch.tensor(cfg.latents_std, dtype=z.dtype, device=z.device).view(1, -1, 1, 1, 1)
                video = vae.decode((z * std + mean).to(vae.dtype)).sample
            else:
                video = vae.decode(*self._ltx_latents(z, latents, torch)).sample
            arr = ((video[0].float().clamp(-1, 1) + 1.0) * 127.5).round().to(torch.uint8)  # (3, f, h, w)
            frames = np.ascontiguousarray(arr.permute(1, 2, 3, 0).cpu().numpy())
        on_chunk(1, 1)
        if frames.shape[0] != latents.frames:
            raise RuntimeError(f"the VAE made {frames.shape[0]} frames, {latents.frames} were planned")
        return frames

    def _ltx_latents(self, z: Any, lat: DitLatents, torch: Any) -> tuple[Any, Any]:
        """Unpack LTX's token sequence to (b, c, f, h, w), undo its normalisation, add the decode noise."""
        vae, tr = self.pipe.vae, self.pipe.transformer
        p, pt = int(tr.config.patch_size), int(tr.config.patch_size_t)
        f = (lat.frames - 1) // int(vae.temporal_compression_ratio) + 1
        h, w = lat.height // int(vae.spatial_compression_ratio), lat.width // int(vae.spatial_compression_ratio)
        b = z.shape[0]
        z = z.reshape(b, f // pt, h // p, w // p, -1, pt, p, p)
        z = z.permute(0, 4, 1, 5, 2, 6, 3, 7).flatten(6, 7).flatten(4, 5).flatten(2, 3)
        mean = vae.latents_mean.view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        std = vae.latents_std.view(1, -1, 1, 1, 1).to(z.device, z.dtype)
        z = z * std / vae.config.scaling_factor + mean
        temb = None
        if vae.config.timestep_conditioning:
            g = torch.Generator(device="cpu").manual_seed(0)
            noise = torch.randn(z.shape, generator=g, dtype=z.dtype).to(z.device)
            z = (1 - LTX_DECODE_NOISE) * z + LTX_DECODE_NOISE * noise
            temb = torch.tensor([LTX_DECODE_TIMESTEP], device=z.device, dtype=vae.dtype)
        return z.to(vae.dtype), temb
