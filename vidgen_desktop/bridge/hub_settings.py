"""Where model downloads come from: the endpoint (a mirror) and the access token the window saved.

Kept in ``<data folder>/hub.json`` beside ``settings.json``; the token goes to the system
keyring when ``keyring`` is installed and has a usable backend, else into that file
(mode 0600), and :attr:`HubSettingsStore.token_location` says which for the window.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vidgen_desktop.core.paths import AppPaths

log = logging.getLogger(__name__)

HUB_SETTINGS_NAME = "hub.json"
KEYRING_SERVICE = "VidGen"
KEYRING_USER = "huggingface-token"


@dataclass(frozen=True)
class HubSettings:
    """Where models are downloaded from. Empty strings mean "the default"."""

    #: A mirror's URL; "" = ``HF_ENDPOINT`` or huggingface.co.
    endpoint: str = ""
    #: A Hugging Face access token for gated models; "" = ``HF_TOKEN`` or the CLI login's token.
    token: str = ""

    @property
    def effective_endpoint(self) -> str:
        from vidgen_desktop.engine.models.hub import resolve_endpoint

        return resolve_endpoint(self.endpoint)


def _keyring() -> Any:
    """The ``keyring`` module when it is installed and has a usable backend, else ``None``."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - not installed, or broken: the settings file is used instead
        return None
    try:
        if isinstance(keyring.get_keyring(), fail.Keyring):
            return None
    except Exception:  # noqa: BLE001 - a keyring that cannot even say its backend is unusable
        return None
    return keyring


class HubSettingsStore:
    """Reads and writes :class:`HubSettings`: ``hub.json`` beside ``settings.json``.

    The token goes to the system keyring when ``keyring`` is installed and works; otherwise
    into the file (mode 0600 on POSIX), and :attr:`token_location` says so for the window.
    """

    def __init__(self, path: Path, *, use_keyring: bool = True) -> None:
        self.path = path
        self._keyring = _keyring() if use_keyring else None

    @property
    def uses_keyring(self) -> bool:
        return self._keyring is not None

    @property
    def token_location(self) -> str:
        if self._keyring is not None:
            return "the system keyring"
        return str(self.path)

    def load(self) -> HubSettings:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        if not isinstance(data, dict):
            data = {}
        raw_endpoint, raw_token = data.get("endpoint"), data.get("token")
        endpoint = raw_endpoint if isinstance(raw_endpoint, str) else ""
        token = raw_token if isinstance(raw_token, str) else ""
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                token = str(self._keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or token)
        return HubSettings(endpoint=endpoint.strip(), token=token.strip())

    def save(self, settings: HubSettings) -> None:
        """Write atomically. Raises ``OSError`` (the caller shows it)."""
        token_in_file = settings.token
        if self._keyring is not None:
            try:
                if settings.token:
                    self._keyring.set_password(KEYRING_SERVICE, KEYRING_USER, settings.token)
                else:
                    with contextlib.suppress(Exception):
                        self._keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
                token_in_file = ""
            except Exception:  # noqa: BLE001 - keyring locked or refused: fall back to the file
                log.warning("keyring refused the token; storing it in %s", self.path)
        payload = {"endpoint": settings.endpoint.strip(), "token": token_in_file.strip()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(payload, fh, indent=2)
                fh.write("\n")
            with contextlib.suppress(OSError):
                os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def hub_settings_store(paths: AppPaths) -> HubSettingsStore:
    return HubSettingsStore(paths.home / HUB_SETTINGS_NAME)
