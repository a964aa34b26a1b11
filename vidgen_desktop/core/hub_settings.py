"""Where models come from (a mirror) and the access token: saved by the window, read by the CLI too.

``hub.json`` beside ``settings.json`` holds the endpoint. The token goes to the OS
keychain through ``keyring`` when a usable backend exists (macOS Keychain, Windows
Credential Locker, Secret Service); otherwise into ``hub.json``, written with mode 0600,
and :attr:`HubSettingsStore.token_location` says so, for the window's dialog and for
``vidgen-desktop models source``. Pure Python: ``keyring`` is imported only when a store
is made, and its absence or failure only means the file is used.
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
DEFAULT_ENDPOINT = "https://huggingface.co"


@dataclass(frozen=True)
class HubSettings:
    """Where models are downloaded from. Empty strings mean "the default"."""

    #: A mirror's URL; "" = ``HF_ENDPOINT`` or huggingface.co.
    endpoint: str = ""
    #: A Hugging Face access token for gated models; "" = ``HF_TOKEN`` or the CLI login's token.
    token: str = ""

    @property
    def effective_endpoint(self) -> str:
        """The window's choice: the saved mirror, else ``HF_ENDPOINT``, else huggingface.co."""
        return (self.endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def usable_keyring() -> Any:
    """The ``keyring`` module when it is installed and has a backend that stores secrets, else ``None``."""
    try:
        import keyring
        from keyring.backends import fail, null
    except Exception:  # noqa: BLE001 - not installed, or broken: the settings file is used instead
        return None
    try:
        if isinstance(keyring.get_keyring(), (fail.Keyring, null.Keyring)):
            return None
    except Exception:  # noqa: BLE001 - a keyring that cannot even say its backend is unusable
        return None
    return keyring


class HubSettingsStore:
    """Reads and writes :class:`HubSettings` (see the module docstring for where each part goes)."""

    def __init__(self, path: Path, *, use_keyring: bool = True) -> None:
        self.path = path
        self._keyring = usable_keyring() if use_keyring else None

    @property
    def uses_keyring(self) -> bool:
        return self._keyring is not None

    @property
    def token_location(self) -> str:
        """Where a saved token is kept, in words: the keychain (and which), or the file's path."""
        if self._keyring is not None:
            with contextlib.suppress(Exception):
                return f"the system keyring ({self._keyring.get_keyring().name})"
            return "the system keyring"
        return str(self.path)

    @property
    def storage_note(self) -> str:
        """One sentence for the user about where the token is kept and why."""
        if self._keyring is not None:
            return f"The token is stored in {self.token_location}."
        return (f"No system keyring is available, so the token is stored in {self.path} "
                "(readable only by you).")

    def _read_file(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def load(self) -> HubSettings:
        """The saved settings; defaults when nothing (readable) was saved. Never raises."""
        data = self._read_file()
        raw_endpoint, raw_token = data.get("endpoint"), data.get("token")
        endpoint = raw_endpoint if isinstance(raw_endpoint, str) else ""
        token = raw_token if isinstance(raw_token, str) else ""
        if self._keyring is not None:
            try:
                token = str(self._keyring.get_password(KEYRING_SERVICE, KEYRING_USER) or token)
            except Exception:  # a locked keyring: the file's token (if any) is used
                log.warning("could not read the token from the keyring", exc_info=True)
        return HubSettings(endpoint=endpoint.strip(), token=token.strip())

    def load_endpoint(self) -> str:
        """Only the saved endpoint ("" for the default): no keyring access, so no unlock prompt."""
        raw = self._read_file().get("endpoint")
        return raw.strip() if isinstance(raw, str) else ""

    def save(self, settings: HubSettings) -> None:
        """Write atomically. Raises ``OSError`` (the caller shows it). A keyring that refuses
        the token makes the store fall back to the file (and :attr:`token_location` says so)."""
        token_in_file = settings.token.strip()
        if self._keyring is not None:
            try:
                if token_in_file:
                    self._keyring.set_password(KEYRING_SERVICE, KEYRING_USER, token_in_file)
                else:
                    with contextlib.suppress(Exception):
                        self._keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
                token_in_file = ""
            except Exception:  # keyring locked or refused: fall back to the file
                log.warning("the keyring refused the token; storing it in %s", self.path, exc_info=True)
                self._keyring = None
        payload = {"endpoint": settings.endpoint.strip(), "token": token_in_file}
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
