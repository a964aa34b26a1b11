"""Tiny random-weight Whisper and M2M100 models, built on the spot (nothing downloaded, nothing committed).

The Whisper one has the file layout of ``Systran/faster-whisper-*`` (CTranslate2 ``model.bin``,
``config.json``, ``vocabulary.json``, ``tokenizer.json``, ``preprocessor_config.json``): a
transformers ``WhisperForConditionalGeneration`` 2 layers wide 32, with a byte-level BPE
tokenizer made in code that has Whisper's special tokens in Whisper's order, converted with
CTranslate2's own converter. Random weights transcribe speech into arbitrary text; the tests
assert structure and timing, not words.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

#: Whisper's 99 languages (the multilingual models before large-v3), in token order.
WHISPER_LANGS = (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi ml "
    "cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd gu "
    "am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su"
).split()
_SPECIALS_BEFORE = ("<|endoftext|>", "<|startoftranscript|>")
_SPECIALS_AFTER = ("<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>",
                   "<|notimestamps|>")
N_TIMESTAMPS = 1501
#: Text tokens before ``<|endoftext|>`` in the real multilingual vocabulary; CTranslate2 calls a Whisper model
#: multilingual (language tokens, detection) only from this vocabulary size on.
N_TEXT = 50257


def _byte_vocab() -> dict[str, int]:
    """GPT-2's byte-to-unicode table: one token per byte."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): i for i, c in enumerate(sorted(cs, key=lambda c: bs[cs.index(c)]))}


def build_whisper_tokenizer(folder: Path) -> list[str]:
    """``tokenizer.json`` (+ the transformers files) with 256 byte tokens then Whisper's specials; the
    special tokens in order."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import WhisperTokenizerFast

    vocab = _byte_vocab()
    # Fill the text range with made-up words ("Ġab", "cde"): random weights then "say" pseudo-words.
    letters = "abcdefghijklmnopqrstuvwxyz"
    for word in (a + b + c for a in letters for b in letters for c in ("", *letters)):
        for piece in ("Ġ" + word, word):
            if len(vocab) < N_TEXT and piece not in vocab:
                vocab[piece] = len(vocab)
    for i in range(N_TEXT - len(vocab)):
        vocab[f"Ġw{i}"] = len(vocab)
    specials = [*_SPECIALS_BEFORE, *(f"<|{c}|>" for c in WHISPER_LANGS), *_SPECIALS_AFTER]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    fast = WhisperTokenizerFast(tokenizer_object=tok, unk_token="<|endoftext|>", bos_token="<|endoftext|>",
                                eos_token="<|endoftext|>", pad_token="<|endoftext|>",
                                additional_special_tokens=specials[2:])
    fast.save_pretrained(folder)
    tok.save(str(folder / "tokenizer.json"))
    return specials


def build_whisper_ct2(folder: Path, *, layers: int = 2, width: int = 32, heads: int = 2, decoder_layers: int | None = None,
                      ffn: int | None = None, mels: int = 80, quantization: str = "int8") -> Path:
    """A random-weight Whisper of any size, converted by CTranslate2's converter into ``folder`` (what
    ``Systran/faster-whisper-*`` repos hold). The defaults make a tiny one; the benchmark builds full sizes."""
    import ctranslate2.converters
    import torch
    from transformers import GenerationConfig, WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

    torch.manual_seed(0)
    dec_layers = layers if decoder_layers is None else decoder_layers
    with tempfile.TemporaryDirectory(prefix="whisper-hf-") as tmp:
        hf = Path(tmp)
        specials = build_whisper_tokenizer(hf)
        n_text = N_TEXT + len(specials)
        ids = {s: N_TEXT + i for i, s in enumerate(specials)}
        config = WhisperConfig(
            vocab_size=n_text + N_TIMESTAMPS, num_mel_bins=mels, encoder_layers=layers, decoder_layers=dec_layers,
            encoder_attention_heads=heads, decoder_attention_heads=heads, d_model=width,
            encoder_ffn_dim=ffn or 2 * width, decoder_ffn_dim=ffn or 2 * width, max_source_positions=1500,
            max_target_positions=448, decoder_start_token_id=ids["<|startoftranscript|>"],
            eos_token_id=ids["<|endoftext|>"], bos_token_id=ids["<|endoftext|>"], pad_token_id=ids["<|endoftext|>"],
            suppress_tokens=[], begin_suppress_tokens=[ids["<|endoftext|>"]])
        model = WhisperForConditionalGeneration(config).eval()
        model.generation_config = GenerationConfig(
            decoder_start_token_id=ids["<|startoftranscript|>"], eos_token_id=ids["<|endoftext|>"],
            pad_token_id=ids["<|endoftext|>"], suppress_tokens=[], begin_suppress_tokens=[ids["<|endoftext|>"]],
            max_length=448, no_timestamps_token_id=ids["<|notimestamps|>"],
            lang_to_id={f"<|{c}|>": ids[f"<|{c}|>"] for c in WHISPER_LANGS},
            task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
            alignment_heads=[[dec_layers - 1, h] for h in range(heads)], is_multilingual=True)
        model.save_pretrained(hf)
        del model
        WhisperFeatureExtractor(feature_size=mels).save_pretrained(hf)
        ctranslate2.converters.TransformersConverter(
            str(hf), copy_files=["tokenizer.json", "preprocessor_config.json"], load_as_float16=False,
        ).convert(str(folder), quantization=quantization, force=True)
    return folder


def build_tiny_whisper(folder: Path) -> Path:
    """A 2-layer, 32-wide Whisper (about 2 MB in int8)."""
    return build_whisper_ct2(folder)


_M2M_SENTENCES = [
    "Hello there, this is a test of the caption translation.",
    "The quick brown fox jumps over the lazy dog.",
    "Guten Tag, das ist ein Test der Übersetzung.",
    "Bonjour, ceci est un essai de traduction des sous-titres.",
    "Captions keep their timing when they are translated.",
]


def build_tiny_m2m100(folder: Path) -> Path:
    """A 2-layer, 32-wide M2M100 with a 120-piece SentencePiece model trained here, in the layout of
    ``facebook/m2m100_418M`` (``config.json``, weights, ``sentencepiece.bpe.model``, ``vocab.json``)."""
    import io

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(_M2M_SENTENCES * 20), model_writer=buf, vocab_size=120,
                                   model_type="bpe", character_coverage=1.0, bos_id=-1, eos_id=-1, unk_id=0,
                                   pad_id=-1, minloglevel=2)
    (folder / "sentencepiece.bpe.model").write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tok = M2M100Tokenizer(str(folder / "vocab.json"), str(folder / "sentencepiece.bpe.model"), src_lang="en",
                          tgt_lang="de")
    tok.save_pretrained(folder)
    # Language tokens (__en__ ...) and 8 "made-up words" come after the SentencePiece vocabulary.
    n_vocab = max(tok.lang_token_to_id.values()) + 1 + 8
    config = M2M100Config(vocab_size=n_vocab, d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2,
                          decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=256,
                          pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2)
    model.save_pretrained(folder)
    return folder


def build_tiny_nllb(folder: Path) -> Path:
    """A 2-layer, 32-wide NLLB-200 (the M2M100 architecture) with a tokenizer from a tiny SentencePiece vocabulary
    and NLLB's 202 FLORES-200 language codes, in the layout of ``facebook/nllb-200-distilled-600M``."""
    import io

    import sentencepiece as spm
    import torch
    from transformers import GenerationConfig, M2M100Config, M2M100ForConditionalGeneration, NllbTokenizer

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(_M2M_SENTENCES * 20), model_writer=buf, vocab_size=100,
                                   model_type="bpe", character_coverage=1.0, bos_id=-1, eos_id=-1, unk_id=0,
                                   pad_id=-1, minloglevel=2)
    (folder / "sentencepiece.bpe.model").write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        vocab.setdefault(sp.id_to_piece(i), len(vocab))
    tok = NllbTokenizer(vocab=vocab, merges=[], src_lang="eng_Latn", tgt_lang="deu_Latn")
    tok.save_pretrained(folder)
    config = M2M100Config(vocab_size=len(tok), d_model=32, encoder_layers=2, decoder_layers=2,
                          encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                          max_position_embeddings=256, pad_token_id=1, bos_token_id=0, eos_token_id=2,
                          decoder_start_token_id=2)
    model = M2M100ForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(bos_token_id=0, eos_token_id=2, pad_token_id=1, decoder_start_token_id=2)
    model.save_pretrained(folder)
    return folder
