"""One narrated render, used by the CLI (``render IMAGE --script FILE``) and by the window.

The steps: check the output path and the picture (before minutes of speech), speak the
script, mix the music under it with ducking, render the picture (Ken Burns or an AI
tier) with the narration as its sound and the captions burned in if asked, then write
``VIDEO.srt`` beside it. The narration's WAVs live in a private temporary folder that
is removed on every way out: success, failure, cancel, and a failure during entry.

::

    result = render_narrated(job, NarrationSpec(script, captions="srt"), on_progress=cb, cancel=token)

Callers that render with their own function (the window's worker) use the two halves::

    with NarratedAudio(spec, job, on_progress=cb, cancel=token) as n:
        result = n.finish(render(n.job, burn_captions=n.burn, on_progress=cb, cancel=token))
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.narration import NarrationSpec
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent, ignore_progress
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.captions import Cue
from vidgen_desktop.engine.debris import owned_temp_dir
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.encoder import check_output_path
from vidgen_desktop.engine.image_io import open_image
from vidgen_desktop.engine.models.store import ModelStore
from vidgen_desktop.engine.narration import (
    CaptionMode,
    NarrationResult,
    parse_caption_mode,
    prepare_narrated_audio,
    preview_voice,
    write_caption_sidecar,
)
from vidgen_desktop.engine.render import RenderResult, render
from vidgen_desktop.engine.tts.base import LICENCE_NOTES, EngineId
from vidgen_desktop.engine.tts.pipeline import NarrationAudio

if TYPE_CHECKING:
    from typing_extensions import Self

log = logging.getLogger(__name__)

#: The temporary folders of narrated renders start with this (so a sweep can recognise them).


def _store(spec: NarrationSpec) -> ModelStore | None:
    return ModelStore(spec.models_dir) if spec.models_dir is not None else None


def _voice(spec: NarrationSpec) -> str | None:
    """XTTS takes a voice or a sample; the sample is the explicit choice."""
    return None if spec.voice_sample is not None else spec.voice or None


class NarratedAudio:
    """The narration half of a narrated render, as a context manager.

    Entry speaks the script and hands back :attr:`job` with the narration as its audio and
    :attr:`burn` (the cues to draw in, for ``captions="burn"``); :meth:`finish` writes the
    sidecar and adds the narration's facts to the render's result; exit removes the
    temporary WAVs. A failure or cancel during entry removes them too.
    """

    def __init__(self, spec: NarrationSpec, job: RenderJob, *, on_progress: ProgressCallback = ignore_progress,
                 cancel: CancelToken | None = None) -> None:
        self.spec, self.job = spec, job
        self.captions = parse_caption_mode(spec.captions)  # a UsageError before any work
        self.on_progress = on_progress
        self.cancel = cancel or CancelToken()
        self.narration: NarrationResult | None = None
        self.burn: tuple[Cue, ...] = ()
        self.srt: Path | None = None
        self._folder: Path | None = None

    def __enter__(self) -> Self:
        self.on_progress(ProgressEvent("prepare", message="checking the picture"))
        check_output_path(self.job.output)  # fail before minutes of speech
        for picture in self.job.images:  # every picture of a slideshow
            open_image(picture, want=(1, 1))
        self.cancel.raise_if_cancelled()
        self._folder = owned_temp_dir("narration")  # swept after a crash (engine.debris)
        try:
            spec = self.spec
            self.narration = prepare_narrated_audio(
                spec.script, out_dir=self._folder, engine=spec.engine, voice=_voice(spec),
                voice_sample=spec.voice_sample, language=spec.language or None, music=spec.music, seed=spec.seed,
                write_srt_file=False, store=_store(spec), on_progress=self.on_progress, cancel=self.cancel,
                align_words=self.captions is not CaptionMode.NONE)
        except BaseException:
            self.close()  # __exit__ does not run when __enter__ raises
            raise
        self.job = replace(self.job, audio=self.narration.audio_path)
        if self.captions in (CaptionMode.BURN, CaptionMode.AUTO):
            self.burn = self.narration.cues
        return self

    def finish(self, result: RenderResult) -> RenderResult:
        """After a successful render: ``VIDEO.srt`` (for srt captions), the notes, ``details["narration"]``."""
        made = self.narration
        if made is None:
            raise RuntimeError("finish() belongs inside the with block")
        notes = list(made.notes)
        if self.captions in (CaptionMode.SRT, CaptionMode.AUTO):
            try:
                self.srt = write_caption_sidecar(made.cues, result.output)
            except VidGenError as exc:  # the video is fine; say what is missing
                notes.append(f"the captions file could not be written: {exc}")
        if made.engine is EngineId.XTTS:
            notes.append(LICENCE_NOTES[EngineId.XTTS])
        facts = {
            "engine": made.engine.value,
            "voice": made.narration.description,
            "language": made.narration.language,
            "duration_s": round(made.duration_s, 3),
            "captions": self.captions.value,
            "srt": str(self.srt) if self.srt else None,
            "music": str(made.music) if made.music else None,
            "cues": len(made.cues),
        }
        return replace(result, notes=[*notes, *result.notes], details={**result.details, "narration": facts})

    def close(self) -> None:
        """Remove the temporary WAVs (idempotent)."""
        folder, self._folder = self._folder, None
        if folder is None:
            return
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass
        except OSError:  # a file still open elsewhere (Windows): the OS temp cleaner gets it
            log.warning("could not remove %s", folder, exc_info=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def render_narrated(
    job: RenderJob,
    spec: NarrationSpec,
    *,
    on_progress: ProgressCallback = ignore_progress,
    narration_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    ai: AiOptions | None = None,
    decision: TierDecision | None = None,
    hardware: HardwareInfo | None = None,
) -> RenderResult:
    """Speak ``spec``, render ``job`` with it as the sound, write the captions; blocking.

    ``narration_progress`` receives the speaking part's events (default: ``on_progress``).
    Raises what :func:`~vidgen_desktop.engine.render.render` raises; nothing is left behind.
    """
    cancel = cancel or CancelToken()
    with NarratedAudio(spec, job, on_progress=narration_progress or on_progress, cancel=cancel) as narrated:
        result = render(narrated.job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai,
                        hardware=hardware, burn_captions=narrated.burn, caption_look=spec.look)
        return narrated.finish(result)


def caption_font_notice(spec: NarrationSpec) -> str | None:
    """What to tell the user before a render whose burned captions no installed font can draw, else ``None``
    (the CLI prints it as a warning, the window as a banner)."""
    if spec.captions not in ("burn", "auto"):
        return None
    from vidgen_desktop.engine.captions import caption_font_problem

    return caption_font_problem(spec.script)


def preview_narration(spec: NarrationSpec, out_wav: Path, *, cancel: CancelToken | None = None) -> NarrationAudio:
    """The window's "Preview voice": the script's first sentence (or a greeting) in the spec's voice, as a short WAV."""
    return preview_voice(out_wav, text=spec.script, engine=spec.engine, voice=_voice(spec),
                         voice_sample=spec.voice_sample, language=spec.language or None, store=_store(spec),
                         cancel=cancel)
