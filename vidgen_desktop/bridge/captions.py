"""The caption editor's outside work, for the window: plain Python (no Qt), the engine imported lazily.

* :func:`open_captions` (background pool): an ``.srt``/``.vtt`` file's cues;
* :func:`transcribe_sound` (background pool): the sound's cues from speech recognition
  (``vidgen_desktop.engine.transcribe``, imported only when asked);
* :func:`frame_preview` (background pool): one frame with the caption burned in, drawn by the engine;
* :func:`split`, :func:`merge`, :func:`nudge_cue`, :func:`edit_text`: the edits (cheap, GUI thread);
* :class:`CaptionRequest` travels with a render (:class:`~vidgen_desktop.bridge.worker.RenderRequest`):
  the edited cues are burned and/or saved as ``VIDEO.srt``; a re-render reuses them, no new transcription.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, is_dataclass, replace
from pathlib import Path
from typing import Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook
from vidgen_desktop.core.errors import MissingDependencyError, VidGenError
from vidgen_desktop.core.jobs import Fit

#: The transcription module (another part of the app; checked when the user asks for it).
TRANSCRIBE_MODULE = "vidgen_desktop.engine.transcribe"


@dataclass(frozen=True)
class CaptionRequest:
    """The editor's cues for a render: ``burn`` them into the picture, ``save_srt`` them beside the video."""

    cues: tuple[Any, ...]
    look: CaptionLook | None = None
    burn: bool = True
    save_srt: bool = True


def open_captions(path: Path) -> list[Any]:
    """The cues of a caption file. Blocking; raises :class:`InputError` with a clear message."""
    from vidgen_desktop.engine.captions.editing import read_caption_file

    return read_caption_file(path)


def transcribe_sound(audio: Path, models_dir: Path | None, cancel: CancelToken | None = None,
                     on_progress: Callable[[Any], None] | None = None) -> list[Any]:
    """The sound's cues with word times, by speech recognition. Blocking (minutes for long sounds)."""
    try:
        module = importlib.import_module(TRANSCRIBE_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name and not TRANSCRIBE_MODULE.startswith(exc.name):
            raise MissingDependencyError("Transcription", [exc.name], "captions") from None
        raise VidGenError("Transcription is not part of this version of VidGen yet",
                          hint="open a captions file (SRT or VTT) instead") from None
    kwargs: dict[str, Any] = {"models_dir": models_dir, "cancel": cancel}
    if on_progress is not None:
        kwargs["on_progress"] = on_progress
    transcript = module.transcribe(audio, **kwargs)
    return list(transcript.cues)


def frame_preview(image: Path, cues: Sequence[Any], t: float, look: CaptionLook | None,
                  aspect: tuple[int, int] | None, fit: str = "blur") -> Any:
    """The frame at ``t`` with its caption, as a numpy RGB array (the engine draws it, as in the render)."""
    from vidgen_desktop.engine.captions.preview import caption_preview

    return caption_preview(image, cues, t, look, aspect=aspect, fit=Fit(fit))


def font_notice(cues: Sequence[Any]) -> str | None:
    """What to tell the user before burning ``cues`` that no installed font can draw, else ``None``."""
    from vidgen_desktop.engine.captions import caption_font_problem

    return caption_font_problem("\n".join(c.text for c in cues))


def save_srt_beside(cues: Sequence[Any], video: Path) -> Path:
    """``VIDEO.srt`` next to the video."""
    from vidgen_desktop.engine.captions.srt import write_srt

    return write_srt(list(cues), Path(video).with_suffix(".srt"))


def with_saved_srt(result: Any, request: CaptionRequest) -> Any:
    """After a render: the edited cues saved beside the video, said in the result's notes."""
    if not request.save_srt or not request.cues:
        return result
    try:
        srt = save_srt_beside(request.cues, Path(result.output))
    except VidGenError as exc:  # the video is fine; say what is missing
        note = f"the captions file could not be written: {exc}"
    else:
        note = f"captions: {srt}"
    if is_dataclass(result) and hasattr(result, "notes"):
        return replace(result, notes=[*result.notes, note])  # type: ignore[type-var]
    return result


# --------------------------------------------------------------------------- edits (GUI thread, cheap)


def edit_text(cue: Any, text: str) -> Any:
    from vidgen_desktop.engine.captions.editing import edit_text as edit

    return edit(cue, text)


def split(cues: Sequence[Any], row: int, at: int | None = None) -> list[Any]:
    """``cues`` with row ``row`` split at character ``at``; unchanged for a one-word cue."""
    from vidgen_desktop.engine.captions.editing import split_cue

    try:
        a, b = split_cue(cues[row], at)
    except ValueError:
        return list(cues)
    return [*cues[:row], a, b, *cues[row + 1:]]


def merge(cues: Sequence[Any], row: int) -> list[Any]:
    """``cues`` with row ``row`` and the next made one."""
    from vidgen_desktop.engine.captions.editing import merge_cues

    if not 0 <= row < len(cues) - 1:
        return list(cues)
    return [*cues[:row], merge_cues(cues[row], cues[row + 1]), *cues[row + 2:]]


def nudge_cue(cues: Sequence[Any], row: int, *, start: float = 0.0, end: float = 0.0) -> list[Any]:
    """``cues`` with row ``row``'s start/end moved, never over its neighbours."""
    from vidgen_desktop.engine.captions.editing import nudge

    earliest = cues[row - 1].end if row > 0 else 0.0
    latest = cues[row + 1].start if row + 1 < len(cues) else None
    return [*cues[:row], nudge(cues[row], start=start, end=end, earliest=earliest, latest=latest), *cues[row + 1:]]
