"""The user's own catalogue entries: stored, listed, downloadable, validated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.engine.models.conftest import UNET
from tests.helpers.fake_hub import FakeHub, svd_repo_files
from vidgen_desktop.engine.models import (
    CatalogueError,
    ModelState,
    ModelStore,
)


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
