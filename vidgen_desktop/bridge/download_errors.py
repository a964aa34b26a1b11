"""A failed model download in words for the window: what happened and what to do next."""

from __future__ import annotations

from dataclasses import dataclass

from vidgen_desktop.core.errors import VidGenError


@dataclass(frozen=True)
class DownloadErrorInfo:
    """A failed download, in words for the panel."""

    model_id: str
    #: Short kind: offline, token, denied, not-found, disk, verify, busy, transfer, other.
    kind: str
    message: str
    hint: str = ""
    #: Offer the token field (HTTP 401/403).
    needs_token: bool = False
    #: Where to accept a gated model's terms, when known.
    url: str = ""


def describe_download_error(model_id: str, exc: BaseException, endpoint: str) -> DownloadErrorInfo:
    """Turn a store exception into a one-line message and what to do about it."""
    from vidgen_desktop.engine.models import errors as e

    if isinstance(exc, e.EndpointUnreachableError):
        return DownloadErrorInfo(
            model_id, "offline", f"Cannot reach {exc.endpoint} ({_reason(exc)}).",
            "Check the internet connection or proxy, or set a mirror under “Download source…”. "
            "What was already downloaded is kept.")
    if isinstance(exc, e.AccessDeniedError):
        page = f"{endpoint}/{exc.repo}"
        if "token has no access" in exc.message:
            return DownloadErrorInfo(
                model_id, "denied", f"Your access token has no access to {exc.repo} (HTTP {exc.status}).",
                "Open the model's page (below) while logged in, accept its terms, then try again "
                "(or enter a token of that account under “Download source…”).", needs_token=True, url=page)
        return DownloadErrorInfo(
            model_id, "token", f"{exc.repo} needs a Hugging Face access token (HTTP {exc.status}).",
            "Accept the model's terms on its page (below) while logged in, create an access token in your "
            "Hugging Face settings, and enter it under “Download source…”.", needs_token=True, url=page)
    if isinstance(exc, e.RemoteNotFoundError):
        return DownloadErrorInfo(
            model_id, "not-found", f"Not found on {endpoint}: {exc.message.split(': not found')[0]} (HTTP 404).",
            "The mirror may not carry this model, or it was moved. Check the download source, or try later.")
    if isinstance(exc, e.DiskSpaceError):
        return DownloadErrorInfo(model_id, "disk", f"Not enough disk space: {exc.message}.",
                                 exc.hint or "Free some space (or delete another model) and try again: "
                                 "the download resumes where it stopped.")
    if isinstance(exc, e.VerificationError):
        return DownloadErrorInfo(model_id, "verify", f"A downloaded file was damaged: {'; '.join(exc.problems[:2])}.",
                                 "The damaged file was thrown away. Try again; if it keeps happening, a proxy or "
                                 "mirror is corrupting the data.")
    if isinstance(exc, e.DownloadBusyError):
        return DownloadErrorInfo(model_id, "busy", f"{exc.message}.",
                                 "Another VidGen (or `vidgen-desktop models download`) is working on this model. "
                                 "Wait for it, or stop it there.")
    if isinstance(exc, (e.TransferError, e.RemoteServerError)):
        return DownloadErrorInfo(model_id, "transfer", f"{exc.message}.",
                                 exc.hint or "Try again later: the download resumes where it stopped.")
    if isinstance(exc, VidGenError):
        return DownloadErrorInfo(model_id, "other", f"{exc.message}.", exc.hint)
    if isinstance(exc, OSError) and getattr(exc, "errno", None) is not None:
        return DownloadErrorInfo(model_id, "other", f"{exc.strerror or exc} ({getattr(exc, 'filename', '') or ''}).",
                                 "Check that the data folder is writable.")
    return DownloadErrorInfo(model_id, "other", f"Unexpected error: {type(exc).__name__}: {exc}",
                             "This is a bug in VidGen; the details are in the log file.")


def _reason(exc: BaseException) -> str:
    text = str(exc)
    if ": " in text:
        text = text.split(": ", 1)[1]
    return text.removesuffix(" (offline?)")
