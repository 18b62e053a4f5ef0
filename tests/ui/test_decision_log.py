"""The rollback decision log as an on-call engineer and a coordinator rely on it: the log and
its filters, recording a decision (append-only, audited, a rollback marks the deployment),
and a deployment's decisions and promotion-gate status on the calendar."""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu
from sqlalchemy import select

from app.domain import AuditEvent, Deployment
from app.runbooks.body import RunbookBody, Step, preset
from app.services import crud
from app.services.catalog import ENVIRONMENT
from app.services.rollback_decisions import list_decisions, record_decision
from app.services.runbooks import create_runbook
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values
from tests.ui.helpers import audit_ok
from ui.models.rollback_decision_table_model import RollbackDecisionTableModel, stamp
from ui.views.calendar import CalendarView
from ui.views.calendar.describe import GATES_BLOCKED, gate_mark
from ui.views.calendar.index import DEPLOYMENT, Ref
from ui.views.runbooks.decision_dialog import DecisionDialog
from ui.views.runbooks.decision_log import DecisionLogDialog, DecisionLogPanel

Show = Callable[[Any], Any]
DISPLAY = Qt.ItemDataRole.DisplayRole
PLANNED_AT = datetime(2024, 3, 12, 21, 0, tzinfo=UTC)
"""PAY-1's production rollout, still planned: its gates are open questions."""
DONE_AT = datetime(2024, 3, 5, 21, 0, tzinfo=UTC)
"""Earlier rollouts of PAY-2 and MOB-1, already under way when the decisions were made."""


@dataclass
class World:
    org: Org
    planned: str
    """PAY-1 → production, planned; its workload has no test result in staging."""
    pay2: str
    """PAY-2 → production, run; a rollback and a hold were decided for it."""
    mobile: str
    """MOB-1 → production, run; rolled forward."""


def build(org: Org) -> World:
    actor = org.coordinator
    with org.db.transaction() as s:
        crud.create(
            s, actor, ENVIRONMENT, {"name": "staging", "position": 1, "is_production": False}
        )
        prod = crud.create(
            s, actor, ENVIRONMENT, {"name": "production", "position": 2, "is_production": True}
        )
        made = {
            key: crud.create(s, actor, WORKLOAD, workload_values(key, **extra))
            for key, extra in (
                ("PAY-1", {"components": [org.component]}),
                ("PAY-2", {}),
                ("MOB-1", {"team": "Mobile"}),
            )
        }

        def deploy(key: str, start: datetime, result: str) -> Deployment:
            row = Deployment(
                workload_id=made[key].id,
                environment_id=prod.id,
                owner_id=org.coordinator.person_id,
                planned_start=start,
                planned_end=start + timedelta(minutes=45),
                actual_start=None if result == "planned" else start,
                result=result,
            )
            s.add(row)
            return row

        planned = deploy("PAY-1", PLANNED_AT, "planned")
        pay2 = deploy("PAY-2", DONE_AT, "succeeded")
        mobile = deploy("MOB-1", DONE_AT + timedelta(hours=1), "succeeded")
        s.flush()
        keys = str(planned.uuid), str(pay2.uuid), str(mobile.uuid)
        body = RunbookBody(
            "Roll back PAY-1",
            steps=(Step("s1", "Switch the flag off", owner="operations", owner_is_role=True),),
            triggers=(preset("Error rate above 1 % over 5 minutes"),),
        )
        create_runbook(s, actor, body, workload="PAY-1")
    calls = [
        (keys[1], "hold", "Latency odd but inside the SLO; watching", None, None, 10),
        (keys[1], "rollback", "Checkout errors climbed fast", "error rate above 1 %", 2.4, 25),
        (keys[2], "roll_forward", "The fix is one config line, reviewed", None, None, 70),
    ]
    for dep, decision, reason, trigger, observed, minutes in calls:
        with org.db.transaction() as s:
            record_decision(
                s, actor, dep, decision, reason, trigger=trigger, observed_value=observed,
                observed_unit="%" if observed else "",
                decided_at=DONE_AT + timedelta(minutes=minutes),
            )  # fmt: skip
    return World(org, *keys)


@pytest.fixture
def world(seeded: Org) -> World:
    return build(seeded)


@pytest.fixture
def panel(ctx: Any, world: World, show: Show) -> DecisionLogPanel:
    return show(DecisionLogPanel(ctx))


def shown(panel: DecisionLogPanel, column: str) -> list[str]:
    model = panel.model
    col = model.column_of(column)
    return [model.data(model.index(r, col), DISPLAY) for r in range(model.rowCount())]


def result_of(org: Org, deployment: str) -> str:
    with org.db.read() as s:
        return s.scalars(
            select(Deployment.result).where(Deployment.uuid == _uuid(deployment))
        ).one()


def _uuid(text: str) -> Any:

    return uuid.UUID(text)


# ------------------------------------------------------------------------------ the log
def test_the_model_passes_the_model_tester_and_reads_in_words(
    world: World, qtmodeltester: Any
) -> None:
    with world.org.db.read() as s:
        rows = list_decisions(s)
    model = RollbackDecisionTableModel("Europe/Berlin")
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    col = model.column_of
    first = [model.data(model.index(0, c), DISPLAY) for c in range(model.columnCount())]
    assert first[col("decision")] == "⟶ Roll forward"  # newest first, a shape beside the word
    assert first[col("decided_at")] == "2024-03-05 23:10 CET"  # the zone's clock and name
    assert first[col("trigger")] == "manual"
    second = model.index(1, col("reason"))
    assert model.data(second, DISPLAY) == "Checkout errors climbed fast"
    assert "Checkout errors climbed fast" in model.data(second, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, col("observed")), DISPLAY) == "2.4 %"
    assert model.data(model.index(2, col("decision")), DISPLAY) == "‖ Hold"


def test_filters_narrow_the_rows_through_the_query(
    panel: DecisionLogPanel, world: World, qtbot: Any
) -> None:
    assert panel.table.model() is panel.model  # no proxy: the query filters
    assert shown(panel, "workload") == ["MOB-1", "PAY-2", "PAY-2"]
    assert panel.filter_bar.count_label.text() == "3 decisions"
    panel.kind.setCurrentIndex(panel.kind.findData("rollback"))
    assert shown(panel, "decision") == ["⟲ Rollback"]
    panel.kind.setCurrentIndex(0)
    panel.workload.setText("PAY-2")
    qtbot.waitUntil(lambda: shown(panel, "workload") == ["PAY-2", "PAY-2"])
    panel.filter_bar.search.setText("checkout")
    panel.filter_bar.apply_now()
    assert shown(panel, "reason") == ["Checkout errors climbed fast"]
    assert "Checkout errors climbed fast" in panel.detail.toPlainText()
    panel.filter_bar.search.clear()
    panel.workload.clear()
    panel.set_range(date(2024, 3, 6), None)
    assert shown(panel, "workload") == []
    assert "No decision matches" in panel.detail.toPlainText()
    panel.set_range(None, date(2024, 3, 5))
    assert len(shown(panel, "workload")) == 3


def test_ctrl_f_focuses_the_search_and_a_deployment_narrows_the_log(
    ctx: Any, world: World, show: Show, qtbot: Any
) -> None:
    dialog = show(DecisionLogDialog(ctx, world.pay2))
    panel = dialog.panel
    assert shown(panel, "decision") == ["⟲ Rollback", "‖ Hold"]
    assert "PAY-2 → production" in panel.scope.text() and panel.show_all_button.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert panel.filter_bar.search.hasFocus()
    panel.show_all_button.click()
    assert len(shown(panel, "decision")) == 3 and not panel.show_all_button.isVisible()


def test_a_viewer_may_read_the_log_but_not_record(
    viewer_ctx: Any, world: World, show: Show
) -> None:
    panel = show(DecisionLogPanel(viewer_ctx))
    panel.show_deployment(world.planned)
    assert not panel.record_button.isEnabled()
    assert "needs the operations, coordinator or admin role" in panel.record_button.toolTip()
    assert panel.record_decision() is None


# -------------------------------------------------------------------------- recording
def test_recording_a_rollback_adds_a_row_audits_it_and_marks_the_deployment(
    panel: DecisionLogPanel, world: World, ctx: Any
) -> None:
    panel.show_deployment(world.planned)
    assert panel.model.rowCount() == 0 and panel.record_button.isEnabled()
    dialog = panel.record_decision()
    assert isinstance(dialog, DecisionDialog)
    assert dialog.trigger.itemText(1) == "error rate above 1 % over 5 min"  # the runbook's
    assert "cannot be edited or undone" in dialog.hint.text()
    dialog.choose("rollback")
    assert dialog.rollback_warning.isVisible()
    assert "marks PAY-1 → production as rolled back" in dialog.rollback_warning.text()
    dialog.choose_trigger(0)
    assert dialog.unit.text() == "%"
    dialog.observed.setText("3.1")
    dialog.reason.setPlainText("Error budget gone in four minutes")
    dialog.accept()
    assert dialog.result() == DecisionDialog.DialogCode.Accepted
    assert shown(panel, "decision") == ["⟲ Rollback"]
    assert shown(panel, "observed") == ["3.1 %"]
    assert shown(panel, "trigger") == ["error rate above 1 % over 5 min"]
    assert result_of(world.org, world.planned) == "rolled_back"
    with world.org.db.read() as s:
        events = s.execute(
            select(AuditEvent.action, AuditEvent.entity_type).where(
                AuditEvent.entity_uuid.in_([dialog.command.uuid, world.planned])  # type: ignore[union-attr]
            )
        ).all()
    assert sorted(events) == [("record", "rollback_decision"), ("update", "deployment")]
    assert audit_ok(world.org)
    assert ctx.undo_stack.count() == 0  # a fact in the log, not an edit to take back


def test_a_triggered_decision_without_an_observed_value_says_so_at_the_field(
    ctx: Any, world: World, show: Show
) -> None:
    dialog = show(DecisionDialog(ctx, world.planned))
    dialog.choose("hold")
    dialog.choose_trigger(0)
    dialog.reason.setPlainText("Watching the error rate")
    dialog.accept()
    assert dialog.error_text("observed") == "⚠ a triggered decision records what was seen"
    assert dialog.isVisible() and dialog.command is None
    with world.org.db.read() as s:
        assert len(list_decisions(s, deployment=world.planned)) == 0
    dialog.reason.clear()
    dialog.observed.setText("1.4")
    dialog.accept()
    assert dialog.error_text("observed") == ""
    assert dialog.error_text("reason").startswith("⚠ say why")


# ---------------------------------------------------------------------------- calendar
@pytest.fixture
def calendar(ctx: Any, world: World, show: Show, qtbot: Any) -> Iterator[CalendarView]:
    gc.collect()  # earlier tests' widgets go on the GUI thread, not inside a load
    view = show(CalendarView(ctx))

    def settle() -> None:
        qtbot.waitUntil(lambda: not view.busy and view.index is not None, timeout=15000)

    settle()
    view.go_to(date(2024, 3, 5))
    settle()
    view.set_mode("week")
    view.set_zone("UTC")
    settle()
    yield view
    qtbot.waitUntil(lambda: not view.busy, timeout=15000)


def test_a_blocked_planned_production_deployment_lists_its_missing_gates(
    calendar: CalendarView, world: World, qtbot: Any
) -> None:
    view = calendar
    view.go_to(date(2024, 3, 12))
    qtbot.waitUntil(lambda: view.index is not None and world.planned in view.index.deployments)
    assert view.index is not None
    dep = view.index.deployments[world.planned]
    assert gate_mark(dep) == GATES_BLOCKED
    assert view.canvas.item_rect(Ref(DEPLOYMENT, world.planned)) is not None
    view.select(Ref(DEPLOYMENT, world.planned))
    text = view.details_panel.body_text()
    assert "✖ blocked" in text and "tests: no test result recorded in staging" in text
    assert gate_mark(view.index.deployments[world.pay2]) == ""  # already run: no gate


def test_a_deployment_leads_to_its_rollback_decisions(
    calendar: CalendarView, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = calendar
    ref = Ref(DEPLOYMENT, world.pay2)
    view.select(ref)
    zone = view.zone
    text = view.details_panel.body_text()
    at = stamp(DONE_AT + timedelta(minutes=25), zone)[11:16]
    assert f"2 rollback decisions: rollback at {at} by Cora Coordinator; hold at" in text
    assert view.details_panel.log_button.isVisible()
    assert view.details_panel.record_button.isEnabled()
    view.details_panel.log_button.click()
    dialog = view.dialog
    assert isinstance(dialog, DecisionLogDialog) and dialog.panel.deployment == world.pay2
    assert dialog.panel.model.rowCount() == 2
    dialog.reject()
    view.select(None)
    viewport = view.canvas.viewport()
    rect = view.canvas.item_rect(ref)
    assert rect is not None
    spot = rect.center().toPoint()
    click = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, spot, viewport.mapToGlobal(spot))
    monkeypatch.setattr(QMenu, "popup", lambda *_a: None)  # offscreen cannot grab the keyboard
    QApplication.sendEvent(viewport, click)  # a right-click on the deployment
    menu = view.context_menu
    assert menu is not None and view.selected == ref
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == ["Edit…", "Rollback decisions…", "Record rollback decision…"]
    menu.actions()[-1].trigger()
    assert isinstance(view.dialog, DecisionDialog) and view.dialog.deployment_uuid == world.pay2
