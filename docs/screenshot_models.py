"""Make ``docs/screenshot-models.png``: the Models tab in the middle of a real download.

The models come from the loopback test hub (``tests/helpers/fake_hub.py``) with bigger
weights and a throttle, so the shot shows a live progress bar, speed and time left, an
installed model and a queued one. Run it under a display (CI: Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb python docs/screenshot_models.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-models.png")
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--size", default="1400x860")
    args = ap.parse_args()
    home = Path(os.environ.setdefault("VIDGEN_HOME", tempfile.mkdtemp(prefix="VidGen-")))
    os.environ["HF_HOME"] = str(home / "hf-home")
    for var in ("HF_ENDPOINT", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        os.environ.pop(var, None)
    if args.dark:
        os.environ["VIDGEN_COLOR_SCHEME"] = "dark"
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.helpers.fake_hub import FakeHub, svd_repo_files, tts_repo_files
    from vidgen_desktop.bridge.downloads import HubSettings
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

    state = {"step": "start", "ticks": 0}
    failures: list[str] = []

    def window():  # type: ignore[no-untyped-def]
        return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")

    def tick() -> None:
        w = window()
        panel = w.models_panel
        state["ticks"] += 1
        if state["ticks"] > 900:
            failures.append(f"timed out at step {state['step']}")
            w.downloads.cancel_all()
            QApplication.instance().closeAllWindows()
            return
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
        elif state["step"] == "downloading" and panel._last is not None and panel._last.fraction > 0.4:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            if not w.grab().save(str(args.out)):
                failures.append(f"could not save {args.out}")
            print(f"saved {args.out}")
            w.confirm_close_during_download = lambda: True
            w.close()
            return
        QTimer.singleShot(100, tick)

    def shown() -> None:
        QTimer.singleShot(300, tick)

    try:
        code = gui.run_gui([], on_shown=shown)
    finally:
        hub.stop()
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
