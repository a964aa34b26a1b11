"""One captioned render, used by the CLI (``render IMAGE AUDIO --captions auto`` / ``--captions-file F``) and the window.

The steps: check the output path and the picture (before minutes of transcription), get the
cues (Whisper on the render's audio, translated if asked, or an SRT/WebVTT file), render with
them burned in, then write ``VIDEO.srt`` beside the video. Nothing is left behind on failure:
the sidecar is written only after the video succeeded.

::

    result = render_captioned(job, CaptionSpec(source="auto"), on_progress=cb, cancel=token)

The window's worker uses the halves: ``cues, notes = caption_cues(spec, job.audio, ...)``, its own
render with ``burn_captions=cues`` when ``spec.burn``, then ``finish_captions(result, cues, spec, notes)``.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.captioning import CaptionSpec
from vidgen_desktop.core.errors import UsageError, VidGenError
from vidgen_desktop.core.hardware import HardwareInfo
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ignore_progress
from vidgen_desktop.engine.ai.options import AiOptions
from vidgen_desktop.engine.captions.cue import Cue
from vidgen_desktop.engine.decide import TierDecision
from vidgen_desktop.engine.render import RenderResult, render


def caption_cues(spec: CaptionSpec, audio: Path, *, on_progress: ProgressCallback = ignore_progress,
                 cancel: CancelToken | None = None) -> tuple[tuple[Cue, ...], list[str]]:
    """The cues for ``audio`` as ``spec`` asks (transcribed and maybe translated, or read from a file), and notes."""
    cancel = cancel or CancelToken()
    if spec.source == "file":
        if spec.captions_file is None:
            raise UsageError("captions from a file need the file (--captions-file FILE)")
        from vidgen_desktop.engine.captions.files import read_captions

        cues = tuple(read_captions(Path(spec.captions_file)))
        notes = [f"captions from {Path(spec.captions_file).name} ({len(cues)} cues)"]
        if spec.translate_to:
            from vidgen_desktop.engine.transcribe.result import Transcript
            from vidgen_desktop.engine.transcribe.translate import translate_transcript

            t = translate_transcript(Transcript(cues, "", cues[-1].end), spec.translate_to,
                                     model_id=spec.translation_model, source=spec.language,
                                     models_dir=spec.models_dir, on_progress=on_progress, cancel=cancel)
            cues, notes = t.cues, [*notes, *t.notes]
        return cues, notes
    if spec.source != "auto":
        raise UsageError(f"caption source {spec.source!r}: choose auto or file")
    from vidgen_desktop.engine.transcribe import transcribe, translate_transcript

    transcript = transcribe(Path(audio), model_id=spec.model_id, language=spec.language, models_dir=spec.models_dir,
                            on_progress=on_progress, cancel=cancel)
    if spec.translate_to:
        transcript = translate_transcript(transcript, spec.translate_to, model_id=spec.translation_model,
                                          models_dir=spec.models_dir, on_progress=on_progress, cancel=cancel)
    said = f"captions transcribed with {transcript.model_id} (language {transcript.language or '?'}, " \
        f"{len(transcript.cues)} cues)"
    notes = [said, *transcript.notes]
    return transcript.cues, notes


def finish_captions(result: RenderResult, cues: tuple[Cue, ...], spec: CaptionSpec,
                    notes: list[str] | tuple[str, ...] = ()) -> RenderResult:
    """After a successful render: ``VIDEO.srt`` (when asked), the notes, ``details["captions"]``."""
    from vidgen_desktop.engine.narration import write_caption_sidecar

    notes = list(notes)
    srt: Path | None = None
    if spec.sidecar:
        try:
            srt = write_caption_sidecar(cues, result.output)
        except VidGenError as exc:  # the video is fine; say what is missing
            notes.append(f"the captions file could not be written: {exc}")
    facts = {"source": spec.source, "cues": len(cues), "words": sum(len(c.words) for c in cues),
             "burned": spec.burn, "srt": str(srt) if srt else None,
             "file": str(spec.captions_file) if spec.captions_file else None}
    return replace(result, notes=[*notes, *result.notes], details={**result.details, "captions": facts})


def render_captioned(
    job: RenderJob,
    spec: CaptionSpec,
    *,
    on_progress: ProgressCallback = ignore_progress,
    cancel: CancelToken | None = None,
    ai: AiOptions | None = None,
    decision: TierDecision | None = None,
    hardware: HardwareInfo | None = None,
    look: CaptionLook | None = None,
) -> RenderResult:
    """Caption ``job``'s audio, render with the captions burned in (as ``look`` says), write the sidecar; blocking."""
    from vidgen_desktop.engine.encoder import check_output_path
    from vidgen_desktop.engine.image_io import open_image

    cancel = cancel or CancelToken()
    check_output_path(job.output)  # fail before minutes of transcription
    open_image(job.image, want=(1, 1))
    cues, notes = caption_cues(spec, job.audio, on_progress=on_progress, cancel=cancel)
    result = render(job, on_progress=on_progress, cancel=cancel, decision=decision, ai=ai, hardware=hardware,
                    burn_captions=cues if spec.burn else (), caption_look=look)
    return finish_captions(result, cues, spec, notes)
