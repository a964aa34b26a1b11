"""The main window: wires the panels to the bridge and keeps the Render button honest.

The window owns no long-running work. Files are read by :class:`InputLoader` on the
background pool, renders run on the controller's thread, hardware is probed in a
coroutine. Every handler here is short, so resizing and clicking stay responsive
during a render.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QImage, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop import APP_NAME
from vidgen_desktop.bridge import inputs
from vidgen_desktop.bridge.downloads import DownloadManager
from vidgen_desktop.bridge.errors import ErrorInfo, error_info
from vidgen_desktop.bridge.hardware import HardwareSnapshot, decide, probe_snapshot, report_text
from vidgen_desktop.bridge.inputs import AudioPreview, ImagePreview
from vidgen_desktop.bridge.job_builder import (
    build_ai_options,
    build_job,
    build_narration,
    default_output_path,
    ensure_folder,
)
from vidgen_desktop.bridge.models import model_rows, with_installed_models
from vidgen_desktop.bridge.narration import VoicePreviewer, engine_voices, spoken_estimate_s, voice_catalogue
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.core.cancel import CancelToken
from vidgen_desktop.core.errors import CancelledError, VidGenError
from vidgen_desktop.core.jobs import Tier
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui import desktop
from vidgen_desktop.ui.drop_zone import DropZone, PictureSlot
from vidgen_desktop.ui.formatting import audio_caption, clock, percent
from vidgen_desktop.ui.hardware_panel import HardwarePanel
from vidgen_desktop.ui.imaging import rgb_to_pixmap, rgb_to_qimage
from vidgen_desktop.ui.input_loader import InputLoader
from vidgen_desktop.ui.models_panel import ModelsPanel
from vidgen_desktop.ui.narration_panel import NarrationPanel
from vidgen_desktop.ui.notify import Notifier
from vidgen_desktop.ui.output_panel import OutputPanel
from vidgen_desktop.ui.progress_panel import ProgressPanel

if TYPE_CHECKING:
    from vidgen_desktop.engine.decide import TierDecision

log = logging.getLogger(__name__)

OUTPUT_SUFFIXES = (".mp4", ".m4v", ".mov")


class MainWindow(QMainWindow):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.s = services
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")
        self.setMinimumSize(QSize(720, 480))  # small laptops at 150 % scaling
        dpr = self.devicePixelRatioF() if self.devicePixelRatioF() > 0 else 1.0
        self.loader = InputLoader(services.tasks, thumb_side_px=int(PictureSlot.THUMB_SIDE * max(1.0, dpr)), parent=self)
        self.notifier = Notifier(self)
        self._snapshot: HardwareSnapshot | None = None
        self._decision: TierDecision | None = None
        self._output_override: Path | None = None
        self._poster: QImage | None = None
        self._drop_notes: list[str] = []
        self._close_when_idle = False
        self.downloads = DownloadManager(services.paths, parent=self)
        self._started_background = False
        self._last_result: Any = None
        self.previewer = VoicePreviewer()
        self._preview_cancel: CancelToken | None = None

        self._build()
        self._build_actions()
        self._connect()
        self._restore()
        self._update_output_path()
        self._update_render_state()

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        self.narration_panel = NarrationPanel()
        self.drop = DropZone(narration=self.narration_panel)
        self.output_panel = OutputPanel()
        self.progress_panel = ProgressPanel()
        self.hardware_panel = HardwarePanel()
        self.models_panel = ModelsPanel()
        self.models_panel.attach(self.downloads, self.s.tasks)

        headline = QLabel("Turn a picture and a sound into a video")
        headline.setObjectName("headline")
        sub = QLabel("Everything happens on this computer. Nothing is uploaded.")
        sub.setObjectName("muted")

        self.render_button = QPushButton("Render video")
        self.render_button.setObjectName("renderButton")
        self.render_button.setAccessibleName("Render the video")
        self.render_button.setToolTip("Render (Ctrl+Enter)")
        self.render_button.setDefault(True)
        self.render_reason = QLabel()
        self.render_reason.setObjectName("renderReason")
        self.render_reason.setWordWrap(True)
        self.render_reason.setAccessibleName("Why rendering is not possible yet")
        render_row = QHBoxLayout()
        render_row.addWidget(self.render_reason, 1)
        render_row.addWidget(self.render_button)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(16, 14, 12, 14)
        lv.setSpacing(12)
        lv.addWidget(headline)
        lv.addWidget(sub)
        lv.addWidget(self.drop, 1)
        lv.addWidget(self.output_panel)
        lv.addLayout(render_row)
        scroll = QScrollArea()
        scroll.setWidget(left)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.progress_panel, "Render")
        self.tabs.addTab(self.hardware_panel, "This computer")
        self.tabs.addTab(self.models_panel, "Models")
        self.tabs.setAccessibleName("Render, hardware and models")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(scroll)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)

        self.banner = QFrame()
        self.banner.setObjectName("appBanner")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_text.setAccessibleName("Problem message")
        banner_logs = QPushButton("Open log folder")
        banner_logs.clicked.connect(self.open_logs)
        banner_close = QPushButton("Dismiss")
        banner_close.clicked.connect(self.banner.hide)
        bl = QHBoxLayout(self.banner)
        bl.addWidget(self.banner_text, 1)
        bl.addWidget(banner_logs)
        bl.addWidget(banner_close)
        self.banner.hide()

        central = QWidget()
        cv = QVBoxLayout(central)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(0)
        cv.addWidget(self.banner)
        cv.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)

    def _build_actions(self) -> None:
        def action(text: str, slot: Any, shortcuts: list[QKeySequence] | None = None, name: str = "") -> QAction:
            a = QAction(text, self)
            if shortcuts:
                a.setShortcuts(shortcuts)
                a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            if name:
                a.setObjectName(name)
            self.addAction(a)
            return a

        self.open_action = action("&Open picture and sound…", self.open_files, [QKeySequence.StandardKey.Open],
                                  "openAction")
        self.sample_action = action("Try the &sample", self.load_sample, None, "sampleAction")
        self.render_action = action("&Render", self.start_render,
                                    [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")], "renderAction")
        self.cancel_action = action("&Cancel render", self.cancel_render, [QKeySequence(Qt.Key.Key_Escape)],
                                    "cancelAction")
        self.outputs_action = action("Open &output folder", self.open_output_folder, None, "outputsAction")
        self.quit_action = action("&Quit", self.close, [QKeySequence.StandardKey.Quit], "quitAction")
        self.logs_action = action("Open &log folder", self.open_logs, None, "logsAction")
        self.about_action = action("&About VidGen", self.about, None, "aboutAction")

        file_menu = self.menuBar().addMenu("&File")
        for a in (self.open_action, self.sample_action, None, self.render_action, self.cancel_action, None,
                  self.outputs_action, None, self.quit_action):
            if a is None:
                file_menu.addSeparator()
            else:
                file_menu.addAction(a)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.logs_action)
        help_menu.addAction(self.about_action)

    def _connect(self) -> None:
        c = self.s.controller
        c.started.connect(self._on_started)
        c.progress.connect(self._on_progress)
        c.preview.connect(self._on_preview)
        c.succeeded.connect(self._on_succeeded)
        c.failed.connect(self._on_failed)
        c.cancelled.connect(self._on_cancelled)
        c.state_changed.connect(self._on_state_changed)
        c.idle.connect(self._on_idle)
        self.s.reporter.reported.connect(self.show_problem)
        self.s.settings.save_failed.connect(self._on_settings_save_failed)

        self.drop.files_dropped.connect(self.load_files)
        self.drop.open_requested.connect(self.open_files)
        self.drop.sample_requested.connect(self.load_sample)
        self.drop.picture.choose_clicked.connect(self.choose_picture)
        self.drop.sound.choose_clicked.connect(self.choose_sound)
        self.drop.picture.clear_clicked.connect(self._clear_picture)
        self.drop.sound.clear_clicked.connect(self._clear_sound)
        self.drop.sound_source_changed.connect(self._on_sound_source_changed)

        n = self.narration_panel
        n.changed.connect(self._on_narration_settings_changed)
        n.script_changed.connect(self._update_render_state)
        n.preview_requested.connect(self.preview_voice)
        n.choose_music_requested.connect(self.choose_music)
        n.choose_sample_requested.connect(self.choose_voice_sample)
        n.models_requested.connect(self.show_models)
        n.engine_voices_wanted.connect(self._load_engine_voices)

        lo = self.loader
        lo.image_loading.connect(self._on_image_loading)
        lo.image_ready.connect(self._on_image_ready)
        lo.image_failed.connect(self._on_image_failed)
        lo.audio_loading.connect(self._on_audio_loading)
        lo.audio_ready.connect(self._on_audio_ready)
        lo.audio_failed.connect(self._on_audio_failed)
        lo.rejected.connect(self._on_rejected)
        lo.changed.connect(self._update_render_state)

        self.output_panel.changed.connect(self._on_output_settings_changed)
        self.output_panel.ai_changed.connect(self._on_ai_settings_changed)
        self.output_panel.choose_output_requested.connect(self.choose_output)
        self.output_panel.output_edited.connect(self._on_output_edited)
        self.render_button.clicked.connect(self.start_render)

        p = self.progress_panel
        p.cancel_requested.connect(self.cancel_render)
        p.open_requested.connect(self.open_result)
        p.reveal_requested.connect(self.reveal_result)
        p.open_logs_requested.connect(self.open_logs)

        self.hardware_panel.tier_changed.connect(self._on_tier_changed)
        self.hardware_panel.refresh_requested.connect(self._full_hardware_check)
        self.hardware_panel.copy_requested.connect(self.copy_hardware_report)
        self.models_panel.refresh_requested.connect(self.refresh_models)
        self.models_panel.models_changed.connect(self._on_models_changed)
        self.hardware_panel.models_requested.connect(self.show_models)
        self.downloads.idle.connect(self._on_idle)

    def _restore(self) -> None:
        st = self.s.settings
        self.output_panel.load(st.output)
        self.output_panel.load_ai(st.settings.ai)
        self._update_ai_options()
        self.narration_panel.load(st.settings.narration)
        self.drop.set_sound_source(st.settings.narration.source)
        geometry = st.decode_bytes(st.settings.window_geometry)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1220, 780)
        state = st.decode_bytes(st.settings.window_state)
        if state is None or not self.splitter.restoreState(state):
            self.splitter.setSizes([600, 620])
        if st.load_problem:
            self.show_banner(st.load_problem)

    # ------------------------------------------------------------------ start-up work
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._started_background:
            self._started_background = True
            QTimer.singleShot(0, self.start_background_work)

    @Slot()
    def start_background_work(self) -> None:
        """After the first paint: warm the file readers, probe the hardware, read the catalogue."""
        self.s.tasks.spawn(self.s.tasks.run(inputs.warm_up), name="warm up")
        self.s.tasks.spawn(self._first_reads(), name="probe hardware, list voices")

    async def _first_reads(self) -> None:
        # One after the other: both import the model store, and two threads importing the
        # same import cycle at once can see a half-initialised module.
        await self._probe_hardware(False)
        await self._load_voices()

    @Slot()
    def _full_hardware_check(self) -> None:
        self.refresh_hardware(full=True)

    def refresh_hardware(self, full: bool = False) -> None:
        self.s.tasks.spawn(self._probe_hardware(full), name="probe hardware")

    async def _probe_hardware(self, full: bool) -> None:
        self.hardware_panel.show_probing()
        try:
            snap = await self.s.tasks.run(probe_snapshot, self.s.paths, full=full)
        except Exception as exc:  # the window works without it (Ken Burns)
            log.exception("hardware probe failed")
            self.hardware_panel.show_error(str(exc))
            return
        self._snapshot = snap
        self._apply_decision()
        await self._load_models()

    def _apply_decision(self) -> None:
        if self._snapshot is None:
            return
        try:
            requested = Tier(self.s.settings.output.tier)
        except ValueError:
            requested = Tier.AUTO
        decision = decide(self._snapshot, requested)
        self._decision = decision
        self.hardware_panel.show_snapshot(self._snapshot, decision)
        self.output_panel.set_tier_defaults(decision.default_short_side, decision.default_fps)
        self._update_ai_options()

    def _update_ai_options(self) -> None:
        """AI rows in the video settings when the tier in use is an AI tier (before the hardware
        check: when the tier asked for is one)."""
        if self._decision is not None:
            tier = self._decision.tier
        else:
            try:
                tier = Tier(self.s.settings.output.tier)
            except ValueError:
                tier = Tier.AUTO
        self.output_panel.set_ai_tier(tier if tier.is_ai else None)

    def refresh_models(self) -> None:
        self.s.tasks.spawn(self._load_models(), name="read catalogue")

    async def _load_models(self) -> None:
        try:
            rows = await self.s.tasks.run(model_rows, self.s.paths, self._snapshot.hw if self._snapshot else None)
        except Exception as exc:  # the catalogue is informative; the app works without it
            log.exception("model catalogue failed")
            self.models_panel.show_error(str(exc))
            return
        self.models_panel.show_rows(rows)

    @Slot()
    def show_models(self) -> None:
        self.tabs.setCurrentWidget(self.models_panel)

    @Slot()
    def _on_models_changed(self) -> None:
        """A model was installed or deleted: re-read the installed models, re-decide the tier, redraw."""
        self.s.tasks.spawn(self._reload_installed(), name="installed models")
        self.refresh_voices()  # a voice model may have come or gone

    # ------------------------------------------------------------------ voices
    def refresh_voices(self) -> None:
        self.s.tasks.spawn(self._load_voices(), name="voice catalogue")

    async def _load_voices(self) -> None:
        try:
            catalogue = await self.s.tasks.run(voice_catalogue, self.s.paths.models)
        except Exception as exc:  # narration still works with the defaults; say why the list is short
            log.exception("voice catalogue failed")
            self.narration_panel.engine_note.setText(f"Could not list the voices: {exc}")
            return
        self.narration_panel.set_catalogue(catalogue)
        self._update_render_state()

    @Slot(str)
    def _load_engine_voices(self, engine: str) -> None:
        self.s.tasks.spawn(self._read_engine_voices(engine), name="engine voices")

    async def _read_engine_voices(self, engine: str) -> None:
        try:
            voices = await self.s.tasks.run(engine_voices, engine, self.s.paths.models)
        except Exception:  # the default voice still works
            log.warning("could not read the %s voices", engine, exc_info=True)
            voices = ()
        self.narration_panel.set_engine_voices(engine, voices)

    @Slot()
    def _on_narration_settings_changed(self) -> None:
        self._save_narration(**self.narration_panel.values())
        self._update_render_state()

    @Slot(str)
    def _on_sound_source_changed(self, source: str) -> None:
        self._save_narration(source=source)
        self._update_render_state()

    def _save_narration(self, **changes: str) -> None:
        st = self.s.settings
        st.update(narration=replace(st.settings.narration, **changes))

    def narrating(self) -> bool:
        """True when the sound comes from the Narration tab (a typed script), not a sound file."""
        return self.drop.sound_source() == "narration"

    def _narration_spec(self) -> Any:
        n = self.narration_panel
        return build_narration(n.script_text(), self.s.settings.settings.narration, music=n.music_path,
                               voice_sample=n.sample_path, models_dir=self.s.paths.models)

    @Slot()
    def choose_music(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Choose background music", self.s.settings.settings.last_audio_dir,
                                           self._filters("audio"))
        if f:
            self.narration_panel.set_music(Path(f))
            self.s.settings.update(last_audio_dir=str(Path(f).parent))

    @Slot()
    def choose_voice_sample(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Choose a voice sample (6–30 s of one person speaking)",
                                           self.s.settings.settings.last_audio_dir, self._filters("audio"))
        if f:
            self.narration_panel.set_sample(Path(f))
            self.s.settings.update(last_audio_dir=str(Path(f).parent))

    @Slot()
    def preview_voice(self) -> None:
        """Speak the script's first sentence (or a greeting) with the chosen voice, off the GUI thread."""
        if self._preview_cancel is not None:
            return  # one at a time
        n = self.narration_panel
        try:  # an empty script previews a greeting in the chosen language
            spec = build_narration(n.script_text(), self.s.settings.settings.narration, voice_sample=n.sample_path,
                                   models_dir=self.s.paths.models, allow_empty=True)
        except VidGenError as exc:
            n.show_preview_error(str(exc))
            return
        self._preview_cancel = CancelToken()
        n.show_preview_busy()
        self.s.tasks.spawn(self._preview(spec, self._preview_cancel), name="voice preview")

    async def _preview(self, spec: Any, cancel: CancelToken) -> None:
        n = self.narration_panel
        try:
            wav, seconds, description = await self.s.tasks.run(self.previewer.make, spec, cancel)
        except CancelledError:
            n.show_preview_error("")
        except Exception as exc:  # shown beside the button: a missing model, an unknown voice...
            log.info("voice preview failed", exc_info=True)
            info = error_info(exc, log_file=self.s.log_file)
            n.show_preview_error(f"{info.message}. {info.hint}".strip().rstrip(".") + ".")
        else:
            n.show_preview_ready(wav, seconds, description)
        finally:
            self._preview_cancel = None

    async def _reload_installed(self) -> None:
        if self._snapshot is not None:
            try:
                self._snapshot = await self.s.tasks.run(with_installed_models, self._snapshot, self.s.paths)
            except Exception:  # the tier stays as it was; the next probe fixes it
                log.exception("re-reading the installed models failed")
            else:
                self._apply_decision()
        await self._load_models()

    @Slot(str)
    def _on_tier_changed(self, value: str) -> None:
        self.s.settings.update_output(tier=value)
        self._apply_decision()
        self._update_ai_options()

    @Slot()
    def copy_hardware_report(self) -> None:
        if self._snapshot is None or self._decision is None:
            return
        QGuiApplication.clipboard().setText(report_text(self._snapshot, self._decision))
        self.statusBar().showMessage("Hardware report copied to the clipboard.", 4000)

    # ------------------------------------------------------------------ inputs
    @Slot(list)
    def load_files(self, paths: list[Path]) -> None:
        self.loader.load([Path(p) for p in paths])

    @Slot()
    def load_sample(self) -> None:
        self.s.tasks.spawn(self._load_sample(), name="sample")

    async def _load_sample(self) -> None:
        self.statusBar().showMessage("Preparing the sample…")
        try:
            image, audio = await self.s.tasks.run(inputs.sample_inputs)
        except Exception as exc:  # shown inline, never a crash
            log.exception("sample unavailable")
            self.drop.show_message([f"The sample could not be prepared: {exc}"])
            return
        self.statusBar().clearMessage()
        self.loader.load([image, audio])

    def _filters(self, kind: str) -> str:
        pics = " ".join(f"*{e}" for e in sorted(inputs.image_extensions()))
        sounds = " ".join(f"*{e}" for e in sorted(inputs.audio_extensions()))
        if kind == "image":
            return f"Pictures ({pics});;All files (*)"
        if kind == "audio":
            return f"Sound files ({sounds});;All files (*)"
        return f"Pictures and sound ({pics} {sounds});;Pictures ({pics});;Sound files ({sounds});;All files (*)"

    @Slot()
    def open_files(self) -> None:
        start = self.s.settings.settings.last_image_dir or self.s.settings.settings.last_audio_dir
        files, _ = QFileDialog.getOpenFileNames(self, "Open a picture and a sound file", start, self._filters("both"))
        if files:
            self.load_files([Path(f) for f in files])

    @Slot()
    def choose_picture(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Choose a picture", self.s.settings.settings.last_image_dir,
                                           self._filters("image"))
        if f:
            self.loader.load_image(Path(f))

    @Slot()
    def choose_sound(self) -> None:
        f, _ = QFileDialog.getOpenFileName(self, "Choose a sound file", self.s.settings.settings.last_audio_dir,
                                           self._filters("audio"))
        if f:
            self.loader.load_audio(Path(f))

    @Slot()
    def _clear_picture(self) -> None:
        self.loader.clear_image()
        self.drop.picture.show_empty()
        self._refresh_messages()
        self._update_output_path()

    @Slot()
    def _clear_sound(self) -> None:
        self.loader.clear_audio()
        self.drop.sound.show_empty()
        self._refresh_messages()

    @Slot(list)
    def _on_rejected(self, notes: list[str]) -> None:
        self._drop_notes = list(notes)
        self._refresh_messages()

    def _refresh_messages(self) -> None:
        lines = list(self._drop_notes)
        lines += [e for e in (self.loader.image_error, self.loader.audio_error) if e]
        self.drop.show_message(lines)

    @Slot(object)
    def _on_image_loading(self, path: Path) -> None:
        self.drop.picture.show_loading(path.name)
        self._refresh_messages()

    @Slot(object)
    def _on_image_ready(self, preview: ImagePreview) -> None:
        pm = rgb_to_pixmap(preview.thumbnail, max(1.0, self.devicePixelRatioF()))
        self.drop.picture.show_picture(pm, preview.path.name)
        self.drop.picture.thumb.setToolTip(str(preview.path))
        self.s.settings.update(last_image_dir=str(preview.path.parent))
        self._refresh_messages()
        self._update_output_path()

    @Slot(object, str)
    def _on_image_failed(self, path: Path, _message: str) -> None:
        self.drop.picture.show_error(path.name)
        self._refresh_messages()

    @Slot(object)
    def _on_audio_loading(self, path: Path) -> None:
        self.drop.sound.show_loading(path.name)
        self.drop.set_sound_source("file")  # a sound file given: it is the sound
        self._refresh_messages()

    @Slot(object)
    def _on_audio_ready(self, a: AudioPreview) -> None:
        caption = f"{a.path.name} · {audio_caption(a.duration_s, a.codec, a.sample_rate, a.channels)}"
        self.drop.sound.show_sound(clock(a.duration_s), a.envelope, caption)
        self.s.settings.update(last_audio_dir=str(a.path.parent))
        self._refresh_messages()

    @Slot(object, str)
    def _on_audio_failed(self, path: Path, _message: str) -> None:
        self.drop.sound.show_error(path.name)
        self._refresh_messages()

    # ------------------------------------------------------------------ output
    def _output_folder(self) -> Path:
        folder = self.s.settings.output.folder
        return Path(folder) if folder else self.s.paths.outputs

    def current_output(self) -> Path | None:
        if self._output_override is not None:
            return self._output_override
        return self.output_panel.output()

    def _update_output_path(self) -> None:
        if self._output_override is None:
            image = self.loader.image.path if self.loader.image else None
            self.output_panel.set_output(default_output_path(self._output_folder(), image))
        self._update_render_state()

    @Slot()
    def choose_output(self) -> None:
        current = self.current_output() or self._output_folder() / "video.mp4"
        f, _ = QFileDialog.getSaveFileName(self, "Save the video as", str(current), "MP4 video (*.mp4)")
        if not f:
            return
        path = Path(f)
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            path = path.with_suffix(".mp4")
        self._output_override = path
        self.output_panel.set_output(path)
        self.s.settings.update_output(folder=str(path.parent))
        self._update_render_state()

    @Slot(str)
    def _on_output_edited(self, text: str) -> None:
        self._output_override = Path(text).expanduser() if text.strip() else None
        self._update_render_state()

    @Slot()
    def _on_output_settings_changed(self) -> None:
        self.s.settings.update_output(**self.output_panel.values())

    @Slot()
    def _on_ai_settings_changed(self) -> None:
        st = self.s.settings
        st.update(ai=replace(st.settings.ai, **self.output_panel.ai_values()))

    # ------------------------------------------------------------------ render
    def render_blocker(self) -> str:
        """Why Render is disabled, in words; "" when it can start."""
        lo = self.loader
        if self.s.controller.busy:
            return "A video is being rendered."
        if lo.image_pending is not None:
            return "Reading the picture…"
        if lo.audio_pending is not None:
            return "Reading the sound file…"
        if lo.image is None:
            return "Choose another picture: this one can't be used." if lo.image_error else "Add a picture to start."
        if self.narrating():
            if not self.narration_panel.script_text().strip():
                return "Type the words to speak in the Narration tab."
            blocker = self.narration_panel.engine_blocker()
            if blocker:
                return blocker
        elif lo.audio is None:
            return "Choose another sound file: this one can't be used." if lo.audio_error else "Add a sound file."
        out = self.current_output()
        if out is None:
            return "Choose where to save the video."
        if out.suffix.lower() not in OUTPUT_SUFFIXES:
            return "The video's file name must end in .mp4."
        return ""

    @Slot()
    def _update_render_state(self) -> None:
        reason = self.render_blocker()
        self.render_button.setEnabled(not reason)
        self.render_action.setEnabled(not reason)
        self.cancel_action.setEnabled(self.s.controller.busy)
        if reason:
            self.render_reason.setText(reason)
            self.render_button.setToolTip(reason)
        else:
            out = self.current_output()
            name = out.name if out else ""
            if self.narrating():
                est = max(1.0, spoken_estimate_s(self.narration_panel.script_text()))
                self.render_reason.setText(f"Ready: a narrated video (about {clock(est)}) → {name}")
            else:
                assert self.loader.audio is not None
                self.render_reason.setText(f"Ready: a {clock(self.loader.audio.duration_s)} video → {name}")
            self.render_button.setToolTip("Render (Ctrl+Enter)")

    def confirm_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(self, "Replace the video?", f"“{path.name}” already exists. Replace it?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @Slot()
    def start_render(self) -> bool:
        """Build the job from the window and hand it to the controller. False if it could not start."""
        if self.render_blocker():
            self._update_render_state()
            return False
        image, audio, output = self.loader.image, self.loader.audio, self.current_output()
        narrating = self.narrating()
        assert image is not None and output is not None and (narrating or audio is not None)
        try:
            narration = self._narration_spec() if narrating else None
            job = build_job(image.path, None if narrating or audio is None else audio.path, output,
                            self.s.settings.output)
            ai = build_ai_options(self.s.settings.settings.ai)
            if output.parent == self.s.paths.outputs or self._output_override is None:
                ensure_folder(output.parent)
        except (VidGenError, OSError) as exc:
            self._show_error(error_info(exc, log_file=self.s.log_file))
            return False
        if output.exists() and not self.confirm_overwrite(output):
            return False
        decision = decide(self._snapshot, job.tier) if self._snapshot is not None else None
        self._poster = None
        return self.s.controller.start(job, decision, ai=ai, narration=narration)

    @Slot()
    def cancel_render(self) -> None:
        self.s.controller.cancel()

    @Slot(object)
    def _on_started(self, job: Any) -> None:
        self.tabs.setCurrentWidget(self.progress_panel)
        self.progress_panel.show_started(Path(job.output))
        self._update_render_state()

    @Slot(object)
    def _on_progress(self, event: ProgressEvent) -> None:
        self.progress_panel.show_progress(event)
        if event.total:
            self.setWindowTitle(f"{percent(event)}% · {APP_NAME}")

    @Slot(object)
    def _on_preview(self, rgb: Any) -> None:
        if self.progress_panel.show_preview(rgb):
            self._poster = self.progress_panel.frame.image()
        else:
            self._poster = rgb_to_qimage(rgb)

    @Slot(str)
    def _on_state_changed(self, state: str) -> None:
        if state == "cancelling":
            self.progress_panel.show_cancelling()
        self._update_render_state()

    @Slot(object)
    def _on_succeeded(self, result: Any) -> None:
        self._last_result = result
        self.progress_panel.show_done(result, self._poster)
        self.setWindowTitle(APP_NAME)
        if self._output_override is not None and Path(result.output) == self._output_override:
            self._output_override = None
        self._update_output_path()  # the next render gets a fresh name, never overwrites this one
        self.statusBar().showMessage(f"Saved {result.output}", 10000)
        self.notifier.finished("Your video is ready", Path(result.output).name, ok=True)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self._show_error(error_info(exc, log_file=self.s.log_file))

    def _show_error(self, info: ErrorInfo) -> None:
        self.setWindowTitle(APP_NAME)
        self.tabs.setCurrentWidget(self.progress_panel)
        self.progress_panel.show_failed(info)
        self.notifier.finished("The video could not be made", info.message, ok=False)

    @Slot()
    def _on_cancelled(self) -> None:
        self.setWindowTitle(APP_NAME)
        self.progress_panel.show_cancelled()
        self.statusBar().showMessage("Render cancelled. No file was written.", 6000)

    @Slot()
    def _on_idle(self) -> None:
        self._update_render_state()
        if self._close_when_idle:
            QTimer.singleShot(0, self.close)

    # ------------------------------------------------------------------ result actions
    @property
    def last_result(self) -> Any:
        return self._last_result

    @Slot()
    def open_result(self) -> None:
        if self._last_result is not None:
            desktop.open_file(Path(self._last_result.output))

    @Slot()
    def reveal_result(self) -> None:
        if self._last_result is not None:
            desktop.show_in_folder(Path(self._last_result.output))

    @Slot()
    def open_output_folder(self) -> None:
        folder = self._output_folder()
        ensure_folder(folder)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def open_logs(self) -> None:
        folder = self.s.log_file.parent if self.s.log_file else self.s.paths.logs
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    @Slot()
    def about(self) -> None:
        """Version, edition, data folder, and the licences of the bundled parts and of the models."""
        from vidgen_desktop.ui.about import show_about

        show_about(self, self.s.paths.home)

    # ------------------------------------------------------------------ problems
    @Slot(object)
    def show_problem(self, info: ErrorInfo) -> None:
        """An unhandled error anywhere: say so in the window, keep running."""
        self.show_banner(f"<b>{info.title}.</b> {info.message}. {info.hint}")

    def show_banner(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.show()

    @Slot(str)
    def _on_settings_save_failed(self, text: str) -> None:
        self.show_banner(text)

    # ------------------------------------------------------------------ closing
    def confirm_close_during_render(self) -> bool:
        answer = QMessageBox.question(
            self, "Stop the render?",
            "A video is being rendered. Stop it and close? Nothing will be saved.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_close_during_download(self) -> bool:
        answer = QMessageBox.question(
            self, "Stop the download?",
            "A model is being downloaded. Stop it and close? What was received is kept, and the next "
            "download of that model resumes where it stopped.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        """During a render or a download: ask, cancel, and close for real once the workers have stopped."""
        if self.s.controller.busy or self.downloads.busy:
            event.ignore()
            if not self._close_when_idle:
                if self.s.controller.busy and not self.confirm_close_during_render():
                    return
                if self.downloads.busy and not self.confirm_close_during_download():
                    return
                self._close_when_idle = True
                self.s.controller.cancel()
                self.downloads.cancel_all()
                self.statusBar().showMessage("Stopping, then closing…")
            return
        self.downloads.shutdown()
        st = self.s.settings
        st.update(window_geometry=st.encode_bytes(self.saveGeometry()),
                  window_state=st.encode_bytes(self.splitter.saveState()))
        st.flush()
        self.notifier.close()
        if self.progress_panel.player is not None:
            self.progress_panel.player.stop()
        if self._preview_cancel is not None:
            self._preview_cancel.cancel("the app is closing")
        self.narration_panel.stop_preview()
        self.previewer.close()
        event.accept()
