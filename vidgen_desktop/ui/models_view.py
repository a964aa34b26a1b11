"""The models table as a view: the table model, the painting delegate, column sizes, keys and a selection tint."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QKeySequence, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView, QWidget

from vidgen_desktop.ui.models_delegate import ModelsDelegate
from vidgen_desktop.ui.models_table import ACTIONS_COL, LICENCE_COL, MODEL_ID_ROLE, STATE_COL, ModelsTableModel


class ModelsView(QTableView):
    """Row selection, painted buttons (and Space), the Delete key; signals carry the row's model id."""

    primary_clicked = Signal(str)  # Download / Resume / Cancel
    delete_clicked = Signal(str)

    def __init__(self, model: ModelsTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.delegate = ModelsDelegate(self)
        self.delegate.primary_clicked.connect(self.primary_clicked)
        self.delegate.delete_clicked.connect(self.delete_clicked)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setAccessibleName("Model catalogue")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(40)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)  # long names take two lines rather than an ellipsis
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover)  # the button under the mouse lights up
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        for c in (1, 2, 3, ACTIONS_COL):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        for c in (STATE_COL, LICENCE_COL):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(c, 150)
        delete_key = QAction("Delete the selected model", self)
        delete_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete_key.triggered.connect(self._on_delete_key)
        self.addAction(delete_key)
        self._tint_selection()

    def selected_id(self) -> str | None:
        rows = self.selectionModel().selectedRows()
        return str(rows[0].data(MODEL_ID_ROLE)) if rows else None

    @Slot()
    def _on_delete_key(self) -> None:
        mid = self.selected_id()
        if mid is not None:
            self.delete_clicked.emit(mid)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # light/dark switch
            self._tint_selection()

    def _tint_selection(self) -> None:
        """A light selection tint from the application's colours: painted links and buttons stay readable on it."""
        app = QApplication.palette()
        base, hi = app.color(QPalette.ColorRole.Base), app.color(QPalette.ColorRole.Highlight)
        tint = QColor(*(round(b + (h - b) * 0.28) for b, h in ((base.red(), hi.red()), (base.green(), hi.green()),
                                                                (base.blue(), hi.blue()))))
        pal = self.palette()
        if pal.color(QPalette.ColorRole.Highlight) == tint:
            return  # already tinted (our own setPalette comes back as a PaletteChange)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            pal.setColor(group, QPalette.ColorRole.Highlight, tint)
            pal.setColor(group, QPalette.ColorRole.HighlightedText, app.color(QPalette.ColorRole.Text))
        self.setPalette(pal)
