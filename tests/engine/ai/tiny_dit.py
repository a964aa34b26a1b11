"""Tiny random-weight Wan2.2 TI2V-5B and LTX-Video pipelines with the real repos' folder layout.

Configs follow diffusers' own fast tests (see ../shared/notes/stack.md): the z_dim 48 Wan2.2
VAE with ``expand_timesteps`` (the TI2V-5B variant), an LTX VAE compressing 4x4x4, tiny
UMT5 / T5 encoders, and a tokenizer trained here on a few sentences (the hub is not
reachable). ``sample_size`` in the transformer's config gives the native latent grid, as
UNet configs do, so the plan generates at a size the CPU renders in a second.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SENTENCES = [
    "The subject of the picture moves gently and naturally, with subtle, lifelike motion.",
    "The camera stays still; the lighting and the scene stay consistent.",
    "Smooth motion, high quality, detailed. Very slight, calm movement. Lively, clearly visible movement.",
    "static, still image, blurry, distorted, low quality, watermark, text, leaves in the wind, waves",
]


def tiny_t5_tokenizer(vocab_size: int = 200) -> Any:
    """A Unigram SentencePiece-style tokenizer trained on :data:`SENTENCES`, as a T5TokenizerFast."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import T5TokenizerFast

    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=vocab_size, special_tokens=["<pad>", "</s>", "<unk>"],
                                      unk_token="<unk>")
    tok.train_from_iterator(SENTENCES * 4, trainer=trainer)
    return T5TokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                           extra_ids=0)


def _with_sample_size(folder: Path, grid: tuple[int, int]) -> None:
    cfg_path = folder / "transformer" / "config.json"
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    cfg["sample_size"] = list(grid)
    cfg_path.write_text(json.dumps(cfg, indent=2), encoding="utf-8")


def build_wan(dest: Path) -> Path:
    """A tiny ``WanImageToVideoPipeline`` shaped like Wan-AI/Wan2.2-TI2V-5B-Diffusers (48-channel VAE,
    16x spatial / 4x temporal compression, patch 1x2x2, ``expand_timesteps``, no image encoder)."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12, is_residual=True, patch_size=2,
                           latents_mean=[0.0] * 48, latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           scale_factor_spatial=16, scale_factor_temporal=4, temperal_downsample=[False, True, True])
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=48, out_channels=48,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32)
    tokenizer = tiny_t5_tokenizer()
    encoder = UMT5EncoderModel(UMT5Config(vocab_size=len(tokenizer), d_model=32, d_ff=37, num_layers=2, num_heads=4,
                                          d_kv=8, relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1,
                                          decoder_start_token_id=0))
    pipe = WanImageToVideoPipeline(tokenizer=tokenizer, text_encoder=encoder, vae=vae, transformer=transformer,
                                   scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0), image_encoder=None,
                                   image_processor=None, transformer_2=None, expand_timesteps=True)
    pipe.save_pretrained(str(dest))
    _with_sample_size(dest, (2, 2))  # 64x64 pixels: 96x64 at 16:9 (multiples of 32)
    return dest


def build_ltx(dest: Path) -> Path:
    """A tiny ``LTXImageToVideoPipeline`` shaped like Lightricks/LTX-Video (diffusers layout, T5 encoder)."""
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXImageToVideoPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                             num_layers=1, caption_channels=32)
    vae = AutoencoderKLLTXVideo(
        in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False), decoder_inject_noise=(False,) * 5,
        upsample_residual=(False,) * 4, upsample_factor=(1,) * 4, timestep_conditioning=False, patch_size=1,
        patch_size_t=1, encoder_causal=True, decoder_causal=False)
    tokenizer = tiny_t5_tokenizer()
    encoder = T5EncoderModel(T5Config(vocab_size=len(tokenizer), d_model=32, d_ff=37, num_layers=2, num_heads=4,
                                      d_kv=8, relative_attention_num_buckets=8, pad_token_id=0, eos_token_id=1,
                                      decoder_start_token_id=0))
    pipe = LTXImageToVideoPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=encoder,
                                   tokenizer=tokenizer, transformer=transformer)
    pipe.save_pretrained(str(dest))
    _with_sample_size(dest, (16, 16))  # 64x64 pixels (the tiny VAE compresses 4x, patch 1)
    return dest
