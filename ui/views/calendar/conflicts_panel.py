"""The conflicts in the visible range, as a list the coordinator works down in the meeting.

Each row shows its severity as a shape (stop octagon or warning triangle) and a word, the item,
the reason and the next free time; activating a row takes the calendar to the item and picks
it.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.planning.schedule import BLOCKING, KIND_TITLES, Conflict
from ui.views.calendar import paint
from ui.views.calendar.zones import when

AnyIndex = QModelIndex | QPersistentModelIndex
CONFLICT_ROLE = Qt.ItemDataRole.UserRole + 1
"""data(index, CONFLICT_ROLE) is the `Conflict` behind the row."""
NEXT_FREE_ROLE = Qt.ItemDataRole.UserRole + 2
"""The "next free" line, in the display zone."""


def next_free_text(conflict: Conflict, zone: str) -> str:
    if conflict.next_free is None:
        return "No free time within 90 days"
    return f"Next free: {when(conflict.next_free, zone)}"


class ConflictListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Conflict] = []
        self.zone = "UTC"

    def set_conflicts(self, conflicts: list[Conflict], zone: str) -> None:
        self.beginResetModel()
        self._rows = list(conflicts)
        self.zone = zone
        self.endResetModel()

    def conflict_at(self, row: int) -> Conflict | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, subject: str) -> int:
        return next((i for i, c in enumerate(self._rows) if c.subject == subject), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        conflict = self._rows[index.row()]
        word = "Blocking" if conflict.severity == BLOCKING else "Warning"
        kind = KIND_TITLES.get(conflict.kind, conflict.kind)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{word}: {kind}: {conflict.label}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            free = next_free_text(conflict, self.zone)
            return f"{word}: {kind}: {conflict.label}\n{conflict.reason}\n{free}"
        if role == CONFLICT_ROLE:
            return conflict
        if role == NEXT_FREE_ROLE:
            return next_free_text(conflict, self.zone)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ConflictDelegate(QStyledItemDelegate):
    """Three lines: glyph + severity + item, the reason (elided; the tooltip has it whole),
    and the next free time."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        line = QFontMetricsF(option.font).height()
        return QSize(200, int(line * 3 + 14))

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        conflict = index.data(CONFLICT_ROLE)
        if not isinstance(conflict, Conflict):
            return
        rect = QRectF(option.rect)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colours = paint.Colours.of(palette)
        p.save()
        if selected:
            p.fillRect(rect, colours.highlight)
        text = colours.highlight_text if selected else colours.text
        muted = paint.alpha(text, 0.75)
        font = option.font
        bold = paint.scaled(font, 1.0, bold=True)
        line = QFontMetricsF(font).height()
        x = rect.left() + 8
        size = min(line, 16.0)
        blocking = conflict.severity == BLOCKING
        paint.warning(p, QPointF(x + size / 2, rect.top() + 5 + line / 2), size, blocking)
        x += size + 6
        word = "Blocking" if blocking else "Warning"
        top = QRectF(x, rect.top() + 5, rect.right() - x - 6, line)
        kind = KIND_TITLES.get(conflict.kind, conflict.kind)
        paint.text_in(p, top, f"{word} · {kind} · {conflict.label}", text, bold)
        reason = QRectF(x, top.bottom() + 1, top.width(), line)
        paint.text_in(p, reason, conflict.reason, text, font)
        free = QRectF(x, reason.bottom() + 1, top.width(), line)
        paint.text_in(p, free, str(index.data(NEXT_FREE_ROLE)), muted, font)
        p.setPen(colours.grid)
        p.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
        p.restore()


class ConflictsPanel(QWidget):
    conflict_activated = Signal(object)
    """The `Conflict` the user activated."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Conflicts", self)
        self.title.setObjectName("conflictsTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.model = ConflictListModel(self)
        self.list = QTableView(self)  # fixed row heights: a hundred thousand rows stay instant
        self.list.setModel(self.model)
        self.list.setItemDelegate(ConflictDelegate(self.list))
        self.list.horizontalHeader().hide()
        self.list.horizontalHeader().setStretchLastSection(True)
        rows = self.list.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._size_rows()
        self.list.setShowGrid(False)
        self.list.setWordWrap(False)
        self.list.setTabKeyNavigation(False)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setAccessibleName("Conflicts in view")
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.empty = QLabel("✓ No conflicts in this range.", self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.list, 1)
        self.list.activated.connect(self._activated)
        self.list.clicked.connect(self._activated)

    def show_conflicts(self, conflicts: list[Conflict], zone: str, blocking: int) -> None:
        self.model.set_conflicts(conflicts, zone)
        head = f"Conflicts in view ({len(conflicts):,}"
        self.title.setText(head + (f", {blocking:,} blocking)" if blocking else ")"))
        self.empty.setVisible(not conflicts)
        self.list.setVisible(bool(conflicts))

    def _size_rows(self) -> None:
        line = QFontMetricsF(self.list.font()).height()
        self.list.verticalHeader().setDefaultSectionSize(int(line * 3 + 14))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: three taller lines
            self._size_rows()

    def activate_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.list.setCurrentIndex(index)
        self._activated(index)

    def _activated(self, index: QModelIndex) -> None:
        conflict = self.model.conflict_at(index.row())
        if conflict is not None:
            self.conflict_activated.emit(conflict)
