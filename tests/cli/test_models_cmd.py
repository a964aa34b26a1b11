"""``models`` sub-commands against the loopback fake hub, through their own parser.

``_cli`` mirrors ``main``'s contract (VidGenError -> ``error: <message>`` and exit 1) so these
tests do not depend on main.py; cross-process cases run the same parser in a subprocess.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from tests.helpers.fake_hub import SVD_SELECTED, FakeHub, svd_repo_files
from tests.helpers.keyrings import MemoryKeyring
from vidgen_desktop.cli import models_cmd
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.core.hub_settings import HubSettings, HubSettingsStore
from vidgen_desktop.engine.models import diskspace
from vidgen_desktop.engine.models.transfer import part_path

SVD_REPO = "stabilityai/stable-video-diffusion-img2vid"
UNET = "unet/diffusion_pytorch_model.fp16.safetensors"
REPO_ROOT = Path(__file__).resolve().parents[2]
_PROXY_VARS = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
               "NO_PROXY")

_SCRIPT = textwrap.dedent("""
    import argparse, sys
    from vidgen_desktop.cli import models_cmd
    from vidgen_desktop.core.errors import VidGenError
    p = argparse.ArgumentParser(prog="vidgen-desktop")
    models_cmd.register(p.add_subparsers(dest="command"))
    a = p.parse_args(sys.argv[1:])
    try:
        sys.exit(a.func(a))
    except VidGenError as e:
        print("error:", e.message, file=sys.stderr)
        sys.exit(1)
""")


@pytest.fixture()
def hub() -> Iterator[FakeHub]:
    with FakeHub() as h:
        h.add_repo(SVD_REPO, svd_repo_files())
        yield h


@pytest.fixture(autouse=True)
def _no_system_keyring() -> Iterator[None]:
    """The machine's real keychain is never read or written; a test may install its own backend."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture()
def home(tmp_path: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in (*_PROXY_VARS, "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_CACHE", "VIDGEN_MODELS_DIR",
                "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VIDGEN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    return tmp_path / "home"


def _cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="vidgen-desktop")
    models_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["models", *argv])
    try:
        return int(args.func(args))
    except VidGenError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1


def _spawn(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _SCRIPT, "models", *argv], cwd=REPO_ROOT, env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(cond: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 1, err
    return lines[0]


def test_list_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("list", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["models_dir"] == str(home / "models")
    models = {m["id"]: m for m in data["models"]}
    assert set(models) >= {"svd", "svd-xt", "animatediff", "xtts-v2", "bark-small", "bark"}
    svd = models["svd"]
    assert svd["state"] == "not-installed" and svd["repo"] == SVD_REPO and svd["vram_gb"] == 6.0  # from the memory plan
    assert svd["licences"][0]["accept_required"] is True and svd["licence_accepted"] is False
    assert not (home / "models").exists()


def test_list_table(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("list") == 0
    out = capsys.readouterr().out
    assert re.search(r"^svd\s+not-installed\s+4\.5 GB\s+-\s+6 GB\s+Stable Video", out, re.MULTILINE)


def test_download_prints_progress_then_installs(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("download", "svd", "--accept-licence") == 0
    cap = capsys.readouterr()
    assert re.search(r"^svd  \S+  [\d.]+/[\d.]+ MB  \d+%", cap.err, re.MULTILINE), cap.err
    assert "installed svd: 9 files, 4.1 MB in " + str(home / "models" / "svd") in cap.out
    assert hub.served_files() == set(SVD_SELECTED)

    assert _cli("list", "--json") == 0
    models = {m["id"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert models["svd"]["state"] == "installed" and models["svd"]["size_on_disk"] > 4_000_000

    assert _cli("verify", "svd") == 0
    assert "svd: 9 files verified (4.1 MB)" in capsys.readouterr().out
    assert _cli("path", "svd") == 0
    assert capsys.readouterr().out.strip() == str(home / "models" / "svd")
    assert _cli("remove", "svd") == 0
    assert re.search(r"removed svd: 4\.1 MB freed", capsys.readouterr().out)


def test_path(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("path") == 0
    assert capsys.readouterr().out.strip() == str(home / "models")
    assert _cli("--models-dir", str(home / "elsewhere"), "path") == 0
    assert capsys.readouterr().out.strip() == str(home / "elsewhere")


@pytest.mark.parametrize(("argv", "message"), [
    (("download", "nope"), "error: unknown model 'nope' (known: "),
    (("download", "svd"), "error: svd: its licence must be accepted before downloading (Stable Video Diffusion"),
    (("download", "ltx-video"), "error: ltx-video: its licence must be accepted before downloading (LTXV Open Weights"),
    (("remove", "svd"), "error: svd is not installed: nothing to remove"),
    (("verify", "svd"), "error: svd is not installed"),
    (("add", "x", "--repo", "bad"), "error: repo 'bad' is not of the form OWNER/NAME"),
])
def test_usage_errors_are_one_line_and_exit_1(home: Path, capsys: pytest.CaptureFixture[str],
                                             argv: tuple[str, ...], message: str) -> None:
    assert _cli(*argv) == 1
    assert _error_line(capsys.readouterr().err).startswith(message)


def test_offline_endpoint(home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert _cli("download", "bark") == 1
    assert _error_line(capsys.readouterr().err).startswith(f"error: cannot reach http://127.0.0.1:{port}: ")


def test_gated_repo_needs_a_token(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    hub.add_repo(SVD_REPO, svd_repo_files(), gated=True, token="t0k")
    assert _cli("download", "svd", "--accept-licence") == 1
    assert "access denied (HTTP 401)" in _error_line(capsys.readouterr().err)
    monkeypatch.setenv("HF_TOKEN", "t0k")
    assert _cli("download", "svd") == 0  # licence acceptance was remembered


def test_offline_mode_refuses_before_any_request(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert _cli("download", "svd", "--accept-licence") == 1
    err = capsys.readouterr().err
    assert _error_line(err) == "error: Offline mode (HF_HUB_OFFLINE=1) is on: downloads are disabled"
    assert "is distributed under" not in err  # refused before the licence question
    assert list(hub.requests()) == []
    assert _cli("source") == 0
    assert "offline mode: on (HF_HUB_OFFLINE=1): downloads are disabled" in capsys.readouterr().out


def test_the_cli_uses_the_mirror_and_token_the_window_saved(home: Path, hub: FakeHub,
                                                            capsys: pytest.CaptureFixture[str],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved settings < HF_ENDPOINT / HF_TOKEN < --endpoint."""
    hub.add_repo(SVD_REPO, svd_repo_files(), gated=True, token="t0k")
    monkeypatch.delenv("HF_ENDPOINT")
    HubSettingsStore(home / "hub.json").save(HubSettings(endpoint=hub.url, token="t0k"))  # the window's dialog
    assert _cli("download", "svd", "--accept-licence") == 0, capsys.readouterr().err
    assert {r.headers.get("Authorization") for r in hub.requests() if "/api/" in r.path} == {"Bearer t0k"}
    assert _cli("remove", "svd") == 0

    dead = "http://127.0.0.1:9"
    monkeypatch.setenv("HF_ENDPOINT", dead)  # the environment beats the saved mirror
    assert _cli("download", "svd") == 1
    assert _error_line(capsys.readouterr().err).startswith(f"error: cannot reach {dead}")
    monkeypatch.setenv("HF_TOKEN", "wrong")  # ... and the saved token
    assert _cli("--endpoint", hub.url, "download", "svd") == 1  # the flag beats the environment
    assert "access denied (HTTP 403)" in _error_line(capsys.readouterr().err)
    monkeypatch.delenv("HF_TOKEN")
    assert _cli("--endpoint", hub.url, "download", "svd") == 0


def test_source_saves_and_says_where_the_token_is_kept(home: Path, hub: FakeHub,
                                                      capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_ENDPOINT")
    monkeypatch.setattr("sys.stdin", io.StringIO("hf_from_stdin\n"))
    assert _cli("source", "--set-endpoint", "https://mirror.example/", "--set-token") == 0
    out = capsys.readouterr().out
    hub_json = home / "hub.json"
    assert f"saved to {hub_json}" in out and "endpoint: https://mirror.example (saved)" in out
    assert f"token: set (saved in {hub_json})" in out
    assert f"No system keyring is available, so the token is stored in {hub_json}" in out
    assert json.loads(hub_json.read_text()) == {"endpoint": "https://mirror.example", "token": "hf_from_stdin"}

    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    monkeypatch.setattr("sys.stdin", io.StringIO("hf_in_keychain\n"))
    assert _cli("source", "--set-token") == 0
    out = capsys.readouterr().out
    assert f"token: set (saved in the system keyring ({MemoryKeyring.name}))" in out
    assert "hf_in_keychain" not in hub_json.read_text() and "hf_in_keychain" in ring.secrets.values()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    assert _cli("source") == 0
    out = capsys.readouterr().out
    assert f"endpoint: {hub.url} (HF_ENDPOINT)" in out and "token: set (HF_TOKEN)" in out
    assert _cli("source", "--clear-token") == 0 and ring.secrets == {}
    assert _cli("source", "--set-endpoint", "ftp://nope") == 1


def test_custom_entry_404(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("add", "mine", "--repo", "me/nothing-here", "--kind", "xtts") == 0
    assert "added mine (xtts, me/nothing-here@main)" in capsys.readouterr().out
    assert _cli("download", "mine") == 1
    assert "me/nothing-here@main: not found on the server (HTTP 404" in _error_line(capsys.readouterr().err)


def test_custom_entry_download(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub.add_repo("me/my-svd", svd_repo_files(seed=7))
    assert _cli("add", "my-svd", "--repo", "me/my-svd", "--revision", "main", "--kind", "svd") == 0
    assert _cli("download", "my-svd") == 0
    capsys.readouterr()
    assert _cli("list", "--json") == 0
    models = {m["id"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert models["my-svd"]["state"] == "installed" and models["my-svd"]["builtin"] is False
    assert (home / "models" / "my-svd" / UNET).read_bytes() == hub.repo("me/my-svd").files[UNET].data


def test_disk_full_is_refused(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diskspace, "free_bytes", lambda _p: 1_000_000)
    assert _cli("download", "svd", "--accept-licence") == 1
    line = _error_line(capsys.readouterr().err)
    assert line.startswith(f"error: not enough disk space in {home / 'models'}: svd needs 4.1 MB more")
    assert "1.0 MB free" in line
    assert hub.served() == 0


def test_verification_failure(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub.corrupt(UNET)
    assert _cli("download", "svd", "--accept-licence") == 1
    assert f"error: svd: verification failed: {UNET}: hash " in _error_line(capsys.readouterr().err)


def test_import(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "copy"
    for rel, data in svd_repo_files().items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_bytes(data)
    assert _cli("import", "svd", str(src)) == 0
    assert f"imported svd from {src}: 9 files" in capsys.readouterr().out
    (src / "model_index.json").unlink()
    assert _cli("import", "svd-xt", str(src)) == 1
    assert "lacks files svd-xt needs: model_index.json" in _error_line(capsys.readouterr().err)


def test_cancel_without_download_running(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("cancel") == 0
    assert "no download is running" in capsys.readouterr().err


def test_cancel_from_another_process_then_resume(home: Path, hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    hub.throttle(2_000_000)
    proc = _spawn("download", "svd", "--accept-licence")
    try:
        _wait_for(lambda: hub.served(UNET) > 200_000 or proc.poll() is not None)
        assert _cli("cancel", "svd") == 0
        assert "svd: cancelled" in capsys.readouterr().out
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "svd: cancelled by `models cancel`; what was received is kept" in err
    kept = part_path(home / "models" / "svd", UNET).stat().st_size
    assert kept > 0
    hub.throttle(None)
    time.sleep(0.2)
    hub.reset_stats()
    assert _cli("download", "svd") == 0
    assert hub.served(UNET) == len(hub.repo(SVD_REPO).files[UNET].data) - kept


@pytest.mark.skipif(sys.platform == "win32", reason="platform: SIGINT to a child is POSIX")
def test_ctrl_c_cancels_cleanly(home: Path, hub: FakeHub) -> None:
    hub.throttle(2_000_000)
    proc = _spawn("download", "svd", "--accept-licence")
    try:
        _wait_for(lambda: hub.served(UNET) > 200_000 or proc.poll() is not None)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert "cancelled by Ctrl-C" in err and "Traceback" not in err
    assert part_path(home / "models" / "svd", UNET).stat().st_size > 0
    assert not list((home / "models" / ".locks").glob("*.lock"))
