"""XTTS-v2 through coqui-tts: a tiny random-weight model installed into the store; cloning from a sample."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("TTS", exc_type=ImportError)

from tests.engine.tts.conftest import read_wav
from tests.engine.tts.tiny_models import build_tiny_xtts
from tests.media_factory import tone
from vidgen_desktop.core.errors import InputError, UsageError
from vidgen_desktop.engine.captions import read_srt
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.narration import speak_to_file
from vidgen_desktop.engine.tts import EngineId, VoiceRequest, open_engine, resolve_choice


@pytest.fixture(scope="module")
def xtts_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.set_num_threads(1)
    return build_tiny_xtts(tmp_path_factory.mktemp("xtts-src"))


@pytest.fixture()
def xtts_store(store: ModelStore, xtts_folder: Path) -> ModelStore:
    store.import_folder("xtts-v2", xtts_folder)
    return store


@pytest.fixture(scope="module")
def voice_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """8 s of a warbling tone standing in for a recorded voice."""
    d = tmp_path_factory.mktemp("sample")
    return tone(d / "me.m4a", 8.0, extra=["-af", "vibrato=f=5:d=0.5"])


def test_xtts_clones_a_voice_sample_and_speaks_the_script(tmp_path: Path, xtts_store: ModelStore,
                                                          voice_sample: Path) -> None:
    out, srt = tmp_path / "x.wav", tmp_path / "x.srt"
    narration, choice = speak_to_file("Hello world. Second line here.", out, engine="auto",
                                      voice_sample=voice_sample, seed=1, srt=srt, store=xtts_store)
    assert choice.engine is EngineId.XTTS and choice.model_id == "xtts-v2"
    assert "cloned from me.m4a" in narration.description
    samples, rate = read_wav(out)
    assert rate == 48000 and np.abs(samples).max() > 0.01
    cues = read_srt(srt)
    assert [c.text for c in cues] == ["Hello world.", "Second line here."]
    assert abs(cues[-1].end - samples.size / rate) <= 0.1


def test_xtts_built_in_voices_and_languages(xtts_store: ModelStore) -> None:
    choice = resolve_choice("xtts", store=xtts_store)
    with open_engine(choice, VoiceRequest(language="de", voice="ana florence"), store=xtts_store) as engine:
        assert engine.language == "de" and "Ana Florence" in engine.description
        assert engine.synthesize("hallo welt.").samples.size > 0
    with open_engine(choice, VoiceRequest(language="en-GB"), store=xtts_store) as engine:
        assert engine.language == "en" and "Claribel Dervla" in engine.description
    with pytest.raises(UsageError, match="unknown XTTS voice"):
        open_engine(choice, VoiceRequest(voice="Nobody"), store=xtts_store)
    with pytest.raises(UsageError, match="language 'sw' is not supported by XTTS-v2"):
        open_engine(choice, VoiceRequest(language="sw"), store=xtts_store)


def test_broken_voice_samples_are_clear_errors(tmp_path: Path, xtts_store: ModelStore) -> None:
    choice = resolve_choice("xtts", store=xtts_store)
    junk = tmp_path / "voice.wav"
    junk.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10)
    short = tone(tmp_path / "short.wav", 2.0)
    silent = tmp_path / "silent.wav"
    tone(silent, 8.0, extra=["-af", "volume=0"])
    for path, problem in [(junk, "voice.wav"), (short, "too short"), (silent, "silent"),
                          (tmp_path / "missing.wav", "not found")]:
        with pytest.raises(InputError, match=problem):
            open_engine(choice, VoiceRequest(voice_sample=path), store=xtts_store)
