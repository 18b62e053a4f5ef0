"""The Components screen: what gets deployed, who owns it, and how it is coupled."""

from __future__ import annotations

from app.domain.enums import ComponentKind
from app.services import queries
from app.services.catalog import COMPONENT
from ui.models.component_table_model import ComponentTableModel
from ui.models.row_table_model import human
from ui.views.entity_view import EntityView


class ComponentsView(EntityView):
    name = "components"
    title = "Components"
    spec = COMPONENT
    plural = "components"
    search_hint = "Search component or team (Ctrl+F)"

    model: ComponentTableModel
    _total = 0

    def _make_model(self) -> ComponentTableModel:
        return ComponentTableModel(self)

    def _add_filters(self) -> None:
        self.filter_bar.add_combo("team", "All teams")
        self.filter_bar.add_combo(
            "kind", "All kinds", [(human(k), k) for k in ComponentKind.choices()]
        )

    def _refresh_choices(self) -> None:
        with self.ctx.read() as session:
            teams = queries.choices(session, "team")
        self.filter_bar.set_items("team", [(c.label, c.uuid) for c in teams])

    def _reload(self) -> None:
        bar = self.filter_bar
        text, team, kind = bar.text(), bar.value("team"), bar.value("kind")
        with self.ctx.read() as session:
            rows = queries.component_rows(session, text, team, kind)
            filtered = bool(text.strip() or team or kind)
            self._total = len(queries.choices(session, "component")) if filtered else len(rows)
        self.model.set_rows(rows)

    def _counts(self) -> tuple[int, int]:
        return self.model.rowCount(), self._total

    def _row_of(self, entity_uuid: str) -> int:
        return self.model.row_of(entity_uuid)

    def _new_defaults(self) -> dict[str, object]:
        return {"kind": "service", "track": "train", "team": self.filter_bar.value("team")}
