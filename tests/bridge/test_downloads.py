"""The download manager on its own: a real loopback hub, a real ModelStore, real threads.

Signals are checked on the GUI thread (the manager re-emits everything there), progress
arrives at most 10 times a second, downloads queue, cancel stops promptly and keeps the
bytes, and shutdown leaves no thread behind. Plus the hub settings file and the error
sentences the panel shows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.helpers.fake_hub import SVD_SELECTED, FakeHub
from tests.helpers.hub_fixtures import SVD_REPO, clean_hub_env, fast_store_options, hub_fixture  # noqa: F401
from vidgen_desktop.bridge import threads
from vidgen_desktop.bridge.download_errors import describe_download_error
from vidgen_desktop.bridge.downloads import DownloadManager
from vidgen_desktop.core.hub_settings import HubSettings, HubSettingsStore
from vidgen_desktop.core.paths import AppPaths
from vidgen_desktop.engine.models import errors as e


@pytest.fixture
def manager(qapp: Any, hub: FakeHub, vidgen_home: AppPaths, tmp_path: Path) -> Iterator[DownloadManager]:
    m = DownloadManager(vidgen_home, settings_store=HubSettingsStore(vidgen_home.home / "hub.json", use_keyring=False))
    m.set_hub(HubSettings(endpoint=hub.url))
    m.store_options = fast_store_options(tmp_path)
    yield m
    assert m.shutdown(10_000)
    m.deleteLater()


def _selected_bytes(hub: FakeHub) -> int:
    files = hub.repo(SVD_REPO).files
    return sum(len(files[p].data) for p in SVD_SELECTED)


class Recorder:
    """Every signal of the manager, with the time it arrived (all on the GUI thread)."""

    def __init__(self, m: DownloadManager) -> None:
        self.events: list[tuple[str, Any]] = []
        self.progress_times: list[float] = []
        self.gui_thread = True
        main = threading.main_thread()

        def rec(name: str):  # GUI-thread signals only: lambdas are fine here
            def f(*args: Any) -> None:
                if threading.current_thread() is not main:
                    self.gui_thread = False
                if name == "progress":
                    self.progress_times.append(time.monotonic())
                self.events.append((name, args))
            return f

        for name in ("queued", "started", "progress", "succeeded", "failed", "cancelled", "idle"):
            getattr(m, name).connect(rec(name))

    def names(self, skip_progress: bool = True) -> list[tuple[str, Any]]:
        return [(n, a[0] if a else None) for n, a in self.events if not (skip_progress and n == "progress")]


def test_download_queue_progress_and_results_on_the_gui_thread(qtbot: QtBot, manager: DownloadManager,
                                                               hub: FakeHub, vidgen_home: AppPaths) -> None:
    hub.throttle(3_000_000)  # ~1.5 s for the SVD files: several polls
    rec = Recorder(manager)
    assert manager.download("svd", accept_licence=True)
    assert manager.download("xtts-v2", accept_licence=True)
    assert not manager.download("svd"), "a model already running or queued is not added twice"
    assert manager.busy and manager.current == "svd" and manager.pending == ["xtts-v2"]
    qtbot.waitUntil(lambda: not manager.busy, timeout=20_000)

    assert rec.gui_thread
    assert rec.names() == [("started", "svd"), ("queued", "xtts-v2"), ("succeeded", "svd"),
                           ("started", "xtts-v2"), ("succeeded", "xtts-v2"), ("idle", None)]
    # Progress: polled, so at most 10 per second whatever the store reports (plus a final flush per model).
    t = rec.progress_times
    assert len(t) >= 5
    assert len(t) <= (t[-1] - t[0]) * 10 + 3, len(t)
    svd_events = [a[0] for n, a in rec.events if n == "progress" and a[0].model_id == "svd"]
    assert svd_events[-1].total == _selected_bytes(hub)
    assert any(0 < ev.done < ev.total and ev.speed_bps > 0 for ev in svd_events)
    assert {d.name for d in vidgen_home.models.iterdir() if not d.name.startswith(".")} >= {"svd", "xtts-v2"}


def test_cancel_stops_promptly_and_keeps_the_bytes(qtbot: QtBot, manager: DownloadManager, hub: FakeHub,
                                                   vidgen_home: AppPaths) -> None:
    hub.throttle(600_000)
    rec = Recorder(manager)
    manager.download("svd", accept_licence=True)
    manager.download("xtts-v2", accept_licence=True)
    qtbot.waitUntil(lambda: any(n == "progress" and a[0].done > 300_000 for n, a in rec.events), timeout=10_000)
    manager.cancel("xtts-v2")  # queued: simply dropped
    assert manager.pending == []
    t0 = time.monotonic()
    manager.cancel("svd")
    assert manager.cancelling
    qtbot.waitUntil(lambda: not manager.busy, timeout=5_000)
    assert time.monotonic() - t0 < 2.0, "cancel must not wait for the throttled transfer"
    assert rec.names()[-3:] == [("cancelled", "xtts-v2"), ("cancelled", "svd"), ("idle", None)]
    partial = vidgen_home.models / "svd" / ".vidgen-partial"
    assert partial.is_dir() and any(p.suffix == ".part" and p.stat().st_size for p in partial.rglob("*.part"))


def test_failure_is_reported_and_the_queue_goes_on(qtbot: QtBot, manager: DownloadManager, hub: FakeHub) -> None:
    rec = Recorder(manager)
    manager.download("bark-small")  # not on this hub: 404
    manager.download("xtts-v2", accept_licence=True)
    qtbot.waitUntil(lambda: not manager.busy, timeout=10_000)
    names = rec.names()
    assert ("failed", "bark-small") in names and ("succeeded", "xtts-v2") in names
    exc = next(a[1] for n, a in rec.events if n == "failed")
    assert isinstance(exc, e.RemoteNotFoundError)


def test_licence_not_accepted_fails_before_any_request(qtbot: QtBot, manager: DownloadManager, hub: FakeHub) -> None:
    rec = Recorder(manager)
    hub.reset_stats()
    manager.download("svd", accept_licence=False)
    qtbot.waitUntil(lambda: not manager.busy, timeout=5_000)
    exc = next(a[1] for n, a in rec.events if n == "failed")
    assert isinstance(exc, e.LicenceNotAcceptedError)
    assert list(hub.requests()) == []


def test_shutdown_mid_download_joins_the_thread(qtbot: QtBot, manager: DownloadManager, hub: FakeHub) -> None:
    hub.throttle(300_000)
    manager.download("svd", accept_licence=True)
    qtbot.waitUntil(lambda: "vidgen-download" in threads.running_threads(), timeout=5_000)
    qtbot.wait(300)
    t0 = time.monotonic()
    assert manager.shutdown(10_000)
    assert time.monotonic() - t0 < 3.0
    assert "vidgen-download" not in threads.running_threads()
    assert not manager.download("xtts-v2"), "nothing starts after shutdown"


def test_no_thread_until_the_first_download(manager: DownloadManager) -> None:
    assert "vidgen-download" not in threads.running_threads()
    assert not manager.busy and manager.current is None


# ---------------------------------------------------------------------------- error sentences


@pytest.mark.parametrize(("exc", "kind", "words", "token"), [
    (e.EndpointUnreachableError("http://127.0.0.1:9", "Connection refused"), "offline", "Cannot reach", False),
    (e.AccessDeniedError("org/gated", 401, has_token=False, endpoint="https://hf.example"), "token",
     "needs a Hugging Face access token", True),
    (e.AccessDeniedError("org/gated", 403, has_token=True, endpoint="https://hf.example"), "denied",
     "has no access", True),
    (e.RemoteNotFoundError("org/gone@main", "RepoNotFound"), "not-found", "HTTP 404", False),
    (e.DiskSpaceError("svd needs 4.5 GB, 1.0 GB free", hint="free space"), "disk", "disk space", False),
    (e.VerificationError("svd", ["unet.safetensors: hash abc differs"]), "verify", "damaged", False),
    (e.DownloadBusyError("svd: a download is already running in process 42"), "busy", "already running", False),
    (e.TransferError("org:file: stalled (8 tries in a row)"), "transfer", "stalled", False),
    (RuntimeError("boom"), "other", "Unexpected error", False),
])
def test_error_sentences(exc: BaseException, kind: str, words: str, token: bool) -> None:
    info = describe_download_error("svd", exc, "https://hf.example")
    assert info.kind == kind and words in info.message and info.needs_token is token
    assert info.hint
    if token:
        assert info.url == "https://hf.example/org/gated"
