"""Pieces of the main window's layout that are not panels: the problem banner, the render bar, the left column."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from vidgen_desktop.ui.controllers.render import READY_TIP


class ProblemBanner(QFrame):
    """App-wide problems (an unhandled error, settings that could not be read or saved), above everything."""

    open_logs_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appBanner")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("Problem message")
        logs = QPushButton("Open log folder")
        logs.clicked.connect(self.open_logs_requested)
        close = QPushButton("Dismiss")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(logs)
        row.addWidget(close)
        self.hide()

    def show_text(self, text: str) -> None:
        self.text.setText(text)
        self.show()


class RenderBar(QWidget):
    """The Render button and, beside it, what it will make or why it can't yet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QPushButton("Render video")
        self.button.setObjectName("renderButton")
        self.button.setAccessibleName("Render the video")
        self.button.setToolTip(READY_TIP)
        self.button.setDefault(True)
        self.reason = QLabel()
        self.reason.setObjectName("renderReason")
        self.reason.setWordWrap(True)
        self.reason.setAccessibleName("Why rendering is not possible yet")
        self.add_button = QPushButton("Add to queue")
        self.add_button.setObjectName("addToQueueButton")
        self.add_button.setToolTip("Keep this picture, sound and settings as a job in the Queue tab")
        self.estimate = QLabel()
        self.estimate.setObjectName("muted")
        self.estimate.setAccessibleName("How long the render will take")
        texts = QVBoxLayout()
        texts.setContentsMargins(0, 0, 0, 0)
        texts.setSpacing(2)
        texts.addWidget(self.reason)
        texts.addWidget(self.estimate)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(texts, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.button)


def input_column(drop: QWidget, settings: QWidget, render_bar: QWidget) -> QWidget:
    """The left side: a headline, the drop zone and the video settings, scrolling on small screens, and below
    them the render bar, which never scrolls away (Render must be in reach at any window height)."""
    headline = QLabel("Turn a picture and a sound into a video")
    headline.setObjectName("headline")
    sub = QLabel("Everything happens on this computer. Nothing is uploaded.")
    sub.setObjectName("muted")
    left = QWidget()
    column = QVBoxLayout(left)
    column.setContentsMargins(16, 14, 12, 14)
    column.setSpacing(12)
    column.addWidget(headline)
    column.addWidget(sub)
    column.addWidget(drop, 1)
    column.addWidget(settings)
    scroll = QScrollArea()
    scroll.setWidget(left)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    outer = QWidget()
    lay = QVBoxLayout(outer)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(0)
    lay.addWidget(scroll, 1)
    bar_box = QWidget()
    bar_box.setObjectName("renderBarBox")
    bar_lay = QVBoxLayout(bar_box)
    bar_lay.setContentsMargins(16, 8, 12, 12)
    bar_lay.addWidget(render_bar)
    lay.addWidget(bar_box)
    return outer
