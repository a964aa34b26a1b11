"""Coqui XTTS-v2 (coqui-tts): 17 languages, voice cloning from a 6–30 s reference clip.

Loaded only from the model store's folder (``config.json``, ``model.pth``,
``vocab.json``, optional ``speakers_xtts.pth`` with the built-in voices). The voice
sample is decoded by our ffmpeg (any format the app reads), not by torchaudio.

Licence: the Coqui Public Model License 1.0.0 (non-commercial) — shown before the
download (catalogue) and in the About box (:data:`~vidgen_desktop.engine.tts.base.LICENCE_NOTES`).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.errors import InputError, MissingDependencyError, RenderError, UsageError
from vidgen_desktop.engine.tts.audio import as_mono_float, decode_audio, trim_silence
from vidgen_desktop.engine.tts.bark import missing_ml, pick_device
from vidgen_desktop.engine.tts.base import (
    XTTS_CHAR_LIMITS,
    XTTS_LANGUAGES,
    EngineId,
    Speech,
    SpeechEngine,
    VoiceInfo,
    VoiceRequest,
    match_language,
)

#: The reference clip: XTTS reads up to 30 s; under ~6 s of speech the copy is poor.
SAMPLE_MIN_S = 6.0
SAMPLE_MAX_S = 30.0
#: Tolerance below the minimum (a "6 s" recording trimmed of its silence is a bit shorter).
SAMPLE_SLACK_S = 1.0
SAMPLE_RATE_IN = 22050
#: Built-in voice used when the user gives neither a sample nor a name.
DEFAULT_SPEAKER = "Claribel Dervla"
#: Extra packages coqui needs to read some scripts.
_LANGUAGE_PACKAGES = {"ja": ("cutlet", "fugashi"), "zh-cn": ("pypinyin",)}


def load_voice_sample(path: Path) -> tuple[np.ndarray[Any, np.dtype[np.float32]], list[str]]:
    """Decode and check a reference clip: 22.05 kHz mono, silence trimmed, 6–30 s of sound.

    Returns the samples and notes (e.g. "only the first 30 s are used").
    """
    from vidgen_desktop.engine.media import probe_audio

    path = Path(path)
    info = probe_audio(path)  # missing, empty, not audio, undecodable: InputError naming the file
    notes: list[str] = []
    samples = decode_audio(path, SAMPLE_RATE_IN, max_seconds=min(info.duration_s, 120.0))
    voiced = trim_silence(samples, SAMPLE_RATE_IN, threshold_db=-40.0, keep_s=0.1)
    peak = float(np.max(np.abs(voiced))) if voiced.size else 0.0
    if peak < 1e-3:
        raise InputError(path, "is silent: a voice sample must contain speech",
                         hint="record 6–30 seconds of one person speaking clearly, without music")
    seconds = voiced.size / SAMPLE_RATE_IN
    if seconds < SAMPLE_MIN_S - SAMPLE_SLACK_S:
        raise InputError(path, f"is too short for a voice sample ({seconds:.1f} s of sound; XTTS needs 6–30 s)",
                         hint="record 6–30 seconds of one person speaking clearly")
    if seconds > SAMPLE_MAX_S:
        voiced = voiced[: int(SAMPLE_MAX_S * SAMPLE_RATE_IN)]
        notes.append(f"the voice sample is {seconds:.0f} s long: only its first 30 s are used")
    # A clip recorded very quietly still clones: bring it to a sane level.
    voiced = (voiced * (0.75 / peak)).astype(np.float32) if peak < 0.25 else voiced
    return voiced, notes


class XttsEngine(SpeechEngine):
    engine_id = EngineId.XTTS

    def __init__(self, model_dir: Path, model_id: str, request: VoiceRequest) -> None:
        self.language = match_language(self.engine_id, request.language, XTTS_LANGUAGES)
        self.notes: list[str] = []
        sample = None
        if request.voice_sample is not None and request.voice:
            raise UsageError("give either --voice or --voice-sample, not both")
        if request.voice_sample is not None:
            sample, self.notes = load_voice_sample(request.voice_sample)  # checked before the model loads
        for pkg in _LANGUAGE_PACKAGES.get(self.language, ()):
            if importlib.util.find_spec(pkg) is None:
                err = MissingDependencyError(f"XTTS-v2 in {self.language}", [pkg], "tts")
                err.hint = "pip install 'coqui-tts[languages]'"
                raise err
        try:
            torch: Any = importlib.import_module("torch")
            XttsConfig: Any = importlib.import_module("TTS.tts.configs.xtts_config").XttsConfig
            Xtts: Any = importlib.import_module("TTS.tts.models.xtts").Xtts
        except ImportError as exc:
            raise missing_ml("The XTTS-v2 voice", ["torch", "TTS"]) from exc
        self._torch = torch
        self.model_id = model_id
        self.device = pick_device(request.device, torch)
        try:
            config = XttsConfig()
            config.load_json(str(model_dir / "config.json"))
            model: Any = Xtts(config)
            model.load_checkpoint(config, checkpoint_dir=str(model_dir), eval=True, use_deepspeed=False)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise InputError(model_dir, f"the XTTS model could not be loaded ({type(exc).__name__}: {exc})",
                             hint=f"verify it: vidgen-desktop models verify {model_id}") from None
        self.model = model.to(self.device)
        self.config = config
        self.sample_rate = int(getattr(config.audio, "output_sample_rate", 24000) or 24000)
        speakers: dict[str, Any] = dict(getattr(model.speaker_manager, "speakers", None) or {})
        self.speaker_names = sorted(speakers)
        with torch.inference_mode():
            if sample is not None:
                audio = torch.from_numpy(sample)[None]
                try:
                    self._latent = model.get_gpt_cond_latents(audio, SAMPLE_RATE_IN, length=config.gpt_cond_len,
                                                              chunk_length=config.gpt_cond_chunk_len)
                    self._embedding = model.get_speaker_embedding(audio, SAMPLE_RATE_IN)
                except RuntimeError as exc:
                    raise InputError(request.voice_sample, f"could not be used as a voice sample ({exc})") from None
                self.voice_label = f"cloned from {Path(request.voice_sample or '').name}"
            else:
                name = self._speaker_name(request.voice, speakers)
                entry = speakers[name]
                self._latent, self._embedding = entry["gpt_cond_latent"], entry["speaker_embedding"]
                self.voice_label = name
        self._latent = self._latent.to(self.device)
        self._embedding = self._embedding.to(self.device)
        self.seed = request.seed
        self._calls = 0
        self.description = f"XTTS-v2 ({model_id}), voice {self.voice_label}"

    def _speaker_name(self, voice: str | None, speakers: dict[str, Any]) -> str:
        if not speakers:
            raise UsageError("this XTTS model has no built-in voices: give a voice sample (6–30 s of speech) "
                             "with --voice-sample FILE")
        if voice is None:
            return DEFAULT_SPEAKER if DEFAULT_SPEAKER in speakers else min(speakers)
        by_lower = {n.lower(): n for n in speakers}
        if voice.strip().lower() in by_lower:
            return by_lower[voice.strip().lower()]
        shown = ", ".join(sorted(speakers)[:10]) + (" ..." if len(speakers) > 10 else "")
        raise UsageError(f"unknown XTTS voice {voice!r} (built-in voices: {shown}); or clone one with --voice-sample")

    def max_chunk_chars(self) -> int:
        return XTTS_CHAR_LIMITS.get(self.language, 200)

    def synthesize(self, text: str) -> Speech:
        torch = self._torch
        if self.seed is not None:
            torch.manual_seed(self.seed + self._calls)
        self._calls += 1
        cfg = self.config
        try:
            out = self.model.inference(text, self.language, self._latent, self._embedding,
                                       temperature=cfg.temperature, length_penalty=cfg.length_penalty,
                                       repetition_penalty=cfg.repetition_penalty, top_k=cfg.top_k, top_p=cfg.top_p,
                                       enable_text_splitting=False)
        except RuntimeError as exc:
            if "out of memory" in str(exc).lower():
                raise RenderError("the XTTS voice ran out of GPU memory", hint="use --engine system") from None
            raise
        wav = out["wav"]
        if hasattr(wav, "detach"):
            wav = wav.detach().float().cpu().numpy()
        return Speech(as_mono_float(wav), self.sample_rate)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(n, n, XTTS_LANGUAGES) for n in self.speaker_names]

    def close(self) -> None:
        self.model = None
        if self.device == "cuda":
            self._torch.cuda.empty_cache()
