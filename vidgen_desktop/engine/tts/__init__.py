"""Narration voices: the system voice (eSpeak NG / pyttsx3), Bark (transformers) and XTTS-v2 (coqui-tts).

Public API (heavy packages are imported only by the engine that needs them)::

    from vidgen_desktop.engine.tts import EngineId, VoiceRequest, resolve_choice, open_engine, synthesize_script

    choice = resolve_choice("auto", VoiceRequest(language="en"))   # EngineChoice(engine, model_id, reason, notes)
    with open_engine(choice, VoiceRequest(language="en")) as voice:
        audio = synthesize_script(script, voice, out_wav, on_progress=cb, cancel=token)
    audio.wav, audio.duration_s, audio.cues          # 48 kHz mono WAV at -16 LUFS, caption cues

    split_sentences(text, "de"); choose_engine(...)   # pure helpers
    list_voices("system"); supported_languages("xtts"); LICENCE_NOTES[EngineId.XTTS]

The render-level glue (music, captions next to the video) is in
:mod:`vidgen_desktop.engine.narration`.
"""

from vidgen_desktop.engine.tts.base import (
    BARK_LANGUAGES,
    LICENCE_NOTES,
    XTTS_LANGUAGES,
    EngineId,
    Speech,
    SpeechEngine,
    VoiceInfo,
    VoiceRequest,
    WordTiming,
)
from vidgen_desktop.engine.tts.engines import (
    EngineChoice,
    choose_engine,
    list_voices,
    open_engine,
    resolve_choice,
    supported_languages,
    tts_packages,
)
from vidgen_desktop.engine.tts.pipeline import NarrationAudio, SpokenSentence, synthesize_script
from vidgen_desktop.engine.tts.text import Chunk, Sentence, make_chunks, split_sentences

__all__ = [
    "BARK_LANGUAGES",
    "LICENCE_NOTES",
    "XTTS_LANGUAGES",
    "Chunk",
    "EngineChoice",
    "EngineId",
    "NarrationAudio",
    "Sentence",
    "Speech",
    "SpeechEngine",
    "SpokenSentence",
    "VoiceInfo",
    "VoiceRequest",
    "WordTiming",
    "choose_engine",
    "list_voices",
    "make_chunks",
    "open_engine",
    "resolve_choice",
    "split_sentences",
    "supported_languages",
    "synthesize_script",
    "tts_packages",
]
