"""The running download under the models table: name, bar, amount · speed · time left, file, queue, Cancel."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from vidgen_desktop.ui.formatting import download_file_text, download_progress_text

if TYPE_CHECKING:
    from vidgen_desktop.engine.models.progress import DownloadProgress


class DownloadBox(QGroupBox):
    #: The user pressed Cancel (what was received is kept).
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Download", parent)
        self.setObjectName("downloadBox")
        self.title_label = QLabel()
        self.title_label.setObjectName("downloadTitle")
        self.title_label.setWordWrap(True)
        self.file_label = QLabel()
        self.file_label.setObjectName("muted")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setAccessibleName("Download progress")
        self.status = QLabel()
        self.status.setAccessibleName("Downloaded, speed and time left")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the download")
        self.cancel_button.setToolTip("Stop the download; what was received is kept and a later Download resumes")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.queue_label = QLabel()
        self.queue_label.setObjectName("muted")
        self.queue_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title_label)
        bar_row = QHBoxLayout()
        bar_row.addWidget(self.bar, 1)
        bar_row.addWidget(self.cancel_button)
        lay.addLayout(bar_row)
        lay.addWidget(self.status)
        lay.addWidget(self.file_label)
        lay.addWidget(self.queue_label)
        self.hide()

    def begin(self, name: str) -> None:
        """A download of ``name`` started: the bar is busy until the server said how much there is."""
        self.title_label.setText(f"<b>Downloading {html.escape(name)}</b>")
        self.bar.setRange(0, 0)
        self.status.setText("Asking the server what to download…")
        self.file_label.setText("")
        self.cancel_button.setEnabled(True)
        self.show()

    def show_progress(self, p: DownloadProgress, *, settled: bool) -> None:
        if p.total:
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(p.fraction * 1000))
        self.status.setText(download_progress_text(p, settled=settled))
        self.file_label.setText(download_file_text(p))

    def show_stopping(self) -> None:
        self.cancel_button.setEnabled(False)
        self.status.setText("Stopping…")

    def set_queue(self, names: list[str]) -> None:
        self.queue_label.setText(f"Next: {', '.join(names)}" if names else "")
        self.queue_label.setVisible(bool(names))
