"""Teams as a whole-list table: few enough (tens) to load at once and sort in memory."""

from __future__ import annotations

from ui.models.row_table_model import Column, RowTableModel


def _cap(value: int | None, unit: str = "") -> str:
    return "no cap" if value is None else f"{value:,}{unit}"


COLUMNS = (
    Column("name", "Team", 180),
    Column("timezone", "Time zone", 170),
    Column(
        "capacity_cap",
        "Capacity cap",
        100,
        numeric=True,
        text=lambda r: _cap(r.capacity_cap, " pts"),
        tooltip=lambda r: "Most story points the team may commit to one release",
    ),
    Column(
        "max_share_percent",
        "Max share",
        90,
        numeric=True,
        text=lambda r: _cap(r.max_share_percent, " %"),
        tooltip=lambda r: "Most share of a release's capacity the team may take",
    ),
    Column("people", "People", 70, numeric=True),
    Column("components", "Components", 100, numeric=True),
    Column(
        "open_workloads",
        "Open workloads",
        120,
        numeric=True,
        tooltip=lambda r: "Workloads in the backlog or planned",
    ),
)


class TeamTableModel(RowTableModel):
    """Rows are `app.services.queries.TeamRow`s."""

    columns = COLUMNS
