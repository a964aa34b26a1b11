"""Offline import from a folder: linking or copying, required files, HF cache snapshots."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.models.conftest import SVD_REPO, UNET, write_svd_folder
from tests.engine.models.test_hf_cache import make_cache
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub
from vidgen_desktop.engine.models import (
    ImportFolderError,
    ModelError,
    ModelState,
    ModelStore,
    VerificationError,
)


def test_import_a_folder_links_only_the_needed_files(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "my-copy"
    write_svd_folder(src)
    manifest = store.import_folder("svd", src)
    assert manifest.origin == "import"
    assert {f.path for f in manifest.files} == set(SVD_SELECTED)
    assert not (models_dir / "svd" / "svd.safetensors").exists()
    assert (models_dir / "svd" / UNET).stat().st_nlink == 2, "same disk: hard link, no copy"
    assert "svd" in store.installed_ids()
    assert store.verify("svd")


def test_import_with_copy(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "my-copy"
    write_svd_folder(src)
    store.import_folder("svd", src, copy=True)
    assert (models_dir / "svd" / UNET).stat().st_nlink == 1


def test_import_refuses_a_folder_missing_needed_files(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "half"
    write_svd_folder(src, skip=("unet/diffusion_pytorch_model.fp16.safetensors",
                                 "unet/diffusion_pytorch_model.safetensors"))
    with pytest.raises(ImportFolderError, match=r"half lacks files svd needs: unet/\*\.safetensors"):
        store.import_folder("svd", src)
    assert "svd" not in store.installed_ids()
    with pytest.raises(ImportFolderError, match="not a folder"):
        store.import_folder("svd", tmp_path / "missing")


def test_import_falls_back_to_fp32_when_no_fp16(store: ModelStore, tmp_path: Path) -> None:
    src = tmp_path / "fp32"
    write_svd_folder(src, skip=(UNET,))
    manifest = store.import_folder("svd", src)
    assert "unet/diffusion_pytorch_model.safetensors" in {f.path for f in manifest.files}


def test_import_an_hf_cache_snapshot_checks_blob_hashes(store: ModelStore, hub: FakeHub, tmp_path: Path) -> None:
    snap = make_cache(hub, tmp_path / "cache", SVD_REPO, list(SVD_SELECTED))
    manifest = store.import_folder("svd", snap)
    assert manifest.sources[0].commit == hub.repo(SVD_REPO).commit
    store.remove("svd")

    bad = make_cache(hub, tmp_path / "cache2", SVD_REPO, list(SVD_SELECTED), corrupt=UNET)
    with pytest.raises(VerificationError, match=f"{UNET}: content does not match"):
        store.import_folder("svd", bad)
    assert "svd" not in store.installed_ids()


def test_import_in_place(store: ModelStore, models_dir: Path) -> None:
    write_svd_folder(models_dir / "svd")
    store.import_folder("svd", models_dir / "svd")
    assert store.status("svd").state is ModelState.INSTALLED


def test_import_over_an_installed_model_is_refused(store: ModelStore, tmp_path: Path) -> None:
    src = tmp_path / "copy"
    write_svd_folder(src)
    store.import_folder("svd", src)
    with pytest.raises(ModelError, match="already installed"):
        store.import_folder("svd", src)
