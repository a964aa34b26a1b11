"""Put an existing file into the model folder, verified: hard link when possible, else copy.

Used for HF-cache reuse and ``models import``. A hard link costs no space and no copy
time (the model folder and the cache usually share a disk); the bytes are hashed either
way, because a file is only trusted after its hash matches.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models.diskspace import disk_full_error, is_disk_full
from vidgen_desktop.engine.models.hashing import CHUNK, Digests, feed_file


def copy_hashing(src: Path, dst: Path, digests: Digests, on_bytes: Callable[[int], None],
                 cancel: CancelToken) -> None:
    """Copy in chunks, hashing on the way (one read of the source instead of two)."""
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            cancel.raise_if_cancelled()
            block = fin.read(CHUNK)
            if not block:
                break
            try:
                fout.write(block)
            except OSError as exc:
                if is_disk_full(exc):
                    raise disk_full_error(dst.parent, dst.name) from None
                raise
            digests.update(block)
            on_bytes(len(block))


def place_verified(src: Path, tmp: Path, dest: Path, *, link: bool, digests: Digests,
                   check: Callable[[Digests], bool], on_bytes: Callable[[int], None],
                   cancel: CancelToken) -> bool:
    """Link/copy ``src`` to ``tmp``, hash it, and move it to ``dest`` if ``check`` passes.

    Returns False (nothing left behind) when the hash check fails.
    """
    tmp.parent.mkdir(parents=True, exist_ok=True)
    tmp.unlink(missing_ok=True)
    try:
        linked = False
        if link:
            try:
                os.link(src, tmp)
                linked = True
            except OSError as exc:
                if is_disk_full(exc):
                    raise disk_full_error(tmp.parent, dest.name) from None
        if linked:
            feed_file(digests, tmp, on_bytes=on_bytes, cancel=cancel)
        else:
            copy_hashing(src, tmp, digests, on_bytes, cancel)
        if not check(digests):
            tmp.unlink(missing_ok=True)
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, dest)
        return True
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
