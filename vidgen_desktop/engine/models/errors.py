"""Model-manager failures, one class per thing the user can do something about.

Each message is one line naming the model or file and the problem; ``hint`` says what
to do next. The CLI prints ``error: <message>`` and exits 1; the window shows a dialog.
"""

from __future__ import annotations

from collections.abc import Iterable

from vidgen_desktop.core.errors import VidGenError


class ModelError(VidGenError):
    """Base class for everything the model manager can refuse or fail at."""


class UnknownModelError(ModelError):
    """The id is in neither the built-in catalogue nor the user's own entries."""

    def __init__(self, model_id: str, known: Iterable[str]) -> None:
        self.model_id = model_id
        super().__init__(
            f"unknown model {model_id!r} (known: {', '.join(sorted(known))})",
            hint="run `vidgen-desktop models list`, or add your own with `models add`",
        )


class CatalogueError(ModelError):
    """A catalogue entry (built-in or user) is malformed, clashes, or does not match its repo."""


class EndpointUnreachableError(ModelError):
    """No connection to the hub or mirror at all (offline, DNS, refused, proxy down)."""

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        super().__init__(
            f"cannot reach {endpoint}: {reason} (offline?)",
            hint="check the connection or proxy; set HF_ENDPOINT to use a mirror; "
            "or install from a folder with `models import ID FOLDER`",
        )


class AccessDeniedError(ModelError):
    """HTTP 401/403: the repo is gated or private and the token is missing or lacks access."""

    def __init__(self, repo: str, status: int, *, has_token: bool, endpoint: str) -> None:
        self.repo = repo
        self.status = status
        why = "the token has no access" if has_token else "a token is needed"
        super().__init__(
            f"{repo}: access denied (HTTP {status}): gated or private model, {why}",
            hint=f"accept the model's terms at {endpoint}/{repo} while logged in, "
            "then set HF_TOKEN to an access token of that account",
        )


class RemoteNotFoundError(ModelError):
    """HTTP 404: the repo, revision or file does not exist on the endpoint."""

    def __init__(self, what: str, code: str | None = None) -> None:
        self.code = code
        detail = f", {code}" if code else ""
        super().__init__(f"{what}: not found on the server (HTTP 404{detail})")


class RemoteServerError(ModelError):
    """The server kept answering with an error status (5xx, 429...) after every retry."""


class TransferError(ModelError):
    """The connection kept stalling or dropping after every retry."""


class DiskSpaceError(ModelError):
    """Not enough free space for what is still missing (checked before start, or disk full mid-way)."""


class VerificationError(ModelError):
    """A file's size or SHA-256 differs from what the hub published: it is never used."""

    def __init__(self, model_id: str, problems: list[str], *, hint: str = "") -> None:
        self.model_id = model_id
        self.problems = problems
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        super().__init__(f"{model_id}: verification failed: {shown}", hint=hint)


class LicenceNotAcceptedError(ModelError):
    """The model's licence needs an explicit accept before anything is downloaded."""


class ModelNotInstalledError(ModelError):
    """The operation needs an installed (complete, verified) model."""


class ImportFolderError(ModelError):
    """A folder given to ``models import`` is missing or lacks files the model needs."""


class DownloadBusyError(ModelError):
    """Another process (or thread) is already downloading or changing this model."""
