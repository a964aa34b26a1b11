"""A loopback HTTP server that speaks enough of the Hugging Face hub protocol for real downloads.

Serves repos built from bytes given in the test: the revision and tree APIs (paged when
``page_size`` is set), ``/{repo}/resolve/{rev}/{path}`` with ranges, and LFS files via a
302 to a "CDN" on another host name (``localhost`` instead of ``127.0.0.1``, so the
client must drop its token there). Faults are injected per path: error statuses, a
connection dropped mid-file, a stall, corrupt bytes, a server that ignores ``Range``,
throttling. Every body byte served is counted per file, so tests can prove that a
resume fetched only what was missing.

Also usable by huggingface_hub itself (``hf_hub_download(..., endpoint=hub.url)``),
which is how tests fill a real Hugging Face cache.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing_extensions import Self

CHUNK = 64 * 1024


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


@dataclass
class HubFile:
    path: str
    data: bytes
    lfs: bool

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def git_oid(self) -> str:
        if self.lfs:
            pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{self.sha256}\nsize {len(self.data)}\n"
            return git_blob_oid(pointer.encode())
        return git_blob_oid(self.data)

    @property
    def etag(self) -> str:
        return self.sha256 if self.lfs else self.git_oid

    def tree_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {"type": "file", "path": self.path, "size": len(self.data), "oid": self.git_oid}
        if self.lfs:
            item["lfs"] = {"oid": self.sha256, "size": len(self.data), "pointerSize": 134}
        return item


@dataclass
class HubRepo:
    repo_id: str
    files: dict[str, HubFile]
    commit: str
    #: Files need a token (``token``): 401 without one, 403 with a wrong one.
    gated: bool = False
    #: Even the API needs the token.
    private: bool = False
    token: str | None = None
    branches: tuple[str, ...] = ("main",)


@dataclass
class Fault:
    kind: str  # status | drop | stall | corrupt | ignore_range
    match: str  # substring of the repo file path (or of the URL path for where="api")
    count: int = 1  # times left; -1 = always
    status: int = 500
    after: int = 0  # bytes of the response body sent before drop/stall
    seconds: float = 0.0
    where: str = "file"  # file | api


@dataclass
class RequestLog:
    method: str
    path: str
    headers: dict[str, str]
    status: int = 0


@dataclass
class _State:
    repos: dict[str, HubRepo] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    served: Counter[str] = field(default_factory=Counter)
    requests: list[RequestLog] = field(default_factory=list)
    bps: float | None = None
    chunk: int = CHUNK
    page_size: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # ---------------------------------------------------------------- plumbing

    @property
    def st(self) -> _State:
        return self.server.state

    def _log(self) -> RequestLog:
        entry = RequestLog(self.command, self.path, {k: v for k, v in self.headers.items()})
        with self.st.lock:
            self.st.requests.append(entry)
        return entry

    def _take_fault(self, where: str, target: str, kinds: Iterable[str]) -> Fault | None:
        with self.st.lock:
            for f in self.st.faults:
                if f.where == where and f.kind in kinds and f.match in target and f.count != 0:
                    if f.count > 0:
                        f.count -= 1
                    return f
        return None

    def _send(self, log: RequestLog, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        log.status = status
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, log: RequestLog, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(log, 200, json.dumps(obj).encode(), {"Content-Type": "application/json", **(headers or {})})

    def _error(self, log: RequestLog, status: int, code: str | None = None) -> None:
        headers = {"Content-Type": "application/json"}
        if code:
            headers["X-Error-Code"] = code
        self._send(log, status, json.dumps({"error": code or f"HTTP {status}"}).encode(), headers)

    def _auth_status(self, repo: HubRepo) -> int | None:
        auth = self.headers.get("Authorization", "")
        if not auth:
            return 401
        if auth != f"Bearer {repo.token}":
            return 403
        return None

    # ---------------------------------------------------------------- routes

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        log = self._log()
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        try:
            if path.startswith("/api/"):
                fault = self._take_fault("api", path, ("status",))
                if fault is not None:
                    return self._error(log, fault.status)
                m = re.fullmatch(r"/api/models/([^/]+/[^/]+)/(revision|tree)/([^/]+)", path)
                if not m:
                    return self._error(log, 404)
                return self._api(log, m.group(1), m.group(2), m.group(3), urllib.parse.parse_qs(url.query))
            m = re.fullmatch(r"/cdn/([0-9a-f]{64})", path)
            if m:
                return self._cdn(log, m.group(1))
            m = re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path)
            if m:
                return self._resolve(log, m.group(1), m.group(2), m.group(3))
            return self._error(log, 404)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass

    def _repo(self, log: RequestLog, repo_id: str, rev: str) -> HubRepo | None:
        repo = self.st.repos.get(repo_id)
        if repo is None:
            self._error(log, 404, "RepoNotFound")
            return None
        if repo.private and (s := self._auth_status(repo)):
            self._error(log, s, "GatedRepo")
            return None
        if rev not in (repo.commit, *repo.branches):
            self._error(log, 404, "RevisionNotFound")
            return None
        return repo

    def _api(self, log: RequestLog, repo_id: str, kind: str, rev: str, query: dict[str, list[str]]) -> None:
        repo = self._repo(log, repo_id, rev)
        if repo is None:
            return
        if kind == "revision":
            return self._json(log, {"id": repo.repo_id, "modelId": repo.repo_id, "sha": repo.commit,
                                    "gated": "manual" if repo.gated else False, "private": repo.private,
                                    "siblings": [{"rfilename": p} for p in repo.files]})
        items = [f.tree_item() for f in repo.files.values()]
        dirs = sorted({p.rsplit("/", 1)[0] for p in repo.files if "/" in p})
        items = [{"type": "directory", "path": d, "oid": "0" * 40, "size": 0} for d in dirs] + items
        size = self.st.page_size
        if not size:
            return self._json(log, items)
        start = int(query.get("cursor", ["0"])[0])
        page = items[start:start + size]
        headers = {}
        if start + size < len(items):
            nxt = f"/api/models/{repo.repo_id}/tree/{rev}?recursive=true&cursor={start + size}"
            headers["Link"] = f'<{self.server.url}{nxt}>; rel="next"'
        return self._json(log, page, headers)

    def _resolve(self, log: RequestLog, repo_id: str, rev: str, file_path: str) -> None:
        repo = self._repo(log, repo_id, rev)
        if repo is None:
            return
        f = repo.files.get(file_path)
        if f is None:
            return self._error(log, 404, "EntryNotFound")
        if (repo.gated or repo.private) and (s := self._auth_status(repo)):
            return self._error(log, s, "GatedRepo")
        fault = self._take_fault("file", file_path, ("status",))
        if fault is not None:
            return self._error(log, fault.status)
        headers = {"X-Repo-Commit": repo.commit, "ETag": f'"{f.etag}"'}
        if f.lfs:
            headers.update({"X-Linked-Etag": f'"{f.sha256}"', "X-Linked-Size": str(len(f.data)),
                            "Location": f"{self.server.cdn_url}/cdn/{f.sha256}"})
            return self._send(log, 302, b"", headers)
        return self._serve(log, f, headers)

    def _cdn(self, log: RequestLog, sha: str) -> None:
        for repo in self.st.repos.values():
            for f in repo.files.values():
                if f.lfs and f.sha256 == sha:
                    return self._serve(log, f, {"ETag": f'"{sha}"'})
        return self._error(log, 404)

    def _serve(self, log: RequestLog, f: HubFile, headers: dict[str, str]) -> None:
        data = f.data
        if self._take_fault("file", f.path, ("corrupt",)) is not None:
            data = bytes([data[0] ^ 0xFF]) + data[1:]
        total = len(data)
        start, end = 0, total - 1
        status = 200
        rng = self.headers.get("Range")
        if rng and self._take_fault("file", f.path, ("ignore_range",)) is None:
            m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
            if m:
                start = int(m.group(1))
                end = min(int(m.group(2)), total - 1) if m.group(2) else total - 1
                if start >= total:
                    return self._send(log, 416, b"", {"Content-Range": f"bytes */{total}"})
                status = 206
        log.status = status
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(end - start + 1))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{total}")
        self.end_headers()
        if self.command == "HEAD":
            return
        drop = self._take_fault("file", f.path, ("drop",))
        stall = self._take_fault("file", f.path, ("stall",))
        sent, pos = 0, start
        while pos <= end:
            n = min(self.st.chunk, end + 1 - pos)
            if drop is not None and sent + n > drop.after:
                n = drop.after - sent
            if stall is not None and sent <= stall.after < sent + n:
                n = stall.after - sent
            if n > 0:
                self.wfile.write(data[pos:pos + n])
                self.wfile.flush()
                with self.st.lock:
                    self.st.served[f.path] += n
                sent += n
                pos += n
            if drop is not None and sent >= drop.after:
                return  # connection closes with bytes missing
            if stall is not None and sent == stall.after:
                self.st.stop.wait(stall.seconds)
                stall = None
            if self.st.bps:
                time.sleep(n / self.st.bps)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, state: _State) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.cdn_url = f"http://localhost:{self.server_address[1]}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up mid-body are part of the tests


class FakeHub:
    """Start with ``with FakeHub() as hub:``; ``hub.url`` is the endpoint."""

    def __init__(self, *, page_size: int | None = None, chunk: int = CHUNK) -> None:
        self.state = _State(page_size=page_size, chunk=chunk)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> FakeHub:
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.state.stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return self._server.url

    @property
    def cdn_url(self) -> str:
        assert self._server is not None
        return self._server.cdn_url

    # ---------------------------------------------------------------- content

    def add_repo(self, repo_id: str, files: dict[str, bytes], *, lfs_min: int = 1024, gated: bool = False,
                 private: bool = False, token: str | None = None, commit: str | None = None) -> HubRepo:
        commit = commit or hashlib.sha1(repo_id.encode() + str(len(files)).encode()).hexdigest()
        repo = HubRepo(repo_id, {p: HubFile(p, d, lfs=len(d) >= lfs_min) for p, d in files.items()}, commit,
                       gated=gated, private=private, token=token)
        self.state.repos[repo_id] = repo
        return repo

    def repo(self, repo_id: str) -> HubRepo:
        return self.state.repos[repo_id]

    # ---------------------------------------------------------------- faults

    def fail(self, match: str, status: int, count: int = 1, *, where: str = "file") -> None:
        self.state.faults.append(Fault("status", match, count, status=status, where=where))

    def drop(self, match: str, after: int, count: int = 1) -> None:
        self.state.faults.append(Fault("drop", match, count, after=after))

    def stall(self, match: str, after: int, seconds: float, count: int = 1) -> None:
        self.state.faults.append(Fault("stall", match, count, after=after, seconds=seconds))

    def corrupt(self, match: str, count: int = -1) -> None:
        self.state.faults.append(Fault("corrupt", match, count))

    def ignore_range(self, match: str, count: int = 1) -> None:
        self.state.faults.append(Fault("ignore_range", match, count))

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def throttle(self, bps: float | None) -> None:
        self.state.bps = bps

    # ---------------------------------------------------------------- observations

    def served(self, match: str = "") -> int:
        """Body bytes served for files whose path contains ``match``."""
        with self.state.lock:
            return sum(n for p, n in self.state.served.items() if match in p)

    def served_files(self) -> set[str]:
        with self.state.lock:
            return {p for p, n in self.state.served.items() if n > 0}

    def requests(self, match: str = "") -> Iterator[RequestLog]:
        with self.state.lock:
            logs = list(self.state.requests)
        return (r for r in logs if match in r.path)

    def reset_stats(self) -> None:
        with self.state.lock:
            self.state.served.clear()
            self.state.requests.clear()


# -------------------------------------------------------------------- repos shaped like the catalogue's


def svd_repo_files(*, unet_size: int = 3 * 1024 * 1024, seed: int = 0) -> dict[str, bytes]:
    """An SVD-shaped repo: the fp16 weights the catalogue selects, plus decoys it must skip."""
    def js(obj: Any) -> bytes:
        return json.dumps(obj).encode()

    return {
        "model_index.json": js({"_class_name": "StableVideoDiffusionPipeline"}),
        "README.md": b"# fake\n",
        "LICENSE.md": b"fake licence\n",
        "feature_extractor/preprocessor_config.json": js({"crop_size": 224}),
        "scheduler/scheduler_config.json": js({"_class_name": "EulerDiscreteScheduler"}),
        "image_encoder/config.json": js({"hidden_size": 32}),
        "image_encoder/model.fp16.safetensors": random_bytes(700_000, seed + 1),
        "image_encoder/model.safetensors": random_bytes(1_400_000, seed + 2),  # decoy
        "unet/config.json": js({"num_frames": 14}),
        "unet/diffusion_pytorch_model.fp16.safetensors": random_bytes(unet_size, seed + 3),
        "unet/diffusion_pytorch_model.safetensors": random_bytes(2 * unet_size, seed + 4),  # decoy
        "vae/config.json": js({"latent_channels": 4}),
        "vae/diffusion_pytorch_model.fp16.safetensors": random_bytes(300_000, seed + 5),
        "svd.safetensors": random_bytes(500_000, seed + 6),  # decoy: single-file checkpoint
    }


SVD_SELECTED = (
    "model_index.json",
    "feature_extractor/preprocessor_config.json",
    "scheduler/scheduler_config.json",
    "image_encoder/config.json",
    "image_encoder/model.fp16.safetensors",
    "unet/config.json",
    "unet/diffusion_pytorch_model.fp16.safetensors",
    "vae/config.json",
    "vae/diffusion_pytorch_model.fp16.safetensors",
)


def tts_repo_files(seed: int = 10) -> dict[str, bytes]:
    """An XTTS-shaped repo (config, model.pth, vocab, speakers) with an extra file to skip."""
    return {
        "config.json": b'{"model": "xtts"}',
        "model.pth": random_bytes(1_200_000, seed),
        "vocab.json": b'{"[STOP]": 0}',
        "speakers_xtts.pth": random_bytes(50_000, seed + 1),
        "dvae.pth": random_bytes(80_000, seed + 2),  # training only: skipped
    }
