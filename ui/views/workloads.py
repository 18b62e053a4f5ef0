"""The Workloads screen: the master list of planned changes, filtered and sorted in SQL.

Built for 100,000 rows: the model is paged (see WorkloadTableModel), so opening, filtering
and sorting cost one COUNT and one page query however big the list is.
"""

from __future__ import annotations

from typing import Any

from app.domain.enums import ChangeClass, RiskTier, WorkloadStatus
from app.services import queries
from app.services.queries import WorkloadFilter
from app.services.workloads import WORKLOAD
from ui.models.row_table_model import human
from ui.models.workload_table_model import WorkloadTableModel
from ui.views.entity_view import EntityView
from ui.widgets.risk import risk_icon


class WorkloadsView(EntityView):
    name = "workloads"
    title = "Workloads"
    spec = WORKLOAD
    plural = "workloads"
    search_hint = "Search key, title or change request (Ctrl+F)"

    model: WorkloadTableModel

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
