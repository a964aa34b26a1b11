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

from vidgen_desktop.core.jobs import ASPECTS, RESOLUTION_PRESETS, Fit, Motion, Quality, Sync, Tier, Transition
from vidgen_desktop.core.overlays import MAX_TITLE_CHARS, VISUALIZERS

log = logging.getLogger(__name__)

#: Bump when a field changes meaning; :func:`_migrate` upgrades older files. New fields and
#: sections with defaults (``narration`` and ``ai`` came later in version 1) need no bump:
#: an older file simply lacks them, an older app ignores them.
SETTINGS_VERSION = 1

#: Choices the window offers; "auto" means "the chosen tier's default".
RESOLUTION_CHOICES: tuple[str, ...] = ("auto", *RESOLUTION_PRESETS)
FPS_CHOICES: tuple[str, ...] = ("auto", "15", "24", "25", "30", "60")
ASPECT_CHOICES: tuple[str, ...] = tuple(ASPECTS)
#: How the Ken Burns camera follows the sound, and how strongly it pulses on the beat (``--energy``).
SYNC_CHOICES: tuple[str, ...] = tuple(s.value for s in Sync)
ENERGY_CHOICES: tuple[str, ...] = ("0", "0.25", "0.5", "0.75", "1")
#: Where the video's sound comes from: a sound file, or a typed script spoken by a voice.
SOUND_SOURCES: tuple[str, ...] = ("file", "narration")
#: Voice engines (``vidgen_desktop.engine.tts.EngineId`` values; core cannot import the engine).
VOICE_ENGINE_CHOICES: tuple[str, ...] = ("auto", "system", "bark", "xtts")
#: Captions of a narrated video: a sidecar .srt, burned into the picture, or none.
CAPTION_CHOICES: tuple[str, ...] = ("srt", "burn", "none")
#: AI motion strength and what each clip after the first starts from (``engine.ai.options`` values).
MOTION_STRENGTH_CHOICES: tuple[str, ...] = ("low", "medium", "high")
CHAIN_FROM_CHOICES: tuple[str, ...] = ("last-frame", "source")
#: Denoising steps the window offers; 0 = the model's own default.
MAX_AI_STEPS = 150
MAX_PROMPT_CHARS = 1000


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
    #: Slideshow: how a picture gives way to the next ("crossfade" or "cut").
    transition: str = Transition.CROSSFADE.value
    sync: str = Sync.AUTO.value
    energy: str = "0.5"


@dataclass(frozen=True)
class NarrationSettings:
    """The narration choices (the script itself and its music/voice-sample files are per video)."""

    #: Which tab gives the sound: "file" (a sound file) or "narration" (a typed script).
    source: str = "file"
    engine: str = "auto"
    #: Engine voice id; "" = the engine's default voice.
    voice: str = ""
    #: Language code; "" = the engine's default (English).
    language: str = ""
    captions: str = "srt"


@dataclass(frozen=True)
class AiSettings:
    """The AI tiers' plain-language settings (see ``engine.ai.options.AiOptions``)."""

    motion_strength: str = "medium"
    #: AnimateDiff's motion prompt; "" = its default prompt.
    prompt: str = ""
    #: Denoising steps; 0 = the model's default.
    steps: int = 0
    chain_from: str = "last-frame"


@dataclass(frozen=True)
class OverlaySettings:
    """The audiogram: visualizer none|bars|wave, progress line off|on, title none|auto|text (+ its text)."""

    visualizer: str = "none"
    progress: str = "off"
    title: str = "none"
    title_text: str = ""


@dataclass(frozen=True)
class CaptionSettings:
    """The look of burned captions (``core.caption_look.CaptionLook`` as strings)."""

    style: str = "classic"
    #: Text height in percent of the frame's height; "" = the style's own size.
    size: str = ""
    colour: str = "#ffffff"
    highlight: str = "#ffd600"
    position: str = "bottom"


@dataclass(frozen=True)
class Settings:
    version: int = SETTINGS_VERSION
    last_image_dir: str = ""
    last_audio_dir: str = ""
    output: OutputSettings = field(default_factory=OutputSettings)
    narration: NarrationSettings = field(default_factory=NarrationSettings)
    ai: AiSettings = field(default_factory=AiSettings)
    overlays: OverlaySettings = field(default_factory=OverlaySettings)
    #: ``QMainWindow.saveGeometry()`` / ``saveState()`` as base64 text.
    window_geometry: str = ""
    window_state: str = ""
    captions: CaptionSettings = field(default_factory=CaptionSettings)


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
    "transition": frozenset(t.value for t in Transition),
    "sync": frozenset(SYNC_CHOICES),
    "energy": frozenset(ENERGY_CHOICES),
}


_VALID_NARRATION: dict[str, frozenset[str]] = {
    "source": frozenset(SOUND_SOURCES),
    "engine": frozenset(VOICE_ENGINE_CHOICES),
    "captions": frozenset(CAPTION_CHOICES),
}
_VALID_CAPTIONS: dict[str, frozenset[str]] = {
    "style": frozenset(("classic", "karaoke", "word")),
    "position": frozenset(("bottom", "middle", "top")),
}
_VALID_AI: dict[str, frozenset[str]] = {
    "motion_strength": frozenset(MOTION_STRENGTH_CHOICES),
    "chain_from": frozenset(CHAIN_FROM_CHOICES),
}
_VALID_OVERLAYS: dict[str, frozenset[str]] = {
    "visualizer": frozenset(VISUALIZERS),
    "progress": frozenset(("off", "on")),
    "title": frozenset(("none", "auto", "text")),
}
#: Integer fields and their inclusive ranges.
_INT_RANGES: dict[str, tuple[int, int]] = {"ai.steps": (0, MAX_AI_STEPS)}
#: Free-text fields and their longest accepted value.
_TEXT_LIMITS: dict[str, int] = {"ai.prompt": MAX_PROMPT_CHARS, "narration.voice": 200, "narration.language": 40,
                                "captions.size": 8, "captions.colour": 16, "captions.highlight": 16,
                                "overlays.title_text": MAX_TITLE_CHARS}


def _clean_section(cls: Any, raw: Any, section: str, valid: dict[str, frozenset[str]]) -> tuple[Any, list[str]]:
    """One nested section, field by field: a bad value costs only that value."""
    defaults = cls()
    if not isinstance(raw, dict):
        return defaults, ([] if raw is None else [section])
    values: dict[str, Any] = {}
    dropped: list[str] = []
    for f in fields(cls):
        if f.name not in raw:
            continue
        v = raw[f.name]
        key = f"{section}.{f.name}"
        if isinstance(getattr(defaults, f.name), int):
            lo, hi = _INT_RANGES.get(key, (-(2**31), 2**31 - 1))
            ok = isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi
        else:
            allowed = valid.get(f.name)
            ok = isinstance(v, str) and (allowed is None or v in allowed) and len(v) <= _TEXT_LIMITS.get(key, len(v))
        if ok:
            values[f.name] = v
        else:
            dropped.append(key)
    return replace(defaults, **values), dropped


def _clean_output(raw: Any) -> tuple[OutputSettings, list[str]]:
    out: OutputSettings
    out, dropped = _clean_section(OutputSettings, raw, "output", _VALID)
    return out, dropped


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Upgrade an older file's dict. Version 1 is the first; a file without the ``narration``
    or ``ai`` section gets their defaults. A newer file is read as far as its fields are known."""
    return data


def settings_from_dict(data: Any) -> tuple[Settings, list[str]]:
    """Build settings from parsed JSON; returns the names of fields that had to be reset."""
    if not isinstance(data, dict):
        return Settings(), ["<whole file>"]
    data = _migrate(dict(data))
    output, dropped = _clean_output(data.get("output"))
    narration, bad = _clean_section(NarrationSettings, data.get("narration"), "narration", _VALID_NARRATION)
    dropped += bad
    ai, bad = _clean_section(AiSettings, data.get("ai"), "ai", _VALID_AI)
    dropped += bad
    overlays, bad = _clean_section(OverlaySettings, data.get("overlays"), "overlays", _VALID_OVERLAYS)
    dropped += bad
    captions, bad = _clean_section(CaptionSettings, data.get("captions"), "captions", _VALID_CAPTIONS)
    dropped += bad
    sections = {"output": output, "narration": narration, "ai": ai, "overlays": overlays, "captions": captions}
    values: dict[str, Any] = dict(sections)
    for f in fields(Settings):
        if f.name in sections or f.name == "version" or f.name not in data:
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
