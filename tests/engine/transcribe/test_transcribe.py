"""Transcription end to end: real espeak-ng speech, a tiny random-weight Whisper installed through the store's import.

Random weights say arbitrary words, so these tests check structure and timing, never the words.
"""

from __future__ import annotations

import itertools
import json
import re
import wave
from pathlib import Path

import numpy as np
import pytest

from tests.engine.transcribe.conftest import espeak_wav
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, InputError, NoSpeechError, UsageError
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.engine.captions.files import format_captions, read_captions, write_captions
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.models.errors import ModelError, ModelNotInstalledError
from vidgen_desktop.engine.transcribe import Transcript, transcribe, transcript_json


@pytest.fixture(scope="module")
def transcribed(tmp_path_factory: pytest.TempPathFactory, whisper_folder: Path, speech: Path) -> Transcript:
    store = ModelStore(tmp_path_factory.mktemp("models"), disk_margin=0)
    store.import_folder("whisper-tiny", whisper_folder)
    events: list[ProgressEvent] = []
    t = transcribe(speech, model_id="tiny", store=store, on_progress=events.append)
    assert events[-1].stage == "transcribe" and events[-1].done == events[-1].total > 0
    return t


def _duration(wav: Path) -> float:
    with wave.open(str(wav)) as w:
        return w.getnframes() / w.getframerate()


def test_transcript_has_word_timed_cues_inside_the_audio(transcribed: Transcript, speech: Path) -> None:
    t = transcribed
    assert t.model_id == "whisper-tiny" and t.language == "en"
    assert t.duration_s == pytest.approx(_duration(speech), abs=0.05)
    assert t.cues and t.words
    last_end = 0.0
    for c in t.cues:
        assert 0.0 <= c.start < c.end <= t.duration_s + 1e-6
        assert c.text.strip() and c.text.count("\n") <= 1 and c.words
        assert c.start == c.words[0].start
        for w in c.words:
            assert w.text and w.text == w.text.strip()
            assert c.start <= w.start <= w.end <= c.end
            assert w.start >= last_end - 1e-9  # monotonic, never overlapping
            last_end = w.end
    starts = [c.start for c in t.cues]
    assert starts == sorted(starts)


def test_json_lists_cues_with_words_and_their_times(transcribed: Transcript, tmp_path: Path) -> None:
    data = json.loads(json.dumps(transcript_json(transcribed)))
    assert data["language"] == "en" and data["model"] == "whisper-tiny"
    words = [w for c in data["cues"] for w in c["words"]]
    assert len(words) == len(transcribed.words)
    times = [(w["start"], w["end"]) for w in words]
    assert all(0 <= s <= e <= data["duration_s"] for s, e in times)
    assert all(a[1] <= b[0] + 1e-9 for a, b in itertools.pairwise(times))


def test_srt_vtt_ass_are_valid_and_read_back(transcribed: Transcript, tmp_path: Path) -> None:
    cues = list(transcribed.cues)
    srt = write_captions(cues, tmp_path / "c.srt")
    vtt = write_captions(cues, tmp_path / "c.vtt", language="en")
    ass = write_captions(cues, tmp_path / "c.ass")
    for path in (srt, vtt):
        back = read_captions(path)
        assert [(round(c.start, 3), round(c.end, 3)) for c in back] == [(round(c.start, 3), round(c.end, 3))
                                                                          for c in cues]
        assert [c.text for c in back] == [c.text for c in cues]
    srt_text = srt.read_text(encoding="utf-8")
    assert re.fullmatch(r"(\d+\n\d\d:\d\d:\d\d,\d{3} --> \d\d:\d\d:\d\d,\d{3}\n(.+\n)+\n?)+", srt_text + "\n")
    vtt_text = vtt.read_text(encoding="utf-8")
    assert vtt_text.startswith("WEBVTT\nLanguage: en\n\n")
    ass_text = ass.read_text(encoding="utf-8")
    for section in ("[Script Info]", "[V4+ Styles]", "[Events]"):
        assert section in ass_text
    dialogue = [ln for ln in ass_text.splitlines() if ln.startswith("Dialogue:")]
    assert len(dialogue) == len(cues)
    for ln, c in zip(dialogue, cues):
        fields = ln.split(",", 9)
        assert re.fullmatch(r"\d:\d\d:\d\d\.\d\d", fields[1]) and re.fullmatch(r"\d:\d\d:\d\d\.\d\d", fields[2])
        # Karaoke durations add up to the cue's speech (centiseconds, rounding per word).
        k = sum(int(x) for x in re.findall(r"\\k(\d+)", fields[9]))
        assert abs(k - round((c.words[-1].end - c.start) * 100)) <= len(c.words) + 1
    assert json.loads(format_captions(cues, "json", language="en"))["format"] == "vidgen-transcript"


def test_silence_is_no_speech_found(whisper_store: ModelStore, tmp_path: Path) -> None:
    silent = tmp_path / "silence.wav"
    with wave.open(str(silent), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.zeros(16000 * 3, "<i2").tobytes())
    with pytest.raises(NoSpeechError, match="no speech found"):
        transcribe(silent, model_id="whisper-tiny", store=whisper_store)


def test_quiet_noise_is_no_speech_found(whisper_store: ModelStore, tmp_path: Path) -> None:
    """Not digital silence: the voice filter decides, and finds no speech in low noise."""
    hiss = tmp_path / "hiss.wav"
    rng = np.random.default_rng(0)
    with wave.open(str(hiss), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((rng.normal(0, 30, 16000 * 3)).astype("<i2").tobytes())
    with pytest.raises(NoSpeechError, match="no speech found"):
        transcribe(hiss, model_id="whisper-tiny", store=whisper_store)


@pytest.mark.parametrize("damage", ["truncated weights", "garbage tokenizer"])
def test_corrupt_model_is_a_clear_error(store: ModelStore, whisper_folder: Path, tmp_path: Path,
                                        speech: Path, damage: str) -> None:
    store.import_folder("whisper-tiny", whisper_folder, copy=True)
    folder = store.local_path("whisper-tiny")
    if damage == "truncated weights":  # same size, wrong bytes: only a verify would notice
        data = (folder / "model.bin").read_bytes()
        (folder / "model.bin").write_bytes(data[:1000] + b"\0" * (len(data) - 1000))
    else:
        size = (folder / "tokenizer.json").stat().st_size
        (folder / "tokenizer.json").write_bytes(b"{" + b"x" * (size - 1))
    with pytest.raises(ModelError, match="could not be loaded, its files look damaged") as info:
        transcribe(speech, model_id="whisper-tiny", store=store)
    assert "models verify whisper-tiny" in info.value.hint


def test_missing_model_wrong_kind_bad_input(store: ModelStore, whisper_folder: Path, tmp_path: Path,
                                            speech: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match="whisper-small is not installed") as info:
        transcribe(speech, store=store)
    assert "models download whisper-small" in info.value.hint
    with pytest.raises(UsageError, match="not one for transcription"):
        transcribe(speech, model_id="m2m100-418m", store=store)
    store.import_folder("whisper-tiny", whisper_folder)
    (tmp_path / "notes.txt").write_text("not audio")
    with pytest.raises(InputError):
        transcribe(tmp_path / "notes.txt", model_id="tiny", store=store)
    with pytest.raises(InputError, match="not found|does not exist|No such"):
        transcribe(tmp_path / "nope.wav", model_id="tiny", store=store)
    with pytest.raises(UsageError, match="device 'tpu'"):
        transcribe(speech, model_id="tiny", store=store, device="tpu")


def test_cancel_stops_transcription(whisper_store: ModelStore, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        transcribe(espeak_wav(tmp_path / "s.wav", "One two three."), model_id="tiny", store=whisper_store,
                   cancel=token)
