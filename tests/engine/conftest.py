from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.media_factory import textured_image, tone
from vidgen_desktop.core.hardware import probe_hardware
from vidgen_desktop.core.tiers import Availability
from vidgen_desktop.engine.decide import TierDecision, decide


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    return {
        "image": textured_image(d / "pic.png", (640, 480)),
        "wav": tone(d / "tone.wav", 1.5),
        "mp3": tone(d / "tone.mp3", 1.2),
    }


@pytest.fixture(scope="session")
def kenburns_decision() -> TierDecision:
    """A real decision for this machine with no AI packages or models: Ken Burns."""
    return decide(probe_hardware({}, probe_torch=False), Availability())


@pytest.fixture()
def fake_ffmpeg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Path]]:
    """Install a shell script as the app's ffmpeg (``$VIDGEN_FFMPEG``); returns the file its child's pid goes to.

    The script body runs after a ``sleep 300 &`` whose pid is written down, so a test can
    check that stopping "ffmpeg" stopped what it started too. POSIX shells only.
    """
    if sys.platform == "win32":
        pytest.skip("the fake ffmpeg is a POSIX shell script")
    from vidgen_desktop.engine.ffmpeg import ffmpeg_exe

    def install(body: str) -> Path:
        script = tmp_path / "fake-ffmpeg"
        child = tmp_path / "fake-ffmpeg.child"
        script.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > '{child}'\n{body}\n")
        script.chmod(0o755)
        monkeypatch.setenv("VIDGEN_FFMPEG", str(script))
        ffmpeg_exe.cache_clear()
        return child

    yield install
    monkeypatch.delenv("VIDGEN_FFMPEG", raising=False)
    ffmpeg_exe.cache_clear()

