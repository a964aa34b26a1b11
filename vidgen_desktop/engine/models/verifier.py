"""Re-hash an installed model against its install record.

A model whose files no longer match becomes incomplete and the damaged files are
deleted, so the next download fetches only those.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models.catalogue import CatalogueEntry
from vidgen_desktop.engine.models.control import ModelLock
from vidgen_desktop.engine.models.errors import ModelNotInstalledError, VerificationError
from vidgen_desktop.engine.models.hashing import Digests, feed_file
from vidgen_desktop.engine.models.inventory import ModelState, model_status
from vidgen_desktop.engine.models.manifest import Manifest, read_manifest, remove_manifest
from vidgen_desktop.engine.models.progress import DownloadProgressCallback, ProgressMeter


def verify_model(models_dir: Path, entry: CatalogueEntry, *, on_progress: DownloadProgressCallback,
                 cancel: CancelToken) -> Manifest:
    """Check every file's size and SHA-256; raises :class:`VerificationError` listing what differs."""
    model_dir = models_dir / entry.id
    manifest = read_manifest(model_dir)
    if manifest is None:
        state = model_status(models_dir, entry).state
        extra = f" (incomplete: run `vidgen-desktop models download {entry.id}` to finish it)" \
            if state is ModelState.INCOMPLETE else ""
        raise ModelNotInstalledError(f"{entry.id} is not installed{extra}")
    with ModelLock(models_dir, entry.id, "verify"):
        meter = ProgressMeter(entry.id, manifest.total_size, len(manifest.files), on_progress)
        problems: list[str] = []
        damaged: list[Path] = []
        for f in manifest.files:
            cancel.raise_if_cancelled()
            path = model_dir / f.path
            meter.start_file(f.path, f.size, phase="verify")
            try:
                size = path.stat().st_size
            except OSError:
                problems.append(f"{f.path} is missing")
                meter.end_file()
                continue
            if size != f.size:
                problems.append(f"{f.path} has {size} bytes, expected {f.size}")
                damaged.append(path)
            else:
                d = Digests()
                feed_file(d, path, on_bytes=lambda n: meter.add(n, network=False), cancel=cancel)
                if d.sha256 != f.sha256:
                    problems.append(f"{f.path}: SHA-256 {d.sha256[:12]}... differs from {f.sha256[:12]}...")
                    damaged.append(path)
            meter.end_file()
        if problems:
            remove_manifest(model_dir)
            for p in damaged:
                p.unlink(missing_ok=True)
            how = (f"run `vidgen-desktop models download {entry.id}` to fetch them again"
                   if manifest.origin != "import" else "import the folder again")
            raise VerificationError(entry.id, problems, hint=f"damaged files were removed; {how}")
        meter.finish()
        return manifest
