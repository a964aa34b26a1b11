"""Bark through transformers' ``BarkModel`` (bark-small on modest GPUs or the CPU, bark on strong GPUs).

Loaded only from the model store's folder (no hub access: ``local_files_only``).
Voices are Bark's speaker presets (``v2/en_speaker_6``...) from the model folder's
``speaker_embeddings``; a chunk is at most ~13 s of speech, so chunks stay short.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

from vidgen_desktop.core.errors import InputError, MissingDependencyError, RenderError, UsageError
from vidgen_desktop.engine.tts.audio import as_mono_float
from vidgen_desktop.engine.tts.base import (
    BARK_CHAR_LIMITS,
    BARK_DEFAULT_CHARS,
    BARK_LANGUAGES,
    EngineId,
    Speech,
    SpeechEngine,
    VoiceInfo,
    VoiceRequest,
    match_language,
)

#: The preset used per language when the user names none (Suno's most neutral narrators).
DEFAULT_SPEAKER = {"en": 6, "de": 3, "es": 1, "fr": 1, "hi": 2, "it": 2, "ja": 2, "ko": 0, "pl": 1, "pt": 1, "ru": 2,
                   "tr": 1, "zh": 1}


def missing_ml(feature: str, packages: list[str]) -> MissingDependencyError:
    err = MissingDependencyError(feature, packages, "tts")
    err.hint = ("install torch first with a pinned version (pip install torch==2.13.0), then "
                f"pip install {' '.join(p if p != 'TTS' else 'coqui-tts' for p in packages if p != 'torch')}"
                " (see README: Optional parts)")
    return err


def pick_device(requested: str | None, torch: Any) -> str:
    if requested:
        return requested
    if torch.cuda.is_available():
        return "cuda"
    return "cpu"  # MPS runs Bark's sampling slower than the CPU and with gaps in op support


def normalize_preset(voice: str) -> str:
    """"en_speaker_6" / "v2/en_speaker_6" / "EN-6" → "v2/en_speaker_6"."""
    v = voice.strip()
    m = re.fullmatch(r"(?:v2/)?([a-z]{2})[_-](?:speaker[_-])?(\d)", v, re.IGNORECASE)
    if m:
        return f"v2/{m.group(1).lower()}_speaker_{m.group(2)}"
    return v


class BarkEngine(SpeechEngine):
    engine_id = EngineId.BARK

    def __init__(self, model_dir: Path, model_id: str, request: VoiceRequest) -> None:
        if request.voice_sample is not None:
            raise UsageError("Bark cannot copy a voice from a sample; use --engine xtts for voice cloning, "
                             "or pick a Bark speaker with --voice (e.g. v2/en_speaker_6)")
        self.language = match_language(self.engine_id, request.language, BARK_LANGUAGES)
        if request.voice:
            pm = re.fullmatch(r"v2/([a-z]{2})_speaker_\d", normalize_preset(request.voice))
            if pm and not request.language:
                self.language = pm.group(1)
        try:
            torch: Any = importlib.import_module("torch")
            transformers: Any = importlib.import_module("transformers")
        except ImportError as exc:
            raise missing_ml("The Bark voice", ["torch", "transformers"]) from exc
        BarkModel, BarkProcessor = transformers.BarkModel, transformers.BarkProcessor
        transformers.utils.logging.set_verbosity_error()
        transformers.utils.logging.disable_progress_bar()
        self._torch = torch
        self.model_id = model_id
        self.device = pick_device(request.device, torch)
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        try:
            self.processor: Any = BarkProcessor.from_pretrained(str(model_dir), local_files_only=True)
            self.model: Any = BarkModel.from_pretrained(str(model_dir), dtype=dtype, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(model_dir, f"the Bark model could not be loaded ({exc})",
                             hint=f"verify it: vidgen-desktop models verify {model_id}") from None
        self.model.to(self.device).eval()
        self.sample_rate = int(getattr(self.model.generation_config, "sample_rate", 24000) or 24000)
        self.presets = sorted(k for k in (self.processor.speaker_embeddings or {}) if k != "repo_or_path")
        self.voice: str | None = None
        if request.voice:
            preset = normalize_preset(request.voice)
            if preset not in self.presets:
                shown = ", ".join(self.presets[:12]) + (" ..." if len(self.presets) > 12 else "")
                raise UsageError(f"unknown Bark voice {request.voice!r} (this model has: {shown or 'no presets'})")
            self.voice = preset
        else:
            default = f"v2/{self.language}_speaker_{DEFAULT_SPEAKER.get(self.language, 0)}"
            if default in self.presets:
                self.voice = default
            else:
                same_lang = [p for p in self.presets if p.startswith(f"v2/{self.language}_")]
                self.voice = same_lang[0] if same_lang else None
        self._history = self._load_preset(model_dir, self.voice) if self.voice else None
        self.seed = request.seed
        self._calls = 0
        self.description = f"Bark ({model_id}), voice {self.voice or 'random (model has no presets)'}"

    def _load_preset(self, model_dir: Path, preset: str) -> dict[str, Any]:
        """The preset's three prompt arrays, read from the model folder (never the network)."""
        import numpy as np

        paths = (self.processor.speaker_embeddings or {}).get(preset) or {}
        out: dict[str, Any] = {}
        for key in ("semantic_prompt", "coarse_prompt", "fine_prompt"):
            rel = paths.get(key)
            path = (model_dir / rel).resolve() if isinstance(rel, str) else None
            if path is None or not path.is_relative_to(model_dir.resolve()) or not path.is_file():
                raise InputError(model_dir, f"the Bark voice {preset!r} lacks its {key} file",
                                 hint=f"verify the model: vidgen-desktop models verify {self.model_id}")
            try:
                out[key] = np.load(path, allow_pickle=False)
            except (OSError, ValueError) as exc:
                raise InputError(path, f"is not a valid Bark voice file ({exc})") from None
        return out

    def max_chunk_chars(self) -> int:
        return BARK_CHAR_LIMITS.get(self.language, BARK_DEFAULT_CHARS)

    def synthesize(self, text: str) -> Speech:
        torch = self._torch
        inputs = self.processor(text, voice_preset=self._history, return_tensors="pt")
        inputs = {k: (v.to(self.device) if hasattr(v, "to") else
                      {kk: vv.to(self.device) for kk, vv in v.items()} if isinstance(v, dict) else v)
                  for k, v in inputs.items()}
        if self.seed is not None:
            torch.manual_seed(self.seed + self._calls)
        self._calls += 1
        try:
            with torch.inference_mode():
                out = self.model.generate(**inputs, return_output_lengths=True)
        except RuntimeError as exc:
            if "out of memory" in str(exc).lower():
                raise RenderError("the Bark voice ran out of GPU memory",
                                  hint="use bark-small, or --engine system") from None
            raise
        audio, lengths = out if isinstance(out, tuple) else (out, None)
        wav = audio[0]
        if lengths is not None:
            wav = wav[: int(lengths[0])]
        return Speech(as_mono_float(wav.float().cpu().numpy()), self.sample_rate)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(p, p.split("/", 1)[-1].replace("_", " "), (p.split("/", 1)[-1][:2],)) for p in self.presets]

    def close(self) -> None:
        self.model = None
        if self.device == "cuda":
            self._torch.cuda.empty_cache()
