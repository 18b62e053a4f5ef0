"""A runbook draft's steps as a table, edited in place and reordered by drag.

The model does not own the steps: the editor's draft does. An edit or a drop is handed to the
callables the editor installs (`commit`, `move`), which turn it into one undoable change of the
whole body and then show the new body with `set_steps`; a change the editor refuses (the
approved-version warning was cancelled) leaves the row as it was (see RunbookPartsTableModel).

Every cell with a validation problem says so with a warning icon on the row, the message as
the tooltip and, when the cell is empty, the word "missing": colour is only the third cue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont

from app.runbooks.body import Step
from app.runbooks.validate import Issue
from ui.models.row_table_model import AnyIndex
from ui.models.runbook_parts_table_model import (
    ISSUES_ROLE,
    ITEM_ROLE,
    PROBLEM,
    RunbookPartsTableModel,
    group_issues,
    problem_brush,
    warning_icon,
)

NUMBER, TITLE, OWNER, MINUTES, CHECKPOINT, VERIFICATION, COMMAND = range(7)
FIELDS = ("", "title", "owner", "expected_minutes", "checkpoint", "verification", "command")
"""The Step field each column edits (the number column edits nothing)."""
HEADERS = ("#", "Step", "Owner", "Minutes", "Go/no-go", "Verification", "Command")
WIDTHS = (56, 210, 140, 70, 84, 200, 160)
MIME = "application/x-releasedesk-runbook-steps"
STEP_ROLE = ITEM_ROLE
"""data(index, STEP_ROLE) is the Step behind the row; data(index, ISSUES_ROLE) the problems
with that cell (the number column: with the whole step)."""
MAX_MINUTES = 24 * 60

Commit = Callable[[int, Step, str], bool]
"""(row, the step as edited, the field that changed) → whether the edit was made."""
Move = Callable[[list[int], int], bool]
"""(rows, the row they go before) → whether they moved."""
OwnerParser = Callable[[str], tuple[str, bool]]


def _default_owner(text: str) -> tuple[str, bool]:
    value = text.strip()
    if value.lower().startswith("role:"):
        return value[5:].strip(), True
    return value, False


_HEADER_TIPS = (
    "Step number; ⚠ marks a step with a problem to fix before sign-off",
    "What the step does",
    "Who carries it out: a person's login or a role (“role: operations”)",
    "Minutes the step is expected to take",
    "A go/no-go point: stop unless the verification holds",
    "How whoever runs the step knows it worked",
    "The command to run, if any",
)


class RunbookStepsTableModel(RunbookPartsTableModel):
    HEADERS = HEADERS
    HEADER_TIPS = _HEADER_TIPS
    NUMERIC = (NUMBER, MINUTES)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: Mapping[str, str] = {}
        self.commit: Commit | None = None
        self.move: Move | None = None
        self.parse_owner: OwnerParser = _default_owner

    # ------------------------------------------------------------------ feeding
    def set_steps(
        self,
        steps: Sequence[Step],
        issues: Iterable[Issue] = (),
        people: Mapping[str, str] | None = None,
    ) -> None:
        if people is not None:
            self._people = dict(people)
        self._show(steps, group_issues(issues, lambda issue: issue.step))

    def steps(self) -> tuple[Step, ...]:
        return self._items

    def step_at(self, row: int) -> Step | None:
        step: Step | None = self._item_at(row)
        return step

    # ------------------------------------------------------------------ reading
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        step = self.step_at(index.row()) if index.isValid() else None
        if step is None:
            return None
        column = index.column()
        problems = self._problems(index.row(), column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), column, step, problems)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_value(column, step)
        if role == Qt.ItemDataRole.CheckStateRole and column == CHECKPOINT:
            return Qt.CheckState.Checked if step.checkpoint else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and column == NUMBER and problems:
            return warning_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), column, step, problems)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.BackgroundRole and problems and column != NUMBER:
            return problem_brush()
        if role == Qt.ItemDataRole.FontRole and column == VERIFICATION and step.checkpoint:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.FontRole and column == OWNER and step.owner_is_role:
            font = QFont()
            font.setItalic(True)
            return font
        if role == STEP_ROLE:
            return step
        if role == ISSUES_ROLE:
            return problems
        return None

    def _problems(self, row: int, column: int) -> list[str]:
        found = self._issues.get(row, {})
        if column == NUMBER:
            return [m for messages in found.values() for m in messages]
        return list(found.get(FIELDS[column], []))

    def _display(self, row: int, column: int, step: Step, problems: list[str]) -> str:
        if column == NUMBER:
            return str(row + 1)
        if column == CHECKPOINT:
            return "stop" if step.checkpoint else "—"
        if column == MINUTES:
            text = str(step.expected_minutes) if step.expected_minutes > 0 else ""
        elif column == OWNER:
            known = not step.owner_is_role and self._people.get(step.owner)
            text = known or step.owner_label
        else:
            text = " ".join(str(getattr(step, FIELDS[column])).split())
        return text or ("missing" if problems else "")

    def _edit_value(self, column: int, step: Step) -> Any:
        if column == NUMBER:
            return None
        if column == OWNER:
            return step.owner_label
        if column == CHECKPOINT:
            return step.checkpoint
        return getattr(step, FIELDS[column])

    def _tooltip(self, row: int, column: int, step: Step, problems: list[str]) -> str | None:
        lines = list(problems)
        if column == OWNER and step.owner and not step.owner_is_role:
            name = self._people.get(step.owner)
            known = f"{name} (login {step.owner})" if name else ""
            lines.insert(0, known or f"No person has the login “{step.owner}”")
        elif column == CHECKPOINT:
            lines.insert(
                0,
                "Go/no-go checkpoint: stop here unless the verification holds"
                if step.checkpoint
                else "Not a checkpoint (Space toggles)",
            )
        elif column in (TITLE, VERIFICATION, COMMAND):
            value = str(getattr(step, FIELDS[column])).strip()
            if value:
                lines.insert(0, value)
        if column == NUMBER and problems:
            lines.insert(0, f"Step {row + 1} cannot be signed off yet:")
        return "\n".join(lines) or None

    # ------------------------------------------------------------------ editing
    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled if self.editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if not self.editable:
            return flags
        flags |= Qt.ItemFlag.ItemIsDragEnabled
        if index.column() == CHECKPOINT:
            return flags | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() != NUMBER:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        step = self.step_at(index.row()) if index.isValid() else None
        if step is None or not self.editable:
            return False
        column = index.column()
        if column == CHECKPOINT and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, True)
            new = dataclasses.replace(step, checkpoint=checked)
        elif role == Qt.ItemDataRole.EditRole and column not in (NUMBER, CHECKPOINT):
            edited = self._edited(step, column, value)
            if edited is None:
                return False
            new = edited
        else:
            return False
        if new == step:
            return True
        return self.apply(index.row(), new, FIELDS[column])

    def _edited(self, step: Step, column: int, value: Any) -> Step | None:
        """The step with the cell's new value; None when the value cannot be one."""
        if column == OWNER:
            owner, is_role = self.parse_owner(str(value or ""))
            return dataclasses.replace(step, owner=owner, owner_is_role=is_role and bool(owner))
        if column == MINUTES:
            try:
                minutes = int(value)
            except (TypeError, ValueError):
                return None
            return dataclasses.replace(step, expected_minutes=max(0, min(minutes, MAX_MINUTES)))
        return dataclasses.replace(step, **{FIELDS[column]: str(value or "")})

    # --------------------------------------------------------------- drag and drop
    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        data = QMimeData()
        data.setData(MIME, QByteArray(",".join(map(str, rows)).encode("ascii")))
        return data

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        return self.editable and action == Qt.DropAction.MoveAction and data.hasFormat(MIME)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: AnyIndex,
    ) -> bool:
        """Move the dragged steps before `row` (or before the row dropped on).

        The move is done here and in full, so the view must not remove the source rows after
        the drop: the model has no removeRows, which makes that step a no-op.
        """
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        raw = bytes(data.data(MIME).data()).decode("ascii")
        rows = [int(x) for x in raw.split(",") if x.strip().isdigit()]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._items)
        if not rows or self.move is None:
            return False
        return self.move(rows, row)


def problem_colour() -> QColor:
    return QColor(PROBLEM)
