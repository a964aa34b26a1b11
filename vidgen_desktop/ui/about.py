"""The About box (version, edition, data folder, licences of the bundled parts and of the models) and the app icon.

The icon is the one ``scripts/make_icons.py`` draws into ``resources/icons`` (the same
files the installers use); where ``resources/`` is absent (a wheel install) the icon
drawn in code by :func:`vidgen_desktop.ui.imaging.app_icon` stands in.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from vidgen_desktop import APP_NAME, __version__
from vidgen_desktop.core import bundle
from vidgen_desktop.core.licences import APP_LICENCE, RESOURCES_LICENCE, present_components
from vidgen_desktop.core.paths import resources_dir

log = logging.getLogger(__name__)

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def icon_files() -> dict[int, Path]:
    folder = resources_dir() / "icons"
    return {s: folder / f"vidgen-{s}.png" for s in ICON_SIZES if (folder / f"vidgen-{s}.png").is_file()}


def window_icon() -> QIcon:
    """The app icon at every size it was drawn (loaded lazily by Qt), or the code-drawn fallback."""
    files = icon_files()
    if not files:
        from vidgen_desktop.ui.imaging import app_icon

        return app_icon()
    icon = QIcon()
    for size, path in files.items():
        icon.addFile(str(path), QSize(size, size))
    return icon


def about_html(data_folder: Path | None = None) -> str:
    """The headline part: name, version, edition, what it does, the data folder."""
    lines = [
        f"<h2 style='margin-bottom:2px'>{APP_NAME} {html.escape(__version__)}</h2>",
        f"<p style='margin-top:0'>{html.escape(bundle.edition_label())}</p>",
        "<p>Turns a picture and a sound into a video, entirely on this computer.</p>",
        f"<p>{APP_NAME} is free software under the {APP_LICENCE} licence.</p>",
    ]
    if data_folder is not None:
        lines.append(f"<p>Data folder: <code>{html.escape(str(data_folder))}</code></p>")
    return "\n".join(lines)


def _model_rows() -> list[tuple[str, str]]:
    try:
        from vidgen_desktop.engine.models.catalogue import load_builtin_catalogue

        cat = load_builtin_catalogue()
    except Exception:  # the About box must open even with a damaged catalogue
        log.exception("catalogue unreadable for the About box")
        return []
    rows = []
    for entry in cat:
        lic = "; ".join(
            f"<a href='{html.escape(x.url)}'>{html.escape(x.name)}</a>" + (f" ({html.escape(x.role)})" if x.role else "")
            for x in entry.licences) or "see the model's page"
        rows.append((html.escape(entry.name), lic))
    return rows


def licences_html() -> str:
    """Every bundled part with its version and licence, then the models' licences."""
    frozen = bundle.is_frozen()
    parts = ["<h3>Parts of this app</h3>", "<table cellspacing='0' cellpadding='3'>",
             "<tr><th align='left'>Part</th><th align='left'>Version</th><th align='left'>Licence</th></tr>"]
    for pc in present_components(frozen=frozen):
        c = pc.component
        note = f"<br><small>{html.escape(c.note)}</small>" if c.note else ""
        parts.append(f"<tr><td><a href='{html.escape(c.url)}'>{html.escape(c.name)}</a></td>"
                     f"<td>{html.escape(pc.version)}</td><td>{html.escape(c.licence)}{note}</td></tr>")
    parts.append("</table>")
    parts.append(f"<p>Sample picture, sample music and icon: {html.escape(RESOURCES_LICENCE)}.</p>")
    folder = bundle.licences_folder()
    if folder is not None:
        parts.append(f"<p>The full licence texts are in <code>{html.escape(str(folder))}</code>.</p>")
    rows = _model_rows()
    if rows:
        parts.append("<h3>AI models</h3><p>No model is included: each is downloaded only when you choose it in "
                     "the model manager, and comes under its own licence (some must be accepted first).</p>")
        parts.append("<table cellspacing='0' cellpadding='3'>")
        parts.extend(f"<tr><td>{name}</td><td>{lic}</td></tr>" for name, lic in rows)
        parts.append("</table>")
    return "\n".join(parts)


class AboutDialog(QDialog):
    def __init__(self, data_folder: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")
        icon = QLabel()
        icon.setPixmap(window_icon().pixmap(QSize(96, 96)))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.header = QLabel(about_html(data_folder))
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.header, 1)
        self.licences = QTextBrowser()
        self.licences.setObjectName("licences")
        self.licences.setOpenExternalLinks(True)
        self.licences.setAccessibleName("Licences of the parts and models")
        self.licences.setHtml(licences_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
        self.resize(620, 560)


def show_about(parent: QWidget | None, data_folder: Path | None) -> AboutDialog:
    """Open the About box (window-modal, non-blocking) and return it."""
    dialog = AboutDialog(data_folder, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
