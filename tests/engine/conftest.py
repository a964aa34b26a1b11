from __future__ import annotations

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
