"""The History tab: every render, newest first, searched and filtered, with what can be done with one.

Widgets only. :class:`HistoryModel` holds the rows loaded so far and asks for the next page
when the view scrolls past them (``canFetchMore``/``fetchMore`` → :attr:`HistoryModel.fetch_requested`);
:class:`vidgen_desktop.ui.controllers.history.HistoryController` reads the pages on the
background pool, so 10,000 renders open as fast as 200.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.history import STATUS_CHOICES, HistoryPage, HistoryQuery

Index = QModelIndex | QPersistentModelIndex
#: Shown columns: (header, index into the row's texts, ``engine.history.format.COLUMNS`` order).
SHOWN = (("When", 2), ("Status", 1), ("Sound", 4), ("Picture", 3), ("Video", 5), ("Tier", 6), ("Time", 7),
         ("Peak RAM", 8), ("Peak VRAM", 9), ("Error", 10))
STATUS_COLOR = {"failed": "#c62828", "cancelled": "#8d6e63", "interrupted": "#ef6c00", "running": "#1565c0"}


class HistoryModel(QAbstractTableModel):
    fetch_requested = Signal(int)  # the offset of the next page

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[int, str, str, tuple[str, ...]]] = []
        self.total = 0
        self.query = HistoryQuery()
        self._loading = False

    def reset_to(self, page: HistoryPage) -> None:
        self.beginResetModel()
        self.query, self.total, self.rows = page.query, page.total, list(page.rows)
        self._loading = False
        self.endResetModel()

    def append(self, page: HistoryPage) -> None:
        self._loading = False
        if page.query != self.query or page.offset != len(self.rows) or not page.rows:
            return  # an answer to an older search, or a page already shown
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
        self.rows.extend(page.rows)
        self.total = page.total
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(SHOWN)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return SHOWN[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row_id, status, output, texts = self.rows[index.row()]
        col = SHOWN[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return texts[10] or output
        if role == Qt.ItemDataRole.ForegroundRole and col == 1 and status in STATUS_COLOR:
            return QColor(STATUS_COLOR[status])
        if role == Qt.ItemDataRole.UserRole:
            return row_id
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._loading and len(self.rows) < self.total

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self._loading = True
            self.fetch_requested.emit(len(self.rows))


class HistoryPanel(QWidget):
    query_changed = Signal(object)  # HistoryQuery
    open_requested = Signal(str)
    reveal_requested = Signal(str)
    again_requested = Signal(int)
    delete_requested = Signal(int, bool)  # id, also the video file

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search names and folders…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search the history")
        for clear in self.search.findChildren(QAbstractButton):
            clear.setAccessibleName("Clear the search")
        self.status = QComboBox()
        self.status.setAccessibleName("Show renders that are")
        for label, value in STATUS_CHOICES:
            self.status.addItem(label, value)
        self.count = QLabel()
        self.count.setObjectName("muted")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.count)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        for corner in self.table.findChildren(QAbstractButton):  # the table's corner: named for screen readers
            corner.setAccessibleName("Select all renders")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((96, 76, 140, 120, 140, 76, 60, 76, 80)):
            self.table.setColumnWidth(col, width)
        self.open = QPushButton("Open video")
        self.reveal = QPushButton("Show in folder")
        self.again = QPushButton("Render again")
        self.again.setToolTip("Queue the same picture, sound and settings again (a new file name)")
        self.delete = QPushButton("Delete…")
        buttons = QHBoxLayout()
        for b in (self.open, self.reveal, self.again):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._emit_query)
        self.search.textChanged.connect(self._debounce.start)
        self.status.currentIndexChanged.connect(self._emit_query)
        self.open.clicked.connect(self._open)
        self.reveal.clicked.connect(self._reveal)
        self.again.clicked.connect(self._again)
        self.delete.clicked.connect(self._delete)
        self.table.doubleClicked.connect(self._open)
        self.table.selectionModel().selectionChanged.connect(self.update_buttons)
        self.model.modelReset.connect(self.update_buttons)
        self.model.modelReset.connect(self._show_count)
        self.model.rowsInserted.connect(self._show_count)
        self.update_buttons()

    def query(self) -> HistoryQuery:
        return HistoryQuery(self.search.text().strip(), str(self.status.currentData() or ""))

    def _emit_query(self) -> None:
        self._debounce.stop()
        self.query_changed.emit(self.query())

    def _show_count(self) -> None:
        n = self.model.total
        self.count.setText(f"{n} render{'s' if n != 1 else ''}")

    def selected(self) -> tuple[int, str, str] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or rows[0].row() >= len(self.model.rows):
            return None
        row_id, status, output, _ = self.model.rows[rows[0].row()]
        return row_id, status, output

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def update_buttons(self) -> None:
        sel = self.selected()
        done = sel is not None and sel[1] == "done"
        self.open.setEnabled(done)
        self.reveal.setEnabled(done)
        self.again.setEnabled(sel is not None and sel[1] != "running")
        self.delete.setEnabled(sel is not None and sel[1] != "running")

    def confirm_delete(self, done: bool) -> tuple[bool, bool]:
        """Ask; (delete the entry, also its video file)."""
        box = QMessageBox(QMessageBox.Icon.Question, "Delete from the history?",
                          "Remove this render from the history?", QMessageBox.StandardButton.Yes
                          | QMessageBox.StandardButton.No, self)
        also = QCheckBox("Also delete the video file")
        if done:
            box.setCheckBox(also)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        ok = box.exec() == QMessageBox.StandardButton.Yes
        return ok, ok and done and also.isChecked()

    def _open(self) -> None:
        if (sel := self.selected()) is not None and sel[1] == "done":
            self.open_requested.emit(sel[2])

    def _reveal(self) -> None:
        if (sel := self.selected()) is not None:
            self.reveal_requested.emit(sel[2])

    def _again(self) -> None:
        if (sel := self.selected()) is not None:
            self.again_requested.emit(sel[0])

    def _delete(self) -> None:
        if (sel := self.selected()) is None:
            return
        ok, with_file = self.confirm_delete(sel[1] == "done")
        if ok:
            self.delete_requested.emit(sel[0], with_file)
