"""``vidgen-installed.json``: the record that makes a model folder count as installed.

Written last, after every file was verified, and removed first when a model is
deleted or fails verification, so ``engine.model_index.installed_models`` (which only
looks for this file) never sees a half-installed model. It lists every file with its
size and SHA-256, so the app can check completeness offline.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST_NAME = "vidgen-installed.json"
MANIFEST_FORMAT = 1


@dataclass(frozen=True)
class ManifestFile:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ManifestSource:
    role: str
    repo: str
    revision: str
    commit: str
    subdir: str = ""


@dataclass(frozen=True)
class Manifest:
    model_id: str
    kind: str
    files: tuple[ManifestFile, ...]
    sources: tuple[ManifestSource, ...] = ()
    #: ``download``, ``hf-cache`` (every byte reused), or ``import``.
    origin: str = "download"
    installed_at: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "id": self.model_id,
            "kind": self.kind,
            "origin": self.origin,
            "installed_at": self.installed_at,
            "sources": [vars(s) for s in self.sources],
            "files": [vars(f) for f in self.files],
        }

    @classmethod
    def from_json_dict(cls, d: dict[str, Any]) -> Manifest:
        return cls(
            model_id=str(d["id"]),
            kind=str(d.get("kind", "")),
            origin=str(d.get("origin", "download")),
            installed_at=str(d.get("installed_at", "")),
            sources=tuple(ManifestSource(role=str(s["role"]), repo=str(s["repo"]), revision=str(s["revision"]),
                                         commit=str(s["commit"]), subdir=str(s.get("subdir", "")))
                          for s in d.get("sources", [])),
            files=tuple(ManifestFile(path=str(f["path"]), size=int(f["size"]), sha256=str(f["sha256"]))
                        for f in d["files"]),
        )


def manifest_path(model_dir: Path) -> Path:
    return model_dir / MANIFEST_NAME


def read_manifest(model_dir: Path) -> Manifest | None:
    """The manifest, or None when missing or unreadable (both mean "not installed")."""
    try:
        data = json.loads(manifest_path(model_dir).read_text(encoding="utf-8"))
        return Manifest.from_json_dict(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_manifest(model_dir: Path, manifest: Manifest) -> None:
    """Atomic and durable: temp file, fsync, rename."""
    model_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".manifest.", suffix=".tmp", dir=model_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(manifest.to_json_dict(), fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, manifest_path(model_dir))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_manifest(model_dir: Path) -> None:
    manifest_path(model_dir).unlink(missing_ok=True)


def quick_problems(model_dir: Path, manifest: Manifest) -> list[str]:
    """Missing files and size mismatches (cheap: stat only; :func:`ModelStore.verify` hashes)."""
    problems = []
    for f in manifest.files:
        try:
            size = (model_dir / f.path).stat().st_size
        except OSError:
            problems.append(f"{f.path} is missing")
            continue
        if size != f.size:
            problems.append(f"{f.path} has {size} bytes, expected {f.size}")
    return problems
