"""The install is the lock: uv.lock matches pyproject.toml, the environment matches the lock, and the check
that says so can fail."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXPORT = Path(sys.prefix) / "vidgen-lock.txt"
UV = Path(sys.prefix) / "bin" / "uv"

sys.path.insert(0, str(ROOT / "scripts"))
import lockcheck


def _needs_setup() -> None:
    if not EXPORT.is_file():
        pytest.skip("this environment was not installed by scripts/setup.sh (no vidgen-lock.txt)")


def test_lock_is_up_to_date_with_pyproject() -> None:
    if not UV.is_file():
        pytest.skip("uv is installed by scripts/setup.sh")
    proc = subprocess.run([str(UV), "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert proc.returncode == 0, proc.stderr


def test_installed_versions_equal_the_lock() -> None:
    _needs_setup()
    assert lockcheck.differences(EXPORT) == []


def test_lock_leaves_torch_to_its_pin_and_holds_no_cuda_libraries() -> None:
    _needs_setup()
    names = set(lockcheck.locked_versions(EXPORT))
    assert "torch" not in names
    assert not {n for n in names if n.startswith(("nvidia-c", "nvidia-n", "triton"))}
    assert {"transformers", "diffusers", "coqui-tts", "pyside6-essentials"} <= names


def test_check_reports_a_wrong_version_and_a_missing_package(tmp_path: Path) -> None:
    _needs_setup()
    text = EXPORT.read_text(encoding="utf-8")
    good = lockcheck.locked_versions(EXPORT)["numpy"]
    bad = tmp_path / "lock.txt"
    bad.write_text(text.replace(f"numpy=={good} ", "numpy==1.0.0 ", 1).replace(f"numpy=={good}\n", "numpy==1.0.0\n")
                   + "surely-not-installed-pkg==1.0\n", encoding="utf-8")
    problems = lockcheck.differences(bad)
    assert any(p.startswith("numpy: locked 1.0.0, installed") for p in problems), problems
    assert "surely-not-installed-pkg: locked 1.0, not installed" in problems


def test_markers_of_other_interpreters_are_ignored(tmp_path: Path) -> None:
    export = tmp_path / "lock.txt"
    export.write_text("numpy==0.1 ; python_full_version < '3.0' \\\n    --hash=sha256:00\n", encoding="utf-8")
    assert lockcheck.locked_versions(export) == {}
