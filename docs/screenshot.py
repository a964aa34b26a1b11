"""Make ``docs/screenshot.png``: the real window, after a real render of the built-in sample.

Run it under a display (CI: Xvfb) so the xcb platform, fonts and styles are the real ones:

    xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py [--dark] [--out docs/screenshot.png]

It starts the app through :func:`run_gui`, clicks "try the sample", renders, waits for
the finished result, grabs the window with Qt's own ``QWidget.grab`` and quits.
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
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    ap.add_argument("--dark", action="store_true", help="dark colour scheme (VIDGEN_COLOR_SCHEME=dark)")
    ap.add_argument("--size", default="1280x800")
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
        state["ticks"] += 1
        if state["ticks"] > 1200:  # 2 minutes
            failures.append(f"timed out at step {state['step']}")
            QApplication.instance().closeAllWindows()
            return
        if state["step"] == "start":
            w.resize(width, height)
            w.load_sample()
            state["step"] = "loading"
        elif state["step"] == "loading" and w.render_button.isEnabled() and w.models_panel.table.rowCount():
            w.start_render()
            state["step"] = "rendering"
        elif state["step"] == "rendering" and w.last_result is not None:
            state["step"] = "settle"
            state["settle"] = state["ticks"]
        elif state["step"] == "settle" and state["ticks"] - state["settle"] > 8:
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
