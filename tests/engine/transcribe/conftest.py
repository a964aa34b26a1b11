"""Fixtures for the captions tests: tiny random-weight Whisper and M2M100 (built once a session), real espeak speech."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.engine.transcribe.tiny_models import build_tiny_m2m100, build_tiny_whisper
from vidgen_desktop.engine.models import ModelStore

os.environ.setdefault("OMP_NUM_THREADS", "1")

SPEECH = ("Hello there. This is a short recording for the caption tests. "
          "It has a few sentences, spoken by the system voice.")


def espeak_wav(path: Path, text: str = SPEECH) -> Path:
    exe = shutil.which("espeak-ng") or shutil.which("espeak")
    assert exe, "espeak-ng is needed (CI installs it: apt install espeak-ng)"
    subprocess.run([exe, "-w", str(path), text], check=True, capture_output=True)
    return path


@pytest.fixture(scope="session")
def whisper_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper"))


@pytest.fixture(scope="session")
def m2m_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_m2m100(tmp_path_factory.mktemp("tiny-m2m100"))


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak_wav(tmp_path_factory.mktemp("speech") / "speech.wav")


@pytest.fixture()
def store(tmp_path: Path) -> ModelStore:
    """The app's own store (``$VIDGEN_HOME/models``; the engine conftest points it at ``tmp_path``)."""
    from vidgen_desktop.core.paths import app_paths

    return ModelStore(app_paths().models, disk_margin=0)


@pytest.fixture()
def whisper_store(store: ModelStore, whisper_folder: Path) -> ModelStore:
    store.import_folder("whisper-tiny", whisper_folder, copy=True)
    return store
