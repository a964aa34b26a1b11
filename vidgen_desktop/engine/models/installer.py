"""Install a model from the hub: plan what is missing, then fetch, reuse and verify it.

``<models_dir>/<id>/`` keeps each repo's own layout (multi-repo models put each repo in
its ``subdir``). A download resumes what an earlier one left (partial files, files
already verified), hard-links matching files from the Hugging Face cache, fetches the
rest, and writes the install record only when every file's hash checks out.
"""

from __future__ import annotations

import json
import os
import posixpath
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models import licences
from vidgen_desktop.engine.models.catalogue import CatalogueEntry, Source
from vidgen_desktop.engine.models.control import ModelLock, Watchdog
from vidgen_desktop.engine.models.diskspace import check_free_space, same_device
from vidgen_desktop.engine.models.errors import (
    AccessDeniedError,
    CatalogueError,
    ModelError,
    RemoteNotFoundError,
    RemoteServerError,
)
from vidgen_desktop.engine.models.fileops import place_verified
from vidgen_desktop.engine.models.hashing import Digests, expected_match, feed_file
from vidgen_desktop.engine.models.hfcache import find_cached_file
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
from vidgen_desktop.engine.models.progress import DownloadProgressCallback, ProgressMeter
from vidgen_desktop.engine.models.selection import missing_required, select_files
from vidgen_desktop.engine.models.transfer import PARTIAL_DIR, RetryPolicy, download_file, part_path, resumable_bytes


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


@dataclass
class _Run:
    """One download in progress: what every file step needs."""

    entry: CatalogueEntry
    model_dir: Path
    plan: DownloadPlan
    meter: ProgressMeter
    cancel: CancelToken
    dog: Watchdog
    records: _VerifiedRecords


class Installer:
    """Plans and runs downloads into ``models_dir`` through ``client``."""

    def __init__(self, models_dir: Path, client: HubClient, *, retry: RetryPolicy, disk_margin: int,
                 hf_cache_dir: Path | None) -> None:
        self.models_dir = models_dir
        self.client = client
        self.retry = retry
        self.disk_margin = disk_margin
        #: The Hugging Face cache to reuse files from; None: never reuse.
        self.hf_cache_dir = hf_cache_dir

    # ------------------------------------------------------------------ planning

    def _resolve_source(self, source: Source, cancel: CancelToken) -> tuple[RepoSnapshot, list[RemoteFile]]:
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

    def plan(self, entry: CatalogueEntry, cancel: CancelToken) -> DownloadPlan:
        """Ask the hub what the model is made of and compare with the disk (network, no download)."""
        model_dir = self.models_dir / entry.id
        snaps: list[RepoSnapshot] = []
        planned: list[PlannedFile] = []
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
            hit = (find_cached_file(self.hf_cache_dir, pf.repo, pf.commit, pf.remote)
                   if self.hf_cache_dir is not None else None)
            if hit is not None:
                cache_hits[pf.rel] = hit
                cached += size
                if same_dev is None:
                    same_dev = same_device(hit, self.models_dir)
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

    def download(self, entry: CatalogueEntry, *, accept_licence: bool, on_progress: DownloadProgressCallback,
                 cancel: CancelToken) -> Manifest:
        """Install ``entry``: resume what is there, reuse the HF cache, fetch the rest, verify all.

        Raises :class:`LicenceNotAcceptedError` before any network access when the licence
        was never accepted, :class:`DiskSpaceError` before any byte when the disk is too
        small, ``CancelledError`` on cancel (what was received is kept for the next run).
        """
        licences.require_acceptance(self.models_dir, entry, accept=accept_licence)
        model_dir = self.models_dir / entry.id
        done = read_manifest(model_dir)
        if done is not None and not quick_problems(model_dir, done):
            return done
        with ModelLock(self.models_dir, entry.id, "download"), \
                Watchdog(self.models_dir, entry.id, cancel) as dog:
            remove_manifest(model_dir)
            plan = self.plan(entry, cancel)
            check_free_space(self.models_dir, plan.disk_needed, margin=self.disk_margin, what=entry.id)
            run = _Run(entry, model_dir, plan, ProgressMeter(entry.id, plan.total_bytes, len(plan.files), on_progress),
                       cancel, dog, _VerifiedRecords(model_dir))
            files: list[ManifestFile] = []
            origins: set[str] = set()
            for pf in plan.files:
                cancel.raise_if_cancelled()
                sha, origin = self._ensure_file(run, pf)
                files.append(ManifestFile(pf.rel, pf.remote.size, sha))
                origins.add(origin)
                run.meter.end_file()
            manifest = Manifest(
                model_id=entry.id, kind=entry.kind, files=tuple(files),
                sources=tuple(ManifestSource(s.role, snap.repo, s.revision, snap.commit, s.subdir)
                              for s, snap in zip(entry.sources, plan.snapshots)),
                origin="hf-cache" if origins == {"hf-cache"} else "download",
            )
            write_manifest(model_dir, manifest)
            shutil.rmtree(model_dir / PARTIAL_DIR, ignore_errors=True)
            run.meter.finish()
            return manifest

    def _ensure_file(self, run: _Run, pf: PlannedFile) -> tuple[str, str]:
        """Make ``pf`` present and verified; returns (sha256, where it came from)."""
        remote, dest, meter = pf.remote, run.model_dir / pf.rel, run.meter
        meter.start_file(pf.rel, remote.size)
        if dest.is_file():
            known = run.records.get(pf.rel, dest, remote.etag)
            if known is not None:
                meter.add(remote.size, network=False)
                return known, "present"
            if dest.stat().st_size == remote.size:
                meter.set_phase("verify")
                d = Digests(git_size=None if remote.sha256 else remote.size)
                feed_file(d, dest, on_bytes=lambda n: meter.add(n, network=False), cancel=run.cancel)
                if expected_match(d, sha256=remote.sha256, git_oid=remote.git_oid):
                    run.records.put(pf.rel, dest, remote.etag, d.sha256)
                    return d.sha256, "present"
                meter.rewind_file(remote.size)
            dest.unlink()
        hit = run.plan.cached.get(pf.rel)
        if hit is not None:
            sha = self._place_from_cache(run, hit, dest, pf)
            if sha is not None:
                run.records.put(pf.rel, dest, remote.etag, sha)
                return sha, "hf-cache"
        meter.set_phase("download")
        sha = download_file(self.client, model_id=run.entry.id, repo=pf.repo, commit=pf.commit, remote=remote,
                            dest=dest, part=part_path(run.model_dir, pf.rel), meter=meter, cancel=run.cancel,
                            policy=self.retry, watchdog=run.dog)
        run.records.put(pf.rel, dest, remote.etag, sha)
        return sha, "download"

    def _place_from_cache(self, run: _Run, src: Path, dest: Path, pf: PlannedFile) -> str | None:
        """Hard-link (or copy) a cache file into place if its hash checks out; None = download instead."""
        meter = run.meter
        meter.set_phase("link")
        d = Digests(git_size=None if pf.remote.sha256 else pf.remote.size)
        counted = 0

        def add(n: int) -> None:
            nonlocal counted
            counted += n
            meter.add(n, network=False)

        ok = place_verified(src, part_path(run.model_dir, pf.rel).with_suffix(".cache"), dest, link=True, digests=d,
                            check=lambda x: expected_match(x, sha256=pf.remote.sha256, git_oid=pf.remote.git_oid),
                            on_bytes=add, cancel=run.cancel)
        if not ok:
            meter.rewind_file(counted)
            return None
        return d.sha256
