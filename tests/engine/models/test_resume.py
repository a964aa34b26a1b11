"""Cancel, crash and restart: only the missing bytes are fetched again. Locks and disk checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine.models.conftest import FAST, SVD_REPO, UNET, VAE, repo_bytes
from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.engine.models import (
    DiskSpaceError,
    DownloadBusyError,
    DownloadProgress,
    ModelState,
    ModelStore,
    RetryPolicy,
    TransferError,
    request_cancel,
    running_downloads,
)
from vidgen_desktop.engine.models.control import ModelLock
from vidgen_desktop.engine.models.transfer import part_path

REPO_ROOT = Path(__file__).resolve().parents[3]
SVD_TOTAL = sum(len(svd_repo_files()[p]) for p in SVD_SELECTED)


def _wait_for(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def _wait_until_quiet(hub: FakeHub, quiet_s: float = 0.3) -> None:
    last, since = hub.served(), time.monotonic()
    while time.monotonic() - since < quiet_s:
        time.sleep(0.02)
        if hub.served() != last:
            last, since = hub.served(), time.monotonic()


def _unet_part(models_dir: Path) -> Path:
    return part_path(models_dir / "svd", UNET)


def test_cancel_keeps_bytes_and_resume_fetches_only_the_rest(store: ModelStore, hub: FakeHub,
                                                              models_dir: Path) -> None:
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    hub.throttle(4_000_000)
    token = CancelToken()

    def on_progress(p: DownloadProgress) -> None:
        if p.file == UNET and p.file_done >= 1_000_000:
            token.cancel()

    with pytest.raises(CancelledError):
        store.download("svd", accept_licence=True, on_progress=on_progress, cancel=token)
    kept = _unet_part(models_dir).stat().st_size
    assert 1_000_000 <= kept < size
    assert store.status("svd").state is ModelState.INCOMPLETE
    assert "svd" not in store.installed_ids()
    assert running_downloads(models_dir) == []

    plan = store.plan("svd")
    assert plan.missing_bytes == SVD_TOTAL - plan.present_bytes
    assert plan.missing_bytes == size - kept + len(repo_bytes(hub, SVD_REPO, VAE)) + len(
        repo_bytes(hub, SVD_REPO, "vae/config.json"))

    _wait_until_quiet(hub)
    hub.throttle(None)
    hub.reset_stats()
    events: list[DownloadProgress] = []
    store.download("svd", on_progress=events.append)
    assert hub.served(UNET) == size - kept, "resume must fetch only the missing bytes"
    assert hub.served("image_encoder/") == 0, "files finished before the cancel are not fetched again"
    assert hub.served() == plan.missing_bytes
    assert [r.headers["Range"] for r in hub.requests("/cdn/") if r.headers.get("Range")] == [f"bytes={kept}-"]
    assert events[-1].done == SVD_TOTAL
    assert "svd" in store.installed_ids()


def test_crash_mid_file_then_restart_resumes(hub: FakeHub, models_dir: Path, hf_cache: Path) -> None:
    """A real process killed with SIGKILL mid-file: the next run resumes from the bytes on disk."""
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    hub.throttle(3_000_000)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from vidgen_desktop.engine.models import ModelStore
        store = ModelStore(Path({str(models_dir)!r}), endpoint={hub.url!r}, disk_margin=0,
                           hf_cache_dir=Path({str(hf_cache)!r}))
        store.download("svd", accept_licence=True)
        raise SystemExit("download finished: the test meant to kill it first")
    """)
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO_ROOT, env=env)
    try:
        _wait_for(lambda: hub.served(UNET) >= 1_200_000 or proc.poll() is not None, timeout=30)
        proc.kill()
    finally:
        proc.wait(timeout=10)
    _wait_until_quiet(hub)  # the server thread of the dead connection stops at its next write
    kept = _unet_part(models_dir).stat().st_size
    assert 0 < kept < size
    lock = models_dir / ".locks" / "svd.lock"
    assert lock.exists(), "the killed process could not clean up its lock"

    hub.throttle(None)
    hub.reset_stats()
    store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=0, hf_cache_dir=hf_cache)
    store.download("svd")  # licence accepted by the killed run; stale lock taken over
    assert hub.served(UNET) == size - kept
    assert hub.served("image_encoder/") == 0
    assert "svd" in store.installed_ids()


def test_part_of_a_different_file_version_is_discarded(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    size = len(repo_bytes(hub, SVD_REPO, UNET))
    part = _unet_part(models_dir)
    part.parent.mkdir(parents=True)
    part.write_bytes(b"x" * 1000)
    part.with_name(part.name + ".json").write_text(json.dumps({"size": size, "sha256": "0" * 64, "git_oid": None}))
    store.download("svd", accept_licence=True)
    assert hub.served(UNET) == size


def test_cancel_request_file_stops_a_running_download(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    hub.throttle(2_000_000)
    outcome: list[VidGenError] = []

    def work() -> None:
        try:
            store.download("svd", accept_licence=True)
        except VidGenError as exc:  # handed to the test thread
            outcome.append(exc)

    t = threading.Thread(target=work)
    t.start()
    _wait_for(lambda: hub.served(UNET) > 0)
    assert running_downloads(models_dir) == ["svd"]
    assert request_cancel(models_dir) == ["svd"]
    t0 = time.monotonic()
    t.join(timeout=10)
    assert time.monotonic() - t0 < 2
    assert len(outcome) == 1 and isinstance(outcome[0], CancelledError)
    assert "models cancel" in str(outcome[0])
    assert running_downloads(models_dir) == []
    assert not list((models_dir / ".locks").glob("*")), "lock and cancel request cleaned up"


def test_cancel_during_a_stall_is_immediate(hub: FakeHub, models_dir: Path) -> None:
    """A blocked read is aborted by the watchdog, not left to time out."""
    hub.stall(UNET, after=300_000, seconds=30)
    slow_stall = RetryPolicy(attempts=2, base_delay=0.01, stall_timeout=20.0, min_bps=0)
    store = ModelStore(models_dir, endpoint=hub.url, retry=slow_stall, disk_margin=0)
    token = CancelToken()
    outcome: list[VidGenError] = []

    def work() -> None:
        try:
            store.download("svd", accept_licence=True, cancel=token)
        except VidGenError as exc:  # handed to the test thread
            outcome.append(exc)

    t = threading.Thread(target=work)
    t.start()
    _wait_for(lambda: hub.served(UNET) >= 300_000)
    time.sleep(0.2)
    t0 = time.monotonic()
    token.cancel()
    t.join(timeout=10)
    assert time.monotonic() - t0 < 1.5
    assert outcome and isinstance(outcome[0], CancelledError)
    assert _unet_part(models_dir).stat().st_size == 300_000


def test_second_download_of_the_same_model_is_refused(store: ModelStore, models_dir: Path) -> None:
    with ModelLock(models_dir, "svd"), pytest.raises(DownloadBusyError, match="already running"):
        store.download("svd", accept_licence=True)


def test_stale_lock_of_a_dead_process_is_taken_over(store: ModelStore, models_dir: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    (models_dir / ".locks").mkdir(parents=True)
    (models_dir / ".locks" / "svd.lock").write_text(json.dumps({"pid": proc.pid, "started": 1.0}))
    store.download("svd", accept_licence=True)
    assert "svd" in store.installed_ids()


def test_not_enough_disk_space_is_refused_before_any_byte(hub: FakeHub, models_dir: Path) -> None:
    store = ModelStore(models_dir, endpoint=hub.url, retry=FAST, disk_margin=10**18)
    with pytest.raises(DiskSpaceError) as info:
        store.download("svd", accept_licence=True)
    msg = info.value.message
    assert f"in {models_dir}" in msg and "svd needs 4.1 MB more" in msg and "free" in msg
    assert "\n" not in msg
    assert hub.served() == 0


def test_disk_check_counts_only_what_is_missing(store: ModelStore, hub: FakeHub, models_dir: Path) -> None:
    hub.drop(UNET, after=2_000_000, count=-1)
    hub.drop(VAE, after=0, count=-1)
    with pytest.raises(TransferError):
        store.download("svd", accept_licence=True)
    plan = store.plan("svd")
    assert plan.disk_needed == plan.missing_bytes == SVD_TOTAL - plan.present_bytes
    assert plan.present_bytes >= 2_000_000
