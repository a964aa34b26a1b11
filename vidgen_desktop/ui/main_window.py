"""The main window: a shell that lays out the panels, owns the actions and wires the controllers.

Each job lives in a controller (:mod:`vidgen_desktop.ui.controllers`): the picture and sound,
the output path, narration, the hardware and models, the render. The window owns no
long-running work: files are read on the background pool, renders run on the render
thread, probes in coroutines. Every handler is short, so the window stays responsive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence, QShowEvent
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from vidgen_desktop import APP_NAME
from vidgen_desktop.bridge.downloads import DownloadManager
from vidgen_desktop.bridge.errors import ErrorInfo
from vidgen_desktop.bridge.services import Services
from vidgen_desktop.ui.captions_panel import CaptionsPanel
from vidgen_desktop.ui.controllers.captions import CaptionsController
from vidgen_desktop.ui.controllers.hardware import HardwareController
from vidgen_desktop.ui.controllers.history import HistoryController
from vidgen_desktop.ui.controllers.inputs import InputsController
from vidgen_desktop.ui.controllers.narration import NarrationController
from vidgen_desktop.ui.controllers.output import OutputController
from vidgen_desktop.ui.controllers.overlays import OverlayController
from vidgen_desktop.ui.controllers.queue import QueueController
from vidgen_desktop.ui.controllers.render import RenderFlow
from vidgen_desktop.ui.drop_zone import DropZone, PictureSlot
from vidgen_desktop.ui.hardware_panel import HardwarePanel
from vidgen_desktop.ui.history_panel import HistoryPanel
from vidgen_desktop.ui.input_loader import InputLoader
from vidgen_desktop.ui.models_panel import ModelsPanel
from vidgen_desktop.ui.narration_panel import NarrationPanel
from vidgen_desktop.ui.notify import Notifier
from vidgen_desktop.ui.output_panel import OutputPanel
from vidgen_desktop.ui.overlay_panel import OverlayPanel
from vidgen_desktop.ui.progress_panel import ProgressPanel
from vidgen_desktop.ui.queue_panel import QueuePanel
from vidgen_desktop.ui.window_layout import ProblemBanner, RenderBar, input_column


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
        self.downloads = DownloadManager(services.paths, parent=self)
        self._close_when_idle = False
        self._started_background = False

        self._build()
        self._build_actions()
        status = self.statusBar()
        self.inputs = InputsController(services, self.loader, self.drop, status, self)
        self.output = OutputController(services, self.output_panel, self.loader, self)
        self.narration = NarrationController(services, self.narration_panel, self.drop, self)
        self.hardware = HardwareController(services, self.hardware_panel, self.models_panel, self.output_panel,
                                           status, self)
        self.overlays = OverlayController(services, self.overlay_panel, self.loader, self)
        self.captions = CaptionsController(services, self.captions_panel, self.loader, self)
        self.render_flow = RenderFlow(
            self, services, loader=self.loader, output=self.output, narration=self.narration, hardware=self.hardware,
            progress=self.progress_panel, tabs=self.tabs, button=self.render_button, reason=self.render_reason,
            render_action=self.render_action, cancel_action=self.cancel_action, notifier=self.notifier,
            show_notice=self.show_banner, captions=self.captions)
        self.queue = QueueController(
            self, services, panel=self.queue_panel, flow=self.render_flow, tabs=self.tabs,
            render_button=self.render_button, add_button=self.add_button, notifier=self.notifier,
            decide=self.hardware.decision_for)
        self.history = HistoryController(
            self, services, panel=self.history_panel, tabs=self.tabs, queue=self.queue, flow=self.render_flow,
            loader=self.loader, output=self.output, narration=self.narration, estimate_label=self.estimate_label)
        self._connect()
        self._restore()
        self.output.update_default()

    # ------------------------------------------------------------------ construction
    def _build(self) -> None:
        self.narration_panel = NarrationPanel()
        self.drop = DropZone(narration=self.narration_panel)
        self.output_panel = OutputPanel()
        self.progress_panel = ProgressPanel()
        self.hardware_panel = HardwarePanel()
        self.models_panel = ModelsPanel()
        self.overlay_panel = OverlayPanel()
        self.captions_panel = CaptionsPanel()
        self.models_panel.attach(self.downloads, self.s.tasks)

        bar = RenderBar()
        self.render_button, self.render_reason = bar.button, bar.reason
        self.add_button, self.estimate_label = bar.add_button, bar.estimate
        self.queue_panel = QueuePanel()
        self.history_panel = HistoryPanel()

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.progress_panel, "Render")
        self.tabs.addTab(self.overlay_panel, "Audiogram")
        self.tabs.addTab(self.captions_panel, "Captions")
        self.tabs.addTab(self.queue_panel, "Queue")
        self.tabs.addTab(self.history_panel, "History")
        self.tabs.addTab(self.hardware_panel, "This computer")
        self.tabs.addTab(self.models_panel, "Models")
        self.tabs.setAccessibleName("Render, audiogram, captions, queue, history, hardware and models")

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(input_column(self.drop, self.output_panel, bar))
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)

        self.banner = ProblemBanner()
        self.banner.open_logs_requested.connect(self.open_logs)

        central = QWidget()
        cv = QVBoxLayout(central)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.setSpacing(0)
        cv.addWidget(self.banner)
        cv.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.statusBar().setSizeGripEnabled(True)

    def _action(self, text: str, name: str, *shortcuts: QKeySequence) -> QAction:
        a = QAction(text, self)
        a.setObjectName(name)
        if shortcuts:
            a.setShortcuts(list(shortcuts))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        """The actions, in the menus; they are connected to the controllers in :meth:`_connect`."""
        self.open_action = self._action("&Open picture and sound…", "openAction",
                                        QKeySequence(QKeySequence.StandardKey.Open))
        self.sample_action = self._action("Try the &sample", "sampleAction")
        self.render_action = self._action("&Render", "renderAction", QKeySequence("Ctrl+Return"),
                                          QKeySequence("Ctrl+Enter"))
        self.cancel_action = self._action("&Cancel render", "cancelAction", QKeySequence(Qt.Key.Key_Escape))
        self.outputs_action = self._action("Open &output folder", "outputsAction")
        self.quit_action = self._action("&Quit", "quitAction", QKeySequence(QKeySequence.StandardKey.Quit))
        self.logs_action = self._action("Open &log folder", "logsAction")
        self.about_action = self._action("&About VidGen", "aboutAction")

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
        triggers: tuple[tuple[QAction, Any], ...] = (
            (self.open_action, self.inputs.open_files), (self.sample_action, self.inputs.load_sample),
            (self.render_action, self.render_flow.start), (self.cancel_action, self.render_flow.cancel),
            (self.outputs_action, self.output.open_folder), (self.quit_action, self.close),
            (self.logs_action, self.open_logs), (self.about_action, self.about))
        for action, slot in triggers:
            action.triggered.connect(slot)
        self.render_button.clicked.connect(self.render_flow.start)

        refresh = self.render_flow.refresh  # whatever the render gate reads
        self.loader.changed.connect(refresh)
        self.output.changed.connect(refresh)
        self.narration.changed.connect(refresh)
        self.inputs.image_changed.connect(self.output.update_default)
        self.models_panel.models_changed.connect(self.narration.refresh_voices)  # a voice model came or went
        self.hardware_panel.models_requested.connect(self.show_models)
        self.narration_panel.models_requested.connect(self.show_models)
        self.progress_panel.open_logs_requested.connect(self.open_logs)
        for changed in (self.loader.changed, self.output.changed, self.narration.changed, self.s.settings.changed):
            changed.connect(self.history.schedule_estimate)
        self.cancel_action.triggered.connect(self.queue.stop)  # Cancel during the queue: stop it, not only this job
        self.progress_panel.cancel_requested.connect(self.queue.stop)
        self.queue.reload()

        self.s.controller.idle.connect(self._close_if_asked)
        self.downloads.idle.connect(self._close_if_asked)
        self.s.reporter.reported.connect(self.show_problem)
        self.s.settings.save_failed.connect(self.show_banner)

    def _restore(self) -> None:
        st = self.s.settings
        self.output.restore()
        self.hardware.update_ai_options()
        self.narration.restore()
        self.overlays.restore()
        self.captions.restore()
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
        """After the first paint: warm the file readers, probe the hardware, read the catalogues."""
        self.inputs.warm_up()
        self.queue.start_background()  # the queued jobs' thumbnails and estimates, now that the loop runs
        self.s.tasks.spawn(self._first_reads(), name="probe hardware, list voices")

    async def _first_reads(self) -> None:
        # One after the other: both import the model store, and two threads importing the
        # same import cycle at once can see a half-initialised module.
        await self.hardware.probe(full=False)
        await self.narration.load_voices()

    # ------------------------------------------------------------------ commands (menus, app.py, scripts)
    @Slot(list)
    def load_files(self, paths: list[Path]) -> None:
        self.inputs.load_files(paths)

    @Slot()
    def load_sample(self) -> None:
        self.inputs.load_sample()

    @Slot()
    def start_render(self) -> bool:
        return self.render_flow.start()

    @Slot()
    def cancel_render(self) -> None:
        self.render_flow.cancel()

    @Slot()
    def preview_voice(self) -> None:
        self.narration.preview_voice()

    def current_output(self) -> Path | None:
        return self.output.current()

    def narrating(self) -> bool:
        return self.narration.narrating()

    @property
    def last_result(self) -> Any:
        return self.render_flow.last_result

    @Slot()
    def show_models(self) -> None:
        self.tabs.setCurrentWidget(self.models_panel)

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

    @Slot(str)
    def show_banner(self, text: str) -> None:
        self.banner.show_text(text)

    # ------------------------------------------------------------------ closing
    def _ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def confirm_close_during_render(self) -> bool:
        if self.queue.service.running:
            return self._ask("Stop the queue?", "The queue is rendering. Stop and close? The video being made is not "
                             "saved; it waits in the queue, with the others, for the next start.")
        return self._ask("Stop the render?", "A video is being rendered. Stop it and close? Nothing will be saved.")

    def confirm_close_during_download(self) -> bool:
        return self._ask("Stop the download?",
                         "A model is being downloaded. Stop it and close? What was received is kept, and the next "
                         "download of that model resumes where it stopped.")

    @Slot()
    def _close_if_asked(self) -> None:
        if self._close_when_idle:
            QTimer.singleShot(0, self.close)

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
                self.queue.service.stop(requeue=True)  # the job waits again in the database: the next start makes it
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
        self.narration.close()
        self.captions.close()
        self.queue.close()
        event.accept()
