"""Captions from any audio: Whisper transcription with word timings, and translated captions.

::

    t = transcribe(Path("talk.m4a"), model_id="whisper-small", language=None)   # -> Transcript
    write_captions(t.cues, Path("talk.srt"))           # or .vtt / .ass / .json (engine.captions.files)
    t2 = translate_transcript(t, "de")                 # cues keep the source timing

Heavy packages (faster-whisper, ctranslate2, transformers) are imported inside the calls.
"""

from vidgen_desktop.engine.transcribe.result import Transcript, transcript_json
from vidgen_desktop.engine.transcribe.translate import translate_transcript
from vidgen_desktop.engine.transcribe.whisper import DEFAULT_MODEL, transcribe

__all__ = ["DEFAULT_MODEL", "Transcript", "transcribe", "transcript_json", "translate_transcript"]
