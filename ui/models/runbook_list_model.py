"""The runbooks on the left of the Runbooks screen: what each rolls back, and whether it may be
relied on.

One row per runbook, kept whole (there is at most one per component and one per workload that
has its own). The sign-off state is always given in words with a shape beside it ("✔ approved",
"○ not signed"), so it reads the same in black and white and to a screen reader; the list's
delegate paints the parts, which it takes from the roles below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt

from app.services.runbook_queries import RunbookRow
from ui.models.row_table_model import ROW_ROLE, AnyIndex

HEADING_ROLE = Qt.ItemDataRole.UserRole + 10
""""Component payments-api" / "Workload PAY-123"."""
DETAILS_ROLE = Qt.ItemDataRole.UserRole + 11
""""Version 3 · 8 steps · 45 min"."""
STATE_ROLE = Qt.ItemDataRole.UserRole + 12
""""✔ approved" / "○ not signed"."""
APPROVED_ROLE = Qt.ItemDataRole.UserRole + 13

KIND_WORDS = {"component": "Component", "workload": "Workload"}


def state_text(row: RunbookRow) -> str:
    return "✔ approved" if row.approved else "○ not signed"


def heading(row: RunbookRow) -> str:
    return f"{KIND_WORDS.get(row.subject_kind, row.subject_kind)} {row.subject}"


def details(row: RunbookRow) -> str:
    steps = "1 step" if row.steps == 1 else f"{row.steps} steps"
    return f"Version {row.revision} · {steps} · {row.minutes} min"


class RunbookListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RunbookRow] = []

    def set_rows(self, rows: Sequence[RunbookRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[RunbookRow]:
        return list(self._rows)

    def row_at(self, row: int) -> RunbookRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, runbook_uuid: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.uuid == runbook_uuid), -1)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{heading(row)}: {row.title}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            kind = "template" if row.subject_kind == "component" else "runbook"
            return (
                f"{heading(row)} ({kind}): {row.title}\n{details(row)}"
                f" · {row.triggers} triggers\nSign-off: {state_text(row)}"
            )
        if role == HEADING_ROLE:
            return heading(row)
        if role == DETAILS_ROLE:
            return details(row)
        if role == STATE_ROLE:
            return state_text(row)
        if role == APPROVED_ROLE:
            return row.approved
        if role == ROW_ROLE:
            return row
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
