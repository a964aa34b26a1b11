"""The Hugging Face hub's HTTP protocol, spoken with the standard library.

Why not huggingface_hub: its downloads cannot resume across runs (partial files are
deleted or orphaned) and it would make the base install heavier. The protocol is small:

* ``GET /api/models/{repo}/revision/{rev}`` -> the commit sha;
* ``GET /api/models/{repo}/tree/{sha}?recursive=true`` -> every file with its size,
  git oid and, for LFS files, the SHA-256 (paged with a ``Link: rel="next"`` header);
* ``GET /{repo}/resolve/{sha}/{path}`` with ``Range`` -> the bytes, often after a 302 to
  a CDN host.

The endpoint is the one given, else ``HF_ENDPOINT`` (mirrors), else the one saved in the
window; proxies come from the usual ``*_proxy`` environment variables through urllib.
The token is sent to the endpoint's own host only: never to the CDN a redirect points at.
With ``HF_HUB_OFFLINE=1`` (huggingface_hub's switch) no request is ever made: every call
raises :class:`OfflineModeError`.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPMessage, HTTPResponse
from pathlib import Path
from typing import IO, Any

from vidgen_desktop import __version__
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.hub_settings import DEFAULT_ENDPOINT
from vidgen_desktop.engine.models.errors import (
    AccessDeniedError,
    EndpointUnreachableError,
    ModelError,
    RemoteNotFoundError,
    RemoteServerError,
)

#: Statuses worth another try: the server is busy or briefly broken.
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class OfflineModeError(ModelError):
    """``HF_HUB_OFFLINE`` is set: the user asked for no network access at all."""

    def __init__(self) -> None:
        super().__init__(
            "Offline mode (HF_HUB_OFFLINE=1) is on: downloads are disabled",
            hint="unset HF_HUB_OFFLINE to download, or install a model from a folder with "
            "`vidgen-desktop models import ID FOLDER`",
        )


def is_offline() -> bool:
    """huggingface_hub's switch (``HF_HUB_OFFLINE``, or the older ``TRANSFORMERS_OFFLINE``) is on."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().upper() in ("1", "ON", "YES", "TRUE")


def require_online() -> None:
    """Raise :class:`OfflineModeError` in offline mode (before asking anything of the user)."""
    if is_offline():
        raise OfflineModeError()


def resolve_endpoint(endpoint: str | None = None, *, saved: str = "") -> str:
    """The given endpoint, else ``HF_ENDPOINT``, else ``saved`` (the window's), else huggingface.co."""
    return (endpoint or os.environ.get("HF_ENDPOINT") or saved or DEFAULT_ENDPOINT).rstrip("/")


def env_token() -> str | None:
    """``HF_TOKEN`` (or the older ``HUGGING_FACE_HUB_TOKEN``), if set."""
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        if os.environ.get(var, "").strip():
            return os.environ[var].strip()
    return None


def login_token() -> str | None:
    """The token file ``huggingface-cli login`` saved (``HF_TOKEN_PATH`` or ``$HF_HOME/token``)."""
    candidates = []
    if os.environ.get("HF_TOKEN_PATH"):
        candidates.append(Path(os.environ["HF_TOKEN_PATH"]).expanduser())
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "huggingface"
    )
    candidates.append(Path(home).expanduser() / "token")
    for path in candidates:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if text:
            return text
    return None


def resolve_token(token: str | None = None, *, saved: str = "") -> str | None:
    """The given token, else ``HF_TOKEN``, else ``saved`` (the window's), else the CLI login's."""
    return token or env_token() or saved or login_token()


@dataclass(frozen=True)
class RemoteFile:
    """One file of a repo at a commit, as the tree API lists it."""

    path: str
    size: int
    #: Git blob sha1 of the content (of the LFS pointer for LFS files).
    git_oid: str = ""
    #: SHA-256 of the content for LFS files (the hub's etag for them).
    sha256: str | None = None

    @property
    def etag(self) -> str:
        """What the hub sends as ETag, and what the HF cache names the blob after."""
        return self.sha256 or self.git_oid


@dataclass(frozen=True)
class RepoSnapshot:
    repo: str
    revision: str
    commit: str
    files: tuple[RemoteFile, ...]


class TransientHTTPError(Exception):
    """A failure worth retrying (connection refused/reset, timeout, 5xx, 429)."""

    def __init__(self, reason: str, *, connect: bool = False, status: int | None = None,
                 retry_after: float | None = None, dns: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connect = connect
        self.dns = dns
        self.status = status
        self.retry_after = retry_after


class _TokenForSameHost(urllib.request.HTTPRedirectHandler):
    """Follow redirects; keep the token only when the redirect stays on the same host."""

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        auth = req.unredirected_hdrs.get("Authorization")
        if new is not None and auth and urllib.parse.urlsplit(newurl).netloc == urllib.parse.urlsplit(
                req.full_url).netloc:
            new.add_unredirected_header("Authorization", auth)
        return new


def _retry_after(headers: Message | None) -> float | None:
    if headers is None:
        return None
    value = headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _next_link(link_header: str | None) -> str | None:
    """The ``rel="next"`` URL of a ``Link`` header (how the tree API pages)."""
    if not link_header:
        return None
    for part in link_header.split(","):
        segs = part.split(";")
        if any(s.strip().replace(" ", "") in ('rel="next"', "rel=next") for s in segs[1:]):
            return segs[0].strip().strip("<>")
    return None


class HubClient:
    """Blocking client for one endpoint. Thread-safe: no state beyond configuration."""

    def __init__(self, endpoint: str | None = None, token: str | None = None, *, timeout: float = 30.0,
                 api_attempts: int = 3, api_backoff: float = 0.5,
                 opener: urllib.request.OpenerDirector | None = None) -> None:
        self.endpoint = resolve_endpoint(endpoint)
        self.token = resolve_token(token)
        self.timeout = timeout
        self.api_attempts = max(1, api_attempts)
        self.api_backoff = api_backoff
        self._opener = opener or urllib.request.build_opener(urllib.request.ProxyHandler(), _TokenForSameHost())

    # ------------------------------------------------------------------ low level

    def _request(self, url: str, headers: dict[str, str] | None = None) -> urllib.request.Request:
        req = urllib.request.Request(url, headers={"User-Agent": f"vidgen-desktop/{__version__}", **(headers or {})})
        if self.token:
            req.add_unredirected_header("Authorization", f"Bearer {self.token}")
        return req

    def open(self, url: str, *, what: str, headers: dict[str, str] | None = None,
             timeout: float | None = None) -> HTTPResponse:
        """GET ``url``; maps statuses to typed errors, raises :class:`TransientHTTPError` for retryable ones."""
        require_online()
        req = self._request(url, headers)
        try:
            resp: HTTPResponse = self._opener.open(req, timeout=timeout or self.timeout)
            return resp
        except urllib.error.HTTPError as exc:
            with exc:
                raise self._map_status(exc.code, exc.headers, what) from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            text = str(getattr(reason, "strerror", None) or reason)
            raise TransientHTTPError(text, connect=True, dns=isinstance(reason, socket.gaierror)) from None
        except TimeoutError:
            raise TransientHTTPError("timed out waiting for the server", connect=True) from None
        except (ConnectionError, OSError) as exc:
            raise TransientHTTPError(str(exc) or type(exc).__name__, connect=True) from None

    def _map_status(self, status: int, headers: Message | None, what: str) -> Exception:
        code = headers.get("X-Error-Code") if headers is not None else None
        repo = what.split("@", 1)[0].split(":", 1)[0]
        if status in (401, 403):
            return AccessDeniedError(repo, status, has_token=bool(self.token), endpoint=self.endpoint)
        if status == 404:
            return RemoteNotFoundError(what, code)
        if status in RETRYABLE_STATUS:
            return TransientHTTPError(f"HTTP {status}", status=status, retry_after=_retry_after(headers))
        return RemoteServerError(f"{what}: the server answered HTTP {status}")

    def _get_json(self, url: str, what: str, cancel: CancelToken | None) -> tuple[Any, str | None]:
        """GET JSON with a few quick retries; gives up as unreachable / server error."""
        last: TransientHTTPError | None = None
        for attempt in range(self.api_attempts):
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                with self.open(url, what=what, headers={"Accept": "application/json"}) as resp:
                    body = resp.read()
                    link = resp.headers.get("Link")
                try:
                    return json.loads(body), link
                except ValueError:
                    raise RemoteServerError(f"{what}: the server sent something that is not JSON "
                                            f"(is {self.endpoint} a Hugging Face endpoint?)") from None
            except TransientHTTPError as exc:
                last = exc
                if exc.dns:
                    break  # name resolution failed: offline, retrying will not help
            except (TimeoutError, ConnectionError) as exc:
                last = TransientHTTPError(str(exc) or type(exc).__name__)
            if attempt + 1 < self.api_attempts:
                delay = last.retry_after if last.retry_after is not None else self.api_backoff * (2 ** attempt)
                if cancel is not None:
                    if cancel.wait(min(delay, 10.0)):
                        cancel.raise_if_cancelled()
                else:
                    time.sleep(min(delay, 10.0))
        assert last is not None
        raise self.give_up(last, what)

    def give_up(self, exc: TransientHTTPError, what: str) -> ModelError:
        """The user-facing error after retries ran out."""
        if exc.status is not None:
            return RemoteServerError(f"{what}: the server kept answering {exc.reason}; try again later")
        return EndpointUnreachableError(self.endpoint, exc.reason)

    # ------------------------------------------------------------------ protocol

    def file_url(self, repo: str, commit: str, path: str) -> str:
        return (f"{self.endpoint}/{urllib.parse.quote(repo)}/resolve/"
                f"{urllib.parse.quote(commit, safe='')}/{urllib.parse.quote(path)}")

    def snapshot(self, repo: str, revision: str = "main", cancel: CancelToken | None = None) -> RepoSnapshot:
        """Resolve ``revision`` to a commit and list every file there (size, oid, sha256)."""
        rev_q = urllib.parse.quote(revision, safe="")
        info, _ = self._get_json(f"{self.endpoint}/api/models/{urllib.parse.quote(repo)}/revision/{rev_q}",
                                 f"{repo}@{revision}", cancel)
        commit = info.get("sha") if isinstance(info, dict) else None
        if not isinstance(commit, str) or not commit:
            raise RemoteServerError(f"{repo}@{revision}: the server's answer has no commit sha")
        files: list[RemoteFile] = []
        url: str | None = (f"{self.endpoint}/api/models/{urllib.parse.quote(repo)}/tree/"
                           f"{urllib.parse.quote(commit, safe='')}?recursive=true&expand=false")
        while url:
            page, link = self._get_json(url, f"{repo}@{revision}", cancel)
            if not isinstance(page, list):
                raise RemoteServerError(f"{repo}@{revision}: the file listing is not a list")
            files.extend(_parse_tree_item(item) for item in page if isinstance(item, dict)
                         and item.get("type") == "file")
            nxt = _next_link(link)
            url = urllib.parse.urljoin(url, nxt) if nxt else None
        return RepoSnapshot(repo=repo, revision=revision, commit=commit, files=tuple(files))

    def open_file(self, repo: str, commit: str, path: str, *, start: int = 0,
                  timeout: float | None = None) -> HTTPResponse:
        """Open a file's bytes from ``start`` (a ``Range`` request when > 0), following redirects."""
        headers = {"Accept-Encoding": "identity"}
        if start > 0:
            headers["Range"] = f"bytes={start}-"
        return self.open(self.file_url(repo, commit, path), what=f"{repo}:{path}", headers=headers, timeout=timeout)


def _parse_tree_item(item: dict[str, Any]) -> RemoteFile:
    lfs = item.get("lfs")
    sha = None
    size = item.get("size")
    if isinstance(lfs, dict):
        oid = lfs.get("oid") or lfs.get("sha256")
        sha = str(oid).removeprefix("sha256:") if oid else None
        size = lfs.get("size", size)
    return RemoteFile(path=str(item["path"]), size=int(size or 0), git_oid=str(item.get("oid") or ""), sha256=sha)
