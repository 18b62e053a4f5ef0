"""Next to the matrix: the picked item's neighbourhood and the picked dependency's workloads.

A 1,000-row matrix answers "what is coupled to what" at a glance but not "what does this one
touch": this panel lists what the item depends on, what depends on it, and which of those
change in the selected release, so a coordinator can read the blast radius of one change.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from app.services.matrix_queries import WORKLOADS, InvolvedWorkload, MatrixSnapshot
from ui.models.row_table_model import ROW_ROLE
from ui.views.matrix.marks import kind_label
from ui.views.matrix.models import (
    InvolvedRow,
    InvolvedTableModel,
    NeighbourRow,
    NeighbourTableModel,
)
from ui.views.matrix.paint import CellIndex
from ui.widgets.tables import make_table


def _section(title: str, parent: QWidget) -> QLabel:
    label = QLabel(title, parent)
    label.setObjectName("sectionTitle")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class NeighbourhoodPanel(QWidget):
    item_activated = Signal(str)
    """A neighbour was double-clicked: show it in the matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Pick an item: click a row or column name, or a cell.", self)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.depends_model = NeighbourTableModel(self)
        self.dependents_model = NeighbourTableModel(self)
        self.changing_model = NeighbourTableModel(self)
        self.involved_model = InvolvedTableModel(self)
        self.depends_title = _section("Depends on", self)
        self.dependents_title = _section("Used by", self)
        self.changing_title = _section("Changing in the release", self)
        self.edge_title = _section("Selected dependency", self)
        self.edge_text = QLabel("Click a marked cell to see the dependency.", self)
        self.edge_text.setWordWrap(True)
        self.edge_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        sections = (
            (self.depends_title, self.depends_model, "Depends on"),
            (self.dependents_title, self.dependents_model, "Used by"),
            (self.changing_title, self.changing_model, "Changing in the release"),
        )
        self.tables = []
        for title, model, name in sections:
            box = QWidget(splitter)
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 4, 0, 0)
            box_layout.addWidget(title)
            table = make_table(model, box, name)
            table.doubleClicked.connect(self._jump)
            box_layout.addWidget(table)
            self.tables.append(table)
        edge_box = QWidget(splitter)
        edge_layout = QVBoxLayout(edge_box)
        edge_layout.setContentsMargins(0, 4, 0, 0)
        edge_layout.addWidget(self.edge_title)
        edge_layout.addWidget(self.edge_text)
        self.involved_table = make_table(self.involved_model, edge_box, "Workloads involved")
        edge_layout.addWidget(self.involved_table)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(splitter, 1)

    def show_item(self, snapshot: MatrixSnapshot, index: CellIndex, row: int) -> None:
        """List the neighbours of item `row` of the snapshot's matrix (-1 clears)."""
        m = snapshot.matrix
        workloads = snapshot.query.mode == WORKLOADS
        what = "Components changed" if workloads else "Changing in release"
        for model in (self.depends_model, self.dependents_model, self.changing_model):
            model.changing_header = what
        if not 0 <= row < len(m.names):
            self.title.setText("Pick an item: click a row or column name, or a cell.")
            for model in (self.depends_model, self.dependents_model, self.changing_model):
                model.set_rows([])
            return
        name = m.names[row]
        detail = snapshot.details.get(name, "")
        self.title.setText(
            f"<b>{name}</b> — {m.teams[row]}"
            + (f" · {detail}" if detail else "")
            + f" · deployment stage {m.stages[row] + 1}"
        )

        def neighbour(other: int, consumer: int, provider: int) -> NeighbourRow:
            edge = m.cells[(consumer, provider)]
            kind = kind_label(edge.kind)
            flag = snapshot.flags.get((edge.consumer, edge.provider))
            if flag:
                kind += f" · flag {flag}"
            elif edge.decoupled:
                kind += " · decoupled"
            changing = ", ".join(snapshot.changing.get(m.names[other], ()))
            return NeighbourRow(m.names[other], m.names[other], m.teams[other], kind, changing)

        providers = [neighbour(c, row, c) for c in index.by_row[row]]
        consumers = [neighbour(r, r, row) for r in index.by_col[row]]
        self.depends_model.set_rows(providers)
        self.dependents_model.set_rows(consumers)
        labels = ("Deploys after", "Deploys before it") if workloads else ("Depends on", "Used by")
        self.depends_title.setText(f"{labels[0]} ({len(providers)})")
        self.dependents_title.setText(f"{labels[1]} ({len(consumers)})")
        changing = []
        own = ", ".join(snapshot.changing.get(name, ()))
        if own:
            changing.append(NeighbourRow(name, name, m.teams[row], "this item", own))
        relations = ("deploys earlier", "deploys later") if workloads else ("provider", "consumer")
        for relation, rows in zip(relations, (providers, consumers), strict=True):
            changing += [
                dataclasses.replace(r, uuid=f"{relation}:{r.name}", kind=relation)
                for r in rows
                if r.changing
            ]
        self.changing_model.set_rows(changing)
        if workloads:
            self.changing_title.setText(f"What it and its neighbours change ({len(changing)})")
        elif snapshot.release_name:
            self.changing_title.setText(
                f"Changing in {snapshot.release_name} ({len(changing)} of "
                f"{1 + len(providers) + len(consumers)})"
            )
        else:
            self.changing_title.setText("Changing in the release (pick a release)")

    def show_edge(self, text: str, workloads: list[InvolvedWorkload] | None) -> None:
        """Describe one dependency and the open workloads changing either end of it."""
        self.edge_text.setText(text)
        rows = [
            InvolvedRow(w.key, w.key, w.title, w.status, w.release, ", ".join(w.components))
            for w in workloads or ()
        ]
        self.involved_model.set_rows(rows)
        self.edge_title.setText(
            f"Selected dependency — {len(rows)} open workload{'s' if len(rows) != 1 else ''}"
            if workloads is not None
            else "Selected dependency"
        )

    def _jump(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, NeighbourRow):
            self.item_activated.emit(row.name)
