"""Translated captions with a tiny random-weight M2M100 installed through the store's import path."""

from __future__ import annotations

from pathlib import Path

import pytest

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.engine.captions import Cue, Word
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.models.errors import LicenceNotAcceptedError, ModelNotInstalledError
from vidgen_desktop.engine.models.licences import is_accepted
from vidgen_desktop.engine.transcribe import Transcript, translate_transcript
from vidgen_desktop.engine.transcribe.translate import choose_translation_model

SOURCE = Transcript(
    (Cue(0.5, 2.0, "Hello there", (Word(0.5, 1.0, "Hello"), Word(1.1, 1.9, "there"))),
     Cue(2.5, 4.0, "The quick brown fox\njumps over the lazy dog.")),
    "en", 5.0, "whisper-tiny")


def test_m2m100_translation_keeps_the_source_timing(store: ModelStore, m2m_folder: Path) -> None:
    store.import_folder("m2m100-418m", m2m_folder)
    events = []
    out = translate_transcript(SOURCE, "de", store=store, on_progress=events.append)
    assert out.language == "de" and out.duration_s == 5.0 and out.model_id == "whisper-tiny"
    assert [(c.start, c.end) for c in out.cues] == [(0.5, 2.0), (2.5, 4.0)]
    assert all(c.text.strip() and "__" not in c.text for c in out.cues)  # language tokens never shown
    first = out.cues[0]
    assert first.words and [w.text for w in first.words] == first.text.split()
    assert first.words[0].start == 0.5 and first.words[-1].end == 1.9
    assert out.cues[1].words == ()  # the source cue had no word timings
    assert any("m2m100-418m" in n and "timing" in n for n in out.notes)
    assert events[-1].stage == "translate" and events[-1].done == events[-1].total == 2
    with pytest.raises(UsageError, match="language"):
        translate_transcript(SOURCE, "d e", store=store)
    same = translate_transcript(SOURCE, "en", store=store)
    assert same.cues == SOURCE.cues


def test_nllb_translation_after_its_import(store: ModelStore, tmp_path: Path) -> None:
    from tests.engine.transcribe.tiny_models import build_tiny_nllb

    store.import_folder("nllb-200-distilled-600m", build_tiny_nllb(tmp_path / "nllb"))
    out = translate_transcript(SOURCE, "de", store=store, model_id="nllb-200-distilled-600m")
    assert out.language == "de" and [(c.start, c.end) for c in out.cues] == [(0.5, 2.0), (2.5, 4.0)]
    assert all("_Latn" not in c.text for c in out.cues)  # FLORES codes never shown
    with pytest.raises(UsageError, match="cannot translate into 'xx'"):
        translate_transcript(SOURCE, "xx", store=store, model_id="nllb-200-distilled-600m")


def test_no_translation_model_says_what_to_download(store: ModelStore) -> None:
    with pytest.raises(ModelNotInstalledError, match="translation model") as info:
        translate_transcript(SOURCE, "fr", store=store)
    assert "models download m2m100-418m" in info.value.hint
    with pytest.raises(ModelNotInstalledError, match="nllb-200-distilled-600m is not installed"):
        translate_transcript(SOURCE, "fr", store=store, model_id="nllb-200-distilled-600m")


def test_an_installed_opus_mt_pair_is_preferred(store: ModelStore, m2m_folder: Path) -> None:
    store.import_folder("m2m100-418m", m2m_folder)
    store.add_entry("opus-mt-en-fr", "Helsinki-NLP/opus-mt-en-fr", kind="opus-mt")
    assert choose_translation_model(store, "en", "fr") == "m2m100-418m"  # added, not installed yet
    (store.models_dir / "opus").mkdir()
    for name in ("config.json", "model.safetensors", "source.spm", "target.spm", "vocab.json"):
        (store.models_dir / "opus" / name).write_text("{}")
    store.import_folder("opus-mt-en-fr", store.models_dir / "opus")
    assert choose_translation_model(store, "en", "fr") == "opus-mt-en-fr"
    assert choose_translation_model(store, "en", "de") == "m2m100-418m"


def test_nllb_licence_must_be_accepted_before_its_download(store: ModelStore) -> None:
    entry = store.entry("nllb-200-distilled-600m")
    assert [lic.name for lic in entry.licences_to_accept] == ["CC-BY-NC-4.0"]
    with pytest.raises(LicenceNotAcceptedError, match="CC-BY-NC-4.0"):
        store.download("nllb-200-distilled-600m")  # refused before any network access
    assert not is_accepted(store.models_dir, entry)
    assert not store.entry("m2m100-418m").licences_to_accept
