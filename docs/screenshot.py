"""Make ``docs/screenshot.png``: the real window, after a real render of the built-in sample.

Run it under a display (CI: Xvfb) so the xcb platform, fonts and styles are the real ones:

    xvfb-run -s "-screen 0 1600x1000x24" python docs/screenshot.py [--dark] [--out docs/screenshot.png]

It starts the app through :func:`run_gui`, clicks "try the sample", renders, waits for
the finished result, grabs the window with Qt's own ``QWidget.grab`` and quits.
"""

from __future__ import annotations

import sys
from typing import Any

import _shot


def main() -> int:
    ap = _shot.arguments("screenshot.png", "1280x800",
                         dark_help="dark colour scheme (VIDGEN_COLOR_SCHEME=dark)")
    args, width, height = _shot.setup(ap)

    from vidgen_desktop.ui import app as gui

    def step(w: Any, state: _shot.State, failures: list[str]) -> bool:
        if state["step"] == "start":
            w.resize(width, height)
            w.load_sample()
            state["step"] = "loading"
        elif state["step"] == "loading" and w.render_button.isEnabled() and w.models_panel.model.rowCount():
            w.start_render()
            state["step"] = "rendering"
        elif state["step"] == "rendering" and w.last_result is not None:
            _shot.settle(state)
        elif _shot.settled(state, 8):
            return _shot.finish(w, args.out, failures)
        return False

    return _shot.run(gui, step, limit=1200)  # 2 minutes


if __name__ == "__main__":
    sys.exit(main())
