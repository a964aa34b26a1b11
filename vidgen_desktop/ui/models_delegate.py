"""Paints the models table's rich cells from the model's roles: progress bars, licence links and buttons.

No widget per cell: the bar and the two buttons are drawn with the current style (so they
look native and follow light/dark), and clicks (and Space on a row) come back through :meth:`editorEvent` as
:attr:`ModelsDelegate.primary_clicked` / :attr:`ModelsDelegate.delete_clicked` with the
row's model id. Which cell gets what is decided by the data, not the column number: a
cell with :data:`PROGRESS_ROLE` data gets a bar, one with :data:`ACTIONS_ROLE` buttons, one
with :data:`LINK_HTML_ROLE` rich text whose links open in the browser.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QCursor,
    QDesktopServices,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from vidgen_desktop.ui.models_table import (
    ACTIONS_COL,
    ACTIONS_ROLE,
    LINK_HTML_ROLE,
    MODEL_ID_ROLE,
    PROGRESS_ROLE,
    RowActions,
)

#: Every label the first button can show: its width fits the widest, so the column never jumps.
PRIMARY_LABELS = ("Download", "Resume", "Cancel")
DELETE_LABEL = "Delete"
_MARGIN, _SPACING, _TEXT_PAD = 4, 4, 6


def _style(widget: QWidget | None) -> QStyle:
    return widget.style() if widget is not None else QApplication.style()


class ModelsDelegate(QStyledItemDelegate):
    primary_clicked = Signal(str)  # model id: Download / Resume / Cancel
    delete_clicked = Signal(str)  # model id

    # --- geometry ------------------------------------------------------------------
    def _button_size(self, labels: tuple[str, ...], widget: QWidget | None) -> QSize:
        opt = QStyleOptionButton()
        fm = widget.fontMetrics() if widget is not None else QApplication.fontMetrics()
        text = QSize(max(fm.horizontalAdvance(t) for t in labels), fm.height())
        return _style(widget).sizeFromContents(QStyle.ContentsType.CT_PushButton, opt, text, widget)

    def button_rects(self, cell: QRect, widget: QWidget | None) -> tuple[QRect, QRect]:
        """Where the first and the Delete button are drawn in an actions cell ``cell``."""
        primary, delete = self._button_size(PRIMARY_LABELS, widget), self._button_size((DELETE_LABEL,), widget)
        h = min(max(primary.height(), delete.height()), cell.height() - 2)
        top = cell.top() + (cell.height() - h) // 2
        first = QRect(cell.left() + _MARGIN, top, primary.width(), h)
        return first, QRect(first.right() + 1 + _SPACING, top, delete.width(), h)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = super().sizeHint(option, index)
        if isinstance(index.data(ACTIONS_ROLE), RowActions):
            a, b = self.button_rects(QRect(0, 0, 1000, 1000), option.widget)
            return QSize(b.right() + 1 + _MARGIN, max(base.height(), a.height() + 4))
        return base

    # --- painting ------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        actions, progress, link = index.data(ACTIONS_ROLE), index.data(PROGRESS_ROLE), index.data(LINK_HTML_ROLE)
        if not isinstance(actions, RowActions) and progress is None and link is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # background, selection and focus only: the rest is drawn below
        _style(option.widget).drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        if isinstance(actions, RowActions):
            self._paint_buttons(painter, option, actions)
        elif progress is not None:
            self._paint_bar(painter, option, int(progress), str(index.data()))
        else:
            self._paint_html(painter, option, str(link))

    def _paint_buttons(self, painter: QPainter, option: QStyleOptionViewItem, actions: RowActions) -> None:
        view = option.widget
        hover = None
        if isinstance(view, QAbstractItemView) and option.state & QStyle.StateFlag.State_MouseOver:
            hover = view.viewport().mapFromGlobal(QCursor.pos())
        rects = self.button_rects(option.rect, view)
        for rect, text, enabled in ((rects[0], actions.primary, actions.primary_enabled),
                                    (rects[1], DELETE_LABEL, actions.delete_enabled)):
            btn = QStyleOptionButton()
            btn.rect, btn.text, btn.fontMetrics = rect, text, option.fontMetrics
            btn.palette = QPalette(option.palette)
            btn.state = QStyle.StateFlag.State_Raised
            if enabled:
                btn.state |= QStyle.StateFlag.State_Enabled
                if hover is not None and rect.contains(hover):
                    btn.state |= QStyle.StateFlag.State_MouseOver
            else:
                btn.palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
            _style(view).drawControl(QStyle.ControlElement.CE_PushButton, btn, painter, view)

    def _paint_bar(self, painter: QPainter, option: QStyleOptionViewItem, per_mille: int, text: str) -> None:
        bar = QStyleOptionProgressBar()
        h = min(18, option.rect.height() - 4)
        bar.rect = QRect(option.rect.left() + _TEXT_PAD, option.rect.center().y() - h // 2 + 1,
                         option.rect.width() - 2 * _TEXT_PAD, h)
        bar.minimum, bar.maximum = 0, (1000 if per_mille >= 0 else 0)  # 0..0: busy, the size is not known yet
        bar.progress = max(per_mille, 0)
        bar.text, bar.textVisible = (text, True) if per_mille >= 0 else ("", False)
        bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        bar.fontMetrics = option.fontMetrics
        # The application's highlight for the chunk: the table's own is tinted light for the selection.
        bar.palette = QPalette(option.palette)
        bar.palette.setColor(QPalette.ColorRole.Highlight, QApplication.palette().color(QPalette.ColorRole.Highlight))
        _style(option.widget).drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)

    def _document(self, option: QStyleOptionViewItem, rich: str) -> tuple[QTextDocument, QPoint]:
        """The rich text laid out for the cell, and where its top-left goes (vertically centred)."""
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setHtml(rich)
        doc.setTextWidth(max(10, option.rect.width() - 2 * _TEXT_PAD))
        top = option.rect.top() + max(0, (option.rect.height() - round(doc.size().height())) // 2)
        return doc, QPoint(option.rect.left() + _TEXT_PAD, top)

    def _paint_html(self, painter: QPainter, option: QStyleOptionViewItem, rich: str) -> None:
        doc, at = self._document(option, rich)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette = QPalette(option.palette)
        ctx.palette.setColor(QPalette.ColorRole.Text, option.palette.color(QPalette.ColorRole.Text))
        painter.save()
        painter.translate(at)
        painter.setClipRect(QRect(QPoint(0, 0), option.rect.size()))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()

    # --- input ---------------------------------------------------------------------
    def link_at(self, option: QStyleOptionViewItem, rich: str, pos: QPoint) -> str:
        doc, at = self._document(option, rich)
        return doc.documentLayout().anchorAt(pos - at)

    def editorEvent(self, event: QEvent, model: QAbstractItemModel, option: QStyleOptionViewItem,
                    index: QModelIndex | QPersistentModelIndex) -> bool:
        model_id, actions = index.data(MODEL_ID_ROLE), index.data(ACTIONS_ROLE)
        if event.type() == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent) \
                and event.button() == Qt.MouseButton.LeftButton:
            pos = event.position().toPoint()
            if isinstance(actions, RowActions):
                primary, delete = self.button_rects(option.rect, option.widget)
                if primary.contains(pos) and actions.primary_enabled:
                    self.primary_clicked.emit(model_id)
                    return True
                if delete.contains(pos) and actions.delete_enabled:
                    self.delete_clicked.emit(model_id)
                    return True
            link = index.data(LINK_HTML_ROLE)
            if link is not None:
                url = self.link_at(option, str(link), pos)
                if url:
                    QDesktopServices.openUrl(QUrl(url))
                    return True
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Space:
            row_actions = index.sibling(index.row(), ACTIONS_COL).data(ACTIONS_ROLE)  # whichever cell has focus
            if isinstance(row_actions, RowActions) and row_actions.primary_enabled:
                self.primary_clicked.emit(model_id)
                return True
        return super().editorEvent(event, model, option, index)

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: QModelIndex | QPersistentModelIndex) -> bool:
        """Each button has its own tooltip."""
        actions = index.data(ACTIONS_ROLE)
        if event.type() == QEvent.Type.ToolTip and isinstance(actions, RowActions):
            primary, delete = self.button_rects(option.rect, view)
            tip = actions.primary_tip if primary.contains(event.pos()) else \
                actions.delete_tip if delete.contains(event.pos()) else ""
            if tip:
                QToolTip.showText(event.globalPos(), tip, view)
            else:
                QToolTip.hideText()
            return True
        return super().helpEvent(event, view, option, index)
