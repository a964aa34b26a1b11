"""Deciding what dropped files are and reading them in the background, newest request wins.

Dropping a second picture while the first is still being read must show the second,
even if the first finishes later: each kind has a generation number, and results for
an older generation are dropped. Problems become short sentences for the drop zone.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from vidgen_desktop.bridge import inputs
from vidgen_desktop.bridge.inputs import AudioPreview, ImagePreview, InputKind
from vidgen_desktop.bridge.tasks import BackgroundTasks
from vidgen_desktop.core.errors import InputError, VidGenError
from vidgen_desktop.ui.formatting import file_problem

log = logging.getLogger(__name__)


def describe_input_error(path: Path, exc: BaseException) -> str:
    """"“photo.jpg” is damaged or truncated (…)" rather than a full path and a class name."""
    if isinstance(exc, InputError) and exc.path is not None:
        prefix = f"{exc.path}: "
        problem = exc.message.removeprefix(prefix)
        text = file_problem(exc.path.name, problem)
    elif isinstance(exc, VidGenError):
        text = exc.message
    else:
        text = file_problem(path.name, f"could not be read (unexpected {type(exc).__name__}: {exc}; see the log)")
    hint = getattr(exc, "hint", "")
    return f"{text} — {hint}" if hint else text


class InputLoader(QObject):
    """Holds the current picture and sound (or why they failed) and loads new ones off-thread."""

    image_loading = Signal(object)  # Path
    image_ready = Signal(object)  # ImagePreview
    image_failed = Signal(object, str)  # Path, message
    audio_loading = Signal(object)
    audio_ready = Signal(object)  # AudioPreview
    audio_failed = Signal(object, str)
    #: Messages about files that were not used (wrong type, extra files); one list per drop.
    rejected = Signal(list)
    changed = Signal()

    def __init__(self, tasks: BackgroundTasks, thumb_side_px: int = 440, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.thumb_side_px = thumb_side_px
        self.image: ImagePreview | None = None
        self.audio: AudioPreview | None = None
        self.image_error: str | None = None
        self.audio_error: str | None = None
        self.image_pending: Path | None = None
        self.audio_pending: Path | None = None
        self._image_gen = 0
        self._audio_gen = 0

    # --- requests ----------------------------------------------------------------------
    def load(self, paths: list[Path]) -> None:
        """Sort dropped/picked files into picture and sound and start reading them."""
        images: list[Path] = []
        audios: list[Path] = []
        notes: list[str] = []
        for p in paths:
            kind = inputs.classify(p) if not p.is_dir() else None
            if kind is InputKind.IMAGE:
                images.append(p)
            elif kind is InputKind.AUDIO:
                audios.append(p)
            else:
                notes.append(inputs.unsupported_message(p))
        if len(images) > 1:
            notes.append(f"Only one picture is used: “{images[0].name}” (ignored: {', '.join(p.name for p in images[1:])}).")
        if len(audios) > 1:
            notes.append(f"Only one sound file is used: “{audios[0].name}” (ignored: {', '.join(p.name for p in audios[1:])}).")
        self.rejected.emit(notes)
        if images:
            self.load_image(images[0])
        if audios:
            self.load_audio(audios[0])

    def load_image(self, path: Path) -> None:
        self._image_gen += 1
        self.image_pending, self.image_error = path, None
        self.image_loading.emit(path)
        self.changed.emit()
        self._tasks.spawn(self._read_image(self._image_gen, path), name="read picture")

    def load_audio(self, path: Path) -> None:
        self._audio_gen += 1
        self.audio_pending, self.audio_error = path, None
        self.audio_loading.emit(path)
        self.changed.emit()
        self._tasks.spawn(self._read_audio(self._audio_gen, path), name="read sound")

    def clear_image(self) -> None:
        self._image_gen += 1
        self.image, self.image_pending, self.image_error = None, None, None
        self.changed.emit()

    def clear_audio(self) -> None:
        self._audio_gen += 1
        self.audio, self.audio_pending, self.audio_error = None, None, None
        self.changed.emit()

    @property
    def busy(self) -> bool:
        return self.image_pending is not None or self.audio_pending is not None

    # --- background reads --------------------------------------------------------------
    async def _read_image(self, gen: int, path: Path) -> None:
        try:
            preview = await self._tasks.run(inputs.inspect_image, path, self.thumb_side_px)
        except Exception as exc:  # any failure is shown next to the file, not raised
            if not isinstance(exc, VidGenError):
                log.error("reading picture %s failed", path, exc_info=exc)
            if gen == self._image_gen:
                self.image, self.image_pending = None, None
                self.image_error = describe_input_error(path, exc)
                self.image_failed.emit(path, self.image_error)
                self.changed.emit()
            return
        if gen == self._image_gen:
            self.image, self.image_pending = preview, None
            self.image_ready.emit(preview)
            self.changed.emit()

    async def _read_audio(self, gen: int, path: Path) -> None:
        try:
            preview = await self._tasks.run(inputs.inspect_audio, path)
        except Exception as exc:  # likewise
            if not isinstance(exc, VidGenError):
                log.error("reading sound %s failed", path, exc_info=exc)
            if gen == self._audio_gen:
                self.audio, self.audio_pending = None, None
                self.audio_error = describe_input_error(path, exc)
                self.audio_failed.emit(path, self.audio_error)
                self.changed.emit()
            return
        if gen == self._audio_gen:
            self.audio, self.audio_pending = preview, None
            self.audio_ready.emit(preview)
            self.changed.emit()
