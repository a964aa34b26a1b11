"""Verification: intact models pass, damaged files are found, removed and fetched again."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.models.conftest import SVD_REPO, UNET, VAE, repo_bytes
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub
from vidgen_desktop.engine.model_index import installed_models
from vidgen_desktop.engine.models import (
    ModelNotInstalledError,
    ModelState,
    ModelStore,
    VerificationError,
)
from vidgen_desktop.engine.models.manifest import MANIFEST_NAME


def test_verify_passes_on_an_intact_model(store: ModelStore) -> None:
    store.download("svd", accept_licence=True)
    manifest = store.verify("svd")
    assert len(manifest.files) == len(SVD_SELECTED)


def test_verify_catches_a_corrupt_file_and_download_repairs_only_it(store: ModelStore, hub: FakeHub,
                                                                   models_dir: Path) -> None:
    store.download("svd", accept_licence=True)
    unet = models_dir / "svd" / UNET
    data = bytearray(unet.read_bytes())
    data[12345] ^= 0xFF
    unet.write_bytes(bytes(data))  # same size: only the hash can tell
    assert store.status("svd").state is ModelState.INSTALLED, "cheap check is size only"

    with pytest.raises(VerificationError, match=f"svd: verification failed: {UNET}: SHA-256") as info:
        store.verify("svd")
    assert "download" in info.value.hint
    assert store.status("svd").state is ModelState.INCOMPLETE
    assert not (models_dir / "svd" / MANIFEST_NAME).exists()
    assert "svd" not in installed_models(models_dir)
    assert not unet.exists(), "the damaged file is removed"

    hub.reset_stats()
    store.download("svd")
    assert hub.served() == hub.served(UNET) == len(repo_bytes(hub, SVD_REPO, UNET))
    assert store.verify("svd")


def test_corrupt_download_is_never_installed(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    hub.corrupt(VAE)
    with pytest.raises(VerificationError, match=f"{VAE}: hash .* differs from the published"):
        store.download("svd", accept_licence=True)
    assert store.status("svd").state is ModelState.INCOMPLETE
    assert not (models_dir / "svd" / VAE).exists()
    assert not list((models_dir / "svd").rglob("*.part")), "the bad part is discarded"
    hub.clear_faults()
    hub.reset_stats()
    store.download("svd")
    assert hub.served() == hub.served(VAE), "verified files are kept; only the bad one is fetched again"


def test_verify_not_installed(store: ModelStore) -> None:
    with pytest.raises(ModelNotInstalledError, match="svd is not installed"):
        store.verify("svd")
