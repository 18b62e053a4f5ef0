"""The rollback decision log as a table: newest first, as the query returns it.

Each decision reads as a shape and a word (⟲ rollback, ⟶ roll forward, ‖ hold), so the kind is
never told by colour; the time is shown in one display zone with its abbreviation, because an
incident review compares it with graphs from other teams' clocks. The reason is elided in its
cell and whole in the tooltip: it is the part the next on-call engineer reads in full.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QObject, Qt

from app.domain.enums import RollbackChoice
from app.services.rollback_decisions import DecisionRow
from ui.models.row_table_model import AnyIndex, Column, RowTableModel, dash

DECISION_SHAPES: dict[str, str] = {
    RollbackChoice.ROLLBACK: "⟲",
    RollbackChoice.ROLL_FORWARD: "⟶",
    RollbackChoice.HOLD: "‖",
}
"""Each decision has its own shape beside its word, so it never rests on colour."""
DECISION_NAMES: dict[str, str] = {
    RollbackChoice.ROLLBACK: "Rollback",
    RollbackChoice.ROLL_FORWARD: "Roll forward",
    RollbackChoice.HOLD: "Hold",
}


def decision_name(decision: str) -> str:
    return DECISION_NAMES.get(decision, decision.replace("_", " ").capitalize())


def decision_words(decision: str) -> str:
    """ "⟲ Rollback"."""
    shape = DECISION_SHAPES.get(decision, "•")
    return f"{shape} {decision_name(decision)}"


def stamp(at: datetime, zone_id: str) -> str:
    """ "2027-03-17 02:14 CET": the wall clock in the zone, with the zone's abbreviation."""
    local = at.astimezone(ZoneInfo(zone_id))
    return f"{local:%Y-%m-%d %H:%M} {local.tzname() or zone_id}"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _reason_tip(row: DecisionRow) -> str:
    """Rich text, so Qt wraps a long reason instead of spanning the screen with it."""
    return f"<p style='white-space: pre-wrap'>{html.escape(row.reason)}</p>"


COLUMNS = (
    Column("decided_at", "When", 150),
    Column(
        "decision",
        "Decision",
        115,
        text=lambda r: decision_words(r.decision),
        tooltip=lambda r: f"{decision_words(r.decision)} of {r.workload} in {r.environment}",
    ),
    Column("workload", "Workload", 95),
    Column("environment", "Environment", 105),
    Column("trigger", "Trigger", 200, tooltip=lambda r: r.trigger),
    Column("observed", "Observed", 75, numeric=True),
    Column("decided_by", "Decided by", 130),
    Column(
        "reason", "Reason", 200, text=lambda r: dash(_first_line(r.reason)), tooltip=_reason_tip
    ),
)


class RollbackDecisionTableModel(RowTableModel):
    """Rows are `app.services.rollback_decisions.DecisionRow`s, kept in the query's order."""

    columns = COLUMNS

    def __init__(self, zone: str = "UTC", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.zone = zone

    def set_zone(self, zone: str) -> None:
        self.beginResetModel()
        self.zone = zone
        self.endResetModel()

    def rows(self) -> list[DecisionRow]:
        return list(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
            and index.isValid()
            and self.columns[index.column()].key == "decided_at"
        ):
            row = self.row_at(index.row())
            if row is not None:
                return stamp(row.decided_at, self.zone)
        return super().data(index, role)
