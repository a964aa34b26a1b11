"""Which voice engine to use, and opening it from the model store.

:func:`choose_engine` is pure (hardware, installed models and packages in; a choice
and its reasons out), so the window can show "why" and tests can cover every case.
Policy for ``auto``:

1. XTTS-v2, when installed with its packages and the language is one of its 17, on a
   GPU with 4 GB or on a CPU machine with 8 GB of RAM (it runs near real time there);
2. Bark (full) on a GPU with 6 GB;
3. bark-small on a GPU with 2 GB or with 6 GB of RAM;
4. the system voice, always.

A voice sample asks for cloning, which only XTTS does: without it, ``auto`` falls back
and says so; an explicit other engine is an error. Models come only from the store.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.engine.models.errors import ModelNotInstalledError
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.tts.base import (
    BARK_LANGUAGES,
    ENGINE_MODELS,
    ENGINE_PACKAGES,
    KIND_ENGINES,
    PIP_NAMES,
    XTTS_LANGUAGES,
    EngineId,
    SpeechEngine,
    VoiceInfo,
    VoiceRequest,
    match_language,
)

XTTS_VRAM_MB, XTTS_RAM_MB = 4000, 8000
BARK_VRAM_MB = 6000
BARK_SMALL_VRAM_MB, BARK_SMALL_RAM_MB = 2000, 6000


@dataclass(frozen=True)
class EngineChoice:
    engine: EngineId
    model_id: str | None
    reason: str
    notes: tuple[str, ...] = ()


def tts_packages() -> frozenset[str]:
    """Import names of the voice packages present (``find_spec``: nothing is imported)."""
    found = set()
    for name in ("torch", "transformers", "TTS", "pyttsx3"):
        try:
            if importlib.util.find_spec(name) is not None:
                found.add(name)
        except (ImportError, ValueError):
            continue
    return frozenset(found)


def _gpu_mb(hw: HardwareInfo | None) -> int:
    if hw is None:
        return 0
    usable = [g.vram_total_mb for g in hw.gpus if g.backend == "cuda" and not g.integrated]
    return max(usable, default=0)


def _speaks(engine: EngineId, language: str | None) -> bool:
    if not language:
        return True
    langs = XTTS_LANGUAGES if engine is EngineId.XTTS else BARK_LANGUAGES
    try:
        match_language(engine, language, langs)
        return True
    except UsageError:
        return False


def _engine_models(engine: EngineId, installed: Mapping[str, str]) -> list[str]:
    """Installed ids usable by ``engine``: catalogue ones first (in preference order), then the user's own."""
    known = [m for m in ENGINE_MODELS[engine] if m in installed]
    own = sorted(m for m, kind in installed.items() if KIND_ENGINES.get(kind) is engine and m not in known)
    return known + own


def choose_engine(requested: str | EngineId = EngineId.AUTO, *, installed: Mapping[str, str],
                  packages: frozenset[str], hardware: HardwareInfo | None = None, language: str | None = None,
                  voice_sample: bool = False, model_id: str | None = None) -> EngineChoice:
    """Pick the engine and model. ``installed`` maps installed model ids to their catalogue kind."""
    req = EngineId.parse(requested)
    if model_id is not None:
        kind = installed.get(model_id)
        if kind is None:
            raise ModelNotInstalledError(f"{model_id} is not installed",
                                         hint=f"download it: vidgen-desktop models download {model_id}")
        eng = KIND_ENGINES.get(kind)
        if eng is None:
            raise UsageError(f"{model_id} is not a voice model (it is a {kind} model)")
        if req not in (EngineId.AUTO, eng):
            raise UsageError(f"{model_id} is a {eng.label} model, not {req.label}")
        req = eng
    if voice_sample and req not in (EngineId.AUTO, EngineId.XTTS):
        raise UsageError(f"a voice sample needs --engine xtts (voice cloning); {req.label} cannot use it")

    gpu, ram = _gpu_mb(hardware), hardware.ram_total_mb if hardware else 0

    def has_packages(engine: EngineId) -> bool:
        return all(p in packages for p in ENGINE_PACKAGES[engine])

    if req is EngineId.SYSTEM:
        return EngineChoice(EngineId.SYSTEM, None, "asked for the system voice")
    if req in (EngineId.XTTS, EngineId.BARK):
        ids = [model_id] if model_id else _engine_models(req, installed)
        if not ids:
            first = ENGINE_MODELS[req][-1]
            raise ModelNotInstalledError(f"the {req.label} voice needs a model, and none is installed",
                                         hint=f"download one: vidgen-desktop models download {first}")
        chosen = ids[0]
        if req is EngineId.BARK and model_id is None and chosen == "bark" and gpu < BARK_VRAM_MB \
                and "bark-small" in ids:
            chosen = "bark-small"
        return EngineChoice(req, chosen, f"asked for {req.label}")

    # auto
    notes: list[str] = []
    xtts_ids = _engine_models(EngineId.XTTS, installed)
    bark_ids = _engine_models(EngineId.BARK, installed)
    if xtts_ids and has_packages(EngineId.XTTS) and _speaks(EngineId.XTTS, language):
        if gpu >= XTTS_VRAM_MB or ram >= XTTS_RAM_MB or voice_sample:
            where = f"GPU with {gpu // 1024} GB" if gpu >= XTTS_VRAM_MB else f"{ram // 1024} GB of RAM"
            return EngineChoice(EngineId.XTTS, xtts_ids[0], f"XTTS-v2 is installed and fits ({where})")
        notes.append("XTTS-v2 is installed but this machine has too little memory for it")
    elif xtts_ids and not has_packages(EngineId.XTTS):
        missing = [PIP_NAMES[p] for p in ENGINE_PACKAGES[EngineId.XTTS] if p not in packages]
        notes.append(f"XTTS-v2 is installed but needs {', '.join(missing)}")
    elif xtts_ids:
        notes.append(f"XTTS-v2 does not speak {language!r}")
    if voice_sample:
        notes.append("the voice sample is not used: voice cloning needs XTTS-v2 "
                     "(vidgen-desktop models download xtts-v2)")
    if bark_ids and has_packages(EngineId.BARK) and _speaks(EngineId.BARK, language):
        if "bark" in bark_ids and gpu >= BARK_VRAM_MB:
            return EngineChoice(EngineId.BARK, "bark", f"Bark is installed and the GPU has {gpu // 1024} GB",
                                tuple(notes))
        small = [m for m in bark_ids if m != "bark"]
        if small and (gpu >= BARK_SMALL_VRAM_MB or ram >= BARK_SMALL_RAM_MB):
            return EngineChoice(EngineId.BARK, small[0], f"{small[0]} is installed and fits", tuple(notes))
        notes.append("Bark is installed but this machine is too small for it")
    elif bark_ids and not has_packages(EngineId.BARK):
        missing = [PIP_NAMES[p] for p in ENGINE_PACKAGES[EngineId.BARK] if p not in packages]
        notes.append(f"Bark is installed but needs {', '.join(missing)}")
    reason = "no voice model is installed" if not (xtts_ids or bark_ids) else "no installed voice model fits"
    return EngineChoice(EngineId.SYSTEM, None, f"{reason}: using the system voice", tuple(notes))


def installed_voice_models(store: ModelStore) -> dict[str, str]:
    """Installed model id → kind, for the voice kinds only."""
    out: dict[str, str] = {}
    catalogue = store.catalogue()
    for mid in store.installed_ids():
        if mid in catalogue:
            kind = catalogue.get(mid).kind
            if kind in KIND_ENGINES:
                out[mid] = kind
    return out


def default_store() -> ModelStore:
    from vidgen_desktop.core.paths import app_paths

    return ModelStore(app_paths().models)


def resolve_choice(requested: str | EngineId = EngineId.AUTO, request: VoiceRequest | None = None, *,
                   store: ModelStore | None = None, hardware: HardwareInfo | None = None,
                   model_id: str | None = None) -> EngineChoice:
    """:func:`choose_engine` on this machine: the store's installed models, the packages, the hardware
    (probed without importing torch, and only when a voice model is installed)."""
    request = request or VoiceRequest()
    store = store or default_store()
    installed = installed_voice_models(store)
    if hardware is None and installed and EngineId.parse(requested) is EngineId.AUTO:
        from vidgen_desktop.core.hardware import probe_hardware

        hardware = probe_hardware({}, probe_torch=False)
    return choose_engine(requested, installed=installed, packages=tts_packages(), hardware=hardware,
                         language=request.language, voice_sample=request.voice_sample is not None,
                         model_id=model_id)


def open_engine(choice: EngineChoice, request: VoiceRequest | None = None, *,
                store: ModelStore | None = None) -> SpeechEngine:
    """Load the chosen engine. Heavy packages are imported here, not before."""
    request = request or VoiceRequest()
    if choice.engine is EngineId.SYSTEM:
        from vidgen_desktop.engine.tts.system import open_system_engine

        return open_system_engine(VoiceRequest(request.language, request.voice, None, request.seed, request.device))
    store = store or default_store()
    assert choice.model_id is not None
    if choice.model_id not in store.installed_ids():
        raise ModelNotInstalledError(f"{choice.model_id} is not installed (or its download is unfinished)",
                                     hint=f"vidgen-desktop models download {choice.model_id}")
    folder = Path(store.local_path(choice.model_id))
    if choice.engine is EngineId.BARK:
        from vidgen_desktop.engine.tts.bark import BarkEngine

        return BarkEngine(folder, choice.model_id, request)
    from vidgen_desktop.engine.tts.xtts import XttsEngine

    return XttsEngine(folder, choice.model_id, request)


def list_voices(engine: str | EngineId, *, store: ModelStore | None = None) -> list[VoiceInfo]:
    """Voices the user can pick for ``engine`` (Bark/XTTS: loads the installed model to read them)."""
    eng = EngineId.parse(engine)
    if eng in (EngineId.SYSTEM, EngineId.AUTO):
        from vidgen_desktop.engine.tts.system import list_system_voices

        return list_system_voices()
    choice = resolve_choice(eng, store=store)
    with open_engine(choice, store=store) as opened:
        voices = getattr(opened, "voices", None)
        return list(voices()) if callable(voices) else []


def supported_languages(engine: str | EngineId) -> tuple[str, ...]:
    eng = EngineId.parse(engine)
    if eng is EngineId.XTTS:
        return XTTS_LANGUAGES
    if eng is EngineId.BARK:
        return BARK_LANGUAGES
    from vidgen_desktop.engine.tts.system import espeak_binary, espeak_languages

    exe = espeak_binary()
    return espeak_languages(exe) if exe else ()
