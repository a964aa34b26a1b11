"""The models tab's inline message: a result or an error with what to do next (token, try again, dismiss)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class ModelsMessage(QFrame):
    #: "Enter token…": open the download-source dialog.
    token_requested = Signal()
    #: "Try again" for this model id.
    retry_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelsMessageBox")
        self.retry_id: str | None = None
        self.label = QLabel()
        self.label.setObjectName("inlineMessage")
        self.label.setProperty("kind", "info")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setOpenExternalLinks(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.setAccessibleName("Model manager message")
        self.token_button = QPushButton("Enter token…")
        self.token_button.setAccessibleName("Enter a Hugging Face access token")
        self.token_button.clicked.connect(self.token_requested)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try the download again")
        self.retry_button.clicked.connect(self._on_retry)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.setAccessibleName("Dismiss the message")
        self.dismiss_button.clicked.connect(self.clear)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 1)
        buttons = QVBoxLayout()
        for b in (self.token_button, self.retry_button, self.dismiss_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        self.hide()

    def show_text(self, text_html: str, *, error: bool = False, needs_token: bool = False,
                  retry: str | None = None) -> None:
        self.label.setProperty("kind", "error" if error else "info")
        self.label.style().unpolish(self.label)
        self.label.style().polish(self.label)
        self.label.setText(text_html)
        self.token_button.setVisible(needs_token)
        self.retry_id = retry
        self.retry_button.setVisible(retry is not None)
        self.show()

    @Slot()
    def clear(self) -> None:
        self.retry_id = None
        self.label.clear()
        self.hide()

    def text(self) -> str:
        """The message shown now ("" when none)."""
        return self.label.text() if not self.isHidden() else ""

    @Slot()
    def _on_retry(self) -> None:
        if self.retry_id is not None:
            self.retry_requested.emit(self.retry_id)
