"""Every version of the runbook, what changed between any two, and the way back to one.

Versions are never rewritten: reverting makes the old body the next version, which (like any
edit) voids the current version's sign-offs, and the confirmation says so. Bodies of old
versions never change, so each is read once and kept.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.exchange.runbook_markdown import to_markdown
from app.runbooks.body import RunbookBody
from app.runbooks.diff import diff
from app.services.runbook_queries import RevisionInfo, RunbookDoc, body_at
from ui.context import AppContext
from ui.models.row_table_model import ROW_ROLE, Column, RowTableModel
from ui.views.runbooks.diff_html import diff_html
from ui.views.runbooks.signoff_panel import local_time
from ui.views.runbooks.tables import set_up_table


class HistoryTableModel(RowTableModel):
    columns = (
        Column("number", "Version", 70, numeric=True),
        Column("author", "Author", 150),
        Column("created_at", "Saved", 130, text=lambda r: local_time(r.created_at)),
        Column("signed", "Signed", 90, text=lambda r: "✔ signed" if r.signed else "○ no"),
        Column("note", "Note", 240, tooltip=lambda r: r.note or None),
    )


class HistoryPanel(QWidget):
    revert_requested = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyPanel")
        self.ctx = ctx
        self.doc: RunbookDoc | None = None
        self._bodies: dict[tuple[str, int], RunbookBody] = {}
        self.model = HistoryTableModel(self)
        self.table = QTableView(self)
        set_up_table(
            self.table,
            self.model,
            name="runbookHistory",
            accessible="Versions",
            widths=[column.width for column in self.model.columns],
            selection=QAbstractItemView.SelectionMode.ExtendedSelection,
            editable=False,
        )
        self.hint = QLabel(
            "Pick a version to see what changed since it; pick two (Ctrl+click) to compare them.",
            self,
        )
        self.hint.setWordWrap(True)
        self.show_button = QPushButton("Show this version", self)
        self.show_button.setToolTip("Read the picked version as it prints")
        self.revert_button = QPushButton("Revert to this version…", self)
        self.revert_button.setToolTip(
            "Make the picked version current again as a new version (voids the sign-offs)"
        )
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("runbookDiff")
        self.browser.setAccessibleName("Differences between versions")
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        top = QWidget(self)
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 6, 0, 0)
        column.addWidget(self.table, 1)
        column.addWidget(self.hint)
        column.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(top)
        split.addWidget(self.browser)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.compare())
        self.show_button.clicked.connect(self.show_version)
        self.revert_button.clicked.connect(self._revert)
        self.read_only = False

    def show_doc(self, doc: RunbookDoc | None) -> None:
        if doc is None or self.doc is None or doc.uuid != self.doc.uuid:
            self._bodies.clear()
        self.doc = doc
        self.model.set_rows(list(reversed(doc.history)) if doc is not None else [])
        if doc is not None:
            self._bodies[(doc.uuid, doc.revision)] = doc.body
            if not self.picked():  # what the current version changed, until another is picked
                self.pick(doc.revision)
        self.compare()

    def picked(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        found: list[Any] = [self.model.data(r, ROW_ROLE) for r in rows]
        return sorted(r.number for r in found if isinstance(r, RevisionInfo))

    def pick(self, *numbers: int) -> None:
        """Select versions by number (keyboard users, and tests)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in range(self.model.rowCount()):
            info = self.model.row_at(row)
            if info is not None and info.number in numbers:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def body(self, number: int) -> RunbookBody:
        doc = self.doc
        assert doc is not None
        key = (doc.uuid, number)
        if key not in self._bodies:
            with self.ctx.read() as session:
                self._bodies[key] = body_at(session, doc.uuid, number)
        return self._bodies[key]

    def compare(self) -> str:
        """Show the differences for the versions picked; returns the page shown."""
        doc, picked = self.doc, self.picked()
        current = doc.revision if doc is not None else 0
        self.show_button.setEnabled(len(picked) == 1)
        self.revert_button.setEnabled(
            len(picked) == 1 and picked[0] != current and not self.read_only
        )
        if doc is None or not picked:
            self.browser.setHtml("")
            return ""
        if len(picked) >= 2:
            old, new = picked[0], picked[-1]
        elif picked[0] == current:
            old, new = max(1, current - 1), current
        else:
            old, new = picked[0], current
        if old == new:
            heading = f"Version {new} is the first version: nothing to compare it with."
            changes = []
        else:
            heading = f"Changes from version {old} to version {new}"
            changes = diff(self.body(old), self.body(new))
        page = diff_html(changes, self.palette(), heading)
        self.browser.setHtml(page)
        return page

    def show_version(self) -> None:
        picked, doc = self.picked(), self.doc
        if len(picked) != 1 or doc is None:
            return
        number = picked[0]
        signed = next((h.signed for h in doc.history if h.number == number), False)
        text = to_markdown(
            self.body(number),
            subject=doc.heading,
            revision=number,
            status="signed" if signed else "not signed",
            approvals=[],
        )
        self.browser.setMarkdown(text)

    def _revert(self) -> None:
        picked = self.picked()
        if len(picked) == 1:
            self.revert_requested.emit(picked[0])
