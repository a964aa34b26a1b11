"""The picture and the sound file: dropped, opened or the sample, read off-thread, shown in the drop zone."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QStatusBar, QWidget

from vidgen_desktop.bridge import inputs
from vidgen_desktop.bridge.inputs import AudioPreview, ImagePreview
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.ui import file_dialogs
from vidgen_desktop.ui.drop_zone import DropZone
from vidgen_desktop.ui.formatting import audio_caption, clock
from vidgen_desktop.ui.imaging import rgb_to_pixmap
from vidgen_desktop.ui.input_loader import InputLoader, PictureEntry
from vidgen_desktop.ui.picture_strip import StripPicture


class InputsController(QObject):
    """Feeds the :class:`InputLoader` and shows its results (and its problems) in the :class:`DropZone`."""

    #: The picture was set or cleared: the default video name follows it.
    image_changed = Signal()

    def __init__(self, services: Services, loader: InputLoader, drop: DropZone, status: QStatusBar,
                 window: QWidget) -> None:
        super().__init__(window)
        self._s = services
        self._loader = loader
        self._drop = drop
        self._status = status
        self._window = window
        self._drop_notes: list[str] = []
        self._pixmaps: dict[int, QPixmap] = {}
        self._first: Path | None = None

        drop.files_dropped.connect(self.load_files)
        drop.open_requested.connect(self.open_files)
        drop.sample_requested.connect(self.load_sample)
        drop.picture.choose_clicked.connect(self.choose_picture)
        drop.sound.choose_clicked.connect(self.choose_sound)
        drop.picture.clear_clicked.connect(self._clear_picture)
        drop.picture.add_clicked.connect(self.add_pictures)
        drop.picture.strip.moved.connect(self.move_picture)
        drop.picture.strip.remove_requested.connect(self.remove_picture)
        drop.picture.strip.files_dropped.connect(self.add_files)
        drop.picture.transition_changed.connect(self._on_transition)
        drop.picture.set_transition(services.settings.output.transition)
        loader.pictures_changed.connect(self._show_pictures)
        drop.sound.clear_clicked.connect(self._clear_sound)
        loader.image_loading.connect(self._on_image_loading)
        loader.image_ready.connect(self._on_image_ready)
        loader.image_failed.connect(self._on_image_failed)
        loader.audio_loading.connect(self._on_audio_loading)
        loader.audio_ready.connect(self._on_audio_ready)
        loader.audio_failed.connect(self._on_audio_failed)
        loader.rejected.connect(self._on_rejected)

    def warm_up(self) -> None:
        """Import the file readers on the pool, so the first drop is quick."""
        self._s.tasks.spawn(self._s.tasks.run(inputs.warm_up), name="warm up")

    # ------------------------------------------------------------------ choosing
    @Slot(list)
    def load_files(self, paths: list[Path]) -> None:
        """Dropped or opened files: pictures replace the picture, or join a slideshow already there."""
        self._loader.load([Path(p) for p in paths], append=len(self._loader.pictures) >= 2)

    @Slot(list)
    def add_files(self, paths: list[Path]) -> None:
        """Files dropped on the slideshow strip: the pictures join it."""
        self._loader.load([Path(p) for p in paths], append=True)

    @Slot()
    def add_pictures(self) -> None:
        files = file_dialogs.open_pictures(self._window, "Add pictures to the slideshow",
                                           self._s.settings.settings.last_image_dir)
        if files:
            self._loader.add_images(files)

    @Slot(int, int)
    def move_picture(self, src: int, dst: int) -> None:
        self._loader.move_picture(src, dst)

    @Slot(int)
    def remove_picture(self, index: int) -> None:
        self._loader.remove_picture(index)
        self._refresh_messages()

    @Slot(str)
    def _on_transition(self, value: str) -> None:
        self._s.settings.update_output(transition=value)

    @Slot()
    def load_sample(self) -> None:
        (QueryOp(self._s.tasks, inputs.sample_inputs, self._sample_ready, name="sample")
         .failure(self._sample_failed)
         .with_progress(self._sample_preparing, self._status.clearMessage)
         .run_in_background())

    def _sample_preparing(self) -> None:
        self._status.showMessage("Preparing the sample…")

    def _sample_ready(self, files: tuple[Path, Path]) -> None:
        self._loader.load(list(files))

    def _sample_failed(self, exc: Exception) -> None:  # shown inline, never a crash
        self._drop.show_message([f"The sample could not be prepared: {exc}"])

    @Slot()
    def open_files(self) -> None:
        settings = self._s.settings.settings
        start = settings.last_image_dir or settings.last_audio_dir
        files = file_dialogs.open_files(self._window, "Open a picture and a sound file", start)
        if files:
            self.load_files(files)

    @Slot()
    def choose_picture(self) -> None:
        """One picture, or several (a slideshow), replacing the current ones."""
        files = file_dialogs.open_pictures(self._window, "Choose a picture (or several for a slideshow)",
                                           self._s.settings.settings.last_image_dir)
        if files:
            self._loader.set_images(files)

    @Slot()
    def choose_sound(self) -> None:
        path = file_dialogs.open_file(self._window, "Choose a sound file", self._s.settings.settings.last_audio_dir,
                                      "audio")
        if path is not None:
            self._loader.load_audio(path)

    @Slot()
    def _clear_picture(self) -> None:
        self._loader.clear_image()
        self._refresh_messages()

    @Slot()
    def _clear_sound(self) -> None:
        self._loader.clear_audio()
        self._drop.sound.show_empty()
        self._refresh_messages()

    # ------------------------------------------------------------------ showing
    @Slot(list)
    def _on_rejected(self, notes: list[str]) -> None:
        self._drop_notes = list(notes)
        self._refresh_messages()

    def _refresh_messages(self) -> None:
        lines = list(self._drop_notes)
        lines += [e.error for e in self._loader.pictures if e.error]
        lines += [self._loader.audio_error] if self._loader.audio_error else []
        self._drop.show_message(lines)

    @Slot(object)
    def _on_image_loading(self, _path: Path) -> None:
        self._refresh_messages()

    @Slot(object)
    def _on_image_ready(self, preview: ImagePreview) -> None:
        self._s.settings.update(last_image_dir=str(preview.path.parent))
        self._refresh_messages()

    @Slot(object, str)
    def _on_image_failed(self, _path: Path, _message: str) -> None:
        self._refresh_messages()

    def _pixmap(self, entry: PictureEntry) -> QPixmap | None:
        if entry.preview is None:
            return None
        if entry.key not in self._pixmaps:
            self._pixmaps[entry.key] = rgb_to_pixmap(entry.preview.thumbnail,
                                                     max(1.0, self._window.devicePixelRatioF()))
        return self._pixmaps[entry.key]

    @Slot()
    def _show_pictures(self) -> None:
        """Show the pictures as they are now: none, one (a thumbnail) or several (the strip, in order)."""
        entries, slot = self._loader.pictures, self._drop.picture
        self._pixmaps = {e.key: pm for e in entries if (pm := self._pixmaps.get(e.key)) is not None}
        if not entries:
            slot.show_empty()
        elif len(entries) == 1:
            e = entries[0]
            pm = self._pixmap(e)
            if pm is not None:
                slot.show_picture(pm, e.path.name)
                slot.thumb.setToolTip(str(e.path))
            elif e.error:
                slot.show_error(e.path.name)
            else:
                slot.show_loading(e.path.name)
        else:
            tiles = [StripPicture(e.path.name, str(e.path), self._pixmap(e), e.state) for e in entries]
            slot.show_strip(tiles, f"{len(entries)} pictures: a slideshow that changes on the downbeat. "
                                   "Drag to reorder.")
        slot.add_button.setVisible(bool(entries))
        first = entries[0].path if entries and entries[0].preview is not None else None
        if first != self._first:
            self._first = first
            self.image_changed.emit()
        self._refresh_messages()

    @Slot(object)
    def _on_audio_loading(self, path: Path) -> None:
        self._drop.sound.show_loading(path.name)
        self._drop.set_sound_source("file")  # a sound file given: it is the sound
        self._refresh_messages()

    @Slot(object)
    def _on_audio_ready(self, a: AudioPreview) -> None:
        caption = f"{a.path.name} · {audio_caption(a.duration_s, a.codec, a.sample_rate, a.channels)}"
        self._drop.sound.show_sound(clock(a.duration_s), a.envelope, caption)
        self._s.settings.update(last_audio_dir=str(a.path.parent))
        self._refresh_messages()

    @Slot(object, str)
    def _on_audio_failed(self, path: Path, _message: str) -> None:
        self._drop.sound.show_error(path.name)
        self._refresh_messages()
