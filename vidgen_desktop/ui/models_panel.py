"""The model manager tab: the catalogue table, the running download, and Download / Cancel / Delete.

The rows are a :class:`~vidgen_desktop.ui.models_table.ModelsTableModel` that follows the
:class:`DownloadManager` (downloads run on its thread, one after the other, progress at
most ten times a second), shown by a :class:`~vidgen_desktop.ui.models_view.ModelsView`.
This panel only orchestrates: it asks the user where a choice is theirs (accepting a
licence, never pre-checked; deleting files; entering a token), starts the work through the
bridge, and shows failures inline under the table with what to do next. When a model is
installed or deleted :attr:`models_changed` fires so the window re-reads the installed
models and re-runs the tier decision.
"""

from __future__ import annotations

import html
import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.download_errors import describe_download_error
from vidgen_desktop.bridge.models import ModelRow, remove_model
from vidgen_desktop.ui.download_box import DownloadBox
from vidgen_desktop.ui.formatting import size_text
from vidgen_desktop.ui.models_dialogs import HubSettingsDialog, LicenceDialog
from vidgen_desktop.ui.models_message import ModelsMessage
from vidgen_desktop.ui.models_table import ModelsTableModel, details_html
from vidgen_desktop.ui.models_view import ModelsView

if TYPE_CHECKING:
    from vidgen_desktop.bridge.downloads import DownloadManager
    from vidgen_desktop.bridge.tasks import BackgroundTasks
    from vidgen_desktop.core.hub_settings import HubSettings
    from vidgen_desktop.engine.models.progress import DownloadProgress

log = logging.getLogger(__name__)

#: Seconds of transfer before a time-left estimate is shown.
ETA_SETTLE_S = 2.0


class ModelsPanel(QWidget):
    refresh_requested = Signal()
    #: A model was installed, deleted, or its files changed: re-read the rows and re-run the tier decision.
    models_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsPanel")
        self.manager: DownloadManager | None = None
        self.tasks: BackgroundTasks | None = None
        self._started_at = 0.0

        self.note = QLabel("AI models make the picture move by itself. They are large downloads: each runs in "
                           "the background, can be cancelled, and resumes where it stopped.")
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")

        self.model = ModelsTableModel(self)
        self.table = ModelsView(self.model)
        self.table.primary_clicked.connect(self._on_primary_clicked)
        self.table.delete_clicked.connect(self.request_delete)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.details = QLabel()
        self.details.setObjectName("modelDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)
        self.details.setAccessibleName("Selected model")
        self.details.setText("<span>Select a model to see what it needs.</span>")

        self.download_box = DownloadBox()
        self.download_box.cancel_requested.connect(self._cancel_current)

        self.message_box = ModelsMessage()  # results, and errors with what to do next
        self.message_box.token_requested.connect(self.edit_hub_settings)
        self.message_box.retry_requested.connect(self.request_download)

        self.status = QLabel("Reading the catalogue…")
        self.status.setObjectName("muted")
        self.status.setWordWrap(True)
        self.source_button = QPushButton("Download source…")
        self.source_button.setAccessibleName("Choose the download server and access token")
        self.source_button.setToolTip("Hugging Face or a mirror, and the access token for gated models")
        self.source_button.clicked.connect(self.edit_hub_settings)
        self.refresh = QPushButton("Refresh")
        self.refresh.setAccessibleName("Refresh the model list")
        self.refresh.clicked.connect(self.refresh_requested)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.source_button)
        row.addWidget(self.refresh)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        for w in (self.note, self.table, self.details, self.download_box, self.message_box):
            lay.addWidget(w, 1 if w is self.table else 0)
        lay.addLayout(row)

    # ------------------------------------------------------------------ wiring
    def attach(self, manager: DownloadManager, tasks: BackgroundTasks) -> None:
        """Connect to the download manager (its signals fire on the GUI thread) and the pool."""
        self.manager = manager
        self.tasks = tasks
        self.model.follow(manager)
        manager.started.connect(self._on_started)
        manager.progress.connect(self._on_progress)
        manager.succeeded.connect(self._on_succeeded)
        manager.failed.connect(self._on_failed)
        manager.cancelled.connect(self._on_cancelled)
        manager.changed.connect(self._on_manager_changed)
        self._update_source_tip()

    # ------------------------------------------------------------------ rows
    def show_rows(self, rows: list[ModelRow]) -> None:
        selected = self.selected_id()
        self.model.set_rows(rows)
        installed = sum(m.state == "installed" for m in rows)
        self.status.setText(f"{len(rows)} models · {installed} installed")
        if selected is not None and self.selected_id() != selected:
            self.select(selected)
        self._on_selection()

    def row(self, model_id: str) -> ModelRow | None:
        return self.model.row(model_id)

    def row_index(self, model_id: str) -> int:
        return self.model.row_index(model_id)

    def state_text(self, model_id: str) -> str:
        """What the status cell shows now: "Installed", "Queued", "40%"…"""
        return self.model.status(model_id)[0]

    def selected_id(self) -> str | None:
        return self.table.selected_id()

    def select(self, model_id: str) -> None:
        r = self.row_index(model_id)
        if r >= 0:
            self.table.selectRow(r)

    @Slot()
    def _on_selection(self) -> None:
        mid = self.selected_id()
        m = self.row(mid) if mid else None
        self.details.setText(details_html(m) if m is not None else "<span>Select a model to see what it needs.</span>")

    # ------------------------------------------------------------------ user actions
    @Slot(str)
    def _on_primary_clicked(self, model_id: str) -> None:
        actions = self.model.actions(model_id)
        if actions is not None and actions.cancels:
            self.cancel_download(model_id)
        else:
            self.request_download(model_id)

    def confirm_licence(self, row: ModelRow) -> bool:
        """Show the licence with an explicit, unchecked "I accept". True only when accepted."""
        dialog = LicenceDialog(row, self)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted and dialog.accept_box.isChecked()
        finally:
            dialog.deleteLater()

    @Slot(str)
    def request_download(self, model_id: str) -> bool:
        """Download (or resume) ``model_id``, asking for the licence first if needed. False if not started."""
        m = self.row(model_id)
        if m is None or self.manager is None:
            return False
        accept = False
        if m.licences_to_accept:
            if not self.confirm_licence(m):
                self.show_message(f"{html.escape(m.name)} was not downloaded: its licence was not accepted.")
                return False
            accept = True
        self.model.set_failed(model_id, None)
        if self.message_box.retry_id == model_id:
            self.clear_message()
        return self.manager.download(model_id, accept_licence=accept)

    def cancel_download(self, model_id: str) -> None:
        if self.manager is not None:
            self.manager.cancel(model_id)

    @Slot()
    def _cancel_current(self) -> None:
        if self.manager is not None and self.manager.current:
            self.manager.cancel(self.manager.current)

    def confirm_delete(self, row: ModelRow) -> bool:
        what = "its partial download" if row.state != "installed" else "its files"
        answer = QMessageBox.question(
            self, "Delete the model?",
            f"Delete {row.name} ({what}, {size_text(row.size_on_disk)})?\nYou can download it again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @Slot(str)
    def request_delete(self, model_id: str) -> bool:
        """Ask, then delete on the background pool. False when nothing was started."""
        m = self.row(model_id)
        actions = self.model.actions(model_id)
        if m is None or self.tasks is None or actions is None or not actions.delete_enabled:
            return False
        if not self.confirm_delete(m):
            return False
        self.model.set_deleting(model_id, True)
        self.tasks.spawn(self._delete(m), name=f"delete {model_id}")
        return True

    async def _delete(self, m: ModelRow) -> None:
        assert self.tasks is not None and self.manager is not None
        try:
            freed = await self.tasks.run(remove_model, self.manager.paths, m.id)
        except Exception as exc:  # noqa: BLE001 - shown inline (locked, permission denied...)
            log.warning("deleting %s failed: %s", m.id, exc)
            msg = getattr(exc, "message", None) or str(exc)
            self.show_message(f"{html.escape(m.name)} could not be deleted: {html.escape(msg)}", error=True)
        else:
            self.show_message(f"Deleted {html.escape(m.name)}: {size_text(freed) if freed else 'no space'} freed.")
        finally:
            self.model.set_deleting(m.id, False)
            self.models_changed.emit()

    @Slot()
    def edit_hub_settings(self) -> bool:
        """The endpoint/token dialog; True when saved."""
        if self.manager is None:
            return False
        store = self.manager.settings_store
        dialog = HubSettingsDialog(self.manager.hub, store.token_location, store.uses_keyring, self)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            return self.apply_hub_settings(dialog.value())
        finally:
            dialog.deleteLater()

    def apply_hub_settings(self, hub: HubSettings) -> bool:
        assert self.manager is not None
        try:
            self.manager.set_hub(hub)
        except OSError as exc:
            self.show_message(f"The download settings could not be saved: {html.escape(str(exc))}", error=True)
            return False
        self._update_source_tip()
        if self.message_box.retry_id is not None:
            self.show_message("Download settings saved. Press “Try again” to use them.", retry=self.message_box.retry_id)
        else:
            self.show_message(f"Downloads now come from {html.escape(self.manager.endpoint)}.")
        return True

    def _update_source_tip(self) -> None:
        if self.manager is not None:
            token = "an access token is set" if self.manager.hub.token else "no access token set here"
            self.source_button.setToolTip(f"Models come from {self.manager.endpoint}; {token}")

    # ------------------------------------------------------------------ messages
    def show_message(self, text_html: str, *, error: bool = False, needs_token: bool = False,
                     retry: str | None = None) -> None:
        self.message_box.show_text(text_html, error=error, needs_token=needs_token, retry=retry)

    @Slot()
    def clear_message(self) -> None:
        self.message_box.clear()

    def message_text(self) -> str:
        return self.message_box.text()

    def show_error(self, text: str) -> None:
        self.status.setText(f"The model catalogue could not be read: {text}")

    # ------------------------------------------------------------------ manager events (GUI thread)
    def _name(self, model_id: str) -> str:
        m = self.row(model_id)
        return m.name if m else model_id

    @Slot(str)
    def _on_started(self, model_id: str) -> None:
        self._started_at = time.monotonic()
        if self.message_box.retry_id == model_id or (self.message_box.retry_id is None and self.message_box.isVisible()):
            self.clear_message()
        self.download_box.begin(self._name(model_id))

    @Slot(object)
    def _on_progress(self, p: DownloadProgress) -> None:
        self.download_box.show_progress(p, settled=time.monotonic() - self._started_at >= ETA_SETTLE_S)

    @Slot(str, object)
    def _on_succeeded(self, model_id: str, manifest: object) -> None:
        size = getattr(manifest, "total_size", 0)
        self.show_message(f"{html.escape(self._name(model_id))} is installed"
                          + (f" ({size_text(size)})" if size else "") + ". The video styles were updated.")
        self.models_changed.emit()

    @Slot(str, object)
    def _on_failed(self, model_id: str, exc: object) -> None:
        endpoint = self.manager.endpoint if self.manager is not None else ""
        info = describe_download_error(model_id, exc if isinstance(exc, BaseException) else Exception(str(exc)),
                                       endpoint)
        self.model.set_failed(model_id, info.message)
        text = f"<b>{html.escape(self._name(model_id))} could not be downloaded.</b> {html.escape(info.message)}"
        if info.hint:
            text += f"<br>{html.escape(info.hint)}"
        if info.url:
            text += f"<br><a href='{html.escape(info.url, quote=True)}'>{html.escape(info.url)}</a>"
        self.show_message(text, error=True, needs_token=info.needs_token, retry=model_id)
        self.models_changed.emit()

    @Slot(str)
    def _on_cancelled(self, model_id: str) -> None:
        # A running download has already left the manager when this fires; a queued one has not.
        if self.manager is None or self.manager.current is None:
            self.show_message(f"The download of {html.escape(self._name(model_id))} was stopped. What was received "
                              "is kept: “Resume” continues where it stopped.")
        self.models_changed.emit()

    @Slot()
    def _on_manager_changed(self) -> None:
        mgr = self.manager
        if mgr is None:
            return
        if not mgr.busy:
            self.download_box.hide()
        elif mgr.cancelling:
            self.download_box.show_stopping()
        self.download_box.set_queue([self._name(m) for m in mgr.pending])
