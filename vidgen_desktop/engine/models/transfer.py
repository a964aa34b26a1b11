"""One file, fetched so that nothing already received is ever fetched again.

Bytes go to ``<model>/.vidgen-partial/<path>.part``; a sidecar ``.part.json`` records
the size and hash the hub published. After a cancel, a crash or a restart the part is
kept when the sidecar still matches the listing, its bytes are re-hashed (cheap next to
a download) and the transfer continues with ``Range: bytes=<have>-``. A server that
ignores ``Range`` (200 instead of 206) is handled by starting that file over.

Transient failures (refused/reset connections, 5xx, 429, a connection dropped
mid-file, a stall: no byte for ``stall_timeout`` or less than ``min_bps`` over that
window) are retried with exponential backoff and jitter, resuming each time; the
failure count resets whenever an attempt made progress. Only a file whose size and
SHA-256 (or git sha1, for small non-LFS files) match is moved into place, atomically.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError
from vidgen_desktop.engine.models.control import Watchdog
from vidgen_desktop.engine.models.diskspace import disk_full_error, is_disk_full
from vidgen_desktop.engine.models.errors import EndpointUnreachableError, ModelError, TransferError, VerificationError
from vidgen_desktop.engine.models.hashing import Digests, expected_match, feed_file
from vidgen_desktop.engine.models.hub import HubClient, RemoteFile, TransientHTTPError
from vidgen_desktop.engine.models.progress import ProgressMeter

PARTIAL_DIR = ".vidgen-partial"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


@dataclass(frozen=True)
class RetryPolicy:
    #: Failed attempts in a row (without any progress) before giving up.
    attempts: int = 8
    base_delay: float = 0.5
    max_delay: float = 30.0
    #: Seconds without a single byte before the connection counts as stalled.
    stall_timeout: float = 30.0
    #: Below this average rate over ``stall_timeout`` the connection also counts as stalled.
    min_bps: float = 1024.0
    chunk: int = 1 << 20

    def delay(self, failures: int) -> float:
        base = min(self.max_delay, self.base_delay * 2.0 ** max(0, failures - 1))
        return float(base * random.uniform(0.8, 1.2))


def part_path(model_dir: Path, rel: str) -> Path:
    return model_dir / PARTIAL_DIR / (rel + ".part")


def _sidecar(part: Path) -> Path:
    return part.with_name(part.name + ".json")


def _identity(remote: RemoteFile) -> dict[str, Any]:
    """What makes bytes on disk reusable: the same size and the same published hash."""
    return {"size": remote.size, "sha256": remote.sha256, "git_oid": remote.git_oid if not remote.sha256 else None}


def resumable_bytes(part: Path, remote: RemoteFile) -> int:
    """Bytes of ``part`` a download of ``remote`` can keep (0 when the sidecar does not match)."""
    try:
        info = json.loads(_sidecar(part).read_text(encoding="utf-8"))
        size = part.stat().st_size
    except (OSError, ValueError):
        return 0
    if not isinstance(info, dict) or {k: info.get(k) for k in ("size", "sha256", "git_oid")} != _identity(remote):
        return 0
    return size if size <= remote.size else 0


def _reset_part(part: Path, remote: RemoteFile, label: str) -> None:
    part.parent.mkdir(parents=True, exist_ok=True)
    part.unlink(missing_ok=True)
    _sidecar(part).write_text(json.dumps({**_identity(remote), "file": label}), encoding="utf-8")


def discard_part(part: Path) -> None:
    part.unlink(missing_ok=True)
    _sidecar(part).unlink(missing_ok=True)


def _response_socket(resp: http.client.HTTPResponse) -> socket.socket | None:
    """The socket under a response, so the watchdog can unblock a read on cancel (best effort)."""
    raw = getattr(getattr(resp, "fp", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


def _check_range(resp: http.client.HTTPResponse, offset: int) -> None:
    m = _CONTENT_RANGE.match(resp.headers.get("Content-Range", ""))
    if not m or int(m.group(1)) != offset:
        raise TransientHTTPError(f"server answered a range request with {resp.headers.get('Content-Range')!r}")


def download_file(client: HubClient, *, model_id: str, repo: str, commit: str, remote: RemoteFile, dest: Path,
                  part: Path, meter: ProgressMeter, cancel: CancelToken, policy: RetryPolicy,
                  watchdog: Watchdog | None = None) -> str:
    """Fetch ``remote`` into ``dest`` (resuming ``part``), verify it, return its SHA-256."""
    label = f"{repo}:{remote.path}"
    offset = resumable_bytes(part, remote)
    if offset == 0:
        _reset_part(part, remote, label)
    digests = Digests(git_size=None if remote.sha256 else remote.size)
    if offset:
        meter.set_phase("verify")
        feed_file(digests, part, limit=offset, on_bytes=lambda n: meter.add(n, network=False), cancel=cancel)
        meter.set_phase("download")

    failures = 0
    try:
        fh = open(part, "ab")  # noqa: SIM115 - closed in finally, kept open across retries
    except OSError as exc:
        raise (disk_full_error(part.parent, remote.path) if is_disk_full(exc) else exc) from None
    try:
        while offset < remote.size:
            cancel.raise_if_cancelled()
            progressed = False
            try:
                resp = client.open_file(repo, commit, remote.path, start=offset, timeout=policy.stall_timeout)
                try:
                    if watchdog is not None:
                        watchdog.watch(_response_socket(resp))
                    if offset and resp.status == 200:
                        # The server ignored Range: this file starts over from byte 0.
                        fh.truncate(0)
                        meter.rewind_file(offset)
                        offset = 0
                        digests = Digests(git_size=None if remote.sha256 else remote.size)
                    elif offset:
                        _check_range(resp, offset)
                    window_t, window_bytes = time.monotonic(), 0
                    while offset < remote.size:
                        if cancel.cancelled:
                            cancel.raise_if_cancelled()
                        block = resp.read1(min(policy.chunk, remote.size - offset))  # what has arrived: a stall loses nothing
                        if not block:
                            raise TransientHTTPError("the connection closed before the end of the file")
                        try:
                            fh.write(block)
                        except OSError as exc:
                            if is_disk_full(exc):
                                raise disk_full_error(part.parent, remote.path) from None
                            raise
                        digests.update(block)
                        offset += len(block)
                        progressed = True
                        meter.add(len(block), network=True)
                        window_bytes += len(block)
                        now = time.monotonic()
                        if now - window_t >= policy.stall_timeout:
                            if window_bytes < policy.min_bps * (now - window_t):
                                raise TransientHTTPError(f"stalled: under {policy.min_bps:.0f} B/s "
                                                         f"for {now - window_t:.0f}s")
                            window_t, window_bytes = now, 0
                finally:
                    if watchdog is not None:
                        watchdog.watch(None)
                    resp.close()
            except (ModelError, CancelledError):
                raise
            except (TransientHTTPError, http.client.HTTPException, TimeoutError,
                    ConnectionError, OSError) as exc:
                if cancel.cancelled:
                    cancel.raise_if_cancelled()
                transient = exc if isinstance(exc, TransientHTTPError) else TransientHTTPError(
                    _describe(exc), connect=False)
                failures = 1 if progressed else failures + 1
                if failures >= policy.attempts:
                    raise _give_up(client, transient, label, failures, ever_connected=offset > 0) from None
                delay = transient.retry_after if transient.retry_after is not None else policy.delay(failures)
                if cancel.wait(min(delay, policy.max_delay)):
                    cancel.raise_if_cancelled()
        fh.flush()
        with contextlib.suppress(OSError):
            os.fsync(fh.fileno())
    finally:
        fh.close()

    if not expected_match(digests, sha256=remote.sha256, git_oid=remote.git_oid) or offset != remote.size:
        discard_part(part)
        expected = remote.sha256 or remote.git_oid
        got = digests.sha256 if remote.sha256 else digests.git_oid
        raise VerificationError(
            model_id, [f"{remote.path}: hash {str(got)[:12]}... differs from the published {expected[:12]}..."],
            hint="the damaged file was discarded; run the download again (a proxy or mirror may be corrupting data)",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(part, dest)
    _sidecar(part).unlink(missing_ok=True)
    return digests.sha256


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "stalled: no data from the server"
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection dropped mid-file"
    return str(exc) or type(exc).__name__


def _give_up(client: HubClient, exc: TransientHTTPError, label: str, tries: int, *, ever_connected: bool) -> ModelError:
    if exc.connect and not ever_connected:
        return EndpointUnreachableError(client.endpoint, exc.reason)
    if exc.status is not None:
        return client.give_up(exc, label)
    return TransferError(f"{label}: {exc.reason} ({tries} tries in a row)",
                         hint="check the connection and run the download again: it resumes where it stopped")
