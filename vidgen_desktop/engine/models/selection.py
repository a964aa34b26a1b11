"""Which of a repo's files a model needs: allow-patterns, then the best weight variant per folder.

Repos hold several copies of the same weights (fp32 and fp16, safetensors and .bin,
single-file checkpoints). ``allow`` keeps what the loaders read; among the weight files
left in each folder only those matching the first ``prefer`` pattern that matches
anything there are kept, so fp16 safetensors win where they exist and the rest is never
downloaded. Patterns use fnmatch on the repo path (``*`` also crosses ``/``), like
huggingface_hub's ``allow_patterns``.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from vidgen_desktop.engine.models.catalogue import Source


class _HasPath(Protocol):
    @property
    def path(self) -> str: ...


F = TypeVar("F", bound=_HasPath)


def _matches(path: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def _rank(path: str, prefer: Sequence[str]) -> int | None:
    name = posixpath.basename(path)
    for i, p in enumerate(prefer):
        if fnmatch.fnmatchcase(name, p):
            return i
    return None


def select_files(files: Iterable[F], source: Source) -> list[F]:
    """The files of ``source``'s repo the model needs, in listing order."""
    kept = [f for f in files if (not source.allow or _matches(f.path, source.allow))
            and not _matches(f.path, source.ignore)]
    if not source.prefer:
        return kept
    best: dict[str, int] = {}
    for f in kept:
        r = _rank(f.path, source.prefer)
        if r is not None:
            folder = posixpath.dirname(f.path)
            best[folder] = min(r, best.get(folder, r))
    return [f for f in kept if (r := _rank(f.path, source.prefer)) is None
            or r == best[posixpath.dirname(f.path)]]


def missing_required(paths: Iterable[str], source: Source) -> list[str]:
    """The ``required`` patterns no path matches (empty = the folder has what the loader needs)."""
    paths = list(paths)
    return [p for p in source.required if not any(fnmatch.fnmatchcase(x, p) for x in paths)]
