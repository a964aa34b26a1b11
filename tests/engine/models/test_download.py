"""Downloads over real HTTP from the loopback fake hub: selection, progress, errors, retries."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.engine.models.conftest import FAST, SVD_REPO, UNET, XTTS_REPO, repo_bytes
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from vidgen_desktop.engine.model_index import installed_models
from vidgen_desktop.engine.models import (
    AccessDeniedError,
    CatalogueError,
    DownloadProgress,
    EndpointUnreachableError,
    LicenceNotAcceptedError,
    ModelState,
    ModelStore,
    RemoteNotFoundError,
    RemoteServerError,
    RetryPolicy,
    TransferError,
)
from vidgen_desktop.engine.models.manifest import read_manifest

SVD_TOTAL = sum(len(svd_repo_files()[p]) for p in SVD_SELECTED)


def test_download_fetches_only_the_selected_files_and_installs(store: ModelStore, hub: FakeHub,
                                                               models_dir: Path) -> None:
    manifest = store.download("svd", accept_licence=True)

    assert hub.served_files() == set(SVD_SELECTED), "decoys (fp32, single-file, README) must never be fetched"
    assert hub.served() == SVD_TOTAL, "each byte exactly once"
    model = models_dir / "svd"
    for rel in SVD_SELECTED:
        assert (model / rel).read_bytes() == repo_bytes(hub, SVD_REPO, rel)
    assert {f.path for f in manifest.files} == set(SVD_SELECTED)
    assert manifest.sources[0].commit == hub.repo(SVD_REPO).commit
    assert read_manifest(model) == manifest
    assert store.installed_ids() == frozenset({"svd"}) == installed_models(models_dir)
    assert store.status("svd").state is ModelState.INSTALLED
    assert not (model / ".vidgen-partial").exists()
    assert not list((models_dir / ".locks").glob("*")), "lock released"


def test_second_download_of_an_installed_model_does_not_touch_the_network(store: ModelStore, hub: FakeHub) -> None:
    store.download("svd", accept_licence=True)
    hub.reset_stats()
    store.download("svd")
    assert list(hub.requests()) == []


def test_progress_events_cover_every_byte(store: ModelStore) -> None:
    events: list[DownloadProgress] = []
    store.download("svd", accept_licence=True, on_progress=events.append)

    assert events[-1].phase == "done" and events[-1].done == events[-1].total == SVD_TOTAL
    assert events[-1].files_done == events[-1].files_total == len(SVD_SELECTED)
    dones = [e.done for e in events]
    assert dones == sorted(dones)
    assert all(0 <= e.file_done <= e.file_total for e in events)
    assert {e.file for e in events if e.file} == set(SVD_SELECTED)
    assert any(e.speed_bps > 0 for e in events)
    assert events[-1].eta_s == 0.0
    assert json.dumps(events[-1].to_json_dict())


def test_licence_must_be_accepted_before_any_request(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    with pytest.raises(LicenceNotAcceptedError, match="Stable Video Diffusion Community License"):
        store.download("svd")
    assert list(hub.requests()) == []
    store.download("svd", accept_licence=True)
    store.remove("svd")
    store.download("svd")  # acceptance remembered
    assert "svd" in store.installed_ids()


def test_model_without_licence_to_accept_downloads_directly(store: ModelStore, hub: FakeHub) -> None:
    hub.add_repo("suno/bark-small", {"config.json": b"{}", "vocab.txt": b"a\nb\n",
                                     "model.safetensors": b"s" * 5000, "pytorch_model.bin": b"b" * 6000})
    manifest = store.download("bark-small")
    assert {f.path for f in manifest.files} == {"config.json", "vocab.txt", "model.safetensors"}


def test_token_goes_to_the_endpoint_but_never_to_the_cdn(hub: FakeHub, models_dir: Path) -> None:
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid", svd_repo_files(), gated=True, token="s3cret")
    store = ModelStore(models_dir, endpoint=hub.url, token="s3cret", retry=FAST, disk_margin=0)
    store.download("svd", accept_licence=True)
    resolves = list(hub.requests("/resolve/"))
    cdn = list(hub.requests("/cdn/"))
    assert resolves and cdn
    assert all(r.headers.get("Authorization") == "Bearer s3cret" for r in resolves)
    assert all("Authorization" not in r.headers for r in cdn), "token leaked to another host"
    assert {r.status for r in resolves if UNET in r.path} == {302}


@pytest.mark.parametrize(("token", "status"), [(None, 401), ("wrong", 403)])
def test_gated_repo_without_access_is_a_clear_error(hub: FakeHub, models_dir: Path, token: str | None,
                                                    status: int) -> None:
    hub.add_repo(SVD_REPO, svd_repo_files(), gated=True, token="s3cret")
    store = ModelStore(models_dir, endpoint=hub.url, token=token, retry=FAST, disk_margin=0)
    with pytest.raises(AccessDeniedError, match=f"HTTP {status}") as info:
        store.download("svd", accept_licence=True)
    assert "\n" not in info.value.message
    assert "HF_TOKEN" in info.value.hint
    assert store.status("svd").state is not ModelState.INSTALLED


def test_token_from_environment(hub: FakeHub, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_repo(SVD_REPO, svd_repo_files(), gated=True, token="from-env")
    monkeypatch.setenv("HF_TOKEN", "from-env")
    store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0)
    store.download("svd", accept_licence=True)


def test_endpoint_from_hf_endpoint(hub: FakeHub, models_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", hub.url + "/")
    store = ModelStore(models_dir, retry=FAST, disk_margin=0)
    assert store.client.endpoint == hub.url
    store.download("svd", accept_licence=True)


def test_missing_repo_is_404(store: ModelStore) -> None:
    store.add_entry("mine", "someone/does-not-exist", kind="svd")
    with pytest.raises(RemoteNotFoundError, match="someone/does-not-exist@main.*404.*RepoNotFound"):
        store.download("mine")


def test_missing_revision_is_404(store: ModelStore) -> None:
    store.add_entry("mine", SVD_REPO, revision="v9", kind="svd")
    with pytest.raises(RemoteNotFoundError, match="RevisionNotFound"):
        store.download("mine", accept_licence=True)


def test_repo_of_the_wrong_kind_is_refused_before_downloading(store: ModelStore, hub: FakeHub) -> None:
    store.add_entry("not-svd", XTTS_REPO, kind="svd")
    with pytest.raises(CatalogueError, match="lacks files not-svd needs .*model_index.json"):
        store.download("not-svd")
    assert hub.served() == 0


def test_transient_500s_are_retried(store: ModelStore, hub: FakeHub) -> None:
    hub.fail(UNET, 500, count=2)
    hub.fail("/revision/", 503, count=1, where="api")
    store.download("svd", accept_licence=True)
    assert "svd" in store.installed_ids()


def test_persistent_500_gives_up_with_a_server_error(store: ModelStore, hub: FakeHub) -> None:
    hub.fail(UNET, 500, count=-1)
    with pytest.raises(RemoteServerError, match="HTTP 500"):
        store.download("svd", accept_licence=True)
    assert len([r for r in hub.requests(UNET)]) == FAST.attempts


def test_api_500_gives_up_with_a_server_error(store: ModelStore, hub: FakeHub) -> None:
    hub.fail("/revision/", 500, count=-1, where="api")
    with pytest.raises(RemoteServerError, match="HTTP 500"):
        store.download("svd", accept_licence=True)


def test_unreachable_endpoint_fails_fast(models_dir: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens once closed
    store = ModelStore(models_dir, endpoint=f"http://127.0.0.1:{port}", retry=FAST, disk_margin=0)
    store.client.api_backoff = 0.01
    t0 = time.monotonic()
    with pytest.raises(EndpointUnreachableError, match=f"cannot reach http://127.0.0.1:{port}"):
        store.download("svd", accept_licence=True)
    assert time.monotonic() - t0 < 3


def test_connection_dropped_mid_file_resumes_with_range(store: ModelStore, hub: FakeHub) -> None:
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    hub.drop(UNET, after=1_000_000)
    store.download("svd", accept_licence=True)
    assert hub.served(UNET) == size, "the resumed request must fetch only the missing bytes"
    ranges = [r.headers.get("Range") for r in hub.requests("/cdn/") if r.status in (200, 206)]
    assert "bytes=1000000-" in ranges


def test_stalled_connection_is_detected_and_resumed(store: ModelStore, hub: FakeHub) -> None:
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    hub.stall(UNET, after=500_000, seconds=30)
    t0 = time.monotonic()
    store.download("svd", accept_licence=True)
    assert time.monotonic() - t0 < 5, "stall_timeout is 0.5 s"
    assert hub.served(UNET) == size
    assert "svd" in store.installed_ids()


def test_server_ignoring_range_restarts_that_file(store: ModelStore, hub: FakeHub) -> None:
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    hub.drop(UNET, after=1_000_000)
    hub.ignore_range(UNET)
    store.download("svd", accept_licence=True)
    assert hub.served(UNET) == size + 1_000_000
    assert "svd" in store.installed_ids()


def test_repeated_drops_without_progress_give_up(store: ModelStore, hub: FakeHub) -> None:
    hub.drop(UNET, after=0, count=-1)
    with pytest.raises(TransferError, match="dropped|closed"):
        store.download("svd", accept_licence=True)


def test_tree_listing_is_paged(models_dir: Path) -> None:
    with FakeHub(page_size=4) as hub:
        hub.add_repo(SVD_REPO, svd_repo_files())
        store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0)
        manifest = store.download("svd", accept_licence=True)
        assert len(manifest.files) == len(SVD_SELECTED)
        assert len(list(hub.requests("/tree/"))) > 3


def test_svd_xt_falls_back_to_the_original_xt(store: ModelStore, hub: FakeHub) -> None:
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid-xt", svd_repo_files(seed=50))
    manifest = store.download("svd-xt", accept_licence=True)
    assert manifest.sources[0].repo == "stabilityai/stable-video-diffusion-img2vid-xt"


def test_svd_xt_falls_back_when_1_1_is_gated(store: ModelStore, hub: FakeHub) -> None:
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid-xt-1-1", svd_repo_files(seed=60), gated=True, token="x")
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid-xt", svd_repo_files(seed=50))
    manifest = store.download("svd-xt", accept_licence=True)
    assert manifest.sources[0].repo == "stabilityai/stable-video-diffusion-img2vid-xt"


def test_svd_xt_prefers_1_1(store: ModelStore, hub: FakeHub) -> None:
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid-xt-1-1", svd_repo_files(seed=60))
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid-xt", svd_repo_files(seed=50))
    manifest = store.download("svd-xt", accept_licence=True)
    assert manifest.sources[0].repo == "stabilityai/stable-video-diffusion-img2vid-xt-1-1"


def test_animatediff_combines_three_repos_in_subfolders(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    hub.add_repo("guoyww/animatediff-motion-adapter-v1-5-3",
                 {"config.json": b"{}", "diffusion_pytorch_model.safetensors": b"m" * 4000, "README.md": b"x"})
    base = {"model_index.json": b"{}", "scheduler/scheduler_config.json": b"{}", "tokenizer/vocab.json": b"{}",
            "tokenizer/merges.txt": b"#", "text_encoder/config.json": b"{}",
            "text_encoder/model.fp16.safetensors": b"t" * 3000, "text_encoder/model.safetensors": b"T" * 6000,
            "unet/config.json": b"{}", "unet/diffusion_pytorch_model.fp16.safetensors": b"u" * 5000,
            "vae/config.json": b"{}", "vae/diffusion_pytorch_model.fp16.safetensors": b"v" * 2000,
            "safety_checker/model.safetensors": b"s" * 3000, "v1-5-pruned.safetensors": b"p" * 9000}
    hub.add_repo("stable-diffusion-v1-5/stable-diffusion-v1-5", base)
    hub.add_repo("guoyww/animatediff-sparsectrl-rgb",
                 {"config.json": b"{}", "diffusion_pytorch_model.fp16.safetensors": b"c" * 2500,
                  "diffusion_pytorch_model.safetensors": b"C" * 5000, "README.md": b"x"})
    manifest = store.download("animatediff", accept_licence=True)
    paths = {f.path for f in manifest.files}
    assert [s.repo for s in manifest.sources] == ["guoyww/animatediff-motion-adapter-v1-5-3",
                                                  "stable-diffusion-v1-5/stable-diffusion-v1-5",
                                                  "guoyww/animatediff-sparsectrl-rgb"]
    assert "motion_adapter/diffusion_pytorch_model.safetensors" in paths
    assert {"sparsectrl/config.json", "sparsectrl/diffusion_pytorch_model.fp16.safetensors"} <= paths
    assert "sparsectrl/diffusion_pytorch_model.safetensors" not in paths and "sparsectrl/README.md" not in paths
    assert "base/text_encoder/model.fp16.safetensors" in paths
    assert not {"base/text_encoder/model.safetensors", "base/safety_checker/model.safetensors",
                "base/v1-5-pruned.safetensors"} & paths
    assert store.local_path("animatediff", "base") == models_dir / "animatediff" / "base"
    assert (store.local_path("animatediff", "motion_adapter") / "config.json").is_file()
    assert (store.local_path("animatediff", "sparsectrl") / "config.json").is_file()


def test_slow_trickle_counts_as_a_stall(hub: FakeHub, models_dir: Path) -> None:
    policy = RetryPolicy(attempts=2, base_delay=0.01, stall_timeout=0.3, min_bps=50_000_000, chunk=64 * 1024)
    hub.throttle(2_000_000)
    store = ModelStore(models_dir, endpoint=hub.url, retry=policy, disk_margin=0)
    store.download("xtts-v2", accept_licence=True)  # reconnects, still completes: every attempt made progress
    assert len([r for r in hub.requests("/cdn/") if r.headers.get("Range")]) >= 1
