"""Fixtures for the audio-analysis tests: tracks written to files."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "analysis-cache"
