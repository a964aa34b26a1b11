"""Where the hub token is kept: the OS keychain through ``keyring`` when it has a backend, else a 0600 file."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from tests.helpers.keyrings import LockedKeyring, MemoryKeyring
from vidgen_desktop.core.hub_settings import KEYRING_SERVICE, KEYRING_USER, HubSettings, HubSettingsStore


def test_with_a_keychain_the_token_never_touches_the_file(tmp_path: Path,
                                                         set_keyring: Callable[[KeyringBackend], None]) -> None:
    ring = MemoryKeyring()
    set_keyring(ring)
    store = HubSettingsStore(tmp_path / "hub.json")
    assert store.uses_keyring and store.token_location == f"the system keyring ({MemoryKeyring.name})"
    assert "stored in the system keyring" in store.storage_note
    store.save(HubSettings(endpoint="https://mirror.example/", token="hf_secret"))
    assert ring.secrets == {(KEYRING_SERVICE, KEYRING_USER): "hf_secret"}
    assert "hf_secret" not in (tmp_path / "hub.json").read_text()
    assert HubSettingsStore(tmp_path / "hub.json").load() == HubSettings("https://mirror.example/", "hf_secret")
    assert HubSettingsStore(tmp_path / "hub.json").load_endpoint() == "https://mirror.example/"
    store.save(HubSettings(endpoint="https://mirror.example"))
    assert ring.secrets == {} and store.load().token == ""


def test_without_a_keychain_the_token_goes_to_a_private_file_and_says_so(
        tmp_path: Path, set_keyring: Callable[[KeyringBackend], None]) -> None:
    set_keyring(fail.Keyring())  # what a headless machine without Secret Service has
    store = HubSettingsStore(tmp_path / "hub.json")
    assert not store.uses_keyring and store.token_location == str(tmp_path / "hub.json")
    assert store.storage_note == (f"No system keyring is available, so the token is stored in {tmp_path / 'hub.json'} "
                                  "(readable only by you).")
    store.save(HubSettings(endpoint="", token="hf_secret"))
    assert json.loads((tmp_path / "hub.json").read_text()) == {"endpoint": "", "token": "hf_secret"}
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(tmp_path / "hub.json").st_mode) == 0o600
    assert store.load() == HubSettings("", "hf_secret")


def test_a_keychain_that_refuses_falls_back_to_the_file(tmp_path: Path,
                                                        set_keyring: Callable[[KeyringBackend], None]) -> None:
    set_keyring(LockedKeyring())
    store = HubSettingsStore(tmp_path / "hub.json")
    assert store.uses_keyring
    store.save(HubSettings(token="hf_secret"))
    assert not store.uses_keyring and store.token_location == str(tmp_path / "hub.json")
    assert json.loads((tmp_path / "hub.json").read_text())["token"] == "hf_secret"


def test_a_damaged_file_reads_as_defaults(tmp_path: Path) -> None:
    (tmp_path / "hub.json").write_text("{ broken")
    assert HubSettingsStore(tmp_path / "hub.json", use_keyring=False).load() == HubSettings()
    (tmp_path / "hub.json").write_text('["not", "an", "object"]')
    assert HubSettingsStore(tmp_path / "hub.json", use_keyring=False).load() == HubSettings()


def test_effective_endpoint_saved_then_environment_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    assert HubSettings().effective_endpoint == "https://huggingface.co"
    monkeypatch.setenv("HF_ENDPOINT", "https://env-mirror.example/")
    assert HubSettings().effective_endpoint == "https://env-mirror.example"
    assert HubSettings(endpoint="https://mirror.example/").effective_endpoint == "https://mirror.example"
