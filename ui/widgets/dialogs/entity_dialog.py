"""One edit dialog for every entity, built from its `EntitySpec`.

The service is the only judge of what is valid: on Save the dialog runs the create or update
as an undoable command; a refusal is shown next to the offending fields and the dialog stays
open with the user's input intact (nothing was written). A stale save goes through the
conflict dialog and is re-saved against the version the database holds now.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.domain.enums import FIBONACCI
from app.services import SPECS, queries
from app.services.crud import EntitySpec
from app.services.errors import (
    Conflict,
    ConflictError,
    FieldError,
    PermissionDenied,
    ServiceError,
    ValidationError,
)
from app.services.fields import Field
from ui.context import AppContext
from ui.models.row_table_model import human
from ui.undo import CreateEntityCommand, UpdateEntityCommand, title_of
from ui.widgets.dialogs.conflict_dialog import (
    DISCARD,
    RECREATE,
    TAKE_THEIRS,
    ConflictDialog,
)
from ui.widgets.dialogs.field_editors import FieldEditor, field_label, make_editor, same
from ui.widgets.dialogs.field_errors import (
    clear_errors,
    error_label,
    show_banner,
    show_field_errors,
    shown_text,
)

SCALES: dict[tuple[str, str], tuple[int, ...]] = {
    ("workload", name): FIBONACCI
    for name in ("size", "business_value", "time_criticality", "risk_reduction")
}
"""Estimates picked from the Fibonacci scale: a combo, so an off-scale value cannot be typed."""


class EntityDialog(QDialog):
    saved = Signal(str)
    """UUID of the row just created or updated."""

    def __init__(
        self,
        ctx: AppContext,
        spec: EntitySpec,
        entity_uuid: str | None = None,
        *,
        initial: dict[str, Any] | None = None,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.spec, self.read_only = ctx, spec, read_only
        self.entity_uuid = entity_uuid
        self._create_uuid: str | None = None
        self.conflict_dialog: ConflictDialog | None = None
        """The conflict dialog while it is open (tests and accessibility tools find it here)."""
        self.version, self.base, refs = self._load(initial or {})
        self._ref_labels = {name: dict((v, k) for k, v in items) for name, items in refs.items()}
        self.editors: dict[str, FieldEditor] = {}
        self._errors: dict[str, QLabel] = {}
        self._build(refs)
        self.set_values(self.base)
        self.setWindowTitle(self._title())

    # ----------------------------------------------------------------- public
    def values(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in self.editors:
                self.editors[name].set_value(value)

    def changes(self) -> dict[str, Any]:
        """Fields the user changed against what was loaded, in snapshot form."""
        current = self.values()
        return {
            f.name: current[f.name]
            for f in self.spec.fields
            if not same(f, current[f.name], self.base.get(f.name))
        }

    def error_text(self, name: str) -> str:
        """The message shown next to a field ("" when none); `banner` holds the rest."""
        return shown_text(self._errors[name])

    def describe(self, f: Field, value: Any) -> str:
        """A stored value as the user knows it (a team's name, not its UUID)."""
        if value is None or value == "" or value == []:
            return "—"
        if f.kind == "ref":
            return self._ref_labels.get(f.name, {}).get(value, str(value))
        if f.kind in ("refs", "roles"):
            labels = self._ref_labels.get(f.name, {})
            return ", ".join(labels.get(v, human(v)) for v in value)
        if f.kind == "choice":
            return human(value)
        if f.kind == "bool":
            return "yes" if value else "no"
        return str(value)

    def accept(self) -> None:
        """Save; the dialog only closes once the service has accepted the values."""
        if self.read_only:
            super().accept()
            return
        self._clear_errors()
        try:
            saved = self._save()
        except ValidationError as exc:
            self._show_errors(exc.errors)
            return
        except ConflictError as exc:
            self._resolve(exc.conflict)
            return
        except (PermissionDenied, ServiceError, DatabaseError) as exc:
            self._show_banner(str(exc))
            return
        if saved is not None:
            self.saved.emit(saved)
        super().accept()

    # ---------------------------------------------------------------- private
    def _load(
        self, initial: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, list[tuple[str, str]]]]:
        what = {s.model: s.label for s in SPECS.values()}
        with self.ctx.read() as session:
            refs = {
                f.name: [(c.label, c.uuid) for c in queries.choices(session, what[f.ref])]
                for f in self.spec.fields
                if f.kind in ("ref", "refs") and f.ref in what
            }
            if self.entity_uuid is None:
                return 0, dict(initial), refs
            version, base = queries.load(session, self.spec, self.entity_uuid)
        return version, base, refs

    def _build(self, refs: dict[str, list[tuple[str, str]]]) -> None:
        layout = QVBoxLayout(self)
        self.banner = error_label(self)
        layout.addWidget(self.banner)
        if self.read_only:
            note = QLabel(
                f"Read only: changing a {self.spec.label} needs the "
                f"{' or '.join(sorted(self.spec.roles))} role.",
                self,
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        table = getattr(self.spec.model, "__table__", None)
        for f in self.spec.fields:
            column = table.c.get(f.name) if table is not None else None
            editor = make_editor(
                f,
                refs=refs.get(f.name, ()),
                scale=SCALES.get((self.spec.label, f.name), ()),
                nullable=column is None or bool(column.nullable),
                parent=self,
            )
            editor.setObjectName(f"field_{f.name}")
            editor.set_read_only(self.read_only)
            error = error_label(self)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(editor)
            cell.addWidget(error)
            text = field_label(f) + ("" if f.required or f.kind == "bool" else " (optional)")
            label = QLabel(text + ":", self)
            label.setBuddy(editor)
            form.addRow(label, cell)
            self.editors[f.name] = editor
            self._errors[f.name] = error
        layout.addLayout(form)
        if self.read_only:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            buttons.rejected.connect(self.reject)
        else:
            buttons = QDialogButtonBox(
                QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                self,
            )
            buttons.accepted.connect(self.accept)
            buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _title(self) -> str:
        name = title_of(self.base)
        if self.entity_uuid is None:
            return f"New {self.spec.label}"
        return f"{'View' if self.read_only else 'Edit'} {self.spec.label} {name}".strip()

    def _save(self) -> str | None:
        if self.entity_uuid is None:
            command = CreateEntityCommand(
                self.ctx, self.spec, self.values(), entity_uuid=self._create_uuid
            )
            command.execute()
            return command.uuid
        changes = self.changes()
        if not changes:
            return None
        UpdateEntityCommand(
            self.ctx,
            self.spec,
            self.entity_uuid,
            self.version,
            changes,
            self.base,
            title=title_of({**self.base, **changes}),
        ).execute()
        return self.entity_uuid

    def _resolve(self, conflict: Conflict) -> None:
        """Let the user choose, then save the choice against the database's current row."""
        dialog = ConflictDialog(
            title_of(self.base, self.spec.label),
            self.spec.fields,
            self.base,
            self.values(),
            conflict.theirs,
            self.describe,
            self,
        )
        self.conflict_dialog = dialog
        try:
            chosen = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.conflict_dialog = None
            dialog.deleteLater()
        # The lists on screen are as stale as this dialog was: let them catch up either way.
        self.ctx.data_changed.emit(self.spec.label)
        if not chosen:
            return
        if dialog.resolution == DISCARD:
            self.reject()
            return
        if dialog.resolution == TAKE_THEIRS:
            self.reject()
            return
        merged = dialog.merged()
        if dialog.resolution == RECREATE:
            self._create_uuid, self.entity_uuid = self.entity_uuid, None
            self.base, self.version = {}, 0
        else:
            assert conflict.theirs is not None and conflict.current_version is not None
            self.base, self.version = dict(conflict.theirs), conflict.current_version
        self.set_values(merged)
        self.accept()

    def _clear_errors(self) -> None:
        self.banner.hide()
        clear_errors(self._errors.values())

    def _show_errors(self, errors: list[FieldError]) -> None:
        by_name = {f.name: f for f in self.spec.fields}
        show_field_errors(
            errors,
            self._errors,
            self.editors,
            self.banner,
            text_of=lambda err: f"{field_label(by_name[err.field])} {err.message}",
            elsewhere=lambda err: err.message if err.field == self.spec.label else str(err),
        )

    def _show_banner(self, text: str) -> None:
        show_banner(self.banner, text)
