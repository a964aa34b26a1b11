"""Fixtures for the audio-analysis tests: one numba cache for the whole session, tracks written to files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _shared_numba_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """librosa's numba functions compile once per session, not once per test home (the app itself keeps the
    cache in the data folder; tests/engine/audio/test_numba_cache.py checks that in fresh processes)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        yield
        return
    folder = tmp_path_factory.getbasetemp().parent / "vidgen-numba-cache"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    try:
        yield
    finally:
        os.environ.pop("NUMBA_CACHE_DIR", None)


@pytest.fixture()
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "analysis-cache"
