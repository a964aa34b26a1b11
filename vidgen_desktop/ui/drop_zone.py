"""The drop zone: where a picture and a sound file go in, and where the user sees what went in.

It is a view: it turns drops and clicks into signals and shows what it is told. Deciding
what a file is and reading it happens in :mod:`vidgen_desktop.ui.input_loader`.
The sound side has two tabs: *Sound file* (the drop card) and *Narration* (a typed
script spoken by a voice, :mod:`vidgen_desktop.ui.narration_panel`), which is the
"sound source" the window renders with.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.ui.dnd import local_paths
from vidgen_desktop.ui.picture_strip import PictureStrip, StripPicture
from vidgen_desktop.ui.waveform import WaveformView

__all__ = ["DropZone", "PictureSlot", "SoundSlot", "local_paths"]


class _Slot(QFrame):
    """One input card (picture or sound): empty, loading, ready or error."""

    choose_clicked = Signal()
    clear_clicked = Signal()

    def __init__(self, title: str, empty_text: str, choose_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inputCard")
        self.setProperty("state", "empty")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._empty_text = empty_text

        head = QHBoxLayout()
        self.title = QLabel(f"<b>{title}</b>")
        self.clear_button = QToolButton()
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip(f"Remove the {title.lower()}")
        self.clear_button.setAccessibleName(f"Remove {title.lower()}")
        self.clear_button.hide()
        self.clear_button.clicked.connect(self.clear_clicked)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.clear_button)
        self.head = head

        self.body = QStackedLayout()
        self.placeholder = QLabel(empty_text)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setObjectName("placeholder")
        self.body.addWidget(self.placeholder)

        self.caption = QLabel()
        self.caption.setObjectName("caption")
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(choose_text)
        self.choose_button.clicked.connect(self.choose_clicked)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 12)
        lay.addLayout(head)
        lay.addLayout(self.body, 1)
        lay.addWidget(self.caption)
        lay.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _set_state(self, state: str) -> None:
        self.setProperty("state", state)
        self.style().unpolish(self)
        self.style().polish(self)
        self.clear_button.setVisible(state in ("ready", "error", "loading"))

    @property
    def state(self) -> str:
        return str(self.property("state"))

    def show_loading(self, name: str) -> None:
        self.placeholder.setText(f"Reading “{name}”…")
        self.body.setCurrentWidget(self.placeholder)
        self.caption.setText("")
        self._set_state("loading")

    def show_error(self, name: str) -> None:
        self.placeholder.setText(f"“{name}” can't be used.\nSee the message below.")
        self.body.setCurrentWidget(self.placeholder)
        self.caption.setText("")
        self._set_state("error")

    def show_empty(self) -> None:
        self.placeholder.setText(self._empty_text)
        self.body.setCurrentWidget(self.placeholder)
        self.caption.setText("")
        self._set_state("empty")


class PictureSlot(_Slot):
    """One picture (a thumbnail) or several (a strip to reorder: a slideshow)."""

    THUMB_SIDE = 220
    #: The slideshow transition changed: "crossfade" or "cut".
    transition_changed = Signal(str)
    add_clicked = Signal()
    TRANSITIONS = (("crossfade", "Crossfade"), ("cut", "Cut"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Picture", "Drop a picture here — or several for a slideshow\n(JPEG, PNG, WebP…)",
                         "Choose picture…", parent)
        self.thumb = QLabel()
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setMinimumSize(QSize(160, 120))
        self.thumb.setAccessibleName("Picture thumbnail")
        self.body.addWidget(self.thumb)
        self.choose_button.setAccessibleName("Choose a picture")
        # "+" beside the ✕: more pictures make a slideshow (compact, so the card stays as narrow as before).
        self.add_button = QToolButton()
        self.add_button.setText("＋")
        self.add_button.setAutoRaise(True)
        self.add_button.setAccessibleName("Add pictures to the slideshow")
        self.add_button.setToolTip("Add pictures: several make a slideshow that changes on the downbeat")
        self.add_button.clicked.connect(self.add_clicked)
        self.add_button.hide()
        self.head.insertWidget(self.head.indexOf(self.clear_button), self.add_button)

        page = QWidget()
        v = QVBoxLayout(page)
        v.setContentsMargins(0, 0, 0, 0)
        self.strip = PictureStrip()
        v.addWidget(self.strip, 1)
        controls = QHBoxLayout()
        label = QLabel("Transition:")
        label.setObjectName("muted")
        self.transition = QComboBox()
        for value, text in self.TRANSITIONS:
            self.transition.addItem(text, value)
        self.transition.setAccessibleName("How one picture gives way to the next")
        self.transition.setToolTip("How one picture gives way to the next, on the downbeat")
        self.transition.currentIndexChanged.connect(self._on_transition)
        label.setBuddy(self.transition)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove the selected picture")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._on_remove)
        self.strip.currentRowChanged.connect(self._on_row)
        controls.addWidget(label)
        controls.addWidget(self.transition)
        controls.addStretch(1)
        controls.addWidget(self.remove_button)
        v.addLayout(controls)
        self.body.addWidget(page)
        self._strip_page = page

    def show_picture(self, pixmap: QPixmap, caption: str) -> None:
        self.title.setText("<b>Picture</b>")
        self.thumb.setPixmap(pixmap)
        self.thumb.setToolTip(caption)
        self.body.setCurrentWidget(self.thumb)
        self.caption.setText(caption)
        self._set_state("ready")

    def show_strip(self, pictures: list[StripPicture], caption: str) -> None:
        """Several pictures: the strip, in order; the card is ready once all of them are."""
        self.title.setText(f"<b>Pictures ({len(pictures)})</b>")
        self.strip.show_pictures(pictures)
        self.body.setCurrentWidget(self._strip_page)
        self.caption.setText(caption)
        states = {p.state for p in pictures}
        self._set_state("error" if "error" in states else "loading" if "loading" in states else "ready")
        self.remove_button.setEnabled(self.strip.currentRow() >= 0)

    def set_transition(self, value: str) -> None:
        index = self.transition.findData(value)
        if index >= 0:
            self.transition.setCurrentIndex(index)

    def _on_transition(self, index: int) -> None:
        if index >= 0:
            self.transition_changed.emit(str(self.transition.itemData(index)))

    def _on_row(self, row: int) -> None:
        self.remove_button.setEnabled(row >= 0)

    def _on_remove(self) -> None:
        if self.strip.currentRow() >= 0:
            self.strip.remove_requested.emit(self.strip.currentRow())

    def show_loading(self, name: str) -> None:
        self.title.setText("<b>Picture</b>")
        super().show_loading(name)

    def show_error(self, name: str) -> None:
        self.title.setText("<b>Picture</b>")
        super().show_error(name)

    def show_empty(self) -> None:
        self.title.setText("<b>Picture</b>")
        super().show_empty()


class SoundSlot(_Slot):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Sound", "Drop a sound file here\n(MP3, WAV, M4A…)", "Choose sound…", parent)
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.duration = QLabel()
        self.duration.setObjectName("duration")
        self.duration.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.duration.setAccessibleName("Sound duration")
        self.waveform = WaveformView()
        v.addStretch(1)
        v.addWidget(self.duration)
        v.addWidget(self.waveform)
        v.addStretch(1)
        self.body.addWidget(box)
        self._sound_page = box
        self.choose_button.setAccessibleName("Choose a sound file")

    def show_sound(self, duration_text: str, envelope: Any, caption: str) -> None:
        self.duration.setText(duration_text)
        self.waveform.set_envelope(envelope)
        self.body.setCurrentWidget(self._sound_page)
        self.caption.setText(caption)
        self._set_state("ready")

    def show_empty(self) -> None:
        self.waveform.clear()
        super().show_empty()


class DropZone(QFrame):
    """Accepts drops of one or two files anywhere on it; has pickers and a "try the sample" link."""

    files_dropped = Signal(list)  # list[Path]
    open_requested = Signal()
    sample_requested = Signal()
    #: The sound tab changed: "file" or "narration".
    sound_source_changed = Signal(str)

    SOURCES = ("file", "narration")

    def __init__(self, parent: QWidget | None = None, *, narration: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setProperty("dragActive", False)
        self.setAccessibleName("Drop zone for a picture and a sound file")
        self.setAccessibleDescription("Drop a picture and a sound file here, together or one at a time.")

        self.picture = PictureSlot()
        self.sound = SoundSlot()
        self.sound_tabs = QTabWidget()
        self.sound_tabs.setObjectName("soundTabs")
        self.sound_tabs.setDocumentMode(True)
        self.sound_tabs.setAccessibleName("Where the sound comes from: a sound file or a narration")
        self.sound_tabs.addTab(self.sound, "Sound file")
        self.sound_tabs.setTabToolTip(0, "Use a sound file (music, a recording)")
        if narration is not None:
            self.sound_tabs.addTab(narration, "Narration")
            self.sound_tabs.setTabToolTip(1, "Type a script: a voice speaks it, and the video lasts as long")
        self.sound_tabs.currentChanged.connect(self._on_sound_tab)
        picture_column = QVBoxLayout()
        picture_column.setContentsMargins(0, 0, 0, 0)
        # Level with the sound card under the tabs: tops and bottoms of the two cards line up.
        picture_column.addSpacing(self.sound_tabs.tabBar().sizeHint().height())
        picture_column.addWidget(self.picture, 1)
        cards = QHBoxLayout()
        cards.setSpacing(12)
        cards.addLayout(picture_column, 4)
        cards.addWidget(self.sound_tabs, 5)

        self.hint = QLabel(
            'Drag a picture (or several) and a sound file here, together or one at a time — or '
            '<a href="open">choose files</a> · <a href="sample">try the sample</a>'
        )
        self.hint.setObjectName("dropHint")
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.hint.linkActivated.connect(self._on_link)
        self.hint.setAccessibleName("Choose files or try the sample")

        self.message = QLabel()
        self.message.setObjectName("inlineMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Message about the dropped files")
        self.message.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 14, 14, 12)
        lay.setSpacing(10)
        lay.addLayout(cards, 1)
        lay.addWidget(self.hint)
        lay.addWidget(self.message)

    # --- sound source --------------------------------------------------------------------
    def sound_source(self) -> str:
        return self.SOURCES[self.sound_tabs.currentIndex()] if self.sound_tabs.currentIndex() >= 0 else "file"

    def set_sound_source(self, source: str) -> None:
        """Show the sound file card or the narration tab (emits :attr:`sound_source_changed` on a change)."""
        index = self.SOURCES.index(source) if source in self.SOURCES else 0
        if index < self.sound_tabs.count():
            self.sound_tabs.setCurrentIndex(index)

    def _on_sound_tab(self, index: int) -> None:
        if index >= 0:
            self.sound_source_changed.emit(self.SOURCES[index])

    # --- messages ----------------------------------------------------------------------
    def show_message(self, lines: list[str], *, error: bool = True) -> None:
        """One calm inline message (several problems become several lines), never a dialog."""
        if not lines:
            self.clear_message()
            return
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText("\n".join(lines))
        self.message.show()

    def clear_message(self) -> None:
        self.message.clear()
        self.message.hide()

    @property
    def message_text(self) -> str:
        return self.message.text()

    # --- drag and drop -----------------------------------------------------------------
    def _set_drag_active(self, active: bool) -> None:
        self.setProperty("dragActive", active)
        self.style().unpolish(self)
        self.style().polish(self)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_paths(event):
            event.acceptProposedAction()
            self._set_drag_active(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QEvent) -> None:  # type: ignore[override]
        event.acceptProposedAction()  # type: ignore[attr-defined]

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drag_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drag_active(False)
        paths = local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.files_dropped.emit(paths)

    def _on_link(self, href: str) -> None:
        if href == "sample":
            self.sample_requested.emit()
        else:
            self.open_requested.emit()
