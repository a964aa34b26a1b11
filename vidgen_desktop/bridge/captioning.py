"""The render thread's handle on a captioned render (``--captions auto`` / a captions file, in the window).

``with CaptionedRender(spec, job, on_progress, cancel) as c: result = c.finish(render(job, burn=c.burn))``:
entry transcribes the job's audio (or reads the file) through the engine's
:mod:`~vidgen_desktop.engine.captioned_render` (imported only when captions are asked for),
its progress shown as the window's ``"captions"`` stage; :meth:`finish` writes ``VIDEO.srt``
and adds the facts. With ``spec=None`` it changes nothing.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Any

from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.captioning import CaptionSpec
from vidgen_desktop.core.jobs import RenderJob
from vidgen_desktop.core.progress import ProgressCallback, ProgressEvent

if TYPE_CHECKING:
    from typing_extensions import Self

#: The window's progress stage while captions are made (the engine's own stage travels in ``extra["part"]``).
STAGE_CAPTIONS = "captions"


def captions_progress(on_progress: ProgressCallback) -> ProgressCallback:
    def relay(ev: ProgressEvent) -> None:
        on_progress(ProgressEvent(STAGE_CAPTIONS, ev.done, ev.total, ev.elapsed_s, ev.eta_s, ev.message,
                                  extra={**ev.extra, "part": ev.stage}))

    return relay


class CaptionedRender:
    def __init__(self, spec: CaptionSpec | None, job: RenderJob, on_progress: ProgressCallback,
                 cancel: CancelToken) -> None:
        self.spec, self.job, self.on_progress, self.cancel = spec, job, on_progress, cancel
        self.cues: tuple[Any, ...] = ()
        self.burn: tuple[Any, ...] = ()
        self.notes: list[str] = []

    def __enter__(self) -> Self:
        if self.spec is None:
            return self
        from vidgen_desktop.engine.captioned_render import caption_cues

        self.cues, self.notes = caption_cues(self.spec, self.job.audio, on_progress=captions_progress(self.on_progress),
                                             cancel=self.cancel)
        self.burn = self.cues if self.spec.burn else ()
        return self

    def finish(self, result: Any) -> Any:
        if self.spec is None:
            return result
        from vidgen_desktop.engine.captioned_render import finish_captions

        return finish_captions(result, self.cues, self.spec, self.notes)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None
