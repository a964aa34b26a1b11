"""The Captions tab's outside work: reading caption files, transcribing the sound, the preview frame, the edits.

The edited cues live in the tab's table; :meth:`CaptionsController.request` hands them to a
render (burned and/or saved as ``VIDEO.srt``), so re-rendering reuses them and never
transcribes again.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QWidget

from vidgen_desktop.bridge import captions as bridge
from vidgen_desktop.bridge.errors import error_info
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.caption_look import CaptionLook, colour_hex, parse_colour
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.core.jobs import parse_aspect
from vidgen_desktop.core.settings import CaptionSettings
from vidgen_desktop.ui.captions_panel import CaptionsPanel
from vidgen_desktop.ui.input_loader import InputLoader

log = logging.getLogger(__name__)

CAPTION_FILTER = "Captions (*.srt *.vtt);;All files (*)"


class CaptionsController(QObject):
    """Between the :class:`CaptionsPanel` and the engine's captions (through :mod:`vidgen_desktop.bridge.captions`)."""

    #: The cues were replaced (a file opened, a transcription finished).
    cues_loaded = Signal(int)

    def __init__(self, services: Services, panel: CaptionsPanel, loader: InputLoader, window: QWidget) -> None:
        super().__init__(window)
        self._s = services
        self._panel = panel
        self._loader = loader
        self._window = window
        self._transcribe_cancel: CancelToken | None = None
        #: The sound the cues were made or last edited for: another sound does not get them burned by surprise.
        self._cues_for: Path | None = None
        panel.open_requested.connect(self.open_file)
        panel.transcribe_requested.connect(self.transcribe)
        panel.preview_requested.connect(self.preview)
        panel.split_requested.connect(self.split)
        panel.merge_requested.connect(self.merge)
        panel.nudge_requested.connect(self.nudge)
        panel.text_edited.connect(self.edit_text)
        panel.look_changed.connect(self._save_look)
        loader.changed.connect(self._on_inputs_changed)

    # ------------------------------------------------------------------ the render's side
    def request(self) -> bridge.CaptionRequest | None:
        """The edited cues for a render, or ``None`` when there are none."""
        cues = self._panel.cues()
        if not cues or not (self._panel.burn() or self._panel.save_srt()) or not self._for_this_sound():
            return None
        return bridge.CaptionRequest(tuple(cues), self._panel.look(), burn=self._panel.burn(),
                                     save_srt=self._panel.save_srt())

    def restore(self) -> None:
        """The look the user chose last time (a value that no longer makes sense: the default)."""
        saved = self._s.settings.settings.captions
        try:
            look = CaptionLook(style=saved.style, size=float(saved.size) / 100 if saved.size else None,
                               colour=parse_colour(saved.colour), highlight=parse_colour(saved.highlight),
                               position=saved.position)
        except (VidGenError, ValueError):
            look = CaptionLook()
        self._panel.set_look(look)

    @Slot()
    def _save_look(self) -> None:
        look = self._panel.look()
        self._s.settings.update(captions=CaptionSettings(
            style=look.style, size=f"{look.size * 100:g}" if look.size else "", colour=colour_hex(look.colour),
            highlight=colour_hex(look.highlight), position=look.position))

    def look(self) -> CaptionLook:
        """The look chosen in the tab (also used for a narration's burned captions)."""
        return self._panel.look()

    def _sound(self) -> Path | None:
        audio = self._loader.audio
        return Path(audio.path) if audio is not None else None

    def _for_this_sound(self) -> bool:
        return self._cues_for is None or self._cues_for == self._sound()

    def _bind(self) -> None:
        """The cues now belong to the loaded sound (they were made or edited for it)."""
        self._cues_for = self._sound()

    @Slot()
    def _on_inputs_changed(self) -> None:
        sound = self._sound()
        self._panel.set_audio(sound)
        if self._panel.cues() and not self._for_this_sound() and self._cues_for is not None:
            now = f"“{sound.name}”" if sound is not None else "no sound"
            self._panel.show_status(f"These captions were made for “{self._cues_for.name}”, so they are not used "
                                    f"with {now}. Edit one to use them anyway, or transcribe or open captions again.")

    # ------------------------------------------------------------------ loading
    @Slot()
    def open_file(self) -> None:
        start = self._s.settings.settings.last_audio_dir
        name, _ = QFileDialog.getOpenFileName(self._window, "Open captions", start, CAPTION_FILTER)
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read ``path`` on the background pool and show its cues."""
        (QueryOp(self._s.tasks, partial(bridge.open_captions, path), partial(self._loaded, f"from {path.name}"),
                 name=f"reading captions {path.name}")
         .failure(self._load_failed, log_level=logging.INFO)
         .with_progress(partial(self._panel.show_busy, f"Reading {path.name}…", True),
                        partial(self._panel.show_busy, "", False))
         .run_in_background())

    def _loaded(self, where: str, cues: list[Any]) -> None:
        self._panel.set_cues(cues, select=0)
        self._bind()
        n = len(cues)
        self._panel.show_status(f"{n} caption{'s' if n != 1 else ''} {where}. Edit them, then render.")
        self.cues_loaded.emit(n)

    def _load_failed(self, exc: Exception) -> None:
        if isinstance(exc, CancelledError):
            self._panel.show_status("Transcription cancelled.")
            return
        info = error_info(exc, log_file=self._s.log_file)
        self._panel.show_status(f"{info.message}. {info.hint}".strip().rstrip(".") + ".")

    @Slot()
    def transcribe(self) -> None:
        """"Transcribe the sound": speech recognition of the loaded sound (``engine.transcribe``, lazily)."""
        audio = self._loader.audio
        if audio is None:
            self._panel.show_status("Load a sound first: the captions are written from its speech.")
            return
        if self._transcribe_cancel is not None:  # the button reads "Stop listening" meanwhile
            self._transcribe_cancel.cancel()
            self._panel.show_status("Stopping…")
            return
        cancel = self._transcribe_cancel = CancelToken()
        op = partial(bridge.transcribe_sound, Path(audio.path), self._s.paths.models, cancel)
        (QueryOp(self._s.tasks, op, partial(self._loaded, "from the sound"), name="transcription")
         .failure(self._load_failed, log_level=logging.INFO)
         .with_progress(partial(self._panel.show_listening, True), self._transcribe_done)
         .run_in_background())

    def _transcribe_done(self) -> None:
        self._transcribe_cancel = None
        self._panel.show_listening(False)

    # ------------------------------------------------------------------ edits
    def _apply(self, cues: list[Any], select: int) -> None:
        self._panel.set_cues(cues, select=select)
        self._bind()

    @Slot(int, str)
    def edit_text(self, row: int, text: str) -> None:
        cues = self._panel.cues()
        if 0 <= row < len(cues):
            cues[row] = bridge.edit_text(cues[row], text)
            self._apply(cues, row)

    @Slot(int, int)
    def split(self, row: int, at: int) -> None:
        cues = self._panel.cues()
        if 0 <= row < len(cues):
            self._apply(bridge.split(cues, row, at if at >= 0 else None), row)

    @Slot(int)
    def merge(self, row: int) -> None:
        self._apply(bridge.merge(self._panel.cues(), row), row)

    @Slot(int, str, float)
    def nudge(self, row: int, which: str, seconds: float) -> None:
        cues = self._panel.cues()
        if 0 <= row < len(cues):
            moved = bridge.nudge_cue(cues, row, **{which: seconds})
            self._apply(moved, row)

    # ------------------------------------------------------------------ preview
    @Slot(float)
    def preview(self, t: float) -> None:
        image = self._loader.image
        if image is None:
            self._panel.show_preview_problem("Load a picture first.")
            return
        out = self._s.settings.output
        try:
            aspect = parse_aspect(out.aspect)
        except VidGenError:
            aspect = (16, 9)
        op = partial(bridge.frame_preview, Path(image.path), tuple(self._panel.cues()), t, self._panel.look(),
                     aspect, out.fit)
        (QueryOp(self._s.tasks, op, partial(self._panel.show_preview, t=t), name="caption preview")
         .failure(self._preview_failed, log_level=logging.WARNING)
         .run_in_background())

    def _preview_failed(self, exc: Exception) -> None:
        info = error_info(exc, log_file=self._s.log_file)
        self._panel.show_preview_problem(info.message)

    def close(self) -> None:
        if self._transcribe_cancel is not None:
            self._transcribe_cancel.cancel("the app is closing")
        self._panel.stop()
