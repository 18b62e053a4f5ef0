"""A workload's risk tier: what the rules give and why, the approval path it sets, an override.

The rules decide unless a coordinator overrides them, and an override needs a reason a
reviewer can read later (the service refuses one without). Each scoring rule is listed with
its points, so the coordinator argues with the rule rather than with a number.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import RiskTier
from app.services import risk
from app.services.errors import FieldError
from app.services.risk import WorkloadRisk
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.models.row_table_model import human
from ui.undo import Reporter, ServiceCommand
from ui.views.capacity.proposal_dialog import error_label, fit_height
from ui.widgets.dialogs.command_run import execute_or_show, save_or_close
from ui.widgets.risk import risk_icon

TIERS = tuple(t.value for t in RiskTier)


class OverrideRiskCommand(ServiceCommand):
    """Set or clear the override; undo restores the tier and reason that were in force."""

    def __init__(
        self,
        ctx: AppContext,
        item_id: int,
        key: str,
        tier: str | None,
        reason: str,
        report: Reporter | None = None,
    ) -> None:
        text = f"Risk of {key}: " + ("follow the rules" if tier is None else f"override to {tier}")
        super().__init__(ctx, WORKLOAD, key, text, report)
        self.item_id, self.tier, self.reason = item_id, tier, reason
        self.before: dict[str, Any] = {}

    def _forward(self) -> None:
        self.before = self._write(
            lambda s, a: risk.override_risk(s, a, self.item_id, self.tier, self.reason)
        )

    def _backward(self) -> None:
        reason = self.before.get("risk_override_reason") or ""
        tier = self.before.get("risk_tier") if reason else None
        self._write(lambda s, a: risk.override_risk(s, a, self.item_id, tier, reason))


def _bullets(lines: tuple[str, ...] | list[str], empty: str) -> str:
    if not lines:
        return empty
    return "\n".join(f"• {line}" for line in lines)


class RiskDialog(QDialog):
    def __init__(self, context: AppContext, item_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = context
        self.item_id = item_id
        self.command: OverrideRiskCommand | None = None
        with context.read() as session:
            self.risk: WorkloadRisk = risk.assess_workload(session, item_id)
        r = self.risk
        self.setWindowTitle(f"Risk of {r.key}")
        self.read_only = not context.actor.has(*WORKLOAD.roles)
        self.banner = error_label(self)

        tier_icon = QLabel(self)
        tier_icon.setPixmap(risk_icon(r.tier).pixmap(20, 20))
        in_force = QLabel(self)
        in_force.setObjectName("tierInForce")
        in_force.setTextFormat(Qt.TextFormat.PlainText)
        if r.override_reason:
            in_force.setText(
                f"{human(r.tier)} risk — overridden (the rules give {r.rules_tier}): "
                f"“{r.override_reason}”"
            )
        else:
            in_force.setText(f"{human(r.tier)} risk — as the rules give it")
        in_force.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(tier_icon)
        head.addWidget(in_force, 1)

        a = r.assessment
        rules = QGroupBox(f"The rules: {a.tier} (score {a.score})", self)
        reasons = QLabel(_bullets(a.reasons, "No risk factors."), rules)
        reasons.setObjectName("ruleReasons")
        reasons.setWordWrap(True)
        reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        steps = QLabel("Score 5 or more is high, 2 or more medium, otherwise low.", rules)
        rules_box = QVBoxLayout(rules)
        rules_box.addWidget(reasons)
        rules_box.addWidget(steps)

        p = r.path
        path = QGroupBox(f"Approval path: {p.name}", self)
        approved = set(r.approved_roles)
        signers = ", ".join(f"{role} ✓" if role in approved else role for role in p.roles)
        path_form = QFormLayout(path)
        path_form.addRow("Sign-off:", self._wrapped(signers or "none needed", path))
        path_form.addRow("Evidence:", self._wrapped(", ".join(p.gates) or "none", path))
        summary = self._wrapped(p.summary, path)
        summary.setObjectName("pathSummary")
        path_form.addRow(summary)

        decide = QGroupBox("Tier in force", self)
        self.follow = QRadioButton(f"&Follow the rules ({a.tier})", decide)
        self.override = QRadioButton("&Override to:", decide)
        self._choice = QButtonGroup(self)
        self._choice.addButton(self.follow)
        self._choice.addButton(self.override)
        self.tier = QComboBox(decide)
        self.tier.setAccessibleName("Overriding tier")
        for t in TIERS:
            self.tier.addItem(risk_icon(t), human(t), t)
        self.reason = QPlainTextEdit(decide)
        self.reason.setAccessibleName("Reason for the override")
        self.reason.setPlaceholderText(
            "Why does this workload need a different tier than the rules give? Reviewers read this."
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.reason_error = error_label(decide)
        row = QHBoxLayout()
        row.addWidget(self.override)
        row.addWidget(self.tier)
        row.addStretch(1)
        decide_box = QVBoxLayout(decide)
        decide_box.addWidget(self.follow)
        decide_box.addLayout(row)
        reason_label = QLabel("&Reason:", decide)
        reason_label.setBuddy(self.reason)
        decide_box.addWidget(reason_label)
        decide_box.addWidget(self.reason)
        decide_box.addWidget(self.reason_error)
        overridden = bool(r.override_reason)
        (self.override if overridden else self.follow).setChecked(True)
        self.tier.setCurrentIndex(max(0, self.tier.findData(r.tier)))
        self.reason.setPlainText(r.override_reason or "")
        self.follow.toggled.connect(self._mode_changed)
        self._mode_changed()
        decide.setEnabled(not self.read_only)

        buttons = self.buttons = save_or_close(self, self.read_only)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(head)
        layout.addWidget(rules)
        layout.addWidget(path)
        layout.addWidget(decide)
        layout.addWidget(buttons)
        self.setMinimumWidth(540)

    # ----------------------------------------------------------------- public
    def chosen(self) -> tuple[str | None, str]:
        """(tier, reason) as the service takes them: tier None gives the tier back to the
        rules."""
        if self.follow.isChecked():
            return None, ""
        return str(self.tier.currentData()), self.reason.toPlainText().strip()

    def error_text(self) -> str:
        return self.reason_error.text() if not self.reason_error.isHidden() else ""

    def accept(self) -> None:
        """Save the choice; the dialog stays open with the text intact on a refusal."""
        if self.read_only:
            super().reject()
            return
        self.banner.hide()
        self.reason_error.hide()
        tier, reason = self.chosen()
        r = self.risk
        follows_still = tier is None and not r.override_reason
        same_override = bool(r.override_reason) and (tier, reason) == (r.tier, r.override_reason)
        if follows_still or same_override:
            super().accept()
            return
        command = OverrideRiskCommand(self.ctx, self.item_id, r.key, tier, reason)
        if not execute_or_show(command, self._show_errors, self._show_banner):
            return
        self.command = command
        super().accept()

    # ---------------------------------------------------------------- private
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def _wrapped(self, text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _mode_changed(self, _checked: bool = False) -> None:
        overriding = self.override.isChecked()
        self.tier.setEnabled(overriding)
        self.reason.setEnabled(overriding)

    def _show_errors(self, errors: list[FieldError]) -> None:
        other = []
        for err in errors:
            if err.field == "risk_override_reason":
                self.reason_error.setText(f"⚠ {err.message}")
                self.reason_error.show()
                self.reason.setFocus()
            else:
                other.append(err.message if err.field == "workload" else str(err))
        if other:
            self._show_banner("\n".join(other))
        fit_height(self)

    def _show_banner(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()
        fit_height(self)
