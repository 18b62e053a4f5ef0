"""The capacity screen's backlog panel and its dialogs: ranking, in-place re-scoring, auto-plan,
scope what-if, deferrals, planning policy and risk overrides, each write undoable."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QStyleOptionViewItem

from app.domain.workloads import natural_key
from app.planning.plan import PlanItem, PlanRelease, PlanSnapshot, PlanTeam
from app.services import crud, planning_policy
from app.services.capacity_plan import move_workload
from app.services.capacity_queries import load_snapshot
from app.services.org import TEAM
from app.services.releases import RELEASE, RELEASE_TRAIN
from app.services.workloads import WORKLOAD, add_dependency
from tests.factories import Org, workload_values
from tests.ui.helpers import audit_ok, workload
from ui.models.backlog_table_model import ERROR_ROLE, BacklogTableModel, backlog_rows
from ui.views.capacity import backlog_panel
from ui.views.capacity.backlog_panel import BacklogPanel
from ui.views.capacity.deferrals_dialog import DeferralsDialog
from ui.views.capacity.policy_dialog import PolicyDialog
from ui.views.capacity.proposal_dialog import AutoPlanDialog, ResultTableModel
from ui.views.capacity.risk_dialog import RiskDialog
from ui.views.capacity.scope_dialog import ScopeDialog
from ui.workers import active_workers

Show = Callable[[Any], Any]
DISPLAY = Qt.ItemDataRole.DisplayRole
TRAIN, OTHER_TRAIN = 1, 2
PAYMENTS, MOBILE, LEDGER = 10, 11, 12


def item(id_: int, key: str, **extra: Any) -> PlanItem:
    fields: dict[str, Any] = {
        "title": f"Change {key}",
        "team": PAYMENTS,
        "size": 3,
        "wsjf": 2.0,
        "cost_of_delay": 6,
        "change_class": "feature",
        "risk_tier": "low",
        "release": None,
        "key_sort": natural_key(key),
    }
    fields.update(extra)
    scored = "business_value" in extra
    return (ScoredItem if scored else PlanItem)(id=id_, key=key, **fields)


@dataclass(frozen=True, slots=True)
class ScoredItem(PlanItem):
    """An item that carries its WSJF inputs, as a snapshot may."""

    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None


def hand_snapshot(*items: PlanItem) -> PlanSnapshot:
    teams = (
        PlanTeam(PAYMENTS, "Payments", TRAIN, 20, "default"),
        PlanTeam(MOBILE, "Mobile", TRAIN, 20, "default"),
        PlanTeam(LEDGER, "Ledger", OTHER_TRAIN, 20, "default"),
    )
    release = PlanRelease(100, "R1", TRAIN, datetime(2030, 1, 1, tzinfo=UTC))
    return PlanSnapshot(teams, (release,), items)


VIEWER: Any = SimpleNamespace(actor=SimpleNamespace(has=lambda *_roles: False))
"""A viewer's context without a database: the panel only reads the snapshot it is given."""

SCORES = {"business_value": 5, "time_criticality": 2, "risk_reduction": 1}
RANKED = hand_snapshot(
    item(1, "PAY-1", wsjf=1.0, cost_of_delay=3),
    item(2, "PAY-2", wsjf=4.0, cost_of_delay=8, size=2, **SCORES),
    # four ties on WSJF 2.0, broken by cost of delay, then size, then due date, then key
    item(3, "PAY-9", wsjf=2.0, cost_of_delay=6, size=3),
    item(4, "PAY-4", wsjf=2.0, cost_of_delay=10, size=5),
    item(5, "MOB-5", team=MOBILE, wsjf=2.0, cost_of_delay=6, size=3, must_ship_by=date(2030, 2, 1)),
    item(6, "PAY-10", wsjf=2.0, cost_of_delay=6, size=3),
    # not in the backlog: planned, fixed, or on another train
    item(7, "PAY-7", wsjf=9.0, release=100),
    item(8, "PAY-8", wsjf=9.0, fixed=True),
    item(9, "LED-9", team=LEDGER, wsjf=9.0),
)


def test_backlog_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = BacklogTableModel()
    qtmodeltester.check(model)
    model.set_rows(backlog_rows(RANKED, TRAIN))
    model.write_input = lambda _row, _key, _value: None  # editable flags on the input columns
    qtmodeltester.check(model)
    model.set_filter("pay")
    qtmodeltester.check(model)
    qtmodeltester.check(ResultTableModel([]))


def test_backlog_is_the_trains_unplanned_work_ranked_by_wsjf_with_ties_broken() -> None:
    rows = backlog_rows(RANKED, TRAIN)
    # PAY-4 wins the WSJF tie on cost of delay, MOB-5 on its due date; then the natural key
    # order puts PAY-9 before PAY-10 (plain text order would not)
    assert [r.key for r in rows] == ["PAY-2", "PAY-4", "MOB-5", "PAY-9", "PAY-10", "PAY-1"]
    assert [r.key for r in backlog_rows(RANKED, None)][0] == "LED-9"  # every team when None
    assert [r.key for r in backlog_rows(RANKED, OTHER_TRAIN)] == ["LED-9"]


def test_cells_filter_and_count(qtbot: Any, show: Show) -> None:
    panel = show(BacklogPanel(VIEWER))
    panel.show_snapshot(RANKED, TRAIN)
    model = panel.model
    assert panel.count_label.text() == "6 to plan on the train · 19 points"

    def cells(row: int, *keys: str) -> list[str]:
        return [model.data(model.index(row, model.column_of(k)), DISPLAY) for k in keys]

    inputs = ("business_value", "time_criticality", "risk_reduction", "size", "cost_of_delay")
    assert cells(0, *inputs, "wsjf", "change_class") == ["5", "2", "1", "2", "8", "4.00", "Feature"]
    assert cells(1, *inputs)[:3] == ["—", "—", "—"]  # not carried by this snapshot: unknown
    size = model.index(0, model.column_of("size"))
    assert not model.flags(size) & Qt.ItemFlag.ItemIsEditable  # a viewer looks, not edits
    assert not model.setData(size, 5)
    panel.search.setText("mob")
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.row_at(0).key == "MOB-5"  # type: ignore[union-attr]
    assert panel.count_label.text() == "1 of 6 shown · 19 points"
    with qtbot.waitSignal(panel.card_selected) as picked:
        panel.table.setCurrentIndex(model.index(0, 0))
    assert picked.args == [5]
    header, team = panel.table.horizontalHeader(), model.column_of("team")
    panel.resize(400, 300)  # the board's side pane: ranking numbers first, details on hover
    assert panel.compact and header.isSectionHidden(team)
    assert header.visualIndex(model.column_of("wsjf")) == 1
    panel.resize(1100, 300)
    assert not panel.compact and not header.isSectionHidden(team)


def test_a_big_backlog_is_ranked_off_the_gui_thread_and_the_newest_wins(
    qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backlog_panel, "RANK_IN_POOL", 1)
    panel = BacklogPanel(VIEWER)
    qtbot.addWidget(panel)
    panel.show_snapshot(RANKED, TRAIN)
    panel.show_snapshot(RANKED, OTHER_TRAIN)  # supersedes the first before it lands
    assert panel.ranking
    qtbot.waitUntil(lambda: not panel.ranking and active_workers() == 0)  # both landed
    assert [r.key for r in panel.model.rows()] == ["LED-9"]
    assert panel.count_label.text() == "1 to plan on the train · 3 points"


@dataclass
class Plan:
    train: int
    releases: list[int]
    ids: dict[str, int]


def plan_world(org: Org, sizes: dict[str, int] | None = None, planned: Sequence[str] = ()) -> Plan:
    """Payments rides a train with two releases ahead (capacity 20 points each, no history);
    workloads as given (key → size), WSJF inputs falling with the key's number, in the
    backlog unless `planned` puts them in the first release."""
    sizes = sizes or {"PAY-1": 5, "PAY-2": 3, "PAY-3": 8}
    now = datetime.now(UTC)
    with org.db.transaction() as s:
        actor = org.coordinator
        cadence = {"rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "timezone": "Europe/Berlin"}
        train = crud.create(s, actor, RELEASE_TRAIN, {"name": "Payments Train"} | cadence)
        team = crud.get(s, TEAM, org.team)
        crud.update(s, org.admin, TEAM, org.team, team.version, {"train": str(train.uuid)})
        releases = []
        for n in (1, 2):
            start = now + timedelta(days=14 * n)
            window = {"window_start": start, "window_end": start + timedelta(hours=2)}
            values = {"name": f"R{n}", "train": str(train.uuid), "status": "planned"} | window
            releases.append(crud.create(s, actor, RELEASE, values))
        ids = {}
        for n, (key, size) in enumerate(sizes.items()):
            values = workload_values(key, size=size, business_value=(13, 8, 5, 3, 2)[n % 5])
            if key in planned:
                values |= {"status": "planned", "target_release": str(releases[0].uuid)}
            ids[key] = crud.create(s, actor, WORKLOAD, values).id
        return Plan(train.id, [r.id for r in releases], ids)


def snapshot_of(org: Org) -> PlanSnapshot:
    with org.db.read() as s:
        return load_snapshot(s)


def by_id(org: Org, item_id: int) -> dict[str, Any]:
    with org.db.read() as s:
        obj = s.get(WORKLOAD.model, item_id)
        return {"uuid": str(obj.uuid)} | (workload(org, str(obj.uuid)) or {})


def test_editing_an_input_writes_it_resorts_and_is_undoable(
    seeded: Org, ctx: Any, show: Show
) -> None:
    plan = plan_world(seeded)
    panel = show(BacklogPanel(ctx))
    panel.show_snapshot(snapshot_of(seeded), plan.train)
    model = panel.model
    keys = [r.key for r in model.rows()]
    assert keys == ["PAY-2", "PAY-1", "PAY-3"]  # (8+3+2)/3, (13+3+2)/5, (5+3+2)/8
    column = model.column_of("business_value")
    index = model.index(keys.index("PAY-3"), column)
    delegate = panel.table.itemDelegateForColumn(column)
    editor = delegate.createEditor(panel.table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox) and editor.itemData(editor.count() - 1) == 100
    delegate.setEditorData(editor, index)
    editor.setCurrentIndex(editor.findData(100))
    delegate.setModelData(editor, model, index)

    assert by_id(seeded, plan.ids["PAY-3"])["business_value"] == 100
    top = model.row_at(0)
    assert top is not None and top.key == "PAY-3"  # (100+3+2)/8 = 13.125 now leads
    assert (top.cost_of_delay, top.wsjf) == (105, 13.125)
    wsjf = model.index(0, model.column_of("wsjf"))
    assert model.data(wsjf, DISPLAY) == "13.12"  # two places, half to even
    assert ctx.undo_stack.undoText() == "Edit business value of PAY-3"

    ctx.undo_stack.undo()
    assert by_id(seeded, plan.ids["PAY-3"])["business_value"] == 5
    assert [r.key for r in model.rows()] == keys and model.rows()[2].wsjf == 1.25
    ctx.undo_stack.redo()
    assert by_id(seeded, plan.ids["PAY-3"])["business_value"] == 100
    assert model.row_at(0).key == "PAY-3"  # type: ignore[union-attr]
    assert audit_ok(seeded)


def test_an_off_scale_value_shows_at_the_cell_and_changes_nothing(
    seeded: Org, ctx: Any, show: Show
) -> None:
    plan = plan_world(seeded)
    panel = show(BacklogPanel(ctx))
    panel.show_snapshot(snapshot_of(seeded), plan.train)
    model = panel.model
    before = [r.key for r in model.rows()]
    cell = model.index(0, model.column_of("size"))
    assert not model.setData(cell, 4) and "must be on the scale" in model.data(cell, ERROR_ROLE)
    assert model.data(cell, Qt.ItemDataRole.ToolTipRole).startswith("⚠")
    assert model.data(cell, DISPLAY) == "⚠ 3"  # the mark is a sign, not only a colour
    assert panel.error.isVisible() and "nothing was changed" in panel.error.text()
    assert by_id(seeded, plan.ids["PAY-2"])["size"] == 3 and ctx.undo_stack.count() == 0
    assert [r.key for r in model.rows()] == before


def test_auto_plan_shows_the_proposal_and_applies_it_as_one_undo_step(
    seeded: Org, ctx: Any, show: Show
) -> None:
    plan = plan_world(seeded, {"PAY-1": 13, "PAY-2": 8, "PAY-3": 13, "PAY-4": 13, "PAY-5": 20})
    dialog = AutoPlanDialog(ctx, snapshot_of(seeded))
    proposal = dialog.propose()
    show(dialog)
    assert proposal is not None and dialog.proposal is proposal
    placed, deferred = {p.key for p in proposal.placements}, {d.key for d in proposal.deferrals}
    assert placed and deferred and not placed & deferred
    placements = dialog.placements.model()
    assert placements.rowCount() == len(placed)
    assert placements.data(placements.index(0, 2), DISPLAY) in ("R1", "R2")
    assert dialog.deferrals.model().rowCount() == len(deferred)
    assert dialog.summary.text().startswith(f"Placed {len(placed)} workloads / ")
    assert "overcommitted team × release cells: 0 → 0" in dialog.summary.text()

    dialog.apply_button.click()
    text = f"Auto-plan: {len(placed)} placements, {len(deferred)} deferrals"
    assert not dialog.isVisible() and ctx.undo_stack.undoText() == text
    first = proposal.placements[0]
    assert by_id(seeded, first.item)["target_release"] is not None
    ctx.undo_stack.undo()
    assert all(by_id(seeded, plan.ids[k])["target_release"] is None for k in placed)
    ctx.undo_stack.redo()
    assert by_id(seeded, first.item)["status"] == "planned"
    assert audit_ok(seeded)


def test_auto_plan_fills_fewer_releases_when_asked_and_cancel_changes_nothing(
    seeded: Org, ctx: Any, show: Show, qtbot: Any
) -> None:
    plan_world(seeded, {"PAY-1": 13, "PAY-2": 8, "PAY-3": 13})
    dialog = AutoPlanDialog(ctx, snapshot_of(seeded))
    show(dialog)
    qtbot.waitUntil(lambda: dialog.proposal is not None)  # proposed once it is shown
    assert dialog.releases.maximum() == 2
    dialog.releases.setValue(1)
    proposal = dialog.propose()
    assert proposal and {dialog.release_names[p.release] for p in proposal.placements} == {"R1"}
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert ctx.undo_stack.count() == 0
    with seeded.db.read() as s:
        assert all(i.release is None for i in load_snapshot(s).items)


def test_scope_what_if_answers_live_and_applies_the_moves(
    seeded: Org, ctx: Any, show: Show
) -> None:
    plan = plan_world(seeded, {"PAY-1": 5, "PAY-2": 3}, planned=["PAY-1"])
    first, second = (by_id(seeded, plan.ids[k])["uuid"] for k in ("PAY-1", "PAY-2"))
    with seeded.db.transaction() as s:
        add_dependency(s, seeded.coordinator, second, first)
        move_workload(s, seeded.coordinator, plan.ids["PAY-2"], plan.releases[0])
    dialog = show(ScopeDialog(ctx, snapshot_of(seeded), [plan.ids["PAY-1"]]))
    assert "Nothing changes yet" in dialog.summary.text()
    dialog.choose(plan.ids["PAY-1"], "backlog")
    text = dialog.summary.text()
    assert "Moving PAY-1 to the backlog frees 5 points in R1" in text
    assert "PAY-2 loses a dependency" in text
    affected, loads = dialog.affected.model(), dialog.loads.model()
    assert affected.data(affected.index(0, 1), DISPLAY) == "PAY-2"
    assert [loads.data(loads.index(0, c), DISPLAY) for c in (3, 4, 5)] == ["8", "3", "+5"]
    dialog.reason.setText("Make room for PCI")
    dialog.apply_button.click()
    assert ctx.undo_stack.undoText() == "Scope: move 1 workload"
    assert by_id(seeded, plan.ids["PAY-1"])["target_release"] is None
    ctx.undo_stack.undo()
    assert by_id(seeded, plan.ids["PAY-1"])["target_release"] is not None
    assert audit_ok(seeded)


def test_deferrals_dialog_reads_the_slips_off_the_gui_thread(
    seeded: Org, ctx: Any, show: Show, qtbot: Any
) -> None:
    plan = plan_world(seeded, {"PAY-1": 5}, planned=["PAY-1"])
    with seeded.db.transaction() as s:
        move_workload(s, seeded.coordinator, plan.ids["PAY-1"], None, "Waiting for the vendor")
    dialog = show(DeferralsDialog(ctx))
    qtbot.waitUntil(lambda: dialog.report is not None)
    once = "1 slip of 1 workload in the last release; none slipped more than once"
    assert dialog.health.text() == once
    teams = dialog.teams.model()
    assert teams.rowCount() == 1
    assert teams.data(teams.index(0, teams.column_of("most_key")), DISPLAY) == "PAY-1 ×1"
    reasons = dialog.reasons.model()
    assert reasons.data(reasons.index(0, 1), DISPLAY) == "Waiting for the vendor"
    assert dialog.chart.canvas is not None


def test_policy_dialog_shows_a_bad_value_at_its_field_and_saves_nothing(
    seeded: Org, ctx: Any, show: Show
) -> None:
    dialog = show(PolicyDialog(ctx))
    dialog.editors["default_capacity"].setValue(-5)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible() and "at least 0" in dialog.error_text("default_capacity")
    assert dialog.error_text("history_releases") == ""
    assert knobs(seeded) == (20, 6) and ctx.undo_stack.count() == 0

    dialog.editors["default_capacity"].setValue(12)
    dialog.editors["plan_releases"].setValue(4)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not dialog.isVisible() and knobs(seeded) == (12, 4)
    ctx.undo_stack.undo()
    assert knobs(seeded) == (20, 6)
    assert audit_ok(seeded)


def knobs(org: Org) -> tuple[int, int]:
    with org.db.read() as s:
        policy = planning_policy.get_policy(s)
    return policy.default_capacity, policy.plan_releases


def test_risk_dialog_refuses_an_override_without_a_reason(
    seeded: Org, ctx: Any, show: Show
) -> None:
    plan = plan_world(seeded, {"PAY-1": 5})
    wl_id = plan.ids["PAY-1"]
    dialog = show(RiskDialog(ctx, wl_id))
    rules, other = dialog.risk.rules_tier, "high"
    assert rules == "low" and dialog.follow.isChecked()  # a feature touching nothing: +1
    dialog.override.setChecked(True)
    dialog.tier.setCurrentIndex(dialog.tier.findData(other))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible() and "needs a reason" in dialog.error_text()
    assert by_id(seeded, wl_id)["risk_tier"] == rules and ctx.undo_stack.count() == 0

    dialog.reason.setPlainText("Card vault rotation: treat as high until the new HSM is proven")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert not dialog.isVisible()
    assert by_id(seeded, wl_id)["risk_tier"] == other
    ctx.undo_stack.undo()
    now = by_id(seeded, wl_id)
    assert (now["risk_tier"], now["risk_override_reason"]) == (rules, None)
    ctx.undo_stack.redo()
    assert by_id(seeded, wl_id)["risk_tier"] == other
    assert audit_ok(seeded)
