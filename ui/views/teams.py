"""The Teams screen: every team with its time zone, capacity limits and how much it owns."""

from __future__ import annotations

from app.services import queries
from app.services.org import TEAM
from ui.models.team_table_model import TeamTableModel
from ui.views.entity_view import EntityView


class TeamsView(EntityView):
    name = "teams"
    title = "Teams"
    spec = TEAM
    plural = "teams"
    search_hint = "Search team or time zone (Ctrl+F)"

    model: TeamTableModel
    _total = 0

    def _make_model(self) -> TeamTableModel:
        return TeamTableModel(self)

    def _reload(self) -> None:
        text = self.filter_bar.text()
        with self.ctx.read() as session:
            rows = queries.team_rows(session, text)
            self._total = len(queries.choices(session, "team")) if text.strip() else len(rows)
        self.model.set_rows(rows)

    def _counts(self) -> tuple[int, int]:
        return self.model.rowCount(), self._total

    def _row_of(self, entity_uuid: str) -> int:
        return self.model.row_of(entity_uuid)

    def _new_defaults(self) -> dict[str, object]:
        """New teams start in the coordinator's own zone more often than not: UTC is neutral."""
        return {"timezone": "UTC"}
