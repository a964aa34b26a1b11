"""Refuse a download up front when the disk cannot hold what is still missing."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from vidgen_desktop.core.formatting import human_bytes
from vidgen_desktop.engine.models.errors import DiskSpaceError

#: Head-room left free: the OS, the app's outputs and temp files need space too.
DEFAULT_MARGIN = 512 * 1024 * 1024


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p.parent != p:
        p = p.parent
    return p


def same_device(a: Path, b: Path) -> bool:
    """Do ``a`` and ``b`` (or the folders that will hold them) live on one filesystem? (A hard link needs it.)"""
    try:
        return _existing_ancestor(a).stat().st_dev == _existing_ancestor(b).stat().st_dev
    except OSError:
        return False


def free_bytes(path: Path) -> int:
    """Free space on the filesystem that holds (or will hold) ``path``."""
    return shutil.disk_usage(_existing_ancestor(path)).free


def check_free_space(where: Path, needed: int, *, margin: int = DEFAULT_MARGIN, what: str) -> None:
    """Raise :class:`DiskSpaceError` unless ``needed + margin`` bytes are free at ``where``."""
    if needed <= 0:
        return
    free = free_bytes(where)
    if free < needed + margin:
        raise DiskSpaceError(
            f"not enough disk space in {where}: {what} needs {human_bytes(needed)} more "
            f"(+{human_bytes(margin)} head-room), only {human_bytes(free)} free",
            hint="free some space or move the model folder (setting: model folder) to a bigger disk",
        )


def is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))


def disk_full_error(where: Path, what: str) -> DiskSpaceError:
    return DiskSpaceError(f"disk full while writing {what} in {where}",
                          hint="free some space, then run the download again: it resumes where it stopped")
