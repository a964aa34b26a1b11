"""``vidgen-desktop models ...``: list, download, cancel, remove, verify, import, add, path.

Errors are raised as :class:`VidGenError` subclasses (``main`` prints ``error: <message>``
and exits 1). Progress goes to stderr: one self-updating line on a terminal, a line every
few seconds otherwise. Ctrl-C cancels cleanly (exit 130) and keeps what was received;
``models cancel`` from another terminal does the same through a cancel-request file
(see ``engine.models.control``).

Where from: the endpoint is ``--endpoint``, else ``HF_ENDPOINT``, else the mirror saved in
the window ("Download source…") or with ``models source --set-endpoint``, else
huggingface.co. The token for gated models is ``HF_TOKEN``, else the one saved there (in
the system keyring when there is one), else the one ``huggingface-cli login`` saved.
``models source`` shows what is in effect and where the token is stored. With
``HF_HUB_OFFLINE=1`` nothing is downloaded.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, UsageError
from vidgen_desktop.core.formatting import clock, human_bytes
from vidgen_desktop.core.hub_settings import HUB_SETTINGS_NAME, HubSettings, HubSettingsStore, hub_settings_store
from vidgen_desktop.core.paths import app_paths
from vidgen_desktop.engine.decide import listed_vram_gb, vram_by_plan_gb
from vidgen_desktop.engine.models.catalogue import KINDS
from vidgen_desktop.engine.models.control import request_cancel, running_downloads
from vidgen_desktop.engine.models.hub import env_token, is_offline, login_token, require_online, resolve_endpoint
from vidgen_desktop.engine.models.licences import is_accepted
from vidgen_desktop.engine.models.progress import DownloadProgress
from vidgen_desktop.engine.models.store import ModelState, ModelStore

ENV_MODELS_DIR = "VIDGEN_MODELS_DIR"
#: How long ``models cancel`` waits for the download to acknowledge.
CANCEL_WAIT_S = 10.0


def register(subparsers: Any) -> None:
    """Add ``models`` and its sub-commands to the main parser's subparsers."""
    p = subparsers.add_parser("models", help="download and manage the AI models",
                              description="Download, check and manage the models the AI tiers use.")
    p.add_argument("--models-dir", type=Path, default=None,
                   help=f"model folder (default: ${ENV_MODELS_DIR} or the app's data folder)")
    p.add_argument("--endpoint", default=None,
                   help="hub or mirror URL (default: $HF_ENDPOINT, else the saved mirror, else https://huggingface.co)")
    sub = p.add_subparsers(dest="models_command", metavar="COMMAND", required=True)

    s = sub.add_parser("list", help="every model with its state, size and licence")
    s.add_argument("--json", action="store_true", help="machine-readable output")

    s = sub.add_parser("download", help="download (or resume) a model")
    s.add_argument("id")
    s.add_argument("--accept-licence", "--accept-license", dest="accept_licence", action="store_true",
                   help="accept the model's licence (shown before downloading)")

    s = sub.add_parser("cancel", help="stop a download running in another terminal or the window")
    s.add_argument("id", nargs="?", help="only this model's download (default: all)")

    s = sub.add_parser("remove", help="delete a model's files")
    s.add_argument("id")

    s = sub.add_parser("verify", help="re-check every file's SHA-256")
    s.add_argument("id")

    s = sub.add_parser("import", help="install a model from a folder already on disk (offline)")
    s.add_argument("id")
    s.add_argument("folder", type=Path)
    s.add_argument("--copy", action="store_true", help="always copy (default: hard-link when on the same disk)")

    s = sub.add_parser("add", help="add your own model (e.g. a fine-tuned checkpoint) by repo id")
    s.add_argument("id")
    s.add_argument("--repo", required=True, metavar="OWNER/NAME")
    s.add_argument("--revision", default="main")
    s.add_argument("--kind", choices=KINDS, default="svd")
    s.add_argument("--name", default=None)

    s = sub.add_parser("path", help="print the model folder (or one model's folder)")
    s.add_argument("id", nargs="?")

    s = sub.add_parser("source", help="show or save where models come from (mirror) and the access token",
                       description="Without options: the endpoint and token in effect and where each comes from. "
                                   "The saved values are the window's (Models > Download source...).")
    s.add_argument("--set-endpoint", metavar="URL", default=None, help='save a mirror URL ("" for huggingface.co)')
    token = s.add_mutually_exclusive_group()
    token.add_argument("--set-token", action="store_true",
                       help="save an access token (asked for without echo, or read from stdin when piped)")
    token.add_argument("--clear-token", action="store_true", help="forget the saved access token")

    p.set_defaults(func=run)


def models_dir_from(args: argparse.Namespace) -> Path:
    if getattr(args, "models_dir", None):
        return Path(args.models_dir).expanduser()
    env = os.environ.get(ENV_MODELS_DIR)
    return Path(env).expanduser() if env else app_paths().models


def endpoint_from(args: argparse.Namespace) -> str:
    """``--endpoint`` > ``HF_ENDPOINT`` > the saved mirror > huggingface.co (reads no keyring)."""
    saved = HubSettingsStore(app_paths().home / HUB_SETTINGS_NAME, use_keyring=False).load_endpoint()
    return resolve_endpoint(getattr(args, "endpoint", None), saved=saved)


def token_from() -> str | None:
    """``HF_TOKEN`` > the saved token (keyring or file) > ``huggingface-cli login`` (by the hub client)."""
    return env_token() or hub_settings_store(app_paths()).load().token or None


def run(args: argparse.Namespace) -> int:
    if args.models_command == "source":
        return _source(args)
    # Only a download needs the token: other commands never touch the keyring (no unlock prompt).
    token = token_from() if args.models_command == "download" else None
    store = ModelStore(models_dir_from(args), endpoint=endpoint_from(args), token=token)
    handler = _HANDLERS[args.models_command]
    return handler(store, args)


# --------------------------------------------------------------------------- progress


def _pair(done: int, total: int) -> str:
    """``1.2/4.1 GB``: both numbers in the unit of the total."""
    text = human_bytes(total)
    value, unit = text.split(" ")
    scale = {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12}[unit]
    return f"{done / scale:.0f}/{value} {unit}" if unit == "B" else f"{done / scale:.1f}/{value} {unit}"


def format_progress(p: DownloadProgress) -> str:
    pct = f"{p.fraction * 100:.0f}%"
    if p.phase == "download":
        rate = f"{human_bytes(p.speed_bps)}/s  ETA {clock(p.eta_s)}"
    else:
        rate = {"verify": "checking", "link": "from HF cache", "done": "done"}.get(p.phase, p.phase)
    name = p.file or "-"
    return f"{p.model_id}  {name}  {_pair(p.done, p.total)}  {pct}  {rate}"


class ProgressPrinter:
    """Redraws one line on a terminal; elsewhere prints a line at most every ``every_s`` seconds."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None, every_s: float = 5.0) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.every_s = every_s if not self.tty else 0.2
        self._last = float("-inf")
        self._width = 0

    def __call__(self, p: DownloadProgress) -> None:
        now = time.monotonic()
        if p.phase != "done" and now - self._last < self.every_s:
            return
        self._last = now
        line = format_progress(p)
        if self.tty:
            pad = max(0, self._width - len(line))
            self._width = len(line)
            self.stream.write("\r" + line + " " * pad + ("\n" if p.phase == "done" else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0


# --------------------------------------------------------------------------- commands


def _list(store: ModelStore, args: argparse.Namespace) -> int:
    statuses = store.list()
    running = set(running_downloads(store.models_dir))
    if args.json:
        out = {
            "models_dir": str(store.models_dir),
            "endpoint": endpoint_from(args),
            "models": [{**s.to_json_dict(), "vram_gb": listed_vram_gb(s.entry.tier, s.entry.vram_gb),
                        "vram_by_plan_gb": vram_by_plan_gb(s.entry.tier),
                        "downloading": s.id in running,
                        "licence_accepted": is_accepted(store.models_dir, s.entry)} for s in statuses],
        }
        print(json.dumps(out, indent=2))
        return 0
    rows = [("ID", "STATE", "DOWNLOAD", "ON DISK", "VRAM", "LICENCE")]
    for s in statuses:
        e = s.entry
        state = s.state.value + (" (downloading)" if s.id in running else "")
        size = human_bytes(e.download_bytes) if e.download_bytes else "?"
        vram_gb = listed_vram_gb(e.tier, e.vram_gb)
        vram = f"{vram_gb:g} GB" if vram_gb else "-"
        lic = ", ".join(lic.name + (" *" if lic.accept_required else "") for lic in e.licences) or "-"
        rows.append((s.id, state, size, human_bytes(s.size_on_disk) if s.size_on_disk else "-", vram, lic))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    print(f"\n* licence must be accepted before download.  Model folder: {store.models_dir}")
    return 0


def _download(store: ModelStore, args: argparse.Namespace) -> int:
    entry = store.entry(args.id)
    require_online()
    accept = bool(args.accept_licence)
    if entry.licences_to_accept and not accept and not is_accepted(store.models_dir, entry):
        for lic in entry.licences_to_accept:
            print(f"{entry.id} is distributed under the {lic.name}: {lic.url}", file=sys.stderr)
        if sys.stdin is not None and sys.stdin.isatty():
            answer = input("Do you accept this licence? [y/N] ").strip().lower()
            accept = answer in ("y", "yes")
    token = CancelToken()
    printer = ProgressPrinter(sys.stderr)
    outcome: dict[str, Any] = {}

    finished = threading.Event()

    def work() -> None:
        try:
            outcome["manifest"] = store.download(entry.id, accept_licence=accept, on_progress=printer, cancel=token)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread as is
            outcome["error"] = exc
        finally:
            finished.set()

    # The download runs on a worker so that Ctrl-C (delivered to the main thread) becomes a
    # clean cancel. Wait on an Event, not Thread.join: a join interrupted by KeyboardInterrupt
    # can report the thread finished while it still runs (CPython gh-90882).
    threading.Thread(target=work, name=f"download-{entry.id}", daemon=True).start()
    try:
        while not finished.wait(0.2):
            pass
    except KeyboardInterrupt:
        token.cancel("cancelled by Ctrl-C")
        while not finished.wait(0.2):
            pass
    printer.end()
    error = outcome.get("error")
    if isinstance(error, CancelledError):
        print(f"{entry.id}: {error.message}; what was received is kept: run "
              f"`vidgen-desktop models download {entry.id}` to resume", file=sys.stderr)
        return 130
    if error is not None:
        raise error
    manifest = outcome["manifest"]
    print(f"installed {entry.id}: {len(manifest.files)} files, {human_bytes(manifest.total_size)} "
          f"in {store.local_path(entry.id)}")
    return 0


def _cancel(store: ModelStore, args: argparse.Namespace) -> int:
    if args.id:
        store.entry(args.id)  # unknown id -> error
    ids = request_cancel(store.models_dir, args.id)
    if not ids:
        print("no download is running" + (f" for {args.id}" if args.id else ""), file=sys.stderr)
        return 0
    deadline = time.monotonic() + CANCEL_WAIT_S
    while time.monotonic() < deadline and set(ids) & set(running_downloads(store.models_dir)):
        time.sleep(0.1)
    still = set(ids) & set(running_downloads(store.models_dir))
    for i in ids:
        print(f"{i}: {'cancel requested, still stopping' if i in still else 'cancelled'}")
    return 0


def _remove(store: ModelStore, args: argparse.Namespace) -> int:
    freed = store.remove(args.id)
    print(f"removed {args.id}: {human_bytes(freed)} freed")
    return 0


def _verify(store: ModelStore, args: argparse.Namespace) -> int:
    printer = ProgressPrinter(sys.stderr)
    manifest = store.verify(args.id, on_progress=printer)
    printer.end()
    print(f"{args.id}: {len(manifest.files)} files verified ({human_bytes(manifest.total_size)})")
    return 0


def _import(store: ModelStore, args: argparse.Namespace) -> int:
    printer = ProgressPrinter(sys.stderr)
    manifest = store.import_folder(args.id, args.folder, copy=args.copy, on_progress=printer)
    printer.end()
    print(f"imported {args.id} from {args.folder}: {len(manifest.files)} files, "
          f"{human_bytes(manifest.total_size)} in {store.local_path(args.id)}")
    return 0


def _add(store: ModelStore, args: argparse.Namespace) -> int:
    entry = store.add_entry(args.id, args.repo, revision=args.revision, kind=args.kind, name=args.name)
    print(f"added {entry.id} ({entry.kind}, {args.repo}@{args.revision}); "
          f"download it with `vidgen-desktop models download {entry.id}`")
    return 0


def _path(store: ModelStore, args: argparse.Namespace) -> int:
    if args.id:
        status = store.status(args.id)
        print(store.local_path(args.id))
        if status.state is not ModelState.INSTALLED:
            print(f"note: {args.id} is {status.state.value}", file=sys.stderr)
    else:
        print(store.models_dir)
    return 0


def _source(args: argparse.Namespace) -> int:
    """Show (and with options, save) the download source, saying where each value comes from."""
    store = hub_settings_store(app_paths())
    saved = store.load()
    if args.set_endpoint is not None or args.set_token or args.clear_token:
        endpoint = saved.endpoint if args.set_endpoint is None else args.set_endpoint.strip().rstrip("/")
        if endpoint and not endpoint.startswith(("http://", "https://")):
            raise UsageError(f"{endpoint}: the endpoint must be an http:// or https:// URL")
        token = "" if args.clear_token else (_read_token() if args.set_token else saved.token)
        saved = HubSettings(endpoint=endpoint, token=token)
        store.save(saved)
        print(f"saved to {store.path}")
    flag = getattr(args, "endpoint", None)
    origin = ("--endpoint" if flag else "HF_ENDPOINT" if os.environ.get("HF_ENDPOINT")
              else "saved" if saved.endpoint else "default")
    print(f"endpoint: {resolve_endpoint(flag, saved=saved.endpoint)} ({origin})")
    if env_token():
        token_text = "set (HF_TOKEN)"
    elif saved.token:
        token_text = f"set (saved in {store.token_location})"
    elif login_token():
        token_text = "set (huggingface-cli login)"
    else:
        token_text = "none (gated models need one)"
    print(f"token: {token_text}")
    print(store.storage_note)
    if is_offline():
        print("offline mode: on (HF_HUB_OFFLINE=1): downloads are disabled")
    return 0


def _read_token() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        text = getpass.getpass("Hugging Face access token: ")
    else:
        text = sys.stdin.readline() if sys.stdin is not None else ""
    if not text.strip():
        raise UsageError("no token given (use --clear-token to forget the saved one)")
    return text.strip()


_HANDLERS = {
    "list": _list,
    "download": _download,
    "cancel": _cancel,
    "remove": _remove,
    "verify": _verify,
    "import": _import,
    "add": _add,
    "path": _path,
}
