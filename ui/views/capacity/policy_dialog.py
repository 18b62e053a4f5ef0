"""The planning policy: how capacity is read from history and how far ahead the board plans.

These knobs change every team's capacity at once, so each one says in plain words what it
does. The service judges the values; a refusal shows under its field and nothing is saved.
Saving is one undo step whose undo saves the previous policy back.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.planning.plan import PlanningPolicy
from app.services import planning_policy
from app.services.errors import FieldError
from app.services.planning_policy import POLICY
from ui.context import AppContext
from ui.undo import Reporter, ServiceCommand
from ui.views.capacity.proposal_dialog import error_label, fit_height
from ui.widgets.dialogs.command_run import execute_or_show, save_or_close
from ui.widgets.dialogs.field_errors import (
    clear_errors,
    show_banner,
    show_field_errors,
    shown_text,
)

KNOBS: tuple[tuple[str, str, str, str], ...] = (
    (
        "history_releases",
        "&Releases of history:",
        " releases",
        "How many of a team's last releases its delivered velocity is read from.",
    ),
    (
        "capacity_percentile",
        "Capacity &percentile:",
        "th",
        "Which percentile of those releases counts as capacity: lower is more conservative "
        "(25 = lower quartile, 50 = median).",
    ),
    (
        "default_capacity",
        "&Default capacity:",
        " points",
        "Points per release for a team with no delivery history yet.",
    ),
    (
        "tech_debt_share_percent",
        "&Tech-debt share:",
        " %",
        "Share of each team's capacity kept for tech debt while tech debt is waiting.",
    ),
    (
        "plan_releases",
        "Releases to p&lan:",
        " releases",
        "How many upcoming releases of each train the board shows and auto-plan fills.",
    ),
)
LOWEST = -1000
"""Spin boxes accept more than the rules allow, so the service, not the widget, says why a
value is wrong (a silently clamped number would hide the mistake)."""
HIGHEST = 100_000


class SavePolicyCommand(ServiceCommand):
    """Save the changed knobs; undo saves the previous values back."""

    def __init__(
        self, ctx: AppContext, values: dict[str, int], report: Reporter | None = None
    ) -> None:
        super().__init__(ctx, POLICY, "planning-policy", "Change the planning policy", report)
        self.values = dict(values)
        self.before: dict[str, int] = {}

    def _forward(self) -> None:
        previous: PlanningPolicy = self._write(
            lambda s, a: planning_policy.save_policy(s, a, self.values)
        )
        old = dataclasses.asdict(previous)
        self.before = {k: old[k] for k in self.values}

    def _backward(self) -> None:
        self._write(lambda s, a: planning_policy.save_policy(s, a, self.before))


class PolicyDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Planning policy")
        self.ctx = context
        self.command: SavePolicyCommand | None = None
        with context.read() as session:
            self.policy = planning_policy.get_policy(session)
        base = dataclasses.asdict(self.policy)
        self.read_only = not context.actor.has(*POLICY.roles)

        self.banner = error_label(self)
        intro = QLabel(
            "Capacity comes from what each team actually delivered, not from estimates. "
            "These settings apply to every team and every coordinator.",
            self,
        )
        intro.setWordWrap(True)
        self.editors: dict[str, QSpinBox] = {}
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, text, suffix, help_text in KNOBS:
            spin = QSpinBox(self)
            spin.setObjectName(f"field_{name}")
            spin.setRange(LOWEST, HIGHEST)
            spin.setSuffix(suffix)
            spin.setValue(int(base[name]))
            spin.setAccessibleName(text.replace("&", "").rstrip(":"))
            spin.setToolTip(help_text)
            spin.setReadOnly(self.read_only)
            hint = QLabel(help_text, self)
            hint.setWordWrap(True)
            small = hint.font()
            small.setPointSizeF(small.pointSizeF() * 0.9)
            hint.setFont(small)
            error = error_label(self)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(spin)
            cell.addWidget(hint)
            cell.addWidget(error)
            label = QLabel(text, self)
            label.setBuddy(spin)
            form.addRow(label, cell)
            self.editors[name] = spin
            self.errors[name] = error
        if self.read_only:
            intro.setText(intro.text() + " Changing them needs the coordinator role.")
        buttons = self.buttons = save_or_close(self, self.read_only)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(500)

    # ----------------------------------------------------------------- public
    def values(self) -> dict[str, int]:
        return {name: spin.value() for name, spin in self.editors.items()}

    def changes(self) -> dict[str, int]:
        base: dict[str, Any] = dataclasses.asdict(self.policy)
        return {k: v for k, v in self.values().items() if v != base[k]}

    def error_text(self, name: str) -> str:
        return shown_text(self.errors[name])

    def accept(self) -> None:
        """Save; the dialog closes only once the service accepted every value."""
        if self.read_only:
            super().reject()
            return
        self._clear_errors()
        changes = self.changes()
        if not changes:
            super().accept()
            return
        command = SavePolicyCommand(self.ctx, changes)
        if not execute_or_show(command, self._show_errors, self._show_banner):
            return
        self.command = command
        super().accept()

    # ---------------------------------------------------------------- private
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def _clear_errors(self) -> None:
        self.banner.hide()
        clear_errors(self.errors.values())

    def _show_errors(self, errors: list[FieldError]) -> None:
        first = show_field_errors(errors, self.errors, self.editors, self.banner)
        if isinstance(first, QSpinBox):
            first.selectAll()
        fit_height(self)

    def _show_banner(self, text: str) -> None:
        show_banner(self.banner, text)
        fit_height(self)
