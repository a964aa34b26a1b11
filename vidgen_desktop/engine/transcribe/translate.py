"""Translated captions: each cue's text translated, the source timing kept.

Three model families from the store, all through transformers: M2M100-418M (MIT, 100
languages, the default), NLLB-200-distilled-600M (200 languages; CC-BY-NC-4.0, accepted in the
model manager before its download) and OPUS-MT (one language pair per model, small and fast).
A translated cue keeps its start and end; its words are re-spread evenly over the cue's span
(word-by-word timing of a translation is not known), so karaoke and word styles still work.
"""

from __future__ import annotations

import importlib.util
import re
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import MissingDependencyError, UsageError
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.captions.cue import Cue, Word
from vidgen_desktop.engine.models.errors import ModelError, ModelNotInstalledError
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.transcribe.cues import cue_text, join_words
from vidgen_desktop.engine.transcribe.result import Transcript
from vidgen_desktop.engine.transcribe.whisper import model_folder, store_for

TRANSLATION_KINDS = ("m2m100", "nllb", "opus-mt")
DEFAULT_TRANSLATION_MODEL = "m2m100-418m"
STAGE = "translate"
#: Cues translated per forward pass.
BATCH = 16

#: Language tokens some tokenizer versions leave in the decoded text (``__de__``, ``eng_Latn``).
_LANG_TOKEN = re.compile(r"__[a-z]{2,3}__|\b[a-z]{3}_[A-Z][a-z]{3}\b")
#: NLLB names languages by script (FLORES-200 codes); the common ones by their ISO 639-1 code.
NLLB_CODES = {
    "en": "eng_Latn", "de": "deu_Latn", "fr": "fra_Latn", "es": "spa_Latn", "it": "ita_Latn", "pt": "por_Latn",
    "nl": "nld_Latn", "pl": "pol_Latn", "ru": "rus_Cyrl", "uk": "ukr_Cyrl", "zh": "zho_Hans", "ja": "jpn_Jpan",
    "ko": "kor_Hang", "ar": "arb_Arab", "he": "heb_Hebr", "hi": "hin_Deva", "tr": "tur_Latn", "sv": "swe_Latn",
    "da": "dan_Latn", "fi": "fin_Latn", "no": "nob_Latn", "cs": "ces_Latn", "el": "ell_Grek", "hu": "hun_Latn",
    "ro": "ron_Latn", "id": "ind_Latn", "vi": "vie_Latn", "th": "tha_Thai", "fa": "pes_Arab", "bn": "ben_Beng",
    "ur": "urd_Arab", "ta": "tam_Taml", "ca": "cat_Latn", "bg": "bul_Cyrl", "hr": "hrv_Latn", "sk": "slk_Latn",
}


def translation_models(store: ModelStore) -> list[str]:
    """Installed translation models, the default first."""
    cat = store.catalogue()
    ids = [m for m in store.installed_ids() if m in cat and cat.get(m).kind in TRANSLATION_KINDS]
    return sorted(ids, key=lambda m: (m != DEFAULT_TRANSLATION_MODEL, cat.get(m).kind != "m2m100", m))


def choose_translation_model(store: ModelStore, source: str, target: str, model_id: str | None = None) -> str:
    """The model to use: the one asked for, else an installed OPUS-MT for the pair, else M2M100, else NLLB."""
    if model_id:
        return model_id
    installed = translation_models(store)
    for m in installed:
        repo = store.entry(m).repo.lower()
        if store.entry(m).kind == "opus-mt" and repo.endswith(f"-{source}-{target}"):
            return m
    general = [m for m in installed if store.entry(m).kind != "opus-mt"]
    if general:
        return general[0]
    raise ModelNotInstalledError(
        f"translating captions needs a translation model, and none for {source} → {target} is installed",
        hint=f"vidgen-desktop models download {DEFAULT_TRANSLATION_MODEL}")


def _lang(code: str) -> str:
    code = code.strip().lower().replace("_", "-")
    if not code or not all(part.isalpha() for part in code.split("-")):
        raise UsageError(f"language {code!r}: give a language code like de, fr, es or zh")
    return code.split("-")[0] if len(code.split("-")[0]) in (2, 3) else code


class Translator:
    """A loaded translation model for one language pair."""

    def __init__(self, folder: Path, model_id: str, kind: str, source: str, target: str,
                 device: str | None = None) -> None:
        if importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None:
            raise MissingDependencyError("caption translation", ["transformers", "torch"], "ai")
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.kind, self.source, self.target = kind, source, target
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
            dtype = torch.float16 if self.device == "cuda" else torch.float32
            self.model = AutoModelForSeq2SeqLM.from_pretrained(str(folder), local_files_only=True, dtype=dtype)
            self.model.to(self.device).eval()
        except Exception as exc:  # noqa: BLE001 - transformers raises many types for damaged files
            raise ModelError(f"{model_id}: the translation model could not be loaded ({str(exc)[:160]})",
                             hint=f"check it with `vidgen-desktop models verify {model_id}`") from None
        self.forced_bos: int | None = None
        if kind == "m2m100":
            if target not in getattr(self.tokenizer, "lang_code_to_id", {}) and \
                    self.tokenizer.convert_tokens_to_ids(f"__{target}__") == self.tokenizer.unk_token_id:
                raise UsageError(f"{model_id} cannot translate into {target!r}")
            self.tokenizer.src_lang = source
            self.forced_bos = int(self.tokenizer.get_lang_id(target))
        elif kind == "nllb":
            src, tgt = NLLB_CODES.get(source, source), NLLB_CODES.get(target, target)
            tid = self.tokenizer.convert_tokens_to_ids(tgt)
            if not isinstance(tid, int) or tid == self.tokenizer.unk_token_id:
                raise UsageError(f"{model_id} cannot translate into {target!r}")
            self.tokenizer.src_lang = src
            self.forced_bos = int(tid)

    def __call__(self, texts: list[str]) -> list[str]:
        import torch

        batch = self.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=256)
        batch = {k: v.to(self.device) for k, v in batch.items()}
        # A caption's translation is about as long as the caption: bound the decode (a model stuck in a loop).
        kwargs: dict[str, Any] = {"max_new_tokens": min(256, 2 * int(batch["input_ids"].shape[1]) + 16),
                                  "num_beams": 1}
        if self.forced_bos is not None:
            kwargs["forced_bos_token_id"] = self.forced_bos
        with torch.inference_mode():
            out = self.model.generate(**batch, **kwargs)
        texts = self.tokenizer.batch_decode(out, skip_special_tokens=True)
        return [" ".join(_LANG_TOKEN.sub(" ", str(t)).split()) for t in texts]


def respread_words(cue: Cue, text: str) -> Cue:
    """``cue`` with ``text``; its words spread evenly (by length) over the cue's span, or dropped when
    the cue had none."""
    if not cue.words:
        return Cue(cue.start, cue.end, text)
    words = text.split()
    if not words:
        return Cue(cue.start, cue.end, text)
    start, end = cue.words[0].start, cue.words[-1].end
    weights = [len(w) + 1 for w in words]
    total, acc, out = sum(weights), 0, []
    for w, k in zip(words, weights):
        a = start + (end - start) * acc / total
        acc += k
        out.append(Word(round(a, 3), round(start + (end - start) * acc / total, 3), w))
    return Cue(cue.start, cue.end, text, tuple(out))


def translate_transcript(
    transcript: Transcript,
    target: str,
    *,
    model_id: str | None = None,
    source: str | None = None,
    models_dir: Path | None = None,
    store: ModelStore | None = None,
    device: str | None = None,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
) -> Transcript:
    """The transcript's cues translated into ``target`` (cue timing kept); blocking, cancellable per batch."""
    cancel = cancel or CancelToken()
    t0 = time.monotonic()
    tgt = _lang(target)
    src = _lang(source or transcript.language or "en")
    if src == tgt:
        return replace(transcript, notes=(*transcript.notes, f"the captions are already in {tgt}"))
    store = store_for(models_dir, store)
    chosen = choose_translation_model(store, src, tgt, model_id)
    kind = store.entry(chosen).kind
    if kind not in TRANSLATION_KINDS:
        raise UsageError(f"{chosen} is a {kind} model, not a translation model")
    folder = model_folder(store, chosen, kind, what="translation")
    on_progress(ProgressEvent(STAGE, 0, len(transcript.cues), 0.0, None, f"loading {chosen}"))
    translator = Translator(folder, chosen, kind, src, tgt, device)
    texts = [join_words(c.text.split("\n")) for c in transcript.cues]
    out: list[str] = []
    for i in range(0, len(texts), BATCH):
        cancel.raise_if_cancelled()
        out += translator(texts[i:i + BATCH])
        on_progress(ProgressEvent(STAGE, len(out), len(texts), time.monotonic() - t0, None,
                                  f"translated {len(out)} of {len(texts)} captions"))
    cues = tuple(respread_words(c, cue_text(t.split()) if t else "") for c, t in zip(transcript.cues, out))
    note = f"translated from {src} to {tgt} with {chosen}; the captions keep the original timing"
    return replace(transcript, cues=cues, language=tgt, notes=(*transcript.notes, note))
