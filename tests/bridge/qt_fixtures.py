"""Fixtures both Qt test folders use: an isolated data folder, a qasync loop, and a thread-leak check.

Imported by ``tests/bridge/conftest.py`` and ``tests/ui/conftest.py`` (``from ... import *``).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vidgen_desktop.bridge import threads as bridge_threads
from vidgen_desktop.core.paths import AppPaths


@pytest.fixture(autouse=True)
def vidgen_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    """Every test gets its own data folder: settings, logs and outputs never leak between tests."""
    home = tmp_path / "vidgen-home"
    monkeypatch.setenv("VIDGEN_HOME", str(home))
    return AppPaths(home)


@pytest.fixture
def qasync_loop(qapp: object) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync loop over pytest-qt's running QApplication; coroutines advance while qtbot waits."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        # already_running loops must be stopped by hand before close (qasync's own rule).
        loop._QEventLoop__is_running = False  # type: ignore[attr-defined]  # stop() would exit the app
        loop.close()
        asyncio.events._set_running_loop(None)
        asyncio.set_event_loop(None)


def _python_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if not isinstance(t, threading._DummyThread) and t.is_alive()}  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def no_dangling_threads() -> Iterator[None]:
    """After each test: no QThread of ours still running and no new Python thread left behind."""
    before = _python_threads()
    yield
    import time

    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        leaked = (_python_threads() - before) | set(bridge_threads.running_threads())
        if not leaked:
            return
        time.sleep(0.05)
    pytest.fail(f"threads left running after the test: {sorted(leaked)}")
