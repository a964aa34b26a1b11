"""What a video model is, as far as planning goes: native size, clip length, parameter counts.

:func:`default_spec` gives the published figures for each tier's real model, so a plan
can be shown before anything is downloaded. :func:`spec_from_folder` reads an installed
model's own ``config.json`` files and safetensors headers (JSON, a few KB; no torch, no
weights loaded), so the plan fits the model actually on disk, tiny test models included.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from vidgen_desktop.core.jobs import Tier

Kind = Literal["svd", "animatediff", "wan", "ltx"]
#: Kinds built on a video diffusion transformer (DiT) with a text encoder: planned by :mod:`.plan_dit`.
DIT_KINDS: tuple[str, ...] = ("wan", "ltx")

#: Frames per second each model's clips are played at (its motion was trained at this rate).
#: SVD is conditioned on fps (default 7, the value in Stability's sampling script); SVD-XT
#: 1.1 was fine-tuned at a fixed 6 fps (its model card); AnimateDiff trains at 8 fps.
#: Wan2.2 TI2V-5B and LTX-Video generate at 24 fps (their model cards).
NATIVE_FPS: dict[Tier, int] = {Tier.SVD: 7, Tier.SVD_XT: 6, Tier.ANIMATEDIFF: 8, Tier.LTX: 24, Tier.WAN: 24}

#: Published parameter counts of the real models (used until the model is installed):
#: SVD/SVD-XT UNet 1.52 B, temporal VAE 98 M, CLIP ViT-H/14 image encoder 632 M;
#: SD 1.5 UNet 860 M, VAE 84 M, CLIP ViT-L text encoder 123 M, AnimateDiff v3 motion
#: adapter 419 M (837 MB in fp16), SparseCtrl RGB 497 M (994 MB in fp16).
_SVD_PARAMS = (1.52e9, 0.098e9, 0.632e9)
_AD_PARAMS = (0.86e9 + 0.419e9, 0.084e9, 0.123e9)
SPARSECTRL_PARAMS = 0.497e9
#: Wan2.2 TI2V-5B: a 5.0 B dense DiT (30 blocks, 3072 wide), the Wan2.2 VAE (16x16x4 compression,
#: 48 latent channels, ~0.7 B; 2.8 GB in fp32), the UMT5-XXL encoder (5.7 B). LTX-Video 0.9.x:
#: a 1.9 B DiT (28 blocks, 2048 wide), its VAE (32x32x8, ~0.42 B), the T5 v1.1 XXL encoder (4.76 B).
_WAN_PARAMS = (5.0e9, 0.70e9, 5.68e9)
_LTX_PARAMS = (1.92e9, 0.42e9, 4.76e9)


@dataclass(frozen=True)
class ModelSpec:
    """The planning-relevant facts of one model.

    ``native_area`` is the pixel count the model was trained at (1024x576 for SVD);
    a plan keeps that area and follows the output's aspect. ``size_multiple`` is what
    width and height must be divisible by (VAE factor x UNet downsampling).
    """

    tier: Tier
    kind: Kind
    native_area: int
    size_multiple: int
    frames: int
    fps: int
    unet_params: float
    vae_params: float
    encoder_params: float
    controlnet_params: float = 0.0
    sparsectrl: bool = False
    from_files: bool = False
    #: DiT models: frames per clip are ``k * frame_step + 1`` (the VAE's temporal compression).
    frame_step: int = 1
    #: DiT models: transformer blocks and width (group offload and attention cost).
    layers: int = 0
    hidden: int = 0

    @property
    def is_dit(self) -> bool:
        return self.kind in DIT_KINDS

    @property
    def total_params(self) -> float:
        return self.unet_params + self.vae_params + self.encoder_params + self.controlnet_params

    @property
    def denoiser_params(self) -> float:
        """What runs at every step (the UNet, plus SparseCtrl's ControlNet)."""
        return self.unet_params + self.controlnet_params

    def to_dict(self) -> dict[str, Any]:
        return {
            "tier": self.tier.value, "kind": self.kind, "native_area": self.native_area,
            "size_multiple": self.size_multiple, "frames": self.frames, "fps": self.fps,
            "params": round(self.total_params), "sparsectrl": self.sparsectrl, "from_files": self.from_files,
        }


def default_spec(tier: Tier) -> ModelSpec:
    if tier in (Tier.SVD, Tier.SVD_XT):
        unet, vae, enc = _SVD_PARAMS
        return ModelSpec(tier, "svd", 1024 * 576, 64, 25 if tier is Tier.SVD_XT else 14, NATIVE_FPS[tier],
                         unet, vae, enc)
    if tier is Tier.ANIMATEDIFF:
        # The catalogue's AnimateDiff model includes SparseCtrl RGB (it animates the picture).
        unet, vae, enc = _AD_PARAMS
        return with_sparsectrl(ModelSpec(tier, "animatediff", 512 * 512, 64, 16, NATIVE_FPS[tier], unet, vae, enc))
    if tier is Tier.WAN:  # 1280x704 (704x1280 for 9:16), 121 frames = 5 s at 24 fps
        unet, vae, enc = _WAN_PARAMS
        return ModelSpec(tier, "wan", 1280 * 704, 32, 121, NATIVE_FPS[tier], unet, vae, enc,
                         frame_step=4, layers=30, hidden=3072)
    if tier is Tier.LTX:  # 768x512, 121 frames (the model card's recommended length)
        unet, vae, enc = _LTX_PARAMS
        return ModelSpec(tier, "ltx", 768 * 512, 32, 121, NATIVE_FPS[tier], unet, vae, enc,
                         frame_step=8, layers=28, hidden=2048)
    raise ValueError(f"{tier.value} is not an AI tier")


def with_sparsectrl(spec: ModelSpec, params: float = SPARSECTRL_PARAMS) -> ModelSpec:
    return replace(spec, sparsectrl=True, controlnet_params=params)


# ----------------------------------------------------------------------------- files

def _read_json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a JSON object")  # noqa: TRY004 - a damaged file, not a caller's type
    return data


def safetensors_params(path: Path) -> int:
    """Parameters in one safetensors file, from its header only (8-byte length + JSON)."""
    with path.open("rb") as f:
        raw = f.read(8)
        if len(raw) != 8:
            raise ValueError(f"{path}: not a safetensors file")
        (n,) = struct.unpack("<Q", raw)
        if n <= 0 or n > 100_000_000:
            raise ValueError(f"{path}: damaged safetensors header")
        header = json.loads(f.read(n))
    total = 0
    for name, info in header.items():
        if name == "__metadata__" or not isinstance(info, dict):
            continue
        total += math.prod(int(d) for d in info.get("shape", []))
    return total


def folder_params(folder: Path) -> int:
    """Parameters of the weights in ``folder`` (one variant: fp16 files when there are any)."""
    files = sorted(folder.glob("*.safetensors"))
    fp16 = [f for f in files if ".fp16." in f.name]
    return sum(safetensors_params(f) for f in (fp16 or files))


def _multiple(unet_cfg: dict[str, Any], vae_cfg: dict[str, Any]) -> int:
    vae_factor = 2 ** (len(vae_cfg.get("block_out_channels", [0, 0, 0, 0])) - 1)
    downs = len(unet_cfg.get("down_block_types", [0, 0, 0, 0]))
    return int(vae_factor * 2 ** (downs - 1))


def spec_from_folder(tier: Tier, root: Path, adapter: Path | None = None, sparsectrl: Path | None = None) -> ModelSpec:
    """Spec of an installed model: ``root`` is the pipeline folder (SVD) or the SD 1.5 base
    folder (AnimateDiff, with the motion adapter in ``adapter``). Raises ``OSError`` or
    ``ValueError`` when the files are missing or unreadable (the model is then damaged)."""
    base = default_spec(tier)
    if base.is_dit:
        return dit_spec_from_folder(base, root)
    unet_cfg = _read_json(root / "unet" / "config.json")
    vae_cfg = _read_json(root / "vae" / "config.json")
    vae_factor = 2 ** (len(vae_cfg.get("block_out_channels", [0] * 4)) - 1)
    side = int(unet_cfg.get("sample_size") or (96 if base.kind == "svd" else 64)) * vae_factor
    if base.kind == "svd":
        return replace(
            base,
            native_area=side * side,
            size_multiple=_multiple(unet_cfg, vae_cfg),
            frames=int(unet_cfg.get("num_frames") or base.frames),
            unet_params=float(folder_params(root / "unet")),
            vae_params=float(folder_params(root / "vae")),
            encoder_params=float(folder_params(root / "image_encoder")),
            from_files=True,
        )
    if adapter is None:
        raise ValueError("AnimateDiff needs its motion adapter folder")
    _read_json(adapter / "config.json")
    spec = replace(
        base,
        native_area=side * side,
        size_multiple=_multiple(unet_cfg, vae_cfg),
        unet_params=float(folder_params(root / "unet") + folder_params(adapter)),
        vae_params=float(folder_params(root / "vae")),
        encoder_params=float(folder_params(root / "text_encoder")),
        sparsectrl=False,
        controlnet_params=0.0,
        from_files=True,
    )
    if sparsectrl is not None:
        _read_json(sparsectrl / "config.json")
        spec = with_sparsectrl(spec, float(folder_params(sparsectrl)))
    return spec


def _compression(kind: str, tr: dict[str, Any], vae: dict[str, Any]) -> tuple[int, int]:
    """(pixels per token side, frames per latent frame) of a Wan or LTX model's own configs."""
    if kind == "wan":
        patch = tr.get("patch_size") or [1, 2, 2]
        spatial = int(vae.get("scale_factor_spatial") or 8) * int(patch[1])
        return spatial, int(vae.get("scale_factor_temporal") or 4) * int(patch[0])
    scaling = sum(1 for s in vae.get("spatio_temporal_scaling") or [True, True, True, False] if s)
    spatial = int(vae.get("patch_size") or 4) * 2 ** scaling * int(tr.get("patch_size") or 1)
    return spatial, int(vae.get("patch_size_t") or 1) * 2 ** scaling * int(tr.get("patch_size_t") or 1)


def dit_spec_from_folder(base: ModelSpec, root: Path) -> ModelSpec:
    """Spec of an installed Wan or LTX pipeline folder (``transformer/``, ``vae/``, ``text_encoder/``).

    The native size is the published one, unless the transformer's config names a
    ``sample_size`` (token grid ``[h, w]`` or a side), as UNet configs do. The LTX pipelines
    accept only sizes divisible by 32, whatever the VAE."""
    tr = _read_json(root / "transformer" / "config.json")
    vae = _read_json(root / "vae" / "config.json")
    spatial, temporal = _compression(base.kind, tr, vae)
    area = base.native_area
    sample = tr.get("sample_size")
    if isinstance(sample, int):
        area = (sample * spatial) ** 2
    elif isinstance(sample, list) and len(sample) == 2:
        area = int(sample[0]) * int(sample[1]) * spatial * spatial
    return replace(
        base,
        native_area=area,
        size_multiple=max(32, spatial) if base.kind == "ltx" else spatial,
        frame_step=temporal,
        layers=int(tr.get("num_layers") or base.layers),
        hidden=int(tr.get("num_attention_heads") or 1) * int(tr.get("attention_head_dim") or base.hidden),
        unet_params=float(folder_params(root / "transformer")),
        vae_params=float(folder_params(root / "vae")),
        encoder_params=float(folder_params(root / "text_encoder")),
        from_files=True,
    )
