"""Make ``docs/screenshot-models.png``: the Models tab in the middle of a real download.

The models come from the loopback test hub (``tests/helpers/fake_hub.py``) with bigger
weights and a throttle, so the shot shows a live progress bar, speed and time left, an
installed model and a queued one. Run it under a display (CI: Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb python docs/screenshot_models.py
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import _shot


def main() -> int:
    ap = _shot.arguments("screenshot-models.png", "1400x860")
    args, width, height = _shot.setup(ap)
    home = Path(os.environ["VIDGEN_HOME"])
    os.environ["HF_HOME"] = str(home / "hf-home")
    for var in ("HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        os.environ.pop(var, None)

    from tests.helpers.fake_hub import FakeHub, svd_repo_files, tts_repo_files
    from vidgen_desktop.core.hub_settings import HubSettings
    from vidgen_desktop.core.paths import app_paths
    from vidgen_desktop.engine.models import ModelStore
    from vidgen_desktop.ui import app as gui

    hub = FakeHub().start()
    svd = svd_repo_files()
    svd["unet/diffusion_pytorch_model.fp16.safetensors"] = os.urandom(200_000_000)  # big enough to watch
    hub.add_repo("stabilityai/stable-video-diffusion-img2vid", svd)
    hub.add_repo("coqui/XTTS-v2", tts_repo_files())
    models = app_paths().models
    # One model already installed, so the list shows every state.
    ModelStore(models, endpoint=hub.url, disk_margin=0).download("xtts-v2", accept_licence=True)
    hub.throttle(18_000_000)

    def step(w: Any, state: _shot.State, failures: list[str]) -> bool:
        panel = w.models_panel
        if state["step"] == "start":
            w.resize(width, height)
            w.splitter.setSizes([500, width - 500])
            w.tabs.setCurrentWidget(panel)
            panel.apply_hub_settings(HubSettings(endpoint=hub.url))
            panel.clear_message()
            state["step"] = "rows"
        elif state["step"] == "rows" and panel.row("svd") is not None and w.hardware_panel.copy.isEnabled():
            panel.confirm_licence = lambda row: True  # the dialog has its own shot-free test
            panel.request_download("svd")
            panel.request_download("bark-small")  # waits in the queue
            panel.select("svd")
            state["step"] = "downloading"
        elif state["step"] == "downloading" and (p := panel.model.progress_of("svd")) is not None \
                and p.fraction > 0.4:
            _shot.save(w, args.out, failures)
            w.confirm_close_during_download = lambda: True
            w.close()
            return True
        return False

    def cancel_downloads(w: Any) -> None:
        w.downloads.cancel_all()

    try:
        return _shot.run(gui, step, limit=900, on_timeout=cancel_downloads)
    finally:
        hub.stop()


if __name__ == "__main__":
    sys.exit(main())
