"""The History tab's reads and actions, and the "about 2 min on this computer" beside the Render button.

Every database read or write is a :class:`~vidgen_desktop.bridge.query_op.QueryOp` on the
background pool (:mod:`vidgen_desktop.bridge.history`); the tab reloads when it is shown
and after each render, only while it is visible (otherwise it is marked stale).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget

from vidgen_desktop.bridge import history as ops
from vidgen_desktop.bridge.job_builder import build_ai_options, build_job
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.services import Services, db_path
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.ui import desktop
from vidgen_desktop.ui.controllers.queue import QueueController
from vidgen_desktop.ui.controllers.render import RenderFlow
from vidgen_desktop.ui.history_panel import HistoryPanel
from vidgen_desktop.ui.input_loader import InputLoader


class HistoryController(QObject):
    def __init__(self, window: QMainWindow, services: Services, *, panel: HistoryPanel, tabs: QTabWidget,
                 queue: QueueController, flow: RenderFlow, loader: InputLoader, output: Any,
                 narration: Any, estimate_label: QLabel) -> None:
        super().__init__(window)
        self._window = window
        self._s = services
        self._panel = panel
        self._tabs = tabs
        self._queue = queue
        self._flow = flow
        self._loader = loader
        self._output = output
        self._narration = narration
        self._label = estimate_label
        self._path = db_path(services.paths)
        self._stale = True
        self._generation = 0
        self._estimate_key: object = None
        #: The last estimate shown (tests and the closing note read it).
        self.last_estimate: ops.Estimate | None = None
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(300)
        self._estimate_timer.timeout.connect(self.estimate_now)

        panel.query_changed.connect(self._on_query)
        panel.model.fetch_requested.connect(self._fetch)
        panel.open_requested.connect(self._open)
        panel.reveal_requested.connect(self._reveal)
        panel.again_requested.connect(self.render_again)
        panel.delete_requested.connect(self.delete)
        tabs.currentChanged.connect(self._on_tab)
        services.controller.idle.connect(self._after_render)

    # ------------------------------------------------------------------ the table
    @Slot()
    def reload(self) -> None:
        """Read the first page for the panel's search and filter (the newest rows)."""
        self._stale = False
        self._generation += 1
        gen, query = self._generation, self._panel.query()
        QueryOp(self._s.tasks, lambda: ops.history_page(self._path, query),
                lambda page: self._first_page(gen, page), name="history").run_in_background()

    def _first_page(self, gen: int, page: ops.HistoryPage) -> None:
        if gen == self._generation:
            self._panel.model.reset_to(page)

    @Slot(object)
    def _on_query(self, query: ops.HistoryQuery) -> None:
        self.reload()

    @Slot(int)
    def _fetch(self, offset: int) -> None:
        query = self._panel.model.query
        QueryOp(self._s.tasks, lambda: ops.history_page(self._path, query, offset),
                self._panel.model.append, name="history page").run_in_background()

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        if self._tabs.widget(index) is self._panel and self._stale:
            self.reload()

    @Slot()
    def _after_render(self) -> None:
        """A render ended (its row is written): show it, and learn from it for the next estimate."""
        self._estimate_key = None
        self.schedule_estimate()
        if self._tabs.currentWidget() is self._panel:
            self.reload()
        else:
            self._stale = True

    # ------------------------------------------------------------------ actions
    @Slot(str)
    def _open(self, output: str) -> None:
        desktop.open_file(Path(output))

    @Slot(str)
    def _reveal(self, output: str) -> None:
        desktop.show_in_folder(Path(output))

    @Slot(int)
    def render_again(self, row_id: int) -> None:
        """Queue the same inputs and settings (a new free name for the video) and load the inputs in the window."""
        QueryOp(self._s.tasks, lambda: ops.render_again(self._path, row_id), self._again_loaded,
                name="render again").failure(self._failed).run_in_background()

    def _again_loaded(self, again: Any) -> None:
        if again is None:
            return self.reload()
        job, ai, narration = again
        self._queue.service.add(job, ai, narration)
        inputs = [job.image] + ([job.audio] if narration is None else [])
        self._loader.load([p for p in inputs if p.exists()])
        self._tabs.setCurrentWidget(self._queue.panel)
        self._window.statusBar().showMessage(f"Queued again: {job.audio.name}. Press Render to make it.", 8000)
        return None

    @Slot(int, bool)
    def delete(self, row_id: int, with_file: bool) -> None:
        QueryOp(self._s.tasks, lambda: ops.delete_entry(self._path, row_id, with_file), self._deleted,
                name="delete history entry").failure(self._failed).run_in_background()

    def _deleted(self, ok: bool) -> None:
        self.reload()

    def _failed(self, exc: Exception) -> None:
        self._window.statusBar().showMessage(f"The history could not be changed: {exc}", 10000)

    # ------------------------------------------------------------------ the estimate
    @Slot()
    def schedule_estimate(self) -> None:
        self._estimate_timer.start()

    @Slot()
    def estimate_now(self) -> None:
        """Estimate the job the window would render now (off the GUI thread); blank when there is none yet."""
        job = self._current_job()
        if job is None:
            self._estimate_key = None
            self._label.setText("")
            return
        ai = job[1]
        key = (job[0], repr(ai))
        if key == self._estimate_key:
            return
        self._estimate_key = key
        QueryOp(self._s.tasks, lambda: ops.estimate_job(self._path, job[0], ai), lambda est: self._estimated(key, est),
                name="estimate").failure(self._no_estimate).run_in_background()

    def _current_job(self) -> tuple[Any, Any] | None:
        lo = self._loader
        output = self._output.current()
        if lo.image is None or lo.audio is None or output is None or self._flow.blocker():
            return None
        if self._flow.queue_waiting or self._narration.narrating():
            return None  # Render makes the queue: its rows carry their own estimates
        try:
            job = build_job(lo.image.path, lo.audio.path, output, self._s.settings.output,
                            self._s.settings.settings.overlays)
            return replace(job, output=output), build_ai_options(self._s.settings.settings.ai)
        except VidGenError:
            return None

    def _estimated(self, key: object, est: ops.Estimate) -> None:
        if key != self._estimate_key:
            return
        self.last_estimate = est
        self._label.setText(ops.estimate_text(est))

    def _no_estimate(self, exc: Exception) -> None:
        self._label.setText("")
