"""Keyring backends for tests: a keychain in a dict, one that refuses, and a fixture to install one."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordSetError


class MemoryKeyring(KeyringBackend):
    """A keychain that lives in a dict (what a desktop's Secret Service or Keychain does for real)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


class LockedKeyring(MemoryKeyring):
    """A keychain that is there but refuses to store (locked, or the user said no)."""

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError("the keyring is locked")


@pytest.fixture()
def set_keyring() -> Iterator[Callable[[KeyringBackend], None]]:
    """Install a keyring backend for one test; the one found at start is put back afterwards."""
    before = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(before)
