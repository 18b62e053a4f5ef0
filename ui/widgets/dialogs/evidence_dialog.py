"""Recording one piece of gate evidence: what was done, where, how it went, when and by whom,
with the figures that kind of evidence carries.

Evidence is a fact about the past, so recording it is not undoable and nothing here edits an
earlier row: a re-run is recorded as new evidence, and the latest of a kind decides. The
service judges every value; a refusal shows under its field and nothing is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.policy.gates import EvidenceKind
from app.services import evidence_queries
from app.services.errors import FieldError
from app.services.evidence_queries import KIND_WORDS
from app.services.fields import zones
from app.services.gates import RECORDERS, record_evidence
from ui.context import AppContext
from ui.widgets.dialogs.command_run import execute_or_show, save_or_close
from ui.widgets.dialogs.field_errors import (
    clear_errors,
    error_label,
    show_banner,
    show_field_errors,
    shown_text,
)

HINT = (
    "Evidence is a record of what happened; a re-run is recorded as new evidence. "
    "It cannot be edited or undone afterwards, and the latest evidence of a kind decides."
)
NEEDS_ENVIRONMENT = (EvidenceKind.TESTS, EvidenceKind.CANARY)
CANARY_FIGURES = (
    ("baseline_error_rate_percent", "Baseline error rate", " %"),
    ("canary_error_rate_percent", "Canary error rate", " %"),
    ("baseline_p99_ms", "Baseline p99 latency", " ms"),
    ("canary_p99_ms", "Canary p99 latency", " ms"),
)
NONE = -1
"""The spin boxes' "not given" step, just below every real value."""
LABEL = "gate evidence"
"""The data_changed label of a recorded piece of evidence."""


def fit_height(dialog: QWidget, shrink: bool = False) -> None:
    """Take the height the content needs: kinds show different fields, and a field error
    shown later adds lines."""
    layout = dialog.layout()
    if layout is None:
        return
    width = max(dialog.width(), dialog.minimumWidth())
    height = layout.totalHeightForWidth(width)
    if height > dialog.height() or shrink:
        dialog.resize(width, height)


def local_zone() -> str:
    name = bytes(QTimeZone.systemTimeZoneId().data()).decode()
    return name if name in zones() else "UTC"


def _spin(parent: QWidget, suffix: str = "", decimals: int | None = None) -> Any:
    """A number that may be left out ("none"); wider than the rules allow, so the service,
    not the widget, says why a value is wrong."""
    spin: QSpinBox | QDoubleSpinBox
    if decimals is None:
        spin = QSpinBox(parent)
        spin.setRange(NONE, 1_000_000)
    else:
        spin = QDoubleSpinBox(parent)
        spin.setDecimals(decimals)
        spin.setRange(NONE, 1_000_000)
    spin.setSpecialValueText("none")
    spin.setSuffix(suffix)
    spin.setValue(NONE)
    spin.setGroupSeparatorShown(True)
    return spin


def _value(spin: QSpinBox | QDoubleSpinBox) -> Any:
    return None if spin.value() == NONE else spin.value()


class RecordEvidence:
    """One service call with the `execute()` that `execute_or_show` runs; no undo step."""

    def __init__(self, ctx: AppContext, values: dict[str, Any]) -> None:
        self.ctx = ctx
        self.values = values
        self.uuid = ""

    def execute(self) -> None:
        row = self.ctx.write(LABEL, lambda s, a: str(record_evidence(s, a, **self.values).uuid))
        self.uuid = row


class EvidenceDialog(QDialog):
    recorded = Signal(str)
    """The new evidence's UUID, once the service accepted it."""

    def __init__(
        self,
        ctx: AppContext,
        workload: str,
        *,
        kind: str | None = None,
        environment: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.workload = workload
        self.command: RecordEvidence | None = None
        self.setWindowTitle(f"Record evidence — {workload}")
        with ctx.read() as session:
            envs = evidence_queries.environments(session)
            people = evidence_queries.people(session)
        self.read_only = not ctx.actor.has(*RECORDERS)
        self.banner = error_label(self)
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self._rows: dict[str, QWidget] = {}
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.kind = QComboBox(self)
        for value, words in KIND_WORDS.items():
            self.kind.addItem(words, str(value))
        self._add("kind", "&Kind:", self.kind)
        self.environment = QComboBox(self)
        self.environment.addItem("(none)", None)
        for env in envs:
            self.environment.addItem(
                env.name + (" (production)" if env.is_production else ""), env.name
            )
        self._add("environment", "&Environment:", self.environment)
        self.outcome = QComboBox(self)
        self.outcome.setPlaceholderText("Choose…")
        self.outcome.addItem("✔ Passed", True)
        self.outcome.addItem("✖ Failed", False)
        self.outcome.setCurrentIndex(-1)  # never a guess: a wrong pass would open a gate
        self._add("passed", "Res&ult:", self.outcome)
        self._add("performed_at", "Performed &at:", self._when_editor())
        self.performed_by = QLineEdit(self)
        self.performed_by.setText(ctx.actor.login)
        self.performed_by.setPlaceholderText("login of who did it")
        completer = QCompleter([f"{login} — {name}" for login, name in people], self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.performed_by.setCompleter(completer)
        self._add("performed_by", "Performed &by:", self.performed_by)

        self.restore_minutes = _spin(self, " min")
        self._add("restore_minutes", "&Restore took:", self.restore_minutes)
        self.score = _spin(self, "", decimals=1)
        self._add("score", "&Score (0–100):", self.score)
        self.figures: dict[str, QSpinBox | QDoubleSpinBox] = {}
        for name, text, suffix in CANARY_FIGURES:
            spin = _spin(self, suffix, decimals=2 if suffix == " %" else 0)
            self.figures[name] = spin
            self._add(name, f"{text}:", spin)
        for name, text in (("passed", "Tests passed:"), ("failed", "Tests failed:")):
            spin = _spin(self)
            self.figures[name] = spin
            self._add(f"tests_{name}", text, spin)
        self.experiment = QLineEdit(self)
        self.experiment.setMaxLength(120)
        self.experiment.setPlaceholderText("e.g. kill one database replica")
        self._add("experiment", "E&xperiment:", self.experiment)
        self.summary = QPlainTextEdit(self)
        self.summary.setTabChangesFocus(True)
        self.summary.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 12)
        self._add("summary", "S&ummary:", self.summary)
        self.artifact = QLineEdit(self)
        self.artifact.setMaxLength(120)
        self.artifact.setPlaceholderText("build digest, e.g. sha256:3f9a… (blank: any build)")
        self._add("artifact", "Ar&tifact:", self.artifact)

        hint = QLabel(HINT, self)
        hint.setObjectName("evidenceHint")
        hint.setWordWrap(True)
        self.hint = hint
        self.buttons = save_or_close(self, self.read_only)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        if save is not None:
            save.setText("&Record")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(hint)
        layout.addLayout(self.form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        if self.read_only:
            roles = " or ".join(sorted(RECORDERS))
            self._show_banner(f"Recording evidence needs the {roles} role.")
            for editor in self.editors.values():
                editor.setEnabled(False)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        if kind is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        if environment is not None:
            self.environment.setCurrentIndex(max(0, self.environment.findData(environment)))
        self._kind_changed()
        self.setMinimumWidth(520)

    # ----------------------------------------------------------------- public
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def set_passed(self, passed: bool) -> None:
        self.outcome.setCurrentIndex(self.outcome.findData(passed))

    def set_performed_at(self, moment: datetime, zone: str = "UTC") -> None:
        """Show `moment` as the wall-clock time in `zone` (the edit holds wall-clock figures;
        the zone beside it says where)."""
        self.zone.setCurrentText(zone)
        t = moment.astimezone(ZoneInfo(zone))
        self.when.setDateTime(QDateTime(QDate(t.year, t.month, t.day), QTime(t.hour, t.minute)))

    def performed_at(self) -> datetime | None:
        """The moment in the zone picked; None when the zone is not one we know."""
        zone = self.zone.currentText().strip()
        if zone not in zones():
            return None
        d, t = self.when.date(), self.when.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=ZoneInfo(zone))

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments, as the fields now say."""
        kind = self.current_kind()
        figures: dict[str, Any] = {}
        if kind == EvidenceKind.CANARY:
            figures = {n: _value(self.figures[n]) for n, _t, _s in CANARY_FIGURES}
        elif kind == EvidenceKind.TESTS:
            figures = {n: _value(self.figures[n]) for n in ("passed", "failed")}
        elif kind == EvidenceKind.CHAOS and self.experiment.text().strip():
            figures = {"experiment": self.experiment.text().strip()}
        figures = {k: v for k, v in figures.items() if v is not None}
        login = self.performed_by.text().split(" — ")[0].strip()
        return {
            "workload": self.workload,
            "kind": kind,
            "passed": self.outcome.currentData() is True,
            "environment": self.environment.currentData(),
            "performed_at": self.performed_at(),
            "performed_by": login or None,
            "restore_minutes": _value(self.restore_minutes)
            if kind == EvidenceKind.RESTORE
            else None,
            "score": _value(self.score) if kind == EvidenceKind.CANARY else None,
            "figures": figures or None,
            "summary": self.summary.toPlainText(),
            "artifact": self.artifact.text().strip() or None,
        }

    def error_text(self, name: str) -> str:
        return shown_text(self.errors[name])

    def accept(self) -> None:
        """Record; the dialog closes only once the service accepted the evidence."""
        if self.read_only:
            super().reject()
            return
        self._clear_errors()
        problems = []
        if self.outcome.currentIndex() < 0:
            problems.append(FieldError("passed", "say whether it passed or failed"))
        if self.performed_at() is None:
            problems.append(FieldError("performed_at", "pick a time zone from the list"))
        if problems:
            self._show_errors(problems)
            return
        command = RecordEvidence(self.ctx, self.values())
        if not execute_or_show(command, self._show_errors, self._show_banner):
            return
        self.command = command
        self.recorded.emit(command.uuid)
        super().accept()

    # ---------------------------------------------------------------- private
    def _add(self, name: str, text: str, editor: QWidget) -> None:
        editor.setObjectName(f"field_{name}")
        error = error_label(self)
        cell = QWidget(self)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        box.addWidget(error)
        cell.setFocusProxy(editor)
        label = QLabel(text, self)
        label.setBuddy(editor)
        editor.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.form.addRow(label, cell)
        self.editors[name] = editor
        self.errors[name] = error
        self._rows[name] = cell

    def _when_editor(self) -> QWidget:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.when = QDateTimeEdit(box)
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.when.setAccessibleName("Performed at")
        self.zone = QComboBox(box)
        self.zone.setEditable(True)
        self.zone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone.addItems(sorted(zones()))
        self.zone.setAccessibleName("Time zone")
        self.zone.setMinimumContentsLength(16)
        zone_completer = QCompleter(self.zone.model(), self.zone)
        zone_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        zone_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.zone.setCompleter(zone_completer)
        row.addWidget(self.when)
        row.addWidget(self.zone, 1)
        box.setFocusProxy(self.when)
        self.set_performed_at(datetime.now(UTC), local_zone())
        return box

    def _kind_changed(self) -> None:
        """Only the fields this kind of evidence carries are shown."""
        kind = self.current_kind()
        shown = {
            "restore_minutes": kind == EvidenceKind.RESTORE,
            "score": kind == EvidenceKind.CANARY,
            "tests_passed": kind == EvidenceKind.TESTS,
            "tests_failed": kind == EvidenceKind.TESTS,
            "experiment": kind == EvidenceKind.CHAOS,
        } | {name: kind == EvidenceKind.CANARY for name, _t, _s in CANARY_FIGURES}
        for name, visible in shown.items():
            self.form.setRowVisible(self._rows[name], visible)
        label = self.form.labelForField(self._rows["environment"])
        if isinstance(label, QLabel):
            needed = kind in NEEDS_ENVIRONMENT
            label.setText("&Environment (required):" if needed else "&Environment:")
        self._clear_errors()
        fit_height(self, shrink=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        fit_height(self)

    def _clear_errors(self) -> None:
        if not self.read_only:
            self.banner.hide()
        clear_errors(self.errors.values())

    def _show_errors(self, errors: Sequence[FieldError]) -> None:
        show_field_errors(errors, self.errors, self.editors, self.banner, row_of=self._shown)
        fit_height(self)

    def _shown(self, field: str) -> str | None:
        """The field's row while this kind of evidence shows it (a hidden row's error would
        go unseen, so it goes to the banner)."""
        row = self._rows.get(field)
        return field if row is not None and row.isVisibleTo(self) else None

    def _show_banner(self, text: str) -> None:
        show_banner(self.banner, text)
        fit_height(self)
