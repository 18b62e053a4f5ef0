"""The table models: Qt's model contract, SQL-side filter and sort, bounded paging."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QTableView

from app.services import queries
from app.services.queries import WorkloadFilter
from tests.factories import Org, make_workload
from tests.ui.helpers import add_workloads
from ui.models.component_table_model import ComponentTableModel
from ui.models.row_table_model import ROW_ROLE
from ui.models.team_table_model import TeamTableModel
from ui.models.workload_table_model import WorkloadTableModel

DISPLAY = Qt.ItemDataRole.DisplayRole


def test_workload_model_passes_the_model_tester(seeded: Org, qtmodeltester: Any) -> None:
    add_workloads(seeded, 30)
    model = WorkloadTableModel(seeded.db.read, page_size=8, max_pages=2)
    qtmodeltester.check(model)
    model.set_filter(WorkloadFilter(text="bulk-1"))
    model.sort(model.column_of("wsjf"), Qt.SortOrder.DescendingOrder)
    assert model.rowCount() > 0


def test_team_and_component_models_pass_the_model_tester(seeded: Org, qtmodeltester: Any) -> None:
    with seeded.db.read() as s:
        teams, components = queries.team_rows(s), queries.component_rows(s)
    team_model, component_model = TeamTableModel(), ComponentTableModel()
    qtmodeltester.check(team_model)
    qtmodeltester.check(component_model)
    team_model.set_rows(teams)
    component_model.set_rows(components)
    team_model.sort(team_model.column_of("people"), Qt.SortOrder.DescendingOrder)
    component_model.sort(0, Qt.SortOrder.DescendingOrder)
    assert team_model.rowCount() == 2 and component_model.rowCount() == 1


def test_filter_narrows_the_rows_and_keeps_the_total(seeded: Org) -> None:
    add_workloads(seeded, 12)
    make_workload(seeded, "RISKY-1", risk_tier="high", title="Card vault rotation")
    model = WorkloadTableModel(seeded.db.read)
    assert model.rowCount() == 13
    model.set_filter(WorkloadFilter(risk_tier="high"))
    assert model.rowCount() == 1
    assert model.total == 13
    assert model.data(model.index(0, model.column_of("key")), DISPLAY) == "RISKY-1"
    model.set_filter(WorkloadFilter(text="VAULT"))
    assert [model.row_at(0).key] == ["RISKY-1"]  # type: ignore[union-attr]


def test_sort_by_wsjf_orders_rows_in_the_query(seeded: Org) -> None:
    add_workloads(seeded, 40)
    model = WorkloadTableModel(seeded.db.read, page_size=16)
    wsjf = model.column_of("wsjf")
    model.sort(wsjf, Qt.SortOrder.DescendingOrder)
    values = [model.row_at(r).wsjf for r in range(model.rowCount())]  # type: ignore[union-attr]
    assert values == sorted(values, reverse=True)
    assert values[0] > values[-1]
    model.sort(wsjf, Qt.SortOrder.AscendingOrder)
    assert model.row_at(0).wsjf == min(values)  # type: ignore[union-attr]


def test_cells_show_what_a_coordinator_reads(seeded: Org) -> None:
    make_workload(seeded, "PAY-1", size=8, business_value=13, risk_tier="high")
    model = WorkloadTableModel(seeded.db.read)
    wsjf = model.index(0, model.column_of("wsjf"))
    assert model.data(wsjf, DISPLAY) == "2.25"  # (13 + 3 + 2) / 8
    assert model.data(wsjf, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    risk = model.index(0, model.column_of("risk_tier"))
    assert model.data(risk, DISPLAY) == "High"  # the tier is spelled out, not only coloured
    icon = model.data(risk, Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QIcon) and not icon.isNull()
    assert model.data(model.index(0, model.column_of("owner")), DISPLAY) == "—"
    assert model.data(wsjf, ROW_ROLE).key == "PAY-1"


def test_scrolling_to_the_end_keeps_only_a_few_pages(seeded: Org, qtbot: Any) -> None:
    add_workloads(seeded, 400)
    model = WorkloadTableModel(seeded.db.read, page_size=25, max_pages=3)
    assert model.rowCount() == 400 and model.cached_pages == 0
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    table.resize(800, 400)
    table.show()
    qtbot.waitExposed(table)
    for row in range(0, 400, 10):  # a user dragging the scroll bar down
        table.scrollTo(model.index(row, 0))
        qtbot.wait(1)
        assert model.cached_pages <= 3
    table.scrollToBottom()
    qtbot.wait(1)
    assert model.row_at(399).key == "BULK-399"  # type: ignore[union-attr]
    assert model.cached_pages <= 3
    fetched = model.fetches
    assert fetched >= 16  # every page was read once on the way down...
    assert fetched < 40  # ...and not once per row
    table.scrollToTop()
    qtbot.wait(1)
    assert model.fetches > fetched  # the first page was evicted and is read again


def test_in_memory_sort_keeps_the_selected_row(seeded: Org) -> None:
    with seeded.db.read() as s:
        rows = queries.team_rows(s)
    model = TeamTableModel()
    model.set_rows(rows)
    payments = QPersistentModelIndex(model.index(model.row_of(seeded.team), 0))
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.data(model.index(0, 0), DISPLAY) == "Payments"
    assert payments.row() == 0
    model.sort(model.column_of("open_workloads"), Qt.SortOrder.AscendingOrder)
    assert model.data(payments, ROW_ROLE).uuid == seeded.team
