"""Narration for the window: what voices exist here, "Preview voice", and a narrated render.

Everything here is plain Python (no Qt) and imports the engine lazily, inside the
functions, so the window's start-up never pays for numpy or the voice engines:

* :func:`voice_catalogue` (background pool): the voice engines with whether they can be
  used here and why not, their languages, the system voice's variants;
* :func:`engine_voices` (background pool): the voices of an installed Bark/XTTS model
  (it loads the model, so only on demand);
* :class:`VoicePreviewer` (background pool): the first sentence spoken into a temporary WAV;
* :class:`NarratedRender` (render thread): the engine's narrated render
  (:mod:`vidgen_desktop.engine.narrated_render`, shared with the CLI) around the worker's
  render function, its progress shown as the window's ``"narration"`` stage.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from typing_extensions import Self

    from vidgen_desktop.engine.narrated_render import NarratedAudio

__all__ = [
    "ENGINE_LABELS",
    "ENGINE_ORDER",
    "LANGUAGE_NAMES",
    "NARRATION_AUDIO",
    "STAGE_NARRATION",
    "WORDS_PER_SECOND",
    "Choice",
    "EngineOption",
    "NarratedRender",
    "NarrationSpec",
    "VoiceCatalogue",
    "VoicePreviewer",
    "caption_font_notice",
    "engine_voices",
    "narration_progress",
    "spoken_estimate_s",
    "voice_catalogue",
]

log = logging.getLogger(__name__)

#: The progress stage the window shows while the script is spoken (the engine's own
#: stages -- "prepare", "narrate", "mix" -- travel in ``extra["part"]``).
STAGE_NARRATION = "narration"
#: Stands in for the audio file in a narrated job until the narration exists.
NARRATION_AUDIO = Path("<narration>")
#: Speech rate used for the "about 0:15 spoken" estimate (the system voice speaks ~160 words/min).
WORDS_PER_SECOND = 2.5

ENGINE_ORDER = ("auto", "system", "bark", "xtts")
ENGINE_LABELS = {"auto": "Automatic", "system": "System voice", "bark": "Bark", "xtts": "XTTS-v2"}
#: Names for the languages of Bark and XTTS (the system voice names its own).
LANGUAGE_NAMES = {
    "en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian", "pt": "Portuguese",
    "pl": "Polish", "tr": "Turkish", "ru": "Russian", "nl": "Dutch", "cs": "Czech", "ar": "Arabic",
    "zh-cn": "Chinese (Mandarin)", "zh": "Chinese (Mandarin)", "hu": "Hungarian", "ko": "Korean", "ja": "Japanese",
    "hi": "Hindi",
}


# ---------------------------------------------------------------------------------- choices


@dataclass(frozen=True)
class EngineOption:
    """One entry of the engine picker: usable here or not, and in words why."""

    engine: str
    label: str
    available: bool
    #: Why it can (or cannot) be used; for "auto", which engine it picks and why.
    reason: str
    #: The licence sentence (XTTS-v2: non-commercial only).
    licence: str = ""
    #: For "auto": the engine it resolves to now.
    resolves_to: str = ""
    #: True when a model download (Models tab) would make it usable.
    needs_download: bool = False


@dataclass(frozen=True)
class Choice:
    """A language or a voice: the value the engine takes and what the user reads."""

    value: str
    label: str


@dataclass(frozen=True)
class VoiceCatalogue:
    engines: tuple[EngineOption, ...]
    #: Engine value → its languages (the system voice: its language voices, e.g. "English (Great Britain)").
    languages: dict[str, tuple[Choice, ...]] = field(default_factory=dict)
    #: Engine value → voices known without loading a model (the system voice's variants).
    voices: dict[str, tuple[Choice, ...]] = field(default_factory=dict)

    def engine(self, value: str) -> EngineOption | None:
        return next((e for e in self.engines if e.engine == value), None)

    def effective_engine(self, value: str) -> str:
        """``auto`` → the engine it picks now; others unchanged."""
        opt = self.engine(value)
        return opt.resolves_to if opt is not None and opt.engine == "auto" and opt.resolves_to else value


def _language_choices(engine: str, system_voices: list[Any]) -> tuple[Choice, ...]:
    from vidgen_desktop.engine.tts.base import BARK_LANGUAGES, XTTS_LANGUAGES

    if engine == "xtts":
        codes: tuple[str, ...] = XTTS_LANGUAGES
    elif engine == "bark":
        codes = BARK_LANGUAGES
    else:
        seen: dict[str, str] = {}
        for v in system_voices:
            if v.languages and v.id not in seen:
                seen[v.id] = v.name
        return tuple(sorted((Choice(code, f"{name}") for code, name in seen.items()), key=lambda c: c.label.lower()))
    return tuple(sorted((Choice(c, LANGUAGE_NAMES.get(c, c)) for c in codes), key=lambda c: c.label.lower()))


def voice_catalogue(models_dir: Path) -> VoiceCatalogue:
    """What the engine pickers show. Blocking (runs ``espeak-ng --voices``, reads the model store)."""
    from vidgen_desktop.core.errors import VidGenError
    from vidgen_desktop.engine.models.store import ModelStore
    from vidgen_desktop.engine.tts.base import ENGINE_MODELS, ENGINE_PACKAGES, LICENCE_NOTES, PIP_NAMES, EngineId
    from vidgen_desktop.engine.tts.engines import resolve_choice, tts_packages
    from vidgen_desktop.engine.tts.system import list_system_voices, system_voice_available

    store = ModelStore(models_dir)
    packages = tts_packages()
    engines: list[EngineOption] = []

    system_ok = system_voice_available()
    system_voices: list[Any] = []
    if system_ok:
        try:
            system_voices = list_system_voices()
        except VidGenError as exc:
            log.warning("system voices unavailable: %s", exc)
    system_reason = ("the eSpeak NG voice of this computer: always there, no download" if system_ok
                     else "no system voice found: install eSpeak NG (Linux: sudo apt install espeak-ng)")

    try:
        auto = resolve_choice(EngineId.AUTO, store=store)
        auto_to = auto.engine.value
        why = auto.reason.replace(": using the system voice", "")
        auto_reason = f"uses the {auto.engine.label} now: {why}" if auto.engine is EngineId.SYSTEM \
            else f"uses {auto.engine.label} now: {why}"
    except VidGenError as exc:  # a damaged model store must not hide the system voice
        auto_to, auto_reason = "system", f"uses the System voice now ({exc})"
    engines.append(EngineOption("auto", ENGINE_LABELS["auto"], True, auto_reason,
                                LICENCE_NOTES[EngineId(auto_to)], resolves_to=auto_to))
    engines.append(EngineOption("system", ENGINE_LABELS["system"], system_ok, system_reason,
                                LICENCE_NOTES[EngineId.SYSTEM]))
    for value in ("bark", "xtts"):
        eng = EngineId(value)
        missing = [PIP_NAMES[p] for p in ENGINE_PACKAGES[eng] if p not in packages]
        needs: list[str] = []
        try:
            choice = resolve_choice(eng, store=store)
        except VidGenError:
            needs.append(f"a voice model (download “{ENGINE_MODELS[eng][-1]}” in the Models tab)")
            reason = ""
        else:
            reason = f"model {choice.model_id} is installed"
        if missing:
            needs.append(f"the Python package{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
        ok, needs_download = not needs, bool(needs) and not missing
        if needs:
            reason = "needs " + " and ".join(needs)
        engines.append(EngineOption(value, ENGINE_LABELS[value], ok, reason, LICENCE_NOTES[eng],
                                    needs_download=needs_download))

    languages = {e: _language_choices(e, system_voices) for e in ("system", "bark", "xtts")}
    languages["auto"] = languages.get(auto_to, languages["system"])
    variants = tuple(sorted((Choice(v.id, _variant_label(v.name)) for v in system_voices if not v.languages),
                            key=_variant_order))
    voices = {"system": variants, "auto": variants if auto_to == "system" else ()}
    return VoiceCatalogue(tuple(engines), languages, voices)


def _variant_label(name: str) -> str:
    """"female3" → "Female 3", "female_whisper" → "Female whisper"."""
    text = re.sub(r"^(female|male)(\d+)$", r"\1 \2", name.replace("_", " "))
    return text[:1].upper() + text[1:]


def _variant_order(c: Choice) -> tuple[int, str]:
    """eSpeak's plain female/male variants first, then the character voices."""
    name = c.label.lower()
    return (0 if name.startswith("female") else 1 if name.startswith("male") else 2, name)


def engine_voices(engine: str, models_dir: Path) -> tuple[Choice, ...]:
    """The voices (speakers/presets) of an installed Bark or XTTS model. Loads the model: slow."""
    from vidgen_desktop.engine.models.store import ModelStore
    from vidgen_desktop.engine.tts.engines import list_voices

    return tuple(Choice(v.id, v.name) for v in list_voices(engine, store=ModelStore(models_dir)))


def spoken_estimate_s(script: str) -> float:
    """Roughly how long ``script`` takes to say (words at a calm narration pace)."""
    return len(script.split()) / WORDS_PER_SECOND


def caption_font_notice(spec: NarrationSpec) -> str | None:
    """The engine's notice about burned captions no installed font can draw (imported only when asked)."""
    from vidgen_desktop.engine.narrated_render import caption_font_notice as notice

    return notice(spec)


# ---------------------------------------------------------------------------------- a narrated render


def narration_progress(on_progress: ProgressCallback) -> ProgressCallback:
    """Relay the voice engine's events as one window stage, ``"narration"`` (its own stage in ``extra``)."""

    def relay(ev: ProgressEvent) -> None:
        on_progress(ProgressEvent(STAGE_NARRATION, ev.done, ev.total, ev.elapsed_s, ev.eta_s, ev.message,
                                  extra={**ev.extra, "part": ev.stage}))

    return relay


class NarratedRender:
    """``with NarratedRender(spec, job, on_progress, cancel) as n: result = n.finish(render(n.job, burn=n.burn))``.

    The render thread's handle on the engine's narrated render
    (:class:`~vidgen_desktop.engine.narrated_render.NarratedAudio`, imported only when a
    script is spoken): with ``spec=None`` it changes nothing; otherwise the narration's
    progress shows as the window's ``"narration"`` stage.
    """

    def __init__(self, spec: NarrationSpec | None, job: RenderJob, on_progress: ProgressCallback,
                 cancel: CancelToken) -> None:
        self.spec, self.job, self.on_progress, self.cancel = spec, job, on_progress, cancel
        self.burn: tuple[Any, ...] = ()
        self._narrated: NarratedAudio | None = None

    def __enter__(self) -> Self:
        if self.spec is None:
            return self
        from vidgen_desktop.engine.narrated_render import NarratedAudio

        narrated = NarratedAudio(self.spec, self.job, on_progress=narration_progress(self.on_progress),
                                 cancel=self.cancel).__enter__()
        self._narrated, self.job, self.burn = narrated, narrated.job, narrated.burn
        return self

    def finish(self, result: Any) -> Any:
        """After a successful render: the sidecar captions, and the narration's facts on the result."""
        return result if self._narrated is None else self._narrated.finish(result)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._narrated is not None:
            self._narrated.close()


# ---------------------------------------------------------------------------------- "Preview voice"


class VoicePreviewer:
    """Speaks previews into one private temporary folder; :meth:`close` removes it.

    :meth:`make` blocks (background pool); only the newest preview file is kept.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._n = 0
        self._closed = False

    def make(self, spec: NarrationSpec, cancel: CancelToken | None = None) -> tuple[Path, float, str]:
        """Returns (wav, seconds, voice description)."""
        from vidgen_desktop.core.errors import CancelledError
        from vidgen_desktop.engine.narrated_render import preview_narration

        with self._lock:
            if self._closed:
                raise CancelledError("the window is closing")
            if self._folder is None:
                from vidgen_desktop.engine.debris import owned_temp_dir

                self._folder = owned_temp_dir("voice-preview")
            self._n += 1
            out = self._folder / f"preview-{self._n}.wav"
            old = [p for p in self._folder.glob("preview-*.wav") if p != out]
        for p in old:  # the one still playing may be locked (Windows): it goes with the folder
            try:
                p.unlink(missing_ok=True)
            except OSError:
                pass
        narration = preview_narration(spec, out, cancel=cancel)
        return narration.wav, narration.duration_s, narration.description

    def close(self) -> None:
        """Remove the previews (a preview still being spoken fails into a removed folder: fine at exit)."""
        with self._lock:
            self._closed = True
            folder, self._folder = self._folder, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
