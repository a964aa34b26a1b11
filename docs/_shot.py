"""What the ``docs/screenshot*.py`` scripts share: arguments, the timer loop, the grab.

Each script builds its arguments with :func:`arguments` and :func:`setup`, imports the
app, then hands :func:`run` a ``step(window, state, failures)`` function. ``run`` starts
the app through :func:`run_gui` and calls ``step`` every 100 ms from 300 ms after the
first paint, until ``step`` returns True (it has grabbed and closed the window) or the
tick limit passes (a failure: the windows are closed). Failures go to stderr and the exit
code is 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

State = dict[str, Any]


def arguments(out_name: str, size: str, dark_help: str | None = None) -> argparse.ArgumentParser:
    """``--out`` (default ``docs/<out_name>``), ``--dark`` and ``--size WxH``."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / out_name)
    ap.add_argument("--dark", action="store_true", help=dark_help)
    ap.add_argument("--size", default=size)
    return ap


def setup(ap: argparse.ArgumentParser) -> tuple[argparse.Namespace, int, int]:
    """Parse the arguments; a fresh VIDGEN_HOME unless one is set, and the dark scheme if asked."""
    args = ap.parse_args()
    os.environ.setdefault("VIDGEN_HOME", tempfile.mkdtemp(prefix="VidGen-"))
    if args.dark:
        os.environ["VIDGEN_COLOR_SCHEME"] = "dark"
    width, height = (int(v) for v in args.size.split("x"))
    return args, width, height


def close_all() -> None:
    from PySide6.QtWidgets import QApplication

    QApplication.instance().closeAllWindows()


def settle(state: State) -> None:
    """Go to the "settle" step, counting from this tick."""
    state["step"] = "settle"
    state["settle"] = state["ticks"]


def settled(state: State, ticks: int) -> bool:
    """True once the "settle" step has lasted more than ``ticks`` ticks."""
    return bool(state["step"] == "settle" and state["ticks"] - state["settle"] > ticks)


def save(window: Any, out: Path, failures: list[str]) -> None:
    """Grab ``window`` with Qt's own ``QWidget.grab`` into ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        failures.append(f"could not save {out}")
    print(f"saved {out}")


def finish(window: Any, out: Path, failures: list[str]) -> bool:
    """:func:`save`, then close every window; True, for ``step`` to return."""
    save(window, out, failures)
    close_all()
    return True


def run(gui: ModuleType, step: Callable[[Any, State, list[str]], bool], *, limit: int,
        on_timeout: Callable[[Any], None] | None = None) -> int:
    """Run the app (``gui`` is ``vidgen_desktop.ui.app``) and drive it with ``step``; the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    state: State = {"step": "start", "ticks": 0}
    failures: list[str] = []

    def window():  # type: ignore[no-untyped-def]
        return next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")

    def tick() -> None:
        w = window()
        state["ticks"] += 1
        if state["ticks"] > limit:
            failures.append(f"timed out at step {state['step']}")
            if on_timeout is not None:
                on_timeout(w)
            close_all()
            return
        if step(w, state, failures):
            return
        QTimer.singleShot(100, tick)

    def shown() -> None:
        QTimer.singleShot(300, tick)

    code: int = gui.run_gui([], on_shown=shown)
    if failures:
        print("\n".join(failures), file=sys.stderr)
        return 1
    return code
