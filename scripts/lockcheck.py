"""Check that the running environment holds exactly what the lock says (scripts/setup.sh runs it last).

Reads the requirements list that setup.sh exported from uv.lock for this machine (.venv/vidgen-lock.txt by
default), and compares every pinned version with what is installed. Also reports packages that the lock does
not name (left over from an older lock or installed by hand), apart from the installers themselves, the
deliberately pinned torch and the CUDA libraries pip adds for it on a GPU machine.
Exit 0 when they agree; 1 with one line per difference otherwise.
    python scripts/lockcheck.py [LOCK_EXPORT]
"""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import sys
from pathlib import Path

from pip._vendor.packaging.markers import Marker
from pip._vendor.packaging.utils import canonicalize_name
from pip._vendor.packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXPORT = ROOT / ".venv" / "vidgen-lock.txt"
TORCH_VERSION = os.environ.get("TORCH_VERSION", "2.13.0")
# Installed but never in the lock: installers, the app itself, torch (a deliberate pin) and what torch's CUDA
# build pulls in on GPU machines.
NOT_LOCKED = re.compile(r"^(pip|setuptools|wheel|uv|vidgen-desktop|torch|triton|nvidia-.*|cuda-.*)$")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked_versions(export: Path) -> dict[str, str]:
    """name -> version for the lines of a `uv export` whose markers hold on this interpreter."""
    pins: dict[str, str] = {}
    for line in export.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Marker(marker).evaluate():
            continue
        pins[canonicalize_name(name)] = version
    return pins


def installed_versions() -> dict[str, str]:
    return {canonicalize_name(d.metadata["Name"]): d.version for d in md.distributions() if d.metadata["Name"]}


def differences(export: Path) -> list[str]:
    locked = locked_versions(export)
    have = installed_versions()
    problems = []
    for name, version in sorted(locked.items()):
        got = have.get(name)
        if got is None:
            problems.append(f"{name}: locked {version}, not installed")
        elif Version(got) != Version(version):
            problems.append(f"{name}: locked {version}, installed {got}")
    for name, got in sorted(have.items()):
        if name not in locked and not NOT_LOCKED.match(name):
            problems.append(f"{name}: installed {got}, not in the lock")
    torch = have.get("torch")
    if torch is not None and Version(torch).public != Version(TORCH_VERSION).public:
        problems.append(f"torch: pinned {TORCH_VERSION}, installed {torch}")
    return problems


def main(argv: list[str]) -> int:
    export = Path(argv[1]) if len(argv) > 1 else DEFAULT_EXPORT
    if not export.is_file():
        print(f"lockcheck: {export} is missing: run scripts/setup.sh first", file=sys.stderr)
        return 1
    problems = differences(export)
    for p in problems:
        print(f"lockcheck: {p}", file=sys.stderr)
    if not problems:
        print(f"lockcheck: {len(locked_versions(export))} packages match the lock")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
