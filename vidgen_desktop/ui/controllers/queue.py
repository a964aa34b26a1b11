"""The window's side of the queue: "Add to queue", the Queue tab, Render running the queue, and its end.

The jobs and their run are :class:`vidgen_desktop.bridge.queue.QueueService` (the database,
the render controller); this controller turns them into the Queue tab's rows, loads the
pictures' thumbnails on the background pool, estimates each waiting job's time there too,
and tells the user when the whole queue is done.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtWidgets import QMainWindow, QPushButton, QTabWidget

from vidgen_desktop.bridge.history import Estimate, estimate_job
from vidgen_desktop.bridge.inputs import ImagePreview, inspect_image
from vidgen_desktop.bridge.query_op import QueryOp
from vidgen_desktop.bridge.queue import QueueService
from vidgen_desktop.bridge.services import Services, db_path
from vidgen_desktop.core.errors import VidGenError
from vidgen_desktop.core.progress import ProgressEvent
from vidgen_desktop.ui.controllers.render import RenderFlow
from vidgen_desktop.ui.formatting import clock
from vidgen_desktop.ui.imaging import rgb_to_qimage
from vidgen_desktop.ui.notify import Notifier
from vidgen_desktop.ui.queue_panel import QueuePanel, QueueRow

THUMB_SIDE = 96
RENDER_ONE = "Render video"
TIER_NAMES = {"auto": "Automatic tier", "kenburns": "Ken Burns"}


def _row(entry: Any, eta: str) -> QueueRow:
    job = entry.job
    tier = str(job.get("tier", "auto"))
    waiting = entry.status.value in ("pending", "paused", "running")
    return QueueRow(id=entry.id, status=entry.status.value, sound=entry.label, picture=str(job.get("image", "")),
                    tier=TIER_NAMES.get(tier, tier), error=entry.error or "", eta=eta if waiting else "")


class QueueController(QObject):
    def __init__(self, window: QMainWindow, services: Services, *, panel: QueuePanel, flow: RenderFlow,
                 tabs: QTabWidget, render_button: QPushButton, add_button: QPushButton, notifier: Notifier,
                 decide: Any) -> None:
        super().__init__(window)
        self._window = window
        self._s = services
        self._panel = self.panel = panel
        self._flow = flow
        self._tabs = tabs
        self._render_button = render_button
        self._add_button = add_button
        self._notifier = notifier
        self._thumbs_asked: set[str] = set()
        self._estimates: dict[int, str] = {}
        self._entries: list[Any] = []
        self._background = False
        self.service = QueueService(db_path(services.paths), services.controller, decide, parent=self)
        flow.queue_start = self.start

        s = self.service
        s.changed.connect(self.reload)
        s.progress.connect(self._on_progress)
        s.finished.connect(self._on_finished)
        s.running_changed.connect(self._on_running)
        panel.model.reorder_requested.connect(self._reorder)
        panel.pause_toggled.connect(self._pause)
        panel.cancel_requested.connect(self._cancel)
        panel.remove_requested.connect(self._remove)
        panel.retry_requested.connect(self._retry)
        panel.clear_requested.connect(self._clear)
        add_button.clicked.connect(self.add_current)

    # ------------------------------------------------------------------ the list
    @Slot()
    def reload(self) -> None:
        """Read the jobs again (a few rows from an indexed table) and refresh what depends on them."""
        entries = self.service.entries()
        self._panel.model.set_rows([_row(e, self._estimates.get(e.id, "")) for e in entries])
        waiting = sum(e.status.value in ("pending", "paused") for e in entries)
        done = sum(e.status.value == "done" for e in entries)
        failed = sum(e.status.value == "failed" for e in entries)
        self._flow.queue_waiting = any(e.status.value == "pending" for e in entries) and not self.service.running
        paused = self.service.paused
        self._panel.pause.blockSignals(True)
        self._panel.pause.setChecked(paused)
        self._panel.pause.setText("Resume queue" if paused else "Pause queue")
        self._panel.pause.blockSignals(False)
        if entries:
            rendering = sum(e.status.value == "running" for e in entries)
            parts = ([f"{rendering} rendering"] if rendering else []) + [f"{waiting} waiting", f"{done} done"] + \
                ([f"{failed} failed"] if failed else [])
            self._panel.show_summary(" · ".join(parts) + (" · paused" if paused else "")
                                     + ". Drag a video to change the order.")
        self._tabs.setTabText(self._tabs.indexOf(self._panel), f"Queue ({waiting})" if waiting else "Queue")
        self._render_button.setText(f"Render queue ({waiting})" if self._flow.queue_waiting else RENDER_ONE)
        self._flow.refresh()
        self._entries = entries
        self.load_extras()

    @Slot()
    def start_background(self) -> None:
        """From the window's first background work (the event loop runs only after the window is built)."""
        self._background = True
        self.load_extras()

    def load_extras(self) -> None:
        """Thumbnails and estimates of the rows that have none yet, on the pool."""
        if not self._background:
            return
        for e in self._entries:
            picture = str(e.job.get("image", ""))
            if picture and picture not in self._thumbs_asked:
                self._thumbs_asked.add(picture)
                QueryOp(self._s.tasks, lambda p=Path(picture): inspect_image(p, THUMB_SIDE), self._thumb_loaded,
                        name="queue thumbnail").failure(self._ignore).run_in_background()
            if e.status.value == "pending" and e.id not in self._estimates:
                self._estimates[e.id] = ""
                self._estimate(e)

    def _estimate(self, entry: Any) -> None:
        from vidgen_desktop.core.job_codec import job_from_dict

        try:
            job = job_from_dict(entry.job)
        except VidGenError:
            return
        if entry.options.get("narration"):
            return  # the sound does not exist before it is spoken
        job_id = entry.id
        QueryOp(self._s.tasks, lambda: estimate_job(db_path(self._s.paths), job),
                lambda est: self._estimated(job_id, est), name="queue estimate").failure(self._ignore).run_in_background()

    def _estimated(self, job_id: int, est: Estimate) -> None:
        self._estimates[job_id] = est.text
        i = self._panel.model.row_of(job_id)
        if i >= 0 and self._panel.model.rows[i].status in ("pending", "paused"):
            self._panel.model.update_row(job_id, eta=est.text)

    def _thumb_loaded(self, preview: ImagePreview) -> None:
        self._panel.model.set_thumb(str(preview.path), rgb_to_qimage(preview.thumbnail).copy())

    def _ignore(self, exc: Exception) -> None:
        """A thumbnail or estimate that cannot be made leaves a blank; the render will say what is wrong."""

    # ------------------------------------------------------------------ adding and running
    @Slot()
    def add_current(self) -> int | None:
        """The window's current inputs and settings as a new job (the Render button's path). Its id, or None."""
        request = self._flow.build_request()
        if request is None:
            return None
        job, ai, narration = request
        job_id = self.service.add(job, ai, narration)
        self._window.statusBar().showMessage(f"Added to the queue: {job.audio.name if narration is None else 'a narrated video'}", 6000)
        return job_id

    def start(self) -> bool:
        self._tabs.setCurrentWidget(self._panel)
        return self.service.start()

    @Slot(bool)
    def _on_running(self, running: bool) -> None:
        self._flow.quiet = running
        self._add_button.setEnabled(True)
        self.reload()

    @Slot(int, object)
    def _on_progress(self, job_id: int, event: ProgressEvent) -> None:
        eta = f"{clock(event.eta_s)} left" if event.eta_s is not None and event.total else ""
        self._panel.model.update_row(job_id, fraction=event.fraction, eta=eta)

    @Slot(int, int, int)
    def _on_finished(self, done: int, failed: int, cancelled: int) -> None:
        self._flow.quiet = False
        text = f"{done} video{'s' if done != 1 else ''} made" + (f", {failed} failed" if failed else "") + \
            (f", {cancelled} cancelled" if cancelled else "")
        self._window.statusBar().showMessage(f"The queue is finished: {text}.", 10000)
        self._notifier.finished("The queue is finished", text, ok=not failed)
        self.last_summary = text

    # ------------------------------------------------------------------ the buttons
    @Slot(list)
    def _reorder(self, ids: list[int]) -> None:
        self.service.reorder(ids)

    @Slot(bool)
    def _pause(self, paused: bool) -> None:
        self.service.set_paused(paused)

    @Slot(int)
    def _cancel(self, job_id: int) -> None:
        self.service.cancel_job(job_id)

    @Slot(int)
    def _remove(self, job_id: int) -> None:
        self.service.remove(job_id)

    @Slot(int)
    def _retry(self, job_id: int) -> None:
        self._estimates.pop(job_id, None)
        self.service.retry(job_id)

    @Slot()
    def _clear(self) -> None:
        self.service.clear_finished()

    @Slot()
    def stop(self) -> None:
        """Cancel the running job and start no other (the window's Cancel)."""
        self.service.stop()

    def close(self) -> None:
        self.service.stop()
        self.service.close()
