"""The app's model folder: what is installed, and the operations that change it.

``<models_dir>/<id>/`` keeps each repo's own layout (``local_path`` is what diffusers /
transformers / coqui load from; multi-repo models put each repo in its ``subdir``).
A model is *installed* only when ``vidgen-installed.json`` is there and every file it
lists is present with the right size; anything else in the folder is *incomplete* and
never used. All methods block; the window calls them from a worker thread and cancels
through the :class:`CancelToken`. Per-model lock files keep two processes (or threads)
from changing the same model at once.
"""

from __future__ import annotations

import builtins
import json
import os
import posixpath
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models import licences
from vidgen_desktop.engine.models.catalogue import (
    ID_RE,
    Catalogue,
    CatalogueEntry,
    Source,
    full_catalogue,
    load_builtin_catalogue,
    load_user_entries,
    make_user_entry,
    save_user_entries,
)
from vidgen_desktop.engine.models.control import ModelLock, Watchdog
from vidgen_desktop.engine.models.diskspace import DEFAULT_MARGIN, check_free_space
from vidgen_desktop.engine.models.errors import (
    AccessDeniedError,
    CatalogueError,
    ModelError,
    ModelNotInstalledError,
    RemoteNotFoundError,
    RemoteServerError,
    UnknownModelError,
    VerificationError,
)
from vidgen_desktop.engine.models.fileops import place_verified
from vidgen_desktop.engine.models.hashing import Digests, expected_match, feed_file
from vidgen_desktop.engine.models.hfcache import find_cached_file, hf_hub_cache_dir
from vidgen_desktop.engine.models.hub import HubClient, RemoteFile, RepoSnapshot, TransientHTTPError
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
from vidgen_desktop.engine.models.progress import DownloadProgressCallback, ProgressMeter, ignore_download_progress
from vidgen_desktop.engine.models.selection import missing_required, select_files
from vidgen_desktop.engine.models.transfer import (
    PARTIAL_DIR,
    RetryPolicy,
    download_file,
    part_path,
    resumable_bytes,
)


class ModelState(str, Enum):
    INSTALLED = "installed"
    INCOMPLETE = "incomplete"
    NOT_INSTALLED = "not-installed"


@dataclass(frozen=True)
class ModelStatus:
    id: str
    state: ModelState
    #: Bytes the model's folder takes now (partial downloads included).
    size_on_disk: int
    entry: CatalogueEntry
    path: Path
    #: Why an incomplete model is not installed (missing files, no manifest...).
    problems: tuple[str, ...] = ()

    def to_json_dict(self) -> dict[str, Any]:
        return {**self.entry.to_json_dict(), "state": self.state.value, "size_on_disk": self.size_on_disk,
                "path": str(self.path), "problems": list(self.problems)}


@dataclass(frozen=True)
class PlannedFile:
    source: Source
    repo: str
    commit: str
    remote: RemoteFile
    #: Path inside the model folder (posix).
    rel: str


@dataclass(frozen=True)
class DownloadPlan:
    """What a download will do, measured against the disk and the HF cache before it starts."""

    entry: CatalogueEntry
    snapshots: tuple[RepoSnapshot, ...]
    files: tuple[PlannedFile, ...]
    total_bytes: int
    #: Bytes already in the model folder or its partial files.
    present_bytes: int
    #: Bytes that will come from the Hugging Face cache.
    cached_bytes: int
    #: Bytes still to come over the network.
    missing_bytes: int
    #: New disk space the download needs (cache hits on the same disk are hard-linked: free).
    disk_needed: int
    cached: dict[str, Path] = field(default_factory=dict)


def _safe_rel(subdir: str, path: str) -> str:
    """Join and refuse paths that would escape the model folder (a hostile or broken listing)."""
    rel = posixpath.normpath(posixpath.join(subdir, path)) if subdir else posixpath.normpath(path)
    if rel.startswith(("/", "../")) or rel in ("..", ".") or "\\" in rel or ":" in rel.split("/", 1)[0]:
        raise RemoteServerError(f"refusing unsafe file path {path!r} in the listing")
    if rel == MANIFEST_NAME or rel.split("/", 1)[0] == PARTIAL_DIR:
        raise RemoteServerError(f"refusing reserved file path {path!r} in the listing")
    return rel


def _iter_files(folder: Path) -> Iterator[Path]:
    for root, _dirs, names in os.walk(folder):
        for n in names:
            yield Path(root) / n


def disk_usage(folder: Path) -> int:
    """Bytes of the regular files under ``folder`` (each hard-linked inode counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for p in _iter_files(folder):
        try:
            st = p.lstat()
        except OSError:
            continue
        if (st.st_dev, st.st_ino) in seen or not os.path.isfile(p) or os.path.islink(p):
            continue
        seen.add((st.st_dev, st.st_ino))
        total += st.st_size
    return total


def _freeable(folder: Path) -> int:
    """Bytes deleting ``folder`` gives back: files linked elsewhere too (HF cache) free nothing."""
    total = 0
    for p in _iter_files(folder):
        try:
            st = p.lstat()
        except OSError:
            continue
        if not os.path.islink(p) and st.st_nlink <= 1:
            total += st.st_size
    return total


def _same_device(a: Path, b: Path) -> bool:
    def dev(p: Path) -> int:
        p = p.absolute()
        while not p.exists() and p.parent != p:
            p = p.parent
        return p.stat().st_dev

    try:
        return dev(a) == dev(b)
    except OSError:
        return False


class _VerifiedRecords:
    """Files already verified in an unfinished download: a resume skips re-hashing them."""

    def __init__(self, model_dir: Path) -> None:
        self._path = model_dir / PARTIAL_DIR / "verified.json"
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            self._data: dict[str, Any] = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self._data = {}

    def get(self, rel: str, dest: Path, etag: str) -> str | None:
        rec = self._data.get(rel)
        try:
            st = dest.stat()
        except OSError:
            return None
        if (isinstance(rec, dict) and rec.get("etag") == etag and rec.get("size") == st.st_size
                and rec.get("mtime_ns") == st.st_mtime_ns):
            sha = rec.get("sha256")
            return sha if isinstance(sha, str) else None
        return None

    def put(self, rel: str, dest: Path, etag: str, sha256: str) -> None:
        st = dest.stat()
        self._data[rel] = {"etag": etag, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._data), encoding="utf-8")
        os.replace(tmp, self._path)


class ModelStore:
    """The model folder, its catalogue, and downloads from ``endpoint`` (default ``HF_ENDPOINT``)."""

    def __init__(self, models_dir: Path, endpoint: str | None = None, token: str | None = None, *,
                 client: HubClient | None = None, builtin: Catalogue | None = None,
                 retry: RetryPolicy | None = None, disk_margin: int = DEFAULT_MARGIN,
                 reuse_hf_cache: bool = True, hf_cache_dir: Path | None = None) -> None:
        self.models_dir = Path(models_dir)
        self._endpoint = endpoint
        self._token = token
        self._client = client
        self._builtin = builtin
        self.retry = retry or RetryPolicy()
        self.disk_margin = disk_margin
        self.reuse_hf_cache = reuse_hf_cache
        self._hf_cache_dir = hf_cache_dir

    # ------------------------------------------------------------------ catalogue

    @property
    def client(self) -> HubClient:
        if self._client is None:
            self._client = HubClient(self._endpoint, self._token, timeout=self.retry.stall_timeout,
                                     api_backoff=self.retry.base_delay)
        return self._client

    @property
    def hf_cache_dir(self) -> Path:
        return self._hf_cache_dir or hf_hub_cache_dir()

    def builtin_catalogue(self) -> Catalogue:
        if self._builtin is None:
            self._builtin = load_builtin_catalogue()
        return self._builtin

    def catalogue(self) -> Catalogue:
        """Built-in plus user entries, read fresh (another process may have added one)."""
        return full_catalogue(self.models_dir, self.builtin_catalogue())

    def entry(self, model_id: str) -> CatalogueEntry:
        return self.catalogue().get(model_id)

    def add_entry(self, model_id: str, repo: str, *, revision: str = "main", kind: str = "svd",
                  name: str | None = None) -> CatalogueEntry:
        """Add (or replace) the user's own entry; nothing is downloaded yet."""
        entry = make_user_entry(self.builtin_catalogue(), model_id, repo, revision=revision, kind=kind, name=name)
        others = [e for e in load_user_entries(self.models_dir) if e.id != model_id]
        save_user_entries(self.models_dir, [*others, entry])
        return entry

    def remove_entry(self, model_id: str) -> None:
        """Forget a user entry (its files stay until :meth:`remove`)."""
        entries = load_user_entries(self.models_dir)
        if not any(e.id == model_id for e in entries):
            if model_id in self.builtin_catalogue():
                raise CatalogueError(f"{model_id!r} is a built-in model and cannot be removed from the catalogue")
            raise UnknownModelError(model_id, self.catalogue().ids())
        save_user_entries(self.models_dir, [e for e in entries if e.id != model_id])

    # ------------------------------------------------------------------ state

    def model_dir(self, model_id: str) -> Path:
        if not ID_RE.fullmatch(model_id):
            raise UnknownModelError(model_id, self.catalogue().ids())
        return self.models_dir / model_id

    def local_path(self, model_id: str, role: str | None = None) -> Path:
        """The folder to load from (a component's subfolder with ``role``). Check the state first."""
        base = self.model_dir(model_id)
        if role is None:
            return base
        sub = self.entry(model_id).source(role).subdir
        return base / sub if sub else base

    def status(self, model_id: str) -> ModelStatus:
        return self._status(self.entry(model_id))

    def _status(self, entry: CatalogueEntry) -> ModelStatus:
        d = self.models_dir / entry.id
        if not d.is_dir() or not any(d.iterdir()):
            return ModelStatus(entry.id, ModelState.NOT_INSTALLED, 0, entry, d)
        size = disk_usage(d)
        manifest = read_manifest(d)
        if manifest is None:
            parts = (d / PARTIAL_DIR).is_dir()
            why = "download not finished" if parts else "no install record (vidgen-installed.json)"
            return ModelStatus(entry.id, ModelState.INCOMPLETE, size, entry, d, (why,))
        problems = quick_problems(d, manifest)
        state = ModelState.INCOMPLETE if problems else ModelState.INSTALLED
        return ModelStatus(entry.id, state, size, entry, d, tuple(problems))

    def list(self) -> list[ModelStatus]:
        return [self._status(e) for e in self.catalogue()]

    def installed_ids(self) -> frozenset[str]:
        """Ids whose manifest is present and whose every listed file is there with its size."""
        try:
            dirs = [d for d in self.models_dir.iterdir() if d.is_dir() and ID_RE.fullmatch(d.name)]
        except OSError:
            return frozenset()
        ok = set()
        for d in dirs:
            m = read_manifest(d)
            if m is not None and not quick_problems(d, m):
                ok.add(d.name)
        return frozenset(ok)

    # ------------------------------------------------------------------ planning

    def _resolve_source(self, source: Source, cancel: CancelToken) -> tuple[RepoSnapshot, builtins.list[RemoteFile]]:
        """The first of the source's repos that exists and is accessible, with its selected files."""
        first_error: ModelError | None = None
        for repo in source.repos:
            try:
                snap = self.client.snapshot(repo, source.revision, cancel)
                selected = select_files(snap.files, source)
                if len(source.repos) > 1 and selected:
                    self._probe(snap, selected[0])
                return snap, selected
            except (AccessDeniedError, RemoteNotFoundError) as exc:
                first_error = first_error or exc
        assert first_error is not None
        if len(source.repos) > 1:
            first_error.hint = (first_error.hint + "; " if first_error.hint else "") + (
                f"the fallback {', '.join(source.fallback_repos)} failed too")
        raise first_error

    def _probe(self, snap: RepoSnapshot, f: RemoteFile) -> None:
        """Fetch one byte so a gated repo is detected before committing to it (not its fallback)."""
        try:
            with self.client.open(self.client.file_url(snap.repo, snap.commit, f.path), what=snap.repo,
                                  headers={"Range": "bytes=0-0"}) as resp:
                resp.read(1)
        except TransientHTTPError:
            pass  # not an answer about access: the download's retries deal with it

    def plan(self, model_id: str, cancel: CancelToken | None = None) -> DownloadPlan:
        """Ask the hub what the model is made of and compare with the disk (network, no download)."""
        return self._plan(self.entry(model_id), cancel or CancelToken())

    def _plan(self, entry: CatalogueEntry, cancel: CancelToken) -> DownloadPlan:
        model_dir = self.models_dir / entry.id
        snaps: builtins.list[RepoSnapshot] = []
        planned: builtins.list[PlannedFile] = []
        for source in entry.sources:
            snap, selected = self._resolve_source(source, cancel)
            missing = missing_required((f.path for f in selected), source)
            if missing:
                raise CatalogueError(f"{snap.repo}@{source.revision} lacks files {entry.id} needs "
                                     f"({', '.join(missing)}): is it a {entry.kind} model?")
            snaps.append(snap)
            planned += [PlannedFile(source, snap.repo, snap.commit, f, _safe_rel(source.subdir, f.path))
                        for f in selected]
        present = cached = missing_b = disk = 0
        cache_hits: dict[str, Path] = {}
        same_dev: bool | None = None
        for pf in planned:
            size = pf.remote.size
            dest = model_dir / pf.rel
            try:
                if dest.stat().st_size == size:
                    present += size
                    continue
            except OSError:
                pass
            hit = find_cached_file(self.hf_cache_dir, pf.repo, pf.commit, pf.remote) if self.reuse_hf_cache else None
            if hit is not None:
                cache_hits[pf.rel] = hit
                cached += size
                if same_dev is None:
                    same_dev = _same_device(hit, self.models_dir)
                disk += 0 if same_dev else size
                continue
            have = resumable_bytes(part_path(model_dir, pf.rel), pf.remote)
            present += have
            missing_b += size - have
            disk += size - have
        return DownloadPlan(entry=entry, snapshots=tuple(snaps), files=tuple(planned),
                            total_bytes=sum(p.remote.size for p in planned), present_bytes=present,
                            cached_bytes=cached, missing_bytes=missing_b, disk_needed=disk, cached=cache_hits)

    # ------------------------------------------------------------------ download

    def download(self, model_id: str, *, accept_licence: bool = False,
                 on_progress: DownloadProgressCallback = ignore_download_progress,
                 cancel: CancelToken | None = None) -> Manifest:
        """Install ``model_id``: resume what is there, reuse the HF cache, fetch the rest, verify all.

        Raises :class:`LicenceNotAcceptedError` before any network access when the licence
        was never accepted, :class:`DiskSpaceError` before any byte when the disk is too
        small, ``CancelledError`` on cancel (what was received is kept for the next run).
        """
        entry = self.entry(model_id)
        licences.require_acceptance(self.models_dir, entry, accept=accept_licence)
        cancel = cancel or CancelToken()
        model_dir = self.models_dir / entry.id
        done = read_manifest(model_dir)
        if done is not None and not quick_problems(model_dir, done):
            return done
        with ModelLock(self.models_dir, entry.id, "download"), \
                Watchdog(self.models_dir, entry.id, cancel) as dog:
            remove_manifest(model_dir)
            plan = self._plan(entry, cancel)
            check_free_space(self.models_dir, plan.disk_needed, margin=self.disk_margin, what=entry.id)
            meter = ProgressMeter(entry.id, plan.total_bytes, len(plan.files), on_progress)
            records = _VerifiedRecords(model_dir)
            files: builtins.list[ManifestFile] = []
            origins: set[str] = set()
            for pf in plan.files:
                cancel.raise_if_cancelled()
                sha, origin = self._ensure_file(entry, pf, model_dir, plan, meter, cancel, dog, records)
                files.append(ManifestFile(pf.rel, pf.remote.size, sha))
                origins.add(origin)
                meter.end_file()
            manifest = Manifest(
                model_id=entry.id, kind=entry.kind, files=tuple(files),
                sources=tuple(ManifestSource(s.role, snap.repo, s.revision, snap.commit, s.subdir)
                              for s, snap in zip(entry.sources, plan.snapshots)),
                origin="hf-cache" if origins == {"hf-cache"} else "download",
            )
            write_manifest(model_dir, manifest)
            shutil.rmtree(model_dir / PARTIAL_DIR, ignore_errors=True)
            meter.finish()
            return manifest

    def _ensure_file(self, entry: CatalogueEntry, pf: PlannedFile, model_dir: Path, plan: DownloadPlan,
                     meter: ProgressMeter, cancel: CancelToken, dog: Watchdog,
                     records: _VerifiedRecords) -> tuple[str, str]:
        """Make ``pf`` present and verified; returns (sha256, where it came from)."""
        remote, dest = pf.remote, model_dir / pf.rel
        meter.start_file(pf.rel, remote.size)
        if dest.is_file():
            known = records.get(pf.rel, dest, remote.etag)
            if known is not None:
                meter.add(remote.size, network=False)
                return known, "present"
            if dest.stat().st_size == remote.size:
                meter.set_phase("verify")
                d = Digests(git_size=None if remote.sha256 else remote.size)
                feed_file(d, dest, on_bytes=lambda n: meter.add(n, network=False), cancel=cancel)
                if expected_match(d, sha256=remote.sha256, git_oid=remote.git_oid):
                    records.put(pf.rel, dest, remote.etag, d.sha256)
                    return d.sha256, "present"
                meter.rewind_file(remote.size)
            dest.unlink()
        hit = plan.cached.get(pf.rel)
        if hit is not None:
            sha = self._place_from_cache(hit, dest, pf, model_dir, meter, cancel)
            if sha is not None:
                records.put(pf.rel, dest, remote.etag, sha)
                return sha, "hf-cache"
        meter.set_phase("download")
        sha = download_file(self.client, model_id=entry.id, repo=pf.repo, commit=pf.commit, remote=remote, dest=dest,
                            part=part_path(model_dir, pf.rel), meter=meter, cancel=cancel, policy=self.retry,
                            watchdog=dog)
        records.put(pf.rel, dest, remote.etag, sha)
        return sha, "download"

    def _place_from_cache(self, src: Path, dest: Path, pf: PlannedFile, model_dir: Path, meter: ProgressMeter,
                          cancel: CancelToken) -> str | None:
        """Hard-link (or copy) a cache file into place if its hash checks out; None = download instead."""
        meter.set_phase("link")
        d = Digests(git_size=None if pf.remote.sha256 else pf.remote.size)
        counted = 0

        def add(n: int) -> None:
            nonlocal counted
            counted += n
            meter.add(n, network=False)

        ok = place_verified(src, part_path(model_dir, pf.rel).with_suffix(".cache"), dest, link=True, digests=d,
                            check=lambda x: expected_match(x, sha256=pf.remote.sha256, git_oid=pf.remote.git_oid),
                            on_bytes=add, cancel=cancel)
        if not ok:
            meter.rewind_file(counted)
            return None
        return d.sha256

    # ------------------------------------------------------------------ verify / remove

    def verify(self, model_id: str, *, on_progress: DownloadProgressCallback = ignore_download_progress,
               cancel: CancelToken | None = None) -> Manifest:
        """Re-hash every file against the manifest. On failure the model becomes incomplete and
        the damaged files are deleted, so the next download fetches only those."""
        entry = self.entry(model_id)
        cancel = cancel or CancelToken()
        model_dir = self.models_dir / entry.id
        manifest = read_manifest(model_dir)
        if manifest is None:
            state = self._status(entry).state
            extra = f" (incomplete: run `vidgen-desktop models download {model_id}` to finish it)" \
                if state is ModelState.INCOMPLETE else ""
            raise ModelNotInstalledError(f"{model_id} is not installed{extra}")
        with ModelLock(self.models_dir, entry.id, "verify"):
            meter = ProgressMeter(entry.id, manifest.total_size, len(manifest.files), on_progress)
            problems: builtins.list[str] = []
            damaged: builtins.list[Path] = []
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
                how = (f"run `vidgen-desktop models download {model_id}` to fetch them again"
                       if manifest.origin != "import" else "import the folder again")
                raise VerificationError(model_id, problems, hint=f"damaged files were removed; {how}")
            meter.finish()
            return manifest

    def remove(self, model_id: str) -> int:
        """Delete the model's folder (partial downloads included); returns the bytes freed."""
        if model_id not in self.catalogue() and not (ID_RE.fullmatch(model_id) and
                                                     (self.models_dir / model_id).is_dir()):
            raise UnknownModelError(model_id, self.catalogue().ids())
        model_dir = self.models_dir / model_id
        if not model_dir.is_dir():
            raise ModelNotInstalledError(f"{model_id} is not installed: nothing to remove")
        with ModelLock(self.models_dir, model_id, "removal"):
            freed = _freeable(model_dir)
            remove_manifest(model_dir)  # no longer installed, even if deleting the rest fails
            shutil.rmtree(model_dir)
            return freed

    # ------------------------------------------------------------------ import

    def import_folder(self, model_id: str, folder: Path, *, copy: bool = False,
                      on_progress: DownloadProgressCallback = ignore_download_progress,
                      cancel: CancelToken | None = None) -> Manifest:
        """Install from a folder already on disk (another app's copy, an HF snapshot, a USB disk)."""
        from vidgen_desktop.engine.models.importer import import_into

        entry = self.entry(model_id)
        model_dir = self.models_dir / entry.id
        with ModelLock(self.models_dir, entry.id, "import"):
            return import_into(entry, Path(folder), model_dir, copy=copy, margin=self.disk_margin,
                               on_progress=on_progress, cancel=cancel or CancelToken())


__all__ = ["DownloadPlan", "ModelState", "ModelStatus", "ModelStore", "PlannedFile"]
