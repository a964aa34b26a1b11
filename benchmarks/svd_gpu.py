"""SVD-XT on a GPU: seconds per step and peak VRAM for each memory plan.

Run on a machine with an NVIDIA GPU (torch with CUDA, diffusers, transformers, accelerate):

    OMP_NUM_THREADS=1 python benchmarks/svd_gpu.py [--frames 25] [--steps 4] [--json out.json]
    OMP_NUM_THREADS=1 python benchmarks/svd_gpu.py --tiny      # smoke test of this script, any machine

The model is the full-size SVD-XT architecture from its published configs (UNet 1.52 B,
temporal VAE 98 M, CLIP ViT-H/14 image encoder 632 M) with *random* weights, in fp16, at
1024x576 and 25 frames: the compute and the memory are those of the real model, and
nothing is downloaded. Every run goes through the app's own backend
(``vidgen_desktop.engine.ai.backends.Backend``: denoise to latents, then our chunked
decode), so it also proves that each plan's settings work with the pipeline.

Plans measured: offload none / model / sequential x forward chunking off / on x
decode chunk 8 / 2 / 1. For each: seconds per denoising step (median, first step
excluded), decode seconds, and peak VRAM of each phase (``max_memory_reserved``, what
the allocator really held, plus the CUDA context measured once). At the end it prints
the constants ``engine/ai/plan.py`` should use (MEMORY["svd"], FORWARD_CHUNKING_SLOWDOWN,
SEQUENTIAL_SLOWDOWN, the GPU's effective TFLOPS) next to the values it uses now.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np
from gpu_measure import measure

from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.engine.ai import backends
from vidgen_desktop.engine.ai import plan as planmod
from vidgen_desktop.engine.ai.machine import Machine, machine_for
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.ai.plan import plan_for
from vidgen_desktop.engine.ai.spec import ModelSpec, default_spec

GIB = float(1 << 30)
OFFLOADS = ("none", "model", "sequential")
DECODES = (8, 2, 1)


def build_full_pipeline(device: str) -> Any:
    """SVD-XT with random weights, built straight on ``device`` in fp16 (seconds, not minutes)."""
    import torch
    from diffusers import (
        AutoencoderKLTemporalDecoder,
        EulerDiscreteScheduler,
        StableVideoDiffusionPipeline,
        UNetSpatioTemporalConditionModel,
    )
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(0)
    old_dtype = torch.get_default_dtype()
    torch.set_default_dtype(torch.float16)
    try:
        with torch.device(device):
            # stabilityai/stable-video-diffusion-img2vid-xt unet/config.json
            unet = UNetSpatioTemporalConditionModel(
                sample_size=96, in_channels=8, out_channels=4, block_out_channels=(320, 640, 1280, 1280),
                addition_time_embed_dim=256, projection_class_embeddings_input_dim=768, layers_per_block=2,
                cross_attention_dim=1024, transformer_layers_per_block=1, num_attention_heads=(5, 10, 20, 20),
                num_frames=25)
            # vae/config.json
            vae = AutoencoderKLTemporalDecoder(
                in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 4,
                block_out_channels=(128, 256, 512, 512), layers_per_block=2, latent_channels=4, sample_size=768,
                scaling_factor=0.18215, force_upcast=True)
            # image_encoder/config.json (OpenCLIP ViT-H/14)
            encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(
                hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=16,
                patch_size=14, image_size=224, projection_dim=1024, hidden_act="gelu", layer_norm_eps=1e-5))
    finally:
        torch.set_default_dtype(old_dtype)
    scheduler = EulerDiscreteScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, interpolation_type="linear",
        num_train_timesteps=1000, prediction_type="v_prediction", sigma_max=700.0, sigma_min=0.002, steps_offset=1,
        timestep_spacing="leading", timestep_type="continuous", use_karras_sigmas=True)
    pipe = StableVideoDiffusionPipeline(vae=vae, image_encoder=encoder, unet=unet, scheduler=scheduler,
                                        feature_extractor=CLIPImageProcessor(crop_size=224, size=224))
    pipe.set_progress_bar_config(disable=True)
    return pipe


def build_tiny_pipeline(device: str) -> Any:
    import tempfile

    from diffusers import StableVideoDiffusionPipeline

    from tests.engine.ai.tiny_models import build_svd

    folder = build_svd(Path(tempfile.mkdtemp()) / "svd", num_frames=25)
    pipe = StableVideoDiffusionPipeline.from_pretrained(str(folder)).to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def params(module: Any) -> int:
    return sum(p.numel() for p in module.parameters())


def place(pipe: Any, offload: str, device: str) -> None:
    if offload == "model":
        pipe.to("cpu")
        pipe.enable_model_cpu_offload(device=device)
    elif offload == "sequential":
        pipe.to("cpu")
        pipe.enable_sequential_cpu_offload(device=device)
    else:
        pipe.to(device)


def suggest(results: list[dict[str, Any]], spec: ModelSpec, machine: Machine, frames: int, width: int,
            height: int, context_gib: float) -> dict[str, Any]:
    """Plan constants from the measurements, beside the ones engine/ai/plan.py uses now."""
    mpix = width * height / 1e6
    w_all = spec.total_params * 2 / GIB
    w_vae = spec.vae_params * 2 / GIB

    def find(offload: str, chunking: bool, decode: int) -> dict[str, Any] | None:
        return next((r for r in results if r["ok"] and r["offload"] == offload
                     and r["forward_chunking"] == chunking and r["decode_chunk"] == decode), None)

    out: dict[str, Any] = {"current": {**dataclasses.asdict(planmod.MEMORY["svd"]),
                                       "FORWARD_CHUNKING_SLOWDOWN": planmod.FORWARD_CHUNKING_SLOWDOWN,
                                       "SEQUENTIAL_SLOWDOWN": planmod.SEQUENTIAL_SLOWDOWN,
                                       "OVERHEAD_GIB": planmod.OVERHEAD_GIB,
                                       "gpu_effective_tflops": round(machine.tflops, 1)}}
    plain, chunked = find("none", False, 8), find("none", True, 8)
    model8 = find("model", True, 8)
    if plain and "denoise_peak_allocated_gib" in plain:
        out["act_plain"] = round((plain["denoise_peak_allocated_gib"] - w_all) / (frames * mpix), 3)
    if chunked and "denoise_peak_allocated_gib" in chunked:
        out["act_chunked"] = round((chunked["denoise_peak_allocated_gib"] - w_all) / (frames * mpix), 3)
    if model8 and "decode_peak_allocated_gib" in model8:
        out["decode"] = round((model8["decode_peak_allocated_gib"] - w_vae) / (8 * mpix), 3)
    if plain and chunked and plain["s_per_step"] and chunked["s_per_step"]:
        out["FORWARD_CHUNKING_SLOWDOWN"] = round(chunked["s_per_step"] / plain["s_per_step"], 2)
    seq = find("sequential", True, 8) or find("sequential", True, 2)
    if chunked and seq and seq["s_per_step"] and chunked["s_per_step"]:
        out["SEQUENTIAL_SLOWDOWN"] = round(seq["s_per_step"] / chunked["s_per_step"], 2)
    if plain and plain["s_per_step"]:
        tflop = planmod.FLOP_K * spec.denoiser_params * (width * height / 64) * frames * 2 / 1e12
        out["gpu_effective_tflops"] = round(tflop / plain["s_per_step"], 1)
    reserved = [r["denoise_peak_gib"] - r["denoise_peak_allocated_gib"] for r in results
                if r["ok"] and "denoise_peak_gib" in r]
    if reserved:
        out["OVERHEAD_GIB"] = round(context_gib + max(reserved), 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=25)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--height", type=int, default=576)
    ap.add_argument("--steps", type=int, default=4, help="denoising steps per run (the first is not timed)")
    ap.add_argument("--offload", nargs="*", default=list(OFFLOADS), choices=OFFLOADS)
    ap.add_argument("--decode", nargs="*", type=int, default=list(DECODES))
    ap.add_argument("--tiny", action="store_true", help="the tiny test model (smoke test; any machine)")
    ap.add_argument("--json", type=Path, help="write all results here")
    args = ap.parse_args()

    import torch

    cuda = torch.cuda.is_available()
    device = "cuda" if cuda else "cpu"
    if not cuda and not args.tiny:
        print("no CUDA GPU: run with --tiny for a smoke test of this script", file=sys.stderr)
        return 2
    context_gib = 0.0
    gpu_name = "CPU"
    if cuda:
        torch.zeros(1, device="cuda")
        free, total = torch.cuda.mem_get_info()
        context_gib = (total - free) / GIB  # the CUDA context (and anything else on the card)
        gpu_name = torch.cuda.get_device_name(0)
    offloads = args.offload if cuda else ["none"]  # offload needs an accelerator

    spec = default_spec(Tier.SVD_XT)
    build = build_tiny_pipeline if args.tiny else build_full_pipeline
    width, height = (176, 96) if args.tiny else (args.width, args.height)
    from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo

    hw = HardwareInfo(gpus=(GpuInfo(gpu_name, "NVIDIA", "cuda", int(torch.cuda.get_device_properties(0).total_memory
                                                                        // (1 << 20))),) if cuda else (),
                      ram_total_mb=65536, cpu_cores_physical=8, torch_version=torch.__version__, cuda_available=cuda)
    machine = machine_for(hw)
    base = plan_for(machine, Tier.SVD_XT, AiOptions(steps=args.steps, frames_per_clip=args.frames), spec=spec)
    base = dataclasses.replace(base, width=width, height=height)
    image = np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)
    files = backends.ModelFiles(Tier.SVD_XT, "svd-xt", Path("."), "benchmark")
    results: list[dict[str, Any]] = []
    print(f"{gpu_name}: SVD-XT {'(tiny) ' if args.tiny else ''}{width}x{height}, {args.frames} frames, "
          f"{args.steps} steps, fp16={cuda}; CUDA context {context_gib:.2f} GiB")
    header = f"{'offload':<11}{'chunking':<9}{'decode':>6}{'s/step':>8}{'decode s':>9}{'denoise GiB':>12}" \
             f"{'decode GiB':>11}{'est GiB':>8}{'est s/step':>11}"
    print(header)
    for offload in offloads:
        t = time.perf_counter()
        pipe = build(device)
        if not args.tiny and offload == "none":  # the real parameter counts of what was built
            spec = dataclasses.replace(spec, unet_params=float(params(pipe.unet)), vae_params=float(params(pipe.vae)),
                                       encoder_params=float(params(pipe.image_encoder)))
        place(pipe, offload, device)
        print(f"  (built and placed for offload={offload} in {time.perf_counter() - t:.0f} s)")
        backend = backends.Backend(files, pipe, device, "float16" if cuda else "float32", offload)  # type: ignore[arg-type]
        for chunking in (False, True):
            for decode in args.decode:
                plan = dataclasses.replace(base, spec=spec, offload=offload, forward_chunking=chunking,
                                           decode_chunk=decode)
                plan = dataclasses.replace(plan, estimate=planmod.estimate(
                    spec, machine, width, height, args.frames, args.steps, decode, chunking, False, offload))
                r = measure(backend, plan, image, cuda)
                results.append(r)
                if r["ok"]:
                    print(f"{offload:<11}{'on' if chunking else 'off':<9}{decode:>6}{r['s_per_step'] or 0:>8.2f}"
                          f"{r['decode_s']:>9.2f}{r.get('denoise_peak_gib', 0):>12.2f}{r.get('decode_peak_gib', 0):>11.2f}"
                          f"{r['estimated_peak_gib']:>8.1f}{r['estimated_s_per_step']:>11.2f}")
                else:
                    print(f"{offload:<11}{'on' if chunking else 'off':<9}{decode:>6}  {r['error']}")
        del backend, pipe
        gc.collect()
        if cuda:
            torch.cuda.empty_cache()
    suggestion = suggest(results, spec, machine, args.frames, width, height, context_gib)
    print("\nconstants for engine/ai/plan.py (measured vs current):")
    print(json.dumps(suggestion, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"gpu": gpu_name, "context_gib": context_gib, "frames": args.frames,
                                         "width": width, "height": height, "steps": args.steps,
                                         "tiny": args.tiny, "results": results, "suggested": suggestion},
                                        indent=2), encoding="utf-8")
    return 0 if all(r["ok"] for r in results) or cuda else 1


if __name__ == "__main__":
    raise SystemExit(main())
