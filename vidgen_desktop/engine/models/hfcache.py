"""Find files the user already has in the Hugging Face cache, so they are not downloaded twice.

The cache (``$HF_HUB_CACHE``, default ``~/.cache/huggingface/hub``) keeps each file as
``models--OWNER--NAME/blobs/<etag>``: the etag is the SHA-256 for LFS files and the git
blob sha1 otherwise, exactly the ids the tree API lists. Snapshots are symlinks into
the blobs (or plain copies on Windows without symlink rights), so those are searched
too. Nothing found here is trusted: the store hashes it before it counts.
"""

from __future__ import annotations

import os
from pathlib import Path

from vidgen_desktop.engine.models.hub import RemoteFile


def hf_hub_cache_dir() -> Path:
    """Where huggingface_hub keeps its cache, from the same variables it reads."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.path.expandvars(os.environ[var])).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface"
    )
    return Path(os.path.expandvars(home)).expanduser() / "hub"


def repo_cache_dir(cache_dir: Path, repo: str) -> Path:
    return cache_dir / ("models--" + repo.replace("/", "--"))


def find_cached_file(cache_dir: Path, repo: str, commit: str, remote: RemoteFile) -> Path | None:
    """A file in the cache that should hold ``remote``'s bytes (right size), or None."""
    base = repo_cache_dir(cache_dir, repo)
    if not base.is_dir():
        return None
    candidates = [base / "blobs" / remote.etag, base / "snapshots" / commit / remote.path]
    snapshots = base / "snapshots"
    try:
        candidates += [d / remote.path for d in snapshots.iterdir() if d.name != commit]
    except OSError:
        pass
    for c in candidates:
        try:
            real = c.resolve(strict=True)
            if real.is_file() and real.stat().st_size == remote.size:
                return real
        except (OSError, RuntimeError):
            continue
    return None
