"""The model catalogue, read-only: what each model costs (disk, VRAM), its licence, and whether it fits."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget, QHBoxLayout

from vidgen_desktop.bridge.models import ModelRow

COLUMNS = ("Model", "Download", "VRAM", "Licence", "Installed", "This computer")


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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
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
                m.name + (" (licence to accept)" if m.gated else ""),
                _size(m.size_bytes),
                f"{m.vram_gb:g} GB" if m.vram_gb else "—",
                ", ".join(m.licences) or "—",
                "Installed" if m.installed else "Not installed",
                {True: "Fits", False: "Too large", None: "…"}[m.fits],
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c == 0:
                    item.setToolTip(f"{m.id} · tier {m.tier}")
                if c == 3:
                    item.setToolTip("\n".join(m.licences))
                if c == 5:
                    item.setToolTip(m.fit_reason)
                    if m.fits is not None:
                        item.setForeground(good if m.fits else bad)
                self.table.setItem(r, c, item)
        installed = sum(m.installed for m in rows)
        self.status.setText(f"{len(rows)} models · {installed} installed")

    def show_error(self, text: str) -> None:
        self.status.setText(f"The model catalogue could not be read: {text}")
