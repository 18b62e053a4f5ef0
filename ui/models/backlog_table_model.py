"""The capacity screen's backlog: unplanned workloads ranked by WSJF, inputs editable in place.

The backlog of the large organisation is tens of thousands of rows, so the rank is computed in
Python once per load (and once per edit), never per paint; the text filter narrows a list of
row positions, not a proxy. Edits are not written here: the model hands the new value to the
`write_input` callable the panel installs (which runs the undoable service call) and only changes
the row once that call has succeeded. A refusal is kept at the cell as a tooltip and a mark.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QColor

from app.db import DatabaseError
from app.planning.autoplan import wsjf_key
from app.planning.plan import PlanItem, PlanSnapshot
from app.services.errors import ServiceError, ValidationError
from ui.models.row_table_model import AnyIndex, Column, ColumnsModel, dash, human
from ui.widgets.risk import risk_icon

INPUTS = ("business_value", "time_criticality", "risk_reduction", "size")
"""The WSJF inputs a coordinator edits in the table, all on the Fibonacci scale."""

ERROR_ROLE = Qt.ItemDataRole.UserRole + 3
"""data(index, ERROR_ROLE) is the refusal last shown at this cell, or None."""

_ERROR_BACKGROUND = QBrush(QColor("#fde7e9"))
_ERROR_FOREGROUND = QBrush(QColor("#8c1d18"))


class BacklogRow(NamedTuple):
    """A tuple rather than a frozen dataclass: 40,000 of them are built per load, four times
    faster."""

    id: int
    key: str
    title: str
    team: str
    change_class: str
    business_value: int | None
    time_criticality: int | None
    risk_reduction: int | None
    size: int
    cost_of_delay: int
    wsjf: float
    risk_tier: str
    must_ship_by: date | None
    key_sort: str

    def with_inputs(
        self, values: Mapping[str, int], was: Mapping[str, int] | None = None
    ) -> BacklogRow:
        """The row after an edit, cost of delay and WSJF recomputed. `was` holds the values
        the edit replaced: the cost of delay moves by the difference, so the sum stays right
        even when a snapshot does not carry every input."""
        was = was or {}
        cod = self.cost_of_delay
        for name in INPUTS[:3]:
            if name in values:
                old = was.get(name, getattr(self, name))
                if old is not None:
                    cod += values[name] - old
        changed = {k: v for k, v in values.items() if k in INPUTS}
        size = changed.get("size", self.size)
        return self._replace(**changed, cost_of_delay=cod, wsjf=round(cod / size, 4))


def priority(row: BacklogRow | PlanItem) -> tuple[Any, ...]:
    """The auto-planner's WSJF rule (higher WSJF, then higher cost of delay, smaller size,
    earlier must-ship-by, natural key order), so the backlog reads in the order it is planned."""
    return wsjf_key(row)  # type: ignore[arg-type]


def backlog_rows(snapshot: PlanSnapshot, train_id: int | None = None) -> list[BacklogRow]:
    """The unplanned, movable workloads of the teams on `train_id` (every team when None),
    in rank order. WSJF inputs a snapshot does not carry show as unknown; an edit then moves
    the cost of delay by the difference the service reports (see `with_inputs`)."""
    names = {t.id: t.name for t in snapshot.teams}
    riders = {t.id for t in snapshot.teams if train_id is None or t.train == train_id}
    chosen = [
        item
        for item in snapshot.items
        if item.release is None and not item.fixed and item.team in riders
    ]
    chosen.sort(key=wsjf_key)
    return [
        BacklogRow(
            i.id,
            i.key,
            i.title,
            names[i.team],
            i.change_class,
            getattr(i, "business_value", None),
            getattr(i, "time_criticality", None),
            getattr(i, "risk_reduction", None),
            i.size,
            i.cost_of_delay,
            i.wsjf,
            i.risk_tier,
            i.must_ship_by,
            i.key_sort,
        )
        for i in chosen
    ]


def _details(row: BacklogRow) -> str:
    """Everything about the row in one tooltip, for a narrow panel that hides columns."""
    due = f" · must ship by {row.must_ship_by}" if row.must_ship_by else ""
    return (
        f"{row.key}: {row.title}\n{row.team} · {human(row.change_class)} · "
        f"{row.risk_tier} risk{due}"
    )


COLUMNS = (
    Column("key", "Key", 84, tooltip=lambda r: _details(r)),
    Column("title", "Title", 220, tooltip=lambda r: r.title),
    Column("team", "Team", 100),
    Column("change_class", "Class", 104, text=lambda r: human(r.change_class)),
    Column("business_value", "Value", 52, numeric=True),
    Column("time_criticality", "Time", 48, numeric=True),
    Column("risk_reduction", "RR|OE", 52, numeric=True),
    Column("size", "Size", 44, numeric=True),
    Column("cost_of_delay", "CoD", 44, numeric=True),
    Column("wsjf", "WSJF", 52, numeric=True, text=lambda r: f"{r.wsjf:.2f}"),
    Column(
        "risk_tier",
        "Risk",
        92,
        text=lambda r: human(r.risk_tier),
        icon=lambda r: risk_icon(r.risk_tier),
    ),
    Column("must_ship_by", "Due", 84, text=lambda r: dash(r.must_ship_by)),
)

HEADER_TIPS = {
    "business_value": "Business value (Fibonacci scale)",
    "time_criticality": "Time criticality (Fibonacci scale)",
    "risk_reduction": "Risk reduction / opportunity enablement (Fibonacci scale)",
    "size": "Job size (Fibonacci scale)",
    "cost_of_delay": "Cost of delay = value + time criticality + RR|OE",
    "wsjf": "Weighted shortest job first = cost of delay / job size",
    "must_ship_by": "Must ship by",
}

WriteInput = Callable[[BacklogRow, str, int], None]
"""(row, input name, new value): write it (raising what the service refuses)."""


class BacklogTableModel(ColumnsModel):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[BacklogRow] = []
        self._shown: list[int] = []
        """Positions in `_all` that pass the filter, in rank order."""
        self._haystack: list[str] = []
        self._needle = ""
        self._points = 0
        self.errors: dict[tuple[int, str], str] = {}
        """(row id, input name) → the refusal shown at that cell."""
        self.write_input: WriteInput | None = None

    # ----------------------------------------------------------------- public
    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def total_points(self) -> int:
        return self._points

    def set_rows(self, rows: Iterable[BacklogRow]) -> None:
        """Take rows already in rank order (see `backlog_rows`)."""
        self.beginResetModel()
        self._all = list(rows)
        self._haystack = [f"{r.key}\n{r.title}".casefold() for r in self._all]
        self._points = sum(r.size for r in self._all)
        self.errors.clear()
        self._shown = self._matching()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self.beginResetModel()
        self._needle = needle
        self._shown = self._matching()
        self.endResetModel()

    def row_at(self, row: int) -> BacklogRow | None:
        return self._all[self._shown[row]] if 0 <= row < len(self._shown) else None

    def row_of(self, item_id: int) -> int:
        """Shown position of a workload, or -1 (filtered out, or planned meanwhile)."""
        return next((n for n, i in enumerate(self._shown) if self._all[i].id == item_id), -1)

    def rows(self) -> Sequence[BacklogRow]:
        return [self._all[i] for i in self._shown]

    def update_inputs(
        self, item_id: int, values: Mapping[str, int], was: Mapping[str, int] | None = None
    ) -> None:
        """Show new inputs for one workload and move it to its new rank (a binary search:
        the rest of the list keeps its order)."""
        where = next((n for n, r in enumerate(self._all) if r.id == item_id), -1)
        if where < 0:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._all[self._shown[i.row()]].id for i in persistent]
        old = self._all.pop(where)
        text = self._haystack.pop(where)
        new = old.with_inputs(values, was)
        at = bisect_left(self._all, priority(new), key=priority)
        self._all.insert(at, new)
        self._haystack.insert(at, text)
        self._points += new.size - old.size
        self._shown = self._matching()
        position = {self._all[i].id: n for n, i in enumerate(self._shown)}
        moved = [
            self.index(position[k], i.column()) if k in position else QModelIndex()
            for k, i in zip(ids, persistent, strict=True)
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    # ------------------------------------------------------------ Qt contract
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return HEADER_TIPS.get(self.columns[section].key)
        return super().headerData(section, orientation, role)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key = self.columns[index.column()].key
        if key in INPUTS and role in (
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.EditRole,
            ERROR_ROLE,
        ):
            row = self.row_at(index.row())
            if row is None:
                return None
            error = self.errors.get((row.id, key))
            if role == Qt.ItemDataRole.EditRole:
                return getattr(row, key)
            if role == ERROR_ROLE:
                return error
            if role == Qt.ItemDataRole.ToolTipRole:
                tip = HEADER_TIPS[key]
                if self.write_input is not None:
                    tip += " — double-click or F2 to change"
                return f"⚠ {error}\n{tip}" if error else tip
            if error is None:
                return None
            if role == Qt.ItemDataRole.BackgroundRole:
                return _ERROR_BACKGROUND
            return _ERROR_FOREGROUND
        if key in INPUTS and role == Qt.ItemDataRole.DisplayRole:
            row = self.row_at(index.row())
            if row is not None and (row.id, key) in self.errors:
                return f"⚠ {dash(getattr(row, key))}"
        return super().data(index, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()].key in INPUTS and self.write_input:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Hand the value to `write_input`; the row changes only once the service accepted it."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.write_input is None:
            return False
        key = self.columns[index.column()].key
        row = self.row_at(index.row())
        if key not in INPUTS or row is None:
            return False
        if value == getattr(row, key):
            return False
        cell = (row.id, key)
        try:
            self.write_input(row, key, int(value))
        except ValidationError as exc:
            self.errors[cell] = "; ".join(e.message for e in exc.errors)
            self.dataChanged.emit(index, index)
            return False
        except (ServiceError, DatabaseError) as exc:
            self.errors[cell] = str(exc)
            self.dataChanged.emit(index, index)
            return False
        self.errors.pop(cell, None)
        return True

    def clear_error(self, item_id: int, key: str) -> None:
        if self.errors.pop((item_id, key), None) is not None:
            row = self.row_of(item_id)
            if row >= 0:
                cell = self.index(row, self.column_of(key))
                self.dataChanged.emit(cell, cell)

    # ---------------------------------------------------------------- private
    def _matching(self) -> list[int]:
        if not self._needle:
            return list(range(len(self._all)))
        needle = self._needle
        return [n for n, text in enumerate(self._haystack) if needle in text]
