"""Narration glue: a typed script becomes the video's audio (and its captions).

The building blocks of a narrated render (the whole render, for the CLI and the window,
is :mod:`vidgen_desktop.engine.narrated_render`)::

    result = prepare_narrated_audio(load_script(path), out_dir=tmp, engine="auto", music=music,
                                    on_progress=cb, cancel=token)
    job = replace(job, audio=result.audio_path)               # the narration is the video's sound
    # captions burn: every frame goes through the caption writer before the encoder
    write = captioned_writer(encoder.write, result.cues, (width, height), fps)
    # captions srt: OUT.srt next to OUT.mp4, after the render succeeded
    write_caption_sidecar(result.cues, output)

Music is looped or cut to the narration's length, set well under the voice
(-30 LUFS against -16), ducked further by a sidechain compressor while the voice
speaks (about 15 dB), faded in and out, and limited; the mix has exactly the
narration's length, so the captions stay in time.

Also :func:`speak_to_file` (``vidgen-desktop tts``) and :func:`preview_voice` ("Preview voice").
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import InputError, OutputError, RenderError, UsageError
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.captions import CaptionOverlay, CaptionStyle, Cue, captioned_writer, write_srt
from vidgen_desktop.engine.ffmpeg import audio_timeout, last_stderr_line, run_ffmpeg
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.tts.audio import OUTPUT_RATE, wav_samples
from vidgen_desktop.engine.tts.base import EngineId, VoiceRequest
from vidgen_desktop.engine.tts.engines import EngineChoice, open_engine, resolve_choice
from vidgen_desktop.engine.tts.pipeline import STAGE_MIX, NarrationAudio, synthesize_script

#: Scripts larger than this are refused (about 10 hours of speech).
MAX_SCRIPT_BYTES = 2_000_000
#: Background music sits this loud before ducking (speech is at -16 LUFS).
MUSIC_LUFS = -30.0
MUSIC_FADE_IN_S = 1.0
MUSIC_FADE_OUT_S = 2.5


class CaptionMode(str, Enum):
    SRT = "srt"  # a sidecar OUT.srt next to the video (players load it by name)
    BURN = "burn"  # drawn into the picture (no sidecar: players would show them twice)
    NONE = "none"
    AUTO = "auto"  # burned in and a sidecar: word-timed (aligned by Whisper when a model is installed)


@dataclass(frozen=True)
class NarrationResult:
    """What :func:`prepare_narrated_audio` made. ``audio_path`` is the render's audio."""

    audio_path: Path
    narration_wav: Path
    duration_s: float
    cues: tuple[Cue, ...]
    srt_path: Path | None
    choice: EngineChoice
    narration: NarrationAudio
    music: Path | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def engine(self) -> EngineId:
        return self.narration.engine


def load_script(path: Path | str) -> str:
    """Read a script file (UTF-8, with or without BOM; UTF-16 with BOM), with clear errors."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, "file not found")
    if path.is_dir():
        raise InputError(path, "is a folder, not a script")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_SCRIPT_BYTES:
        raise InputError(path, f"is too large for a script ({len(data) // 1000} kB; the limit is 2 MB)")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(path, "is not a UTF-8 text file", hint="save the script as plain text (UTF-8)") \
                from None
    if "\x00" in text:
        raise InputError(path, "is not a text file")
    if not text.strip():
        raise InputError(path, "is empty: the script has no words")
    return text


def srt_sidecar_path(video: Path) -> Path:
    return Path(video).with_suffix(".srt")


def write_caption_sidecar(cues: tuple[Cue, ...] | list[Cue], video: Path) -> Path:
    """Write ``VIDEO.srt`` beside the video (players pick it up by name)."""
    return write_srt(list(cues), srt_sidecar_path(video))


def caption_overlay(cues: tuple[Cue, ...] | list[Cue], frame_size: tuple[int, int],
                    style: CaptionStyle | None = None) -> CaptionOverlay:
    """A burn-in overlay for frames of ``frame_size`` (w, h): call ``apply_yuv(y, u, v, t)`` per frame."""
    return CaptionOverlay(list(cues), frame_size, style)


def _music_loudness(music: Path, seconds: float, cancel: CancelToken) -> float | None:
    args = ["-i", str(music), "-t", f"{seconds:.3f}", "-map", "0:a:0", "-af", "loudnorm=print_format=json",
            "-f", "null", "-"]
    proc = run_ffmpeg(args, timeout=audio_timeout(seconds), cancel=cancel,
                      what=f"measuring the loudness of {music.name}")
    m = re.search(r"\"input_i\"\s*:\s*\"(-?[\d.]+|-inf)\"", proc.stderr.decode("utf-8", "replace"))
    if not m or m.group(1) == "-inf":
        return None
    value = float(m.group(1))
    return value if math.isfinite(value) else None


def mix_music(narration_wav: Path, music: Path, out_path: Path, *, cancel: CancelToken | None = None,
              music_lufs: float = MUSIC_LUFS) -> Path:
    """Narration over ``music``, ducked, as a 48 kHz stereo WAV exactly as long as the narration."""
    from vidgen_desktop.engine.media import probe_audio

    cancel = cancel or CancelToken()
    info = probe_audio(music)  # missing / not audio / silent: InputError naming the file
    n, rate = wav_samples(narration_wav)
    duration = n / rate
    n_out = round(duration * OUTPUT_RATE)
    loud = _music_loudness(music, min(info.duration_s, duration + 1.0), cancel)
    gain_db = 0.0 if loud is None else max(-40.0, min(18.0, music_lufs - loud))
    fade_out = min(MUSIC_FADE_OUT_S, duration / 3)
    fmt = f"aformat=sample_fmts=fltp:sample_rates={OUTPUT_RATE}:channel_layouts=stereo"
    graph = (
        f"[1:a:0]{fmt},volume={gain_db:.2f}dB,atrim=end_sample={n_out},"
        f"afade=t=in:d={min(MUSIC_FADE_IN_S, duration / 3):.3f},"
        f"afade=t=out:st={max(0.0, duration - fade_out):.3f}:d={fade_out:.3f}[m];"
        f"[0:a:0]{fmt},asplit=2[v][sc];"
        "[m][sc]sidechaincompress=threshold=0.02:ratio=8:attack=40:release=700:knee=4[duck];"
        "[v][duck]amix=inputs=2:duration=first:dropout_transition=0:normalize=0,"
        f"alimiter=limit=0.9:level=false:latency=true,apad=whole_len={n_out},atrim=end_sample={n_out}[out]"
    )
    tmp = out_path.with_name(f".{out_path.stem}.mix.partial.wav")
    args = ["-v", "error", "-y", "-i", str(narration_wav), "-stream_loop", "-1", "-i", str(music),
            "-filter_complex", graph, "-map", "[out]", "-ar", str(OUTPUT_RATE), "-ac", "2", "-c:a", "pcm_s16le",
            "-f", "wav", str(tmp)]
    try:
        proc = run_ffmpeg(args, timeout=audio_timeout(duration), cancel=cancel, what="mixing the music")
        if proc.returncode != 0:
            raise RenderError(f"mixing the music failed: {last_stderr_line(proc.stderr)}")
        tmp.replace(out_path)
    except OSError as exc:
        raise OutputError(f"{out_path}: could not be written ({exc.strerror or exc})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return out_path


def prepare_narrated_audio(
    script_text: str,
    *,
    out_dir: Path,
    engine: str | EngineId = EngineId.AUTO,
    voice: str | None = None,
    voice_sample: Path | None = None,
    language: str | None = None,
    music: Path | None = None,
    model_id: str | None = None,
    seed: int | None = None,
    device: str | None = None,
    write_srt_file: bool = True,
    store: ModelStore | None = None,
    hardware: HardwareInfo | None = None,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    align_words: bool = False,
) -> NarrationResult:
    """Speak ``script_text`` into ``out_dir/narration.wav`` (+ ``narration+music.wav``, ``narration.srt``).

    Blocking; progress stages "narrate" (per chunk) and "mix"; cancel between chunks.
    Bad input fails before any model loads: empty script (:class:`InputError`),
    unsupported language or voice (:class:`UsageError`), broken voice sample or music
    (:class:`InputError` naming the file), missing model or package (with a hint).
    """
    cancel = cancel or CancelToken()
    t0 = time.monotonic()
    if not script_text or not script_text.strip():
        raise InputError(None, "the script is empty", hint="type the words to speak, or give a script file")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise OutputError(f"{out_dir}: the folder does not exist")
    if music is not None:
        from vidgen_desktop.engine.media import probe_audio

        probe_audio(Path(music))  # fail fast, before minutes of synthesis
    request = VoiceRequest(language=language, voice=voice, voice_sample=Path(voice_sample) if voice_sample else None,
                           seed=seed, device=device)
    choice = resolve_choice(engine, request, store=store, hardware=hardware, model_id=model_id)
    on_progress(ProgressEvent("prepare", 0, 0, time.monotonic() - t0, None,
                              f"loading the voice ({choice.engine.label})"))
    cancel.raise_if_cancelled()
    wav = out_dir / "narration.wav"
    with open_engine(choice, request, store=store) as voice_engine:
        cancel.raise_if_cancelled()
        narration = synthesize_script(script_text, voice_engine, wav, on_progress=on_progress, cancel=cancel)
    audio_path = wav
    if music is not None:
        on_progress(ProgressEvent(STAGE_MIX, 0, 1, time.monotonic() - t0, None, "mixing the music under the voice"))
        audio_path = mix_music(wav, Path(music), out_dir / "narration+music.wav", cancel=cancel)
    cues, notes = narration.cues, (*choice.notes, *narration.notes)
    if align_words:  # word timings: Whisper hears the narration, its words are matched to the script
        from vidgen_desktop.engine.transcribe.align import align_narration
        from vidgen_desktop.engine.transcribe.choice import alignment_model
        from vidgen_desktop.engine.tts.engines import default_store

        store = store or default_store()
        if alignment_model(store) is not None:
            on_progress(ProgressEvent("align", 0, 0, time.monotonic() - t0, None, "timing the captions' words"))
        aligned = align_narration(cues, wav, store=store, language=narration.language, cancel=cancel)
        cues, notes = aligned.cues, (*notes, aligned.note)
    srt = write_srt(list(cues), out_dir / "narration.srt") if write_srt_file else None
    return NarrationResult(audio_path, wav, narration.duration_s, cues, srt, choice, narration,
                           Path(music) if music else None, notes)


def speak_to_file(
    text: str,
    out_wav: Path,
    *,
    engine: str | EngineId = EngineId.AUTO,
    voice: str | None = None,
    voice_sample: Path | None = None,
    language: str | None = None,
    model_id: str | None = None,
    seed: int | None = None,
    device: str | None = None,
    srt: Path | None = None,
    store: ModelStore | None = None,
    hardware: HardwareInfo | None = None,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
) -> tuple[NarrationAudio, EngineChoice]:
    """``vidgen-desktop tts``: speak ``text`` into ``out_wav`` (and its captions into ``srt``)."""
    out_wav = Path(out_wav)
    if out_wav.suffix.lower() not in (".wav", ".wave"):
        raise OutputError(f"{out_wav}: the output must be a .wav file")
    if not out_wav.parent.is_dir():
        raise OutputError(f"{out_wav.parent}: the output folder does not exist")
    if not text or not text.strip():
        raise InputError(None, "the script is empty", hint="give the words to speak")
    request = VoiceRequest(language=language, voice=voice, voice_sample=Path(voice_sample) if voice_sample else None,
                           seed=seed, device=device)
    choice = resolve_choice(engine, request, store=store, hardware=hardware, model_id=model_id)
    with open_engine(choice, request, store=store) as voice_engine:
        narration = synthesize_script(text, voice_engine, out_wav, on_progress=on_progress, cancel=cancel)
    if srt is not None:
        write_srt(list(narration.cues), srt)
    return narration, choice


#: What "Preview voice" says when the script box is empty.
PREVIEW_TEXT = {
    "en": "Hello! This is how your narration will sound.",
    "de": "Hallo! So klingt Ihre Erzählung.",
    "fr": "Bonjour ! Voici la voix de votre narration.",
    "es": "¡Hola! Así sonará tu narración.",
    "it": "Ciao! Ecco come suonerà la tua narrazione.",
    "pt": "Olá! É assim que a sua narração vai soar.",
    "nl": "Hallo! Zo klinkt je vertelling.",
    "pl": "Cześć! Tak zabrzmi twoja narracja.",
}


def preview_voice(out_wav: Path, *, text: str | None = None, engine: str | EngineId = EngineId.AUTO,
                  voice: str | None = None, voice_sample: Path | None = None, language: str | None = None,
                  store: ModelStore | None = None, cancel: CancelToken | None = None) -> NarrationAudio:
    """The window's "Preview voice": the first sentence of the script (or a greeting) as a short WAV."""
    from vidgen_desktop.engine.tts.text import base_language, split_sentences

    first = split_sentences(text or "", language)[:1]
    words = first[0].text if first else PREVIEW_TEXT.get(base_language(language), PREVIEW_TEXT["en"])
    narration, _choice = speak_to_file(words, out_wav, engine=engine, voice=voice, voice_sample=voice_sample,
                                       language=language, store=store, cancel=cancel)
    return narration


def parse_caption_mode(text: str) -> CaptionMode:
    try:
        return CaptionMode(text.strip().lower())
    except ValueError:
        raise UsageError(f"--captions {text!r}: choose srt, burn, auto or none") from None


__all__ = ["CaptionMode", "NarrationResult", "caption_overlay", "captioned_writer", "load_script", "mix_music",
           "parse_caption_mode", "prepare_narrated_audio", "preview_voice", "speak_to_file", "srt_sidecar_path",
           "write_caption_sidecar"]
