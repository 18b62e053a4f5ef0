"""Column descriptions and the whole-list table model the small lists (teams, components) share.

A `Column` says how one attribute of a plain query row is shown, so every table formats,
aligns and sorts the same way. `RowTableModel` holds a list small enough to keep whole (tens
to a few thousand rows); the Workloads list is paged instead (see workload_table_model).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QIcon

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""data(index, ROW_ROLE) is the whole plain row object behind the index."""
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
"""data(index, SORT_ROLE) is the raw value the column sorts by (numbers stay numbers)."""

_WORDS = {
    "emergency": "Emergency patch",
    "configuration": "Configuration only",
    "pii": "PII",
    "bug_fix": "Bug fix",
    "tech_debt": "Tech debt",
}

AnyIndex = QModelIndex | QPersistentModelIndex


def human(value: str | None) -> str:
    """The coordinator's wording of a stored code value ("tech_debt" → "Tech debt")."""
    if not value:
        return ""
    return _WORDS.get(value, value.replace("_", " ").capitalize())


def dash(value: object) -> str:
    """Empty values show as an em dash so a blank cell never looks like a rendering bug."""
    return "—" if value in (None, "") else str(value)


@dataclass(frozen=True)
class Column:
    key: str
    """Attribute of the row, and the sort key the query understands."""
    header: str
    width: int = 110
    numeric: bool = False
    """Right-aligned (numbers line up on their last digit)."""
    text: Callable[[Any], str] | None = None
    icon: Callable[[Any], QIcon | None] | None = None
    tooltip: Callable[[Any], str] | None = None

    def display(self, row: Any) -> str:
        if self.text is not None:
            return self.text(row)
        return dash(getattr(row, self.key))

    def sort_value(self, row: Any) -> Any:
        """Blanks sort last; text sorts case-insensitively."""
        value = getattr(row, self.key)
        if value is None or value == "":
            return (True, "")
        return (False, value.casefold() if isinstance(value, str) else value)


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class ColumnsModel(QAbstractTableModel):
    """Formatting shared by every table; subclasses say where the row objects come from."""

    columns: ClassVar[Sequence[Column]] = ()

    def row_at(self, row: int) -> Any | None:
        raise NotImplementedError

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        column = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        if role == Qt.ItemDataRole.DecorationRole and column.icon is not None:
            return column.icon(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return getattr(row, column.key)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class RowTableModel(ColumnsModel):
    """A whole list of frozen rows (each with a `uuid`), sorted in memory by header clicks.

    The lists kept whole are small by construction, so sorting them here is cheaper than a
    round trip to the database, and keeps the selection through the re-sort.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            self._order(*self._sort)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def row_at(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, entity_uuid: str) -> int:
        """Position of the row with this UUID, or -1 (e.g. filtered out or deleted)."""
        return next((i for i, r in enumerate(self._rows) if r.uuid == entity_uuid), -1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        keys = [self._rows[i.row()].uuid for i in persistent]
        self._order(column, order)
        where = {r.uuid: n for n, r in enumerate(self._rows)}
        moved = [self.index(where[k], i.column()) for k, i in zip(keys, persistent, strict=True)]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def _order(self, column: int, order: Qt.SortOrder) -> None:
        col = self.columns[column]
        descending = order == Qt.SortOrder.DescendingOrder
        self._rows.sort(key=col.sort_value, reverse=descending)
