"""A new runbook: a component's template, or a workload's own (optionally a copy of the template
of one of its components to start from).

A refusal is shown at the field it is about (no such component, the workload already has a
runbook, none of its components has a template) and the dialog stays open with what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QStringListModel, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.runbooks.body import RunbookBody
from app.services.errors import FieldError, ServiceError, ValidationError
from app.services.queries import WorkloadFilter, choices, workload_page
from app.services.runbooks import create_runbook
from ui.context import AppContext

SUGGEST_DELAY_MS = 200
SUGGESTIONS = 30
ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)
"""As the entity dialogs show a refusal: fixed colours readable on either palette, and ⚠."""


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.hide()
    return label


class NewRunbookDialog(QDialog):
    def __init__(
        self,
        ctx: AppContext,
        taken: Sequence[tuple[str, str]] = (),
        parent: QWidget | None = None,
    ) -> None:
        """`taken`: (kind, subject) of the runbooks that exist already, to mark them."""
        super().__init__(parent)
        self.setWindowTitle("New runbook")
        self.setObjectName("newRunbookDialog")
        self.ctx = ctx
        self.created = ""
        """The new runbook's UUID once created."""
        self._taken = set(taken)
        self.for_component = QRadioButton(
            "For a &component: the template its workloads start from", self
        )
        self.for_workload = QRadioButton("For a &workload: its own runbook", self)
        group = QButtonGroup(self)
        group.addButton(self.for_component)
        group.addButton(self.for_workload)
        self.for_component.setChecked(True)
        self.component = QComboBox(self)
        self.component.setObjectName("newRunbookComponent")
        self.component.setEditable(True)
        self.component.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.component.setAccessibleName("Component")
        with ctx.read() as session:
            names = [c.label for c in choices(session, "component")]
        free = [n for n in names if ("component", n) not in self._taken]
        self.component.addItems(free)
        self.component.setCurrentIndex(-1)
        self.component.lineEdit().setPlaceholderText("Component name, e.g. payments-api")
        completer = QCompleter(free, self.component)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.component.setCompleter(completer)
        self.workload = QLineEdit(self)
        self.workload.setObjectName("newRunbookWorkload")
        self.workload.setAccessibleName("Workload key")
        self.workload.setPlaceholderText("Workload key, e.g. PAY-123")
        self._keys = QStringListModel(self)
        key_completer = QCompleter(self._keys, self.workload)
        key_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        key_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.workload.setCompleter(key_completer)
        self._suggest_timer = QTimer(self)
        self._suggest_timer.setSingleShot(True)
        self._suggest_timer.setInterval(SUGGEST_DELAY_MS)
        self._suggest_timer.timeout.connect(self._suggest)
        self.workload.textEdited.connect(lambda _t: self._suggest_timer.start())
        self.from_template = QCheckBox("Start from its component's &template", self)
        self.from_template.setToolTip(
            "Copy the steps and triggers of the template of the workload's first component "
            "that has one"
        )
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("newRunbookTitle")
        self.title_edit.setAccessibleName("Title")
        self.errors = {
            name: _error_label(self) for name in ("component", "workload", "template", "title")
        }
        self.banner = _error_label(self)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.for_component)
        form.addRow("Compo&nent:", self.component)
        form.addRow("", self.errors["component"])
        form.addRow(self.for_workload)
        form.addRow("Work&load:", self.workload)
        form.addRow("", self.errors["workload"])
        form.addRow("", self.from_template)
        form.addRow("", self.errors["template"])
        form.addRow("T&itle:", self.title_edit)
        form.addRow("", self.errors["title"])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.create_button = buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_button.setDefault(True)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.for_component.toggled.connect(lambda _on: self._kind_changed())
        self.component.currentTextChanged.connect(lambda _t: self._update_title())
        self.workload.textChanged.connect(lambda _t: self._update_title())
        self.from_template.toggled.connect(lambda _on: self._update_title())
        self._kind_changed()
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

    @property
    def kind(self) -> str:
        return "component" if self.for_component.isChecked() else "workload"

    def subject(self) -> str:
        widget = self.component.currentText() if self.kind == "component" else self.workload.text()
        return widget.strip()

    def _kind_changed(self) -> None:
        component = self.kind == "component"
        self.component.setEnabled(component)
        self.workload.setEnabled(not component)
        self.from_template.setEnabled(not component)
        (self.component if component else self.workload).setFocus()
        self._update_title()

    def _update_title(self) -> None:
        subject = self.subject() or "…"
        if self.kind == "workload" and self.from_template.isChecked():
            hint = "Leave empty to keep the template's title"
        else:
            hint = f"Roll back {subject}"
        self.title_edit.setPlaceholderText(hint)

    def _suggest(self) -> None:
        text = self.workload.text().strip()
        if not text:
            return
        with self.ctx.read() as session:
            rows = workload_page(session, WorkloadFilter(text=text), limit=SUGGESTIONS)
        self._keys.setStringList([r.key for r in rows])

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        for label in (*self.errors.values(), self.banner):
            label.hide()
        other = []
        for error in errors:
            field = (
                "component"
                if error.field == "subject" and self.kind == "component"
                else error.field
            )
            if field == "subject":
                field = "workload"
            label = self.errors.get(field)
            if label is None:
                other.append(error.message)
                continue
            label.setText(f"⚠ {error.message}")
            label.show()
        if other:
            self.show_banner("; ".join(other))

    def show_banner(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()

    def create(self) -> bool:
        subject, kind = self.subject(), self.kind
        if not subject:
            what = "component" if kind == "component" else "workload"
            self.show_errors([FieldError(what, f"name the {what} this runbook rolls back")])
            return False
        template = kind == "workload" and self.from_template.isChecked()
        title = self.title_edit.text().strip() or ("" if template else f"Roll back {subject}")
        body = RunbookBody(title)
        target = {kind: subject}
        try:
            self.created = self.ctx.write(
                "runbook",
                lambda s, a: str(create_runbook(s, a, body, from_template=template, **target).uuid),
            )
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except (ServiceError, DatabaseError) as exc:
            self.show_banner(str(exc))
            return False
        self.accept()
        return True
