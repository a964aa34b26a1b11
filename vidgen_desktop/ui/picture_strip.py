"""The slideshow's pictures as a strip of numbered thumbnails: drag one to reorder, remove with ✕ or Delete.

A view: it shows what it is given (:meth:`PictureStrip.show_pictures`) and says what the user did
(:attr:`moved`, :attr:`remove_requested`, :attr:`files_dropped`); the loader holds the order.
A drag inside the strip carries the dragged row in :data:`ROW_MIME`, so a drop is an internal
move whatever started it; files dropped on the strip join the slideshow.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from vidgen_desktop.ui.dnd import local_paths

#: What a drag inside the strip carries: the dragged row, as ASCII digits.
ROW_MIME = "application/x-vidgen-picture-row"


@dataclass(frozen=True)
class StripPicture:
    """What one tile shows: a thumbnail (``None`` while reading or when it failed), a name, a state."""

    name: str
    tooltip: str
    pixmap: QPixmap | None
    state: str  # "ready" | "loading" | "error"


class PictureStrip(QListWidget):
    """Numbered thumbnails, in reading order (left to right, then down): the order the video shows them."""

    #: A picture was dragged (or moved with Ctrl+←/→) from one place to another: (from, to).
    moved = Signal(int, int)
    remove_requested = Signal(int)
    #: Files dropped on the strip (they join the slideshow): list[Path].
    files_dropped = Signal(list)

    TILE = QSize(88, 56)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pictureStrip")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)  # rows of tiles, like a contact sheet; scrolls down past a few rows
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(self.TILE)
        self.setSpacing(3)
        self.setUniformItemSizes(True)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setMinimumHeight(self.TILE.height() + 16)
        self.setAccessibleName("Slideshow pictures, in order")
        self.setAccessibleDescription("Drag a picture to move it; Ctrl+Left and Ctrl+Right move the selected one; "
                                      "Delete removes it.")
        self.setToolTip("Drag to change the order · Delete removes the selected picture")

    # --- showing ------------------------------------------------------------------------
    def show_pictures(self, pictures: list[StripPicture]) -> None:
        current = self.currentRow()
        self.clear()
        for n, pic in enumerate(pictures, 1):
            item = QListWidgetItem(QIcon(self._tile(n, pic)), "")
            item.setToolTip(f"{n}. {pic.tooltip}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Picture {n}: {pic.name}")
            item.setSizeHint(self.TILE + QSize(4, 4))
            self.addItem(item)
        if 0 <= current < self.count():
            self.setCurrentRow(current)

    def _tile(self, number: int, pic: StripPicture) -> QPixmap:
        """The thumbnail letterboxed into a tile, with its place in the show in a badge."""
        dpr = max(1.0, self.devicePixelRatioF())
        tile = QPixmap(self.TILE * dpr)
        tile.setDevicePixelRatio(dpr)
        tile.fill(QColor(0, 0, 0, 0))
        p = QPainter(tile)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        area = QRect(QPoint(0, 0), self.TILE)
        if pic.pixmap is not None:
            scaled = pic.pixmap.scaled(self.TILE * dpr, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation)
            scaled.setDevicePixelRatio(dpr)
            size = scaled.size() / dpr
            p.drawPixmap(QPoint((area.width() - size.width()) // 2, (area.height() - size.height()) // 2), scaled)
        else:
            p.setPen(QColor("#cf222e") if pic.state == "error" else self.palette().placeholderText().color())
            p.drawRoundedRect(area.adjusted(1, 1, -1, -1), 6, 6)
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "can't be used" if pic.state == "error" else "reading…")
        badge = QRect(3, 3, 20, 18)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(0, 0, 0, 170))
        p.drawRoundedRect(badge, 5, 5)
        font = QFont(self.font())
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(255, 255, 255))
        p.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(number))
        p.end()
        return tile

    # --- moving by keyboard and removing --------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.currentRow()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if row >= 0 and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit(row)
            return
        if row >= 0 and ctrl and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            to = row + (1 if event.key() == Qt.Key.Key_Right else -1)
            if 0 <= to < self.count():
                self.moved.emit(row, to)
                self.setCurrentRow(to)
            return
        super().keyPressEvent(event)

    # --- dragging ---------------------------------------------------------------------
    def row_mime(self, row: int) -> QMimeData:
        mime = QMimeData()
        mime.setData(ROW_MIME, QByteArray(str(row).encode("ascii")))
        return mime

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        row = self.currentRow()
        if row < 0:
            return
        drag = QDrag(self)
        drag.setMimeData(self.row_mime(row))
        item = self.item(row)
        if item is not None:
            drag.setPixmap(item.icon().pixmap(self.TILE))
        drag.exec(Qt.DropAction.MoveAction)  # the drop below does the move; nothing to remove afterwards

    def drop_row(self, pos: QPoint) -> int:
        """Where (an insertion place, 0..count) a picture dropped at ``pos`` goes: before the tile under it,
        after it on its right half, last in the empty space after the tiles."""
        index = self.indexAt(pos)
        if not index.isValid():
            return self.count()
        rect = self.visualRect(index)
        return index.row() + (1 if pos.x() > rect.center().x() else 0)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime is not None and (mime.hasFormat(ROW_MIME) or local_paths(event)):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime is not None and mime.hasFormat(ROW_MIME):
            src = int(bytes(mime.data(ROW_MIME).data()).decode("ascii") or -1)
            to = self.drop_row(event.position().toPoint())
            dst = to - 1 if to > src else to  # the tile leaves its old place first
            dst = min(max(dst, 0), self.count() - 1)
            event.setDropAction(Qt.DropAction.MoveAction)
            event.accept()
            if 0 <= src < self.count() and dst != src:
                self.moved.emit(src, dst)
                self.setCurrentRow(dst)
            return
        paths: list[Path] = local_paths(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
            return
        event.ignore()
