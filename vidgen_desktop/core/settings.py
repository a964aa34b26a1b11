"""The window's remembered choices: typed, versioned, stored as JSON, never a reason not to start.

A settings file is user data that outlives app versions and may be damaged (a crash
mid-write on an old version, a hand edit, a sync tool). So reading is forgiving:

* unknown keys are ignored, a missing or wrongly typed value falls back to its default
  one field at a time (a bad ``fps`` does not cost the user their folders);
* a file that is not JSON at all is moved aside to ``settings.json.corrupt-<time>``
  (kept for a bug report) and defaults are used;
* writing goes to a temporary file in the same folder and is renamed over the old one,
  so a crash mid-write leaves the previous settings intact.

Pure Python (no Qt): the bridge turns window geometry into base64 text before it gets here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from vidgen_desktop.core.jobs import ASPECTS, RESOLUTION_PRESETS, Fit, Motion, Quality, Tier

log = logging.getLogger(__name__)

#: Bump when a field changes meaning; :func:`_migrate` upgrades older files.
SETTINGS_VERSION = 1

#: Choices the window offers; "auto" means "the chosen tier's default".
RESOLUTION_CHOICES: tuple[str, ...] = ("auto", *RESOLUTION_PRESETS)
FPS_CHOICES: tuple[str, ...] = ("auto", "15", "24", "25", "30", "60")
ASPECT_CHOICES: tuple[str, ...] = tuple(ASPECTS)


@dataclass(frozen=True)
class OutputSettings:
    """How the next video is made. Strings, so the file stays readable and forward compatible."""

    resolution: str = "auto"
    fps: str = "auto"
    aspect: str = "16:9"
    fit: str = Fit.BLUR.value
    quality: str = Quality.STANDARD.value
    motion: str = Motion.AUTO.value
    tier: str = Tier.AUTO.value
    #: Folder the video is written to; "" = the app's outputs folder.
    folder: str = ""


@dataclass(frozen=True)
class Settings:
    version: int = SETTINGS_VERSION
    last_image_dir: str = ""
    last_audio_dir: str = ""
    output: OutputSettings = field(default_factory=OutputSettings)
    #: ``QMainWindow.saveGeometry()`` / ``saveState()`` as base64 text.
    window_geometry: str = ""
    window_state: str = ""


@dataclass(frozen=True)
class LoadResult:
    settings: Settings
    #: A sentence for the user when the file could not be used as it was, else ``None``.
    problem: str | None = None


_VALID: dict[str, frozenset[str]] = {
    "resolution": frozenset(RESOLUTION_CHOICES),
    "fps": frozenset(FPS_CHOICES),
    "aspect": frozenset(ASPECT_CHOICES),
    "fit": frozenset(f.value for f in Fit),
    "quality": frozenset(q.value for q in Quality),
    "motion": frozenset(m.value for m in Motion),
    "tier": frozenset(t.value for t in Tier),
}


def _clean_output(raw: Any) -> tuple[OutputSettings, list[str]]:
    defaults = OutputSettings()
    if not isinstance(raw, dict):
        return defaults, ([] if raw is None else ["output"])
    values: dict[str, str] = {}
    dropped: list[str] = []
    for f in fields(OutputSettings):
        if f.name not in raw:
            continue
        v = raw[f.name]
        allowed = _VALID.get(f.name)
        if isinstance(v, str) and (allowed is None or v in allowed):
            values[f.name] = v
        else:
            dropped.append(f"output.{f.name}")
    return replace(defaults, **values), dropped


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade an older file's dict in place. Version 1 is the first; nothing to do yet."""
    return data


def settings_from_dict(data: Any) -> tuple[Settings, list[str]]:
    """Build settings from parsed JSON; returns the names of fields that had to be reset."""
    if not isinstance(data, dict):
        return Settings(), ["<whole file>"]
    data = _migrate(dict(data))
    output, dropped = _clean_output(data.get("output"))
    values: dict[str, Any] = {"output": output}
    for f in fields(Settings):
        if f.name in ("output", "version") or f.name not in data:
            continue
        v = data[f.name]
        if isinstance(v, str):
            values[f.name] = v
        else:
            dropped.append(f.name)
    return Settings(**values), dropped


def load_settings(path: Path) -> LoadResult:
    """Read settings; never raises. A missing file is the normal first start."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadResult(Settings())
    except (OSError, UnicodeDecodeError) as exc:
        backup = _move_aside(path)
        return LoadResult(Settings(), _unreadable_message(path, backup, str(exc)))
    try:
        data = json.loads(text)
    except ValueError as exc:
        backup = _move_aside(path)
        return LoadResult(Settings(), _unreadable_message(path, backup, f"not valid JSON: {exc}"))
    settings, dropped = settings_from_dict(data)
    if dropped == ["<whole file>"]:
        backup = _move_aside(path)
        return LoadResult(settings, _unreadable_message(path, backup, "not a settings object"))
    if dropped:
        log.warning("settings %s: reset invalid values %s", path, ", ".join(dropped))
    return LoadResult(settings)


def _unreadable_message(path: Path, backup: Path | None, why: str) -> str:
    log.warning("settings file %s unusable (%s); backup: %s", path, why, backup)
    kept = f" It was kept as {backup.name}." if backup else ""
    return f"Your settings file could not be read ({why}), so defaults are used.{kept}"


def _move_aside(path: Path) -> Path | None:
    backup = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    try:
        os.replace(path, backup)
    except OSError:
        return None
    return backup


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically (temp file + rename). Raises ``OSError``; the caller logs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(asdict(replace(settings, version=SETTINGS_VERSION)), indent=2, sort_keys=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
