"""The model manager's two dialogs: accepting a licence, and where downloads come from (mirror and token)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from vidgen_desktop.bridge.models import ModelRow
from vidgen_desktop.core.hub_settings import HubSettings


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
