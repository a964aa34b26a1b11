"""States of the model folder, removal and the install record."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.engine.models.conftest import VAE, write_svd_folder
from tests.helpers.fake_hub import SVD_SELECTED, svd_repo_files
from vidgen_desktop.engine.models import (
    ModelNotInstalledError,
    ModelState,
    ModelStore,
    UnknownModelError,
)
from vidgen_desktop.engine.models.manifest import MANIFEST_NAME, read_manifest


def _states(store: ModelStore) -> dict[str, ModelState]:
    return {s.id: s.state for s in store.list()}


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
    write_svd_folder(models_dir / "svd")
    assert store.status("svd").state is ModelState.INCOMPLETE
    assert "svd" not in store.installed_ids()


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


def test_manifest_round_trip(store: ModelStore, models_dir: Path) -> None:
    store.download("svd", accept_licence=True)
    m = read_manifest(models_dir / "svd")
    assert m is not None
    raw = json.loads((models_dir / "svd" / MANIFEST_NAME).read_text())
    assert raw["format"] == 1 and raw["id"] == "svd"
    assert all(len(f["sha256"]) == 64 for f in raw["files"])
    assert os.path.isfile(models_dir / "svd" / MANIFEST_NAME)
