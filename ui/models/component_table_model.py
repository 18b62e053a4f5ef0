"""Components as a whole-list table: at most about a thousand, loaded and sorted in memory."""

from __future__ import annotations

from ui.models.row_table_model import Column, RowTableModel, dash, human

COLUMNS = (
    Column("name", "Component", 200),
    Column("kind", "Kind", 110, text=lambda r: human(r.kind)),
    Column("team", "Owning team", 150),
    Column(
        "track",
        "Track",
        100,
        text=lambda r: human(r.track),
        tooltip=lambda r: (
            "Ships with the release train"
            if r.track == "train"
            else "Deploys on its own track, outside the train"
        ),
    ),
    Column("stateful", "Stateful", 80, text=lambda r: "stateful" if r.stateful else "—"),
    Column(
        "data_classes",
        "Regulated data",
        150,
        text=lambda r: dash(r.data_classes),
        tooltip=lambda r: "Changes need peer review and sign-off" if r.data_classes else "",
    ),
    Column(
        "consumers",
        "Consumers",
        90,
        numeric=True,
        tooltip=lambda r: "Components that depend on this one",
    ),
    Column(
        "providers",
        "Depends on",
        90,
        numeric=True,
        tooltip=lambda r: "Components this one depends on",
    ),
)


class ComponentTableModel(RowTableModel):
    """Rows are `app.services.queries.ComponentRow`s."""

    columns = COLUMNS
