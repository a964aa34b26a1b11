"""The app's model folder as one object: the catalogue, what is installed, and the operations that change it.

A thin front over the modules that do the work: :mod:`.catalogue` (entries and the
user's edits), :mod:`.inventory` (state, size, removal), :mod:`.installer` (download
planning and running), :mod:`.verifier` and :mod:`.importer`. All methods block; the
window calls them from a worker thread and cancels through the :class:`CancelToken`.
Per-model lock files keep two processes (or threads) from changing the same model at once.
"""

from __future__ import annotations

from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.engine.models import inventory
from vidgen_desktop.engine.models.catalogue import (
    ID_RE,
    Catalogue,
    CatalogueEntry,
    add_user_entry,
    full_catalogue,
    load_builtin_catalogue,
    remove_user_entry,
)
from vidgen_desktop.engine.models.control import ModelLock
from vidgen_desktop.engine.models.diskspace import DEFAULT_MARGIN
from vidgen_desktop.engine.models.errors import ModelNotInstalledError, UnknownModelError
from vidgen_desktop.engine.models.hfcache import hf_hub_cache_dir
from vidgen_desktop.engine.models.hub import HubClient
from vidgen_desktop.engine.models.installer import DownloadPlan, Installer, PlannedFile
from vidgen_desktop.engine.models.inventory import ModelState, ModelStatus
from vidgen_desktop.engine.models.manifest import Manifest
from vidgen_desktop.engine.models.progress import DownloadProgressCallback, ignore_download_progress
from vidgen_desktop.engine.models.transfer import RetryPolicy
from vidgen_desktop.engine.models.verifier import verify_model


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

    @property
    def client(self) -> HubClient:
        if self._client is None:
            self._client = HubClient(self._endpoint, self._token, timeout=self.retry.stall_timeout,
                                     api_backoff=self.retry.base_delay)
        return self._client

    @property
    def hf_cache_dir(self) -> Path:
        return self._hf_cache_dir or hf_hub_cache_dir()

    def _installer(self) -> Installer:
        return Installer(self.models_dir, self.client, retry=self.retry, disk_margin=self.disk_margin,
                         hf_cache_dir=self.hf_cache_dir if self.reuse_hf_cache else None)

    # ------------------------------------------------------------------ catalogue

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
        return add_user_entry(self.models_dir, self.builtin_catalogue(), model_id, repo, revision=revision,
                              kind=kind, name=name)

    def remove_entry(self, model_id: str) -> None:
        """Forget a user entry (its files stay until :meth:`remove`)."""
        remove_user_entry(self.models_dir, self.builtin_catalogue(), model_id)

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
        return inventory.model_status(self.models_dir, self.entry(model_id))

    def list(self) -> list[ModelStatus]:
        return [inventory.model_status(self.models_dir, e) for e in self.catalogue()]

    def installed_ids(self) -> frozenset[str]:
        """Ids whose manifest is present and whose every listed file is there with its size."""
        return inventory.installed_ids(self.models_dir)

    # ------------------------------------------------------------------ changes

    def plan(self, model_id: str, cancel: CancelToken | None = None) -> DownloadPlan:
        """Ask the hub what the model is made of and compare with the disk (network, no download)."""
        return self._installer().plan(self.entry(model_id), cancel or CancelToken())

    def download(self, model_id: str, *, accept_licence: bool = False,
                 on_progress: DownloadProgressCallback = ignore_download_progress,
                 cancel: CancelToken | None = None) -> Manifest:
        """Install ``model_id`` (see :meth:`Installer.download`)."""
        return self._installer().download(self.entry(model_id), accept_licence=accept_licence,
                                          on_progress=on_progress, cancel=cancel or CancelToken())

    def verify(self, model_id: str, *, on_progress: DownloadProgressCallback = ignore_download_progress,
               cancel: CancelToken | None = None) -> Manifest:
        """Re-hash every file against the manifest. On failure the model becomes incomplete and
        the damaged files are deleted, so the next download fetches only those."""
        return verify_model(self.models_dir, self.entry(model_id), on_progress=on_progress,
                            cancel=cancel or CancelToken())

    def remove(self, model_id: str) -> int:
        """Delete the model's folder (partial downloads included); returns the bytes freed."""
        if model_id not in self.catalogue() and not (ID_RE.fullmatch(model_id) and
                                                     (self.models_dir / model_id).is_dir()):
            raise UnknownModelError(model_id, self.catalogue().ids())
        if not (self.models_dir / model_id).is_dir():
            raise ModelNotInstalledError(f"{model_id} is not installed: nothing to remove")
        return inventory.remove_model(self.models_dir, model_id)

    def import_folder(self, model_id: str, folder: Path, *, copy: bool = False,
                      on_progress: DownloadProgressCallback = ignore_download_progress,
                      cancel: CancelToken | None = None) -> Manifest:
        """Install from a folder already on disk (another app's copy, an HF snapshot, a USB disk)."""
        from vidgen_desktop.engine.models.importer import import_into

        entry = self.entry(model_id)
        with ModelLock(self.models_dir, entry.id, "import"):
            return import_into(entry, Path(folder), self.models_dir / entry.id, copy=copy, margin=self.disk_margin,
                               on_progress=on_progress, cancel=cancel or CancelToken())


__all__ = ["DownloadPlan", "ModelState", "ModelStatus", "ModelStore", "PlannedFile"]
