"""Tiny random-weight voice models, built on the spot (nothing downloaded, nothing committed).

They have the real file layout of ``suno/bark-small`` and ``coqui/XTTS-v2``, so the
tests install them with ``ModelStore.import_folder`` and the engines load them through
the same model-store path as the real ones. Random weights speak noise, quickly.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

#: Bark's special token ranges (from its generation config) fix the vocabulary sizes.
_BARK_TEXT_VOCAB = 129_600
_BARK_SEMANTIC_OUT = 10_048
_BARK_COARSE_VOCAB = 12_096
_BARK_FINE_VOCAB = 1_056


def build_tiny_bark(folder: Path, *, presets: tuple[str, ...] = ("v2/en_speaker_6", "v2/de_speaker_3")) -> Path:
    """A Bark checkpoint with 2-layer, 32-wide GPTs and a tiny EnCodec, plus speaker presets."""
    import torch
    from transformers import BarkConfig, BarkModel, BertTokenizer, EncodecConfig, GenerationConfig
    from transformers.models.bark.configuration_bark import BarkCoarseConfig, BarkFineConfig, BarkSemanticConfig
    from transformers.models.bark.generation_configuration_bark import (
        BarkCoarseGenerationConfig,
        BarkFineGenerationConfig,
        BarkGenerationConfig,
        BarkSemanticGenerationConfig,
    )

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    common: dict[str, Any] = {"num_layers": 2, "num_heads": 2, "hidden_size": 32, "block_size": 1024, "dropout": 0.0,
                                  "bias": False}
    config = BarkConfig(
        semantic_config=BarkSemanticConfig(input_vocab_size=_BARK_TEXT_VOCAB, output_vocab_size=_BARK_SEMANTIC_OUT,
                                           **common).to_dict(),
        coarse_acoustics_config=BarkCoarseConfig(input_vocab_size=_BARK_COARSE_VOCAB,
                                                 output_vocab_size=_BARK_COARSE_VOCAB, **common).to_dict(),
        fine_acoustics_config=BarkFineConfig(input_vocab_size=_BARK_FINE_VOCAB, output_vocab_size=_BARK_FINE_VOCAB,
                                             n_codes_total=8, n_codes_given=1, **common).to_dict(),
        codec_config=EncodecConfig(hidden_size=16, num_filters=4, num_lstm_layers=1, codebook_dim=16,
                                   codebook_size=1024, num_residual_layers=1, upsampling_ratios=[8, 5, 4, 2],
                                   target_bandwidths=[1.5, 3.0, 6.0, 12.0, 24.0], sampling_rate=24000).to_dict(),
    )
    model = BarkModel(config)
    # Short generations: 30 semantic tokens is about 0.6 s of (noise) speech.
    gen = BarkGenerationConfig(
        semantic_config=BarkSemanticGenerationConfig(max_new_tokens=30).to_dict(),
        coarse_acoustics_config=BarkCoarseGenerationConfig().to_dict(),
        fine_acoustics_config=BarkFineGenerationConfig().to_dict(), sample_rate=24000, codebook_size=1024)
    # transformers 5.x: save_pretrained validates attributes the Bark config never sets.
    for key, value in GenerationConfig().__dict__.items():
        if not hasattr(gen, key):
            setattr(gen, key, value)
    model.generation_config = gen
    model.save_pretrained(folder)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"abcdefghijklmnopqrstuvwxyzäöüß.,!?'"]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizer(str(folder / "vocab.txt"))
    tok.save_pretrained(folder)
    rng = np.random.default_rng(0)
    table: dict[str, Any] = {"repo_or_path": "suno/bark-small"}
    for preset in presets:
        name = preset.split("/", 1)[1]
        files = {}
        for key, shape, high in (("semantic_prompt", (20,), 10_000), ("coarse_prompt", (2, 30), 1024),
                                 ("fine_prompt", (8, 30), 1024)):
            rel = f"speaker_embeddings/v2/{name}_{key}.npy"
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            np.save(folder / rel, rng.integers(0, high, shape))
            files[key] = rel
        table[preset] = files
    (folder / "speaker_embeddings_path.json").write_text(json.dumps(table), encoding="utf-8")
    return folder


def build_tiny_xtts(folder: Path, *, speakers: tuple[str, ...] = ("Claribel Dervla", "Ana Florence")) -> Path:
    """An XTTS checkpoint (2 GPT layers, 64 channels; the HiFi-GAN decoder keeps its fixed size) with a
    hand-made character vocabulary and built-in speakers."""
    import torch
    from tokenizers import Tokenizer, models
    from TTS.tts.configs.xtts_config import XttsArgs, XttsAudioConfig, XttsConfig
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    langs = ["en", "de", "fr", "es"]
    specials = ["[STOP]", "[UNK]", "[SPACE]", "[START]", *(f"[{lang}]" for lang in langs)]
    chars = list("abcdefghijklmnopqrstuvwxyzäöüßéèàç0123456789.,!?'-:;\"()")
    tok = Tokenizer(models.BPE(vocab={t: i for i, t in enumerate(specials + chars)}, merges=[], unk_token="[UNK]"))
    tok.add_special_tokens(specials)
    tok.save(str(folder / "vocab.json"))
    args = XttsArgs(gpt_layers=2, gpt_n_model_channels=64, gpt_n_heads=2, gpt_num_audio_tokens=1026,
                    gpt_start_audio_token=1024, gpt_stop_audio_token=1025, gpt_max_audio_tokens=16,
                    gpt_max_text_tokens=200, gpt_max_prompt_tokens=20, decoder_input_dim=64, d_vector_dim=512,
                    gpt_use_perceiver_resampler=True)
    config = XttsConfig(model_args=args, audio=XttsAudioConfig(sample_rate=22050, output_sample_rate=24000),
                        languages=langs)
    model = Xtts(config)
    model.tokenizer = VoiceBpeTokenizer(str(folder / "vocab.json"))
    model.init_models()
    torch.save({"model": model.state_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    voices = {name: {"gpt_cond_latent": torch.randn(1, 32, 64), "speaker_embedding": torch.randn(1, 512, 1)}
              for name in speakers}
    torch.save(voices, folder / "speakers_xtts.pth")
    return folder
