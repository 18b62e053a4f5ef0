"""A workload's gate evidence as a whole-list table: tens of rows at most, newest first.

Rows are `app.services.evidence_queries.EvidenceRow`s. A result reads as a word with a
shape ("✔ Passed" / "✖ Failed"), never as a colour alone.
"""

from __future__ import annotations

from datetime import UTC, datetime

from ui.models.row_table_model import Column, RowTableModel, dash


def when(moment: datetime) -> str:
    """In UTC and labelled so: evidence comes from pipelines in every time zone."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


COLUMNS = (
    Column("kind_label", "Kind", 165),
    Column("environment", "Environment", 105),
    Column(
        "passed",
        "Result",
        80,
        text=lambda r: "✔ Passed" if r.passed else "✖ Failed",
    ),
    Column("performed_at", "Performed", 150, text=lambda r: when(r.performed_at)),
    Column(
        "performed_by",
        "By",
        130,
        tooltip=lambda r: f"Recorded by {r.recorded_by}" if r.recorded_by else "",
    ),
    Column(
        "figures_text",
        "Figures",
        200,
        text=lambda r: dash(r.figures_text),
        tooltip=lambda r: r.figures_text,
    ),
    Column("artifact", "Artifact", 120, tooltip=lambda r: r.artifact or "any build"),
    Column("summary", "Summary", 260, tooltip=lambda r: r.summary),
)


class EvidenceTableModel(RowTableModel):
    """Evidence is only ever added, so the rows need no version and no edit."""

    columns = COLUMNS
