"""What kind of VidGen is running: a checkout/pip install, or a frozen (PyInstaller) bundle, and which edition.

The frozen app carries ``bundle-info.json`` at its root (written by ``build_spec.py``):
the edition (``lite``: Ken Burns, system voice, model manager; ``full``: also torch and
the diffusion/TTS stack), the version and what it was built on. Panels that explain a
missing AI package ask :func:`missing_parts_hint`, so a frozen Lite user is told to get
the Full download, never to run ``pip``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

BUNDLE_INFO_NAME = "bundle-info.json"
EDITIONS = ("lite", "full")


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def bundle_root() -> Path | None:
    """The folder holding the bundle's data files, or ``None`` when not frozen."""
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root and is_frozen() else None


@lru_cache(maxsize=1)
def bundle_info() -> dict[str, Any]:
    """The frozen bundle's ``bundle-info.json`` (``{}`` when not frozen or unreadable)."""
    root = bundle_root()
    if root is None:
        return {}
    try:
        data = json.loads((root / BUNDLE_INFO_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def edition() -> str:
    """``lite`` or ``full`` for a frozen bundle, ``source`` for a checkout or a pip install."""
    if not is_frozen():
        return "source"
    value = bundle_info().get("flavour")
    return value if value in EDITIONS else "unknown"


def edition_label() -> str:
    return {"lite": "Lite edition (no AI packages)", "full": "Full edition (with AI packages)",
            "source": "installed from source", "unknown": "bundled"}[edition()]


def licences_folder() -> Path | None:
    """Where a frozen bundle keeps the licence texts of its parts (``licenses/``), if it does."""
    root = bundle_root()
    if root is None:
        return None
    folder = root / "licenses"
    return folder if folder.is_dir() else None


def missing_parts_hint(missing: Sequence[str], *, pip_hint: str) -> str:
    """How to get packages the app lacks, worded for how it was installed.

    ``missing``: package names as the user knows them (``torch``, ``diffusers``...);
    ``pip_hint``: the advice for a source/pip install (e.g. ``pip install 'vidgen-desktop[ai]'``).
    """
    names = ", ".join(missing)
    verb = "is" if len(missing) == 1 else "are"
    ed = edition()
    if ed == "lite":
        return (f"{names} {verb} not part of VidGen Lite: install the Full edition of VidGen "
                "to use the AI tiers, the AI voices and captions transcribed from the sound (Ken Burns, the system "
                "voice and captions from a script or a caption file work in Lite)")
    if ed in ("full", "unknown"):
        return f"{names} {verb} missing from this VidGen bundle: it looks damaged, reinstall VidGen"
    return f"{names} {verb} not installed: {pip_hint}"
