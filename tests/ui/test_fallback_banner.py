"""A render that falls back to a weaker tier says so in the window: a banner, not just a note.

Real parts all the way: a tiny random-weight SVD imported into the store and then damaged on
disk, the real render thread and engine, the window on the "automatic" tier. The only
difference from a user's window is that slow AI rendering is allowed (this machine has no
GPU), so that "automatic" picks SVD, which fails to load, and Ken Burns finishes the video.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.engine.ai.conftest import needs_torch
from tests.ui.test_render_flow import RENDER_TIMEOUT_MS, _ready
from vidgen_desktop.bridge.worker import engine_render
from vidgen_desktop.core.jobs import RenderJob, Tier
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.ui.main_window import MainWindow

pytestmark = needs_torch


def _slow_ai_allowed(job: RenderJob, **kw: Any) -> Any:
    """The engine's own render, as the window calls it, with slow AI allowed."""
    from vidgen_desktop.engine.ai.options import AiOptions

    kw["ai"] = replace(kw.get("ai") or AiOptions(), allow_slow=True, steps=1, frames_per_clip=8)
    return engine_render(job, **kw)


@pytest.fixture(scope="module")
def tiny_svd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built before the test's thread check starts (saving shards starts tqdm's monitor thread)."""
    import torch

    from tests.engine.ai.tiny_models import build_svd

    torch.set_num_threads(1)
    return build_svd(tmp_path_factory.mktemp("tiny") / "svd", num_frames=14)


def test_a_fallback_shows_a_banner(qtbot: QtBot, make_window: Callable[..., MainWindow], media: dict[str, Path],
                                   tiny_svd: Path) -> None:
    from vidgen_desktop.engine.models.store import ModelStore

    models = app_paths().models
    ModelStore(models).import_folder("svd", tiny_svd, copy=True)
    weights = models / "svd" / "unet" / "diffusion_pytorch_model.safetensors"
    with weights.open("r+b") as f:  # bit rot: same size, so the store still calls it installed
        f.write(b"\xff" * 64)

    w = make_window(render_fn=_slow_ai_allowed)
    assert w.s.settings.settings.output.tier == Tier.AUTO.value
    _ready(qtbot, w, media["image"], media["audio"], resolution="480p", fps="15")
    assert not w.banner.isVisible()
    with qtbot.waitSignal(w.s.controller.succeeded, timeout=RENDER_TIMEOUT_MS) as done:
        w.start_render()
    result = done.args[0]
    assert result.tier is Tier.KENBURNS and Path(result.output).stat().st_size > 0
    assert result.fallback is not None and result.fallback.planned is Tier.SVD
    assert w.banner.isVisible()
    text = w.banner.text.text()
    assert "Made with Ken Burns pan &amp; zoom instead of Stable Video Diffusion" in text
    assert str(models / "svd") in text  # why: the model's files, named
    # The finished page still shows the video; the banner is on top of it, and goes with Dismiss.
    assert w.progress_panel.pages.currentIndex() == 2
