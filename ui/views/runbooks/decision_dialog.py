"""Record a rollback decision for one deployment: rollback, roll forward or hold, what called
for it (one of the runbook's triggers, or a manual call), what was seen, when, and why.

A decision is a fact about the past, so it is appended and never edited or undone; the dialog
says so before it is recorded, and says what a rollback does to the deployment. The service
judges the values; its refusals appear under the fields they concern.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QEvent, QSize, Qt, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.domain.enums import DeploymentResult, RollbackChoice
from app.runbooks.body import Trigger
from app.services import queries
from app.services.calendar_data import DeploymentItem
from app.services.calendar_queries import deployment_item
from app.services.errors import FieldError
from app.services.rollback_decisions import DECIDERS, record_decision
from app.services.runbook_queries import find_runbook, load
from ui.context import AppContext
from ui.models.rollback_decision_table_model import DECISION_SHAPES, decision_name
from ui.views.calendar.state import load_state
from ui.views.calendar.zones import TEAM_PREFIX, city, resolve, span_text
from ui.widgets.dialogs.command_run import execute_or_show
from ui.widgets.dialogs.field_errors import (
    clear_errors,
    error_label,
    show_banner,
    show_field_errors,
    shown_text,
)

WARNING_STYLE = (
    "color: #5c3c00; background: #fff4d6; border-left: 3px solid #c27c0e; padding: 3px 6px;"
)
WIDTH = 560
NO_UNDO = (
    "A recorded decision is a fact in the log: it cannot be edited or undone. To change "
    "course, record a new decision."
)
ACCELERATED: dict[str, str] = {
    RollbackChoice.ROLLBACK: "&Rollback",
    RollbackChoice.ROLL_FORWARD: "Roll &forward",
    RollbackChoice.HOLD: "&Hold",
}
ROWS = {"decision": "decision", "observed_value": "observed", "decided_at": "decided_at"}
"""Service field → the dialog row its error is shown under (the rest by their own name)."""


def display_zone(ctx: AppContext) -> str:
    """The zone the calendar paints in (the user's own, UTC or a team's), so a decision's
    time reads the same here as on the calendar."""
    choice = load_state().zone
    teams: dict[str, str] = {}
    if choice.startswith(TEAM_PREFIX):
        with ctx.read() as session:
            teams = {t.name: t.timezone for t in queries.team_rows(session)}
    return resolve(choice, teams)


@dataclass(frozen=True)
class RunbookTriggers:
    runbook: str
    """The runbook's title ("" when the workload relies on none)."""
    triggers: tuple[Trigger, ...]


def runbook_triggers(session: Session, workload_key: str) -> RunbookTriggers:
    """The triggers of the runbook the workload relies on (its own, or its component's)."""
    try:
        found = find_runbook(session, workload=workload_key)
    except LookupError:
        found = None
    if found is None:
        return RunbookTriggers("", ())
    doc = load(session, found)
    return RunbookTriggers(doc.body.title or doc.heading, doc.body.triggers)


@dataclass
class RecordDecision:
    """The one write, shaped as a command so `execute_or_show` can put refusals in place. It
    is not pushed on the undo stack: a decision is never taken back."""

    ctx: AppContext
    deployment: str
    decision: str
    reason: str
    trigger: Trigger | None
    observed: float | None
    decided_at: datetime
    uuid: str = ""

    def execute(self) -> None:
        trigger = self.trigger
        row = self.ctx.write(
            "rollback_decision",
            lambda s, actor: record_decision(
                s,
                actor,
                self.deployment,
                self.decision,
                self.reason,
                trigger=None if trigger is None else trigger.describe(),
                observed_value=self.observed,
                observed_unit="" if trigger is None else trigger.unit,
                decided_at=self.decided_at,
            ),
        )
        self.uuid = str(row.uuid)


class DecisionDialog(QDialog):
    recorded = Signal(str)
    """UUID of the decision just recorded."""

    def __init__(
        self,
        ctx: AppContext,
        deployment_uuid: str,
        parent: QWidget | None = None,
        *,
        zone: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Record a rollback decision")
        self.ctx = ctx
        self.deployment_uuid = deployment_uuid
        self.zone = zone or display_zone(ctx)
        self.command: RecordDecision | None = None
        with ctx.read() as session:
            self.deployment: DeploymentItem | None = deployment_item(session, deployment_uuid)
            found = (
                runbook_triggers(session, self.deployment.workload)
                if self.deployment is not None
                else RunbookTriggers("", ())
            )
        self.triggers = found.triggers
        self.may_decide = ctx.actor.has(*DECIDERS)

        self.banner = error_label(self)
        self.facts = QLabel(self)
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setText(self._facts_html())
        self.choices = QButtonGroup(self)
        self.choice_buttons: dict[str, QRadioButton] = {}
        choice_row = QHBoxLayout()
        for value in RollbackChoice.choices():
            text = ACCELERATED.get(value, decision_name(value))
            button = QRadioButton(f"{DECISION_SHAPES.get(value, '•')} {text}", self)
            button.setAccessibleName(decision_name(value))
            self.choices.addButton(button)
            self.choice_buttons[value] = button
            choice_row.addWidget(button)
            button.toggled.connect(lambda _on: self._decision_changed())
        choice_row.addStretch(1)
        self.rollback_warning = error_label(self, WARNING_STYLE)
        self.trigger = QComboBox(self)
        self.trigger.setAccessibleName("Trigger")
        self.trigger.addItem("Manual call (no trigger fired)", None)
        for n, trig in enumerate(self.triggers):
            self.trigger.addItem(trig.describe(), n)
        self.trigger.currentIndexChanged.connect(lambda _i: self._trigger_changed())
        self.trigger_source = QLabel(self)
        self.trigger_source.setWordWrap(True)
        self.trigger_source.setText(self._source_text(found))
        self.observed = QLineEdit(self)
        self.observed.setAccessibleName("Observed value")
        self.observed.setPlaceholderText("what the metric showed, e.g. 2.4")
        self.unit = QLabel(self)
        observed_row = QHBoxLayout()
        observed_row.addWidget(self.observed, 1)
        observed_row.addWidget(self.unit)
        self.decided_at = QDateTimeEdit(self)
        self.decided_at.setAccessibleName("Decided at")
        self.decided_at.setCalendarPopup(True)
        self.decided_at.setTimeZone(QTimeZone(self.zone.encode()))
        self.decided_at.setDisplayFormat(f"ddd yyyy-MM-dd HH:mm '{city(self.zone)}'")
        now = datetime.now(UTC)
        self.decided_at.setDateTime(QDateTime.fromSecsSinceEpoch(int(now.timestamp())))
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText(
            "What you saw and why this call: the next on-call engineer reads this."
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setMinimumHeight(self.fontMetrics().height() * 5)
        self.hint = QLabel(NO_UNDO, self)
        self.hint.setWordWrap(True)

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, str, QWidget | QHBoxLayout, QWidget | None]] = [
            ("decision", "Decision:", choice_row, self.rollback_warning),
            ("trigger", "&Trigger:", self.trigger, self.trigger_source),
            ("observed", "&Observed value:", observed_row, None),
            ("decided_at", "Decided &at:", self.decided_at, None),
            ("reason", "Rea&son:", self.reason, None),
        ]
        for name, text, editor, below in rows:
            cell = QVBoxLayout()
            cell.setSpacing(2)
            if isinstance(editor, QHBoxLayout):
                cell.addLayout(editor)
            else:
                cell.addWidget(editor)
            if below is not None:
                cell.addWidget(below)
            error = error_label(self)
            cell.addWidget(error)
            self.errors[name] = error
            label = QLabel(text, self)
            buddy = {"observed": self.observed}.get(name, editor)
            if isinstance(buddy, QWidget):
                label.setBuddy(buddy)
            form.addRow(label, cell)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.record_button = buttons.addButton(
            "Record decision", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self._trigger_changed()
        self._decision_changed()
        self._refuse_if_needed()

    # ----------------------------------------------------------------- public
    def sizeHint(self) -> QSize:
        """Wide enough for a long trigger; the layout's own minimum still holds in
        presentation mode (an explicit minimum width would override it and clip)."""
        hint = super().sizeHint()
        return QSize(max(WIDTH, hint.width()), hint.height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # styled notes miss presentation's type
            for label in self.findChildren(QLabel):
                if label.styleSheet():
                    label.setFont(self.font())

    def choose(self, decision: str) -> None:
        self.choice_buttons[decision].setChecked(True)

    def chosen(self) -> str:
        return next((v for v, b in self.choice_buttons.items() if b.isChecked()), "")

    def choose_trigger(self, number: int | None) -> None:
        """Pick the runbook's trigger `number` (0-based), or None for a manual call."""
        if number is not None and not 0 <= number < len(self.triggers):
            raise IndexError(f"the runbook has {len(self.triggers)} triggers, not {number + 1}")
        self.trigger.setCurrentIndex(0 if number is None else number + 1)

    def decided_at_utc(self) -> datetime:
        return datetime.fromtimestamp(self.decided_at.dateTime().toSecsSinceEpoch(), UTC)

    def error_text(self, name: str) -> str:
        """The message under a row ("" when none): decision, trigger, observed, decided_at,
        reason."""
        return shown_text(self.errors[name])

    def accept(self) -> None:
        """Record it; the dialog closes only once the service has accepted the values."""
        self._clear_errors()
        if not self.may_decide or self.deployment is None:
            return
        errors: list[FieldError] = []
        if not self.chosen():
            errors.append(FieldError("decision", "choose rollback, roll forward or hold"))
        observed: float | None = None
        text = self.observed.text().strip().replace(",", ".")
        if text:
            try:
                observed = float(text)
            except ValueError:
                errors.append(FieldError("observed_value", f"{text!r} is not a number"))
        if errors:
            self._show_errors(errors)
            return
        number = self.trigger.currentData()
        command = RecordDecision(
            self.ctx,
            self.deployment_uuid,
            self.chosen(),
            self.reason.toPlainText(),
            None if number is None else self.triggers[int(number)],
            observed,
            self.decided_at_utc(),
        )
        if not execute_or_show(command, self._show_errors, self._show_banner):
            return
        self.command = command
        self.recorded.emit(command.uuid)
        super().accept()

    # ---------------------------------------------------------------- private
    def _facts_html(self) -> str:
        dep = self.deployment
        if dep is None:
            return "<b>This deployment no longer exists.</b>"
        planned = span_text(dep.planned_start, dep.planned_end, self.zone)
        result = dep.result.replace("_", " ")
        e = html.escape
        return (
            f"<p style='font-size: large'><b>{e(dep.label)}</b></p>"
            f"<p>Workload <b>{e(dep.workload)}</b> in <b>{e(dep.environment)}</b>"
            f"<br>Planned: {e(planned)}<br>Now: <b>{e(result)}</b></p>"
        )

    def _source_text(self, found: RunbookTriggers) -> str:
        key = self.deployment.workload if self.deployment is not None else "This workload"
        if not found.runbook:
            return f"{key} relies on no rollback runbook, so only a manual call can be recorded."
        if not found.triggers:
            return f"The runbook “{found.runbook}” defines no triggers: a manual call."
        n = len(found.triggers)
        return f"{n} trigger{'s' if n != 1 else ''} from the runbook “{found.runbook}”."

    def _decision_changed(self) -> None:
        rollback = self.chosen() == RollbackChoice.ROLLBACK
        dep = self.deployment
        if rollback and dep is not None:
            if dep.result == DeploymentResult.ROLLED_BACK:
                text = f"{dep.label} is already marked rolled back; this adds another call."
            else:
                now = dep.result.replace("_", " ")
                text = f"A rollback marks {dep.label} as rolled back (now: {now})."
            self.rollback_warning.setText(f"⚠ {text}")
        self.rollback_warning.setVisible(rollback)

    def _trigger_changed(self) -> None:
        number = self.trigger.currentData()
        manual = number is None
        self.observed.setEnabled(not manual)
        self.unit.setText("" if manual else self.triggers[int(number)].unit)
        if manual:
            self.observed.clear()

    def _refuse_if_needed(self) -> None:
        if self.deployment is None:
            self._show_banner("The deployment was removed meanwhile; nothing can be recorded.")
        elif not self.may_decide:
            self._show_banner(
                f"You are signed in as {self.ctx.actor.label}; recording a rollback decision "
                "needs the operations, coordinator or admin role."
            )
        else:
            return
        self.record_button.setEnabled(False)

    def _clear_errors(self) -> None:
        self.banner.hide()
        clear_errors(self.errors.values())

    def _show_errors(self, errors: Sequence[FieldError]) -> None:
        editors: dict[str, QWidget] = {
            "decision": next(iter(self.choice_buttons.values())),
            "trigger": self.trigger,
            "observed": self.observed,
            "decided_at": self.decided_at,
            "reason": self.reason,
        }
        show_field_errors(
            errors,
            self.errors,
            editors,
            self.banner,
            row_of=lambda field: ROWS.get(field, field),
        )

    def _show_banner(self, text: str) -> None:
        show_banner(self.banner, text)
