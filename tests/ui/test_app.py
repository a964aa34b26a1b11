"""The real entry point in a fresh process: opens, survives a crashing slot, logs it, closes cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from vidgen_desktop.ui import app as gui

class Crasher:
    def boom(self):
        raise RuntimeError("deliberate bug in a slot")

crasher = Crasher()

def close():
    w = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    print("BANNER", w.banner.isVisible(), w.banner.text.text(), flush=True)
    w.close()

def shown():
    QTimer.singleShot(0, crasher.boom)
    QTimer.singleShot(1500, close)

sys.exit(gui.run_gui([], on_shown=shown))
"""


def test_run_gui_end_to_end(tmp_path: Path) -> None:
    env = dict(os.environ, VIDGEN_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=120, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "BANNER True" in proc.stdout and "deliberate bug in a slot" in proc.stdout
    assert "QThread: Destroyed while thread" not in out
    log = (tmp_path / "home" / "logs" / "vidgen.log").read_text()
    assert "window shown" in log and "RuntimeError: deliberate bug in a slot" in log and "VidGen closed" in log
    assert (tmp_path / "home" / "settings.json").exists()


def test_no_display_is_explained_not_a_crash(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        return
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["VIDGEN_HOME"] = str(tmp_path)
    proc = subprocess.run([sys.executable, "-c", "import sys; from vidgen_desktop.ui.app import run_gui; sys.exit(run_gui([]))"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1 and "no display found" in proc.stderr


MAKE_LEFTOVERS = r"""
import pathlib, sys
from vidgen_desktop.engine.debris import owned_name
for folder in sys.argv[1:]:
    d = pathlib.Path(folder)
    d.mkdir(parents=True, exist_ok=True)
    (d / owned_name("video", ".mp4")).write_bytes(b"a killed render's partial video")
"""

CLOSE_SOON = r"""
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from vidgen_desktop.ui import app as gui

def shown():
    w = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    QTimer.singleShot(1500, w.close)

sys.exit(gui.run_gui([], on_shown=shown))
"""


def test_the_window_sweeps_what_killed_renders_left(tmp_path: Path) -> None:
    from vidgen_desktop.core.settings import OutputSettings, Settings, save_settings
    from vidgen_desktop.engine.debris import owned_name

    home, chosen = tmp_path / "home", tmp_path / "my videos"
    save_settings(Settings(output=OutputSettings(folder=str(chosen))), home / "settings.json")
    clips = home / "cache" / "ai-clips" / "0123abcd"
    env = dict(os.environ, VIDGEN_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", MAKE_LEFTOVERS, str(home / "outputs"), str(chosen), str(clips)], env=env,
                   check=True, timeout=60)
    running = chosen / owned_name("other", ".mp4")  # this test process: a render that still runs
    running.write_bytes(b"in progress")
    assert len(list(tmp_path.rglob(".video.*.partial.mp4"))) == 3

    proc = subprocess.run([sys.executable, "-c", CLOSE_SOON], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(tmp_path.rglob(".video.*.partial.mp4")) == []
    assert running.exists()
