"""States, verification, removal, offline import and the user's own entries."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.engine.models.conftest import SVD_REPO, UNET, VAE, repo_bytes
from tests.engine.models.test_hf_cache import make_cache
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from vidgen_desktop.engine.model_index import installed_models
from vidgen_desktop.engine.models import (
    CatalogueError,
    ImportFolderError,
    ModelError,
    ModelNotInstalledError,
    ModelState,
    ModelStore,
    UnknownModelError,
    VerificationError,
)
from vidgen_desktop.engine.models.manifest import MANIFEST_NAME, read_manifest


def _states(store: ModelStore) -> dict[str, ModelState]:
    return {s.id: s.state for s in store.list()}


def _write_svd_folder(folder: Path, *, skip: tuple[str, ...] = ()) -> None:
    for rel, data in svd_repo_files().items():
        if rel in skip:
            continue
        p = folder / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def test_fresh_store_lists_every_catalogue_model_as_not_installed(store: ModelStore, models_dir: Path) -> None:
    states = _states(store)
    assert set(states) >= {"svd", "svd-xt", "animatediff", "xtts-v2", "bark-small", "bark"}
    assert set(states.values()) == {ModelState.NOT_INSTALLED}
    assert store.installed_ids() == frozenset()
    assert not models_dir.exists(), "listing creates nothing"


def test_installed_then_incomplete_when_a_file_goes_missing(store: ModelStore, models_dir: Path) -> None:
    store.download("svd", accept_licence=True)
    status = store.status("svd")
    assert status.state is ModelState.INSTALLED
    assert status.size_on_disk >= sum(len(svd_repo_files()[p]) for p in SVD_SELECTED)
    (models_dir / "svd" / VAE).unlink()
    status = store.status("svd")
    assert status.state is ModelState.INCOMPLETE
    assert any(VAE in p for p in status.problems)
    assert "svd" not in store.installed_ids()


def test_folder_without_manifest_is_incomplete(store: ModelStore, models_dir: Path) -> None:
    _write_svd_folder(models_dir / "svd")
    assert store.status("svd").state is ModelState.INCOMPLETE
    assert "svd" not in store.installed_ids()


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


def test_remove_reports_the_space_freed(store: ModelStore, models_dir: Path) -> None:
    store.download("svd", accept_licence=True)
    on_disk = store.status("svd").size_on_disk
    assert store.remove("svd") == on_disk
    assert not (models_dir / "svd").exists()
    assert store.status("svd").state is ModelState.NOT_INSTALLED


def test_remove_errors(store: ModelStore) -> None:
    with pytest.raises(ModelNotInstalledError, match="nothing to remove"):
        store.remove("svd")
    with pytest.raises(UnknownModelError, match="unknown model 'nope'"):
        store.remove("nope")


def test_unknown_id(store: ModelStore) -> None:
    with pytest.raises(UnknownModelError, match=r"unknown model 'sdv' \(known: animatediff, bark, .*svd"):
        store.download("sdv")
    with pytest.raises(UnknownModelError):
        store.local_path("../etc")


# --------------------------------------------------------------------------- import


def test_import_a_folder_links_only_the_needed_files(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "my-copy"
    _write_svd_folder(src)
    manifest = store.import_folder("svd", src)
    assert manifest.origin == "import"
    assert {f.path for f in manifest.files} == set(SVD_SELECTED)
    assert not (models_dir / "svd" / "svd.safetensors").exists()
    assert (models_dir / "svd" / UNET).stat().st_nlink == 2, "same disk: hard link, no copy"
    assert "svd" in store.installed_ids()
    assert store.verify("svd")


def test_import_with_copy(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "my-copy"
    _write_svd_folder(src)
    store.import_folder("svd", src, copy=True)
    assert (models_dir / "svd" / UNET).stat().st_nlink == 1


def test_import_refuses_a_folder_missing_needed_files(store: ModelStore, tmp_path: Path, models_dir: Path) -> None:
    src = tmp_path / "half"
    _write_svd_folder(src, skip=("unet/diffusion_pytorch_model.fp16.safetensors",
                                 "unet/diffusion_pytorch_model.safetensors"))
    with pytest.raises(ImportFolderError, match=r"half lacks files svd needs: unet/\*\.safetensors"):
        store.import_folder("svd", src)
    assert "svd" not in store.installed_ids()
    with pytest.raises(ImportFolderError, match="not a folder"):
        store.import_folder("svd", tmp_path / "missing")


def test_import_falls_back_to_fp32_when_no_fp16(store: ModelStore, tmp_path: Path) -> None:
    src = tmp_path / "fp32"
    _write_svd_folder(src, skip=(UNET,))
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
    _write_svd_folder(models_dir / "svd")
    store.import_folder("svd", models_dir / "svd")
    assert store.status("svd").state is ModelState.INSTALLED


def test_import_over_an_installed_model_is_refused(store: ModelStore, tmp_path: Path) -> None:
    src = tmp_path / "copy"
    _write_svd_folder(src)
    store.import_folder("svd", src)
    with pytest.raises(ModelError, match="already installed"):
        store.import_folder("svd", src)


# --------------------------------------------------------------------------- user entries


def test_user_entry_is_stored_listed_and_downloadable(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    hub.add_repo("me/svd-finetune", svd_repo_files(seed=99))
    entry = store.add_entry("my-svd", "me/svd-finetune", kind="svd", revision="main")
    assert not entry.builtin and entry.tier == "svd" and entry.repo == "me/svd-finetune"
    assert entry.licences_to_accept == ()

    data = json.loads((models_dir / "user-entries.json").read_text())
    assert [m["id"] for m in data["models"]] == ["my-svd"]
    fresh = ModelStore(models_dir, endpoint=hub.url)
    assert fresh.status("my-svd").state is ModelState.NOT_INSTALLED

    manifest = store.download("my-svd")
    assert manifest.sources[0].repo == "me/svd-finetune"
    assert (models_dir / "my-svd" / UNET).read_bytes() == hub.repo("me/svd-finetune").files[UNET].data
    assert store.installed_ids() == frozenset({"my-svd"})

    store.remove_entry("my-svd")
    assert "my-svd" not in {s.id for s in store.list()}


def test_user_animatediff_entry_keeps_the_sd_base_and_its_licence(store: ModelStore) -> None:
    entry = store.add_entry("my-motion", "me/motion", kind="animatediff")
    assert entry.source("motion_adapter").repo == "me/motion"
    assert entry.source("base").repo == "stable-diffusion-v1-5/stable-diffusion-v1-5"
    assert entry.source("sparsectrl").repo == "guoyww/animatediff-sparsectrl-rgb"
    assert [lic.role for lic in entry.licences_to_accept] == ["base"]


@pytest.mark.parametrize(("mid", "repo", "kind", "match"), [
    ("svd", "me/x", "svd", "built-in"),
    ("Bad Id", "me/x", "svd", "lower-case"),
    ("../x", "me/x", "svd", "lower-case"),
    ("ok", "not-a-repo", "svd", "OWNER/NAME"),
    ("ok", "me/x", "sdxl", "kind 'sdxl'"),
])
def test_bad_user_entries_are_refused(store: ModelStore, mid: str, repo: str, kind: str, match: str) -> None:
    with pytest.raises(CatalogueError, match=match):
        store.add_entry(mid, repo, kind=kind)


def test_damaged_user_entries_file_is_reported(store: ModelStore, models_dir: Path) -> None:
    models_dir.mkdir(parents=True)
    (models_dir / "user-entries.json").write_text("{not json")
    with pytest.raises(CatalogueError, match="cannot read your model entries"):
        store.list()


def test_manifest_round_trip(store: ModelStore, models_dir: Path) -> None:
    store.download("svd", accept_licence=True)
    m = read_manifest(models_dir / "svd")
    assert m is not None
    raw = json.loads((models_dir / "svd" / MANIFEST_NAME).read_text())
    assert raw["format"] == 1 and raw["id"] == "svd"
    assert all(len(f["sha256"]) == 64 for f in raw["files"])
    assert os.path.isfile(models_dir / "svd" / MANIFEST_NAME)
