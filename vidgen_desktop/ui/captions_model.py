"""The caption editor's table: one row per cue, start, end and text; the text is editable in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

Index = QModelIndex | QPersistentModelIndex

COLUMNS = ("Start", "End", "Text")


def cue_time(seconds: float) -> str:
    """``1:02.35``: minutes, seconds and hundredths (what nudging by 0.1 s needs to show)."""
    cs = max(0, round(seconds * 100))
    m, rest = divmod(cs, 6000)
    return f"{m}:{rest // 100:02d}.{rest % 100:02d}"


class CueTableModel(QAbstractTableModel):
    """Holds the cues (the engine's ``Cue`` objects, treated as opaque records with start/end/text)."""

    #: ``(row, text)``: the user typed new text into a cell; the controller turns it into a new cue.
    text_edited = Signal(int, str)

    def __init__(self) -> None:
        super().__init__()
        self._cues: list[Any] = []

    @property
    def cues(self) -> list[Any]:
        return list(self._cues)

    def set_cues(self, cues: Sequence[Any]) -> None:
        self.beginResetModel()
        self._cues = list(cues)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._cues)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cues):
            return None
        cue = self._cues[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cue_time(cue.start) if col == 0 else cue_time(cue.end) if col == 1 else cue.text.replace("\n", " / ")
        if role == Qt.ItemDataRole.EditRole and col == 2:
            return cue.text.replace("\n", " ")
        if role == Qt.ItemDataRole.ToolTipRole and col == 2 and cue.words:
            return f"{len(cue.words)} words with their own times"
        if role == Qt.ItemDataRole.TextAlignmentRole and col < 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() and index.column() == 2 else base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or index.column() != 2:
            return False
        text = str(value).strip()
        if not text or text == self._cues[index.row()].text.replace("\n", " "):
            return False
        self.text_edited.emit(index.row(), text)
        return True

    def replace_cues(self, cues: Sequence[Any]) -> None:
        """New cues after an edit: rows that stay the same count get a data change, others a reset."""
        if len(cues) == len(self._cues):
            self._cues = list(cues)
            if cues:
                self.dataChanged.emit(self.index(0, 0), self.index(len(cues) - 1, len(COLUMNS) - 1))
        else:
            self.set_cues(cues)
