"""Content hashes the hub publishes, computed while bytes stream by.

LFS files are identified by their SHA-256; small files stored in git by their git blob
sha1 (``sha1(b"blob <size>\\0" + content)``). Both are checked the same way, and the
manifest records SHA-256 for every file so later checks need no network.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken

CHUNK = 1 << 20


class Digests:
    """SHA-256 always; the git blob sha1 too when the expected size is known."""

    def __init__(self, git_size: int | None = None) -> None:
        self._sha256 = hashlib.sha256()
        self._git = None
        if git_size is not None:
            self._git = hashlib.sha1(usedforsecurity=False)
            self._git.update(b"blob %d\0" % git_size)

    def update(self, data: bytes | memoryview) -> None:
        self._sha256.update(data)
        if self._git is not None:
            self._git.update(data)

    @property
    def sha256(self) -> str:
        return self._sha256.hexdigest()

    @property
    def git_oid(self) -> str | None:
        return self._git.hexdigest() if self._git is not None else None


def feed_file(digests: Digests, path: Path, *, limit: int | None = None,
              on_bytes: Callable[[int], None] | None = None, cancel: CancelToken | None = None) -> int:
    """Hash the first ``limit`` bytes of ``path`` (all when None) into ``digests``; returns bytes read."""
    done = 0
    with open(path, "rb") as fh:
        while limit is None or done < limit:
            if cancel is not None:
                cancel.raise_if_cancelled()
            want = CHUNK if limit is None else min(CHUNK, limit - done)
            block = fh.read(want)
            if not block:
                break
            digests.update(block)
            done += len(block)
            if on_bytes is not None:
                on_bytes(len(block))
    return done


def expected_match(digests: Digests, *, sha256: str | None, git_oid: str | None) -> bool:
    """True when the hashes agree with what was published (SHA-256 wins when both are known)."""
    if sha256:
        return digests.sha256 == sha256.lower()
    if git_oid:
        return digests.git_oid == git_oid.lower()
    return False
