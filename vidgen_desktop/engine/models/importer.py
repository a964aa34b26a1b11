"""``models import ID FOLDER``: install from files already on disk, offline.

The folder must have the model's layout (for multi-repo models, one subfolder per
component, named as in the catalogue) and every file the catalogue's ``required``
patterns ask for; the same allow/prefer selection as a download picks the files. Files
are hard-linked when the folder is on the same disk (no space used), else copied, and
hashed on the way; the manifest records those hashes. A Hugging Face cache snapshot
works as a source: its files are symlinks to blobs named by their SHA-256, which is
checked, and the snapshot's commit is recorded.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models.catalogue import CatalogueEntry
from vidgen_desktop.engine.models.diskspace import check_free_space, same_device
from vidgen_desktop.engine.models.errors import ImportFolderError, ModelError, VerificationError
from vidgen_desktop.engine.models.fileops import place_verified
from vidgen_desktop.engine.models.hashing import Digests, feed_file
from vidgen_desktop.engine.models.manifest import (
    MANIFEST_NAME,
    Manifest,
    ManifestFile,
    ManifestSource,
    quick_problems,
    read_manifest,
    remove_manifest,
    write_manifest,
)
from vidgen_desktop.engine.models.progress import DownloadProgressCallback, ProgressMeter
from vidgen_desktop.engine.models.selection import missing_required, select_files
from vidgen_desktop.engine.models.transfer import PARTIAL_DIR

_SHA256 = re.compile(r"[0-9a-f]{64}")
_COMMIT = re.compile(r"[0-9a-f]{40}")


@dataclass(frozen=True)
class LocalFile:
    path: str
    size: int
    abs_path: Path


def list_local(root: Path) -> list[LocalFile]:
    """Files under ``root`` (symlinked files followed, hidden entries and our own records skipped)."""
    out: list[LocalFile] = []
    for dirpath, dirnames, names in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for n in sorted(names):
            if n.startswith(".") or n == MANIFEST_NAME:
                continue
            p = Path(dirpath) / n
            try:
                size = p.stat().st_size
            except OSError:
                continue  # broken symlink
            if p.is_file():
                out.append(LocalFile(p.relative_to(root).as_posix(), size, p))
    return out


def cache_blob_sha256(path: Path) -> str | None:
    """The SHA-256 a Hugging Face cache blob is named after, if ``path`` links to one."""
    p = path
    for _ in range(8):
        if p.parent.name == "blobs" and _SHA256.fullmatch(p.name):
            return p.name
        if not p.is_symlink():
            return None
        p = p.parent / os.readlink(p)
    return None


def _snapshot_commit(folder: Path) -> str | None:
    f = folder.resolve()
    return f.name if f.parent.name == "snapshots" and _COMMIT.fullmatch(f.name) else None


def import_into(entry: CatalogueEntry, folder: Path, model_dir: Path, *, copy: bool, margin: int,
                on_progress: DownloadProgressCallback, cancel: CancelToken) -> Manifest:
    folder = folder.expanduser()
    if not folder.is_dir():
        raise ImportFolderError(f"{folder}: not a folder")
    current = read_manifest(model_dir)
    if current is not None and not quick_problems(model_dir, current):
        raise ModelError(f"{entry.id} is already installed",
                         hint=f"remove it first with `vidgen-desktop models remove {entry.id}`")
    in_place = model_dir.exists() and folder.resolve() == model_dir.resolve()

    chosen: list[tuple[LocalFile, str]] = []
    for source in entry.sources:
        root = folder / source.subdir if source.subdir else folder
        if not root.is_dir():
            raise ImportFolderError(f"{folder} has no {source.subdir}/ folder (the {source.role} part of {entry.id})")
        selected = select_files(list_local(root), source)
        missing = missing_required((f.path for f in selected), source)
        if missing:
            raise ImportFolderError(f"{root} lacks files {entry.id} needs: {', '.join(missing)}")
        chosen += [(f, f"{source.subdir}/{f.path}" if source.subdir else f.path) for f in selected]

    total = sum(f.size for f, _ in chosen)
    if not in_place:
        same_disk = not copy and same_device(folder, model_dir.parent)
        check_free_space(model_dir.parent, 0 if same_disk else total, margin=margin, what=f"importing {entry.id}")
    remove_manifest(model_dir)
    meter = ProgressMeter(entry.id, total, len(chosen), on_progress)
    files: list[ManifestFile] = []
    bad: list[str] = []
    for f, rel in chosen:
        cancel.raise_if_cancelled()
        meter.start_file(rel, f.size, phase="link")
        expected = cache_blob_sha256(f.abs_path)
        d = Digests()

        def matches(x: Digests, e: str | None = expected) -> bool:
            return e is None or x.sha256 == e

        if in_place:
            feed_file(d, f.abs_path, on_bytes=lambda n: meter.add(n, network=False), cancel=cancel)
            ok = matches(d)
        else:
            ok = place_verified(f.abs_path.resolve(), model_dir / PARTIAL_DIR / (rel + ".import"), model_dir / rel,
                                link=not copy, digests=d, check=matches,
                                on_bytes=lambda n: meter.add(n, network=False), cancel=cancel)
        if not ok:
            bad.append(f"{rel}: content does not match the SHA-256 its cache blob is named after")
        files.append(ManifestFile(rel, f.size, d.sha256))
        meter.end_file()
    shutil.rmtree(model_dir / PARTIAL_DIR, ignore_errors=True)
    if bad:
        raise VerificationError(entry.id, bad, hint="the source folder is damaged; download the model instead")
    commit = _snapshot_commit(folder) if len(entry.sources) == 1 else None
    manifest = Manifest(
        model_id=entry.id, kind=entry.kind, files=tuple(files), origin="import",
        sources=tuple(ManifestSource(s.role, s.repo, s.revision, commit or "unknown", s.subdir) for s in entry.sources),
    )
    write_manifest(model_dir, manifest)
    meter.finish()
    return manifest
