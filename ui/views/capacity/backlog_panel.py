"""The capacity screen's backlog: what is not planned yet, ranked by WSJF, re-scored in place.

A coordinator re-scores work during the planning meeting, so the four WSJF inputs are edited
in the table itself on the Fibonacci scale; each edit is one undoable service call, and the
row moves to its new rank at once. A refusal stays at the cell (⚠ and tooltip) and under the
filter, and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.domain.enums import FIBONACCI
from app.planning.plan import PlanSnapshot
from app.services import capacity_plan
from app.services.errors import ServiceError, ValidationError
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.models.backlog_table_model import (
    HEADER_TIPS,
    INPUTS,
    BacklogRow,
    BacklogTableModel,
    backlog_rows,
)
from ui.undo import Reporter, ServiceCommand
from ui.workers import Worker

RANK_IN_POOL = 5_000
"""Snapshots with this many workloads or more are ranked off the GUI thread."""
COMPACT_BELOW = 760
"""Narrower than this (the board's side pane), the panel shows the ranking numbers first and
hides team, class, risk and due date (they stay in the key's tooltip)."""
COMPACT_ORDER = (
    "key",
    "wsjf",
    "cost_of_delay",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "size",
    "title",
)
FILTER_DELAY_MS = 120
"""One refilter per typing pause; filtering 40,000 rows takes a few milliseconds."""

_ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)

Shown = Callable[[int, dict[str, int], dict[str, int]], None]
"""(workload id, inputs now in force, the values they replaced): lets the panel show an edit,
its undo and its redo at once, without waiting for the board to reload."""

_NAMES = {
    "business_value": "business value",
    "time_criticality": "time criticality",
    "risk_reduction": "RR|OE",
    "size": "job size",
}


class EditInputsCommand(ServiceCommand):
    """One WSJF input of one workload; undo writes back what the service says it replaced."""

    def __init__(
        self,
        ctx: AppContext,
        item_id: int,
        key: str,
        values: dict[str, int],
        *,
        shown: Shown | None = None,
        report: Reporter | None = None,
    ) -> None:
        what = ", ".join(_NAMES.get(k, k) for k in values)
        super().__init__(ctx, WORKLOAD, key, f"Edit {what} of {key}", report)
        self.item_id = item_id
        self.values = dict(values)
        self.before: dict[str, int] = {}
        self._shown = shown

    def _forward(self) -> None:
        previous = self._write(
            lambda s, a: capacity_plan.edit_workload(s, a, self.item_id, self.values)
        )
        self.before = {k: previous[k] for k in self.values if k in previous}
        self._show(self.values, self.before)

    def _backward(self) -> None:
        if self.before:
            self._write(lambda s, a: capacity_plan.edit_workload(s, a, self.item_id, self.before))
        self._show(self.before, self.values)

    def _show(self, values: dict[str, int], was: dict[str, int]) -> None:
        if self._shown is None or not values:
            return
        try:
            self._shown(self.item_id, values, was)
        except RuntimeError:  # the panel was closed; the board reloads on data_changed
            self._shown = None


class FibonacciDelegate(QStyledItemDelegate):
    """A combo on the Fibonacci scale, so an off-scale estimate cannot be typed."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName(HEADER_TIPS.get(self._key(index), "Estimate"))
        for n in FIBONACCI:
            combo.addItem(str(n), n)
        combo.activated.connect(lambda _i: self._picked(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        value = index.data(Qt.ItemDataRole.EditRole)
        found = editor.findData(value)
        if found < 0 and value is not None:
            editor.addItem(f"{value} (off the scale)", value)
            found = editor.count() - 1
        editor.setCurrentIndex(found)

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QComboBox)
        value = editor.currentData()
        if value is not None:
            model.setData(index, value, Qt.ItemDataRole.EditRole)

    def _picked(self, combo: QComboBox) -> None:
        """One pick is the whole edit: write it and close, as the Enter key would."""
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)

    @staticmethod
    def _key(index: QModelIndex | QPersistentModelIndex) -> str:
        model = index.model()
        columns = getattr(model, "columns", ())
        return columns[index.column()].key if 0 <= index.column() < len(columns) else ""


class BacklogPanel(QWidget):
    card_selected = Signal(int)
    """Workload id of the row the coordinator picked."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("backlogPanel")
        self.ctx = context
        self.model = BacklogTableModel(self)
        if context.actor.has(*WORKLOAD.roles):
            self.model.write_input = self._write_input
        self._compact: bool | None = None
        self._generation = 0
        self._ranking: Worker[tuple[int, list[BacklogRow]]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self._apply_filter)

        title = QLabel("Backlog", self)
        bold = QFont(title.font())
        bold.setBold(True)
        title.setFont(bold)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("backlogCount")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter by key or title")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter the backlog")
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._apply_filter)
        self.error = QLabel(self)
        self.error.setObjectName("backlogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.hide()
        self.table = self._make_table()

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.search)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        self._update_count()
        self._set_compact(False)

    # ----------------------------------------------------------------- public
    @property
    def ranking(self) -> bool:
        """A big backlog is being ranked in the pool; the previous one is still shown."""
        return self._ranking is not None

    def show_snapshot(self, snapshot: PlanSnapshot, train_id: int | None) -> None:
        """Show the backlog of the teams on `train_id` (every team when None), keeping the
        selected workload selected while it is still in the backlog.

        Ranking tens of thousands of workloads takes longer than a frame, so a big snapshot
        is ranked in the pool and shown when it lands; a newer snapshot supersedes it.
        """
        self._generation += 1
        if len(snapshot.items) < RANK_IN_POOL:
            self._ranking = None
            self._show_rows(backlog_rows(snapshot, train_id))
            return
        generation = self._generation
        worker: Worker[tuple[int, list[BacklogRow]]] = Worker(
            lambda _report: (generation, backlog_rows(snapshot, train_id))
        )
        queued = Qt.ConnectionType.QueuedConnection
        worker.signals.succeeded.connect(self._ranked, queued)
        worker.signals.failed.connect(self._rank_failed, queued)
        self._ranking = worker
        worker.start()

    def current_id(self) -> int | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return row.id if row is not None else None

    def selected_ids(self) -> list[int]:
        """Workloads selected in the table, in rank order (e.g. for the scope what-if)."""
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [r.id for r in map(self.model.row_at, rows) if r is not None]

    def select_item(self, item_id: int) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    @property
    def compact(self) -> bool:
        return bool(self._compact)

    # ---------------------------------------------------------------- private
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._set_compact(self.width() < COMPACT_BELOW)

    def _set_compact(self, compact: bool) -> None:
        if compact == self._compact:
            return
        self._compact = compact
        header = self.table.horizontalHeader()
        keys = [c.key for c in self.model.columns]
        order = [*COMPACT_ORDER, *(k for k in keys if k not in COMPACT_ORDER)] if compact else keys
        for visual, key in enumerate(order):
            logical = self.model.column_of(key)
            header.moveSection(header.visualIndex(logical), visual)
            header.setSectionHidden(logical, compact and key not in COMPACT_ORDER)
        header.setStretchLastSection(compact)

    def _ranked(self, result: tuple[int, list[BacklogRow]]) -> None:
        generation, rows = result
        if generation == self._generation:
            self._ranking = None
            self._show_rows(rows)

    def _rank_failed(self, exc: object) -> None:
        self._ranking = None
        self.error.setText(f"⚠ The backlog could not be ranked: {exc}")
        self.error.show()

    def _show_rows(self, rows: list[BacklogRow]) -> None:
        keep = self.current_id()
        self.model.set_rows(rows)
        self.error.hide()
        if keep is not None:
            self.select_item(keep)
        self._update_count()

    def _make_table(self) -> QTableView:
        table = QTableView(self)
        table.setModel(self.model)
        table.setObjectName("backlogTable")
        table.setAccessibleName("Backlog ranked by WSJF")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setTabKeyNavigation(False)
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        for i, column in enumerate(self.model.columns):
            table.setColumnWidth(i, column.width)
        delegate = FibonacciDelegate(table)
        for key in INPUTS:
            table.setItemDelegateForColumn(self.model.column_of(key), delegate)
        table.selectionModel().currentRowChanged.connect(self._current_changed)
        return table

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_at(current.row())
        if row is not None:
            self.card_selected.emit(row.id)

    def _apply_filter(self) -> None:
        self._timer.stop()
        keep = self.current_id()
        self.model.set_filter(self.search.text())
        if keep is not None:
            self.select_item(keep)
        self._update_count()

    def _update_count(self) -> None:
        total, points = self.model.total, self.model.total_points
        shown = self.model.rowCount()
        head = f"{shown:,} of {total:,} shown"
        if shown == total:
            head = f"{total:,} to plan on the train"
        self.count_label.setText(f"{head} · {points:,} points")

    def _write_input(self, row: BacklogRow, key: str, value: int) -> None:
        """Run the edit as an undoable command; a refusal is shown, then passed to the model."""
        command = EditInputsCommand(self.ctx, row.id, row.key, {key: value}, shown=self._shown)
        try:
            command.execute()
        except ValidationError as exc:
            self._show_error(row, key, "; ".join(e.message for e in exc.errors))
            raise
        except (ServiceError, DatabaseError) as exc:
            self._show_error(row, key, str(exc))
            raise
        self.error.hide()

    def _shown(self, item_id: int, values: dict[str, int], was: dict[str, int]) -> None:
        for key in values:
            self.model.clear_error(item_id, key)
        self.model.update_inputs(item_id, values, was)
        self._update_count()

    def _show_error(self, row: BacklogRow, key: str, message: str) -> None:
        """Under the filter as well as at the cell: a tooltip alone waits for a hover."""
        text = f"⚠ {row.key} {_NAMES.get(key, key)}: {message} — nothing was changed."
        self.error.setText(text)
        self.error.show()
