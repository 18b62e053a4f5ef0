"""Auto-plan: what the planner proposes, read before anything moves, applied as one undo step.

The planner runs in the worker pool behind a cancellable progress dialog (the whole backlog of
the large organisation is tens of thousands of workloads). Nothing is written until Apply; the
whole proposal is then one service call and one entry on the undo stack, and undoing it puts
every workload back where it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.planning import capacity
from app.planning.autoplan import auto_plan
from app.planning.plan import PlanSnapshot, Proposal
from app.services import capacity_plan
from app.services.capacity_plan import AppliedPlan
from app.services.errors import ServiceError
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.models.row_table_model import Column, RowTableModel, dash
from ui.undo import Reporter, ServiceCommand
from ui.workers import Cancelled, Report, run_with_progress

_ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)


class ResultTableModel(RowTableModel):
    """A read-only list of plain result rows whose columns are given per table."""

    def __init__(self, columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)


def result_table(columns: Sequence[Column], name: str, parent: QWidget) -> QTableView:
    """A compact, uniform-height table for a dialog's results (interactive column widths)."""
    table = QTableView(parent)
    table.setModel(ResultTableModel(columns, table))
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setTabKeyNavigation(False)
    rows = table.verticalHeader()
    rows.setVisible(False)
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(bool(columns) and not columns[-1].numeric)
    header.setHighlightSections(False)
    for i, column in enumerate(columns):
        table.setColumnWidth(i, column.width)
    return table


def set_rows(table: QTableView, rows: Sequence[Any]) -> None:
    model = table.model()
    assert isinstance(model, ResultTableModel)
    model.set_rows(rows)


def fit_height(dialog: QWidget) -> None:
    """Grow to the height the content needs at the current width: a window's size hint
    guesses the height of wrapped text, and a field error shown later adds lines."""
    layout = dialog.layout()
    if layout is None:
        return
    width = max(dialog.width(), dialog.minimumWidth())
    height = layout.totalHeightForWidth(width)
    if height > dialog.height():
        dialog.resize(width, height)


def error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(_ERROR_STYLE)
    label.hide()
    return label


@dataclass(frozen=True)
class PlacementLine:
    key: str
    team: str
    release: str
    size: int
    wsjf: float
    reason: str


@dataclass(frozen=True)
class DeferralLine:
    key: str
    team: str
    moved_from: str
    reason: str


@dataclass(frozen=True)
class LoadLine:
    team: str
    release: str
    committed: int
    limit: int
    over: int
    basis: str


PLACEMENT_COLUMNS = (
    Column("key", "Key", 90),
    Column("team", "Team", 110),
    Column("release", "Release", 110),
    Column("size", "Size", 50, numeric=True),
    Column("wsjf", "WSJF", 60, numeric=True, text=lambda r: f"{r.wsjf:.2f}"),
    Column("reason", "Why", 360, tooltip=lambda r: r.reason),
)
DEFERRAL_COLUMNS = (
    Column("key", "Key", 90),
    Column("team", "Team", 110),
    Column(
        "moved_from",
        "Where",
        150,
        text=lambda r: f"{r.moved_from} → backlog" if r.moved_from else "stays in the backlog",
    ),
    Column("reason", "Why", 400, tooltip=lambda r: r.reason),
)
LOAD_COLUMNS = (
    Column("team", "Team", 130),
    Column("release", "Release", 120),
    Column("committed", "Committed", 80, numeric=True),
    Column("limit", "Limit", 60, numeric=True),
    Column("over", "Over", 80, numeric=True, text=lambda r: f"▲ {r.over}" if r.over else "—"),
    Column("basis", "Limit from", 300, tooltip=lambda r: r.basis),
)


def over_cells(snapshot: PlanSnapshot, releases: set[int]) -> int:
    """Team × release cells committed beyond their limit in the snapshot as it stands."""
    limits = capacity.limits(snapshot.teams, snapshot.releases)
    committed = capacity.committed(snapshot.items)
    return sum(
        1
        for (team, release), (limit, _basis) in limits.items()
        if release in releases and committed.get((team, release), 0) > limit
    )


def first_releases(snapshot: PlanSnapshot, per_train: int) -> list[int]:
    """Ids of the first `per_train` releases of each train (the snapshot is ordered)."""
    taken: dict[int | None, int] = {}
    chosen = []
    for release in snapshot.releases:
        if taken.get(release.train, 0) < per_train:
            taken[release.train] = taken.get(release.train, 0) + 1
            chosen.append(release.id)
    return chosen


def releases_per_train(snapshot: PlanSnapshot) -> int:
    counts: dict[int | None, int] = {}
    for release in snapshot.releases:
        counts[release.train] = counts.get(release.train, 0) + 1
    return max(counts.values(), default=0)


class ApplyProposalCommand(ServiceCommand):
    """The whole proposal forward; undo is one call that puts every workload back."""

    def __init__(self, ctx: AppContext, proposal: Proposal, report: Reporter | None = None):
        text = (
            f"Auto-plan: {len(proposal.placements)} placements, {len(proposal.deferrals)} deferrals"
        )
        super().__init__(ctx, WORKLOAD, "auto-plan", text, report)
        self.proposal = proposal
        self.applied: AppliedPlan | None = None

    def _forward(self) -> None:
        self.applied = self._write(lambda s, a: capacity_plan.apply_proposal(s, a, self.proposal))

    def _backward(self) -> None:
        applied = self.applied
        assert applied is not None
        self._write(lambda s, a: capacity_plan.undo_applied(s, a, applied))


class AutoPlanDialog(QDialog):
    def __init__(
        self, context: AppContext, snapshot: PlanSnapshot, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Auto-plan the backlog")
        self.ctx = context
        self.snapshot = snapshot
        self.teams = {t.id: t.name for t in snapshot.teams}
        self.release_names = {r.id: r.name for r in snapshot.releases}
        self.proposal: Proposal | None = None
        self.command: ApplyProposalCommand | None = None
        """The command that applied the proposal, once Apply has succeeded."""
        self._proposed_once = False

        self.banner = error_label(self)
        most = releases_per_train(snapshot)
        self.releases = QSpinBox(self)
        self.releases.setAccessibleName("Releases to fill per train")
        self.releases.setRange(1 if most else 0, max(most, 1))
        self.releases.setValue(min(max(most, 1), snapshot.policy.plan_releases))
        self.propose_button = QPushButton("&Propose again", self)
        self.propose_button.clicked.connect(self.propose)
        choose = QHBoxLayout()
        label = QLabel("&Fill the next", self)
        label.setBuddy(self.releases)
        choose.addWidget(label)
        choose.addWidget(self.releases)
        choose.addWidget(QLabel("releases of each train, highest WSJF first.", self))
        choose.addStretch(1)
        choose.addWidget(self.propose_button)
        self.summary = QLabel("Nothing proposed yet.", self)
        self.summary.setObjectName("proposalSummary")
        self.summary.setWordWrap(True)
        self.placements = result_table(PLACEMENT_COLUMNS, "Placements", self)
        self.deferrals = result_table(DEFERRAL_COLUMNS, "Deferrals", self)
        self.loads = result_table(LOAD_COLUMNS, "Load after the proposal", self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.placements, "Placements")
        self.tabs.addTab(self.deferrals, "Deferrals")
        self.tabs.addTab(self.loads, "Load after")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.accept)
        self.apply_button.setAutoDefault(False)
        self.propose_button.setDefault(True)  # Enter re-proposes; applying takes a click
        self.buttons.rejected.connect(self.reject)
        if not context.actor.has(*WORKLOAD.roles):
            self.apply_button.setToolTip("Applying a plan needs the coordinator role")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(choose)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 560)

    # ----------------------------------------------------------------- public
    def propose(self) -> Proposal | None:
        """Run the planner off the GUI thread; None when cancelled or refused."""
        self._proposed_once = True
        self.banner.hide()
        chosen = first_releases(self.snapshot, self.releases.value())
        snapshot = self.snapshot

        def work(report: Report) -> Proposal:
            report("Ranking the backlog and filling releases…", 0.0)
            return auto_plan(snapshot, chosen)

        try:
            proposal = run_with_progress(
                work,
                title="Auto-plan",
                label="Ranking the backlog and filling releases…",
                parent=self,
                indeterminate=True,
            )
        except Cancelled:
            self.summary.setText("Cancelled: nothing proposed.")
            return None
        except (ValueError, ServiceError) as exc:
            self._show_banner(f"The planner could not propose a plan: {exc}")
            return None
        self.show_proposal(proposal, set(chosen))
        return proposal

    def show_proposal(self, proposal: Proposal, releases: set[int] | None = None) -> None:
        self.proposal = proposal
        scope = releases if releases is not None else set(self.release_names)
        team, release = self.teams.get, self.release_names.get
        set_rows(
            self.placements,
            [
                PlacementLine(
                    p.key,
                    team(p.team, ""),
                    release(p.release, dash(p.release)),
                    p.size,
                    p.wsjf,
                    p.reason,
                )
                for p in proposal.placements
            ],
        )
        set_rows(
            self.deferrals,
            [
                DeferralLine(
                    d.key,
                    team(d.team, ""),
                    release(d.moved_from, "") if d.moved_from else "",
                    d.reason,
                )
                for d in proposal.deferrals
            ],
        )
        loads = sorted(proposal.loads, key=lambda x: (team(x.team, ""), x.release))
        set_rows(
            self.loads,
            [
                LoadLine(
                    team(x.team, ""),
                    release(x.release, ""),
                    x.committed,
                    x.limit,
                    x.over,
                    x.limit_basis,
                )
                for x in loads
            ],
        )
        self.tabs.setTabText(0, f"Placements ({len(proposal.placements):,})")
        self.tabs.setTabText(1, f"Deferrals ({len(proposal.deferrals):,})")
        self.summary.setText(self._summary(proposal, scope))
        can = self.ctx.actor.has(*WORKLOAD.roles)
        self.apply_button.setEnabled(can and bool(proposal.placements or proposal.deferrals))

    def accept(self) -> None:
        """Apply the proposal as one undoable step; the dialog closes once it is written."""
        if self.proposal is None:
            return
        command = ApplyProposalCommand(self.ctx, self.proposal)
        try:
            command.execute()
        except (ServiceError, DatabaseError) as exc:
            self._show_banner(f"Nothing was applied: {exc}")
            return
        self.command = command
        super().accept()

    # ---------------------------------------------------------------- private
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._proposed_once:
            self._proposed_once = True
            QTimer.singleShot(0, self, self.propose)

    def _summary(self, proposal: Proposal, releases: set[int]) -> str:
        points = sum(p.size for p in proposal.placements)
        placed = len(proposal.placements)
        before = over_cells(self.snapshot, releases)
        after = sum(1 for x in proposal.loads if x.over > 0)
        slipping = sum(1 for d in proposal.deferrals if d.moved_from is not None)
        deferred = f"deferred {len(proposal.deferrals):,}"
        if slipping:
            deferred += f" ({slipping:,} slip out of a release)"
        word = "workload" if placed == 1 else "workloads"
        return (
            f"Placed {placed:,} {word} / {points:,} points; {deferred}; "
            f"overcommitted team × release cells: {before} → {after}."
        )

    def _show_banner(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()
