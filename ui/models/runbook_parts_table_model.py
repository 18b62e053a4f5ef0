"""What the steps table and the triggers table share: rows that belong to the editor's draft.

The model does not own its rows: an edit is handed to the `commit` callable the editor
installs, which turns it into one undoable change of the whole body and shows the new body
again; a change the editor refuses leaves the row as it was. Without `commit` the model edits
its own copy, which is what a stand-alone table (and the model tester) needs. A row with a
validation problem is tinted, and the messages sit under ISSUES_ROLE.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from app.runbooks.validate import Issue
from ui.models.row_table_model import AnyIndex
from ui.theme import mixed, palette_kind

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
"""data(index, ITEM_ROLE) is the step or trigger behind the row."""
ISSUES_ROLE = Qt.ItemDataRole.UserRole + 4
"""data(index, ISSUES_ROLE) is the list of problem messages about that cell."""
PROBLEM = "#d9822b"

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class Part(Protocol):
    @property
    def id(self) -> str: ...


Issues = dict[int, dict[str, list[str]]]
"""row → field → messages."""


def group_issues(issues: Iterable[Issue], row: Callable[[Issue], int | None]) -> Issues:
    """The problems by row and field, for the markers; `row` says which row an issue is
    about (None: not one of this table's)."""
    out: Issues = {}
    for issue in issues:
        at = row(issue)
        if at is not None:
            out.setdefault(at, {}).setdefault(issue.field, []).append(issue.message)
    return out


class RunbookPartsTableModel(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()
    HEADER_TIPS: tuple[str, ...] = ()
    NUMERIC: tuple[int, ...] = ()
    """Columns aligned to the right, headers included."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[Any, ...] = ()
        self._issues: Issues = {}
        self.editable = True
        self.commit: Callable[[int, Any, str], bool] | None = None
        """(row, the item as edited, the field that changed) → whether the edit was made."""

    def _show(self, items: Sequence[Part], issues: Issues) -> None:
        """The same rows in the same order only repaint (selection and an open editor stay),
        anything else resets the table."""
        new = tuple(items)
        if [i.id for i in new] == [i.id for i in self._items]:
            self._items, self._issues = new, issues
            if new:
                last = self.index(len(new) - 1, len(self.HEADERS) - 1)
                self.dataChanged.emit(self.index(0, 0), last)
            return
        self.beginResetModel()
        self._items, self._issues = new, issues
        self.endResetModel()

    def _item_at(self, row: int) -> Any:
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: str) -> int:
        return next((i for i, item in enumerate(self._items) if item.id == item_id), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(section)
        return None

    def _alignment(self, column: int) -> Qt.AlignmentFlag:
        return _RIGHT if column in self.NUMERIC else _LEFT

    def apply(self, row: int, item: Any, field: str) -> bool:
        """Hand a changed item to the editor, or keep it here when there is none."""
        if self.commit is not None:
            return self.commit(row, item, field)
        items = list(self._items)
        items[row] = item
        self._items = tuple(items)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
        return True


def problem_brush() -> QBrush | None:
    """The tint of a cell with a problem; none in high contrast, where the icon and the
    word "missing" carry it."""
    base, _text, dark, high = palette_kind(QApplication.palette())
    return None if high else QBrush(mixed(base, PROBLEM, 0.35 if dark else 0.18))


def warning_icon() -> QIcon:
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
