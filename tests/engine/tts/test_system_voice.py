"""The system voice for real: espeak-ng (and pyttsx3 driving it), through the whole narration path."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from tests.engine.tts.conftest import needs_espeak, read_wav
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError, UsageError
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.captions import read_srt
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.narration import speak_to_file
from vidgen_desktop.engine.tts import EngineId, VoiceRequest, list_voices, supported_languages
from vidgen_desktop.engine.tts.system import EspeakEngine, espeak_binary, open_system_engine

pytestmark = needs_espeak

SCRIPT = ("Welcome to the show. Today we talk about light, and about the colours of the evening sky!\n\n"
          "Is it beautiful? It is. Dr. Smith agrees.")


def test_script_to_wav_and_srt_that_match(tmp_path: Path, store: ModelStore) -> None:
    out, srt = tmp_path / "voice.wav", tmp_path / "voice.srt"
    narration, choice = speak_to_file(SCRIPT, out, engine="auto", srt=srt, store=store)
    assert choice.engine is EngineId.SYSTEM and "no voice model" in choice.reason
    samples, rate = read_wav(out)
    assert rate == 48000
    duration = samples.size / rate
    cues = read_srt(srt)
    assert cues[0].text == "Welcome to the show."
    lines = cues[1].text.split("\n")
    assert len(lines) == 2 and " ".join(lines) == "Today we talk about light, and about the colours of the evening sky!"
    assert cues[-1].text == "Dr. Smith agrees."
    assert abs(cues[-1].end - duration) <= 0.1
    assert all(a.start < a.end <= b.start + 1e-3 for a, b in itertools.pairwise(cues))
    # Each sentence's speech is really where its cue says.
    for s in narration.sentences:
        seg = samples[int(s.start * rate):int(s.end * rate)]
        assert np.sqrt(np.mean(seg**2)) > 0.02, s
    assert 2.0 < duration < 15.0


def test_languages_and_voices(tmp_path: Path) -> None:
    assert {"en-us", "de", "fr", "cmn"} <= set(supported_languages("system"))
    de = open_system_engine(VoiceRequest(language="de-DE"))
    assert de.language == "de"
    zh = open_system_engine(VoiceRequest(language="zh"))
    assert zh.language == "cmn"
    speech = zh.synthesize("你好。")
    assert speech.duration_s > 0.2 and speech.sample_rate == 22050
    v = open_system_engine(VoiceRequest(language="en", voice="female3"))
    assert isinstance(v, EspeakEngine) and v.voice_spec == "en-us+f3"
    ids = {x.id for x in list_voices("system")}
    assert {"en-us", "f3"} <= ids


def test_unsupported_language_and_unknown_voice_are_clear(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="language 'xx' is not supported by the system voice"):
        open_system_engine(VoiceRequest(language="xx"))
    with pytest.raises(UsageError, match="unknown system voice 'nobody'"):
        open_system_engine(VoiceRequest(voice="nobody"))


def test_cancel_between_sentences(tmp_path: Path, store: ModelStore) -> None:
    cancel = CancelToken()
    seen: list[int] = []

    def on_progress(ev: ProgressEvent) -> None:
        if ev.stage == "narrate" and ev.done:
            seen.append(ev.done)
            cancel.cancel()

    with pytest.raises(CancelledError):
        speak_to_file("One. Two. Three. Four.", tmp_path / "c.wav", engine="system", on_progress=on_progress,
                      cancel=cancel, store=store)
    assert seen == [1]
    assert not list(tmp_path.glob("*.wav")) and not list(tmp_path.glob(".*"))


def test_bad_input_fails_before_speaking(tmp_path: Path, store: ModelStore) -> None:
    with pytest.raises(InputError, match="script is empty"):
        speak_to_file("", tmp_path / "a.wav", engine="system", store=store)
    with pytest.raises(UsageError, match="voice sample needs --engine xtts"):
        speak_to_file("Hi.", tmp_path / "a.wav", engine="system", voice_sample=tmp_path / "x.wav", store=store)


def test_pyttsx3_backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDGEN_SYSTEM_TTS", "pyttsx3")
    from vidgen_desktop.engine.tts.system import Pyttsx3Engine

    engine = open_system_engine(VoiceRequest(language="en"))  # pyttsx3 drives espeak-ng here
    assert isinstance(engine, Pyttsx3Engine)
    speech = engine.synthesize("Hello from the system voice.")
    assert speech.duration_s > 0.5 and np.abs(speech.samples).max() > 0.05
    engine.close()


def test_espeak_binary_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDGEN_ESPEAK", "/nonexistent/espeak-ng")
    assert espeak_binary() is None
