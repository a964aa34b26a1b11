"""The Captions tab: the cues of the video in a table, edited by hand, with the burned look and a preview frame.

A view: it shows the cues (start, end, text), the selected cue's text with a cursor to split
at, the split/merge/nudge/play buttons (with shortcuts), the look of burned captions, and
a preview frame drawn by the engine. Reading files, transcribing and drawing the preview
are the controller's (:mod:`vidgen_desktop.ui.controllers.captions`), on the background pool.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.core.caption_look import CaptionLook, colour_hex
from vidgen_desktop.ui.captions_model import CueTableModel, cue_time
from vidgen_desktop.ui.frame_view import FrameView
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.video_player import multimedia_available

log = logging.getLogger(__name__)

STYLE_LABELS = {"classic": "Classic (one or two lines)", "karaoke": "Karaoke (the spoken word lights up)",
                "word": "Word by word (large, short-video style)"}
POSITION_LABELS = {"bottom": "Bottom", "middle": "Middle", "top": "Top"}
NUDGE_S = 0.1


class CaptionsPanel(QWidget):
    open_requested = Signal()
    transcribe_requested = Signal()
    #: Preview the frame at this many seconds.
    preview_requested = Signal(float)
    #: ``(row, character)``: split the cue there.
    split_requested = Signal(int, int)
    merge_requested = Signal(int)
    #: ``(row, "start" | "end", seconds)``.
    nudge_requested = Signal(int, str, float)
    text_edited = Signal(int, str)
    look_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("captionsPanel")
        self.model = CueTableModel()
        self.model.text_edited.connect(self.text_edited)
        self._colour = CaptionLook().colour
        self._highlight = CaptionLook().highlight
        self._audio: Path | None = None
        self._player: Any = None
        self._audio_out: Any = None
        self._pending_ms: int | None = None
        self._build()
        self._build_actions()
        self._update_buttons()

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        top = QHBoxLayout()
        self.open_button = QPushButton("Open captions…")
        self.open_button.setToolTip("Load an SRT or WebVTT file to edit and burn")
        self.transcribe_button = QPushButton("Transcribe the sound")
        self.transcribe_button.setToolTip("Write the captions from the speech in the sound, word by word")
        self.status = QLabel("No captions yet: open a captions file or transcribe the sound.")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        top.addWidget(self.open_button)
        top.addWidget(self.transcribe_button)
        top.addWidget(self.status, 1)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Captions")
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self.cue_text = QLineEdit()
        self.cue_text.setPlaceholderText("The selected caption's text; put the cursor where to split")
        self.cue_text.setAccessibleName("Caption text")
        self.cue_text.editingFinished.connect(self._on_cue_text_done)

        edit = QHBoxLayout()
        self.split_button = QPushButton("Split")
        self.merge_button = QPushButton("Merge")
        self.start_earlier = QPushButton("Start −0.1")
        self.start_later = QPushButton("Start +0.1")
        self.end_earlier = QPushButton("End −0.1")
        self.end_later = QPushButton("End +0.1")
        self.play_button = QPushButton("▶ Play")
        self.play_button.setAccessibleName("Play the sound from the selected caption")
        for b in (self.split_button, self.merge_button, self.start_earlier, self.start_later, self.end_earlier,
                  self.end_later, self.play_button):
            edit.addWidget(b)
        edit.addStretch(1)

        look = QGroupBox("Burned captions")
        form = QFormLayout(look)
        self.style_box = QComboBox()
        self.style_box.setAccessibleName("Caption style")
        for value, label in STYLE_LABELS.items():
            self.style_box.addItem(label, value)
        self.size_box = QDoubleSpinBox()
        self.size_box.setAccessibleName("Caption size")
        self.size_box.setRange(0.0, 15.0)
        self.size_box.setSingleStep(0.5)
        self.size_box.setSuffix(" % of height")
        self.size_box.setSpecialValueText("Automatic")
        self.position_box = QComboBox()
        self.position_box.setAccessibleName("Caption position")
        for value, label in POSITION_LABELS.items():
            self.position_box.addItem(label, value)
        colours = QHBoxLayout()
        self.colour_button = QPushButton("Text colour")
        self.highlight_button = QPushButton("Highlight colour")
        colours.addWidget(self.colour_button)
        colours.addWidget(self.highlight_button)
        colours.addStretch(1)
        self.burn_check = QCheckBox("Burn into the picture")
        self.burn_check.setChecked(True)
        self.srt_check = QCheckBox("Save as .srt beside the video")
        self.srt_check.setChecked(True)
        outputs = QHBoxLayout()
        outputs.addWidget(self.burn_check)
        outputs.addWidget(self.srt_check)
        outputs.addStretch(1)
        form.addRow("Style", self.style_box)
        form.addRow("Size", self.size_box)
        form.addRow("Position", self.position_box)
        form.addRow("Colours", colours)
        form.addRow(outputs)

        preview_row = QHBoxLayout()
        self.preview_button = QPushButton("Preview frame")
        self.preview_button.setToolTip("Draw the selected caption on the picture, as the render will")
        self.preview_note = QLabel("")
        self.preview_note.setObjectName("muted")
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.preview_note, 1)
        self.preview = FrameView("The preview frame shows here")
        self.preview.setMinimumSize(160, 90)
        self.preview.setAccessibleName("Caption preview frame")
        preview_col = QVBoxLayout()
        preview_col.addLayout(preview_row)
        preview_col.addWidget(self.preview)
        preview_col.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(look, 1)
        bottom.addLayout(preview_col, 1)

        self.table.setMinimumHeight(150)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.cue_text)
        lay.addLayout(edit)
        lay.addLayout(bottom)

        self.open_button.clicked.connect(self.open_requested)
        self.transcribe_button.clicked.connect(self.transcribe_requested)
        self.split_button.clicked.connect(self.split_selected)
        self.merge_button.clicked.connect(self.merge_selected)
        self.start_earlier.clicked.connect(self._start_earlier)
        self.start_later.clicked.connect(self._start_later)
        self.end_earlier.clicked.connect(self._end_earlier)
        self.end_later.clicked.connect(self._end_later)
        self.play_button.clicked.connect(self.play_selected)
        self.preview_button.clicked.connect(self.preview_selected)
        self.colour_button.clicked.connect(self._choose_colour)
        self.highlight_button.clicked.connect(self._choose_highlight)
        for box in (self.style_box, self.position_box):
            box.currentIndexChanged.connect(self._on_look_changed)
        self.size_box.valueChanged.connect(self._on_look_changed)
        self._paint_colour_buttons()

    def _build_actions(self) -> None:
        """Shortcuts while the tab has the focus: Ctrl+K split, Ctrl+M merge, Alt+←/→ start, Alt+Shift+←/→ end."""
        for keys, slot in (("Ctrl+K", self.split_selected), ("Ctrl+M", self.merge_selected),
                           ("Alt+Left", self._start_earlier), ("Alt+Right", self._start_later),
                           ("Alt+Shift+Left", self._end_earlier), ("Alt+Shift+Right", self._end_later),
                           ("Ctrl+P", self.play_selected)):
            action = QAction(self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
        for button, tip in ((self.split_button, "Split the caption at the cursor in its text (Ctrl+K)"),
                            (self.merge_button, "Merge the caption with the next one (Ctrl+M)"),
                            (self.start_earlier, "Start 0.1 s earlier (Alt+←)"),
                            (self.start_later, "Start 0.1 s later (Alt+→)"),
                            (self.end_earlier, "End 0.1 s earlier (Alt+Shift+←)"),
                            (self.end_later, "End 0.1 s later (Alt+Shift+→)")):
            button.setToolTip(tip)

    # ------------------------------------------------------------------ cues
    def set_cues(self, cues: Sequence[Any], select: int | None = None) -> None:
        """Show ``cues``; keep (or move to) the selected row."""
        row = self.selected_row() if select is None else select
        self.model.replace_cues(cues)
        if cues:
            row = min(max(row, 0), len(cues) - 1)
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._on_row_changed()
        n = len(cues)
        self.status.setText(f"{n} caption{'s' if n != 1 else ''}." if n else "No captions.")

    def cues(self) -> list[Any]:
        return self.model.cues

    def selected_row(self) -> int:
        idx = self.table.selectionModel().currentIndex()
        return idx.row() if idx.isValid() else 0

    @Slot()
    def _on_row_changed(self, *_args: object) -> None:
        cues = self.model.cues
        row = self.selected_row()
        text = cues[row].text.replace("\n", " ") if cues and row < len(cues) else ""
        if text != self.cue_text.text():  # the same text (just edited there): keep the cursor for a split
            self.cue_text.setText(text)
        self._update_buttons()

    def _update_buttons(self) -> None:
        cues = self.model.cues
        have = bool(cues)
        row = self.selected_row()
        for b in (self.split_button, self.start_earlier, self.start_later, self.end_earlier, self.end_later,
                  self.preview_button, self.cue_text):
            b.setEnabled(have)
        self.merge_button.setEnabled(have and row + 1 < len(cues))
        self.play_button.setEnabled(have and self._audio is not None)
        self.play_button.setToolTip("Play the sound from the selected caption (Ctrl+P)" if self._audio is not None
                                    else "Load a sound first")

    @Slot()
    def _on_cue_text_done(self) -> None:
        cues = self.model.cues
        row = self.selected_row()
        text = self.cue_text.text().strip()
        if cues and text and text != cues[row].text.replace("\n", " "):
            self.text_edited.emit(row, text)

    @Slot()
    def split_selected(self) -> None:
        self._on_cue_text_done()  # text typed in the field counts, even before it lost the focus
        if self.model.cues:
            pos = self.cue_text.cursorPosition()
            at = pos if 0 < pos < len(self.cue_text.text()) else -1
            self.split_requested.emit(self.selected_row(), at)

    @Slot()
    def merge_selected(self) -> None:
        self._on_cue_text_done()
        if self.selected_row() + 1 < len(self.model.cues):
            self.merge_requested.emit(self.selected_row())

    def _nudge(self, which: str, delta: float) -> None:
        self._on_cue_text_done()
        if self.model.cues:
            self.nudge_requested.emit(self.selected_row(), which, delta)

    @Slot()
    def _start_earlier(self) -> None:
        self._nudge("start", -NUDGE_S)

    @Slot()
    def _start_later(self) -> None:
        self._nudge("start", NUDGE_S)

    @Slot()
    def _end_earlier(self) -> None:
        self._nudge("end", -NUDGE_S)

    @Slot()
    def _end_later(self) -> None:
        self._nudge("end", NUDGE_S)

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def show_busy(self, what: str, busy: bool) -> None:
        self.open_button.setEnabled(not busy)
        self.transcribe_button.setEnabled(not busy)
        if busy:
            self.status.setText(what)

    def show_listening(self, listening: bool) -> None:
        """While a transcription runs, its button stops it (minutes for a long sound: never a trap)."""
        self.open_button.setEnabled(not listening)
        self.transcribe_button.setEnabled(True)
        self.transcribe_button.setText("Stop listening" if listening else "Transcribe the sound")
        if listening:
            self.status.setText("Listening to the sound… (Stop listening cancels)")

    # ------------------------------------------------------------------ look
    def look(self) -> CaptionLook:
        size = self.size_box.value()
        return CaptionLook(style=str(self.style_box.currentData()), size=size / 100.0 if size >= 2.0 else None,
                           colour=self._colour, highlight=self._highlight,
                           position=str(self.position_box.currentData()))

    def set_look(self, look: CaptionLook) -> None:
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(look.style)))
        self.position_box.setCurrentIndex(max(0, self.position_box.findData(look.position)))
        self.size_box.setValue(look.size * 100 if look.size else 0.0)
        self._colour, self._highlight = look.colour, look.highlight
        self._paint_colour_buttons()

    def burn(self) -> bool:
        return self.burn_check.isChecked()

    def save_srt(self) -> bool:
        return self.srt_check.isChecked()

    @Slot()
    def _on_look_changed(self, *_args: object) -> None:
        if 0 < self.size_box.value() < 2.0:  # below the smallest size: back to automatic
            self.size_box.setValue(0.0)
            return
        self.look_changed.emit()

    def _paint_colour_buttons(self) -> None:
        for button, rgb in ((self.colour_button, self._colour), (self.highlight_button, self._highlight)):
            dark = sum(rgb) < 3 * 128
            button.setStyleSheet(f"background: {colour_hex(rgb)}; color: {'white' if dark else 'black'};")

    def set_colours(self, colour: tuple[int, int, int] | None = None,
                    highlight: tuple[int, int, int] | None = None) -> None:
        self._colour = colour or self._colour
        self._highlight = highlight or self._highlight
        self._paint_colour_buttons()
        self.look_changed.emit()

    @Slot()
    def _choose_colour(self) -> None:
        c = QColorDialog.getColor(QColor(*self._colour), self, "Caption text colour")
        if c.isValid():
            self.set_colours(colour=(c.red(), c.green(), c.blue()))

    @Slot()
    def _choose_highlight(self) -> None:
        c = QColorDialog.getColor(QColor(*self._highlight), self, "Colour of the word being said")
        if c.isValid():
            self.set_colours(highlight=(c.red(), c.green(), c.blue()))

    # ------------------------------------------------------------------ preview and playback
    def preview_time(self) -> float:
        """A moment inside the selected cue (40 % in: karaoke shows a lit word)."""
        cues = self.model.cues
        if not cues:
            return 0.0
        c = cues[self.selected_row()]
        return float(c.start + 0.4 * (c.end - c.start))

    @Slot()
    def preview_selected(self) -> None:
        if self.model.cues:
            self.preview_requested.emit(self.preview_time())

    def show_preview(self, rgb: Any, t: float) -> None:
        self.preview.set_image(rgb_to_qimage(rgb))
        self.preview_note.setText(f"at {cue_time(t)}")

    def show_preview_problem(self, text: str) -> None:
        self.preview_note.setText(text)

    def set_audio(self, path: Path | None) -> None:
        """The sound "Play from here" plays (``None``: none loaded)."""
        self._audio = path
        self._update_buttons()

    @Slot()
    def play_selected(self) -> None:
        cues = self.model.cues
        if not cues or self._audio is None:
            return
        start_ms = int(cues[self.selected_row()].start * 1000)
        if not multimedia_available():
            self.status.setText("In-window playback needs PySide6-Addons (QtMultimedia).")
            return
        try:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            if self._player is None:
                self._player = QMediaPlayer(self)
                self._audio_out = QAudioOutput(self)
                self._player.setAudioOutput(self._audio_out)
                self._player.mediaStatusChanged.connect(self._on_media_status)
            self._pending_ms = start_ms  # applied once the file is loaded (a seek before that is lost)
            if self._player.source() != QUrl.fromLocalFile(str(self._audio)):
                self._player.setSource(QUrl.fromLocalFile(str(self._audio)))
            else:
                self._player.setPosition(start_ms)
            self._player.play()
            self.status.setText(f"Playing from {cue_time(start_ms / 1000)}.")
        except Exception:  # a broken multimedia backend: say so, keep editing
            log.exception("in-window playback failed")
            self.status.setText("The sound could not be played here.")

    @Slot()
    def _on_media_status(self, *_args: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._player is not None and self._pending_ms is not None and self._player.mediaStatus() in (
                QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia):
            self._player.setPosition(self._pending_ms)
            self._pending_ms = None

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
