"""Model manager: catalogue, resumable verified downloads, HF-cache reuse, import, removal.

Public API (everything else is an implementation detail)::

    store = ModelStore(app_paths().models)           # endpoint: HF_ENDPOINT or huggingface.co
    store.list()                                     # [ModelStatus(id, state, size_on_disk, entry, ...)]
    store.download("svd", accept_licence=True, on_progress=cb, cancel=token)
    store.installed_ids()                            # frozenset of complete, manifest-listed models
    store.local_path("svd")                          # the folder diffusers loads from

No Qt, no torch; importing this package does no I/O.
"""

from vidgen_desktop.engine.models.catalogue import Catalogue, CatalogueEntry, Licence, Source
from vidgen_desktop.engine.models.control import request_cancel, running_downloads
from vidgen_desktop.engine.models.errors import (
    AccessDeniedError,
    CatalogueError,
    DiskSpaceError,
    DownloadBusyError,
    EndpointUnreachableError,
    ImportFolderError,
    LicenceNotAcceptedError,
    ModelError,
    ModelNotInstalledError,
    RemoteNotFoundError,
    RemoteServerError,
    TransferError,
    UnknownModelError,
    VerificationError,
)
from vidgen_desktop.engine.models.manifest import MANIFEST_NAME, Manifest
from vidgen_desktop.engine.models.progress import DownloadProgress
from vidgen_desktop.engine.models.store import DownloadPlan, ModelState, ModelStatus, ModelStore
from vidgen_desktop.engine.models.transfer import RetryPolicy

__all__ = [
    "MANIFEST_NAME",
    "AccessDeniedError",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueError",
    "DiskSpaceError",
    "DownloadBusyError",
    "DownloadPlan",
    "DownloadProgress",
    "EndpointUnreachableError",
    "ImportFolderError",
    "Licence",
    "LicenceNotAcceptedError",
    "Manifest",
    "ModelError",
    "ModelNotInstalledError",
    "ModelState",
    "ModelStatus",
    "ModelStore",
    "RemoteNotFoundError",
    "RemoteServerError",
    "RetryPolicy",
    "Source",
    "TransferError",
    "UnknownModelError",
    "VerificationError",
    "request_cancel",
    "running_downloads",
]
