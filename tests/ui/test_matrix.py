"""The Dependencies screen as a coordinator relies on it: the partitioned matrix with named
cycles, filters, hover and click details, editing with undo, flags, the release plan, the
neighbourhood and the exports."""

from __future__ import annotations

import gc
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from app.services import crud
from app.services.catalog import COMPONENT, COMPONENT_DEPENDENCY, ENVIRONMENT
from app.services.dependencies import (
    API_CONTRACT,
    CONTRACT_CONSUMER,
    FEATURE_FLAG,
    FLAG_STATE,
    LIBRARY_USAGE,
)
from app.services.matrix_queries import WORKLOADS, flag_table
from app.services.releases import RELEASE
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values
from tests.ui.helpers import Messages, audit_ok
from ui.views.matrix import MatrixView
from ui.views.matrix.flags_panel import FlagTableModel
from ui.views.matrix.marks import CYCLE_COLOUR

Show = Callable[[Any], Any]
CHECK = Qt.ItemDataRole.CheckStateRole

COMPONENTS = (  # name, kind, team (payments-api comes with the seeded organisation)
    ("ledger-db", "database", "Payments"),
    ("billing-svc", "service", "Payments"),
    ("auth-svc", "service", "Payments"),
    ("orders-api", "service", "Mobile"),
    ("mobile-app", "mobile", "Mobile"),
    ("shared-lib", "library", "Mobile"),
)
DEPENDENCIES = (  # consumer depends on provider
    ("payments-api", "ledger-db", "schema"),
    ("billing-svc", "ledger-db", "data"),
    ("auth-svc", "billing-svc", "api"),
    ("billing-svc", "auth-svc", "api"),
    ("orders-api", "payments-api", "api"),
    ("mobile-app", "orders-api", "api"),
    ("orders-api", "shared-lib", "library"),
)
WORKLOADS_IN_R1 = (  # key, team, component
    ("PAY-1", "Payments", "payments-api"),
    ("ORD-1", "Mobile", "orders-api"),
    ("MOB-1", "Mobile", "mobile-app"),
    ("AUTH-1", "Payments", "auth-svc"),
    ("BILL-1", "Payments", "billing-svc"),
)


def build(org: Org) -> None:
    """A small architecture with a cycle, one upcoming release, a flag and a contract."""
    actor = org.admin
    soon = datetime.now(UTC) + timedelta(days=10)
    today = date.today()
    with org.db.transaction() as s:
        for name, kind, team in COMPONENTS:
            flags = dict.fromkeys(("stateful", "pii", "financial", "health"), False)
            values = {"name": name, "kind": kind, "team": team, "track": "train"} | flags
            crud.create(s, actor, COMPONENT, values)
        for consumer, provider, kind in DEPENDENCIES:
            values = {"consumer": consumer, "provider": provider, "kind": kind}
            crud.create(s, actor, COMPONENT_DEPENDENCY, values)
        crud.create(
            s,
            actor,
            RELEASE,
            {
                "name": "R1",
                "window_start": soon,
                "window_end": soon + timedelta(hours=4),
                "status": "planned",
            },
        )
        for key, team, component in WORKLOADS_IN_R1:
            values = workload_values(key, team=team, components=[component], target_release="R1")
            crud.create(s, actor, WORKLOAD, values)
        for position, (env, prod) in enumerate((("test", False), ("prod", True))):
            values = {"name": env, "position": position, "is_production": prod}
            crud.create(s, actor, ENVIRONMENT, values)
        crud.create(s, actor, FEATURE_FLAG, {"key": "pay.new-ledger", "workload": "PAY-1"})
        crud.create(
            s,
            actor,
            FLAG_STATE,
            {"flag": "pay.new-ledger", "environment": "prod", "enabled": False},
        )
        contract = crud.create(
            s,
            actor,
            API_CONTRACT,
            {
                "provider": "payments-api",
                "name": "Payments API",
                "api_version": "v1",
                "backward_compatible": True,
                "deprecated_on": today - timedelta(days=10),
                "sunset_on": today + timedelta(days=20),
            },
        )
        crud.create(s, actor, CONTRACT_CONSUMER, {"contract": contract, "consumer": "orders-api"})
        for component, version in (("orders-api", "1.0.0"), ("mobile-app", "1.2.0")):
            crud.create(
                s,
                actor,
                LIBRARY_USAGE,
                {"component": component, "library": "shared-lib", "library_version": version},
            )


def settle(view: MatrixView, qtbot: Any) -> MatrixView:
    qtbot.waitUntil(lambda: not view.busy and view.snapshot is not None, timeout=15000)
    return view


@pytest.fixture
def open_view(seeded: Org, qtbot: Any, show: Show) -> Iterator[Callable[[Any], MatrixView]]:
    views: list[MatrixView] = []

    def make(context: Any) -> MatrixView:
        # Earlier tests' widgets must be collected here, on the GUI thread: a collection
        # triggered inside a loading worker would destroy their timers from that thread.
        gc.collect()
        build(seeded)
        view = show(MatrixView(context))
        views.append(view)
        return settle(view, qtbot)

    yield make
    for view in views:  # no load may outlive the database it reads
        qtbot.waitUntil(lambda v=view: not v.busy, timeout=15000)


def names(view: MatrixView) -> list[str]:
    return list(view.canvas.matrix.names)


def centre(view: MatrixView, row: int, col: int) -> QPoint:
    return view.canvas.cell_rect(row, col).center()


def test_cycle_is_a_named_block_and_providers_come_first(
    ctx: Any, open_view: Callable[[Any], MatrixView]
) -> None:
    view = open_view(ctx)
    order = names(view)
    chain = ["ledger-db", "payments-api", "orders-api", "mobile-app"]
    assert [order.index(n) for n in chain] == sorted(order.index(n) for n in chain)
    (block,) = view.canvas.matrix.blocks
    assert set(block.names) == {"auth-svc", "billing-svc"}
    assert view.canvas.painter.block_title(1, block.label) == "Cycle C1: auth-svc ↔ billing-svc"
    inside = {(r, c) for r in range(block.start, block.end + 1) for c in range(block.start, 99)}
    assert set(view.canvas.matrix.above_diagonal()) <= inside  # forward marks only in cycles
    view.canvas.zoom_to(16.0)
    view.canvas.scroll_to(block.start, block.start)
    image = view.canvas.viewport().grab().toImage()
    edge = view.canvas.cell_rect(block.start, block.start)
    outline = image.pixelColor(edge.left(), edge.top() + edge.height() // 2)
    assert abs(outline.red() - QColor(CYCLE_COLOUR).red()) < 40 and outline.blue() < 90


def test_filters_narrow_the_items(
    ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    assert len(names(view)) == 7
    mobile = view.filter_bar.combo("team").findText("Mobile")
    view.filter_bar.combo("team").setCurrentIndex(mobile)
    settle(view, qtbot)
    assert sorted(names(view)) == ["mobile-app", "orders-api", "shared-lib"]
    assert view.filter_bar.count_label.text() == "3 of 7 components"
    view.filter_bar.set_value("team", None)
    view.filter_bar.set_value("kind", "api")
    settle(view, qtbot)
    kinds = {e.kind for e in view.canvas.matrix.cells.values()}
    assert kinds == {"api"} and len(view.canvas.matrix.cells) == 4
    view.group_box.setChecked(True)
    settle(view, qtbot)
    teams = list(view.canvas.matrix.teams)
    assert teams == sorted(teams)  # grouped: each team's items together


def test_hover_and_click_report_the_edge_and_its_workloads(
    ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    row, col = view.canvas.position("orders-api"), view.canvas.position("payments-api")
    tip = view.canvas.tooltip_text(row, col)
    assert "orders-api depends on payments-api" in tip and "API (A)" in tip
    assert "Changing in R1: orders-api (ORD-1)" in tip
    qtbot.mouseMove(view.canvas.viewport(), QPoint(2, 2))  # a move, wherever the mouse was
    qtbot.mouseMove(view.canvas.viewport(), centre(view, row, col))
    qtbot.waitUntil(lambda: "orders-api depends on payments-api" in view.status.text())
    qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre(view, row, col))
    assert view.canvas.current == (row, col)
    assert "orders-api depends on payments-api" in view.neighbourhood.edge_text.text()
    involved = view.neighbourhood.involved_model
    qtbot.waitUntil(lambda: involved.rowCount() == 2)
    keys = {involved.row_at(i).key for i in range(involved.rowCount())}
    assert keys == {"ORD-1", "PAY-1"}
    empty = view.canvas.position("ledger-db")
    assert "does not depend on" in view.canvas.tooltip_text(row, empty)


def test_adding_a_dependency_in_the_matrix_is_undoable(
    seeded: Org, ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("ledger-db")
    view.canvas.set_current(row, col)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Return)
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible() and dialog.record is None
    dialog.kind.setCurrentIndex(dialog.kind.findData("data"))
    with qtbot.waitSignal(view.loaded, timeout=15000):
        dialog.save()
    settle(view, qtbot)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("ledger-db")
    assert view.canvas.matrix.cells[(row, col)].kind == "data"
    assert ctx.undo_stack.undoText() == "Add dependency mobile-app → ledger-db (Data (D))"
    ctx.undo_stack.undo()
    settle(view, qtbot)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("ledger-db")
    assert (row, col) not in view.canvas.matrix.cells
    assert audit_ok(seeded)


def test_a_refused_dependency_keeps_the_dialog_open_with_the_reason(
    seeded: Org, ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.edit_cell(view.canvas.position("mobile-app"), view.canvas.position("ledger-db"))
    dialog = view.dialog
    assert dialog is not None
    with seeded.db.transaction() as s:  # someone else adds the same pair meanwhile
        values = {"consumer": "mobile-app", "provider": "ledger-db", "kind": "api"}
        crud.create(s, seeded.admin, COMPONENT_DEPENDENCY, values)
    dialog.save()
    settle(view, qtbot)  # the matrix re-reads to show the other person's dependency
    assert dialog.isVisible() and not dialog.error.isHidden()
    assert "mobile-app already depends on ledger-db (API (A))" in dialog.error.text()
    assert ctx.undo_stack.count() == 0
    dialog.reject()


def test_changing_a_kind_in_the_matrix_is_undoable(
    seeded: Org, ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    row, col = view.canvas.position("orders-api"), view.canvas.position("shared-lib")
    view.canvas.set_current(row, col)
    view.edit_selected()
    assert view.dialog is not None and view.dialog.record is not None
    assert view.dialog.record.kind == "library"
    view.dialog.kind.setCurrentIndex(view.dialog.kind.findData("infrastructure"))
    view.dialog.save()
    settle(view, qtbot)
    row, col = view.canvas.position("orders-api"), view.canvas.position("shared-lib")
    assert view.canvas.matrix.cells[(row, col)].kind == "infrastructure"
    ctx.undo_stack.undo()
    settle(view, qtbot)
    row, col = view.canvas.position("orders-api"), view.canvas.position("shared-lib")
    assert view.canvas.matrix.cells[(row, col)].kind == "library"
    assert audit_ok(seeded)


def test_removing_a_dependency_asks_and_undo_restores_it(
    seeded: Org,
    ctx: Any,
    open_view: Callable[[Any], MatrixView],
    qtbot: Any,
    messages: Messages,
) -> None:
    view = open_view(ctx)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("orders-api")
    view.canvas.set_current(row, col)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Delete)
    assert "Remove the dependency mobile-app → orders-api?" in messages.texts("question")[0]
    settle(view, qtbot)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("orders-api")
    assert (row, col) not in view.canvas.matrix.cells
    ctx.undo_stack.undo()
    settle(view, qtbot)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("orders-api")
    assert view.canvas.matrix.cells[(row, col)].kind == "api"
    assert audit_ok(seeded)


def test_a_viewer_sees_the_matrix_read_only(
    viewer_ctx: Any, open_view: Callable[[Any], MatrixView], messages: Messages
) -> None:
    view = open_view(viewer_ctx)
    row, col = view.canvas.position("mobile-app"), view.canvas.position("ledger-db")
    view.edit_cell(row, col)
    assert view.dialog is None and "Read only" in messages.texts("warning")[0]
    view.edit_cell(row, view.canvas.position("orders-api"))
    assert view.dialog is not None and view.dialog.read_only
    assert not view.dialog.kind.isEnabled() and view.dialog.delete_button is None
    assert not view.add_action.isEnabled() and not view.flags_panel.model.editable


def test_switching_a_flag_is_undoable(
    seeded: Org, ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    qtbot.waitUntil(lambda: view.facts is not None and not view.busy, timeout=15000)
    model = view.flags_panel.model
    row = model.row_of("pay.new-ledger")
    prod = next(
        c for c in range(model.columnCount()) if model.env_at(c) and model.env_at(c).name == "prod"
    )
    test_env = next(
        c for c in range(model.columnCount()) if model.env_at(c) and model.env_at(c).name == "test"
    )

    def state(env: str) -> bool | None:
        with seeded.db.read() as s:
            entry = next(e for e in flag_table(s)[1] if e.key == "pay.new-ledger")
            switch = entry.switches[env]
            return None if switch.uuid is None else switch.enabled

    assert model.setData(model.index(row, prod), Qt.CheckState.Checked.value, CHECK)
    assert state("prod") is True
    assert model.data(model.index(row, prod), CHECK) == Qt.CheckState.Checked
    assert model.setData(model.index(row, test_env), Qt.CheckState.Checked.value, CHECK)
    assert state("test") is True  # no state row yet: the switch creates one
    settle(view, qtbot)
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert state("prod") is False and state("test") is None
    qtbot.waitUntil(lambda: not view.busy, timeout=15000)
    row = model.row_of("pay.new-ledger")
    assert model.data(model.index(row, prod), CHECK) == Qt.CheckState.Unchecked
    assert audit_ok(seeded)


def test_release_mode_lists_the_workloads_and_their_stages(
    ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    assert view.snapshot is not None and view.snapshot.release_name == "R1"
    view.filter_bar.set_value("mode", WORKLOADS)
    settle(view, qtbot)
    assert sorted(names(view)) == sorted(k for k, _t, _c in WORKLOADS_IN_R1)
    order = names(view)
    assert order.index("PAY-1") < order.index("ORD-1") < order.index("MOB-1")
    panel = view.release_panel
    stages = [panel.stages.topLevelItem(i).text(0) for i in range(panel.stages.topLevelItemCount())]
    assert stages == [
        "Stage 1 — 3 in parallel",
        "Stage 2 — 1 in parallel",
        "Stage 3 — 1 in parallel",
    ]
    assert panel.synchronised_groups() == ["⟳ Synchronised group G1: AUTH-1 ↔ BILL-1"]
    assert "G1: AUTH-1 ↔ BILL-1" in panel.summary.text()
    groups = [panel.groups.topLevelItem(i).text(0) for i in range(panel.groups.topLevelItemCount())]
    assert groups == ["Group 1 — 3 workloads", "Group 2 — 2 workloads"]
    assert [b.names for b in panel.group_canvas.matrix.blocks] == [
        ("MOB-1", "ORD-1", "PAY-1"),
        ("AUTH-1", "BILL-1"),
    ]
    view.edit_cell(order.index("ORD-1"), order.index("PAY-1"))
    assert view.dialog is None and "derived" in view.status.text()


def test_the_neighbourhood_lists_providers_consumers_and_what_changes(
    ctx: Any, open_view: Callable[[Any], MatrixView]
) -> None:
    view = open_view(ctx)
    assert view.find_item("orders")
    panel = view.neighbourhood

    def listed(model: Any) -> dict[str, str]:
        return {model.row_at(i).name: model.row_at(i).changing for i in range(model.rowCount())}

    assert listed(panel.depends_model) == {"payments-api": "PAY-1", "shared-lib": ""}
    assert listed(panel.dependents_model) == {"mobile-app": "MOB-1"}
    assert listed(panel.changing_model) == {
        "orders-api": "ORD-1",
        "payments-api": "PAY-1",
        "mobile-app": "MOB-1",
    }
    assert panel.changing_title.text() == "Changing in R1 (3 of 4)"


def test_contracts_and_library_skew_are_listed(
    ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any
) -> None:
    view = open_view(ctx)
    qtbot.waitUntil(lambda: view.facts is not None and not view.busy, timeout=15000)
    findings = view.contracts_panel.model
    (finding,) = [findings.row_at(i) for i in range(findings.rowCount())]
    assert finding.consumer == "orders-api" and finding.days_left == 20
    assert view.contracts_panel.timeline.lanes[0].consumers == ("orders-api",)
    skew = view.flags_panel.skew_model.row_at(0)
    assert skew.library == "shared-lib" and skew.upgrades == "orders-api 1.0.0 → 1.2.0"
    assert skew.in_release == "orders-api"


def test_find_and_zoom_keys(ctx: Any, open_view: Callable[[Any], MatrixView], qtbot: Any) -> None:
    view = open_view(ctx)
    view.focus_search()
    assert view.filter_bar.search.hasFocus()
    qtbot.keyClicks(view.filter_bar.search, "mobile")
    qtbot.keyClick(view.filter_bar.search, Qt.Key.Key_Return)
    item = view.canvas.position("mobile-app")
    assert view.canvas.current == (item, item)
    view.canvas.setFocus()
    before = view.canvas.cell
    qtbot.keyClick(view.canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.canvas.cell > before
    qtbot.keyClick(view.canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.canvas.cell == before


def test_png_and_svg_exports_are_valid_files(
    ctx: Any, open_view: Callable[[Any], MatrixView], tmp_path: Path
) -> None:
    view = open_view(ctx)
    png, svg = tmp_path / "dsm.png", tmp_path / "dsm.svg"
    view.export("png", png)
    view.export("svg", svg)
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 200
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "auth-svc" in svg.read_text(encoding="utf-8")


def test_panel_models_pass_the_model_tester(
    ctx: Any, open_view: Callable[[Any], MatrixView], qtmodeltester: Any
) -> None:
    view = open_view(ctx)
    view.find_item("orders")
    row, col = view.canvas.position("orders-api"), view.canvas.position("payments-api")
    view.canvas.set_current(row, col)
    models = [
        view.neighbourhood.depends_model,
        view.neighbourhood.changing_model,
        view.neighbourhood.involved_model,
        view.contracts_panel.model,
        view.flags_panel.skew_model,
        view.release_panel.violations_model,
        view.flags_panel.model,
    ]
    for model in models:
        qtmodeltester.check(model)
    empty = FlagTableModel()
    qtmodeltester.check(empty)
