"""The memory plan of the video diffusion transformers (Wan2.2 TI2V-5B, LTX-Video): their levers and costs.

:mod:`.plan` stays the one entry point (``plan_for``, ``step_down``, ``least_memory_gib``);
it asks this module for the configurations a DiT model may run with, their estimated peak
memory and time, and the next, more frugal configuration after an out-of-memory error.
Pure Python, no torch.

The levers diffusers offers for these models, cheapest first:

* **text encoder once** -- UMT5-XXL / T5-XXL (5.7 B / 4.8 B parameters) encodes the prompt
  once per render and is then moved off the GPU; it never shares the GPU with the
  transformer. When it does not fit on its own it runs group-offloaded (leaf level).
* **VAE tiling** -- the VAE decodes in overlapping spatial tiles (``vae.enable_tiling()``);
  memory no longer grows with the frame size.
* **model offload** -- each component is on the GPU only while it runs.
* **fp8 storage** -- the transformer's weights are stored in float8 and cast to fp16 layer by
  layer (``enable_layerwise_casting``): half the weight memory, a small quality cost.
* **group offload** -- the transformer's blocks (``block``) or every layer (``leaf``) are
  moved to the GPU just before they run (``enable_group_offload``), on a separate CUDA
  stream that prefetches the next group when the system RAM can pin a copy of the weights.
* **sequential offload** -- the last resort (~6x slower).

Constants: UNMEASURED. No GPU was lent when these tiers were added; every figure below is
an estimate from the architecture (parameter counts, token counts, channel widths) and the
published figures quoted next to it. ``benchmarks/gpu_tiers.py`` measures s/step, VAE
decode time and peak VRAM / RAM per plan level at the native size and writes
``benchmarks/results/<gpu>.json``; its figures should replace these constants.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from vidgen_desktop.engine.ai.machine import Machine
from vidgen_desktop.engine.ai.spec import ModelSpec

DitOffload = Literal["none", "model", "group-block", "group-leaf", "sequential"]
TextEncoder = Literal["gpu-once", "group-offloaded", "cpu"]
DIT_OFFLOADS: tuple[DitOffload, ...] = ("none", "model", "group-block", "group-leaf", "sequential")

GIB = float(1 << 30)


@dataclass(frozen=True)
class DitMemory:
    """Per model (fp16; UNMEASURED, see the module doc)."""

    #: Transformer activations, GiB per 1000 latent tokens (one CFG branch at a time:
    #: diffusers runs the conditional and unconditional passes one after the other).
    act_per_ktok: float
    #: Untiled VAE decode, GiB per output megapixel per frame decoded at once.
    decode_plain: float
    #: Frames the VAE decodes at once: Wan's causal VAE works 4 frames at a time
    #: (one latent frame, with caches), LTX's decodes the whole clip.
    decode_frames_at_once: int
    #: Tiled decode: a flat GiB, whatever the size.
    decode_tiled: float
    #: TFLOP to decode one frame per megapixel.
    decode_tflop: float


#: Wan2.2 TI2V-5B at 1280x704 x 121 frames is 31 x 22 x 40 = 27,280 tokens: per token the
#: widest live tensors are the FFN (14336) and QKV (3 x 3072) at fp16, ~85 KB -> ~2.2 GiB, and
#: TI2V's per-token timestep modulation (6 x 3072 in fp32, ~74 KB) another ~2 GiB; with the
#: residual stream, norms and RoPE tables, ~0.25 GiB per 1000 tokens (~6.8 GiB) is assumed.
#: Its VAE decoder runs 256 channels at full resolution on 4 frames at a time: ~9 GiB for 4 frames at
#: 0.9 Mpix untiled (the Wan2.2 README asks 24 GB for 720p with offloading; reports of the
#: 5B model on 24 GB cards decode only with tiling on or the transformer offloaded).
#: LTX-Video at 768x512 x 121 frames is 16 x 16 x 24 = 6,144 tokens (its VAE compresses
#: 32x32x8): activations are small (with its per-token timestep, ~0.12 GiB per 1000); its decoder works on the whole clip, 128 channels at a
#: quarter of the resolution after un-patchifying: ~3.3 GiB for 121 frames at 0.39 Mpix.
MEMORY: dict[str, DitMemory] = {
    "wan": DitMemory(act_per_ktok=0.25, decode_plain=2.5, decode_frames_at_once=4, decode_tiled=2.0,
                     decode_tflop=9.0),
    "ltx": DitMemory(act_per_ktok=0.12, decode_plain=0.07, decode_frames_at_once=0, decode_tiled=1.2,
                     decode_tflop=3.0),
}

#: Transformer matmuls reach a higher share of the tensor peak than a UNet's convolutions:
#: calibrated so Wan2.2 TI2V-5B takes ~9 min for a 720p 5 s clip (50 steps) on an RTX 4090,
#: the Wan2.2 README's figure.
DIT_EFFICIENCY = 1.6
#: The prompt is encoded at this many tokens (Wan 512, LTX 128; the larger bounds the cost).
PROMPT_TOKENS = 512
#: fp8 storage: linear and conv weights (~97 % of the transformer) take one byte.
FP8_WEIGHT_SHARE = 0.5 + 0.03
FP8_SLOWDOWN = 1.05
#: Quality cost of fp8 storage, as a time penalty when choosing (chosen only when it saves an offload).
FP8_PENALTY = 1.25
TILING_SLOWDOWN = 1.15
TILING_PENALTY = 1.02
#: Group offload per step: with a prefetching CUDA stream the transfer mostly hides behind compute
#: (diffusers' memory guide: block level with streams close to no offload); without, it does not.
GROUP_SLOWDOWN: dict[tuple[str, bool], float] = {
    ("group-block", True): 1.10, ("group-block", False): 1.6,
    ("group-leaf", True): 1.25, ("group-leaf", False): 3.0,
}
SEQUENTIAL_SLOWDOWN = 5.7  # the same lever as for SVD (livepeer/ai-worker PR #34)
PCIE_GIBPS = 10.0
#: Memory the offload hooks keep on the GPU (embeddings, norms, the group in flight).
LEAF_RESIDENT_GIB = 0.3
SEQUENTIAL_RESIDENT_GIB = 0.35
#: Streams pin a CPU copy of every weight: the RAM must hold them with this much to spare.
STREAM_RAM_SPARE_GIB = 6.0
OVERHEAD_GIB = 0.6


@dataclass(frozen=True)
class DitConfig:
    offload: DitOffload
    fp8: bool
    vae_tiling: bool


@dataclass(frozen=True)
class DitEstimate:
    peak_gib: float
    s_per_step: float
    s_per_clip: float
    text_encoder: TextEncoder
    streams: bool


def snap_frames(spec: ModelSpec, frames: int) -> int:
    """``k * frame_step + 1`` frames (the only lengths the VAE makes), at least one step."""
    step = max(1, spec.frame_step)
    if step == 1:
        return frames
    return max(step + 1, round((frames - 1) / step) * step + 1)


def latent_tokens(spec: ModelSpec, width: int, height: int, frames: int) -> int:
    m = spec.size_multiple
    return ((frames - 1) // max(1, spec.frame_step) + 1) * (width // m) * (height // m)


def configs(machine: Machine) -> Iterable[DitConfig]:
    offloads: tuple[DitOffload, ...] = DIT_OFFLOADS if machine.device == "cuda" else ("none",)
    fp8s = (False,) if machine.device == "mps" else (False, True)  # MPS has no float8
    for offload in offloads:
        for fp8 in fp8s:
            for tiling in (False, True):
                yield DitConfig(offload, fp8, tiling)


def penalty(cfg: DitConfig) -> float:
    return (FP8_PENALTY if cfg.fp8 else 1.0) * (TILING_PENALTY if cfg.vae_tiling else 1.0)


def streams_allowed(spec: ModelSpec, machine: Machine) -> bool:
    """CUDA streams for group offload pin the weights in RAM: only when it holds them with room to spare
    (``ram_gib`` 0: not known, assumed)."""
    if machine.device != "cuda":
        return False
    pinned = spec.total_params * 2.0 / GIB
    return machine.ram_gib <= 0 or machine.ram_gib >= pinned + STREAM_RAM_SPARE_GIB


def ram_need_gib(spec: ModelSpec, machine: Machine) -> float | None:
    """System RAM a GPU render needs when this machine has less (``None``: enough, or not known).

    Every component is loaded to the CPU first, and offloaded weights live there: all the
    weights at 16 bits, plus room for the decoded frames and the app."""
    if machine.device != "cuda" or machine.ram_gib <= 0:
        return None
    need = spec.total_params * 2.0 / GIB + 3.0
    return need if need > machine.ram_gib else None


def estimate(spec: ModelSpec, machine: Machine, width: int, height: int, frames: int, steps: int,
             cfg: DitConfig) -> DitEstimate:
    mm = MEMORY[spec.kind]
    bpp = 4.0 if machine.dtype == "float32" else 2.0
    prec = bpp / 2.0
    overhead = OVERHEAD_GIB if machine.device != "cpu" else 1.0
    w_tr = spec.unet_params * bpp / GIB * (FP8_WEIGHT_SHARE if cfg.fp8 else 1.0)
    w_vae = spec.vae_params * bpp / GIB
    w_enc = spec.encoder_params * bpp / GIB
    tokens = latent_tokens(spec, width, height, frames)
    mpix = width * height / 1e6
    act = mm.act_per_ktok * tokens / 1000.0 * prec
    dec = mm.decode_plain * mpix * min(mm.decode_frames_at_once or frames, frames) * prec
    if cfg.vae_tiling:  # tiles bound the decode's memory; a frame smaller than a tile is decoded whole
        dec = min(dec, mm.decode_tiled * prec)
    streams = cfg.offload.startswith("group") and streams_allowed(spec, machine)

    # The prompt: encoded once per render, beside what stays on the device meanwhile (everything
    # without offload; the VAE, last to run, under model or group offload), the encoder moved
    # there whole when that fits, else group-offloaded.
    resident = {"none": w_tr + w_vae, "model": w_vae, "group-block": w_vae, "group-leaf": w_vae}.get(cfg.offload, 0.0)
    if machine.device == "cpu":
        text_mode: TextEncoder = "cpu"
        text_peak = w_enc
    elif cfg.offload in ("none", "model") and resident + w_enc + overhead <= machine.budget_gib:
        text_mode, text_peak = "gpu-once", resident + w_enc
    else:
        text_mode, text_peak = "group-offloaded", resident + LEAF_RESIDENT_GIB * 2
    # Denoising and decoding.
    if cfg.offload == "none":
        den, decode = w_tr + w_vae + act, w_tr + w_vae + dec
    elif cfg.offload == "model":
        den, decode = w_tr + act, w_vae + dec
    elif cfg.offload == "group-block":
        per_block = w_tr / max(1, spec.layers)
        den = per_block * (3 if streams else 1) + LEAF_RESIDENT_GIB + act
        decode = w_vae + dec
    elif cfg.offload == "group-leaf":
        den, decode = LEAF_RESIDENT_GIB + act, w_vae + dec
    else:
        den = decode = SEQUENTIAL_RESIDENT_GIB * prec
        den += act
        decode += dec
    if machine.device == "cpu":  # everything lives in the same RAM
        den = decode = w_tr + w_vae + max(act, dec)
    peak = max(text_peak, den, decode) + overhead

    attn = 4.0 * tokens * tokens * spec.hidden * spec.layers
    tflop_step = 2.0 * (2.0 * spec.unet_params * tokens + attn) / 1e12  # x2: classifier-free guidance
    s_step = tflop_step / (machine.tflops * (DIT_EFFICIENCY if machine.device != "cpu" else 1.0))
    if cfg.fp8:
        s_step *= FP8_SLOWDOWN
    s_decode = mm.decode_tflop * frames * mpix / machine.tflops
    if cfg.vae_tiling:
        s_decode *= TILING_SLOWDOWN
    if cfg.offload in ("group-block", "group-leaf"):
        s_step *= GROUP_SLOWDOWN[(cfg.offload, streams)]
    elif cfg.offload == "sequential":
        s_step *= SEQUENTIAL_SLOWDOWN
        s_decode *= SEQUENTIAL_SLOWDOWN
    s_clip = steps * s_step + s_decode
    if cfg.offload == "model":
        s_clip += 2 * (w_tr + w_vae) / PCIE_GIBPS
    return DitEstimate(peak, s_step, s_clip, text_mode, streams)


def step_down(device: str, phase: str, cfg: DitConfig) -> tuple[DitConfig, str] | None:
    """The next, more frugal configuration after running out of memory in ``phase``.

    A decode that runs out tries VAE tiling, then moving the transformer off the GPU (model
    offload); nothing else frees decode memory. Loading and denoising walk model offload,
    fp8 storage, block-level then leaf-level group offload, and sequential offload.
    """
    if phase == "decode":
        if not cfg.vae_tiling:
            return DitConfig(cfg.offload, cfg.fp8, True), "VAE tiling on"
        if device == "cuda" and cfg.offload == "none":
            return DitConfig("model", cfg.fp8, True), "model offload on"
        return None
    if device == "cuda" and cfg.offload == "none":
        return DitConfig("model", cfg.fp8, cfg.vae_tiling), "model offload on"
    if device != "mps" and not cfg.fp8 and cfg.offload in ("none", "model"):
        return DitConfig(cfg.offload, True, cfg.vae_tiling), "fp8 weight storage on"
    if device == "cuda":
        order = DIT_OFFLOADS
        i = order.index(cfg.offload)
        if i + 1 < len(order):
            nxt = order[i + 1]
            word = {"group-block": "group offload (block level) on", "group-leaf": "group offload (leaf level) on",
                    "sequential": "sequential offload on (much slower)"}[nxt]
            return DitConfig(nxt, cfg.fp8, True if nxt == "sequential" else cfg.vae_tiling), word
    return None


def settings_words(device: str, cfg: DitConfig, text_encoder: str, streams: bool) -> list[str]:
    parts: list[str] = []
    if device == "cuda":
        parts.append({"none": "no offload", "model": "model offload on",
                      "group-block": "group offload (block level" + (", CUDA streams)" if streams else ")") + " on",
                      "group-leaf": "group offload (leaf level" + (", CUDA streams)" if streams else ")") + " on",
                      "sequential": "sequential offload on (slow)"}[cfg.offload])
    parts.append("fp8 weight storage on" if cfg.fp8 else {"cuda": "bf16 weights", "mps": "fp16 weights"}.get(
        device, "fp32 weights"))
    parts.append(f"VAE tiling {'on' if cfg.vae_tiling else 'off'}")
    parts.append({"gpu-once": "text encoder run once, then moved off the GPU",
                  "group-offloaded": "text encoder run once, group-offloaded",
                  "cpu": "text encoder run once"}.get(text_encoder, "text encoder run once"))
    return parts
