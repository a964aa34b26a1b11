"""Make ``docs/screenshot-narration.png``: the Narration tab with a script typed and a voice previewed.

It starts the app through :func:`run_gui`, loads the sample picture, switches the sound
to the Narration tab, types a script, waits for the voice list, previews the voice
with the system voice (eSpeak NG) and grabs the window. Run it under a display (CI: Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb python docs/screenshot_narration.py
"""

from __future__ import annotations

import sys
from typing import Any

import _shot

SCRIPT = ("Every evening the lighthouse keeper climbed the hundred steps to light the lamp. "
          "Ships far out at sea saw it blink, and knew the rocks were near. "
          "Tonight, a storm was coming.")


def main() -> int:
    ap = _shot.arguments("screenshot-narration.png", "1280x800")
    ap.add_argument("--no-preview", action="store_true", help="do not speak the preview first")
    args, width, height = _shot.setup(ap)

    from vidgen_desktop.ui import app as gui

    def step(w: Any, state: _shot.State, failures: list[str]) -> bool:
        panel = w.narration_panel
        if state["step"] == "start":
            w.resize(width, height)
            w.load_sample()
            state["step"] = "loading"
        elif state["step"] == "loading" and w.render_button.isEnabled() and panel.catalogue is not None:
            w.drop.set_sound_source("narration")
            panel.set_script(SCRIPT)
            panel.voice.setCurrentIndex(max(0, panel.voice.findData("f3")))
            if args.no_preview:
                _shot.settle(state)
            else:
                panel.play_sound = lambda path: "Playing:"  # no sound card under Xvfb
                w.preview_voice()
                state["step"] = "preview"
        elif state["step"] == "preview" and panel.preview_button.isEnabled():
            _shot.settle(state)
        elif _shot.settled(state, 5):
            return _shot.finish(w, args.out, failures)
        return False

    return _shot.run(gui, step, limit=600)


if __name__ == "__main__":
    sys.exit(main())
