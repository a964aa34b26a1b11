"""Fixtures: a fake hub on loopback holding repos shaped like the catalogue's, and a store using it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.fake_hub import FakeHub, svd_repo_files, tts_repo_files
from vidgen_desktop.engine.models import ModelStore, RetryPolicy

SVD_REPO = "stabilityai/stable-video-diffusion-img2vid"
XTTS_REPO = "coqui/XTTS-v2"
UNET = "unet/diffusion_pytorch_model.fp16.safetensors"
VAE = "vae/diffusion_pytorch_model.fp16.safetensors"

#: Retries and stall detection scaled down so failure paths take milliseconds.
FAST = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05, stall_timeout=0.5, min_bps=0.0)

_ENV = ("HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE",
        "HF_HUB_OFFLINE", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
        "no_proxy", "NO_PROXY", "VIDGEN_MODELS_DIR")


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy, token, endpoint or HF cache of the machine running the tests leaks in."""
    for var in _ENV:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))


@pytest.fixture()
def hub() -> Iterator[FakeHub]:
    with FakeHub() as h:
        h.add_repo(SVD_REPO, svd_repo_files())
        h.add_repo(XTTS_REPO, tts_repo_files())
        yield h


@pytest.fixture()
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture()
def hf_cache(tmp_path: Path) -> Path:
    return tmp_path / "hf-cache"


@pytest.fixture()
def store(hub: FakeHub, models_dir: Path, hf_cache: Path) -> ModelStore:
    return ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0, hf_cache_dir=hf_cache)


def repo_bytes(hub: FakeHub, repo: str, path: str) -> bytes:
    return hub.repo(repo).files[path].data


def write_svd_folder(folder: Path, *, skip: tuple[str, ...] = ()) -> None:
    """The SVD repo's files written into ``folder`` (a user's copy), without ``skip``."""
    for rel, data in svd_repo_files().items():
        if rel in skip:
            continue
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
