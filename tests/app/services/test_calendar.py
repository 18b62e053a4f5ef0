"""Calendar writes: windows and freezes in wall-clock time, waves, moving a release, overrides."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, Deployment, DeploymentWindow, FreezeOverride, FreezePeriod, Wave
from app.services import audit, crud
from app.services.calendar import (
    DEPLOYMENT_WINDOW,
    FREEZE,
    WAVE,
    decide_override,
    move_release,
    request_override,
    schedule_of,
)
from app.services.catalog import ENVIRONMENT
from app.services.errors import ConflictError, PermissionDenied, ValidationError
from app.services.releases import RELEASE
from app.services.workloads import WORKLOAD
from tests.factories import Org, make_workload

WINDOW = {
    "name": "Tuesday night",
    "timezone": "Europe/Berlin",
    "starts_local": "2027-03-02 22:00",
    "ends_local": "2027-03-03 02:00",
    "rrule": "FREQ=WEEKLY;BYDAY=TU",
}
FREEZE_VALUES = {
    "name": "Quarter close",
    "timezone": "Europe/Berlin",
    "starts_local": "2027-03-29 00:00",
    "ends_local": "2027-04-01 00:00",
    "all_day": True,
    "hard": True,
}
START = datetime(2027, 5, 4, 20, 0, tzinfo=UTC)


def audit_count(org: Org) -> int:
    with org.db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def audit_events(org: Org, entity_uuid: str) -> list[AuditEvent]:
    with org.db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_uuid == entity_uuid)
                .order_by(AuditEvent.seq)
            )
        )


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "values", "field", "message"),
    [
        (DEPLOYMENT_WINDOW, WINDOW | {"ends_local": "2027-03-02 21:00"}, "ends_local", "after"),
        (
            FREEZE,
            FREEZE_VALUES | {"starts_local": "2027-03-29 08:00", "ends_local": "2027-03-30 08:00"},
            "all_day",
            "midnight",
        ),
        (DEPLOYMENT_WINDOW, WINDOW | {"rrule": "FREQ=SOMETIMES;BYDAY=TU"}, "rrule", "RFC 5545"),
        (DEPLOYMENT_WINDOW, WINDOW | {"rrule": "every other tuesday"}, "rrule", "RFC 5545"),
        (
            DEPLOYMENT_WINDOW,
            WINDOW | {"starts_local": "2027-03-28 02:30", "ends_local": "2027-03-28 05:00"},
            "starts_local",
            "2027-03-28 02:30 does not exist in Europe/Berlin",
        ),
        (
            DEPLOYMENT_WINDOW,
            WINDOW | {"starts_local": "2027-03-02T22:00+01:00"},
            "starts_local",
            "carries an offset",
        ),
        (
            FREEZE,
            FREEZE_VALUES | {"ends_local": datetime(2027, 4, 1, tzinfo=UTC)},
            "ends_local",
            "carries an offset",
        ),
        (
            DEPLOYMENT_WINDOW,
            WINDOW | {"exdates": ["2027-03-16T22:00+01:00"]},
            "exdates",
            "carries an offset",
        ),
    ],
    ids=[
        "end-before-start",
        "all-day-not-midnight",
        "bad-rrule-freq",
        "rrule-prose",
        "spring-forward-gap",
        "start-with-offset",
        "aware-end",
        "exdate-with-offset",
    ],
)
def test_bad_span_is_refused_naming_the_field(seeded, spec, values, field, message) -> None:
    before = audit_count(seeded)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, spec, values)
    errors = {e.field: e.message for e in info.value.errors}
    assert field in errors, errors
    assert message in errors[field]
    assert audit_count(seeded) == before
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(spec.model)) == 0


def test_the_hour_before_and_after_the_gap_are_accepted(seeded) -> None:
    with seeded.db.transaction() as s:
        for start in ("2027-03-28 01:30", "2027-03-28 03:00"):
            crud.create(
                s,
                seeded.coordinator,
                DEPLOYMENT_WINDOW,
                WINDOW | {"name": start, "starts_local": start, "ends_local": "2027-03-28 06:00"},
            )
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentWindow)) == 2


# -- round trips -----------------------------------------------------------------------------


def test_window_round_trips_in_wall_clock_time_and_is_audited(seeded) -> None:
    before = audit_count(seeded)
    with seeded.db.transaction() as s:
        env = crud.create(
            s,
            seeded.coordinator,
            ENVIRONMENT,
            {"name": "production", "position": 1, "is_production": True},
        )
        window = crud.create(
            s,
            seeded.coordinator,
            DEPLOYMENT_WINDOW,
            WINDOW | {"environment": "production", "exdates": ["2027-03-16 22:00"]},
        )
        uid, env_uuid = str(window.uuid), str(env.uuid)
    with seeded.db.read() as s:
        stored = crud.get(s, DEPLOYMENT_WINDOW, uid)
        assert stored.starts_local == datetime(2027, 3, 2, 22, 0)  # naive: Berlin wall clock
        assert stored.ends_local == datetime(2027, 3, 3, 2, 0)
        assert stored.exdates == ["2027-03-16T22:00"]
        assert stored.environment.name == "production"
        schedule = schedule_of(stored)
        assert (schedule.zone, schedule.minutes, schedule.rrule) == (
            "Europe/Berlin",
            240,
            "FREQ=WEEKLY;BYDAY=TU",
        )
        assert schedule.exdates == (datetime(2027, 3, 16, 22, 0),)
        version = stored.version
    with seeded.db.transaction() as s:
        crud.update(
            s,
            seeded.coordinator,
            DEPLOYMENT_WINDOW,
            uid,
            version,
            {"ends_local": "2027-03-03 03:30", "exdates": []},
        )
    with seeded.db.read() as s:
        stored = crud.get(s, DEPLOYMENT_WINDOW, uid)
        assert stored.ends_local == datetime(2027, 3, 3, 3, 30)
        assert stored.exdates == [] and stored.version == version + 1
        assert schedule_of(stored).minutes == 330
    with pytest.raises(ConflictError), seeded.db.transaction() as s:
        crud.update(s, seeded.coordinator, DEPLOYMENT_WINDOW, uid, version, {"name": "Stale"})
    with seeded.db.transaction() as s:
        crud.delete(s, seeded.coordinator, DEPLOYMENT_WINDOW, uid, version + 1)
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(DeploymentWindow)) == 0
        assert audit.verify(s).ok
    events = audit_events(seeded, uid)
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.entity_type == "deployment window" for e in events)
    created = events[0].after
    assert created["starts_local"] == "2027-03-02T22:00"  # the audit keeps the wall clock
    assert created["environment"] == env_uuid and created["exdates"] == ["2027-03-16T22:00"]
    assert events[1].before["ends_local"] == "2027-03-03T02:00"
    assert events[1].after["ends_local"] == "2027-03-03T03:30"
    assert events[2].after is None and events[2].before["name"] == "Tuesday night"
    assert audit_count(seeded) == before + 4  # the environment, then the window thrice


def test_freeze_scope_round_trips_and_is_audited(seeded) -> None:
    before = audit_count(seeded)
    with seeded.db.transaction() as s:
        freeze = crud.create(
            s,
            seeded.coordinator,
            FREEZE,
            FREEZE_VALUES | {"teams": [seeded.team], "components": ["payments-api"]},
        )
        uid = str(freeze.uuid)
    with seeded.db.read() as s:
        stored = crud.get(s, FREEZE, uid)
        assert [t.name for t in stored.teams] == ["Payments"]
        assert [c.name for c in stored.components] == ["payments-api"]
        assert stored.all_day and stored.hard
        assert schedule_of(stored).minutes == 3 * 1440 and schedule_of(stored).all_day
    with seeded.db.transaction() as s:
        crud.update(s, seeded.coordinator, FREEZE, uid, 1, {"teams": [], "hard": False})
    with seeded.db.read() as s:
        stored = crud.get(s, FREEZE, uid)
        assert stored.teams == [] and not stored.hard
        assert [c.name for c in stored.components] == ["payments-api"]
    with seeded.db.transaction() as s:
        crud.delete(s, seeded.coordinator, FREEZE, uid, 2)
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(FreezePeriod)) == 0
        assert audit.verify(s).ok
    events = audit_events(seeded, uid)
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[0].after["teams"] == [seeded.team]
    assert events[0].after["components"] == [seeded.component]
    assert events[1].after["teams"] == [] and events[1].after["hard"] is False
    assert audit_count(seeded) == before + 3


def test_a_viewer_cannot_create_a_window(seeded) -> None:
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        crud.create(s, seeded.viewer, DEPLOYMENT_WINDOW, WINDOW)


# -- waves -----------------------------------------------------------------------------------


def make_release(org: Org, name: str, start: datetime = START) -> tuple[str, int]:
    with org.db.transaction() as s:
        rel = crud.create(
            s,
            org.coordinator,
            RELEASE,
            {
                "name": name,
                "window_start": start,
                "window_end": start + timedelta(hours=4),
                "code_freeze_at": start - timedelta(days=2),
                "status": "planned",
            },
        )
        return str(rel.uuid), rel.version


def wave_values(release: str, position: int, start: datetime, **over: Any) -> dict[str, Any]:
    values = {
        "release": release,
        "position": position,
        "name": f"Wave {position}",
        "starts_at": start,
        "ends_at": start + timedelta(minutes=45),
        "traffic_percent": 5 * position,
        "bake_minutes": 60,
    }
    return values | over


def test_wave_position_is_unique_within_a_release(seeded) -> None:
    first, _ = make_release(seeded, "2027.10")
    second, _ = make_release(seeded, "2027.11", START + timedelta(days=14))
    with seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, WAVE, wave_values(first, 1, START))
        two = crud.create(s, seeded.coordinator, WAVE, wave_values(first, 2, START))
        crud.create(s, seeded.coordinator, WAVE, wave_values(second, 1, START))
        two_uuid = str(two.uuid)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, WAVE, wave_values(first, 1, START, name="Again"))
    assert info.value.errors[0].field == "position"
    assert "2027.10 already has a wave 1" in info.value.errors[0].message
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.update(s, seeded.coordinator, WAVE, two_uuid, 1, {"position": 1})
    assert info.value.errors[0].field == "position"
    with seeded.db.transaction() as s:  # saving a wave unchanged does not clash with itself
        crud.update(s, seeded.coordinator, WAVE, two_uuid, 1, {"position": 2, "name": "Early"})
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Wave)) == 3


def test_wave_must_end_after_it_starts(seeded) -> None:
    rel, _ = make_release(seeded, "2027.10")
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, WAVE, wave_values(rel, 1, START, ends_at=START))
    assert [e.field for e in info.value.errors] == ["ends_at"]


# -- moving a release ------------------------------------------------------------------------


def _plan(org: Org) -> dict[str, Any]:
    """A release with two waves and a workload with a planned, a started and (on another
    release's workload) an unrelated deployment."""
    rel, version = make_release(org, "2027.10")
    other, _ = make_release(org, "2027.12", START + timedelta(days=28))
    mine, _ = make_workload(org, "PAY-1", status="planned", target_release=rel)
    theirs, _ = make_workload(org, "PAY-2", status="planned", target_release=other)
    with org.db.transaction() as s:
        env = crud.create(
            s,
            org.coordinator,
            ENVIRONMENT,
            {"name": "production", "position": 1, "is_production": True},
        )
        waves = [
            crud.create(s, org.coordinator, WAVE, wave_values(rel, p, START + timedelta(hours=p)))
            for p in (1, 2)
        ]
        wl_mine = crud.get(s, WORKLOAD, mine)
        wl_theirs = crud.get(s, WORKLOAD, theirs)

        def dep(workload_id: int, start: datetime, started: bool = False) -> Deployment:
            row = Deployment(
                workload_id=workload_id,
                environment_id=env.id,
                owner_id=org.coordinator.person_id,
                planned_start=start,
                planned_end=start + timedelta(minutes=30),
                actual_start=start if started else None,
                result="succeeded" if started else "planned",
            )
            s.add(row)
            return row

        planned = dep(wl_mine.id, START + timedelta(minutes=30))
        started = dep(wl_mine.id, START - timedelta(days=1), started=True)
        unrelated = dep(wl_theirs.id, START + timedelta(minutes=30))
        s.flush()
        return {
            "release": rel,
            "version": version,
            "waves": [str(w.uuid) for w in waves],
            "planned": str(planned.uuid),
            "started": str(started.uuid),
            "unrelated": str(unrelated.uuid),
        }


def _times(org: Org, plan: dict[str, Any]) -> dict[str, Any]:
    with org.db.read() as s:
        rel = crud.get(s, RELEASE, plan["release"])
        waves = [crud.get(s, WAVE, w) for w in plan["waves"]]
        deps = {
            name: s.scalars(
                select(Deployment).where(Deployment.uuid == uuid.UUID(plan[name]))
            ).one()
            for name in ("planned", "started", "unrelated")
        }
        return {
            "window": (rel.window_start, rel.window_end),
            "code_freeze": rel.code_freeze_at,
            "waves": [(w.starts_at, w.ends_at) for w in waves],
            **{name: (d.planned_start, d.planned_end) for name, d in deps.items()},
            "version": rel.version,
        }


def test_move_release_takes_its_plan_along(seeded) -> None:
    plan = _plan(seeded)
    old = _times(seeded, plan)
    delta = timedelta(days=7, hours=2)
    new_start = START + delta
    audits = audit_count(seeded)
    with seeded.db.transaction() as s:
        moved = move_release(
            s,
            seeded.coordinator,
            plan["release"],
            plan["version"],
            new_start,
            new_start + timedelta(hours=5),
        )
        assert moved.version == plan["version"] + 1
    new = _times(seeded, plan)
    assert new["window"] == (new_start, new_start + timedelta(hours=5))  # moved and resized
    assert new["code_freeze"] == old["code_freeze"] + delta
    assert new["waves"] == [(a + delta, b + delta) for a, b in old["waves"]]
    assert new["planned"] == (old["planned"][0] + delta, old["planned"][1] + delta)
    assert new["started"] == old["started"]  # already happened: history does not move
    assert new["unrelated"] == old["unrelated"]  # another release's deployment
    with seeded.db.read() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.seq > audits).order_by(AuditEvent.seq)
        ).all()
        assert audit.verify(s).ok
    moves = sorted((e.entity_type, e.entity_uuid) for e in events if e.action == "move")
    assert moves == sorted(
        [("release", plan["release"]), ("deployment", plan["planned"])]
        + [("wave", w) for w in plan["waves"]]
    )
    dep_event = next(e for e in events if e.entity_type == "deployment")
    assert dep_event.before["planned_start"] == old["planned"][0].isoformat()
    assert dep_event.after["planned_start"] == new["planned"][0].isoformat()


def test_move_release_on_a_stale_version_changes_nothing(seeded) -> None:
    plan = _plan(seeded)
    with seeded.db.transaction() as s:
        crud.update(
            s, seeded.coordinator, RELEASE, plan["release"], plan["version"], {"status": "frozen"}
        )
    old = _times(seeded, plan)
    audits = audit_count(seeded)
    new_start = START + timedelta(days=1)
    with pytest.raises(ConflictError), seeded.db.transaction() as s:
        move_release(
            s,
            seeded.coordinator,
            plan["release"],
            plan["version"],
            new_start,
            new_start + timedelta(hours=4),
        )
    assert _times(seeded, plan) == old
    assert audit_count(seeded) == audits


def test_moving_back_restores_every_time(seeded) -> None:
    plan = _plan(seeded)
    old = _times(seeded, plan)
    new_start = START - timedelta(days=3, minutes=15)
    with seeded.db.transaction() as s:
        moved = move_release(
            s,
            seeded.coordinator,
            plan["release"],
            plan["version"],
            new_start,
            new_start + timedelta(hours=2),
        )
        version = moved.version
    assert _times(seeded, plan)["waves"] != old["waves"]
    with seeded.db.transaction() as s:
        move_release(s, seeded.coordinator, plan["release"], version, *old["window"])
    back = _times(seeded, plan)
    assert {k: v for k, v in back.items() if k != "version"} == {
        k: v for k, v in old.items() if k != "version"
    }


def test_a_viewer_cannot_move_a_release(seeded) -> None:
    rel, version = make_release(seeded, "2027.10")
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        move_release(s, seeded.viewer, rel, version, START, START + timedelta(hours=4))


# -- freeze overrides ------------------------------------------------------------------------


def _freeze_and_release(org: Org) -> tuple[str, str]:
    rel, _ = make_release(org, "2027.10")
    with org.db.transaction() as s:
        freeze = crud.create(s, org.coordinator, FREEZE, FREEZE_VALUES)
        return str(freeze.uuid), rel


def in_days(days: float) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


def test_override_is_requested_then_approved_by_someone_else(seeded) -> None:
    freeze, rel = _freeze_and_release(seeded)
    with seeded.db.transaction() as s:
        override = request_override(
            s, seeded.coordinator, freeze, rel, "  Regulator deadline  ", in_days(30)
        )
        uid = str(override.uuid)
        assert override.status == "requested"
        assert override.justification == "Regulator deadline"
        assert override.requested_by_id == seeded.coordinator.person_id
    with seeded.db.transaction() as s:
        decided = decide_override(s, seeded.approver, uid, True, "")
        assert decided.status == "approved"
        assert decided.decided_by_id == seeded.approver.person_id
        assert decided.decided_at is not None
    with seeded.db.read() as s:
        assert audit.verify(s).ok
    events = audit_events(seeded, uid)
    assert [e.action for e in events] == ["request", "approve"]
    assert events[0].actor == "coordinator" and events[1].actor == "approver"
    assert events[1].before["status"] == "requested"
    assert events[1].after["status"] == "approved"


def test_the_requester_cannot_decide_even_with_the_role(seeded) -> None:
    freeze, rel = _freeze_and_release(seeded)
    with seeded.db.transaction() as s:
        uid = str(request_override(s, seeded.admin, freeze, rel, "Hotfix", in_days(3)).uuid)
    for approve in (True, False):
        with pytest.raises(PermissionDenied, match="requester"), seeded.db.transaction() as s:
            decide_override(s, seeded.admin, uid, approve, "I say so")
    with seeded.db.transaction() as s:  # someone else may
        assert decide_override(s, seeded.approver, uid, True, "").status == "approved"


def test_deciding_needs_the_approver_role(seeded) -> None:
    freeze, rel = _freeze_and_release(seeded)
    with seeded.db.transaction() as s:
        uid = str(request_override(s, seeded.coordinator, freeze, rel, "Hotfix", in_days(3)).uuid)
    for actor in (seeded.viewer, seeded.coordinator):
        with pytest.raises(PermissionDenied, match="approver"), seeded.db.transaction() as s:
            decide_override(s, actor, uid, True, "fine")
    with seeded.db.read() as s:
        row = s.scalars(select(FreezeOverride)).one()
        assert row.status == "requested" and row.decided_by_id is None


def test_a_rejection_needs_a_reason_and_a_decision_is_final(seeded) -> None:
    freeze, rel = _freeze_and_release(seeded)
    with seeded.db.transaction() as s:
        uid = str(request_override(s, seeded.coordinator, freeze, rel, "Hotfix", in_days(3)).uuid)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        decide_override(s, seeded.approver, uid, False, "   ")
    assert info.value.errors[0].field == "reason"
    with seeded.db.transaction() as s:
        rejected = decide_override(s, seeded.approver, uid, False, " Wait for January ")
        assert rejected.status == "rejected"
        assert rejected.decision_reason == "Wait for January"
    for approve in (True, False):
        with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
            decide_override(s, seeded.admin, uid, approve, "changed my mind")
        assert info.value.errors[0].field == "status"
        assert "already rejected" in info.value.errors[0].message
    with seeded.db.read() as s:
        row = s.scalars(select(FreezeOverride)).one()
        assert row.status == "rejected" and row.decided_by_id == seeded.approver.person_id
    assert [e.action for e in audit_events(seeded, uid)] == ["request", "reject"]


@pytest.mark.parametrize(
    ("justification", "expires", "field", "message"),
    [
        ("Hotfix", -1.0, "expires_at", "future"),
        ("Hotfix", None, "expires_at", "time zone"),
        ("   ", 3.0, "justification", "why"),
    ],
    ids=["expired", "naive", "no-justification"],
)
def test_bad_override_requests_are_refused(seeded, justification, expires, field, message) -> None:
    freeze, rel = _freeze_and_release(seeded)
    when = datetime(2099, 1, 1) if expires is None else in_days(expires)
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        request_override(s, seeded.coordinator, freeze, rel, justification, when)
    errors = {e.field: e.message for e in info.value.errors}
    assert message in errors[field]
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(FreezeOverride)) == 0


def test_only_planners_may_request_an_override(seeded) -> None:
    freeze, rel = _freeze_and_release(seeded)
    for actor in (seeded.viewer, seeded.approver):
        with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
            request_override(s, actor, freeze, rel, "Hotfix", in_days(3))


def test_an_override_names_an_existing_subject(seeded) -> None:
    freeze, _ = _freeze_and_release(seeded)
    missing = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        request_override(s, seeded.coordinator, freeze, missing, "Hotfix", in_days(3))
    assert info.value.errors[0].field == "subject"
