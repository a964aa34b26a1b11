"""The Queue tab: the jobs waiting, running and finished, dragged into order, with their controls.

Widgets only: the rows come from :class:`vidgen_desktop.bridge.queue.QueueService` through
:class:`vidgen_desktop.ui.controllers.queue.QueueController`, which also loads the pictures'
thumbnails off the GUI thread. A drag in the list moves the row here at once and asks for
the new order to be saved (:attr:`QueueModel.reorder_requested`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

MIME = "application/x-vidgen-queue-ids"
Index = QModelIndex | QPersistentModelIndex
STATUS_TEXT = {"pending": "Waiting", "running": "Rendering", "paused": "Held", "done": "Done", "failed": "Failed",
               "cancelled": "Cancelled"}
STATUS_COLOR = {"done": "#2e7d32", "failed": "#c62828", "cancelled": "#8d6e63", "running": "#1565c0"}


@dataclass(frozen=True)
class QueueRow:
    id: int
    status: str
    sound: str
    picture: str
    tier: str
    error: str = ""
    fraction: float = 0.0
    eta: str = ""


class QueueModel(QAbstractListModel):
    """One row per job; the thumbnail is looked up by picture path."""

    reorder_requested = Signal(list)  # the ids in their new order

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[QueueRow] = []
        self.thumbs: dict[str, QImage] = {}

    # --- filling
    def set_rows(self, rows: list[QueueRow]) -> None:
        old = {r.id: r for r in self.rows}
        keep = [replace(r, fraction=old[r.id].fraction, eta=old[r.id].eta or r.eta)
                if r.id in old and r.status == "running" else r for r in rows]
        self.beginResetModel()
        self.rows = keep
        self.endResetModel()

    def row_of(self, job_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == job_id), -1)

    def update_row(self, job_id: int, **changes: Any) -> None:
        i = self.row_of(job_id)
        if i >= 0:
            self.rows[i] = replace(self.rows[i], **changes)
            self.dataChanged.emit(self.index(i), self.index(i))

    def set_thumb(self, picture: str, image: QImage) -> None:
        self.thumbs[picture] = image
        for i, r in enumerate(self.rows):
            if r.picture == picture:
                self.dataChanged.emit(self.index(i), self.index(i))

    # --- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{r.sound} · {r.tier} · {STATUS_TEXT.get(r.status, r.status)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{r.picture}\n{r.error}" if r.error else r.picture
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return base | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        ids = ",".join(str(self.rows[i.row()].id) for i in sorted(indexes, key=lambda i: i.row()) if i.isValid())
        mime.setData(MIME, QByteArray(ids.encode()))
        return mime

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if action != Qt.DropAction.MoveAction or not data.hasFormat(MIME):
            return False
        ids = [int(x) for x in bytes(data.data(MIME).data()).decode().split(",") if x]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.rows)
        for job_id in ids:
            src = self.row_of(job_id)
            if src >= 0:
                self.moveRows(QModelIndex(), src, 1, QModelIndex(), row)
                row = self.row_of(job_id) + 1
        return False  # moved here already: the view must not remove the source rows

    def moveRows(self, src_parent: Index, src: int, count: int, dst_parent: Index, dst: int) -> bool:
        """Move rows ``src``..``src+count-1`` before ``dst`` and ask for the order to be saved."""
        if count != 1 or not 0 <= src < len(self.rows) or not 0 <= dst <= len(self.rows) or dst in (src, src + 1):
            return False
        self.beginMoveRows(QModelIndex(), src, src, QModelIndex(), dst)
        item = self.rows.pop(src)
        self.rows.insert(dst - 1 if dst > src else dst, item)
        self.endMoveRows()
        self.reorder_requested.emit([r.id for r in self.rows])
        return True


class QueueDelegate(QStyledItemDelegate):
    """Thumbnail, sound name, tier · status · ETA, and a progress bar under a running job."""

    THUMB = 44

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(240, self.THUMB + 14)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        r: QueueRow | None = index.data(Qt.ItemDataRole.UserRole)
        if r is None:
            return
        painter.save()
        rect: QRect = option.rect  # type: ignore[attr-defined]
        pal: QPalette = option.palette  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        if selected:
            painter.fillRect(rect, pal.highlight())
        text_color = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        thumb_rect = QRect(rect.left() + 6, rect.top() + 7, self.THUMB, self.THUMB)
        model = index.model()
        image = model.thumbs.get(r.picture) if isinstance(model, QueueModel) else None
        if image is not None and not image.isNull():
            scaled = image.scaled(thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
            painter.drawImage(thumb_rect.left() + (self.THUMB - scaled.width()) // 2,
                              thumb_rect.top() + (self.THUMB - scaled.height()) // 2, scaled)
        else:
            painter.fillRect(thumb_rect, pal.midlight())
        x = thumb_rect.right() + 10
        text_w = rect.right() - x - 6
        bold = QFont(option.font)  # type: ignore[attr-defined]
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        painter.drawText(QRect(x, rect.top() + 6, text_w, 18), Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(r.sound, Qt.TextElideMode.ElideMiddle, text_w))
        painter.setFont(option.font)  # type: ignore[attr-defined]
        status = STATUS_TEXT.get(r.status, r.status)
        if r.status == "running":
            status += f" {round(r.fraction * 100)}%"
        line = " · ".join(p for p in (r.tier, status, r.eta, r.error) if p)
        painter.setPen(text_color if selected else
                       QColor(STATUS_COLOR.get(r.status, pal.color(QPalette.ColorRole.PlaceholderText).name())))
        painter.drawText(QRect(x, rect.top() + 24, text_w, 16), Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, text_w))
        if r.status == "running":
            bar = QRect(x, rect.top() + 44, text_w, 5)
            painter.fillRect(bar, pal.midlight())
            painter.fillRect(QRect(bar.left(), bar.top(), int(bar.width() * r.fraction), bar.height()),
                             QColor(STATUS_COLOR["running"]))
        painter.restore()


class QueuePanel(QWidget):
    """The list and its buttons; each button says what it does to the selected job."""

    pause_toggled = Signal(bool)
    cancel_requested = Signal(int)
    remove_requested = Signal(int)
    retry_requested = Signal(int)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QueueModel(self)
        self.view = QListView()
        self.view.setObjectName("queueList")
        self.view.setAccessibleName("Queued videos")
        self.view.setModel(self.model)
        self.view.setItemDelegate(QueueDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.view.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.view.setDragEnabled(True)
        self.view.setAcceptDrops(True)
        self.view.setDropIndicatorShown(True)
        self.view.setUniformItemSizes(True)
        self.summary = QLabel("The queue is empty. “Add to queue” keeps the current picture, sound and settings "
                              "as a job; Render then makes them one after the other.")
        self.summary.setWordWrap(True)
        self.summary.setObjectName("muted")
        self.pause = QPushButton("Pause queue")
        self.pause.setCheckable(True)
        self.pause.setToolTip("Let the running video finish and start no new one")
        self.cancel = QPushButton("Cancel job")
        self.remove = QPushButton("Remove")
        self.retry = QPushButton("Retry")
        self.clear = QPushButton("Clear finished")
        buttons = QHBoxLayout()
        for b in (self.pause, self.cancel, self.remove, self.retry):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.pause.toggled.connect(self.pause_toggled)
        self.cancel.clicked.connect(self._cancel)
        self.remove.clicked.connect(self._remove)
        self.retry.clicked.connect(self._retry)
        self.clear.clicked.connect(self.clear_requested)
        self.view.selectionModel().selectionChanged.connect(self.update_buttons)
        self._keep: int | None = None
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        self.model.modelReset.connect(self._restore_selection)
        self.model.dataChanged.connect(self.update_buttons)
        self.update_buttons()

    def selected(self) -> QueueRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows and rows[0].row() < len(self.model.rows) else None

    def select_id(self, job_id: int) -> None:
        i = self.model.row_of(job_id)
        if i >= 0:
            self.view.setCurrentIndex(self.model.index(i))

    def _remember_selection(self) -> None:
        r = self.selected()
        self._keep = r.id if r else None

    def _restore_selection(self) -> None:
        if self._keep is not None:
            self.select_id(self._keep)
        self.update_buttons()

    def update_buttons(self) -> None:
        r = self.selected()
        status = r.status if r else ""
        self.cancel.setEnabled(status in ("pending", "paused", "running"))
        self.remove.setEnabled(bool(r) and status != "running")
        self.retry.setEnabled(status in ("failed", "cancelled"))
        self.clear.setEnabled(any(x.status in ("done", "cancelled") for x in self.model.rows))

    def show_summary(self, text: str) -> None:
        self.summary.setText(text)

    def _cancel(self) -> None:
        if (r := self.selected()) is not None:
            self.cancel_requested.emit(r.id)

    def _remove(self) -> None:
        if (r := self.selected()) is not None:
            self.remove_requested.emit(r.id)

    def _retry(self) -> None:
        if (r := self.selected()) is not None:
            self.retry_requested.emit(r.id)
