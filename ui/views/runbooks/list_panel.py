"""The runbooks to pick from: search, a kind filter, and one three-line entry per runbook
(subject and sign-off state, title, version and size).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QHideEvent, QPainter, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from ui.models.row_table_model import ROW_ROLE
from ui.models.runbook_list_model import (
    APPROVED_ROLE,
    DETAILS_ROLE,
    HEADING_ROLE,
    STATE_ROLE,
    RunbookListModel,
)
from ui.theme import mixed, palette_kind

SEARCH_DELAY_MS = 250
KIND_CHOICES = (
    ("All runbooks", ""),
    ("Component templates", "component"),
    ("Workload runbooks", "workload"),
)
PAD = 6
APPROVED_COLOUR = "#2e7d32"
APPROVED_ON_DARK = "#81c784"
ELIDE = Qt.TextElideMode.ElideRight


class RunbookDelegate(QStyledItemDelegate):
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = option.fontMetrics.lineSpacing()
        return QSize(max(120, option.rect.width()), 3 * line + 2 * PAD + 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette = opt.palette
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        ink = palette.color(role)
        base, _text, dark, high = palette_kind(palette)
        muted = ink if selected or high else mixed(base, ink, 0.68)
        rect = opt.rect.adjusted(PAD + 2, PAD, -PAD - 2, -PAD)
        metrics = opt.fontMetrics
        line = metrics.lineSpacing()
        painter.save()
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        width = rect.width()

        def row_rect(n: int, x: int = 0) -> QRect:
            return QRect(rect.left() + x, rect.top() + n * line, max(0, width - x), line)

        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(ink)
        heading = str(index.data(HEADING_ROLE) or "")
        painter.drawText(row_rect(0), left, painter.fontMetrics().elidedText(heading, ELIDE, width))
        painter.setFont(opt.font)
        title = str(getattr(index.data(ROW_ROLE), "title", ""))
        painter.drawText(row_rect(1), left, metrics.elidedText(title, ELIDE, width))
        state = str(index.data(STATE_ROLE) or "")
        approved = bool(index.data(APPROVED_ROLE))
        if approved and not selected and not high:
            painter.setPen(QColor(APPROVED_ON_DARK if dark else APPROVED_COLOUR))
        else:
            painter.setPen(ink if approved else muted)
        painter.drawText(row_rect(2), left, state)
        after = metrics.horizontalAdvance(state)
        painter.setPen(muted)
        details = " · " + str(index.data(DETAILS_ROLE) or "")
        painter.drawText(
            row_rect(2, after), left, metrics.elidedText(details, ELIDE, max(0, width - after))
        )
        painter.restore()


class ListPanel(QWidget):
    filter_changed = Signal()
    """The search text (after a pause in typing) or the kind changed."""

    def __init__(self, model: RunbookListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbookListPanel")
        self.model = model
        self.search = QLineEdit(self)
        self.search.setObjectName("runbookSearch")
        self.search.setPlaceholderText("Find a runbook (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search runbooks")
        self.kind = QComboBox(self)
        self.kind.setObjectName("runbookKind")
        self.kind.setAccessibleName("Which runbooks")
        for label, value in KIND_CHOICES:
            self.kind.addItem(label, value)
        self.count = QLabel(self)
        self.count.setObjectName("rowCount")
        self.list = QListView(self)
        self.list.setObjectName("runbookList")
        self.list.setAccessibleName("Runbooks")
        self.list.setModel(model)
        self.list.setItemDelegate(RunbookDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setAlternatingRowColors(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.filter_changed)
        self._pending = False
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self.apply_now)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        row = QHBoxLayout()
        row.addWidget(self.kind, 1)
        row.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)

    def hideEvent(self, event: QHideEvent) -> None:
        """A search typed just before hiding applies when the list shows again."""
        if self._timer.isActive():
            self._timer.stop()
            self._pending = True
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending:
            self._pending = False
            self._timer.start()

    def text(self) -> str:
        return self.search.text().strip()

    def kind_value(self) -> str:
        return str(self.kind.currentData() or "")

    def set_kind(self, kind: str) -> None:
        self.kind.blockSignals(True)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        self.kind.blockSignals(False)

    def apply_now(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self.filter_changed.emit()

    def _kind_changed(self) -> None:
        self._timer.stop()
        self.filter_changed.emit()

    def current_uuid(self) -> str:
        index = self.list.currentIndex()
        row = self.model.row_at(index.row()) if index.isValid() else None
        return row.uuid if row is not None else ""

    def select_uuid(self, runbook_uuid: str) -> bool:
        """Select a runbook without announcing it (the caller opens it)."""
        row = self.model.row_of(runbook_uuid)
        selection = self.list.selectionModel()
        selection.blockSignals(True)
        try:
            if row < 0:
                self.list.clearSelection()
                self.list.setCurrentIndex(QModelIndex())
                return False
            self.list.setCurrentIndex(self.model.index(row))
            self.list.scrollTo(self.model.index(row))
        finally:
            selection.blockSignals(False)
        self.list.viewport().update()
        return True
