"""The model catalogue as a table model: one row per model, its state merged with what the downloads are doing.

Rows come from the store's status (:class:`~vidgen_desktop.bridge.models.ModelRow`, read on
the background pool); the live part (which model downloads, its progress, the queue,
deletes and failures) is kept here and merged in :meth:`ModelsTableModel.data`, so a
refresh of the rows never loses a running download's bar. The
:class:`~vidgen_desktop.ui.models_delegate.ModelsDelegate` paints the cells that need more
than text from the custom roles.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Slot
from PySide6.QtGui import QColor

from vidgen_desktop.bridge.models import ModelRow
from vidgen_desktop.ui.formatting import download_progress_text, size_text

if TYPE_CHECKING:
    from vidgen_desktop.bridge.downloads import DownloadManager
    from vidgen_desktop.engine.models.progress import DownloadProgress

COLUMNS = ("Model", "Size", "VRAM", "This computer", "Status", "Licence", "Actions")
NAME_COL, SIZE_COL, VRAM_COL, FIT_COL, STATE_COL, LICENCE_COL, ACTIONS_COL = range(len(COLUMNS))

_USER = Qt.ItemDataRole.UserRole.value
#: Every cell: the model's id.
MODEL_ID_ROLE = _USER
#: Status cell while downloading: per mille done, or -1 while it is not known yet; ``None`` otherwise.
PROGRESS_ROLE = _USER + 1
#: Actions cell: a :class:`RowActions`.
ACTIONS_ROLE = _USER + 2
#: Licence cell: rich text with the first licence as a link.
LINK_HTML_ROLE = _USER + 3
#: Status cell: the store's state ("installed", "incomplete", "not-installed").
STATE_ROLE = _USER + 4

GOOD, BAD, WARN = QColor(46, 160, 67), QColor(207, 34, 46), QColor(191, 135, 0)
STATES = {"installed": "Installed", "incomplete": "Incomplete", "not-installed": "Not installed"}


@dataclass(frozen=True)
class RowActions:
    """The two buttons of a row, as the delegate paints them."""

    #: "Download", "Resume" or "Cancel".
    primary: str
    primary_enabled: bool
    primary_tip: str
    primary_name: str
    delete_enabled: bool
    delete_tip: str

    @property
    def cancels(self) -> bool:
        return self.primary == "Cancel"


# ---------------------------------------------------------------------------- row texts


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


def licence_html(m: ModelRow) -> str:
    """The first licence as a link, "+N more" after it; all of them are in the tooltip and the details."""
    first = m.licence_links[0] if m.licence_links else None
    if first is None:
        return html.escape(", ".join(m.licences)) or "—"
    text = (f"<a href='{html.escape(first.url, quote=True)}'>{html.escape(first.name)}</a>" if first.url
            else html.escape(first.name))
    if len(m.licence_links) > 1:
        text += f" +{len(m.licence_links) - 1} more"
    return text


def details_html(m: ModelRow) -> str:
    """The paragraph under the table for the selected model."""
    fit = fit_text(m)
    color = {True: GOOD, False: BAD, None: None}[m.fits]
    fit_html = f"<span style='color:{color.name()}'>{html.escape(fit)}</span>" if color else html.escape(fit)
    state = STATES.get(m.state, m.state)
    if m.problems:
        state += f" ({'; '.join(m.problems)})"
    on_disk = f" · {size_text(m.size_on_disk)} on disk" if m.size_on_disk else ""
    licences = ", ".join(f"<a href='{html.escape(lic.url, quote=True)}'>{html.escape(lic.name)}</a>"
                         for lic in m.licence_links) or "—"
    if m.licences_to_accept:
        licences += " (to accept before downloading)"
    desc = f"{html.escape(m.description)}<br>" if m.description else ""
    vram = f"{m.vram_gb:g} GB" if m.vram_gb else "—"
    return (f"<b>{html.escape(m.name)}</b><br>{desc}{fit_html}<br>"
            f"Download {size_text(m.size_bytes)}{on_disk} · VRAM {vram} · {html.escape(state)}<br>"
            f"Licence: {licences}")


def _tooltips(m: ModelRow) -> dict[int, str]:
    licence_tip = "\n".join(f"{lic.name}: {lic.url}" for lic in m.licence_links) or "\n".join(m.licences)
    if m.licences_to_accept:
        licence_tip += "\nYou will be asked to accept this licence before downloading."
    return {
        NAME_COL: f"{m.name}\nid: {m.id} · tier: {m.tier}" + (f"\n{m.description}" if m.description else ""),
        SIZE_COL: f"Download: {size_text(m.size_bytes)}\nOn disk now: {size_text(m.size_on_disk)}",
        FIT_COL: fit_text(m),
        LICENCE_COL: licence_tip,
    }


# ---------------------------------------------------------------------------- the model


class ModelsTableModel(QAbstractTableModel):
    """Read-only rows; :meth:`follow` a :class:`DownloadManager` to show its queue and progress."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ModelRow] = []
        self._manager: DownloadManager | None = None
        self._current: str | None = None
        self._cancelling = False
        self._pending: tuple[str, ...] = ()
        self._progress: DownloadProgress | None = None
        self._deleting: set[str] = set()
        self._failed: dict[str, str] = {}

    # --- feeding it ----------------------------------------------------------------
    def follow(self, manager: DownloadManager) -> None:
        """Show ``manager``'s queue and progress; buttons are enabled from now on."""
        self._manager = manager
        manager.progress.connect(self._on_progress)
        manager.changed.connect(self._on_changed)
        self._on_changed()

    def set_rows(self, rows: list[ModelRow]) -> None:
        """New rows from the store. The same models in the same order update in place (selection kept)."""
        if [m.id for m in rows] == [m.id for m in self._rows]:
            self._rows = list(rows)
            self._changed_all()
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_deleting(self, model_id: str, deleting: bool) -> None:
        if deleting:
            self._deleting.add(model_id)
        else:
            self._deleting.discard(model_id)
        self._changed_row(model_id)

    def set_failed(self, model_id: str, message: str | None) -> None:
        """Mark the row's last download as failed (``message`` in the tooltip), or clear that."""
        if message is None:
            self._failed.pop(model_id, None)
        else:
            self._failed[model_id] = message
        self._changed_row(model_id)

    @Slot(object)
    def _on_progress(self, p: DownloadProgress) -> None:
        self._progress = p
        self._changed_row(p.model_id)

    @Slot()
    def _on_changed(self) -> None:
        mgr = self._manager
        if mgr is None:
            return
        self._current, self._cancelling, self._pending = mgr.current, mgr.cancelling, tuple(mgr.pending)
        if self._progress is not None and self._progress.model_id != self._current:
            self._progress = None
        self._changed_all()

    def _changed_row(self, model_id: str) -> None:
        r = self.row_index(model_id)
        if r >= 0:
            self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

    def _changed_all(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    # --- reading it ----------------------------------------------------------------
    def rows(self) -> list[ModelRow]:
        return list(self._rows)

    def row(self, model_id: str) -> ModelRow | None:
        r = self.row_index(model_id)
        return self._rows[r] if r >= 0 else None

    def row_index(self, model_id: str) -> int:
        return next((r for r, m in enumerate(self._rows) if m.id == model_id), -1)

    def progress_of(self, model_id: str) -> DownloadProgress | None:
        """The newest progress of ``model_id``'s running download."""
        p = self._progress
        return p if p is not None and p.model_id == model_id and self._current == model_id else None

    def status(self, model_id: str) -> tuple[str, QColor | None, str]:
        """The status cell: its words, their colour, and the tooltip."""
        m = self.row(model_id)
        if m is None:
            return "", None, ""
        if self._current == model_id:
            if self._cancelling:
                return "Stopping…", None, ""
            p = self.progress_of(model_id)
            if p is None:
                return "Starting…", None, "Starting…"
            return f"{int(p.fraction * 1000) / 10:.0f}%", None, download_progress_text(p)
        if model_id in self._pending:
            return "Queued", None, "Starts when the download before it ends"
        if model_id in self._deleting:
            return "Deleting…", None, ""
        if m.state == "installed":
            return "Installed", GOOD, ""
        if m.state == "incomplete":
            why = m.problems[0] if m.problems else "not finished"
            return f"Incomplete: {why}", WARN, "\n".join(m.problems)
        if model_id in self._failed:
            return "Not installed (failed)", BAD, self._failed[model_id]
        return "Not installed", None, ""

    def actions(self, model_id: str) -> RowActions | None:
        m = self.row(model_id)
        if m is None:
            return None
        current, queued = self._current == model_id, model_id in self._pending
        deleting, can_act = model_id in self._deleting, self._manager is not None
        has_files = m.state != "not-installed" or m.size_on_disk > 0
        delete_tip = f"Delete its files ({size_text(m.size_on_disk)})" if has_files else "Nothing to delete"
        delete_ok = can_act and has_files and not (current or queued or deleting)
        if current or queued:
            return RowActions("Cancel", not (current and self._cancelling),
                              "Stop; what was received is kept" if current else "Remove from the queue",
                              f"Cancel the download of {m.name}", delete_ok, delete_tip)
        if m.state == "installed":
            return RowActions("Download", False, "Already installed", f"Download {m.name}", delete_ok, delete_tip)
        verb = "Resume" if m.state == "incomplete" else "Download"
        tip = f"Download {size_text(m.size_bytes)} in the background"
        if m.licences_to_accept:
            tip += " (you will be asked to accept the licence first)"
        return RowActions(verb, can_act and not deleting, tip, f"{verb} {m.name}", delete_ok, delete_tip)

    # --- QAbstractTableModel ----------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        m, col = self._rows[index.row()], index.column()
        if role == MODEL_ID_ROLE:
            return m.id
        if col == STATE_COL:
            return self._state_data(m, role)
        if col == ACTIONS_COL:
            return self._actions_data(m, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(m, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltips(m).get(col)
        if role == Qt.ItemDataRole.ForegroundRole and col == FIT_COL and m.fits is not None:
            return GOOD if m.fits else BAD
        if role == LINK_HTML_ROLE and col == LICENCE_COL:
            return licence_html(m)
        return None

    @staticmethod
    def _text(m: ModelRow, col: int) -> str:
        if col == NAME_COL:
            return m.name
        if col == SIZE_COL:
            return row_size_text(m)
        if col == VRAM_COL:
            return f"{m.vram_gb:g} GB" if m.vram_gb else "—"
        if col == FIT_COL:
            return {True: "Fits", False: "Too large", None: "…"}[m.fits]
        return ", ".join(m.licences) or "—"

    def _state_data(self, m: ModelRow, role: int) -> Any:
        if role == STATE_ROLE:
            return m.state
        if role == PROGRESS_ROLE:
            if self._current != m.id or self._cancelling:
                return None
            p = self.progress_of(m.id)
            return int(p.fraction * 1000) if p is not None and p.total else -1
        text, color, tip = self.status(m.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return color
        return None

    def _actions_data(self, m: ModelRow, role: int) -> Any:
        actions = self.actions(m.id)
        if actions is None:
            return None
        if role == ACTIONS_ROLE:
            return actions
        if role == Qt.ItemDataRole.DisplayRole:
            return actions.primary
        if role == Qt.ItemDataRole.AccessibleTextRole:
            delete = f"Delete {m.name}" if actions.delete_enabled else "Delete (unavailable)"
            return f"{actions.primary_name}{'' if actions.primary_enabled else ' (unavailable)'}; {delete}"
        return None
