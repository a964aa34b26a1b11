"""The system voice: no download, always there (the TTS equivalent of Ken Burns).

Linux (and anywhere the binary is found): the ``espeak-ng`` program, run directly
(about 0.1 s a sentence, exact WAV output, no Python package needed). Elsewhere:
``pyttsx3``, which drives SAPI5 on Windows and NSSpeechSynthesizer on macOS.
``VIDGEN_ESPEAK`` names another espeak-ng binary; ``VIDGEN_SYSTEM_TTS=pyttsx3`` forces pyttsx3.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from vidgen_desktop.core.errors import MissingDependencyError, RenderError, UsageError
from vidgen_desktop.engine.ffmpeg import detached_process_kwargs
from vidgen_desktop.engine.tts.audio import as_mono_float, decode_audio
from vidgen_desktop.engine.tts.base import EngineId, Speech, SpeechEngine, VoiceInfo, VoiceRequest, match_language

ENV_ESPEAK = "VIDGEN_ESPEAK"
ENV_BACKEND = "VIDGEN_SYSTEM_TTS"
#: Words per minute: espeak's default 175 is a little fast for narration.
ESPEAK_RATE = 160
#: Common codes espeak-ng spells differently.
_ESPEAK_ALIASES = {"en": "en-us", "zh": "cmn", "zh-cn": "cmn", "zh-hans": "cmn", "zh-tw": "cmn", "zh-hant": "cmn",
                   "no": "nb", "iw": "he", "in": "id", "pt-pt": "pt"}
#: pyttsx3 decodes to this rate (its engines write AIFF/WAV at various rates).
PYTTSX3_RATE = 24000


def system_voice_missing() -> MissingDependencyError:
    err = MissingDependencyError("The system voice", ["espeak-ng"], "tts")
    err.hint = ("install eSpeak NG (Debian/Ubuntu: sudo apt install espeak-ng; Fedora: sudo dnf install espeak-ng) "
                "or the pyttsx3 package: pip install pyttsx3")
    return err


def espeak_binary() -> str | None:
    override = os.environ.get(ENV_ESPEAK)
    if override:
        return override if Path(override).is_file() or shutil.which(override) else None
    return shutil.which("espeak-ng") or shutil.which("espeak")


def _run_espeak(args: list[str], *, text: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, input=text.encode("utf-8") if text is not None else None, capture_output=True,
                              timeout=timeout, check=False, **detached_process_kwargs())
    except OSError as exc:
        raise RenderError(f"could not run {args[0]} ({exc})") from None


@lru_cache(maxsize=4)
def _espeak_table(exe: str, which: str) -> tuple[tuple[str, str, str], ...]:
    """Rows (language, name, file) of ``espeak-ng --voices[=variant]``."""
    proc = _run_espeak([exe, f"--voices={which}" if which else "--voices"], timeout=30)
    rows = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 5:
            rows.append((parts[1], parts[3], parts[4]))
    return tuple(rows)


def espeak_languages(exe: str) -> tuple[str, ...]:
    """Language codes espeak-ng accepts for ``-v``: its language column and its voice files' names."""
    langs = {lang for lang, _n, _f in _espeak_table(exe, "")}
    langs |= {f.rsplit("/", 1)[-1] for _l, _n, f in _espeak_table(exe, "")}
    return tuple(sorted(langs))


def espeak_variants(exe: str) -> dict[str, str]:
    """Variant name (lower case) → espeak ``+variant`` id; both "female3" and "f3" work."""
    out: dict[str, str] = {}
    for _lang, name, file in _espeak_table(exe, "variant"):
        vid = file.split("/", 1)[-1]
        out[name.lower()] = vid
        out[vid.lower()] = vid
    return out


def _wav_to_float(path: Path) -> tuple[np.ndarray[Any, np.dtype[np.float32]], int]:
    with wave.open(str(path), "rb") as w:
        rate, width, channels = w.getframerate(), w.getsampwidth(), w.getnchannels()
        raw = w.readframes(w.getnframes())
    if width != 2:
        raise RenderError(f"unexpected WAV sample width {width} from the system voice")
    data = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).T if channels > 1 else np.frombuffer(raw, "<i2")
    return as_mono_float(data), rate


class EspeakEngine(SpeechEngine):
    """eSpeak NG through its command-line program."""

    engine_id = EngineId.SYSTEM

    def __init__(self, exe: str, request: VoiceRequest) -> None:
        self.exe = exe
        languages = espeak_languages(exe)
        if not languages:
            raise RenderError(f"{exe} lists no voices: is its data installed? (try: {exe} --voices)")
        want = (request.language or "en").strip().lower().replace("_", "-")
        if _ESPEAK_ALIASES.get(want) in languages:
            want = _ESPEAK_ALIASES[want]
        self.language = match_language(self.engine_id, want, languages)
        self.voice_spec = self.language
        if request.voice:
            self.voice_spec = self._voice_spec(request.voice, languages)
        self.rate = ESPEAK_RATE
        self.description = f"eSpeak NG, voice {self.voice_spec}"

    def _voice_spec(self, voice: str, languages: tuple[str, ...]) -> str:
        variants = espeak_variants(self.exe)
        v = voice.strip()
        lang, _, variant = v.partition("+")
        if variant:  # "en-us+f3"
            base = match_language(self.engine_id, lang, languages)
            if variant.lower() not in variants:
                raise UsageError(f"unknown system voice variant {variant!r} (try one of: "
                                 f"{', '.join(sorted(set(variants.values()))[:20])} ...)")
            self.language = base
            return f"{base}+{variants[variant.lower()]}"
        if v.lower() in variants:  # "female3"
            return f"{self.language}+{variants[v.lower()]}"
        if v.lower() in {x.lower() for x in languages}:  # "en-gb"
            self.language = match_language(self.engine_id, v, languages)
            return self.language
        raise UsageError(f"unknown system voice {voice!r}: give a variant (e.g. f3, m2, klatt) or a language "
                         f"voice (e.g. en-gb, en-us+f3); list them with `vidgen-desktop tts --list-voices`")

    def max_chunk_chars(self) -> int:
        return 400

    def synthesize(self, text: str) -> Speech:
        with tempfile.TemporaryDirectory(prefix="vidgen-espeak-") as d:
            out = Path(d) / "s.wav"
            proc = _run_espeak([self.exe, "-b", "1", "-v", self.voice_spec, "-s", str(self.rate), "-w", str(out),
                                "--stdin"], text=text)
            if proc.returncode != 0 or not out.is_file():
                err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
                raise RenderError(f"the system voice failed: {err[-1] if err else 'espeak-ng exited with an error'}")
            samples, rate = _wav_to_float(out)
        return Speech(samples, rate)


def list_espeak_voices(exe: str) -> list[VoiceInfo]:
    rows = _espeak_table(exe, "")
    voices = [VoiceInfo(lang, name.replace("_", " "), (lang,)) for lang, name, _f in rows]
    voices += [VoiceInfo(vid, name, ()) for name, vid in sorted({(n, f.split('/', 1)[-1])
                                                                  for _l, n, f in _espeak_table(exe, "variant")})]
    return voices


class Pyttsx3Engine(SpeechEngine):
    """SAPI5 (Windows), NSSpeechSynthesizer (macOS) or espeak (Linux) through pyttsx3."""

    engine_id = EngineId.SYSTEM

    def __init__(self, request: VoiceRequest) -> None:
        try:
            import pyttsx3
        except ImportError:
            raise system_voice_missing() from None
        try:
            self._engine: Any = pyttsx3.init()
        except Exception as exc:  # noqa: BLE001 - the OS speech service is missing or broken, in any way
            raise RenderError(f"the system voice could not start ({type(exc).__name__}: {exc})",
                              hint="on Linux install espeak-ng; on Windows/macOS check the speech settings") from None
        voices = list(self._engine.getProperty("voices") or [])
        chosen = None
        if request.voice:
            want = request.voice.strip().lower()
            chosen = next((v for v in voices if want in (str(v.id).lower(), str(v.name).lower())), None) or next(
                (v for v in voices if want in str(v.name).lower()), None)
            if chosen is None:
                names = ", ".join(str(v.name) for v in voices[:15])
                raise UsageError(f"unknown system voice {request.voice!r} (installed: {names})")
        if request.language:
            langs = {v.id: _voice_languages(v) for v in voices}
            supported = sorted({lang for ls in langs.values() for lang in ls})
            if supported:
                lang = match_language(self.engine_id, request.language, supported)
                base = lang.split("-", 1)[0]
                if chosen is None:
                    chosen = next((v for v in voices if lang in langs[v.id]), None) or next(
                        (v for v in voices if any(x.split("-", 1)[0] == base for x in langs[v.id])), None)
                self.language = lang
        if chosen is not None:
            self._engine.setProperty("voice", chosen.id)
        self.description = f"system voice {chosen.name if chosen is not None else '(default)'}"

    def max_chunk_chars(self) -> int:
        return 400

    def synthesize(self, text: str) -> Speech:
        with tempfile.TemporaryDirectory(prefix="vidgen-pyttsx3-") as d:
            # macOS writes AIFF whatever the name; ffmpeg reads both.
            out = Path(d) / ("s.aiff" if sys.platform == "darwin" else "s.wav")
            self._engine.save_to_file(text, str(out))
            self._engine.runAndWait()
            if not out.is_file() or out.stat().st_size == 0:
                raise RenderError("the system voice produced no audio")
            samples = decode_audio(out, PYTTSX3_RATE)
        return Speech(samples, PYTTSX3_RATE)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # best effort at shutdown
            self._engine.stop()


def _voice_languages(voice: Any) -> set[str]:
    out = set()
    for raw in getattr(voice, "languages", None) or []:
        s = raw.decode("utf-8", "ignore") if isinstance(raw, bytes) else str(raw)
        s = "".join(c for c in s if c.isprintable()).strip().lower().replace("_", "-")
        if s:
            out.add(s)
    return out


def open_system_engine(request: VoiceRequest) -> SpeechEngine:
    """espeak-ng when its binary is there (and not overridden), else pyttsx3."""
    exe = espeak_binary()
    if exe and os.environ.get(ENV_BACKEND, "").lower() != "pyttsx3":
        return EspeakEngine(exe, request)
    return Pyttsx3Engine(request)


def system_voice_available() -> bool:
    if espeak_binary():
        return True
    import importlib.util

    try:
        return importlib.util.find_spec("pyttsx3") is not None
    except (ImportError, ValueError):
        return False


def list_system_voices() -> list[VoiceInfo]:
    exe = espeak_binary()
    if exe and os.environ.get(ENV_BACKEND, "").lower() != "pyttsx3":
        return list_espeak_voices(exe)
    try:
        import pyttsx3
    except ImportError:
        raise system_voice_missing() from None
    eng = pyttsx3.init()
    return [VoiceInfo(str(v.id), str(v.name), tuple(sorted(_voice_languages(v))), str(getattr(v, "gender", "") or ""))
            for v in eng.getProperty("voices") or []]
