"""Start-up time of the window: process start -> main window first painted.

Runs the real entry point (``vidgen-desktop`` with no command, i.e. ``cli.main.main([])``)
in fresh interpreters, with a hook that reports the first paint of the main window and
closes it. The clock starts in this (parent) process just before the child is spawned,
so interpreter start-up and every import are included.

    python benchmarks/startup.py            # 7 runs, offscreen, prints the median
    python benchmarks/startup.py --runs 15 --platform xcb --json

Target: < 1.0 s on the project's reference machines.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 1.0

CHILD = r"""
import sys, time
from vidgen_desktop.ui import app as gui

def shown():
    print(f"SHOWN {time.time():.6f}", flush=True)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    QTimer.singleShot(0, QApplication.instance().closeAllWindows)

real_run_gui = gui.run_gui
gui.run_gui = lambda argv, **kw: real_run_gui(argv, on_shown=shown)
from vidgen_desktop.cli.main import main
sys.exit(main([]))
"""

BASELINE = "import sys; print('SHOWN', __import__('time').time(), flush=True)"


def one_run(code: str, env: dict[str, str], timeout: float = 60.0) -> float:
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("SHOWN "):
            return float(line.split()[1]) - t0
    raise RuntimeError(f"child did not report (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
                    help="Qt platform plugin (offscreen, xcb, wayland, windows, cocoa)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="vidgen-startup-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM=args.platform, VIDGEN_HOME=home,
                   PYTHONPATH=str(Path(__file__).resolve().parents[1]) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        one_run(CHILD, env)  # warm the OS file cache and write settings once: measure the everyday start
        times = [one_run(CHILD, env) for _ in range(args.runs)]
        base = [one_run(BASELINE, env) for _ in range(3)]

    result = {
        "platform": args.platform,
        "runs": args.runs,
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "python_startup_s": round(statistics.median(base), 3),
        "target_s": TARGET_S,
        "ok": statistics.median(times) < TARGET_S,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"window shown after {result['median_s']:.3f} s (median of {args.runs}; "
              f"min {result['min_s']:.3f}, max {result['max_s']:.3f}; bare Python start {result['python_startup_s']:.3f} s)"
              f" on {args.platform}: {'OK' if result['ok'] else 'SLOWER THAN'} target {TARGET_S:.1f} s")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
