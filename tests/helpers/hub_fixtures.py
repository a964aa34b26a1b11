"""Fixtures for the Qt tests that download from the loopback hub (tests/bridge, tests/ui).

A test module opts in by importing them (``from tests.helpers.hub_fixtures import clean_hub_env, hub_fixture``):
``clean_hub_env`` is autouse there, so no real hub setting, token or proxy leaks in, and
``hub_fixture`` is the ``hub`` fixture (named apart so test parameters called ``hub`` do
not shadow an import).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fake_hub import FakeHub, svd_repo_files, tts_repo_files
from vidgen_desktop.engine.models import RetryPolicy

SVD_REPO = "stabilityai/stable-video-diffusion-img2vid"
XTTS_REPO = "coqui/XTTS-v2"
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.05, stall_timeout=0.5, min_bps=0.0)
_ENV = ("HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE",
        "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY")


@pytest.fixture(autouse=True)
def clean_hub_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in _ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


@pytest.fixture(name="hub")
def hub_fixture() -> Iterator[FakeHub]:
    with FakeHub() as h:
        h.add_repo(SVD_REPO, svd_repo_files())
        h.add_repo(XTTS_REPO, tts_repo_files())
        yield h


def fast_store_options(tmp_path: Path) -> dict[str, Any]:
    """Store options for quick retries, no disk margin and a per-test Hugging Face cache."""
    return {"retry": FAST, "disk_margin": 0, "hf_cache_dir": tmp_path / "hf-cache"}
