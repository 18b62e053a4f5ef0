"""The selected release's plan: deployment stages, synchronised groups, integration-test groups
and any scheduled deployment that breaks the order.

These are the answers a coordinator takes into the go/no-go meeting, derived by the same rules
(`app.planning.release_dependencies`) the CLI uses, so the screen and a script never disagree.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.planning.dependency_order import Edge
from app.planning.dsm import Block, Matrix
from app.services.matrix_queries import ReleasePlan, base_key
from ui.views.matrix.canvas import MatrixCanvas
from ui.views.matrix.layout import CellIndex
from ui.views.matrix.models import ViolationRow, ViolationTableModel
from ui.views.matrix.neighbourhood import _section
from ui.widgets.tables import make_table

MAX_VIOLATIONS = 2000
"""A list longer than this is not read but fixed at the schedule; the count says how many."""
NO_RELEASE = (
    "Pick a release above to see its deployment stages, the groups that must deploy "
    "together, and the workloads to integration-test together."
)


def group_matrix(plan: ReleasePlan) -> Matrix:
    """The integration-test groups as one matrix: each group a named block on the diagonal,
    a mark wherever two workloads share or couple components."""
    names = tuple(key for group in plan.groups for key in group)
    position = {n: i for i, n in enumerate(names)}
    cells = {}
    for a, b in plan.pairs:
        if a in position and b in position:
            cells[(position[a], position[b])] = Edge(a, b, "test")
            cells[(position[b], position[a])] = Edge(b, a, "test")
    blocks, start = [], 0
    for group in plan.groups:
        blocks.append(Block(start, start + len(group) - 1, tuple(group)))
        start += len(group)
    teams = tuple(plan.teams.get(n, "") for n in names)
    return Matrix(names, teams, cells, tuple(blocks), tuple(0 for _ in names))


def cycle_name(number: int, members: list[str]) -> str:
    """How a dependency cycle is named: it deploys as one synchronised group."""
    shown = " ↔ ".join(members[:6])
    more = f" ↔ … {len(members) - 6} more" if len(members) > 6 else ""
    size = f" ({len(members)} steps)" if len(members) > 6 else ""
    return f"Synchronised group G{number}{size}: {shown}{more}"


class ReleasePanel(QWidget):
    workload_activated = Signal(str)
    """A workload was double-clicked: show it in the matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan: ReleasePlan | None = None
        self.summary = QLabel(NO_RELEASE, self)
        self.summary.setWordWrap(True)
        self.stages = QTreeWidget(self)
        self.stages.setHeaderLabels(["Deployment order", "Team"])
        self.stages.setColumnWidth(0, 300)
        self.stages.setUniformRowHeights(True)
        self.stages.setAccessibleName("Deployment stages")
        self.groups = QTreeWidget(self)
        self.groups.setHeaderLabels(["Integration-test group", "Team"])
        self.groups.setColumnWidth(0, 170)
        self.groups.setUniformRowHeights(True)
        self.groups.setAccessibleName("Integration-test groups")
        self.group_canvas = MatrixCanvas(self)
        self.group_canvas.empty_text = "No workloads share or couple components."
        self.group_canvas.block_word = "Group"
        self.group_canvas.setAccessibleName("Integration-test matrix")
        self.violations_model = ViolationTableModel(self)
        self.violations = make_table(self.violations_model, self, "Order violations")
        self.violations_title = _section("Order violations", self)
        for tree in (self.stages, self.groups):
            tree.itemDoubleClicked.connect(self._activated)
        self.groups.currentItemChanged.connect(self._group_picked)

        split = QSplitter(Qt.Orientation.Vertical, self)
        stage_box = QWidget(split)
        stage_layout = QVBoxLayout(stage_box)
        stage_layout.setContentsMargins(0, 0, 0, 0)
        stage_layout.addWidget(_section("Stages (each deploys after the previous)", stage_box))
        stage_layout.addWidget(self.stages)
        group_split = QSplitter(Qt.Orientation.Horizontal, split)
        group_split.addWidget(self.groups)
        group_split.addWidget(self.group_canvas)
        group_split.setSizes([260, 340])
        violation_box = QWidget(split)
        violation_layout = QVBoxLayout(violation_box)
        violation_layout.setContentsMargins(0, 0, 0, 0)
        violation_layout.addWidget(self.violations_title)
        violation_layout.addWidget(self.violations)
        split.setSizes([320, 300, 140])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def show_plan(
        self,
        plan: ReleasePlan | None,
        groups: Matrix | None = None,
        group_index: CellIndex | None = None,
    ) -> None:
        """Show a release's plan; `groups` (and its index) is `group_matrix(plan)` when the
        caller already built it off the GUI thread."""
        self.plan = plan
        self.stages.clear()
        self.groups.clear()
        if plan is None:
            self.summary.setText(NO_RELEASE)
            self.group_canvas.set_matrix(Matrix((), (), {}, (), ()))
            self.violations_model.set_rows([])
            self.violations_title.setText("Order violations")
            return
        order = plan.order
        workloads = len({base_key(n) for stage in order.stages for n in stage})
        self.summary.setText(
            f"<b>{plan.release}</b>: {workloads:,} workloads deploy in {len(order.stages)} "
            f"stage{'s' if len(order.stages) != 1 else ''}; {len(order.cycles)} synchronised "
            f"group{'s' if len(order.cycles) != 1 else ''}; {len(plan.groups)} integration-test "
            f"group{'s' if len(plan.groups) != 1 else ''}; {len(plan.violations)} order "
            f"violation{'s' if len(plan.violations) != 1 else ''}."
        )
        if order.cycles:
            named = "; ".join(cycle_name(i, c) for i, c in enumerate(order.cycles[:4], 1))
            more = f"; and {len(order.cycles) - 4} more" if len(order.cycles) > 4 else ""
            self.summary.setText(self.summary.text() + f"<br>⟳ {named}{more}")
        self._fill_stages(plan)
        self._fill_groups(plan)
        matrix = groups if groups is not None else group_matrix(plan)
        self.group_canvas.set_matrix(matrix, group_index)
        shown = plan.violations[:MAX_VIOLATIONS]
        self.violations_model.set_rows(
            [ViolationRow(f"{v.before}>{v.after}", v.before, v.after, v.reason) for v in shown]
        )
        total = len(plan.violations)
        self.violations_title.setText(
            f"Order violations ({total:,})"
            + (f" — the first {len(shown):,}, by provider" if total > len(shown) else "")
            + ("" if total else " — the schedule respects the order")
        )

    def stage_items(self) -> list[QTreeWidgetItem]:
        tree = self.stages
        return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i))]

    def synchronised_groups(self) -> list[str]:
        """The names shown for the cycles ("Synchronised group G1: a ↔ b")."""
        return [
            child.text(0)
            for stage in self.stage_items()
            for j in range(stage.childCount())
            if (child := stage.child(j)) is not None and child.childCount()
        ]

    def _fill_stages(self, plan: ReleasePlan) -> None:
        cycle_of = {n: i for i, cycle in enumerate(plan.order.cycles) for n in cycle}
        for number, stage in enumerate(plan.order.stages, 1):
            top = QTreeWidgetItem([f"Stage {number} — {len(stage)} in parallel", ""])
            top.setFirstColumnSpanned(True)
            shown: set[int] = set()
            for name in stage:
                cycle = cycle_of.get(name)
                if cycle is None:
                    top.addChild(self._workload_item(name, plan))
                elif cycle not in shown:
                    shown.add(cycle)
                    members = plan.order.cycles[cycle]
                    group = QTreeWidgetItem([f"⟳ {cycle_name(cycle + 1, members)}", ""])
                    group.setToolTip(0, "A dependency cycle: these deploy together, in one step")
                    for member in members:
                        group.addChild(self._workload_item(member, plan))
                    top.addChild(group)
            self.stages.addTopLevelItem(top)
        small = sum(len(stage) for stage in plan.order.stages) <= 150
        for i, item in enumerate(self.stage_items()):
            item.setExpanded(small or i == 0)
            for j in range(item.childCount()):
                child = item.child(j)
                if child is not None:
                    child.setExpanded(child.childCount() > 0)

    def _fill_groups(self, plan: ReleasePlan) -> None:
        for number, group in enumerate(plan.groups, 1):
            top = QTreeWidgetItem([f"Group {number} — {len(group)} workloads", ""])
            top.setData(0, Qt.ItemDataRole.UserRole, group[0])
            for key in group:
                top.addChild(self._workload_item(key, plan))
            self.groups.addTopLevelItem(top)

    def _workload_item(self, name: str, plan: ReleasePlan) -> QTreeWidgetItem:
        item = QTreeWidgetItem([name, plan.teams.get(base_key(name), "")])
        item.setData(0, Qt.ItemDataRole.UserRole, name)
        return item

    def _group_picked(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        row = self.group_canvas.position(str(name)) if name else -1
        if row >= 0:
            self.group_canvas.set_current(row, row)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        name = item.data(0, Qt.ItemDataRole.UserRole)
        if name and not item.childCount():
            self.workload_activated.emit(str(name))
