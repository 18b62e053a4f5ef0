"""Promotion gates in the GUI as a coordinator relies on them: the selected workload's verdict
per environment with every missing reason, evidence recorded through the dialog (never
undone, errors under their fields), and the capacity board flagging planned work that may
not enter production yet."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.services import crud, evidence_queries
from app.services.gates import production_verdicts, record_evidence
from app.services.workloads import WORKLOAD
from tests.factories import Org, make_gate_environments, workload_values
from tests.ui.helpers import add_workloads
from tests.ui.test_capacity_board import World, build
from ui.models.evidence_table_model import EvidenceTableModel
from ui.views.capacity import CapacityView
from ui.views.workloads import WorkloadsView
from ui.widgets.dialogs.evidence_dialog import EvidenceDialog
from ui.widgets.gate_panel import GatePanel

Show = Callable[[Any], Any]
NO_RESTORE = "restore validated: no backup-and-restore validation recorded"


@pytest.fixture
def ledger(seeded: Org) -> Org:
    """LED-1 changes the stateful ledger database and has no evidence yet."""
    make_gate_environments(seeded)
    with seeded.db.transaction() as s:
        values = workload_values("LED-1", components=["ledger-db"], risk_tier="low")
        crud.create(s, seeded.coordinator, WORKLOAD, values)
    return seeded


def production_block(panel: GatePanel) -> str:
    text = panel.status_text()
    return text[text.index("production —") :]


# ------------------------------------------------------------------------------ the panel
def test_the_panel_says_blocked_for_a_missing_restore_and_a_recorded_restore_clears_it(
    ctx: Any, ledger: Org, show: Show
) -> None:
    panel = show(GatePanel(ctx))
    panel.show_workload("LED-1")
    text = panel.status_text()
    assert "Gates of LED-1" in panel.heading.text()
    assert "Production: ✖ blocked:" in panel.heading.text()
    assert [line.split(" —")[0] for line in text.splitlines() if " — " in line][:3] == [
        "✔ dev",
        "✖ staging",
        "✖ production",
    ]  # promotion order, each with a shape and words
    prod = production_block(panel)
    assert "blocked:" in prod and f"• {NO_RESTORE}" in prod
    assert panel.model.rowCount() == 0
    assert panel.record_button.isEnabled()

    panel.record_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, EvidenceDialog) and dialog.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData("restore"))
    assert dialog.restore_minutes.isVisibleTo(dialog) and not dialog.score.isVisibleTo(dialog)
    dialog.set_passed(True)
    dialog.restore_minutes.setValue(35)
    dialog.summary.setPlainText("Restored last night's snapshot into a scratch cluster")
    moment = datetime.now(UTC) - timedelta(hours=2)
    dialog.set_performed_at(moment, "Europe/Berlin")
    when = dialog.performed_at()
    assert when is not None and when.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    dialog.accept()

    assert dialog.result() == QDialog.DialogCode.Accepted
    prod = production_block(panel)
    assert NO_RESTORE not in prod
    assert "✓ restore validated: passed" in prod
    assert panel.model.rowCount() == 1
    row = panel.model.row_at(0)
    assert (row.kind_label, row.passed, row.restore_minutes) == (
        "Backup-and-restore validation",
        True,
        35,
    )
    assert "restore 35 min" in panel.model.data(panel.model.index(0, 5))
    assert abs(row.performed_at - moment) < timedelta(minutes=1)  # the zone was honoured
    assert panel.model.data(panel.model.index(0, 2)) == "✔ Passed"
    assert ctx.undo_stack.count() == 0  # a fact about the past: nothing to undo
    assert "a re-run is recorded as new evidence" in dialog.hint.text()


def test_a_canary_without_a_score_shows_the_error_under_the_score_and_records_nothing(
    ctx: Any, ledger: Org, show: Show
) -> None:
    dialog = show(EvidenceDialog(ctx, "LED-1", kind="canary"))
    assert dialog.score.isVisibleTo(dialog) and not dialog.restore_minutes.isVisibleTo(dialog)
    assert "required" in dialog.form.labelForField(dialog._rows["environment"]).text()
    dialog.set_passed(True)
    dialog.accept()
    assert "a canary analysis has a score" in dialog.error_text("score")
    assert "belongs to an environment" in dialog.error_text("environment")
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted

    dialog.environment.setCurrentIndex(dialog.environment.findData("production"))
    dialog.score.setValue(120)
    dialog.accept()
    assert "between 0 and 100" in dialog.error_text("score")
    assert dialog.error_text("environment") == ""
    with ledger.db.read() as s:
        assert evidence_queries.evidence_rows(s, "LED-1") == []

    dialog.score.setValue(93.5)
    dialog.figures["baseline_error_rate_percent"].setValue(0.2)
    dialog.figures["canary_error_rate_percent"].setValue(0.25)
    dialog.figures["canary_p99_ms"].setValue(190)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with ledger.db.read() as s:
        (row,) = evidence_queries.evidence_rows(s, "LED-1")
    assert (row.kind, row.environment, row.score) == ("canary", "production", 93.5)
    assert row.figures == {
        "baseline_error_rate_percent": 0.2,
        "canary_error_rate_percent": 0.25,
        "canary_p99_ms": 190,
    }
    assert row.performed_by == "Cora Coordinator"
    assert row.figures_text == "score 93.5 · errors 0.2% → 0.25% · p99 ? ms → 190 ms"


def test_a_passing_result_must_be_chosen_and_an_unknown_person_is_refused(
    ctx: Any, ledger: Org, show: Show
) -> None:
    dialog = show(EvidenceDialog(ctx, "LED-1", kind="peer_review"))
    dialog.accept()
    assert "passed or failed" in dialog.error_text("passed")
    dialog.set_passed(False)
    dialog.performed_by.setText("nobody")
    dialog.accept()
    assert "no person with login 'nobody'" in dialog.error_text("performed_by")
    assert dialog.isVisible()


def test_a_viewer_sees_the_gates_but_cannot_record(
    viewer_ctx: Any, ledger: Org, show: Show
) -> None:
    panel = show(GatePanel(viewer_ctx))
    panel.show_workload("LED-1")
    assert NO_RESTORE in panel.status_text()
    assert not panel.record_button.isEnabled()
    assert "needs the" in panel.record_button.toolTip()


def test_the_evidence_model_passes_the_model_tester(ledger: Org, qtmodeltester: Any) -> None:
    with ledger.db.transaction() as s:
        for kind, env in (("tests", "dev"), ("restore", None), ("peer_review", None)):
            record_evidence(
                s,
                ledger.coordinator,
                workload="LED-1",
                kind=kind,
                passed=kind != "restore",
                environment=env,
                restore_minutes=50 if kind == "restore" else None,
                figures={"passed": 12, "failed": 0} if kind == "tests" else None,
            )
    with ledger.db.read() as s:
        rows = evidence_queries.evidence_rows(s, "LED-1")
    model = EvidenceTableModel()
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    model.sort(model.column_of("kind_label"), Qt.SortOrder.AscendingOrder)
    assert [model.data(model.index(i, 0)) for i in range(3)] == [
        "Backup-and-restore validation",
        "Peer review",
        "Tests",
    ]
    assert model.data(model.index(0, model.column_of("passed"))) == "✖ Failed"
    assert model.data(model.index(2, model.column_of("figures_text"))) == "12 passed"


# ---------------------------------------------------------------------- the workloads view
def test_the_workloads_view_reads_the_gates_of_the_selected_workload_only(
    ctx: Any, ledger: Org, show: Show, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_workloads(ledger, 40)
    asked: list[str] = []
    real = evidence_queries.gate_status

    def counted(session: Any, key: str) -> Any:
        asked.append(key)
        return real(session, key)

    monkeypatch.setattr(evidence_queries, "gate_status", counted)
    view = show(WorkloadsView(ctx))
    assert view.gate_panel.key is None
    view.filter_bar.search.setText("LED-1")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=3000)
    view.table.selectRow(0)
    qtbot.waitUntil(lambda: view.gate_panel.key == "LED-1", timeout=3000)
    assert NO_RESTORE in view.gate_panel.status_text()
    assert asked == ["LED-1"]  # one workload's gates, not one per row

    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert view.gate_panel.body.hasFocus()
    assert view.gates_action.shortcut().toString() == "Ctrl+G"


# --------------------------------------------------------------------------- the board
@pytest.fixture
def board_view(qtbot: Any, show: Show) -> Iterator[Callable[[Any], CapacityView]]:
    views: list[CapacityView] = []

    def make(context: Any) -> CapacityView:
        gc.collect()
        view = show(CapacityView(context))
        views.append(view)
        qtbot.waitUntil(lambda: not view.busy, timeout=15000)
        assert view.board is not None, view.status.toolTip()
        return view

    yield make
    for view in views:
        qtbot.waitUntil(lambda v=view: not v.busy, timeout=15000)


def test_a_planned_card_that_may_not_enter_production_carries_the_gates_flag(
    ctx: Any, seeded: Org, board_view: Callable[[Any], CapacityView]
) -> None:
    world: World = build(seeded)
    make_gate_environments(seeded)
    with seeded.db.read() as s:
        verdict = production_verdicts(s, [world.items["PAY-1"]])[world.items["PAY-1"]]
    assert not verdict.allowed
    view = board_view(ctx)
    board = view.board
    assert board is not None
    item = board.items[world.items["PAY-1"]]
    flags = {f.kind: f for f in board.flags(item)}
    assert flags["gates"].label == f"GATES {len(verdict.missing)}"
    backlog = board.items[world.items["PAY-6"]]
    assert "gates" not in {f.kind for f in board.flags(backlog)}  # not about to be promoted

    view.select_item(item.id)
    details = view.details.body_text()
    assert f"✖ blocked: {len(verdict.missing)} missing" in details
    for reason in verdict.missing:
        assert reason in details
    assert "tests: no test result recorded in staging" in details
