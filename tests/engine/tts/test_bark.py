"""Bark through transformers: a tiny random-weight model installed into the model store, then spoken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from tests.engine.tts.conftest import read_wav
from tests.engine.tts.tiny_models import build_tiny_bark
from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.captions import read_srt
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.narration import speak_to_file
from vidgen_desktop.engine.tts import EngineId, VoiceRequest, open_engine, resolve_choice


@pytest.fixture(scope="module")
def bark_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    torch.set_num_threads(1)
    return build_tiny_bark(tmp_path_factory.mktemp("bark-src"))


@pytest.fixture()
def bark_store(store: ModelStore, bark_folder: Path) -> ModelStore:
    store.import_folder("bark-small", bark_folder)
    assert "bark-small" in store.installed_ids()
    return store


def test_bark_speaks_a_script_from_the_store(tmp_path: Path, bark_store: ModelStore) -> None:
    out, srt = tmp_path / "b.wav", tmp_path / "b.srt"
    narration, choice = speak_to_file("Hello there. Good bye!", out, engine="bark", srt=srt, seed=3,
                                      store=bark_store)
    assert choice.engine is EngineId.BARK and choice.model_id == "bark-small"
    assert narration.description.endswith("voice v2/en_speaker_6")
    samples, rate = read_wav(out)
    assert rate == 48000 and samples.size > 0.5 * rate and np.abs(samples).max() > 0.01
    cues = read_srt(srt)
    assert [c.text for c in cues] == ["Hello there.", "Good bye!"]
    assert abs(cues[-1].end - samples.size / rate) <= 0.1


def test_bark_voices_and_languages(bark_store: ModelStore) -> None:
    choice = resolve_choice("bark", store=bark_store)
    with open_engine(choice, VoiceRequest(voice="de_speaker_3"), store=bark_store) as engine:
        assert engine.language == "de" and "v2/de_speaker_3" in engine.description
        speech = engine.synthesize("hallo.")
        assert speech.sample_rate == 24000 and speech.samples.dtype == np.float32
    with pytest.raises(UsageError, match="unknown Bark voice"):
        open_engine(choice, VoiceRequest(voice="v2/fr_speaker_9"), store=bark_store)
    with pytest.raises(UsageError, match="language 'sw' is not supported by Bark"):
        open_engine(choice, VoiceRequest(language="sw"), store=bark_store)
    with pytest.raises(UsageError, match="cannot copy a voice"):
        open_engine(choice, VoiceRequest(voice_sample=Path("x.wav")), store=bark_store)
