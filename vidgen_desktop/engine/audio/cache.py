"""Analyses cached per audio *content* (a hash of the file's bytes), versioned by ``ANALYSIS_VERSION``.

A renamed or copied file hits the cache; an edited one misses it. Entries are small JSON
files written atomically (temp name, then rename), so a crash never leaves a half entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from vidgen_desktop.core.analysis import ANALYSIS_VERSION, AudioAnalysis
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.paths import app_paths

_CHUNK = 1 << 20


def default_cache_dir() -> Path:
    """``<data folder>/cache/audio-analysis``."""
    return app_paths().cache / "audio-analysis"


def content_hash(path: Path, *, cancel: CancelToken | None = None) -> str:
    """sha256 of the file's bytes (hex)."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
            if cancel is not None:
                cancel.raise_if_cancelled()
    return h.hexdigest()


def entry_path(cache_dir: Path, digest: str) -> Path:
    return cache_dir / f"v{ANALYSIS_VERSION}" / f"{digest}.json"


def load(cache_dir: Path, digest: str) -> AudioAnalysis | None:
    """The cached analysis, or ``None`` (missing, unreadable, or from another analyser version)."""
    p = entry_path(cache_dir, digest)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        analysis = AudioAnalysis.from_json(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None
    return analysis if analysis.version == ANALYSIS_VERSION else None


def store(cache_dir: Path, digest: str, analysis: AudioAnalysis) -> None:
    """Write the entry atomically; a cache that cannot be written is not an error (the result still stands)."""
    p = entry_path(cache_dir, digest)
    with contextlib.suppress(OSError):
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=p.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(analysis.to_json(), fh, separators=(",", ":"))
            os.replace(tmp, p)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
