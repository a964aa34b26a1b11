"""The Narration tab beside the sound drop: a typed script spoken by a voice becomes the video's sound.

A view: it shows the script box, the engine/language/voice pickers (engines that cannot
run here are listed, disabled, with the reason), the captions choice, optional music and
voice sample, and "Preview voice". What the voices are comes from the bridge
(:func:`vidgen_desktop.bridge.narration.voice_catalogue`, read in the background); the
window persists the choices and starts previews and renders.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.narration import (
    ENGINE_LABELS,
    ENGINE_ORDER,
    Choice,
    EngineOption,
    VoiceCatalogue,
    spoken_estimate_s,
)
from vidgen_desktop.core.settings import NarrationSettings
from vidgen_desktop.ui.formatting import clock
from vidgen_desktop.ui.video_player import multimedia_available

log = logging.getLogger(__name__)

CAPTION_LABELS = {"srt": "Subtitles file (.srt)", "burn": "Burned into the picture", "none": "None"}
CAPTION_TIPS = {"srt": "VIDEO.srt next to the video: players show it when subtitles are on",
                "burn": "Drawn into every frame: always visible, cannot be turned off",
                "none": "No captions"}
DEFAULT_LANGUAGE_LABEL = "Default (English)"
DEFAULT_VOICE_LABEL = "Default voice"


def _combo(name: str, min_chars: int = 14) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(min_chars)
    box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return box


def _muted(text: str = "", name: str = "") -> QLabel:
    lab = QLabel(text)
    lab.setObjectName("muted")
    lab.setWordWrap(True)
    if name:
        lab.setAccessibleName(name)
    return lab


class ScriptEdit(QPlainTextEdit):
    """The script box. Dropped files are not pasted in as paths: they go on to the drop zone."""

    def sizeHint(self) -> QSize:  # about five lines: the window's left column must still fit a laptop
        return QSize(240, 6 * self.fontMetrics().lineSpacing())

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        if source.hasUrls() and any(u.isLocalFile() for u in source.urls()):
            return False
        return super().canInsertFromMimeData(source)


class _FileRow(QWidget):
    """A chosen file's name, a "Choose…" button and a clear button."""

    choose_clicked = Signal()
    changed = Signal()

    def __init__(self, what: str, empty: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._path: Path | None = None
        self.name = QLineEdit()
        self.name.setReadOnly(True)
        self.name.setPlaceholderText(empty)
        self.name.setAccessibleName(what)
        self.choose = QPushButton("Choose…")
        self.choose.setAccessibleName(f"Choose the {what.lower()}")
        self.choose.clicked.connect(self.choose_clicked)
        self.clear = QToolButton()
        self.clear.setText("✕")
        self.clear.setAutoRaise(True)
        self.clear.setToolTip(f"No {what.lower()}")
        self.clear.setAccessibleName(f"Remove the {what.lower()}")
        self.clear.clicked.connect(lambda: self.set_path(None))
        self.clear.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.name, 1)
        row.addWidget(self.clear)
        row.addWidget(self.choose)

    @property
    def path(self) -> Path | None:
        return self._path

    def set_path(self, path: Path | None) -> None:
        if path == self._path:
            return
        self._path = path
        self.name.setText(path.name if path else "")
        self.name.setToolTip(str(path) if path else "")
        self.clear.setVisible(path is not None)
        self.changed.emit()


class NarrationPanel(QFrame):
    #: A remembered choice changed (engine, voice, language, captions): read :meth:`values`.
    changed = Signal()
    script_changed = Signal()
    preview_requested = Signal()
    choose_music_requested = Signal()
    choose_sample_requested = Signal()
    #: "Get more voices": the window shows the Models tab.
    models_requested = Signal()
    #: An installed Bark/XTTS engine was chosen: the window reads its voices (slow, in the background).
    engine_voices_wanted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Drawn as an input card like the picture and sound ones (highlighted once there is a script).
        self.setObjectName("inputCard")
        self.setProperty("state", "empty")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Narration: a script spoken as the video's sound")
        self._catalogue: VoiceCatalogue | None = None
        self._wanted = NarrationSettings()
        self._engine_voices: dict[str, tuple[Choice, ...]] = {}
        self._player: Any = None
        self._audio_out: Any = None

        self.script = ScriptEdit()
        self.script.setAccessibleName("Narration script")
        self.script.setPlaceholderText("Type what the voice should say. The video lasts as long as the speech.")
        self.script.setTabChangesFocus(True)
        self.script.setMinimumHeight(4 * self.script.fontMetrics().lineSpacing())
        self.script.textChanged.connect(self._on_script)
        self.script_info = _muted("", "Script length")

        self.engine = _combo("Voice engine")
        for value in ENGINE_ORDER:
            self.engine.addItem(ENGINE_LABELS[value], value)
        self.engine_note = _muted("Checking which voices are installed…", "About the voice engine")
        self.engine_note.setTextFormat(Qt.TextFormat.RichText)
        self.engine_note.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                 | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.engine_note.linkActivated.connect(self._on_link)
        self.language = _combo("Narration language")
        self.language.addItem(DEFAULT_LANGUAGE_LABEL, "")
        self.voice = _combo("Voice")
        self.voice.addItem(DEFAULT_VOICE_LABEL, "")
        self.captions = _combo("Captions")
        for i, (value, label) in enumerate(CAPTION_LABELS.items()):
            self.captions.addItem(label, value)
            self.captions.setItemData(i, CAPTION_TIPS[value], Qt.ItemDataRole.ToolTipRole)
        self.music = _FileRow("Background music", "None")
        self.music.choose_clicked.connect(self.choose_music_requested)
        self.sample = _FileRow("Voice sample", "None: a built-in speaker")
        self.sample.choose_clicked.connect(self.choose_sample_requested)
        self.sample.setToolTip("6–30 s of one person speaking clearly: XTTS-v2 copies the voice")

        self.licence = QLabel()
        self.licence.setObjectName("inlineMessage")
        self.licence.setProperty("kind", "info")
        self.licence.setWordWrap(True)
        self.licence.setAccessibleName("Voice licence")
        self.licence.hide()

        self.preview_button = QPushButton("Preview voice")
        self.preview_button.setAccessibleName("Preview the voice: speak the first sentence")
        self.preview_button.setToolTip("Speak the script's first sentence with these settings")
        self.preview_button.clicked.connect(self.preview_requested)
        self.preview_status = _muted("", "Voice preview status")

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(4)
        self._form = form
        for text, widget in (("En&gine", self.engine), ("", self.engine_note), ("&Language", self.language),
                             ("&Voice", self.voice), ("Voice sample", self.sample), ("M&usic", self.music),
                             ("&Captions", self.captions)):
            if text:
                buddy = QLabel(text)
                buddy.setBuddy(widget if not isinstance(widget, _FileRow) else widget.choose)
                form.addRow(buddy, widget)
            else:
                form.addRow(widget)

        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_button)
        preview_row.addWidget(self.preview_status, 1)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(4)
        lay.addWidget(self.script, 1)
        lay.addWidget(self.script_info)
        lay.addLayout(form)
        lay.addWidget(self.licence)
        lay.addLayout(preview_row)

        self.engine.currentIndexChanged.connect(self._on_engine)
        self.language.currentIndexChanged.connect(self._on_language)
        self.voice.currentIndexChanged.connect(self._on_choice)
        self.captions.currentIndexChanged.connect(self._on_choice)
        self._on_script()
        self._show_engine_details()

    # ------------------------------------------------------------------ state in and out
    def load(self, settings: NarrationSettings) -> None:
        """Show saved choices (before and after the voice catalogue arrives), without emitting changes."""
        self._wanted = settings
        self._fill(settings)

    def values(self) -> dict[str, str]:
        return {
            "engine": str(self.engine.currentData() or "auto"),
            "voice": str(self.voice.currentData() or ""),
            "language": str(self.language.currentData() or ""),
            "captions": str(self.captions.currentData() or "srt"),
        }

    def script_text(self) -> str:
        return self.script.toPlainText()

    def set_script(self, text: str) -> None:
        self.script.setPlainText(text)

    @property
    def music_path(self) -> Path | None:
        return self.music.path

    def set_music(self, path: Path | None) -> None:
        self.music.set_path(path)

    @property
    def sample_path(self) -> Path | None:
        """The voice sample, only while it is used (XTTS-v2 chosen)."""
        return self.sample.path if self._sample_wanted() else None

    def set_sample(self, path: Path | None) -> None:
        self.sample.set_path(path)

    @property
    def catalogue(self) -> VoiceCatalogue | None:
        return self._catalogue

    def effective_engine(self) -> str:
        value = str(self.engine.currentData() or "auto")
        return self._catalogue.effective_engine(value) if self._catalogue else value

    def engine_blocker(self) -> str:
        """Why the chosen engine cannot speak here ("" when it can)."""
        opt = self._catalogue.engine(str(self.engine.currentData())) if self._catalogue else None
        if opt is not None and not opt.available:
            return f"{opt.label} {opt.reason}."
        return ""

    # ------------------------------------------------------------------ the catalogue
    def set_catalogue(self, catalogue: VoiceCatalogue) -> None:
        """Mark engines usable or not (with the reason) and fill the languages and voices."""
        self._catalogue = catalogue
        model = self.engine.model()
        assert isinstance(model, QStandardItemModel)
        for i in range(self.engine.count()):
            opt = catalogue.engine(str(self.engine.itemData(i)))
            item = model.item(i)
            if opt is None:
                continue
            item.setEnabled(opt.available)
            item.setToolTip(opt.reason[:1].upper() + opt.reason[1:])
            if opt.engine == "auto":
                item.setText(f"Automatic ({ENGINE_LABELS.get(opt.resolves_to, opt.resolves_to)})")
            elif opt.available:
                item.setText(opt.label)
            else:
                item.setText(f"{opt.label} — not available")
        self._fill(self._wanted)
        self._want_engine_voices()

    def set_engine_voices(self, engine: str, voices: tuple[Choice, ...]) -> None:
        """The voices of an installed Bark/XTTS model, read in the background."""
        self._engine_voices[engine] = voices
        if self.effective_engine() == engine:
            self._fill_voices(str(self.voice.currentData() or self._wanted.voice))

    def _fill(self, wanted: NarrationSettings) -> None:
        for box in (self.engine, self.language, self.voice, self.captions):
            box.blockSignals(True)
        try:
            self._select(self.captions, wanted.captions)
            i = self.engine.findData(wanted.engine)
            model = self.engine.model()
            assert isinstance(model, QStandardItemModel)
            if i < 0 or not model.item(i).isEnabled():
                i = self.engine.findData("auto")
            self.engine.setCurrentIndex(i)
            self._fill_languages(wanted.language)
            self._fill_voices(wanted.voice)
        finally:
            for box in (self.engine, self.language, self.voice, self.captions):
                box.blockSignals(False)
        self._show_engine_details()

    @staticmethod
    def _select(box: QComboBox, value: str) -> None:
        i = box.findData(value)
        box.setCurrentIndex(max(i, 0))

    def _fill_languages(self, want: str) -> None:
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(DEFAULT_LANGUAGE_LABEL, "")
        langs = self._catalogue.languages.get(str(self.engine.currentData()), ()) if self._catalogue else ()
        for c in langs:
            self.language.addItem(f"{c.label} ({c.value})" if c.label != c.value else c.value, c.value)
        if want and self.language.findData(want) < 0 and self._catalogue is None:
            self.language.addItem(want, want)  # saved choice, shown until the catalogue says more
        self._select(self.language, want)
        self.language.blockSignals(False)

    def _fill_voices(self, want: str) -> None:
        self.voice.blockSignals(True)
        self.voice.clear()
        self.voice.addItem(DEFAULT_VOICE_LABEL, "")
        engine = str(self.engine.currentData())
        voices: tuple[Choice, ...] = ()
        if self._catalogue is not None:
            voices = self._catalogue.voices.get(engine, ()) or self._engine_voices.get(self.effective_engine(), ())
        lang = str(self.language.currentData() or "")
        for c in voices:
            if self.effective_engine() == "bark" and lang and not c.value.split("/")[-1].startswith(lang[:2]):
                continue  # Bark's presets are per language
            self.voice.addItem(c.label, c.value)
        if want and self.voice.findData(want) < 0 and self._catalogue is None:
            self.voice.addItem(want, want)
        self._select(self.voice, want)
        self.voice.blockSignals(False)

    # ------------------------------------------------------------------ reactions
    @Slot()
    def _on_script(self) -> None:
        text = self.script.toPlainText()
        words = len(text.split())
        if words:
            self.script_info.setText(f"{words:,} word{'s' if words != 1 else ''} · about "
                                     f"{clock(max(1.0, spoken_estimate_s(text)))} spoken")
        else:
            self.script_info.setText("The video lasts as long as the narration.")
        state = "ready" if words else "empty"
        if self.property("state") != state:
            self.setProperty("state", state)
            self.style().unpolish(self)
            self.style().polish(self)
        self.script_changed.emit()

    @Slot(int)
    def _on_engine(self, _index: int) -> None:
        self._fill_languages(str(self.language.currentData() or ""))
        self._fill_voices("")
        self._show_engine_details()
        self._want_engine_voices()
        self._remember()

    def _want_engine_voices(self) -> None:
        """Bark's and XTTS's voices are only known once their model is loaded: ask for them once."""
        eff = self.effective_engine()
        opt = self._catalogue.engine(eff) if self._catalogue else None
        if eff in ("bark", "xtts") and opt is not None and opt.available and eff not in self._engine_voices:
            self._engine_voices[eff] = ()  # asked; filled by :meth:`set_engine_voices`
            self.engine_voices_wanted.emit(eff)

    @Slot(int)
    def _on_language(self, _index: int) -> None:
        if self.effective_engine() == "bark":
            self._fill_voices(str(self.voice.currentData() or ""))
        self._remember()

    @Slot(int)
    def _on_choice(self, _index: int) -> None:
        self._remember()

    def _remember(self) -> None:
        """The user's choice is what a later catalogue refresh keeps selected."""
        v = self.values()
        self._wanted = NarrationSettings(self._wanted.source, v["engine"], v["voice"], v["language"], v["captions"])
        self.changed.emit()

    def _sample_wanted(self) -> bool:
        return self.effective_engine() == "xtts"

    def _show_engine_details(self) -> None:
        value = str(self.engine.currentData() or "auto")
        opt: EngineOption | None = self._catalogue.engine(value) if self._catalogue else None
        parts: list[str] = []
        if opt is not None:
            parts.append(html.escape(opt.reason[:1].upper() + opt.reason[1:]) + ".")
        elif self._catalogue is None:
            parts.append("Checking which voices are installed…")
        if self._catalogue is not None and any(e.needs_download for e in self._catalogue.engines):
            parts.append('<a href="models">Get more voices…</a>')
        self.engine_note.setText(" ".join(parts))
        self._form.setRowVisible(self.sample, self._sample_wanted())
        eff = self.effective_engine()
        eff_opt = self._catalogue.engine(eff) if self._catalogue else None
        licence = eff_opt.licence if eff_opt is not None else ""
        self.licence.setText(f"Licence: {licence}" if eff == "xtts" and licence else "")
        self.licence.setVisible(eff == "xtts" and bool(licence))

    def _on_link(self, href: str) -> None:
        if href == "models":
            self.models_requested.emit()

    # ------------------------------------------------------------------ preview
    def show_preview_busy(self) -> None:
        self.stop_preview()
        self.preview_button.setEnabled(False)
        self.preview_status.setText("Speaking the first sentence…")

    def show_preview_error(self, text: str) -> None:
        self.preview_button.setEnabled(True)
        self.preview_status.setText(text)

    def show_preview_ready(self, path: Path, seconds: float, description: str) -> None:
        """Play the preview here when QtMultimedia is there, else hand it to the system's player."""
        self.preview_button.setEnabled(True)
        how = self.play_sound(path)
        self.preview_status.setText(f"{how} {description}, {seconds:.1f} s.")

    def play_sound(self, path: Path) -> str:
        """Start playing ``path``; returns the first words of the status line."""
        if multimedia_available():
            try:
                from PySide6.QtMultimedia import QAudioOutput, QMediaDevices, QMediaPlayer

                if QMediaDevices.audioOutputs():  # else: no sound card Qt can use; the system player may
                    if self._player is None:
                        self._player = QMediaPlayer(self)
                        self._audio_out = QAudioOutput(self)
                        self._player.setAudioOutput(self._audio_out)
                        self._player.playbackStateChanged.connect(self._on_playback_state)
                    self._player.setSource(QUrl.fromLocalFile(str(path)))
                    self._player.play()
                    return "Playing:"
            except Exception:  # a broken multimedia backend: fall back to the system player
                log.exception("in-window audio preview failed")
        from vidgen_desktop.ui import desktop

        desktop.open_file(path)
        return "Opened in your audio player:"

    @Slot()
    def _on_playback_state(self, *_args: object) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._player is not None and self._player.playbackState() == QMediaPlayer.PlaybackState.StoppedState:
            text = self.preview_status.text()
            if text.startswith("Playing:"):
                self.preview_status.setText("Preview:" + text[len("Playing:"):])

    def stop_preview(self) -> None:
        if self._player is not None:
            self._player.stop()
            self._player.setSource(QUrl())
