"""The layer rules, checked without import-linter too: core/engine never touch Qt; the window never
imports the ML stack at module level; the bridge uses QtCore only; start-up stays lean."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import vidgen_desktop

PKG = Path(vidgen_desktop.__file__).parent
HEAVY = ("torch", "diffusers", "transformers", "TTS", "moviepy", "accelerate")


def _imports(path: Path, *, top_level_only: bool) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: list[tuple[int, str]] = []
    for node in nodes:
        if top_level_only and isinstance(node, ast.If):  # "if TYPE_CHECKING:" imports never run
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _files(layer: str) -> list[Path]:
    return sorted((PKG / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", ["core", "engine", "cli"])
def test_lower_layers_never_import_qt(layer: str) -> None:
    bad = [f"{p.relative_to(PKG)}:{ln} {m}" for p in _files(layer) for ln, m in _imports(p, top_level_only=False)
           if m.split(".")[0] in ("PySide6", "qasync", "shiboken6")]
    assert bad == []


@pytest.mark.parametrize("layer", ["ui", "bridge"])
def test_window_layers_do_not_import_the_ml_stack_at_module_level(layer: str) -> None:
    bad = [f"{p.relative_to(PKG)}:{ln} {m}" for p in _files(layer) for ln, m in _imports(p, top_level_only=True)
           if m.split(".")[0] in HEAVY]
    assert bad == []


def test_bridge_uses_qtcore_only() -> None:
    bad = [f"{p.relative_to(PKG)}:{ln} {m}" for p in _files("bridge") for ln, m in _imports(p, top_level_only=False)
           if m.startswith("PySide6") and m not in ("PySide6", "PySide6.QtCore")
           or m.startswith("vidgen_desktop.ui")]
    assert bad == []


def test_lower_layers_never_import_upper_ones() -> None:
    order = ["core", "engine", "bridge", "ui"]
    bad = []
    for i, layer in enumerate(order):
        above = tuple(f"vidgen_desktop.{u}" for u in order[i + 1:])
        bad += [f"{p.relative_to(PKG)}:{ln} {m}" for p in _files(layer) for ln, m in _imports(p, top_level_only=False)
                if above and m.startswith(above)]
    assert bad == []


def test_opening_the_window_module_loads_nothing_heavy() -> None:
    """What start-up imports (in a fresh interpreter): no ML stack, no engine, not even numpy."""
    code = ("import sys, json; import vidgen_desktop.ui.app, vidgen_desktop.ui.main_window; "
            "print(json.dumps(sorted(m for m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"QT_QPA_PLATFORM": "offscreen", "PATH": ""}).stdout
    loaded = set(json.loads(out))
    heavy = sorted(m for m in loaded if m.split(".")[0] in (*HEAVY, "numpy", "PIL", "cv2"))
    engine = sorted(m for m in loaded if m.startswith("vidgen_desktop.engine"))
    assert heavy == [] and engine == []
