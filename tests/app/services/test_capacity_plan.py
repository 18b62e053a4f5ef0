"""The capacity plan: capacity from delivered history, the snapshot the planner reads, one
release's plan, moving work between releases (with deferrals and undo) and the slip history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, Component, Deferral, Release, Team, Workload
from app.planning.plan import Deferral as ProposedDeferral
from app.planning.plan import FreezeNote, Placement, Proposal
from app.services import crud
from app.services.approvals import decide, request
from app.services.calendar import FREEZE, decide_override, request_override
from app.services.capacity_plan import (
    apply_proposal,
    edit_workload,
    move_workload,
    undo_applied,
    undo_move,
)
from app.services.capacity_queries import (
    deferral_slips,
    load_snapshot,
    release_names,
    train_choices,
)
from app.services.capacity_report import release_plan
from app.services.catalog import COMPONENT
from app.services.errors import ConflictError, PermissionDenied, ValidationError
from app.services.org import TEAM
from app.services.releases import RELEASE
from app.services.workloads import WORKLOAD, add_dependency
from tests.factories import Org, Train, deliver, make_train, make_workload

NOW = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)


# -- helpers ---------------------------------------------------------------------------------


def ids(org: Org) -> dict[str, int]:
    with org.db.read() as s:
        return {k: i for k, i in s.execute(select(Workload.key, Workload.id))}


def state(org: Org, key: str) -> tuple[str, str | None, int]:
    """(status, target release name, version) of a workload."""
    with org.db.read() as s:
        wl = s.scalars(select(Workload).where(Workload.key == key)).one()
        name = wl.target_release.name if wl.target_release else None
        return wl.status, name, wl.version


def deferral_rows(org: Org) -> list[tuple[str, str, str | None, str, str]]:
    """(workload key, from release, to release, reason, actor) of every recorded slip."""
    with org.db.read() as s:
        return [
            (
                d.workload.key,
                d.from_release.name,
                d.to_release and d.to_release.name,
                d.reason,
                d.actor,
            )
            for d in s.scalars(select(Deferral).order_by(Deferral.id))
        ]


def audit_count(org: Org) -> int:
    with org.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def latest_events(org: Org, n: int) -> list[AuditEvent]:
    with org.db.read() as s:
        rows = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(n))
        return list(reversed(list(rows)))


def release_uuid(org: Org, name: str) -> str:
    with org.db.read() as s:
        return str(s.scalars(select(Release.uuid).where(Release.name == name)).one())


def team_id(org: Org, name: str) -> int:
    with org.db.read() as s:
        return s.scalars(select(Team.id).where(Team.name == name)).one()


def component_id(org: Org, name: str) -> int:
    with org.db.read() as s:
        return s.scalars(select(Component.id).where(Component.name == name)).one()


def set_team(org: Org, name: str, values: dict[str, Any]) -> None:
    with org.db.transaction() as s:
        team = s.scalars(select(Team).where(Team.name == name)).one()
        crud.update(s, org.coordinator, TEAM, team.uuid, team.version, values)


def move(org: Org, key: str, release: str | None, reason: str = "", actor: Any = None):
    """Move a workload by key to a release by name (None: the backlog), as the coordinator."""
    with org.db.transaction() as s:
        item = s.scalars(select(Workload.id).where(Workload.key == key)).one()
        target = None
        if release is not None:
            target = s.scalars(select(Release.id).where(Release.name == release)).one()
        return move_workload(s, actor or org.coordinator, item, target, reason)


# -- capacity from delivered history ---------------------------------------------------------


def test_capacity_is_the_lower_quartile_of_what_the_team_delivered(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, past=4, upcoming=2)
    deliver(seeded, train, "Payments", [10, 20, 30, 40])
    with seeded.db.read() as s:
        snap = load_snapshot(s, now=NOW)
    teams = {t.name: t for t in snap.teams}
    pay, mob = teams["Payments"], teams["Mobile"]
    # [10, 20, 30, 40] interpolated at 25 %: 10 + 0.75 * 10 = 17.5, rounded down
    assert (pay.capacity, pay.basis) == (17, "lower quartile of last 4 releases: 17 points")
    assert pay.train == train.id
    assert (mob.capacity, mob.basis) == (20, "no delivery history yet: default of 20 points")
    assert mob.train is None


def test_history_starts_at_the_first_delivery_and_counts_only_deployed_train_work(
    seeded,
) -> None:
    train = make_train(seeded, "Payments train", NOW, past=6, upcoming=1)
    # Nothing in; then 8, nothing, 20 and 13 points.
    deliver(seeded, train, "Payments", [0, 0, 8, 0, 20, 13])
    make_workload(
        seeded,
        "PAY-90",
        change_class="emergency",
        size=40,
        status="deployed",
        target_release="R-4",
        exception_reason="Card payments down",
    )
    make_workload(seeded, "PAY-91", size=40, status="cancelled", target_release="R-4")
    make_workload(seeded, "PAY-92", size=40, status="in_progress", target_release="R-4")
    make_workload(seeded, "PAY-93", size=40, status="deployed", target_release="R-7")
    with seeded.db.read() as s:
        pay = next(t for t in load_snapshot(s, now=NOW).teams if t.name == "Payments")
    # History [8, 0, 20, 13]: sorted [0, 8, 13, 20], at 25 %: 0 + 0.75 * 8 = 6.
    assert (pay.capacity, pay.basis) == (6, "lower quartile of last 4 releases: 6 points")


def test_one_release_of_history_is_quoted_as_the_last_release(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, past=3, upcoming=1)
    deliver(seeded, train, "Payments", [13])
    with seeded.db.read() as s:
        pay = next(t for t in load_snapshot(s, now=NOW).teams if t.name == "Payments")
    assert (pay.capacity, pay.basis) == (13, "lower quartile of last release: 13 points")


# -- the releases and the work in a snapshot -------------------------------------------------


def test_the_snapshot_takes_the_next_n_open_releases_of_each_train(seeded) -> None:
    weekly = make_train(
        seeded,
        "Mobile train",
        NOW,
        upcoming=3,
        teams=["Mobile"],
        every=timedelta(days=7),
        prefix="M",
    )
    fortnightly = make_train(seeded, "Payments train", NOW, past=1, upcoming=4, prefix="P")
    with seeded.db.transaction() as s:
        cancelled = crud.get(s, RELEASE, release_uuid(seeded, "P-2"))
        crud.update(
            s,
            seeded.coordinator,
            RELEASE,
            cancelled.uuid,
            cancelled.version,
            {"status": "cancelled"},
        )
        start = NOW + timedelta(days=3)
        crud.create(
            s,
            seeded.coordinator,
            RELEASE,
            {
                "name": "Hotfix",
                "window_start": start,
                "window_end": start + timedelta(hours=1),
                "status": "planned",
            },
        )
    with seeded.db.read() as s:
        two = load_snapshot(s, releases=2, now=NOW)
        default = load_snapshot(s, now=NOW)
    # M-1..M-3 at +7, +14, +21 days; P-1 is past, P-2 (+14) cancelled, P-3 +28, P-4 +42, P-5 +56.
    assert [r.name for r in two.releases] == ["M-1", "M-2", "P-3", "P-4"]
    assert [r.name for r in default.releases] == ["M-1", "M-2", "M-3", "P-3", "P-4", "P-5"]
    trains = {r.name: r.train for r in default.releases}
    assert trains["M-1"] == weekly.id and trains["P-5"] == fortnightly.id
    assert two.releases[0].starts == NOW + timedelta(days=7)
    assert two.now == NOW


def test_open_work_becomes_plan_items_with_what_keeps_it_in_place(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, past=1, upcoming=2)
    with seeded.db.transaction() as s:
        crud.create(
            s,
            seeded.coordinator,
            COMPONENT,
            {
                "name": "payments-cli",
                "kind": "service",
                "team": "Payments",
                "track": "independent",
                "stateful": False,
                "pii": False,
                "financial": False,
                "health": False,
            },
        )
        start = NOW + timedelta(days=3)
        crud.create(
            s,
            seeded.coordinator,
            RELEASE,
            {
                "name": "Hotfix",
                "window_start": start,
                "window_end": start + timedelta(hours=1),
                "status": "planned",
            },
        )
    make_workload(seeded, "PAY-1", size=5, business_value=13)
    make_workload(seeded, "PAY-2", status="planned", target_release="R-2")
    make_workload(seeded, "PAY-3", status="in_progress", target_release="R-2")
    make_workload(seeded, "PAY-4", change_class="emergency")
    make_workload(seeded, "MOB-1", team="Mobile")
    make_workload(seeded, "PAY-5", components=["payments-cli"])
    make_workload(seeded, "PAY-6", status="planned", target_release="Hotfix")
    make_workload(
        seeded, "PAY-9", status="planned", target_release="R-1",
        components=["payments-api", "payments-cli"],
    )  # fmt: skip
    make_workload(seeded, "PAY-7", status="deployed", target_release="R-1")
    make_workload(seeded, "PAY-8", status="cancelled")
    with seeded.db.transaction() as s:
        by_key = {w.key: w.uuid for w in s.scalars(select(Workload))}
        add_dependency(s, seeded.coordinator, by_key["PAY-1"], by_key["PAY-2"])
        add_dependency(s, seeded.coordinator, by_key["PAY-1"], by_key["PAY-7"])
        add_dependency(s, seeded.coordinator, by_key["PAY-2"], by_key["PAY-8"])
    with seeded.db.read() as s:
        items = {i.key: i for i in load_snapshot(s, now=NOW).items}
    key_of = ids(seeded)
    assert set(items) == {
        "PAY-1", "PAY-2", "PAY-3", "PAY-4", "MOB-1", "PAY-5", "PAY-6", "PAY-9"
    }  # fmt: skip
    fixed = {k for k, i in items.items() if i.fixed}
    # PAY-9 also touches the independently deployed CLI but rides the train with the API
    assert fixed == {"PAY-3", "PAY-4", "MOB-1", "PAY-5", "PAY-6"}
    one = items["PAY-1"]
    assert one.depends_on == (key_of["PAY-2"],)  # the deployed PAY-7 is already satisfied
    assert items["PAY-2"].depends_on == ()  # so is the cancelled PAY-8
    assert (one.size, one.cost_of_delay, one.wsjf) == (5, 18, 3.6)  # (13 + 3 + 2) / 5
    assert (one.status, one.release) == ("backlog", None)
    assert (items["PAY-2"].status, items["PAY-2"].release) == ("planned", train.ids["R-2"])
    assert items["PAY-5"].components == (component_id(seeded, "payments-cli"),)


def test_regulated_work_lists_the_sign_offs_still_missing(seeded) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])  # medium by the rules
    make_workload(seeded, "PAY-2", components=["payments-api"], risk_tier="high")
    make_workload(seeded, "PAY-3")  # a feature touching nothing: low
    with seeded.db.transaction() as s:
        pay2 = s.scalars(select(Workload.uuid).where(Workload.key == "PAY-2")).one()
        asked = request(s, seeded.coordinator, "workload", pay2, "approver", "CAB")
        decide(s, seeded.approver, asked.uuid, asked.version, True)
        request(s, seeded.coordinator, "workload", pay2, "operations", "CAB")  # still pending
    with seeded.db.read() as s:
        items = {i.key: i for i in load_snapshot(s, now=NOW).items}
    assert items["PAY-1"].risk_tier == "medium" and items["PAY-1"].regulated
    assert items["PAY-1"].missing_approvals == ("approver",)
    assert items["PAY-2"].risk_tier == "high" and items["PAY-2"].regulated
    assert items["PAY-2"].missing_approvals == ("operations", "security")
    assert items["PAY-3"].risk_tier == "low" and not items["PAY-3"].regulated
    assert items["PAY-3"].missing_approvals == ()


def test_freezes_over_a_release_window_are_noted_with_their_overrides(seeded) -> None:
    make_train(seeded, "Payments train", NOW, upcoming=3)
    day = (NOW + timedelta(days=14)).replace(hour=0, tzinfo=None)
    with seeded.db.transaction() as s:
        quarter = crud.create(
            s,
            seeded.coordinator,
            FREEZE,
            {
                "name": "Quarter close",
                "timezone": "UTC",
                "starts_local": day,
                "ends_local": day + timedelta(days=1),
                "all_day": True,
                "hard": True,
                "teams": ["Payments"],
                "components": ["payments-api"],
            },
        )
        soft = crud.create(
            s,
            seeded.coordinator,
            FREEZE,
            {
                "name": "Soft week",
                "timezone": "UTC",
                "starts_local": day + timedelta(days=14),
                "ends_local": day + timedelta(days=15),
                "all_day": True,
                "hard": False,
            },
        )
        crud.create(
            s,
            seeded.coordinator,
            FREEZE,
            {
                "name": "Between",
                "timezone": "UTC",
                "starts_local": day + timedelta(days=3),
                "ends_local": day + timedelta(days=4),
                "all_day": True,
                "hard": True,
            },
        )
        for freeze, release, expires in (
            (quarter, "R-1", NOW + timedelta(days=30)),
            (soft, "R-2", NOW - timedelta(days=1)),  # approved, but expired by NOW
        ):
            asked = request_override(
                s,
                seeded.coordinator,
                str(freeze.uuid),
                release_uuid(seeded, release),
                "Regulator deadline",
                expires,
            )
            decide_override(s, seeded.approver, str(asked.uuid), True, "")
    pay, comp = team_id(seeded, "Payments"), component_id(seeded, "payments-api")
    with seeded.db.read() as s:
        notes = {r.name: r.freezes for r in load_snapshot(s, now=NOW).releases}
    assert notes == {
        "R-1": (FreezeNote("Quarter close", True, frozenset({pay}), frozenset({comp}), True),),
        "R-2": (FreezeNote("Soft week", False, frozenset(), frozenset(), False),),
        "R-3": (),
    }


def test_release_names_and_train_choices(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, upcoming=2)
    with seeded.db.read() as s:
        assert release_names(s, [train.ids["R-2"], train.ids["R-1"]]) == {
            train.ids["R-1"]: "R-1",
            train.ids["R-2"]: "R-2",
        }
        assert train_choices(s) == [(train.id, "Payments train")]


# -- one release's plan ----------------------------------------------------------------------


def test_release_plan_sets_what_each_team_committed_against_its_limit(seeded) -> None:
    train = make_train(
        seeded, "Payments train", NOW, past=4, upcoming=1, teams=["Payments", "Mobile"]
    )
    deliver(seeded, train, "Payments", [10, 20, 30, 40])
    set_team(seeded, "Payments", {"capacity_cap": 15})
    set_team(seeded, "Mobile", {"max_share_percent": 40})
    with seeded.db.transaction() as s:
        crud.create(s, seeded.admin, TEAM, {"name": "Data", "timezone": "UTC"})
    planned = {"status": "planned", "target_release": "R-5"}
    make_workload(seeded, "PAY-10", size=3, **planned)
    make_workload(seeded, "PAY-2", size=5, **planned)
    make_workload(seeded, "PAY-1", size=8, **planned)
    make_workload(
        seeded, "PAY-3", size=40, change_class="emergency", exception_reason="Outage", **planned
    )
    make_workload(seeded, "PAY-4", size=13, status="cancelled", target_release="R-5")
    make_workload(seeded, "MOB-1", size=13, team="Mobile", **planned)
    make_workload(seeded, "DAT-1", size=5, team="Data", **planned)
    with seeded.db.read() as s:
        plan = release_plan(s, "R-5", now=NOW)
        assert release_plan(s, "R-99", now=NOW) is None
    assert plan is not None
    assert plan["release"] == "R-5" and plan["status"] == "planned"
    assert plan["starts"] == (NOW + timedelta(days=14)).isoformat()
    assert plan["committed"] == 16 + 13 + 5  # the emergency patch and cancelled work use none
    rows = {r["team"]: r for r in plan["teams"]}
    assert [r["team"] for r in plan["teams"]] == ["Data", "Mobile", "Payments"]
    assert rows["Payments"] == {
        "team": "Payments",
        "capacity": 15,
        "basis": "team cap of 15 points",
        "velocity": 17,
        "velocity_basis": "lower quartile of last 4 releases: 17 points",
        "committed": 16,
        "over": 1,
        "workloads": ["PAY-1", "PAY-2", "PAY-3", "PAY-10"],
    }
    # 40 % of 17 + 20 points, rounded down
    mob = rows["Mobile"]
    assert (mob["capacity"], mob["basis"]) == (14, "40% of the release's 37 points")
    assert (mob["committed"], mob["over"], mob["workloads"]) == (13, 0, ["MOB-1"])
    data = rows["Data"]
    assert (data["capacity"], data["basis"]) == (None, "not on this release's train")
    assert (data["committed"], data["over"], data["workloads"]) == (5, 0, ["DAT-1"])
    assert plan["exceptions"] == [
        {"workload": "PAY-3", "team": "Payments", "justification": "Outage"}
    ]


# -- moving work -----------------------------------------------------------------------------


@pytest.fixture
def train(seeded) -> Train:
    """Payments rides a train with three releases ahead: R-1, R-2, R-3."""
    return make_train(seeded, "Payments train", NOW, upcoming=3)


def test_planning_from_the_backlog_and_pulling_earlier_record_no_deferral(seeded, train) -> None:
    make_workload(seeded, "PAY-1")
    before = audit_count(seeded)
    made = move(seeded, "PAY-1", "R-2")
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-2")
    assert (made.key, made.from_release, made.to_release) == ("PAY-1", None, train.ids["R-2"])
    assert (made.from_status, made.to_status, made.deferral_uuid) == ("backlog", "planned", None)
    assert audit_count(seeded) == before + 1
    [event] = latest_events(seeded, 1)
    assert event.action == "move" and event.actor == "coordinator"
    assert event.before == {"target_release": None, "status": "backlog"}
    assert event.after == {"target_release": release_uuid(seeded, "R-2"), "status": "planned"}

    earlier = move(seeded, "PAY-1", "R-1", "Room came free")
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-1")
    assert earlier.deferral_uuid is None
    assert deferral_rows(seeded) == []
    assert audit_count(seeded) == before + 2


def test_a_slip_to_a_later_release_is_recorded_with_its_reason_and_mover(seeded, train) -> None:
    make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    before = audit_count(seeded)
    made = move(seeded, "PAY-1", "R-3", "Waiting on the vendor")
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-3")
    assert deferral_rows(seeded) == [
        ("PAY-1", "R-1", "R-3", "Waiting on the vendor", "coordinator")
    ]
    with seeded.db.read() as s:
        assert str(s.scalars(select(Deferral.uuid)).one()) == made.deferral_uuid
    assert audit_count(seeded) == before + 1  # the move and its deferral are one event
    [event] = latest_events(seeded, 1)
    assert event.after == {
        "target_release": release_uuid(seeded, "R-3"),
        "status": "planned",
        "reason": "Waiting on the vendor",
        "deferral": made.deferral_uuid,
    }


def test_back_to_the_backlog_unplans_it_and_is_a_deferral(seeded, train) -> None:
    make_workload(seeded, "PAY-1", status="planned", target_release="R-2")
    move(seeded, "PAY-1", None)
    assert state(seeded, "PAY-1")[:2] == ("backlog", None)
    assert deferral_rows(seeded) == [("PAY-1", "R-2", None, "moved by hand", "coordinator")]


def test_work_in_progress_may_slip_to_a_later_release(seeded, train) -> None:
    make_workload(seeded, "PAY-1", status="in_progress", target_release="R-1")
    move(seeded, "PAY-1", "R-2", "Bigger than it looked")
    assert state(seeded, "PAY-1")[:2] == ("in_progress", "R-2")
    assert [d[:3] for d in deferral_rows(seeded)] == [("PAY-1", "R-1", "R-2")]


@pytest.mark.parametrize(
    ("values", "to", "message"),
    [
        ({"status": "deployed", "target_release": "R-1"}, "R-2", "it is deployed and can no"),
        ({"status": "cancelled"}, "R-1", "it is cancelled and can no longer move"),
        ({"status": "in_progress", "target_release": "R-1"}, None, "cannot go back to the backlog"),
        ({"change_class": "emergency"}, "R-1", "emergency patch needs its justification"),
    ],
    ids=["deployed", "cancelled", "in-progress-to-backlog", "emergency-without-reason"],
)
def test_a_refused_move_names_the_workload_and_changes_nothing(
    seeded, train, values, to, message
) -> None:
    make_workload(seeded, "PAY-1", **values)
    before, count = state(seeded, "PAY-1"), audit_count(seeded)
    with pytest.raises(ValidationError) as info:
        move(seeded, "PAY-1", to, "Try anyway")
    [error] = info.value.errors
    assert error.field == "target_release"
    assert error.message.startswith("PAY-1: ") and message in error.message
    assert state(seeded, "PAY-1") == before
    assert deferral_rows(seeded) == [] and audit_count(seeded) == count


def test_work_cannot_be_planned_into_a_release_that_has_shipped(seeded) -> None:
    shipped = make_train(seeded, "Payments train", NOW, past=1, upcoming=1)
    make_workload(seeded, "PAY-1")
    with pytest.raises(ValidationError) as info:
        move(seeded, "PAY-1", shipped.past[0])
    [error] = info.value.errors
    assert error.message == f"PAY-1: {shipped.past[0]} is released; plan into an upcoming release"
    assert state(seeded, "PAY-1")[:2] == ("backlog", None)


def test_an_emergency_with_its_justification_can_be_released(seeded, train) -> None:
    make_workload(seeded, "PAY-1", change_class="emergency", exception_reason="Card outage")
    move(seeded, "PAY-1", "R-1")
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-1")


def test_a_viewer_cannot_move_work(seeded, train) -> None:
    make_workload(seeded, "PAY-1")
    with pytest.raises(PermissionDenied):
        move(seeded, "PAY-1", "R-1", actor=seeded.viewer)
    assert state(seeded, "PAY-1")[:2] == ("backlog", None)


def test_a_move_from_a_stale_view_is_a_conflict(seeded, train) -> None:
    make_workload(seeded, "PAY-1")
    seen = state(seeded, "PAY-1")[2]
    move(seeded, "PAY-1", "R-1")  # someone else planned it meanwhile
    with pytest.raises(ConflictError), seeded.db.transaction() as s:
        move_workload(s, seeded.coordinator, ids(seeded)["PAY-1"], train.ids["R-3"], "", seen)
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-1")
    assert deferral_rows(seeded) == []


def test_undo_puts_it_back_and_takes_the_deferral_away(seeded, train) -> None:
    make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-2")
    slipped = move(seeded, "PAY-1", "R-2", "Late")
    planned = move(seeded, "PAY-2", "R-3")
    assert len(deferral_rows(seeded)) == 1
    before = audit_count(seeded)
    with seeded.db.transaction() as s:
        undo_move(s, seeded.coordinator, slipped)
        undo_move(s, seeded.coordinator, planned)
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-1")
    assert state(seeded, "PAY-2")[:2] == ("backlog", None)
    assert deferral_rows(seeded) == []
    events = latest_events(seeded, 2)
    assert audit_count(seeded) == before + 2
    assert [e.action for e in events] == ["undo move", "undo move"]
    assert events[0].after == {"target_release": release_uuid(seeded, "R-1"), "status": "planned"}


def test_a_slip_made_in_the_workload_form_is_recorded_and_undo_takes_it_back(seeded, train) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    with seeded.db.transaction() as s:
        version = crud.update(s, seeded.coordinator, WORKLOAD, wl_uuid, version,
                              {"title": "Refund API"}).version  # fmt: skip
    assert deferral_rows(seeded) == []
    with seeded.db.transaction() as s:
        version = crud.update(s, seeded.coordinator, WORKLOAD, wl_uuid, version,
                              {"target_release": "R-3"}).version  # fmt: skip
    assert deferral_rows(seeded) == [
        ("PAY-1", "R-1", "R-3", "changed in the workload's details", "coordinator")
    ]
    with seeded.db.transaction() as s:  # what undo in the form does: the old value again
        crud.update(s, seeded.coordinator, WORKLOAD, wl_uuid, version, {"target_release": "R-1"})
    assert deferral_rows(seeded) == []


def test_undo_is_refused_once_the_workload_moved_again(seeded, train) -> None:
    make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    first = move(seeded, "PAY-1", "R-2", "Late")
    move(seeded, "PAY-1", "R-3", "Later still")
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        undo_move(s, seeded.coordinator, first)
    assert "PAY-1 changed since; nothing was undone" in str(info.value)
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-3")
    assert [d[1:3] for d in deferral_rows(seeded)] == [("R-1", "R-2"), ("R-2", "R-3")]


# -- applying an auto-plan -------------------------------------------------------------------


def proposal(org: Org, train: Train, placed: dict[str, str], deferred: dict[str, str]):
    """Placements (key → release name) and deferrals (key → reason), as the planner makes
    them: a deferral carries the release the workload slips out of."""
    key_of = ids(org)
    with org.db.read() as s:
        current = {k: r for k, r in s.execute(select(Workload.key, Workload.target_release_id))}
    return Proposal(
        placements=tuple(
            Placement(key_of[k], k, 0, train.ids[r], 3, 3.33, f"fits {r}", current[k])
            for k, r in placed.items()
        ),
        deferrals=tuple(
            ProposedDeferral(key_of[k], k, 0, why, current[k]) for k, why in deferred.items()
        ),
        loads=(),
    )


def test_applying_a_proposal_moves_everything_and_undo_takes_it_all_back(seeded, train) -> None:
    make_workload(seeded, "PAY-1")
    make_workload(seeded, "PAY-2", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-3", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-4")
    plan = proposal(
        seeded,
        train,
        {"PAY-1": "R-1", "PAY-2": "R-2"},
        {"PAY-3": "No room: Payments is full", "PAY-4": "No room either"},
    )
    before = audit_count(seeded)
    with seeded.db.transaction() as s:
        applied = apply_proposal(s, seeded.coordinator, plan)
    assert len(applied.moves) == 3 and applied.deferred == 2  # PAY-4 stays in the backlog
    assert state(seeded, "PAY-1")[:2] == ("planned", "R-1")
    assert state(seeded, "PAY-2")[:2] == ("planned", "R-2")
    assert state(seeded, "PAY-3")[:2] == ("backlog", None)
    assert state(seeded, "PAY-4")[:2] == ("backlog", None)
    assert deferral_rows(seeded) == [
        ("PAY-2", "R-1", "R-2", "fits R-2", "coordinator"),
        ("PAY-3", "R-1", None, "No room: Payments is full", "coordinator"),
    ]
    assert audit_count(seeded) == before + 3
    assert {e.action for e in latest_events(seeded, 3)} == {"auto-plan"}

    with seeded.db.transaction() as s:
        undo_applied(s, seeded.coordinator, applied)
    assert state(seeded, "PAY-1")[:2] == ("backlog", None)
    assert state(seeded, "PAY-2")[:2] == ("planned", "R-1")
    assert state(seeded, "PAY-3")[:2] == ("planned", "R-1")
    assert deferral_rows(seeded) == []


def test_one_invalid_move_refuses_the_whole_proposal(seeded, train) -> None:
    make_workload(seeded, "PAY-1")
    make_workload(seeded, "PAY-2", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-3", status="deployed", target_release="R-1")
    plan = proposal(seeded, train, {"PAY-1": "R-1", "PAY-2": "R-2", "PAY-3": "R-3"}, {})
    before = [state(seeded, k) for k in ("PAY-1", "PAY-2", "PAY-3")]
    count = audit_count(seeded)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        apply_proposal(s, seeded.coordinator, plan)
    assert [e.message for e in info.value.errors] == [
        "PAY-3: it is deployed and can no longer move"
    ]
    assert [state(seeded, k) for k in ("PAY-1", "PAY-2", "PAY-3")] == before
    assert deferral_rows(seeded) == [] and audit_count(seeded) == count


# -- editing the planning inputs of a workload -----------------------------------------------


def test_edit_returns_the_previous_values(seeded) -> None:
    make_workload(seeded, "PAY-1")
    item = ids(seeded)["PAY-1"]
    with seeded.db.transaction() as s:
        previous = edit_workload(
            s, seeded.coordinator, item, {"title": "Refund API", "business_value": 13}
        )
    assert previous == {"title": "Change PAY-1", "business_value": 5}
    with seeded.db.read() as s:
        wl = s.get(Workload, item)
        assert (wl.title, wl.business_value, wl.wsjf_score) == ("Refund API", 13, 6.0)


def test_an_unknown_field_is_named_and_nothing_is_saved(seeded) -> None:
    make_workload(seeded, "PAY-1")
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        edit_workload(s, seeded.coordinator, ids(seeded)["PAY-1"], {"colour": "red", "size": 5})
    assert [(e.field, e.message) for e in info.value.errors] == [
        ("colour", "is not a workload field")
    ]
    assert state(seeded, "PAY-1")[2] == 1


@pytest.mark.parametrize("size", [0, -1])
def test_a_job_size_below_one_is_refused_and_nothing_is_saved(seeded, size) -> None:
    make_workload(seeded, "PAY-1")
    item = ids(seeded)["PAY-1"]
    count = audit_count(seeded)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        edit_workload(s, seeded.coordinator, item, {"size": size, "title": "Refund API"})
    assert [e.field for e in info.value.errors] == ["size"]
    with seeded.db.read() as s:
        wl = s.get(Workload, item)
        assert (wl.size, wl.title, wl.version) == (3, "Change PAY-1", 1)
    assert audit_count(seeded) == count


# -- the slip history ------------------------------------------------------------------------


def test_deferral_slips_cover_the_recent_releases_and_anything_later(seeded) -> None:
    now = datetime.now(UTC)
    make_train(seeded, "Payments train", now, past=3, upcoming=2)
    make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-2", status="planned", target_release="R-3")
    make_workload(seeded, "PAY-3", status="planned", target_release="R-4")
    move(seeded, "PAY-1", "R-4", "Old slip")
    move(seeded, "PAY-2", "R-5", "Vendor late")
    move(seeded, "PAY-3", None, "")
    with seeded.db.transaction() as s:
        wl = s.scalars(select(Workload).where(Workload.key == "PAY-2")).one()
        crud.update(s, seeded.coordinator, WORKLOAD, wl.uuid, wl.version, {"status": "cancelled"})
    with seeded.db.read() as s:
        recent = deferral_slips(s, releases_back=1)
        everything = deferral_slips(s, releases_back=3)
    assert [(x.key, x.from_release, x.to_release) for x in recent] == [
        ("PAY-2", "R-3", "R-5"),
        ("PAY-3", "R-4", None),
    ]
    assert [x.key for x in everything] == ["PAY-1", "PAY-2", "PAY-3"]
    slip = recent[0]
    assert (slip.team, slip.reason, slip.actor, slip.open) == (
        "Payments",
        "Vendor late",
        "coordinator",
        False,
    )
    assert recent[1].open and recent[1].reason == "moved by hand"


def test_deferral_slips_reach_back_on_every_train_whatever_its_cadence(seeded) -> None:
    now = datetime.now(UTC)
    make_train(seeded, "Payments train", now, past=4, every=timedelta(days=7), prefix="P")
    make_train(
        seeded,
        "Mobile train",
        now,
        past=2,
        upcoming=1,
        teams=["Mobile"],
        every=timedelta(days=30),
        prefix="M",
    )
    make_workload(seeded, "MOB-1", team="Mobile", status="planned", target_release="M-2")
    make_workload(seeded, "MOB-2", team="Mobile", status="planned", target_release="M-1")
    make_workload(seeded, "PAY-1", status="planned", target_release="P-4")
    move(seeded, "MOB-1", "M-3", "Store review")
    move(seeded, "MOB-2", "M-3", "Long ago")
    move(seeded, "PAY-1", None, "Dropped")
    with seeded.db.read() as s:
        latest = deferral_slips(s, releases_back=1)
    # The last release of each train: P-4 a week ago and M-2 a month ago; M-1 is older.
    assert sorted((x.key, x.from_release) for x in latest) == [
        ("MOB-1", "M-2"),
        ("PAY-1", "P-4"),
    ]
