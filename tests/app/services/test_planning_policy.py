"""The planning knobs: the shared policy and each team's caps and train."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, Team
from app.domain import PlanningPolicy as PolicyRow
from app.planning.plan import PlanningPolicy
from app.services import crud
from app.services.capacity_queries import load_snapshot
from app.services.errors import PermissionDenied, ValidationError
from app.services.org import TEAM
from app.services.planning_policy import get_policy, save_policy
from tests.factories import Org, deliver, make_train

NOW = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)
DEFAULTS = PlanningPolicy(
    history_releases=6,
    capacity_percentile=25,
    default_capacity=20,
    tech_debt_share_percent=15,
    plan_releases=6,
)


def policy(org: Org) -> PlanningPolicy:
    with org.db.read() as s:
        return get_policy(s)


def save(org: Org, values: dict, actor=None) -> PlanningPolicy:
    with org.db.transaction() as s:
        return save_policy(s, actor or org.coordinator, values)


def policy_events(org: Org) -> list[AuditEvent]:
    with org.db.read() as s:
        query = select(AuditEvent).where(AuditEvent.entity_type == "planning_policy")
        return list(s.scalars(query.order_by(AuditEvent.seq)))


def rows(org: Org) -> int:
    with org.db.read() as s:
        return s.scalar(select(func.count()).select_from(PolicyRow))


# -- the policy ------------------------------------------------------------------------------


def test_without_a_saved_policy_the_documented_defaults_apply(seeded) -> None:
    assert policy(seeded) == DEFAULTS
    assert rows(seeded) == 0


def test_saving_stores_the_changed_knobs_returns_the_previous_and_is_audited(seeded) -> None:
    previous = save(seeded, {"capacity_percentile": 50, "default_capacity": 8})
    assert previous == DEFAULTS
    first = PlanningPolicy(6, 50, 8, 15, 6)
    assert policy(seeded) == first

    previous = save(seeded, {"tech_debt_share_percent": 0})
    assert previous == first
    assert policy(seeded) == PlanningPolicy(6, 50, 8, 0, 6)
    assert rows(seeded) == 1

    created, updated = policy_events(seeded)
    assert (created.action, created.actor) == ("create", "coordinator")
    assert created.after["capacity_percentile"] == 50 and created.after["default_capacity"] == 8
    assert updated.action == "update"
    assert updated.before["tech_debt_share_percent"] == 15
    assert updated.after["tech_debt_share_percent"] == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("default_capacity", -1),
        ("capacity_percentile", 0),
        ("capacity_percentile", 101),
        ("tech_debt_share_percent", 120),
        ("history_releases", 0),
        ("plan_releases", 0),
    ],
)
@pytest.mark.parametrize("saved_before", [False, True], ids=["first-save", "later-save"])
def test_an_out_of_range_knob_is_refused_naming_it_and_nothing_is_saved(
    seeded, field, value, saved_before
) -> None:
    if saved_before:
        save(seeded, {"default_capacity": 12})
    before, events = policy(seeded), len(policy_events(seeded))
    valid = {"default_capacity": 5} if field == "plan_releases" else {"plan_releases": 3}
    with pytest.raises(ValidationError) as info:
        save(seeded, valid | {field: value})
    assert [e.field for e in info.value.errors] == [field]
    assert policy(seeded) == before
    assert len(policy_events(seeded)) == events


def test_a_viewer_cannot_change_the_policy(seeded) -> None:
    with pytest.raises(PermissionDenied):
        save(seeded, {"default_capacity": 5}, actor=seeded.viewer)
    assert policy(seeded) == DEFAULTS


def test_capacity_is_read_with_the_saved_policy(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, past=4, upcoming=3)
    deliver(seeded, train, "Payments", [10, 20, 30, 40])
    save(
        seeded,
        {
            "history_releases": 3,
            "capacity_percentile": 50,
            "default_capacity": 8,
            "plan_releases": 2,
        },
    )
    with seeded.db.read() as s:
        snap = load_snapshot(s, now=NOW)
    teams = {t.name: t for t in snap.teams}
    assert (teams["Payments"].capacity, teams["Payments"].basis) == (
        30,
        "median of last 3 releases: 30 points",
    )
    assert (teams["Mobile"].capacity, teams["Mobile"].basis) == (
        8,
        "no delivery history yet: default of 8 points",
    )
    assert [r.name for r in snap.releases] == ["R-5", "R-6"]
    assert snap.policy == PlanningPolicy(3, 50, 8, 15, 2)


# -- team knobs ------------------------------------------------------------------------------


def team(org: Org, name: str = "Payments") -> Team:
    with org.db.read() as s:
        return s.scalars(select(Team).where(Team.name == name)).one()


@pytest.mark.parametrize("cap", [0, -5])
def test_a_team_cap_must_be_at_least_one_point(seeded, cap) -> None:
    before = team(seeded)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.update(s, seeded.coordinator, TEAM, before.uuid, before.version, {"capacity_cap": cap})
    assert [e.field for e in info.value.errors] == ["capacity_cap"]
    after = team(seeded)
    assert (after.capacity_cap, after.version) == (None, before.version)


def test_a_team_joins_a_train_by_its_name(seeded) -> None:
    train = make_train(seeded, "Payments train", NOW, upcoming=1, teams=[])
    mobile = team(seeded, "Mobile")
    with seeded.db.transaction() as s:
        crud.update(
            s,
            seeded.coordinator,
            TEAM,
            mobile.uuid,
            mobile.version,
            {"train": "Payments train", "capacity_cap": 30, "max_share_percent": 60},
        )
    mobile = team(seeded, "Mobile")
    assert (mobile.train_id, mobile.capacity_cap, mobile.max_share_percent) == (train.id, 30, 60)
    assert team(seeded, "Payments").train_id is None
