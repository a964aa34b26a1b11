"""The model manager: each model's size, VRAM, licence, state and fit, with Download / Cancel / Delete.

Downloads run on the :class:`DownloadManager`'s thread and are queued one after the other;
this panel only formats what the manager reports (progress arrives at most ten times a
second) and asks the user where a choice is theirs: accepting a licence (never
pre-checked), deleting files, entering a token. Failures are shown inline under the
table with what to do next. When a model is installed or deleted :attr:`models_changed`
fires so the window re-reads the installed models and re-runs the tier decision.
"""

from __future__ import annotations

import html
import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.downloads import DownloadErrorInfo, DownloadManager, HubSettings, describe_download_error
from vidgen_desktop.bridge.models import ModelRow, remove_model
from vidgen_desktop.ui.formatting import eta_phrase

if TYPE_CHECKING:
    from vidgen_desktop.bridge.tasks import BackgroundTasks
    from vidgen_desktop.engine.models.progress import DownloadProgress

log = logging.getLogger(__name__)

_STATES = {"installed": "Installed", "incomplete": "Incomplete", "not-installed": "Not installed"}
COLUMNS = ("Model", "Size", "VRAM", "This computer", "Status", "Licence", "Actions")
_SIZE_COL, _FIT_COL, _STATE_COL, _LICENCE_COL, _ACTIONS_COL = 1, 3, 4, 5, 6
_GOOD, _BAD, _WARN = QColor(46, 160, 67), QColor(207, 34, 46), QColor(191, 135, 0)
#: Seconds of transfer before a time-left estimate is shown.
ETA_SETTLE_S = 2.0
_PHASES = {"verify": "Checking what was already downloaded", "link": "Copying from the Hugging Face cache",
           "done": "Installing"}


# ---------------------------------------------------------------------------- formatting


def size_text(n: float | None) -> str:
    """Decimal units, as the hub and file managers show them: ``4.5 GB``, ``700 kB``."""
    if not n:
        return "—"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{n:.0f} B"


def row_size_text(m: ModelRow) -> str:
    """The size cell: download size; what is on disk once there is something."""
    if m.state == "installed" and m.size_on_disk:
        return f"{size_text(m.size_on_disk)} on disk"
    if m.state == "incomplete" and m.size_on_disk:
        return f"{size_text(m.size_on_disk)} of {size_text(m.size_bytes)}" if m.size_bytes else \
            f"{size_text(m.size_on_disk)} so far"
    return size_text(m.size_bytes)


def fit_text(m: ModelRow) -> str:
    """The sentence behind the "This computer" column."""
    if m.fits is None:
        return "Checking this computer…"
    if m.fits:
        return f"Fits this machine: {m.fit_reason}"
    if "none found" in m.fit_reason:
        return f"Does not fit this machine: it {m.fit_reason}"
    return f"Too large for this GPU: it {m.fit_reason}"


def progress_text(p: DownloadProgress, *, settled: bool = True) -> str:
    """"1.9 GB of 4.5 GB · 12.3 MB/s · about 3 min left" (or what is happening instead of the speed).

    ``settled=False`` (the first seconds): the speed of the first few small files says nothing
    about the big ones, so no time left is promised yet.
    """
    amount = f"{size_text(p.done) if p.done else '0 B'} of {size_text(p.total)}"
    if p.phase == "download":
        speed = f"{size_text(p.speed_bps)}/s" if p.speed_bps >= 1 else "starting…"
        eta = eta_phrase(p.eta_s) if p.speed_bps >= 1 and settled else "estimating time left…"
        return f"{amount} · {speed} · {eta}"
    return f"{amount} · {_PHASES.get(p.phase, p.phase)}"


def file_text(p: DownloadProgress) -> str:
    if p.phase == "done":
        return "All files verified"
    if not p.files_total:
        return "Asking the server what to download…"
    n = min(p.files_done + 1, p.files_total)
    return f"File {n} of {p.files_total}: {p.file}" if p.file else f"File {n} of {p.files_total}"


def _per_mille(p: DownloadProgress) -> int:
    return int(p.fraction * 1000)


# ---------------------------------------------------------------------------- dialogs


class LicenceDialog(QDialog):
    """The licence(s) with links and an explicit "I accept" that starts unchecked."""

    def __init__(self, row: ModelRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("licenceDialog")
        self.setWindowTitle(f"Licence: {row.name}")
        links = "".join(f"<li><a href='{html.escape(lic.url, quote=True)}'>{html.escape(lic.name)}</a></li>"
                        for lic in row.licences_to_accept)
        text = QLabel(f"<p><b>{html.escape(row.name)}</b> is distributed under:</p><ul>{links}</ul>"
                      "<p>Read the licence (the link opens it in your browser). You must accept it before "
                      "VidGen downloads this model. Your acceptance is remembered for this model.</p>")
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setOpenExternalLinks(True)
        text.setWordWrap(True)
        text.setObjectName("licenceText")
        text.setAccessibleName("Licence")
        self.accept_box = QCheckBox("I have read and accept this licence")
        self.accept_box.setChecked(False)
        self.accept_box.setAccessibleName("I accept the licence")
        self.buttons = QDialogButtonBox()
        self.accept_button = self.buttons.addButton("Accept and download", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setEnabled(False)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setDefault(True)
        self.accept_box.toggled.connect(self.accept_button.setEnabled)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addWidget(self.accept_box)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def accept(self) -> None:
        if self.accept_box.isChecked():  # never accept without the tick, whatever sends accept()
            super().accept()


class HubSettingsDialog(QDialog):
    """Where models come from (a mirror) and the access token for gated models."""

    def __init__(self, hub: HubSettings, token_location: str, uses_keyring: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hubSettingsDialog")
        self.setWindowTitle("Download source")
        self.endpoint = QLineEdit(hub.endpoint)
        self.endpoint.setPlaceholderText("https://huggingface.co (default)")
        self.endpoint.setAccessibleName("Hugging Face endpoint or mirror URL")
        self.token = QLineEdit(hub.token)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("hf_… (only for gated models)")
        self.token.setAccessibleName("Hugging Face access token")
        self.show_token = QCheckBox("Show")
        self.show_token.setAccessibleName("Show the token")
        self.show_token.toggled.connect(self._on_show_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(self.show_token)
        where = ("in the system keyring" if uses_keyring
                 else f"in plain text in {html.escape(token_location)} (only your user account can read it)")
        note = QLabel("Leave the address empty to use Hugging Face (or the <code>HF_ENDPOINT</code> environment "
                      "variable). Leave the token empty to use <code>HF_TOKEN</code> or the token "
                      f"<code>huggingface-cli login</code> saved. The token is stored {where}.")
        note.setWordWrap(True)
        note.setObjectName("muted")
        note.setTextFormat(Qt.TextFormat.RichText)
        self.error = QLabel()
        self.error.setObjectName("inlineMessage")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.addRow("Server (mirror):", self.endpoint)
        form.addRow("Access token:", token_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(note)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.setMinimumWidth(520)

    @Slot(bool)
    def _on_show_token(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def value(self) -> HubSettings:
        return HubSettings(endpoint=self.endpoint.text().strip().rstrip("/"), token=self.token.text().strip())

    def accept(self) -> None:
        endpoint = self.value().endpoint
        if endpoint and not endpoint.startswith(("http://", "https://")):
            self.error.setText("The server address must start with https:// (or http://).")
            self.error.show()
            return
        super().accept()


# ---------------------------------------------------------------------------- cells


class _WidgetCellDelegate(QStyledItemDelegate):
    """For columns a widget draws: paint the background and selection, not the item's own text.

    The item keeps its text (sorting, accessibility, tests); the widget shows the richer version.
    """

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = ""


class _StateCell(QWidget):
    """The "Installed" column: the state in words, or a progress bar while downloading."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.label.setObjectName("stateLabel")
        self.label.setAccessibleName(f"State of {name}")
        self.bar = QProgressBar()
        self.bar.setAccessibleName(f"Download progress of {name}")
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(True)
        self.bar.setFormat("%p%")
        self.bar.setMaximumHeight(18)
        self.bar.hide()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 0, 6, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.bar, 1)

    def show_text(self, text: str, color: QColor | None = None, tip: str = "") -> None:
        self.bar.hide()
        self.label.setText(text)
        self.label.setStyleSheet(f"color: {color.name()};" if color is not None else "")
        self.label.setToolTip(tip)
        self.label.show()

    def show_progress(self, per_mille: int | None, tip: str = "") -> None:
        self.label.hide()
        if per_mille is None:
            self.bar.setRange(0, 0)  # busy: talking to the server
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(per_mille)
        self.bar.setToolTip(tip)
        self.bar.show()


class _ActionsCell(QWidget):
    def __init__(self, model_id: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.primary = QPushButton("Download")
        self.primary.setProperty("modelId", model_id)
        self.primary.setAccessibleName(f"Download {name}")
        self.delete = QPushButton("Delete")
        self.delete.setProperty("modelId", model_id)
        self.delete.setAccessibleName(f"Delete {name}")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 1, 4, 1)
        lay.setSpacing(4)
        lay.addWidget(self.primary)
        lay.addWidget(self.delete)


# ---------------------------------------------------------------------------- the panel


class ModelsPanel(QWidget):
    refresh_requested = Signal()
    #: A model was installed, deleted, or its files changed: re-read the rows and re-run the tier decision.
    models_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsPanel")
        self.manager: DownloadManager | None = None
        self.tasks: BackgroundTasks | None = None
        self._rows: dict[str, ModelRow] = {}
        self._order: list[str] = []
        self._state_cells: dict[str, _StateCell] = {}
        self._action_cells: dict[str, _ActionsCell] = {}
        self._errors: dict[str, DownloadErrorInfo] = {}
        self._deleting: set[str] = set()
        self._last: DownloadProgress | None = None
        self._started_at = 0.0
        self._retry_id: str | None = None

        self.note = QLabel("AI models make the picture move by itself. They are large downloads: each runs in "
                           "the background, can be cancelled, and resumes where it stopped.")
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Model catalogue")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)  # long names take two lines rather than an ellipsis
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._widget_cells = _WidgetCellDelegate(self.table)
        for c in (_STATE_COL, _LICENCE_COL):
            self.table.setItemDelegateForColumn(c, self._widget_cells)
        self._tint_selection()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_STATE_COL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_STATE_COL, 150)
        header.setSectionResizeMode(_LICENCE_COL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_LICENCE_COL, 150)
        header.setSectionResizeMode(_ACTIONS_COL, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_selection)

        self.details = QLabel()
        self.details.setObjectName("modelDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)
        self.details.setAccessibleName("Selected model")
        self.details.setText("<span>Select a model to see what it needs.</span>")

        # --- the running download ---
        self.download_box = QGroupBox("Download")
        self.download_box.setObjectName("downloadBox")
        self.download_title = QLabel()
        self.download_title.setObjectName("downloadTitle")
        self.download_title.setWordWrap(True)
        self.download_file = QLabel()
        self.download_file.setObjectName("muted")
        self.download_file.setTextFormat(Qt.TextFormat.PlainText)
        self.download_bar = QProgressBar()
        self.download_bar.setRange(0, 1000)
        self.download_bar.setAccessibleName("Download progress")
        self.download_text = QLabel()
        self.download_text.setAccessibleName("Downloaded, speed and time left")
        self.download_cancel = QPushButton("Cancel")
        self.download_cancel.setAccessibleName("Cancel the download")
        self.download_cancel.setToolTip("Stop the download; what was received is kept and a later Download resumes")
        self.download_cancel.clicked.connect(self._cancel_current)
        self.queue_label = QLabel()
        self.queue_label.setObjectName("muted")
        self.queue_label.setWordWrap(True)
        dl = QVBoxLayout(self.download_box)
        dl.addWidget(self.download_title)
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.download_bar, 1)
        bar_row.addWidget(self.download_cancel)
        dl.addLayout(bar_row)
        dl.addWidget(self.download_text)
        dl.addWidget(self.download_file)
        dl.addWidget(self.queue_label)
        self.download_box.hide()

        # --- inline messages: errors with what to do, and results ---
        self.message_box = QFrame()
        self.message_box.setObjectName("modelsMessageBox")
        self.message = QLabel()
        self.message.setObjectName("inlineMessage")
        self.message.setProperty("kind", "info")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setOpenExternalLinks(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.setAccessibleName("Model manager message")
        self.token_button = QPushButton("Enter token…")
        self.token_button.setAccessibleName("Enter a Hugging Face access token")
        self.token_button.clicked.connect(self.edit_hub_settings)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try the download again")
        self.retry_button.clicked.connect(self._retry)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss the message")
        self.dismiss_button.clicked.connect(self.clear_message)
        ml = QHBoxLayout(self.message_box)
        ml.setContentsMargins(0, 0, 0, 0)
        ml.addWidget(self.message, 1)
        mb = QVBoxLayout()
        mb.addWidget(self.token_button)
        mb.addWidget(self.retry_button)
        mb.addWidget(self.dismiss_button)
        mb.addStretch(1)
        ml.addLayout(mb)
        self.message_box.hide()

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
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.details)
        lay.addWidget(self.download_box)
        lay.addWidget(self.message_box)
        lay.addLayout(row)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switch
            self._tint_selection()

    def _tint_selection(self) -> None:
        """A light selection tint: the cell widgets (links, bars, buttons) stay readable on it."""
        base, hi = self.palette().color(QPalette.ColorRole.Base), self.palette().color(QPalette.ColorRole.Highlight)
        mix = [round(b + (h - b) * 0.28) for b, h in ((base.red(), hi.red()), (base.green(), hi.green()),
                                                       (base.blue(), hi.blue()))]
        tint = QColor(mix[0], mix[1], mix[2])
        pal = self.table.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            pal.setColor(group, QPalette.ColorRole.Highlight, tint)
            pal.setColor(group, QPalette.ColorRole.HighlightedText, self.palette().color(QPalette.ColorRole.Text))
        self.table.setPalette(pal)

    # ------------------------------------------------------------------ wiring
    def attach(self, manager: DownloadManager, tasks: BackgroundTasks) -> None:
        """Connect to the download manager (its signals fire on the GUI thread) and the pool."""
        self.manager = manager
        self.tasks = tasks
        manager.started.connect(self._on_started)
        manager.queued.connect(self._on_queued)
        manager.progress.connect(self._on_progress)
        manager.succeeded.connect(self._on_succeeded)
        manager.failed.connect(self._on_failed)
        manager.cancelled.connect(self._on_cancelled)
        manager.changed.connect(self._on_manager_changed)
        self._update_source_tip()

    # ------------------------------------------------------------------ rows
    def show_rows(self, rows: list[ModelRow]) -> None:
        selected = self.selected_id()
        self._rows = {m.id: m for m in rows}
        self._order = [m.id for m in rows]
        self._state_cells.clear()
        self._action_cells.clear()
        self.table.setRowCount(len(rows))
        for r, m in enumerate(rows):
            licence_tip = "\n".join(f"{lic.name}: {lic.url}" for lic in m.licence_links) or "\n".join(m.licences)
            if m.licences_to_accept:
                licence_tip += "\nYou will be asked to accept this licence before downloading."
            cells = [
                m.name,
                row_size_text(m),
                f"{m.vram_gb:g} GB" if m.vram_gb else "—",
                {True: "Fits", False: "Too large", None: "…"}[m.fits],
                _STATES.get(m.state, m.state),
                ", ".join(m.licences) or "—",
                "",
            ]
            tips = {
                0: f"{m.name}\nid: {m.id} · tier: {m.tier}" + (f"\n{m.description}" if m.description else ""),
                _SIZE_COL: f"Download: {size_text(m.size_bytes)}\nOn disk now: {size_text(m.size_on_disk)}",
                _FIT_COL: fit_text(m),
                _STATE_COL: "\n".join(m.problems),
                _LICENCE_COL: licence_tip,
            }
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if tips.get(c):
                    item.setToolTip(tips[c])
                if c == _FIT_COL and m.fits is not None:
                    item.setForeground(_GOOD if m.fits else _BAD)
                if c == 0:
                    item.setData(Qt.ItemDataRole.UserRole, m.id)
                self.table.setItem(r, c, item)
            state = _StateCell(m.name)
            self._state_cells[m.id] = state
            self.table.setCellWidget(r, _STATE_COL, state)
            self.table.setCellWidget(r, _LICENCE_COL, self._licence_label(m))
            actions = _ActionsCell(m.id, m.name)
            actions.primary.clicked.connect(self._on_primary_clicked)
            actions.delete.clicked.connect(self._on_delete_clicked)
            self._action_cells[m.id] = actions
            self.table.setCellWidget(r, _ACTIONS_COL, actions)
            self._update_row(m.id)
        installed = sum(m.state == "installed" for m in rows)
        self.status.setText(f"{len(rows)} models · {installed} installed")
        if selected in self._rows:
            self.select(selected)
        self._on_selection()

    def _licence_label(self, m: ModelRow) -> QLabel:
        """The first licence as a link (two lines at most); all of them in the tooltip and the details."""
        first = m.licence_links[0] if m.licence_links else None
        if first is None:
            text = html.escape(", ".join(m.licences)) or "—"
        else:
            text = (f"<a href='{html.escape(first.url, quote=True)}'>{html.escape(first.name)}</a>" if first.url
                    else html.escape(first.name))
            if len(m.licence_links) > 1:
                text += f" <span>+{len(m.licence_links) - 1} more</span>"
        lab = QLabel(text)
        lab.setTextFormat(Qt.TextFormat.RichText)
        lab.setOpenExternalLinks(True)
        lab.setWordWrap(True)
        lab.setContentsMargins(6, 0, 6, 0)
        lab.setToolTip("\n".join(f"{lic.name}: {lic.url}" for lic in m.licence_links))
        lab.setAccessibleName(f"Licence of {m.name}")
        return lab

    def row(self, model_id: str) -> ModelRow | None:
        return self._rows.get(model_id)

    def row_index(self, model_id: str) -> int:
        return self._order.index(model_id) if model_id in self._order else -1

    def state_text(self, model_id: str) -> str:
        """What the state cell shows now (for tests and accessibility)."""
        cell = self._state_cells.get(model_id)
        if cell is None:
            return ""
        return f"{cell.bar.value() / 10:.0f}%" if not cell.bar.isHidden() else cell.label.text()

    def row_actions(self, model_id: str) -> _ActionsCell | None:
        return self._action_cells.get(model_id)

    def selected_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, model_id: str) -> None:
        r = self.row_index(model_id)
        if r >= 0:
            self.table.selectRow(r)

    def _update_row(self, model_id: str) -> None:
        """State cell and buttons of one row, from the row and the manager's queue."""
        m = self._rows.get(model_id)
        cell, actions = self._state_cells.get(model_id), self._action_cells.get(model_id)
        if m is None or cell is None or actions is None:
            return
        mgr = self.manager
        current = mgr is not None and mgr.current == model_id
        queued = mgr is not None and model_id in mgr.pending
        deleting = model_id in self._deleting
        if current:
            if mgr is not None and mgr.cancelling:
                cell.show_text("Stopping…")
            else:
                last = self._last if self._last is not None and self._last.model_id == model_id else None
                cell.show_progress(_per_mille(last) if last is not None and last.total else None,
                                   progress_text(last) if last is not None else "Starting…")
        elif queued:
            cell.show_text("Queued", tip="Starts when the download before it ends")
        elif deleting:
            cell.show_text("Deleting…")
        elif m.state == "installed":
            cell.show_text("Installed", _GOOD)
        elif m.state == "incomplete":
            why = m.problems[0] if m.problems else "not finished"
            cell.show_text(f"Incomplete: {why}", _WARN, "\n".join(m.problems))
        elif model_id in self._errors:
            cell.show_text("Not installed (failed)", _BAD, self._errors[model_id].message)
        else:
            cell.show_text("Not installed")

        p, d = actions.primary, actions.delete
        if current or queued:
            p.setText("Cancel")
            p.setAccessibleName(f"Cancel the download of {m.name}")
            p.setToolTip("Stop; what was received is kept" if current else "Remove from the queue")
            p.setEnabled(not (current and mgr is not None and mgr.cancelling))
        elif m.state == "installed":
            p.setText("Download")
            p.setAccessibleName(f"Download {m.name}")
            p.setToolTip("Already installed")
            p.setEnabled(False)
        else:
            resume = m.state == "incomplete"
            p.setText("Resume" if resume else "Download")
            p.setAccessibleName(f"{'Resume' if resume else 'Download'} {m.name}")
            tip = f"Download {size_text(m.size_bytes)} in the background"
            if m.licences_to_accept:
                tip += " (you will be asked to accept the licence first)"
            p.setToolTip(tip)
            p.setEnabled(mgr is not None and not deleting)
        has_files = m.state != "not-installed" or m.size_on_disk > 0
        d.setEnabled(mgr is not None and has_files and not (current or queued or deleting))
        d.setToolTip(f"Delete its files ({size_text(m.size_on_disk)})" if has_files else "Nothing to delete")

    def _update_all_rows(self) -> None:
        for mid in self._order:
            self._update_row(mid)

    @Slot()
    def _on_selection(self) -> None:
        mid = self.selected_id()
        m = self._rows.get(mid) if mid else None
        if m is None:
            self.details.setText("<span>Select a model to see what it needs.</span>")
            return
        fit = fit_text(m)
        color = {True: _GOOD, False: _BAD, None: None}[m.fits]
        fit_html = f"<span style='color:{color.name()}'>{html.escape(fit)}</span>" if color else html.escape(fit)
        state = _STATES.get(m.state, m.state)
        if m.problems:
            state += f" ({'; '.join(m.problems)})"
        on_disk = f" · {size_text(m.size_on_disk)} on disk" if m.size_on_disk else ""
        licences = ", ".join(f"<a href='{html.escape(lic.url, quote=True)}'>{html.escape(lic.name)}</a>"
                             for lic in m.licence_links) or "—"
        if m.licences_to_accept:
            licences += " (to accept before downloading)"
        desc = f"{html.escape(m.description)}<br>" if m.description else ""
        self.details.setText(
            f"<b>{html.escape(m.name)}</b><br>{desc}{fit_html}<br>"
            f"Download {size_text(m.size_bytes)}{on_disk} · VRAM {f'{m.vram_gb:g} GB' if m.vram_gb else '—'} · "
            f"{html.escape(state)}<br>Licence: {licences}")

    # ------------------------------------------------------------------ user actions
    @Slot()
    def _on_primary_clicked(self) -> None:
        mid = self.sender().property("modelId") if self.sender() is not None else None
        if not isinstance(mid, str) or self.manager is None:
            return
        if self.manager.is_active(mid):
            self.cancel_download(mid)
        else:
            self.request_download(mid)

    @Slot()
    def _on_delete_clicked(self) -> None:
        mid = self.sender().property("modelId") if self.sender() is not None else None
        if isinstance(mid, str):
            self.request_delete(mid)

    def confirm_licence(self, row: ModelRow) -> bool:
        """Show the licence with an explicit, unchecked "I accept". True only when accepted."""
        dialog = LicenceDialog(row, self)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted and dialog.accept_box.isChecked()
        finally:
            dialog.deleteLater()

    def request_download(self, model_id: str) -> bool:
        """Download (or resume) ``model_id``, asking for the licence first if needed. False if not started."""
        m = self._rows.get(model_id)
        if m is None or self.manager is None:
            return False
        accept = False
        if m.licences_to_accept:
            if not self.confirm_licence(m):
                self.show_message(f"{html.escape(m.name)} was not downloaded: its licence was not accepted.")
                return False
            accept = True
        self._errors.pop(model_id, None)
        if self._retry_id == model_id:
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
            f"Delete {row.name} ({what}, {size_text(row.size_on_disk)})?\n"
            "You can download it again later.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def request_delete(self, model_id: str) -> bool:
        """Ask, then delete on the background pool. False when nothing was started."""
        m = self._rows.get(model_id)
        if m is None or self.tasks is None or self.manager is None or self.manager.is_active(model_id) \
                or model_id in self._deleting:
            return False
        if not self.confirm_delete(m):
            return False
        self._deleting.add(model_id)
        self._update_row(model_id)
        self.tasks.spawn(self._delete(model_id), name=f"delete {model_id}")
        return True

    async def _delete(self, model_id: str) -> None:
        assert self.tasks is not None and self.manager is not None
        name = self._rows[model_id].name if model_id in self._rows else model_id
        try:
            freed = await self.tasks.run(remove_model, self.manager.paths, model_id)
        except Exception as exc:  # noqa: BLE001 - shown inline (locked, permission denied...)
            log.warning("deleting %s failed: %s", model_id, exc)
            msg = getattr(exc, "message", None) or str(exc)
            self.show_message(f"{html.escape(name)} could not be deleted: {html.escape(msg)}", error=True)
        else:
            self.show_message(f"Deleted {html.escape(name)}: {size_text(freed) if freed else 'no space'} freed.")
        finally:
            self._deleting.discard(model_id)
            self._update_row(model_id)
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
        if self._retry_id is not None:
            self.show_message("Download settings saved. Press “Try again” to use them.", retry=self._retry_id)
        else:
            self.show_message(f"Downloads now come from {html.escape(self.manager.endpoint)}.")
        return True

    def _update_source_tip(self) -> None:
        if self.manager is None:
            return
        token = "an access token is set" if self.manager.hub.token else "no access token set here"
        self.source_button.setToolTip(f"Models come from {self.manager.endpoint}; {token}")

    @Slot()
    def _retry(self) -> None:
        mid = self._retry_id
        if mid is not None:
            self.request_download(mid)

    # ------------------------------------------------------------------ messages
    def show_message(self, text_html: str, *, error: bool = False, needs_token: bool = False,
                     retry: str | None = None) -> None:
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text_html)
        self.token_button.setVisible(needs_token)
        self._retry_id = retry
        self.retry_button.setVisible(retry is not None)
        self.message_box.show()

    @Slot()
    def clear_message(self) -> None:
        self._retry_id = None
        self.message.clear()
        self.message_box.hide()

    def message_text(self) -> str:
        return self.message.text() if not self.message_box.isHidden() else ""

    def show_error(self, text: str) -> None:
        self.status.setText(f"The model catalogue could not be read: {text}")

    # ------------------------------------------------------------------ manager events (GUI thread)
    def _name(self, model_id: str) -> str:
        m = self._rows.get(model_id)
        return m.name if m else model_id

    @Slot(str)
    def _on_started(self, model_id: str) -> None:
        self._last = None
        self._started_at = time.monotonic()
        if self._retry_id == model_id or (self._retry_id is None and self.message_box.isVisible()):
            self.clear_message()
        self.download_title.setText(f"<b>Downloading {html.escape(self._name(model_id))}</b>")
        self.download_bar.setRange(0, 0)
        self.download_text.setText("Asking the server what to download…")
        self.download_file.setText("")
        self.download_cancel.setEnabled(True)
        self._update_queue_label()
        self.download_box.show()
        self._update_row(model_id)

    @Slot(str)
    def _on_queued(self, model_id: str) -> None:
        self._update_queue_label()
        self._update_row(model_id)

    @Slot(object)
    def _on_progress(self, p: DownloadProgress) -> None:
        self._last = p
        if p.total:
            self.download_bar.setRange(0, 1000)
            self.download_bar.setValue(_per_mille(p))
        self.download_text.setText(progress_text(p, settled=time.monotonic() - self._started_at >= ETA_SETTLE_S))
        self.download_file.setText(file_text(p))
        self._update_row(p.model_id)

    @Slot(str, object)
    def _on_succeeded(self, model_id: str, manifest: object) -> None:
        size = getattr(manifest, "total_size", 0)
        self.show_message(f"{html.escape(self._name(model_id))} is installed"
                          + (f" ({size_text(size)})" if size else "") + ". The video styles were updated.")
        self._after(model_id)

    @Slot(str, object)
    def _on_failed(self, model_id: str, exc: object) -> None:
        endpoint = self.manager.endpoint if self.manager is not None else ""
        info = describe_download_error(model_id, exc if isinstance(exc, BaseException) else Exception(str(exc)),
                                       endpoint)
        self._errors[model_id] = info
        text = f"<b>{html.escape(self._name(model_id))} could not be downloaded.</b> {html.escape(info.message)}"
        if info.hint:
            text += f"<br>{html.escape(info.hint)}"
        if info.url:
            text += f"<br><a href='{html.escape(info.url, quote=True)}'>{html.escape(info.url)}</a>"
        self.show_message(text, error=True, needs_token=info.needs_token, retry=model_id)
        self._after(model_id)

    @Slot(str)
    def _on_cancelled(self, model_id: str) -> None:
        # A running download has already left the manager when this fires; a queued one has not.
        was_running = self.manager is None or self.manager.current is None
        if was_running:
            self.show_message(f"The download of {html.escape(self._name(model_id))} was stopped. What was received "
                              "is kept: “Resume” continues where it stopped.")
        self._after(model_id)

    def _after(self, model_id: str) -> None:
        """A download ended one way or another: refresh its row from disk, and the tiers."""
        if self._last is not None and self._last.model_id == model_id:
            self._last = None
        self._update_queue_label()
        self._update_row(model_id)
        self.models_changed.emit()

    @Slot()
    def _on_manager_changed(self) -> None:
        mgr = self.manager
        if mgr is None:
            return
        if not mgr.busy:
            self.download_box.hide()
        else:
            self.download_cancel.setEnabled(not mgr.cancelling)
            if mgr.cancelling:
                self.download_text.setText("Stopping…")
        self._update_queue_label()
        self._update_all_rows()

    def _update_queue_label(self) -> None:
        pending = self.manager.pending if self.manager is not None else []
        self.queue_label.setText(f"Next: {', '.join(self._name(m) for m in pending)}" if pending else "")
        self.queue_label.setVisible(bool(pending))
