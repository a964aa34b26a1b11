"""Where the app keeps its data. ``VIDGEN_HOME`` overrides everything (tests, portable installs)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_HOME = "VIDGEN_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The app's folders. Nothing is created until :meth:`ensure` is called."""

    home: Path

    @property
    def models(self) -> Path:
        return self.home / "models"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.json"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def outputs(self) -> Path:
        return self.home / "outputs"

    @property
    def cache(self) -> Path:
        return self.home / "cache"


def app_paths() -> AppPaths:
    """The data folder: ``$VIDGEN_HOME`` or the per-OS user data folder from platformdirs."""
    env = os.environ.get(ENV_HOME)
    if env:
        return AppPaths(Path(env).expanduser().resolve())
    from platformdirs import user_data_path

    return AppPaths(user_data_path("VidGen", appauthor=False, roaming=False))


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, or inside a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
