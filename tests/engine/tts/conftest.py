"""Fixtures for the narration tests: real espeak-ng, a fake engine, helpers to read WAVs."""

from __future__ import annotations

import os
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.tts.base import EngineId, Speech, SpeechEngine

# torch on 2 busy cores is erratic with more threads (see the stack notes).
os.environ.setdefault("OMP_NUM_THREADS", "1")

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None and shutil.which("espeak") is None,
                                  reason="espeak-ng is not installed (CI installs it: apt install espeak-ng)")


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """(float32 samples (n,) or (n, channels), rate)."""
    with wave.open(str(path), "rb") as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    assert width == 2
    data = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
    return (data.reshape(-1, ch) if ch > 1 else data), rate


class ToneEngine(SpeechEngine):
    """A deterministic stand-in voice: each chunk is a tone whose length follows the text's length."""

    engine_id = EngineId.SYSTEM

    def __init__(self, rate: int = 24000, *, seconds_per_char: float = 0.03, fail_on: str | None = None,
                 rates: list[int] | None = None, silent: bool = False, limit: int = 200) -> None:
        self.rate = rate
        self.seconds_per_char = seconds_per_char
        self.fail_on = fail_on
        self.rates = rates
        self.silent = silent
        self.limit = limit
        self.calls: list[str] = []
        self.description = "test tone"
        self.language = "en"
        self.closed = False

    def max_chunk_chars(self) -> int:
        return self.limit

    def synthesize(self, text: str) -> Speech:
        self.calls.append(text)
        if self.fail_on and self.fail_on in text:
            raise RuntimeError("boom")
        rate = self.rates[(len(self.calls) - 1) % len(self.rates)] if self.rates else self.rate
        n = int(len(text) * self.seconds_per_char * rate)
        t = np.arange(n) / rate
        amp = 0.0 if self.silent else 0.3
        # 0.1 s of engine padding on each side, which the pipeline trims.
        pad = np.zeros(int(0.1 * rate), np.float32)
        tone = (amp * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
        return Speech(np.concatenate([pad, tone, pad]), rate)

    def close(self) -> None:
        self.closed = True


@pytest.fixture()
def store(tmp_path: Path) -> ModelStore:
    return ModelStore(tmp_path / "models", disk_margin=0)
