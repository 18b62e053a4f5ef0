"""Scope negotiation: what if these workloads moved, or were dropped? Answered as you choose.

Each choice re-runs `app.planning.scope.compare` on the snapshot the board showed (it touches
only the changed workloads and their dependents, so it answers at once) and shows the plan
before and after side by side: points per team and release, dependents that become blocked or
stop waiting, and each release's risk mix. It is a what-if; "Apply moves" writes the moves
(not the drops) as one undoable step, with the reason recorded on every slip.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db import DatabaseError
from app.planning.plan import PlanItem, PlanSnapshot
from app.planning.scope import Change, RiskMix, ScopeComparison, compare
from app.services import capacity_plan
from app.services.actor import Actor
from app.services.capacity_plan import Move
from app.services.errors import ServiceError
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.models.row_table_model import Column, dash
from ui.undo import Reporter, ServiceCommand
from ui.views.capacity.proposal_dialog import error_label, result_table, set_rows

KEEP = "keep"
BACKLOG = "backlog"
DROP = "drop"
MOST_CHOICES = 40
"""Workloads offered at once; a bigger selection is cut (and says so) to stay readable."""


@dataclass(frozen=True)
class AffectedLine:
    kind: str
    key: str
    reason: str


@dataclass(frozen=True)
class RiskLine:
    release: str
    high: str
    medium: str
    low: str
    regulated: str


def _delta(before: int, after: int) -> str:
    return str(before) if before == after else f"{before} → {after}"


def _load(points: int, limit: int | None) -> str:
    """Points committed, marked ▲ beyond the limit (a sign as well as the number)."""
    return f"▲ {points}" if limit is not None and points > limit else str(points)


LOAD_COLUMNS = (
    Column("team_name", "Team", 120),
    Column("release_name", "Release", 110),
    Column("limit", "Limit", 54, numeric=True, text=lambda r: dash(r.limit)),
    Column("before", "Now", 60, numeric=True, text=lambda r: _load(r.before, r.limit)),
    Column("after", "What-if", 64, numeric=True, text=lambda r: _load(r.after, r.limit)),
    Column(
        "freed",
        "Freed",
        60,
        numeric=True,
        text=lambda r: f"+{r.freed}" if r.freed > 0 else str(r.freed),
        tooltip=lambda r: "Points freed (negative: points added)",
    ),
)
AFFECTED_COLUMNS = (
    Column("kind", "", 90),
    Column("key", "Key", 90),
    Column("reason", "Why", 360, tooltip=lambda r: r.reason),
)
RISK_COLUMNS = (
    Column("release", "Release", 110),
    Column("high", "High", 70),
    Column("medium", "Medium", 70),
    Column("low", "Low", 70),
    Column("regulated", "Regulated", 80),
)


def risk_line(release: str, before: RiskMix, after: RiskMix) -> RiskLine:
    return RiskLine(
        release,
        _delta(before.high, after.high),
        _delta(before.medium, after.medium),
        _delta(before.low, after.low),
        _delta(before.regulated, after.regulated),
    )


class ApplyMovesCommand(ServiceCommand):
    """Several moves in one transaction; undo puts each back, newest first, in one too."""

    def __init__(
        self,
        ctx: AppContext,
        moves: Sequence[tuple[int, int | None]],
        reason: str,
        report: Reporter | None = None,
    ) -> None:
        text = f"Scope: move {len(moves)} workload{'s' if len(moves) != 1 else ''}"
        super().__init__(ctx, WORKLOAD, "scope", text, report)
        self.wanted = list(moves)
        self.reason = reason
        self.done: list[Move] = []

    def _forward(self) -> None:
        def work(session: Session, actor: Actor) -> list[Move]:
            return [
                capacity_plan.move_workload(session, actor, item, release, self.reason)
                for item, release in self.wanted
            ]

        self.done = self._write(work)

    def _backward(self) -> None:
        def work(session: Session, actor: Actor) -> None:
            for move in reversed(self.done):
                capacity_plan.undo_move(session, actor, move)

        self._write(work)


class ScopeDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        snapshot: PlanSnapshot,
        item_ids: Sequence[int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Scope what-if")
        self.ctx = context
        self.snapshot = snapshot
        self.command: ApplyMovesCommand | None = None
        self.comparison: ScopeComparison | None = None
        items = {item.id: item for item in snapshot.items}
        self.items: list[PlanItem] = [items[i] for i in item_ids if i in items][:MOST_CHOICES]
        self.release_names = {r.id: r.name for r in snapshot.releases}
        self.team_names = {t.id: t.name for t in snapshot.teams}
        self.choices: dict[int, QComboBox] = {}

        self.banner = error_label(self)
        intro = QLabel(
            "Choose where each workload would go; the plan below is recomputed as you choose. "
            "Nothing changes until you apply the moves.",
            self,
        )
        intro.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("scopeSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loads = result_table(LOAD_COLUMNS, "Capacity now and what-if", self)
        self.affected = result_table(AFFECTED_COLUMNS, "Dependents affected", self)
        self.risk = result_table(RISK_COLUMNS, "Risk mix now and what-if", self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Why (recorded with every slip), e.g. “make room for PCI”")
        self.reason.setAccessibleName("Reason for the moves")

        right = QWidget(self)
        right_box = QVBoxLayout(right)
        right_box.setContentsMargins(0, 0, 0, 0)
        right_box.addWidget(self._boxed("What-if, in words", self.summary))
        right_box.addWidget(self._boxed("Capacity: now vs what-if", self.loads), 3)
        right_box.addWidget(self._boxed("Dependents", self.affected), 2)
        right_box.addWidget(self._boxed("Risk mix: now → what-if", self.risk), 2)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._boxed("Scenario", self._scenario()))
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.apply_button = self.buttons.addButton(
            "&Apply moves", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setToolTip("Write the moves (not the drops) as one undoable step")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self.resize(1120, 640)
        self.recompute()

    # ----------------------------------------------------------------- public
    def changes(self) -> list[Change]:
        out = []
        for item in self.items:
            choice = self.choices[item.id].currentData()
            if choice == KEEP:
                continue
            if choice == DROP:
                out.append(Change(item.id, None, drop=True))
            elif choice == BACKLOG:
                out.append(Change(item.id, None))
            else:
                out.append(Change(item.id, int(choice)))
        return out

    def choose(self, item_id: int, target: int | str) -> None:
        """Pick a release id, "backlog", "drop" or "keep" for a workload (as the combo does)."""
        combo = self.choices[item_id]
        combo.setCurrentIndex(combo.findData(target))

    def recompute(self) -> ScopeComparison:
        result = compare(self.snapshot, self.changes())
        self.comparison = result
        lines = result.summary or ("Nothing changes yet: pick a move or a drop on the left.",)
        self.summary.setText("\n".join(f"• {line}" for line in lines))
        set_rows(self.loads, result.loads)
        affected = [AffectedLine("▲ blocked", a.key, a.reason) for a in result.blocked]
        affected += [AffectedLine("✓ unblocked", a.key, a.reason) for a in result.unblocked]
        set_rows(self.affected, affected)
        set_rows(self.risk, [risk_line(r.release_name, r.before, r.after) for r in result.risk])
        moves = self._moves()
        can = self.ctx.actor.has(*WORKLOAD.roles)
        self.apply_button.setEnabled(can and bool(moves))
        return result

    def accept(self) -> None:
        moves = self._moves()
        if not moves:
            return
        command = ApplyMovesCommand(self.ctx, moves, self.reason.text().strip())
        try:
            command.execute()
        except (ServiceError, DatabaseError) as exc:
            self.banner.setText(f"⚠ Nothing was moved: {exc}")
            self.banner.show()
            return
        self.command = command
        super().accept()

    # ---------------------------------------------------------------- private
    def _moves(self) -> list[tuple[int, int | None]]:
        return [(c.item, c.release) for c in self.changes() if not c.drop]

    def _scenario(self) -> QWidget:
        holder = QWidget(self)
        grid = QGridLayout(holder)
        grid.setColumnStretch(1, 1)
        for row, item in enumerate(self.items):
            label = QLabel(f"{item.key}", holder)
            team = self.team_names.get(item.team, "")
            label.setToolTip(f"{item.title}\n{team}, {item.size} points, WSJF {item.wsjf:.2f}")
            combo = QComboBox(holder)
            combo.setAccessibleName(f"Where {item.key} goes")
            here = self._where(item.release)
            combo.addItem(f"Keep in {here}", KEEP)
            for release in self.snapshot.releases:
                if release.id == item.release:
                    continue
                if self._rides(item, release.train):
                    combo.addItem(f"Move to {release.name}", release.id)
            if item.release is not None:
                combo.addItem("Move to the backlog", BACKLOG)
            combo.addItem("Drop (cancel)", DROP)
            combo.currentIndexChanged.connect(lambda _i: self.recompute())
            label.setBuddy(combo)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            self.choices[item.id] = combo
        bottom = len(self.items)
        if not self.items:
            grid.addWidget(QLabel("No workloads selected on the board.", holder), 0, 0, 1, 2)
        reason_label = QLabel("&Reason:", holder)
        reason_label.setBuddy(self.reason)
        grid.addWidget(reason_label, bottom + 1, 0)
        grid.addWidget(self.reason, bottom + 1, 1)
        note = QLabel("Drops stay a what-if: cancel a workload from the Workloads screen.", holder)
        note.setWordWrap(True)
        grid.addWidget(note, bottom + 2, 0, 1, 2)
        grid.setRowStretch(bottom + 3, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def _where(self, release: int | None) -> str:
        if release is None:
            return "the backlog"
        return self.release_names.get(release, "a release outside the board")

    def _rides(self, item: PlanItem, train: int | None) -> bool:
        team = next((t for t in self.snapshot.teams if t.id == item.team), None)
        return team is None or team.train is None or team.train == train

    def _boxed(self, title: str, inner: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(inner)
        return box
