"""Deciding what dropped files are and reading them in the background, newest request wins.

Dropping a second picture while the first is still being read must show the second,
even if the first finishes later: each kind has a generation number, and results for
an older generation are dropped. Problems become short sentences for the drop zone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
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


@dataclass
class PictureEntry:
    """One picture of the set, in the order the video shows them: read, being read, or failed."""

    key: int
    path: Path
    preview: ImagePreview | None = None
    error: str | None = None

    @property
    def state(self) -> str:
        return "ready" if self.preview is not None else "error" if self.error else "loading"


class InputLoader(QObject):
    """Holds the current pictures (one, or several for a slideshow) and sound, and loads new ones off-thread.

    ``image``, ``image_pending`` and ``image_error`` speak for the whole set of pictures, so
    single-picture code keeps working; ``pictures`` is the set itself, in order.
    """

    image_loading = Signal(object)  # Path
    image_ready = Signal(object)  # ImagePreview
    image_failed = Signal(object, str)  # Path, message
    audio_loading = Signal(object)
    audio_ready = Signal(object)  # AudioPreview
    audio_failed = Signal(object, str)
    #: Messages about files that were not used (wrong type, extra files); one list per drop.
    rejected = Signal(list)
    changed = Signal()
    #: The set of pictures changed: one added, read, failed, moved or removed.
    pictures_changed = Signal()

    def __init__(self, tasks: BackgroundTasks, thumb_side_px: int = 440, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.thumb_side_px = thumb_side_px
        self.pictures: list[PictureEntry] = []
        self.audio: AudioPreview | None = None
        self.audio_error: str | None = None
        self.audio_pending: Path | None = None
        self._next_key = 0
        self._audio_gen = 0

    # --- the pictures, as one -------------------------------------------------------
    @property
    def image(self) -> ImagePreview | None:
        """The first picture, once read."""
        return self.pictures[0].preview if self.pictures else None

    @image.setter
    def image(self, preview: ImagePreview | None) -> None:
        """Set one picture directly (no signals), as the attribute this used to be allowed."""
        self._next_key += 1
        self.pictures = [] if preview is None else [
            PictureEntry(self._next_key, Path(getattr(preview, "path", "")), preview)]

    @property
    def image_pending(self) -> Path | None:
        """A picture still being read, if any."""
        return next((e.path for e in self.pictures if e.state == "loading"), None)

    @property
    def image_error(self) -> str | None:
        """Why a picture of the set can't be used (the first such), if one can't."""
        return next((e.error for e in self.pictures if e.error), None)

    @property
    def image_paths(self) -> list[Path]:
        """Every picture, in the order the video shows them."""
        return [e.path for e in self.pictures]

    # --- requests ----------------------------------------------------------------------
    def load(self, paths: list[Path], *, append: bool = False) -> None:
        """Sort dropped/picked files into pictures and sound and start reading them.

        The pictures replace the current ones (several make a slideshow), or join them with ``append``."""
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
        if len(audios) > 1:
            notes.append(f"Only one sound file is used: “{audios[0].name}” (ignored: {', '.join(p.name for p in audios[1:])}).")
        self.rejected.emit(notes)
        if images and append:
            self.add_images(images)
        elif images:
            self.set_images(images)
        if audios:
            self.load_audio(audios[0])

    def load_image(self, path: Path) -> None:
        """One picture, replacing the current ones."""
        self.set_images([path])

    def set_images(self, paths: list[Path]) -> None:
        """These pictures, in this order, replacing the current ones."""
        self.pictures = []
        self.add_images(paths)

    def add_images(self, paths: list[Path]) -> None:
        """Append pictures to the set and read them."""
        for path in paths:
            self._next_key += 1
            entry = PictureEntry(self._next_key, path)
            self.pictures.append(entry)
            self.image_loading.emit(path)
            self._tasks.spawn(self._read_image(entry.key, path), name="read picture")
        self.pictures_changed.emit()
        self.changed.emit()

    def move_picture(self, src: int, dst: int) -> None:
        """Move the picture at ``src`` so it is at ``dst`` (the video shows them in this order)."""
        if src == dst or not (0 <= src < len(self.pictures) and 0 <= dst < len(self.pictures)):
            return
        self.pictures.insert(dst, self.pictures.pop(src))
        self.pictures_changed.emit()
        self.changed.emit()

    def remove_picture(self, index: int) -> None:
        if 0 <= index < len(self.pictures):
            del self.pictures[index]
            self.pictures_changed.emit()
            self.changed.emit()

    def load_audio(self, path: Path) -> None:
        self._audio_gen += 1
        self.audio_pending, self.audio_error = path, None
        self.audio_loading.emit(path)
        self.changed.emit()
        self._tasks.spawn(self._read_audio(self._audio_gen, path), name="read sound")

    def clear_image(self) -> None:
        """Remove every picture."""
        self.pictures = []
        self.pictures_changed.emit()
        self.changed.emit()

    def clear_audio(self) -> None:
        self._audio_gen += 1
        self.audio, self.audio_pending, self.audio_error = None, None, None
        self.changed.emit()

    @property
    def busy(self) -> bool:
        return self.image_pending is not None or self.audio_pending is not None

    # --- background reads --------------------------------------------------------------
    def _entry(self, key: int) -> PictureEntry | None:
        """The picture read under ``key``, unless it was removed or replaced meanwhile (newest wins)."""
        return next((e for e in self.pictures if e.key == key), None)

    async def _read_image(self, key: int, path: Path) -> None:
        try:
            preview = await self._tasks.run(inputs.inspect_image, path, self.thumb_side_px)
        except Exception as exc:  # any failure is shown next to the file, not raised
            if not isinstance(exc, VidGenError):
                log.error("reading picture %s failed", path, exc_info=exc)
            if (entry := self._entry(key)) is not None:
                entry.error = describe_input_error(path, exc)
                self.image_failed.emit(path, entry.error)
                self.pictures_changed.emit()
                self.changed.emit()
            return
        if (entry := self._entry(key)) is not None:
            entry.preview = preview
            self.image_ready.emit(preview)
            self.pictures_changed.emit()
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
