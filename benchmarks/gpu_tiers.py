"""Every AI tier on a GPU: seconds per step, VAE decode time, peak VRAM and peak RAM per plan level.

Run on a machine with an NVIDIA GPU (torch with CUDA, diffusers, transformers, accelerate):

    OMP_NUM_THREADS=1 python benchmarks/gpu_tiers.py [--tiers wan2.2-ti2v-5b,ltx-video,svd-xt,svd,animatediff]
                                                     [--steps 3] [--out benchmarks/results]
    OMP_NUM_THREADS=1 python benchmarks/gpu_tiers.py --tiny    # smoke test of this script on any machine (CPU)

Each tier is built at full size from its published configs with *random* weights (nothing is
downloaded; the compute and the memory are those of the real model):

* Wan2.2 TI2V-5B: ``WanTransformer3DModel`` 24 heads x 128, 30 layers, FFN 14336, patch 1x2x2;
  the Wan2.2 VAE (base 160 / decoder 256, z_dim 48, 16x16x4); UMT5-XXL encoder (d_model 4096,
  24 layers, 64 heads, d_ff 10240). 1280x704, 121 frames, bf16.
* LTX-Video 0.9.x: ``LTXVideoTransformer3DModel`` and ``AutoencoderKLLTXVideo`` with diffusers'
  defaults (the published 2 B configs); T5 v1.1 XXL encoder. 832x480 (768x512's area at 16:9),
  121 frames, bf16.
* SVD-XT / SVD: as ``benchmarks/svd_gpu.py`` (UNet 1.52 B, temporal VAE, CLIP ViT-H), 1024x576,
  25 / 14 frames, fp16.
* AnimateDiff: the SD 1.5 UNet (860 M, cross-attention 768), the v1.5 motion adapter (diffusers'
  defaults), SparseCtrl RGB (``SparseControlNetModel``, 3 conditioning channels), the SD VAE and
  CLIP ViT-L text encoder. 512x512 at 16:9's area (704x384), 16 frames, fp16.

Every level runs through the app's own backends (``engine.ai.dit.DitBackend`` for the DiT
tiers, ``engine.ai.backends.Backend`` for SVD), so the measurement also proves each plan
level's settings work with the pipeline. For each level: s/step (median, first step excluded),
decode seconds, peak VRAM of the denoise and decode phases (``max_memory_reserved`` and
``max_memory_allocated``), peak RSS of the process during the level (sampled every 50 ms),
and the plan's own estimate beside them. Results go to ``benchmarks/results/<gpu>.json``;
``engine/ai/plan_dit.py``'s constants (marked UNMEASURED) should then be fitted to them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np
import psutil
from gpu_measure import measure

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai import backends, dit
from vidgen_desktop.engine.ai import plan as planmod
from vidgen_desktop.engine.ai.machine import Machine, machine_for
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.ai.plan import AiPlan, plan_for
from vidgen_desktop.engine.ai.spec import default_spec, spec_from_folder

GIB = float(1 << 30)
#: Plan levels of the DiT tiers: (offload, fp8 storage, VAE tiling).
DIT_LEVELS = (("none", False, False), ("none", False, True), ("model", False, True), ("model", True, True),
              ("group-block", False, True), ("group-leaf", False, True), ("sequential", False, True))
#: Plan levels of the SVD tiers: (offload, forward chunking, decode chunk).
SVD_LEVELS = (("none", False, 8), ("model", True, 8), ("model", True, 2), ("sequential", True, 2))
ALL_TIERS = (Tier.WAN, Tier.LTX, Tier.SVD_XT, Tier.SVD, Tier.ANIMATEDIFF)


# ----------------------------------------------------------------------------- building

@contextlib.contextmanager
def default_dtype(torch: Any, dtype: Any) -> Iterator[None]:
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def tiny_folder(tier: Tier) -> Path:
    import tempfile

    from tests.engine.ai.tiny_dit import build_ltx, build_wan

    return (build_wan if tier is Tier.WAN else build_ltx)(Path(tempfile.mkdtemp()) / tier.value)


def build_dit(tier: Tier, tiny: Path | None) -> tuple[Any, Any, Any]:
    """(pipeline without its text encoder, tokenizer, encoder), full size in bf16 (or the tiny model
    saved in ``tiny``, fp32), on the CPU."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXVideoTransformer3DModel,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel, UMT5Config, UMT5EncoderModel

    from tests.engine.ai.tiny_dit import tiny_t5_tokenizer

    tokenizer = tiny_t5_tokenizer()  # ids < 200: the padded length (512 / 128 tokens) sets the cost
    if tiny is not None:
        cls = WanImageToVideoPipeline if tier is Tier.WAN else LTXImageToVideoPipeline
        pipe = cls.from_pretrained(str(tiny))
        encoder = pipe.text_encoder
        pipe.text_encoder = None
        return pipe, tokenizer, encoder
    torch.manual_seed(0)
    with default_dtype(torch, torch.bfloat16):
        if tier is Tier.WAN:  # Wan-AI/Wan2.2-TI2V-5B-Diffusers transformer/ and vae/ config.json
            transformer = WanTransformer3DModel(
                patch_size=(1, 2, 2), num_attention_heads=24, attention_head_dim=128, in_channels=48, out_channels=48,
                text_dim=4096, freq_dim=256, ffn_dim=14336, num_layers=30, cross_attn_norm=True,
                qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024)
            vae = AutoencoderKLWan(base_dim=160, decoder_base_dim=256, z_dim=48, dim_mult=[1, 2, 4, 4],
                                   num_res_blocks=2, temperal_downsample=[False, True, True], is_residual=True,
                                   in_channels=12, out_channels=12, patch_size=2, scale_factor_spatial=16,
                                   scale_factor_temporal=4, latents_mean=[0.0] * 48, latents_std=[1.0] * 48)
            encoder = UMT5EncoderModel(UMT5Config(
                vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                relative_attention_num_buckets=32, relative_attention_max_distance=128,
                feed_forward_proj="gated-gelu"))
            pipe = WanImageToVideoPipeline(tokenizer=None, text_encoder=None, vae=vae, transformer=transformer,
                                           scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0), image_encoder=None,
                                           image_processor=None, transformer_2=None, expand_timesteps=True)
        else:  # Lightricks LTX-Video: diffusers' defaults are the published 2 B configs
            transformer = LTXVideoTransformer3DModel()
            vae = AutoencoderKLLTXVideo()
            encoder = T5EncoderModel(T5Config(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24,
                                              num_heads=64, feed_forward_proj="gated-gelu"))
            pipe = LTXImageToVideoPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=None,
                                           tokenizer=None, transformer=transformer)
    pipe.set_progress_bar_config(disable=True)
    return pipe, tokenizer, encoder


def build_animatediff(tiny: bool) -> tuple[Any, Path]:
    """AnimateDiff + SparseCtrl RGB + SD 1.5 at full size in fp16 (or the tests' tiny one), on the CPU."""
    import tempfile

    import torch
    from diffusers import (
        AnimateDiffSparseControlNetPipeline,
        AutoencoderKL,
        DDIMScheduler,
        MotionAdapter,
        SparseControlNetModel,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.engine.ai.tiny_models import build_animatediff, tiny_tokenizer

    if tiny:
        root = build_animatediff(Path(tempfile.mkdtemp()) / "ad")
        files = backends.ModelFiles(Tier.ANIMATEDIFF, "animatediff", root / "base", "benchmark",
                                    adapter=root / "motion_adapter", sparsectrl=root / "sparsectrl")
        return backends.load_pipeline(files, "cpu", "float32", "none"), root
    tokenizer = tiny_tokenizer(Path(tempfile.mkdtemp()) / "tok")
    torch.manual_seed(0)
    with default_dtype(torch, torch.float16):
        unet = UNet2DConditionModel(cross_attention_dim=768, sample_size=64)  # SD 1.5 unet/config.json
        adapter = MotionAdapter()  # guoyww/animatediff-motion-adapter-v1-5-*: diffusers' defaults
        controlnet = SparseControlNetModel(conditioning_channels=3, use_simplified_condition_embedding=False)
        vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=4,
                            down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                            sample_size=512)
        text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=768, intermediate_size=3072,
                                            num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="linear", clip_sample=False,
                              timestep_spacing="linspace", steps_offset=1)
    pipe = AnimateDiffSparseControlNetPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                               motion_adapter=adapter, controlnet=controlnet, scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe, ROOT


def params(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def dit_levels(tier: Tier, machine: Machine, steps: int, tiny: Path | None) -> list[AiPlan]:
    opts = AiOptions(steps=steps, frames_per_clip=9 if tiny else None)
    base = plan_for(machine, tier, opts, spec=spec_from_folder(tier, tiny) if tiny else None)
    levels = DIT_LEVELS if machine.device == "cuda" else (("none", False, False), ("none", True, True))
    out = []
    for offload, fp8, tiling in levels:
        p = replace(base, offload=offload, fp8=fp8, vae_tiling=tiling)  # type: ignore[arg-type]
        est = planmod.estimate(p.spec, p.machine, p.width, p.height, p.frames, p.steps, p.decode_chunk, False,
                               False, p.offload, vae_tiling=tiling, fp8=fp8)
        out.append(planmod._placed(replace(p, estimate=est)))  # the plan's own derivation
    return out


def bench_dit(tier: Tier, machine: Machine, steps: int, tiny: bool, cuda: bool) -> dict[str, Any]:
    import torch

    results = []
    info: dict[str, Any] = {}
    folder = tiny_folder(tier) if tiny else None
    for plan in dit_levels(tier, machine, steps, folder):
        pipe, tokenizer, encoder = build_dit(tier, folder)
        if not tiny:
            info = {"transformer_params": params(pipe.transformer), "vae_params": params(pipe.vae),
                    "text_encoder_params": params(encoder)}
        files = backends.ModelFiles(tier, tier.value, ROOT, "benchmark")
        try:
            dit.place_pipeline(pipe, plan, torch)
            backend = dit.DitBackend(files, pipe, plan, tokenizer, encoder)
            image = np.random.default_rng(0).integers(0, 255, (plan.height, plan.width, 3), dtype=np.uint8)
            r = measure(backend, plan, image, cuda)
        except Exception as exc:  # noqa: BLE001 - a placement OOM is a result too
            r = {"offload": plan.offload, "fp8": plan.fp8, "vae_tiling": plan.vae_tiling, "ok": False,
                 "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
        print(json.dumps({"tier": tier.value, **r}), flush=True)
        results.append(r)
        with contextlib.suppress(Exception):
            pipe.remove_all_hooks()
        del pipe, encoder
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
    return {"params": info, "levels": results}


def bench_svd(tier: Tier, machine: Machine, steps: int, tiny: bool, cuda: bool) -> dict[str, Any]:
    """SVD, SVD-XT and AnimateDiff (the UNet tiers) through ``backends.Backend``."""
    import torch
    from svd_gpu import build_full_pipeline, build_tiny_pipeline, place

    spec = default_spec(tier)
    opts = AiOptions(steps=steps, frames_per_clip=8 if tiny else spec.frames)
    if tiny:  # the tiny models' own native size (128x128)
        spec = replace(spec, native_area=128 * 128)
    base = plan_for(machine, tier, opts, spec=spec)
    levels = SVD_LEVELS if cuda else (("none", False, 8),)
    results = []
    for offload, chunking, decode in levels:
        plan = replace(base, offload=offload, forward_chunking=chunking,  # type: ignore[arg-type]
                       decode_chunk=min(decode, base.frames))
        if tier is Tier.ANIMATEDIFF:
            pipe, root = build_animatediff(tiny)
            files = backends.ModelFiles(tier, tier.value, root, "benchmark", sparsectrl=root)
        else:
            pipe = build_tiny_pipeline("cpu") if tiny else build_full_pipeline("cpu")
            files = backends.ModelFiles(tier, tier.value, ROOT, "benchmark")
        place(pipe, offload, machine.device if cuda else "cpu")
        backend = backends.Backend(files, pipe, machine.device, plan.dtype, offload)  # type: ignore[arg-type]
        image = np.random.default_rng(0).integers(0, 255, (plan.height, plan.width, 3), dtype=np.uint8)
        r = measure(backend, plan, image, cuda)
        print(json.dumps({"tier": tier.value, **r}), flush=True)
        results.append(r)
        with contextlib.suppress(Exception):
            pipe.remove_all_hooks()
        del pipe, backend
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
    return {"levels": results}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiers", default=",".join(t.value for t in ALL_TIERS))
    ap.add_argument("--steps", type=int, default=3, help="denoising steps per level (the first is not timed)")
    ap.add_argument("--tiny", action="store_true", help="tiny models on the CPU: checks this script, measures nothing")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    import torch

    from vidgen_desktop.core.hardware import probe_hardware

    torch.set_num_threads(max(1, torch.get_num_threads()))
    cuda = torch.cuda.is_available() and not args.tiny
    hw = probe_hardware({}, probe_torch=True)
    machine = machine_for(hw)
    if not cuda:
        machine = replace(machine, device="cpu")
    gpu = torch.cuda.get_device_name(0) if cuda else "cpu-tiny"
    report: dict[str, Any] = {
        "gpu": gpu, "machine": machine.to_dict(), "torch": torch.__version__,
        "ram_total_gib": round(psutil.virtual_memory().total / GIB, 1), "steps": args.steps,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "tiers": {}}
    if cuda:
        torch.cuda.init()
        report["cuda_context_gib"] = round((torch.cuda.mem_get_info()[1] - torch.cuda.mem_get_info()[0]) / GIB, 2)
        import diffusers
        import transformers

        report["diffusers"], report["transformers"] = diffusers.__version__, transformers.__version__
    for name in args.tiers.split(","):
        tier = Tier(name.strip())
        bench = bench_dit if tier in (Tier.WAN, Tier.LTX) else bench_svd
        t0 = time.perf_counter()
        report["tiers"][tier.value] = bench(tier, machine, args.steps, args.tiny, cuda)
        report["tiers"][tier.value]["wall_s"] = round(time.perf_counter() - t0, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", gpu.lower()).strip("-")
    path = args.out / f"{slug}.json"
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
