"""Editing the matrix in place: add, change or remove the dependency behind one cell.

A cell already names both ends, so the dialog asks only for what is left (the kind) instead of
the generic entity form with two 1,000-entry component pickers. Every change is an undoable
service call; a refusal is shown in the dialog, which stays open with the choice intact.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.domain.enums import DependencyKind
from app.services.catalog import COMPONENT_DEPENDENCY
from app.services.errors import ConflictError, ServiceError, ValidationError
from app.services.matrix_queries import DependencyRecord, component_uuids, dependency_between
from ui.context import AppContext
from ui.undo import CreateEntityCommand, DeleteEntityCommand, ServiceCommand, UpdateEntityCommand
from ui.views.matrix.marks import kind_label

_ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)


def dependency_title(consumer: str, provider: str) -> str:
    return f"{consumer} → {provider}"


class DependencyDialog(QDialog):
    saved = Signal(str, str)
    """(consumer, provider) after a successful add, change or removal."""
    stale = Signal()
    """The dependency changed under us: the matrix should be re-read."""

    def __init__(
        self,
        ctx: AppContext,
        names: Sequence[str],
        consumer: str | None,
        provider: str | None,
        record: DependencyRecord | None,
        *,
        read_only: bool = False,
        read_only_reason: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.record, self.read_only = ctx, record, read_only
        self.setWindowModality(Qt.WindowModality.WindowModal)
        verb = "Dependency" if record else "Add dependency"
        self.setWindowTitle(
            f"{verb} {dependency_title(consumer, provider)}" if consumer and provider else verb
        )
        self.consumer = self._end_picker(names, consumer, "Consumer (depends on…)")
        self.provider = self._end_picker(names, provider, "Provider (…must be in place first)")
        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Kind")
        for kind in DependencyKind.choices():
            self.kind.addItem(kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(record.kind if record else "api")))
        self.kind.setEnabled(not read_only)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(_ERROR_STYLE)
        self.error.hide()
        form = QFormLayout()
        form.addRow("Consumer", self.consumer)
        form.addRow("depends on", self.provider)
        form.addRow("Kind", self.kind)
        buttons = QDialogButtonBox(self)
        self.delete_button: QPushButton | None = None
        if read_only:
            buttons.addButton(QDialogButtonBox.StandardButton.Close)
        else:
            ok = buttons.addButton(QDialogButtonBox.StandardButton.Save)
            ok.setText("Change kind" if record else "Add dependency")
            buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
            if record is not None:
                self.delete_button = buttons.addButton(
                    "Remove dependency", QDialogButtonBox.ButtonRole.DestructiveRole
                )
                self.delete_button.clicked.connect(self.remove)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        if read_only:
            note = QLabel(f"Read only: {read_only_reason}.", self)
            note.setObjectName("readOnlyNote")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _end_picker(self, names: Sequence[str], value: str | None, hint: str) -> QComboBox:
        """A fixed end when the cell names it; otherwise a searchable component picker."""
        combo = QComboBox(self)
        combo.setAccessibleName(hint)
        combo.setToolTip(hint)
        if value is not None:
            combo.addItem(value)
            combo.setEnabled(False)
            return combo
        combo.setEditable(True)
        combo.addItems(list(names))
        combo.setCurrentIndex(-1)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(list(names), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        return combo

    def ends(self) -> tuple[str, str]:
        return self.consumer.currentText().strip(), self.provider.currentText().strip()

    def save(self) -> None:
        if self.read_only:
            self.reject()
            return
        consumer, provider = self.ends()
        kind = str(self.kind.currentData())
        title = dependency_title(consumer, provider)
        command: ServiceCommand
        if self.record is None:
            with self.ctx.read() as session:
                refs = component_uuids(session, [consumer, provider])
                existing = dependency_between(session, consumer, provider)
            if existing is not None:  # added by someone else since the matrix was read
                self._show_error(
                    f"{consumer} already depends on {provider} ({kind_label(existing.kind)}): "
                    "someone added it meanwhile. The matrix has been refreshed."
                )
                self.stale.emit()
                return
            values = {"consumer": refs.get(consumer), "provider": refs.get(provider), "kind": kind}
            command = CreateEntityCommand(self.ctx, COMPONENT_DEPENDENCY, values)
            command.setText(f"Add dependency {title} ({kind_label(kind)})")
        else:
            if kind == self.record.kind:
                self.accept()
                return
            command = UpdateEntityCommand(
                self.ctx,
                COMPONENT_DEPENDENCY,
                self.record.uuid,
                self.record.version,
                {"kind": kind},
                {"kind": self.record.kind},
                title=title,
            )
            command.setText(f"Change dependency {title} to {kind_label(kind)}")
        self._run(command, consumer, provider)

    def remove(self) -> None:
        if self.record is None or self.read_only:
            return
        consumer, provider = self.ends()
        command = DeleteEntityCommand(
            self.ctx,
            COMPONENT_DEPENDENCY,
            self.record.uuid,
            self.record.version,
            title=dependency_title(consumer, provider),
        )
        command.setText(f"Remove dependency {dependency_title(consumer, provider)}")
        self._run(command, consumer, provider)

    def _run(self, command: ServiceCommand, consumer: str, provider: str) -> None:
        try:
            command.execute()
        except ValidationError as exc:
            self._show_error("; ".join(_message(e.field, e.message) for e in exc.errors))
            return
        except ConflictError:
            self._show_error(
                "Someone else changed or removed this dependency meanwhile. The matrix has "
                "been refreshed; close this dialog and look again."
            )
            self.stale.emit()
            return
        except (ServiceError, DatabaseError) as exc:
            self._show_error(str(exc))
            return
        self.saved.emit(consumer, provider)
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(f"⚠ {text}")
        self.error.show()


def _message(field: str, message: str) -> str:
    names = {"consumer": "Consumer", "provider": "Provider", "kind": "Kind"}
    return f"{names.get(field, field.capitalize())} {message}"


def remove_dependency(parent: QWidget, ctx: AppContext, consumer: str, provider: str) -> bool:
    """Ask, then remove one dependency as an undoable edit; False when the matrix is stale
    (the dependency is gone or changed) and should be re-read."""
    title = dependency_title(consumer, provider)
    with ctx.read() as session:
        record = dependency_between(session, consumer, provider)
    if record is None:
        QMessageBox.warning(parent, "Dependencies", f"{title} no longer exists.")
        return False
    answer = QMessageBox.question(
        parent,
        "Dependencies",
        f"Remove the dependency {title}?\n\nYou can undo this with Undo (Ctrl+Z).",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return True
    command = DeleteEntityCommand(
        ctx, COMPONENT_DEPENDENCY, record.uuid, record.version, title=title
    )
    command.setText(f"Remove dependency {title}")
    try:
        command.execute()
    except (ServiceError, DatabaseError) as exc:
        QMessageBox.warning(parent, "Dependencies", f"Cannot remove {title}: {exc}")
        return False
    return True
