"""New ▾ › Plan deployment…: which workload goes where, when, with whom, and for how long.

The length is proposed from how long this workload's rollouts really took (the service's
`default_length`, read in a worker once the key has settled), with the sentence saying where
the number comes from, so the coordinator can judge it rather than trust a magic default.
The service judges the rest; its refusals appear under the fields they concern and nothing
is saved until it accepts.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from PySide6.QtCore import QDateTime, Qt, QTimer, QTimeZone, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services import queries
from app.services.calendar_queries import filter_choices, production_environments
from app.services.deployments import default_length
from app.services.errors import FieldError
from ui.context import AppContext
from ui.views.calendar.commands import PlanDeploymentCommand
from ui.views.calendar.zones import city, now
from ui.widgets.dialogs.command_run import execute_or_show
from ui.widgets.dialogs.field_errors import (
    clear_errors,
    error_label,
    show_banner,
    show_field_errors,
    shown_text,
)
from ui.workers import Loader

SUGGEST_DELAY_MS = 350
"""Typing pause before history is asked: one read per key, not one per keystroke."""
MAX_MINUTES = 7 * 24 * 60

FIELDS = {
    "workload": "key",
    "environment": "environment",
    "owner": "owner",
    "planned_start": "start",
    "planned_end": "length",
}
"""Service field → the dialog row its error is shown under."""


class PlanDeploymentDialog(QDialog):
    planned = Signal(str)
    """UUID of the deployment just planned (its command is on the undo stack)."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        start: datetime,
        zone: str,
        environment: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Plan a deployment")
        self.ctx = ctx
        self.command: PlanDeploymentCommand | None = None
        """The command that planned it, once OK has succeeded."""
        self.suggested: tuple[int, str] | None = None
        """(minutes, why) history proposed for the key in the box."""
        with ctx.read() as session:
            environments = filter_choices(session)["environments"]
            production = production_environments(session)
            people = queries.choices(session, "person")
            keys = [c.label for c in queries.choices(session, "workload")]
        self._loader = Loader(ctx, self)
        self._loader.landed.connect(self._landed)
        self._loader.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SUGGEST_DELAY_MS)
        self._timer.timeout.connect(self._suggest)

        self.banner = error_label(self)
        self.key = QLineEdit(self)
        self.key.setPlaceholderText("e.g. PAY-1522")
        self.key.setAccessibleName("Workload key")
        completer = QCompleter(keys, self.key)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.key.setCompleter(completer)
        self.key.textChanged.connect(self._key_changed)
        self.environment = QComboBox(self)
        self.environment.setAccessibleName("Environment")
        for name in environments:
            self.environment.addItem(name, name)
        environment = environment or next(iter(production), None)
        if environment is not None and self.environment.findData(environment) >= 0:
            self.environment.setCurrentIndex(self.environment.findData(environment))
        self.start = QDateTimeEdit(self)
        self.start.setAccessibleName("Start")
        self.start.setCalendarPopup(True)
        self.start.setTimeZone(QTimeZone(zone.encode()))
        self.start.setDisplayFormat(f"ddd yyyy-MM-dd HH:mm '{city(zone)}'")
        self.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
        self.owner = QComboBox(self)
        self.owner.setAccessibleName("Deployment owner")
        self.owner.addItem("— nobody yet —", None)
        for choice in people:
            self.owner.addItem(choice.label, choice.uuid)
        self.length = QSpinBox(self)
        self.length.setAccessibleName("Length in minutes")
        self.length.setRange(1, MAX_MINUTES)
        self.length.setSingleStep(5)
        self.length.setSuffix(" min")
        self.length.setValue(60)
        self.length.valueChanged.connect(self._show_basis)
        self.basis = QLabel(self)
        self.basis.setWordWrap(True)
        self.basis.setObjectName("planBasis")
        small = QFont(self.basis.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self.basis.setFont(small)  # smaller, not greyed: the reason is worth reading

        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        rows: list[tuple[str, str, QWidget]] = [
            ("key", "&Workload key:", self.key),
            ("environment", "&Environment:", self.environment),
            ("start", "&Start:", self.start),
            ("owner", "&Owner:", self.owner),
            ("length", "&Length:", self.length),
        ]
        for name, text, editor in rows:
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(editor)
            if name == "length":
                cell.addWidget(self.basis)
            error = error_label(self)
            cell.addWidget(error)
            self.errors[name] = error
            label = QLabel(text, self)
            label.setBuddy(editor)
            form.addRow(label, cell)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Plan")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._show_basis()

    # ----------------------------------------------------------------- public
    def start_utc(self) -> datetime:
        return datetime.fromtimestamp(self.start.dateTime().toSecsSinceEpoch(), UTC)

    def error_text(self, name: str) -> str:
        """The message under a row ("" when none): key, environment, start, owner, length."""
        return shown_text(self.errors[name])

    def accept(self) -> None:
        """Plan it; the dialog only closes once the service has accepted the values."""
        self._clear_errors()
        key = self.key.text().strip()
        if not key:
            self._show_errors([FieldError("workload", "enter the workload's key, e.g. PAY-1522")])
            return
        command = PlanDeploymentCommand(
            self.ctx,
            key,
            str(self.environment.currentData() or ""),
            self.start_utc(),
            owner=cast(str | None, self.owner.currentData()),
            minutes=self.length.value(),
        )
        if not execute_or_show(command, self._show_errors, self._show_banner):
            return
        self.command = command
        self.planned.emit(command.uuid)
        super().accept()

    # ---------------------------------------------------------------- private
    def _key_changed(self, _text: str) -> None:
        self.suggested = None
        self._show_basis()
        self._timer.start()

    def _suggest(self) -> None:
        key = self.key.text().strip()
        if not key:
            return
        at = now()
        self._loader.start("length", lambda s: (key, default_length(s, key, at)))

    def _landed(self, _part: str, result: object) -> None:
        key, (minutes, why) = cast(tuple[str, tuple[int, str]], result)
        if key != self.key.text().strip():
            return  # typed on meanwhile: the newer key's answer is on its way
        self.suggested = (minutes, why)
        self.length.setValue(minutes)
        self._show_basis()

    def _failed(self, _part: str, exc: object) -> None:
        self.basis.setText(f"History could not be read ({exc}); the length is yours to set.")

    def _show_basis(self) -> None:
        if self.suggested is None:
            text = (
                "Looking at how long its rollouts took…"
                if self.key.text().strip()
                else "Enter the workload key to size it from its production history."
            )
        else:
            minutes, why = self.suggested
            why = why[:1].upper() + why[1:]
            text = why if self.length.value() == minutes else f"History says {minutes} min: {why}"
        self.basis.setText(text)

    def _clear_errors(self) -> None:
        self.banner.hide()
        clear_errors(self.errors.values())

    def _show_errors(self, errors: list[FieldError]) -> None:
        editors: dict[str, QWidget] = {
            "key": self.key,
            "environment": self.environment,
            "start": self.start,
            "owner": self.owner,
            "length": self.length,
        }
        show_field_errors(errors, self.errors, editors, self.banner, row_of=FIELDS.get)

    def _show_banner(self, text: str) -> None:
        show_banner(self.banner, text)
