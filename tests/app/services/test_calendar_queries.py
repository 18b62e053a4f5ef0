"""The calendar as read for a range: items, filters, conflicts and what-if while dragging."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.db import Database
from app.demo import generate
from app.domain import Deployment, FreezePeriod
from app.planning.recurrence import occurrences
from app.services import crud
from app.services.calendar import (
    DEPLOYMENT_WINDOW,
    FREEZE,
    WAVE,
    decide_override,
    request_override,
    schedule_of,
)
from app.services.calendar_data import Filters
from app.services.calendar_queries import CalendarPlan, filter_choices, load_calendar, month_range
from app.services.catalog import COMPONENT, ENVIRONMENT
from app.services.releases import RELEASE, RELEASE_TRAIN
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values


def _next_monday(days_ahead: int) -> datetime:
    day = date.today() + timedelta(days=days_ahead)
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(), UTC)


BASE = _next_monday(60)
"""A Monday far enough ahead that an override may still expire before it."""
MON, TUE, WED, THU = (BASE + timedelta(days=n) for n in range(4))
AFTER, BEFORE = BASE - timedelta(days=7), BASE + timedelta(days=28)


@dataclass
class World:
    org: Org
    web: str  # release in the Web train, Tue 20:00–24:00 UTC: payments-api
    hotfix: str  # independent release, Wed 20:00–22:00 UTC: mobile-app
    pay_staging: str
    pay_prod: str  # Tue 21:00–21:30, owner coordinator
    mob_prod: str  # Wed 20:30–21:00, owner approver


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


def build(org: Org) -> World:
    """Two teams, a staging and a production environment, a train release and an independent
    one, and a planned deployment per team in production (Payments also in staging). Nothing
    conflicts until a test adds a window or a freeze."""
    with org.db.transaction() as s:
        actor = org.coordinator
        staging = crud.create(
            s, actor, ENVIRONMENT, {"name": "staging", "position": 1, "is_production": False}
        )
        prod = crud.create(
            s, actor, ENVIRONMENT, {"name": "production", "position": 2, "is_production": True}
        )
        crud.create(
            s,
            actor,
            COMPONENT,
            {
                "name": "mobile-app",
                "kind": "mobile",
                "team": "Mobile",
                "track": "independent",
                "stateful": False,
                "pii": False,
                "financial": False,
                "health": False,
            },
        )
        train = crud.create(
            s,
            actor,
            RELEASE_TRAIN,
            {"name": "Web train", "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "timezone": "UTC"},
        )

        def release(name: str, start: datetime, hours: int, **over: Any) -> Any:
            values = {
                "name": name,
                "window_start": start,
                "window_end": start + timedelta(hours=hours),
                "status": "planned",
            }
            return crud.create(s, actor, RELEASE, values | over)

        web = release("web-1", at(TUE, 20), 4, train=train)
        hotfix = release("hotfix-1", at(WED, 20), 2)
        pay = crud.create(
            s,
            actor,
            WORKLOAD,
            workload_values(
                "PAY-1", components=["payments-api"], status="planned", target_release=web
            ),
        )
        mob = crud.create(
            s,
            actor,
            WORKLOAD,
            workload_values(
                "MOB-1",
                team="Mobile",
                components=["mobile-app"],
                status="planned",
                target_release=hotfix,
            ),
        )

        def deploy(workload: Any, env: Any, start: datetime, owner: int | None) -> str:
            row = Deployment(
                workload_id=workload.id,
                environment_id=env.id,
                owner_id=owner,
                planned_start=start,
                planned_end=start + timedelta(minutes=30),
            )
            s.add(row)
            s.flush()
            return str(row.uuid)

        return World(
            org,
            web=str(web.uuid),
            hotfix=str(hotfix.uuid),
            pay_staging=deploy(pay, staging, at(TUE, 9), org.coordinator.person_id),
            pay_prod=deploy(pay, prod, at(TUE, 21), org.coordinator.person_id),
            mob_prod=deploy(mob, prod, at(WED, 20, 30), org.approver.person_id),
        )


@pytest.fixture
def world(seeded: Org) -> World:
    return build(seeded)


def add(org: Org, spec: Any, values: dict[str, Any]) -> str:
    with org.db.transaction() as s:
        return str(crud.create(s, org.coordinator, spec, values).uuid)


def add_freeze(org: Org, start: datetime, end: datetime, **over: Any) -> str:
    values = {
        "name": "Launch freeze",
        "timezone": "UTC",
        "starts_local": start.replace(tzinfo=None),
        "ends_local": end.replace(tzinfo=None),
        "all_day": start.time() == end.time() == time(),
        "hard": True,
        "reason": "Marketing launch",
    }
    return add(org, FREEZE, values | over)


def load(org: Org, filters: Filters = Filters(), after=AFTER, before=BEFORE) -> CalendarPlan:
    with org.db.read() as s:
        return load_calendar(s, after, before, filters)


def by_subject(plan: CalendarPlan, kind: str) -> dict[str, Any]:
    found = [c for c in plan.data.conflicts if c.kind == kind]
    assert len({c.subject for c in found}) == len(found), found
    return {c.subject: c for c in found}


# -- freezes ---------------------------------------------------------------------------------


def test_the_plain_plan_has_no_conflicts(world: World) -> None:
    plan = load(world.org)
    assert plan.data.conflicts == []
    assert {d.key for d in plan.data.deployments} == {
        world.pay_staging,
        world.pay_prod,
        world.mob_prod,
    }
    assert {r.key for r in plan.data.releases} == {world.web, world.hotfix}


def test_a_hard_freeze_blocks_production_and_names_the_next_free_time(world: World) -> None:
    freeze = add_freeze(world.org, TUE, THU)
    plan = load(world.org)
    hits = by_subject(plan, "hard_freeze")
    # production deployments and release windows are checked; staging is not
    assert set(hits) == {world.pay_prod, world.mob_prod, world.web, world.hotfix}
    conflict = hits[world.pay_prod]
    assert conflict.severity == "blocking" and conflict.other == freeze
    assert "Launch freeze" in conflict.reason and "PAY-1 → production" in conflict.reason
    assert conflict.start == at(TUE, 21)
    assert conflict.next_free == THU  # the freeze's end: nothing else is in the way
    assert hits[world.web].next_free == THU


def test_an_approved_unexpired_override_turns_the_freeze_into_a_warning(world: World) -> None:
    org = world.org
    freeze = add_freeze(org, TUE, THU)

    def severity(subject: str) -> str:
        return by_subject(load(org), "hard_freeze")[subject].severity

    with org.db.transaction() as s:  # approved, but over before the deployment
        soon = request_override(
            s,
            org.coordinator,
            freeze,
            world.pay_prod,
            "Hotfix",
            datetime.now(UTC) + timedelta(days=1),
        )
        decide_override(s, org.approver, str(soon.uuid), True, "")
    assert severity(world.pay_prod) == "blocking"
    with org.db.transaction() as s:
        asked = request_override(
            s, org.coordinator, freeze, world.web, "Regulator deadline", BASE + timedelta(days=30)
        )
        uid = str(asked.uuid)
    assert severity(world.pay_prod) == "blocking"  # requested is not approved
    with org.db.transaction() as s:
        decide_override(s, org.approver, uid, True, "Agreed with the launch team")
    hits = by_subject(load(org), "hard_freeze")
    for subject in (world.pay_prod, world.web):  # the release and its deployments
        assert hits[subject].severity == "warning"
        assert hits[subject].next_free is None
        assert "override approved until" in hits[subject].reason
    assert hits[world.mob_prod].severity == "blocking"  # another release
    assert hits[world.hotfix].severity == "blocking"
    statuses = sorted(o.status for o in load(org).data.overrides)
    assert statuses == ["approved", "approved"]


def test_a_deployment_already_under_way_is_not_flagged(world: World) -> None:
    org = world.org
    with org.db.transaction() as s:
        dep = s.scalars(
            select(Deployment).where(Deployment.uuid == uuid.UUID(world.pay_prod))
        ).one()
        dep.actual_start = at(TUE, 21)
    add_freeze(org, TUE, THU)
    plan = load(org)
    assert set(by_subject(plan, "hard_freeze")) == {world.mob_prod, world.web, world.hotfix}
    shown = next(d for d in plan.data.deployments if d.key == world.pay_prod)
    assert shown.actual_start == at(TUE, 21)  # still on the calendar, just not checked


@pytest.mark.parametrize(
    ("scope", "hit"),
    [
        ({"teams": ["Mobile"]}, "mobile"),
        ({"teams": ["Payments"]}, "payments"),
        ({"components": ["payments-api"]}, "payments"),
    ],
)
def test_a_scoped_freeze_applies_to_its_own_teams_only(world: World, scope, hit) -> None:
    add_freeze(world.org, TUE, THU, **scope)
    hits = by_subject(load(world.org), "hard_freeze")
    expected = {
        "mobile": {world.mob_prod, world.hotfix},
        "payments": {world.pay_prod, world.web},
    }
    assert set(hits) == expected[hit]


def test_a_soft_freeze_only_warns(world: World) -> None:
    add_freeze(world.org, TUE, THU, hard=False)
    hits = by_subject(load(world.org), "soft_freeze")
    assert set(hits) == {world.pay_prod, world.mob_prod, world.web, world.hotfix}
    assert {c.severity for c in hits.values()} == {"warning"}
    assert not by_subject(load(world.org), "hard_freeze")


# -- windows ---------------------------------------------------------------------------------


def test_a_release_outside_every_production_window_is_flagged(world: World) -> None:
    org = world.org
    window = add(
        org,
        DEPLOYMENT_WINDOW,
        {
            "name": "Tuesday evening",
            "environment": "production",
            "timezone": "UTC",
            "starts_local": at(TUE, 19).replace(tzinfo=None),
            "ends_local": WED.replace(tzinfo=None),
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
        },
    )
    add(  # a staging window does not let anything into production
        org,
        DEPLOYMENT_WINDOW,
        {
            "name": "Staging all week",
            "environment": "staging",
            "timezone": "UTC",
            "starts_local": MON.replace(tzinfo=None),
            "ends_local": (MON + timedelta(days=7)).replace(tzinfo=None),
            "rrule": "FREQ=WEEKLY",
        },
    )
    hits = by_subject(load(org), "outside_window")
    assert set(hits) == {world.hotfix, world.mob_prod}  # Wednesday; the web release fits
    conflict = hits[world.hotfix]
    assert conflict.severity == "blocking" and conflict.other == window
    assert "outside every allowed window for production" in conflict.reason
    assert "Tuesday evening" in conflict.reason
    assert conflict.next_free == at(TUE + timedelta(days=7), 19)


# -- what if ---------------------------------------------------------------------------------


def test_what_if_release_reports_the_freeze_it_is_dragged_into(world: World) -> None:
    org = world.org
    week = timedelta(days=7)
    freeze = add_freeze(org, TUE + week, THU + week)
    plan = load(org)
    assert plan.data.conflicts == []
    into = plan.what_if_release(world.web, at(WED + week, 20), THU + week)
    hits = {(c.kind, c.subject) for c in into}
    assert ("hard_freeze", world.web) in hits
    assert ("hard_freeze", world.pay_prod) in hits  # its deployment comes along
    assert {c.other for c in into} == {freeze}
    moved = next(c for c in into if c.subject == world.pay_prod)
    assert moved.start == at(WED + week, 21)
    assert plan.what_if_release(world.web, at(TUE + 2 * week, 20), WED + 2 * week) == []
    assert plan.what_if_release("no-such-release", at(TUE, 20), at(WED, 0)) == []
    assert load(org).data.conflicts == []  # asking changed nothing


def test_what_if_wave_reports_a_wave_that_has_not_baked(world: World) -> None:
    org = world.org
    with org.db.transaction() as s:
        for position, start in ((1, at(TUE, 20)), (2, at(TUE, 22))):
            wave = crud.create(
                s,
                org.coordinator,
                WAVE,
                {
                    "release": world.web,
                    "position": position,
                    "name": f"Wave {position}",
                    "starts_at": start,
                    "ends_at": start + timedelta(minutes=45),
                    "traffic_percent": 50 * position,
                    "bake_minutes": 60,
                },
            )
        second = str(wave.uuid)
    plan = load(org)
    assert plan.data.conflicts == []
    assert [w.position for w in plan.data.waves] == [1, 2]
    early = plan.what_if_wave(second, at(TUE, 21), at(TUE, 21, 45))
    assert [(c.kind, c.subject, c.next_free) for c in early] == [
        ("wave_bake", second, at(TUE, 21, 45))
    ]
    assert plan.what_if_wave(second, at(TUE, 21, 45), at(TUE, 22, 30)) == []


# -- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "deployments", "releases"),
    [
        (Filters(), {"pay_staging", "pay_prod", "mob_prod"}, {"web", "hotfix"}),
        (Filters(teams=frozenset({"Mobile"})), {"mob_prod"}, {"hotfix"}),
        (Filters(environments=frozenset({"staging"})), {"pay_staging"}, {"web", "hotfix"}),
        (Filters(trains=frozenset({"Web train"})), {"pay_staging", "pay_prod"}, {"web"}),
        (Filters(components=frozenset({"payments-api"})), {"pay_staging", "pay_prod"}, {"web"}),
    ],
    ids=["none", "team", "environment", "train", "component"],
)
def test_filters_reduce_what_is_shown(world: World, filters, deployments, releases) -> None:
    plan = load(world.org, filters)
    assert {d.key for d in plan.data.deployments} == {getattr(world, n) for n in deployments}
    assert {r.key for r in plan.data.releases} == {getattr(world, n) for n in releases}


def test_filter_choices_list_the_names_to_pick(world: World) -> None:
    with world.org.db.read() as s:
        choices = filter_choices(s)
    assert choices == {
        "trains": ["Web train"],
        "teams": ["Mobile", "Payments"],
        "components": ["mobile-app", "payments-api"],
        "environments": ["staging", "production"],
    }


def test_items_describe_themselves_and_the_range(world: World) -> None:
    org = world.org
    window = add(
        org,
        DEPLOYMENT_WINDOW,
        {
            "name": "Berlin nights",
            "environment": "production",
            "timezone": "Europe/Berlin",
            "starts_local": "2027-04-27 22:00",
            "ends_local": "2027-04-28 02:00",
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "exdates": ["2027-05-18T22:00"],
        },
    )
    freeze = add(
        org,
        FREEZE,
        {
            "name": "Quarter close",
            "timezone": "Europe/London",
            "starts_local": "2027-05-28 00:00",
            "ends_local": "2027-06-01 00:00",
            "all_day": True,
            "hard": False,
            "teams": ["Payments"],
            "reason": "Finance closes the books",
        },
    )
    add_freeze(org, datetime(2027, 7, 6, tzinfo=UTC), datetime(2027, 7, 7, tzinfo=UTC), name="July")
    plan = load(
        org, after=datetime(2027, 5, 1, tzinfo=UTC), before=datetime(2027, 6, 1, tzinfo=UTC)
    )
    (win,) = [w for w in plan.data.windows if w.key == window]
    assert win.environment == "production" and win.zone == "Europe/Berlin"
    assert win.plain == "every Tuesday 22:00–02:00 Europe/Berlin, except 1 date"
    # May 4, 11 and 25 (the 18th is skipped, April 27 is before the range), 22:00 CEST
    assert [o.start for o in win.occurrences] == [
        datetime(2027, 5, d, 20, 0, tzinfo=UTC) for d in (4, 11, 25)
    ]
    assert all(o.end - o.start == timedelta(hours=4) for o in win.occurrences)
    items = {f.key: f for f in plan.data.freezes}
    close = items[freeze]
    assert close.scope == "teams Payments" and close.teams == ("Payments",)
    assert close.plain == "once on Fri 28 May 2027 for 4 days Europe/London"
    assert close.reason == "Finance closes the books" and not close.hard
    assert [(o.start, o.end) for o in close.occurrences] == [
        (datetime(2027, 5, 27, 23, 0, tzinfo=UTC), datetime(2027, 5, 31, 23, 0, tzinfo=UTC))
    ]
    july = next(f for f in plan.data.freezes if f.name == "July")
    assert july.scope == "everything" and july.hard
    assert july.occurrences == ()  # listed, but it happens outside the range


# -- the demo --------------------------------------------------------------------------------

DEMO_ANCHOR = date(2026, 3, 2)


def test_the_demo_month_of_the_data_centre_move_has_its_conflicts(db: Database) -> None:
    generate(db, anchor=DEMO_ANCHOR)
    with db.read() as s:
        move = s.scalars(select(FreezePeriod).where(FreezePeriod.name == "Data-centre move")).one()
        key = str(move.uuid)
        (occurrence,) = occurrences(
            schedule_of(move), datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        )
        after, before = month_range(occurrence.start.year, occurrence.start.month)
        plan = load_calendar(s, after, before)
    data = plan.data
    assert data.windows and data.freezes and data.waves
    assert {o.status for o in data.overrides} == {"approved", "requested"}
    assert key in {f.key for f in data.freezes}
    kinds = {c.kind for c in data.conflicts}
    assert {"hard_freeze", "wave_bake"} <= kinds
    assert any(c.kind == "hard_freeze" and c.other == key for c in data.conflicts)
    assert all(c.start < before and c.end > after for c in data.conflicts)
