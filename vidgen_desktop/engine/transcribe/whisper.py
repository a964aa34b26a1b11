"""Speech to timed words with faster-whisper (CTranslate2): int8 on the CPU, float16 on an NVIDIA GPU.

Models come only from the model store (catalogue kind ``whisper``: the CTranslate2 form of
Whisper, as ``Systran/faster-whisper-*`` publishes it). The audio is decoded by the app's
ffmpeg (any format the app reads, a video's sound too) to 16 kHz mono, then transcribed with
Whisper's word timestamps and the Silero voice-activity filter, which skips silence and
music and so keeps Whisper from inventing words there. Words are clipped to the audio and
grouped into cues (:mod:`.cues`).
"""

from __future__ import annotations

import importlib.util
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError, MissingDependencyError, NoSpeechError, UsageError
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.models.errors import ModelError, ModelNotInstalledError
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.transcribe.cues import clean_words, words_to_cues
from vidgen_desktop.engine.transcribe.result import Transcript

SAMPLE_RATE = 16000
WHISPER_KIND = "whisper"
DEFAULT_MODEL = "whisper-small"
#: Progress stage name for the CLI and the window.
STAGE = "transcribe"
#: Peak below this (about -80 dBFS) is digital silence: no model is loaded for it.
SILENCE_PEAK = 1e-4
#: Whisper's beam width; 1 (greedy) is several times faster on a CPU and nearly as good for captions.
CPU_BEAM = 1
GPU_BEAM = 5
#: Tokens decoded per 30 s window at most: openai-whisper's own default (``sample_len``, half the text
#: context). Fast speech is ~200 tokens a window; a decode stuck in a loop stops here instead of at 448.
MAX_NEW_TOKENS = 224


def store_for(models_dir: Path | None, store: ModelStore | None = None) -> ModelStore:
    if store is not None:
        return store
    if models_dir is None:
        from vidgen_desktop.core.paths import app_paths

        models_dir = app_paths().models
    return ModelStore(models_dir)


def resolve_model_id(model: str) -> str:
    """``small`` → ``whisper-small``, ``turbo`` → ``whisper-large-v3-turbo``; full ids pass through."""
    name = model.strip().lower()
    if name in ("turbo", "large-v3-turbo"):
        return "whisper-large-v3-turbo"
    return name if name.startswith("whisper-") or "/" in name or name not in ("tiny", "base", "small") \
        else f"whisper-{name}"


def model_folder(store: ModelStore, model_id: str, kind: str = WHISPER_KIND, *, what: str = "transcription") -> Path:
    """The installed folder of ``model_id``, checking it is a model of ``kind``."""
    entry = store.entry(model_id)  # UnknownModelError lists the ids
    if entry.kind != kind:
        raise UsageError(f"{model_id} is a {entry.kind or 'different'} model, not one for {what}")
    if model_id not in store.installed_ids():
        raise ModelNotInstalledError(f"{model_id} is not installed (or its download is unfinished)",
                                     hint=f"vidgen-desktop models download {model_id}")
    return Path(store.local_path(model_id))


def pick_device(device: str | None) -> tuple[str, str]:
    """(device, compute type): CUDA in float16 where CTranslate2 sees a GPU, else the CPU in int8."""
    import ctranslate2

    if device in (None, "", "auto"):
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    if device not in ("cpu", "cuda"):
        raise UsageError(f"device {device!r}: choose cpu, cuda or auto")
    if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
        raise UsageError("no NVIDIA GPU is usable by CTranslate2 here: transcribe on the CPU (--device cpu or auto)")
    return device, "float16" if device == "cuda" else "int8"


def load_whisper(folder: Path, model_id: str, device: str | None = None) -> Any:
    """A faster-whisper model from a store folder; a damaged model is a clear :class:`ModelError`."""
    if importlib.util.find_spec("faster_whisper") is None:
        raise MissingDependencyError("transcription", ["faster-whisper"], "captions")
    from faster_whisper import WhisperModel

    dev, compute = pick_device(device)
    threads = int(os.environ.get("OMP_NUM_THREADS") or 0)
    try:
        return WhisperModel(str(folder), device=dev, compute_type=compute, cpu_threads=threads, local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - CT2 raises RuntimeError, tokenizers a bare Exception
        raise ModelError(f"{model_id}: the model could not be loaded, its files look damaged ({_short(exc)})",
                         hint=f"check it with `vidgen-desktop models verify {model_id}`, or remove it and "
                              "download it again") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:160] if text else type(exc).__name__)


def load_speech(audio: Path, cancel: CancelToken) -> tuple[np.ndarray[Any, np.dtype[np.float32]], float]:
    """16 kHz mono samples of ``audio`` and its duration; missing, empty or non-audio files raise InputError."""
    from vidgen_desktop.engine.media import probe_audio
    from vidgen_desktop.engine.tts.audio import decode_audio

    audio = Path(audio)
    info = probe_audio(audio, cancel=cancel)
    cancel.raise_if_cancelled()
    samples = decode_audio(audio, SAMPLE_RATE, max_seconds=info.duration_s + 1.0)
    if samples.size == 0:
        raise InputError(audio, "has no sound to transcribe")
    return samples, samples.size / SAMPLE_RATE


def transcribe(
    audio: Path,
    *,
    model_id: str | None = None,
    language: str | None = None,
    models_dir: Path | None = None,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    store: ModelStore | None = None,
    device: str | None = None,
    beam_size: int | None = None,
) -> Transcript:
    """Transcribe ``audio`` into cues with word timings; blocking, cancellable between segments.

    ``model_id`` ``None``: the installed Whisper model (small first), else :data:`DEFAULT_MODEL` (which then
    says it needs downloading). ``language`` ``None`` or ``"auto"`` lets Whisper detect it. Raises :class:`NoSpeechError`
    when the audio holds no speech, :class:`ModelNotInstalledError` / :class:`ModelError` for a
    missing or damaged model, :class:`InputError` for a file that is not audio.
    """
    cancel = cancel or CancelToken()
    t0 = time.monotonic()
    lang = None if language in (None, "", "auto") else str(language).strip().lower()
    store = store_for(models_dir, store)
    if model_id is None:
        from vidgen_desktop.engine.transcribe.choice import alignment_model

        model_id = alignment_model(store) or DEFAULT_MODEL
    model_id = resolve_model_id(model_id)
    folder = model_folder(store, model_id)
    on_progress(ProgressEvent(STAGE, 0, 0, 0.0, None, f"reading {Path(audio).name}"))
    samples, duration = load_speech(Path(audio), cancel)
    if float(np.max(np.abs(samples))) < SILENCE_PEAK:
        raise NoSpeechError(Path(audio), "no speech found: the audio is silent")
    cancel.raise_if_cancelled()
    on_progress(ProgressEvent(STAGE, 0, 0, time.monotonic() - t0, None, f"loading {model_id}"))
    model = load_whisper(folder, model_id, device)
    if lang is not None and model.model.is_multilingual:
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        if lang not in _LANGUAGE_CODES:
            raise UsageError(f"language {lang!r}: Whisper does not know it (use auto, or a code like en, de, zh)")
    beam = beam_size or (GPU_BEAM if model.model.device == "cuda" else CPU_BEAM)
    try:
        segments, info = model.transcribe(samples, language=lang, word_timestamps=True, vad_filter=True,
                                          beam_size=beam, condition_on_previous_text=False,
                                          max_new_tokens=MAX_NEW_TOKENS)
        raw: list[tuple[float, float, str]] = []
        total_ms = max(1, round(duration * 1000))
        for seg in segments:  # a generator: the work happens while iterating
            cancel.raise_if_cancelled()
            raw += [(w.start, w.end, w.word) for w in (seg.words or ())]
            done = min(total_ms, round(seg.end * 1000))
            elapsed = time.monotonic() - t0
            eta = elapsed * (total_ms - done) / done if done else None
            on_progress(ProgressEvent(STAGE, done, total_ms, elapsed, eta, seg.text.strip()[:80]))
    except (RuntimeError, ValueError) as exc:
        raise ModelError(f"{model_id}: transcription failed ({_short(exc)})",
                         hint=f"check the model with `vidgen-desktop models verify {model_id}`") from None
    words = clean_words(raw, duration)
    if not words:
        raise NoSpeechError(Path(audio), "no speech found", hint="the voice filter heard only silence, noise or "
                                                                  "music; captions need spoken words")
    cues = words_to_cues(words, duration=duration)
    on_progress(ProgressEvent(STAGE, total_ms, total_ms, time.monotonic() - t0, 0.0,
                              f"{len(words)} words in {len(cues)} captions"))
    return Transcript(tuple(cues), str(info.language or lang or ""), duration, model_id)
