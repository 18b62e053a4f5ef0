"""The Workloads screen: the master list of planned changes, filtered and sorted in SQL.

Built for 100,000 rows: the model is paged (see WorkloadTableModel), so opening, filtering
and sorting cost one COUNT and one page query however big the list is. The promotion gates
beside the table are computed for the selected workload only, once the selection settles.
"""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from app.domain.enums import ChangeClass, RiskTier, WorkloadStatus
from app.services import queries
from app.services.queries import WorkloadFilter
from app.services.workloads import WORKLOAD
from ui import excel_actions
from ui.context import AppContext
from ui.models.row_table_model import human
from ui.models.workload_table_model import WorkloadTableModel
from ui.views.entity_view import EntityView
from ui.widgets.gate_panel import GatePanel
from ui.widgets.risk import risk_icon
from ui.widgets.splits import share

GATES_DELAY_MS = 150
"""Walking the list with the arrow keys reads the gates of the row it stops on, not of
every row it passes."""


class WorkloadsView(EntityView):
    name = "workloads"
    title = "Workloads"
    spec = WORKLOAD
    plural = "workloads"
    search_hint = "Search key, title or change request (Ctrl+F)"

    model: WorkloadTableModel

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.gate_panel = GatePanel(ctx, self)
        layout = cast(QVBoxLayout, self.layout())
        at = layout.indexOf(self.table)
        layout.removeWidget(self.table)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.table)
        split.addWidget(self.gate_panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setCollapsible(0, False)
        self.splitter = split
        layout.insertWidget(at, split, 1)
        self._sized = False
        self._gates_pending = False
        self._gates_timer = QTimer(self)
        self._gates_timer.setSingleShot(True)
        self._gates_timer.setInterval(GATES_DELAY_MS)
        self._gates_timer.timeout.connect(self._show_gates)
        self.table.selectionModel().currentRowChanged.connect(self._gates_timer.start)
        self.model.modelReset.connect(self._gates_timer.start)
        self.gates_action = QAction("&Gates of the Selected Workload", self)
        self.gates_action.setShortcut(QKeySequence("Ctrl+G"))
        self.gates_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.gates_action.setToolTip(
            "Whether the selected workload may be promoted, and its evidence (Ctrl+G)"
        )
        self.gates_action.triggered.connect(self.show_gates)
        after = self.toolbar.actions()[3:4]  # the read-only note, when there is one
        if after:
            self.toolbar.insertAction(after[0], self.gates_action)
        else:
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.gates_action)
        self.addAction(self.gates_action)
        excel_actions.add_view_export(
            self, self.toolbar, self.excel_scope_now, after[0] if after else None
        )
        self._show_gates()

    def excel_scope_now(self) -> excel_actions.ExcelScope:
        """The release the list is filtered on, if any: what "Export to Excel…" covers."""
        release = (
            self.filter_bar.value("release") and self.filter_bar.combo("release").currentText()
        )
        return excel_actions.ExcelScope(release=release or None)

    def show_gates(self) -> None:
        """Ctrl+G: open the gate panel (if folded away) on the selected workload, focused."""
        sizes = self.splitter.sizes()
        if len(sizes) == 2 and sizes[1] == 0:
            share(self.splitter, 0.6)
        self._gates_timer.stop()
        self._show_gates()
        self.gate_panel.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show_gates(self) -> None:
        """Only while the panel is open: a folded-away panel costs the list nothing."""
        if self.splitter.sizes()[-1] == 0 and self._sized:
            return
        row = self.current_row()
        key = row.key if row is not None else None
        if key != self.gate_panel.key:
            self.gate_panel.show_workload(key)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            share(self.splitter, 0.6)
        if self._gates_pending:
            self._gates_pending = False
            self._gates_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        """The gates of a hidden list are read when it shows again, never in the dark."""
        if self._gates_timer.isActive():
            self._gates_timer.stop()
            self._gates_pending = True
        super().hideEvent(event)

    def current_filter(self) -> WorkloadFilter:
        bar = self.filter_bar
        return WorkloadFilter(
            text=bar.text(),
            team=bar.value("team"),
            change_class=bar.value("change_class"),
            risk_tier=bar.value("risk_tier"),
            status=bar.value("status"),
            release=bar.value("release"),
        )

    def _make_model(self) -> WorkloadTableModel:
        return WorkloadTableModel(self.ctx.read, load=False, parent=self)

    def _add_filters(self) -> None:
        bar = self.filter_bar
        bar.add_combo("team", "All teams")
        bar.add_combo("change_class", "All classes", [(human(c), c) for c in ChangeClass.choices()])
        bar.add_combo(
            "risk_tier", "All risk tiers", [(human(t), t, risk_icon(t)) for t in RiskTier.choices()]
        )
        bar.add_combo("status", "All statuses", [(human(s), s) for s in WorkloadStatus.choices()])
        bar.add_combo("release", "All releases")

    def _refresh_choices(self) -> None:
        with self.ctx.read() as session:
            teams = queries.choices(session, "team")
            releases = queries.choices(session, "release")
        self.filter_bar.set_items("team", [(c.label, c.uuid) for c in teams])
        self.filter_bar.set_items("release", [(c.label, c.uuid) for c in releases])

    def _reload(self) -> None:
        flt = self.current_filter()
        if flt == self.model.filter:
            self.model.reload()
        else:
            self.model.set_filter(flt)

    def _counts(self) -> tuple[int, int]:
        return self.model.rowCount(), self.model.total

    def _row_of(self, entity_uuid: str) -> int:
        return self.model.cached_row_of(entity_uuid)

    def _new_defaults(self) -> dict[str, Any]:
        """A new workload starts in the backlog of the team the list is filtered on."""
        return {
            "change_class": self.filter_bar.value("change_class") or "feature",
            "team": self.filter_bar.value("team"),
            "size": 3,
            "business_value": 1,
            "time_criticality": 1,
            "risk_reduction": 1,
            "risk_tier": self.filter_bar.value("risk_tier") or "low",
            "status": "backlog",
        }
