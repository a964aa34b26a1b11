"""What the model folder holds: each model's state and size, and removing one.

A model is *installed* only when ``vidgen-installed.json`` is there and every file it
lists is present with the right size; anything else in its folder is *incomplete* and
never used.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from vidgen_desktop.engine.models.catalogue import ID_RE, CatalogueEntry
from vidgen_desktop.engine.models.control import ModelLock
from vidgen_desktop.engine.models.manifest import quick_problems, read_manifest, remove_manifest
from vidgen_desktop.engine.models.transfer import PARTIAL_DIR


class ModelState(str, Enum):
    INSTALLED = "installed"
    INCOMPLETE = "incomplete"
    NOT_INSTALLED = "not-installed"


@dataclass(frozen=True)
class ModelStatus:
    id: str
    state: ModelState
    #: Bytes the model's folder takes now (partial downloads included).
    size_on_disk: int
    entry: CatalogueEntry
    path: Path
    #: Why an incomplete model is not installed (missing files, no manifest...).
    problems: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {**self.entry.to_json_dict(), "state": self.state.value, "size_on_disk": self.size_on_disk,
                "path": str(self.path), "problems": list(self.problems)}


def _iter_files(folder: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for n in names:
            yield Path(root) / n


def disk_usage(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (each hard-linked inode counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for p in _iter_files(folder):
        try:
            st = p.lstat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen or not os.path.isfile(p) or os.path.islink(p):
            continue
        seen.add((st.st_dev, st.st_ino))
        total += st.st_size
    return total


def _freeable(folder: Path) -> int:
    """Bytes deleting ``folder`` gives back: files linked elsewhere too (HF cache) free nothing."""
    total = 0
    for p in _iter_files(folder):
        try:
            st = p.lstat()
        except OSError:
            continue
        if not os.path.islink(p) and st.st_nlink <= 1:
            total += st.st_size
    return total


def model_status(models_dir: Path, entry: CatalogueEntry) -> ModelStatus:
    d = models_dir / entry.id
    if not d.is_dir() or not any(d.iterdir()):
        return ModelStatus(entry.id, ModelState.NOT_INSTALLED, 0, entry, d)
    size = disk_usage(d)
    manifest = read_manifest(d)
    if manifest is None:
        parts = (d / PARTIAL_DIR).is_dir()
        why = "download not finished" if parts else "no install record (vidgen-installed.json)"
        return ModelStatus(entry.id, ModelState.INCOMPLETE, size, entry, d, (why,))
    problems = quick_problems(d, manifest)
    state = ModelState.INCOMPLETE if problems else ModelState.INSTALLED
    return ModelStatus(entry.id, state, size, entry, d, tuple(problems))


def installed_ids(models_dir: Path) -> frozenset[str]:
    """Ids whose manifest is present and whose every listed file is there with its size."""
    try:
        dirs = [d for d in models_dir.iterdir() if d.is_dir() and ID_RE.fullmatch(d.name)]
    except OSError:
        return frozenset()
    ok = set()
    for d in dirs:
        m = read_manifest(d)
        if m is not None and not quick_problems(d, m):
            ok.add(d.name)
    return frozenset(ok)


def remove_model(models_dir: Path, model_id: str) -> int:
    """Delete the model's folder (partial downloads included); returns the bytes freed."""
    model_dir = models_dir / model_id
    with ModelLock(models_dir, model_id, "removal"):
        freed = _freeable(model_dir)
        remove_manifest(model_dir)  # no longer installed, even if deleting the rest fails
        shutil.rmtree(model_dir)
        return freed
