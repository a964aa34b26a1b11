"""Make ``docs/screenshot-narration.png``: the Narration tab with a script typed and a voice previewed.

It starts the app through :func:`run_gui`, loads the sample picture, switches the sound
to the Narration tab, types a script, waits for the voice list, previews the voice
with the system voice (eSpeak NG) and grabs the window. Run it under a display (CI: Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb python docs/screenshot_narration.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCRIPT = ("Every evening the lighthouse keeper climbed the hundred steps to light the lamp. "
          "Ships far out at sea saw it blink, and knew the rocks were near. "
          "Tonight, a storm was coming.")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot-narration.png")
    ap.add_argument("--dark", action="store_true")
    ap.add_argument("--size", default="1280x800")
    ap.add_argument("--no-preview", action="store_true", help="do not speak the preview first")
    args = ap.parse_args()
    os.environ.setdefault("VIDGEN_HOME", tempfile.mkdtemp(prefix="VidGen-"))
    if args.dark:
        os.environ["VIDGEN_COLOR_SCHEME"] = "dark"
    width, height = (int(v) for v in args.size.split("x"))

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from vidgen_desktop.ui import app as gui

    state = {"step": "start", "ticks": 0}
    failures: list[str] = []

    def window():  # type: ignore[no-untyped-def]
        return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")

    def tick() -> None:
        w = window()
        panel = w.narration_panel
        state["ticks"] += 1
        if state["ticks"] > 600:
            failures.append(f"timed out at step {state['step']}")
            QApplication.instance().closeAllWindows()
            return
        if state["step"] == "start":
            w.resize(width, height)
            w.load_sample()
            state["step"] = "loading"
        elif state["step"] == "loading" and w.render_button.isEnabled() and panel.catalogue is not None:
            w.drop.set_sound_source("narration")
            panel.set_script(SCRIPT)
            panel.voice.setCurrentIndex(max(0, panel.voice.findData("f3")))
            if args.no_preview:
                state["step"] = "settle"
                state["settle"] = state["ticks"]
            else:
                panel.play_sound = lambda path: "Playing:"  # no sound card under Xvfb
                w.preview_voice()
                state["step"] = "preview"
        elif state["step"] == "preview" and panel.preview_button.isEnabled():
            state["step"] = "settle"
            state["settle"] = state["ticks"]
        elif state["step"] == "settle" and state["ticks"] - state["settle"] > 5:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            if not w.grab().save(str(args.out)):
                failures.append(f"could not save {args.out}")
            print(f"saved {args.out}")
            QApplication.instance().closeAllWindows()
            return
        QTimer.singleShot(100, tick)

    def shown() -> None:
        QTimer.singleShot(300, tick)

    code = gui.run_gui([], on_shown=shown)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
