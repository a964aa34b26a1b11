"""Temporary files named after the process that owns them, and the sweeper that removes the orphans.

A render writes beside its output (``.clip.<tag>-<rand>.partial.mp4``), in the clip
checkpoint folder and in the temp folder, and removes those files when it ends. A render
that is killed cannot, so every such name carries an owner tag,
``vidgen-<host>-<pid>-<start>``: the machine (a short hash of its name, so a folder shared
over the network is never judged by another machine's process table), the process id
and the process's start time (so a recycled pid is not mistaken for the owner). The
sweeper deletes a tagged entry only when its owner is gone on this machine; anything it
cannot judge is kept. It runs at the start of every render (the output folder and the
temp folder) and when the window opens.

Files from versions before the tag (``.clip.1a2b3c4d.partial.mp4``) have no owner to
ask; they are removed once untouched for :data:`LEGACY_AGE_S`.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import socket
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

#: Start times are compared this loosely: the OS derives them from the wall clock, which a
#: time sync can step. Wider only keeps an orphan longer (a pid reused within the window).
START_TOLERANCE_S = 60.0
#: Untagged temporary files of older versions are removed once untouched this long.
LEGACY_AGE_S = 2 * 86400.0
#: Tagged entries written by another machine (a shared folder) are removed once untouched this long.
FOREIGN_AGE_S = 7 * 86400.0

_TAG_RE = re.compile(r"vidgen-(?P<host>[0-9a-f]{6})-(?P<pid>\d{1,10})-(?P<start>[0-9a-z]{1,12})-")
_LEGACY_RE = re.compile(r"^\..+\.[0-9a-f]{8}\.partial\.(?:mp4|m4v|mov|wav)$|^\.narration-[0-9a-f]{8}\.f32$"
                        r"|^\.tmp-\d{5}-[0-9a-f]{8}$")


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


@lru_cache(maxsize=1)
def _host_id() -> str:
    return hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:6]


@dataclass(frozen=True)
class Owner:
    """The process that made a temporary file: machine, pid, start time (centiseconds since the epoch)."""

    host: str
    pid: int
    started_cs: int

    @property
    def tag(self) -> str:
        return f"vidgen-{self.host}-{self.pid}-{_base36(self.started_cs)}"

    def is_gone(self) -> bool:
        """True only when this machine's process table proves the owner ended."""
        if self.host != _host_id():
            return False
        import psutil

        try:
            proc = psutil.Process(self.pid)
            if proc.status() == psutil.STATUS_ZOMBIE:
                return True
            started: float = proc.create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.Error:  # access denied and the like: cannot tell, so keep
            return False
        return abs(started * 100 - self.started_cs) > START_TOLERANCE_S * 100


@lru_cache(maxsize=4)
def _owner_of(pid: int) -> Owner:
    import psutil

    return Owner(_host_id(), pid, round(psutil.Process(pid).create_time() * 100))


def current_owner() -> Owner:
    """This process (looked up per pid, so a forked child gets its own tag)."""
    return _owner_of(os.getpid())


def parse_owner(name: str) -> Owner | None:
    """The owner named in a file name, or ``None`` for a name the app did not tag."""
    m = _TAG_RE.search(name)
    if m is None:
        return None
    return Owner(m.group("host"), int(m.group("pid")), int(m.group("start"), 36))


def owned_name(stem: str, suffix: str = "", kind: str = "partial") -> str:
    """A hidden name beside ``stem`` that the sweeper can trace to this process: ``.stem.<tag>-<rand>.kind<suffix>``."""
    return f".{stem}.{current_owner().tag}-{uuid.uuid4().hex[:6]}.{kind}{suffix}"


def owned_temp_dir(purpose: str) -> Path:
    """A new private folder in the temp folder: ``vidgen-<purpose>-<tag>-<random>``."""
    return Path(tempfile.mkdtemp(prefix=f"vidgen-{purpose}-{current_owner().tag}-"))


@dataclass(frozen=True)
class SweepResult:
    removed: tuple[Path, ...] = ()
    #: Tagged entries whose owner still runs (or could not be judged).
    kept: tuple[Path, ...] = ()

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.removed + other.removed, self.kept + other.kept)


def _is_debris(entry: os.DirEntry[str], now: float) -> bool | None:
    """True: an orphan; False: the app's, but keep it; None: not the app's."""
    name = entry.name
    if not name.startswith((".", "vidgen-")):
        return None
    owner = parse_owner(name)
    if owner is None and not _LEGACY_RE.match(name):
        return None
    if owner is not None and owner.host == _host_id():
        return owner.is_gone()
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    return age > (FOREIGN_AGE_S if owner is not None else LEGACY_AGE_S)


def _remove(entry: os.DirEntry[str]) -> bool:
    try:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    except FileNotFoundError:
        return True
    except OSError as exc:  # still open on Windows, read-only folder...: the next sweep tries again
        log.info("could not remove leftover %s: %s", entry.path, exc)
        return False
    return True


def sweep(folder: Path) -> SweepResult:
    """Remove the app's orphaned temporary files and folders directly in ``folder`` (not below)."""
    now = time.time()
    removed: list[Path] = []
    kept: list[Path] = []
    try:
        with os.scandir(folder) as it:
            entries = list(it)
    except OSError:
        return SweepResult()
    for entry in entries:
        verdict = _is_debris(entry, now)
        if verdict is None:
            continue
        if verdict and _remove(entry):
            removed.append(Path(entry.path))
        else:
            kept.append(Path(entry.path))
    if removed:
        log.info("removed %d leftover temporary file(s) in %s", len(removed), folder)
    return SweepResult(tuple(removed), tuple(kept))


def sweep_for_render(output_folder: Path) -> SweepResult:
    """At the start of a render: the folder it writes into, and the temp folder."""
    return sweep(output_folder) + sweep(Path(tempfile.gettempdir()))


def sweep_at_start(folders: Iterable[Path], checkpoint_root: Path | None = None) -> SweepResult:
    """When the window opens: the given output folders, the temp folder, and every clip checkpoint folder."""
    result = SweepResult()
    seen: set[Path] = set()
    targets = [*folders, Path(tempfile.gettempdir())]
    if checkpoint_root is not None:
        with contextlib.suppress(OSError):
            targets += [p for p in checkpoint_root.iterdir() if p.is_dir()]
    for folder in targets:
        if folder not in seen:
            seen.add(folder)
            result += sweep(folder)
    return result
