"""Models already in the user's Hugging Face cache are reused (linked and verified), not downloaded."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.engine.models.conftest import FAST, SVD_REPO, UNET, repo_bytes
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from vidgen_desktop.engine.models import ModelStore
from vidgen_desktop.engine.models.hfcache import hf_hub_cache_dir, repo_cache_dir

SVD_TOTAL = sum(len(svd_repo_files()[p]) for p in SVD_SELECTED)


def make_cache(hub: FakeHub, cache: Path, repo: str, paths: list[str], *, corrupt: str | None = None) -> Path:
    """The on-disk layout huggingface_hub writes: blobs named by etag, snapshot symlinks to them."""
    r = hub.repo(repo)
    base = repo_cache_dir(cache, repo)
    snap = base / "snapshots" / r.commit
    for p in paths:
        f = r.files[p]
        blob = base / "blobs" / f.etag
        blob.parent.mkdir(parents=True, exist_ok=True)
        data = f.data if p != corrupt else bytes([f.data[0] ^ 1]) + f.data[1:]
        blob.write_bytes(data)
        link = snap / p
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(os.path.relpath(blob, link.parent))
    (base / "refs").mkdir(parents=True, exist_ok=True)
    (base / "refs" / "main").write_text(r.commit)
    return snap


def test_cache_filled_by_huggingface_hub_is_reused(store: ModelStore, hub: FakeHub, hf_cache: Path,
                                                   models_dir: Path) -> None:
    hf = pytest.importorskip("huggingface_hub")
    hf.snapshot_download(SVD_REPO, endpoint=hub.url, cache_dir=str(hf_cache), allow_patterns=list(SVD_SELECTED))
    hub.reset_stats()

    manifest = store.download("svd", accept_licence=True)
    assert hub.served() == 0, "every file came from the HF cache"
    assert manifest.origin == "hf-cache"
    unet = models_dir / "svd" / UNET
    assert unet.read_bytes() == repo_bytes(hub, SVD_REPO, UNET)
    assert unet.stat().st_nlink >= 2, "hard-linked, not copied: no extra disk space"
    assert store.remove("svd") < 10_000, "deleting links to the cache frees (almost) nothing"
    assert (hf_cache / "models--stabilityai--stable-video-diffusion-img2vid").is_dir(), "HF cache untouched"


def test_partial_cache_reuses_what_is_there(store: ModelStore, hub: FakeHub, hf_cache: Path) -> None:
    make_cache(hub, hf_cache, SVD_REPO, [UNET, "model_index.json"])
    store.download("svd", accept_licence=True)
    assert hub.served(UNET) == 0
    assert hub.served() == SVD_TOTAL - len(repo_bytes(hub, SVD_REPO, UNET)) - len(
        repo_bytes(hub, SVD_REPO, "model_index.json"))


def test_corrupt_cache_blob_is_not_trusted(store: ModelStore, hub: FakeHub, hf_cache: Path) -> None:
    make_cache(hub, hf_cache, SVD_REPO, list(SVD_SELECTED), corrupt=UNET)
    store.download("svd", accept_licence=True)
    assert hub.served() == hub.served(UNET) == len(repo_bytes(hub, SVD_REPO, UNET))
    assert "svd" in store.installed_ids()
    assert store.verify("svd")


def test_cache_reuse_can_be_turned_off(hub: FakeHub, hf_cache: Path, models_dir: Path) -> None:
    make_cache(hub, hf_cache, SVD_REPO, list(SVD_SELECTED))
    store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0, hf_cache_dir=hf_cache,
                       reuse_hf_cache=False)
    store.download("svd", accept_licence=True)
    assert hub.served() == SVD_TOTAL


def test_cache_location_follows_huggingface_hub_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HOME", str(tmp_path / "home"))
    assert hf_hub_cache_dir() == tmp_path / "home" / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "elsewhere"))
    assert hf_hub_cache_dir() == tmp_path / "elsewhere"


def test_default_store_finds_the_cache_from_the_environment(hub: FakeHub, tmp_path: Path, models_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "hf-home" / "hub"
    make_cache(hub, cache, SVD_REPO, list(SVD_SELECTED))
    store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0)
    store.download("svd", accept_licence=True)
    assert hub.served() == 0
