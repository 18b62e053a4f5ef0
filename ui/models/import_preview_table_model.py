"""One tab of the workload import preview as a table: rows to create, field changes to
make, or the file's errors, each a plain `PreviewLine`.

A change is one line per field (key, field, before → after), so a reader scans what moves
and can sort by field to see, say, every release change together. Errors sort by row number
as numbers (row 10 after row 9), which is how the reader finds them in the spreadsheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QObject, Qt

from app.services.workload_import import LABELS, ImportPlan
from ui.models.row_table_model import AnyIndex, Column, ColumnsModel, dash, human


@dataclass(frozen=True)
class PreviewLine:
    row: int | None = None
    """The spreadsheet row (as numbered in Excel: the header is row 1)."""
    key: str = ""
    column: str = ""
    """The field changed, or the column an error is in."""
    before: str = ""
    after: str = ""
    text: str = ""
    """A created row's title, or an error's reason."""
    detail: str = ""
    """A created row's other values in words (team, release, size…)."""


def _row_text(line: PreviewLine) -> str:
    return "—" if line.row is None else f"{line.row:,}"


CREATE_COLUMNS = (
    Column("row", "Row", 60, numeric=True, text=_row_text),
    Column("key", "Key", 110),
    Column("text", "Title", 260, tooltip=lambda r: r.text),
    Column("detail", "Values", 320, tooltip=lambda r: r.detail),
)
UPDATE_COLUMNS = (
    Column("row", "Row", 60, numeric=True, text=_row_text),
    Column("key", "Key", 110),
    Column("column", "Field", 170, tooltip=lambda r: r.column),
    Column("before", "Before", 200, text=lambda r: dash(r.before), tooltip=lambda r: r.before),
    Column("after", "After", 200, text=lambda r: dash(r.after), tooltip=lambda r: r.after),
)
ERROR_COLUMNS = (
    Column("row", "Row", 60, numeric=True, text=_row_text),
    Column("column", "Column", 190, text=lambda r: dash(r.column), tooltip=lambda r: r.column),
    Column("key", "Key", 110),
    Column("text", "Reason", 420, tooltip=lambda r: r.text),
)


class ImportPreviewTableModel(ColumnsModel):
    """Plain lines in the order given, re-sorted in memory by a header click (a preview is
    at most a spreadsheet's rows, small enough to keep whole)."""

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._lines: list[PreviewLine] = []

    def set_lines(self, lines: Sequence[PreviewLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[PreviewLine]:
        return list(self._lines)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def row_at(self, row: int) -> PreviewLine | None:
        return self._lines[row] if 0 <= row < len(self._lines) else None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        col = self.columns[column]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self._lines[i.row()], i.column()) for i in persistent]
        # Ties keep the file's order (row, then key), so equal values never shuffle.
        self._lines.sort(key=lambda r: (r.row or 0, r.key))
        self._lines.sort(key=col.sort_value, reverse=order == Qt.SortOrder.DescendingOrder)
        where = {id(line): n for n, line in enumerate(self._lines)}
        moved = [self.index(where[id(line)], c) for line, c in held]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()


# ------------------------------------------------------------- from the service's plan
@dataclass(frozen=True)
class PreviewCounts:
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: int = 0
    """Error lines (a row may have several)."""
    error_rows: int = 0


@dataclass(frozen=True)
class PreviewLines:
    create: tuple[PreviewLine, ...] = ()
    update: tuple[PreviewLine, ...] = ()
    errors: tuple[PreviewLine, ...] = ()
    notes: tuple[str, ...] = ()


SUMMARY_FIELDS = (
    "change_class",
    "team",
    "size",
    "target_release",
    "status",
    "owner",
    "risk_tier",
    "components",
)
"""A created row's values named in its "Values" cell, in this order (the title has its own)."""


CODED = frozenset({"change_class", "status", "risk_tier"})
"""Fields stored as codes, shown in the coordinator's words ("bug_fix" → "Bug fix")."""


def words(value: object, name: str = "") -> str:
    """A planned value as a reader says it: lists joined, yes/no, ISO dates, codes in words."""
    if name in CODED and isinstance(value, str):
        return human(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def counts_of(plan: ImportPlan) -> PreviewCounts:
    return PreviewCounts(
        rows=len(plan.sheet.rows),
        create=len(plan.create),
        update=len(plan.update),
        unchanged=plan.unchanged,
        errors=len(plan.errors),
        error_rows=len({e.row for e in plan.errors}),
    )


def lines_of(plan: ImportPlan) -> PreviewLines:
    """The plan as table lines, fields named as the sheet's headers name them."""

    def label(name: str) -> str:
        return plan.sheet.columns.get(name) or LABELS.get(name) or name

    create = []
    for p in plan.create:
        shown = [
            f"{LABELS.get(n, n)}: {words(p.values[n], n)}"
            for n in SUMMARY_FIELDS
            if words(p.values.get(n))
        ]
        title = words(p.values.get("title"))
        create.append(PreviewLine(p.row, p.key, text=title, detail=" · ".join(shown)))
    update = [
        PreviewLine(
            p.row,
            p.key,
            label(name),
            before=words(p.before.get(name), name),
            after=words(p.values.get(name), name),
        )
        for p in plan.update
        for name in p.changed_fields
    ]
    keys = {r.row_number: words(r.cells.get("key", ("", None))[1]).strip() for r in plan.sheet.rows}
    errors = [
        PreviewLine(e.row or None, keys.get(e.row, ""), e.column, text=e.reason)
        for e in plan.errors
    ]
    return PreviewLines(tuple(create), tuple(update), tuple(errors), tuple(plan.notes))
