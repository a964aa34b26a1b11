"""Which engine speaks: hardware, installed models and packages, with the user's override."""

from __future__ import annotations

import pytest

from vidgen_desktop.core.errors import UsageError
from vidgen_desktop.core.hardware import GpuInfo, HardwareInfo
from vidgen_desktop.engine.models.errors import ModelNotInstalledError
from vidgen_desktop.engine.tts import EngineId, choose_engine

ALL = frozenset({"torch", "transformers", "TTS", "pyttsx3"})
CPU_16 = HardwareInfo(ram_total_mb=16_000)
CPU_4 = HardwareInfo(ram_total_mb=4_000)
GPU_8 = HardwareInfo(gpus=(GpuInfo("RTX", "nvidia", "cuda", 8192),), ram_total_mb=16_000)
GPU_3 = HardwareInfo(gpus=(GpuInfo("MX", "nvidia", "cuda", 3072),), ram_total_mb=4_000)
XTTS = {"xtts-v2": "xtts"}
BARKS = {"bark": "bark", "bark-small": "bark"}


def choose(requested: str = "auto", installed: dict[str, str] | None = None, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("packages", ALL)
    kw.setdefault("hardware", CPU_16)
    return choose_engine(requested, installed=installed or {}, **kw)


def test_nothing_installed_means_the_system_voice() -> None:
    c = choose()
    assert c.engine is EngineId.SYSTEM and c.model_id is None and "no voice model" in c.reason


def test_xtts_first_when_it_fits() -> None:
    assert choose(installed={**XTTS, **BARKS}).model_id == "xtts-v2"
    assert choose(installed={**XTTS, **BARKS}, hardware=GPU_8).model_id == "xtts-v2"
    small = choose(installed=XTTS, hardware=CPU_4)
    assert small.engine is EngineId.SYSTEM and "too little memory" in small.notes[0]


def test_bark_follows_the_gpu() -> None:
    assert choose(installed=BARKS, hardware=GPU_8).model_id == "bark"
    assert choose(installed=BARKS, hardware=GPU_3).model_id == "bark-small"
    assert choose(installed=BARKS, hardware=CPU_16).model_id == "bark-small"
    assert choose(installed={"bark": "bark"}, hardware=CPU_16).engine is EngineId.SYSTEM
    # Explicit Bark on a small machine picks the small model when both are there.
    assert choose("bark", installed=BARKS, hardware=CPU_4).model_id == "bark-small"


def test_missing_packages_or_language_skip_an_engine_with_a_note() -> None:
    c = choose(installed={**XTTS, **BARKS}, packages=frozenset({"torch", "transformers"}))
    assert c.model_id == "bark-small" and "coqui-tts" in c.notes[0]
    c = choose(installed={**XTTS, **BARKS}, language="sw")
    assert c.engine is EngineId.SYSTEM and any("does not speak" in n for n in c.notes)
    assert choose(installed=XTTS, language="zh").model_id == "xtts-v2"


def test_voice_sample_wants_xtts() -> None:
    c = choose(installed=BARKS, voice_sample=True)
    assert c.model_id == "bark-small" and any("voice sample is not used" in n for n in c.notes)
    with pytest.raises(UsageError, match="voice sample needs --engine xtts"):
        choose("bark", installed=BARKS, voice_sample=True)


def test_explicit_choices() -> None:
    assert choose("system", installed=XTTS).engine is EngineId.SYSTEM
    with pytest.raises(ModelNotInstalledError, match="needs a model") as err:
        choose("xtts")
    assert "models download xtts-v2" in err.value.hint
    with pytest.raises(ModelNotInstalledError, match="bark-small"):
        choose(model_id="bark-small")
    assert choose(model_id="my-voice", installed={"my-voice": "xtts"}).engine is EngineId.XTTS
    with pytest.raises(UsageError, match="not a voice model"):
        choose(model_id="svd", installed={"svd": "svd"})
    with pytest.raises(UsageError, match="unknown voice engine"):
        choose("espeak")


def test_heavy_packages_are_imported_only_by_their_engine() -> None:
    import subprocess
    import sys

    code = ("import sys, vidgen_desktop.engine.tts, vidgen_desktop.engine.narration, vidgen_desktop.cli.tts_cmd, "
            "vidgen_desktop.engine.captions\n"
            "bad = [m for m in ('torch', 'transformers', 'TTS', 'pyttsx3', 'PySide6') if m in sys.modules]\n"
            "assert not bad, bad")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(("module", "cls", "package"), [("bark", "BarkEngine", "transformers"),
                                                        ("xtts", "XttsEngine", "coqui-tts")])
def test_missing_packages_give_an_install_hint(tmp_path, monkeypatch: pytest.MonkeyPatch, module: str, cls: str,
                                               package: str) -> None:
    import importlib

    from vidgen_desktop.core.errors import MissingDependencyError
    from vidgen_desktop.engine.tts import VoiceRequest

    mod = importlib.import_module(f"vidgen_desktop.engine.tts.{module}")
    real = importlib.import_module

    def fake_import(name: str, *a, **kw):  # type: ignore[no-untyped-def]
        if name.split(".")[0] in ("torch", "transformers", "TTS"):
            raise ImportError(f"No module named {name!r}")
        return real(name, *a, **kw)

    monkeypatch.setattr(mod.importlib, "import_module", fake_import)
    with pytest.raises(MissingDependencyError) as err:
        getattr(mod, cls)(tmp_path, "some-model", VoiceRequest())
    assert "torch==2.13.0" in err.value.hint and package in err.value.hint


def test_models_come_only_from_the_store(tmp_path) -> None:
    from vidgen_desktop.engine.models import ModelStore
    from vidgen_desktop.engine.tts import EngineChoice, open_engine

    with pytest.raises(ModelNotInstalledError, match="xtts-v2 is not installed"):
        open_engine(EngineChoice(EngineId.XTTS, "xtts-v2", "test"), store=ModelStore(tmp_path / "models"))
