"""The model catalogue, read-only: what each model costs (disk, VRAM), its licence, and whether it fits."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.models import ModelRow

_STATES = {"installed": "Installed", "incomplete": "Incomplete", "not-installed": "Not installed"}
COLUMNS = ("Model", "Download", "VRAM", "This computer", "Installed", "Licence")
_FIT_COL, _STATE_COL, _LICENCE_COL = 3, 4, 5


def _size(n: int | None) -> str:
    if not n:
        return "—"
    return f"{n / 1e9:.1f} GB" if n >= 1e9 else f"{n / 1e6:.0f} MB"


class ModelsPanel(QWidget):
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsPanel")
        self.note = QLabel("AI models make the picture move by itself. They are large downloads; "
                           "this list shows what exists and what fits this computer. "
                           "Downloading from here arrives with the model manager.")
        self.note.setWordWrap(True)
        self.note.setObjectName("muted")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Model catalogue")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, _LICENCE_COL):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_LICENCE_COL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(_LICENCE_COL, 170)
        self.status = QLabel("Reading the catalogue…")
        self.status.setObjectName("muted")
        self.refresh = QPushButton("Refresh")
        self.refresh.setAccessibleName("Refresh the model list")
        self.refresh.clicked.connect(self.refresh_requested)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.refresh)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.addWidget(self.note)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)

    def show_rows(self, rows: list[ModelRow]) -> None:
        self.table.setRowCount(len(rows))
        good, bad = QColor(46, 160, 67), QColor(207, 34, 46)
        for r, m in enumerate(rows):
            cells = [
                m.name,
                _size(m.size_bytes),
                f"{m.vram_gb:g} GB" if m.vram_gb else "—",
                {True: "Fits", False: "Too large", None: "…"}[m.fits],
                _STATES.get(m.state, m.state),
                ", ".join(m.licences) or "—",
            ]
            tips = {
                0: f"{m.name}\nid: {m.id} · tier: {m.tier}",
                _FIT_COL: m.fit_reason,
                _STATE_COL: "\n".join(m.problems),
                _LICENCE_COL: "\n".join(m.licences)
                + ("\nYou will be asked to accept this licence before downloading." if m.gated else ""),
            }
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if tips.get(c):
                    item.setToolTip(tips[c])
                if c == _FIT_COL and m.fits is not None:
                    item.setForeground(good if m.fits else bad)
                self.table.setItem(r, c, item)
        installed = sum(m.state == "installed" for m in rows)
        self.status.setText(f"{len(rows)} models · {installed} installed")

    def show_error(self, text: str) -> None:
        self.status.setText(f"The model catalogue could not be read: {text}")
