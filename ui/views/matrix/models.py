"""Table models of the Dependencies side panels: plain frozen rows, sorted in memory.

The lists are small (an item's neighbours, a release's violations, the contract findings),
so each is a `RowTableModel` with its columns; the flag switches, which are edited in place,
live in `flags_panel.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt

from ui.models.row_table_model import Column, RowTableModel, dash, human


@dataclass(frozen=True)
class NeighbourRow:
    uuid: str  # the item's name: unique within one list
    name: str
    team: str
    kind: str
    changing: str
    """What changes it in the selected release ("" when nothing does)."""


@dataclass(frozen=True)
class InvolvedRow:
    uuid: str  # workload key
    key: str
    title: str
    status: str
    release: str
    components: str


@dataclass(frozen=True)
class FindingRow:
    uuid: str
    kind: str
    consumer: str
    provider: str
    contract: str
    days_left: int | None
    message: str


@dataclass(frozen=True)
class SkewRow:
    uuid: str  # library
    library: str
    versions: str
    target: str
    upgrades: str
    in_release: str


@dataclass(frozen=True)
class ViolationRow:
    uuid: str
    before: str
    after: str
    reason: str


FINDING_WORDS = {
    "sunset": "✖ Past sunset",
    "deprecated": "⚠ Deprecated",
    "unsynchronised": "⇄ Not deployed together",
}


class NeighbourTableModel(RowTableModel):
    """Neighbours of one item; the last column says what changes them (in the release, or
    for a workload the components it changes), so its header follows the matrix mode."""

    changing_header = "Changing in release"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
            and self.columns[section].key == "changing"
        ):
            return self.changing_header
        return super().headerData(section, orientation, role)

    columns = (
        Column("name", "Item", 150),
        Column("team", "Team", 90),
        Column("kind", "Kind", 110, tooltip=lambda r: r.kind),
        Column(
            "changing",
            "Changing in release",
            160,
            text=lambda r: dash(r.changing),
            tooltip=lambda r: r.changing,
        ),
    )


class InvolvedTableModel(RowTableModel):
    columns = (
        Column("key", "Workload", 100),
        Column("title", "Title", 220, tooltip=lambda r: r.title),
        Column("status", "Status", 90, text=lambda r: dash(human(r.status))),
        Column("release", "Release", 110, text=lambda r: dash(r.release)),
        Column("components", "Changes", 200),
    )


def _days(row: FindingRow) -> str:
    if row.days_left is None:
        return "—"
    if row.days_left < 0:
        return f"{-row.days_left} days ago"
    return f"{row.days_left} days"


class FindingTableModel(RowTableModel):
    columns = (
        Column("kind", "Finding", 160, text=lambda r: FINDING_WORDS.get(r.kind, human(r.kind))),
        Column("days_left", "Time to sunset", 110, numeric=True, text=_days),
        Column("consumer", "Consumer", 160),
        Column("contract", "Contract", 150),
        Column("provider", "Provider", 150),
        Column("message", "Details", 420, tooltip=lambda r: r.message),
    )


class SkewTableModel(RowTableModel):
    columns = (
        Column("library", "Library", 150),
        Column("versions", "Versions in use", 200, tooltip=lambda r: r.versions),
        Column("target", "Align on", 90),
        Column("upgrades", "Upgrades that align it", 380, tooltip=lambda r: r.upgrades),
        Column("in_release", "Changing in release", 170, text=lambda r: dash(r.in_release)),
    )


class ViolationTableModel(RowTableModel):
    columns = (
        Column("before", "Must deploy first", 160),
        Column("after", "Scheduled before it", 160),
        Column("reason", "Why", 460, tooltip=lambda r: r.reason),
    )
