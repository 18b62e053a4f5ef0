"""The rollback decision log: recorded calls, their validation, and the filtered log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.domain import AuditEvent, Deployment
from app.services import crud
from app.services.actor import actor_for_login
from app.services.catalog import ENVIRONMENT
from app.services.errors import PermissionDenied, ValidationError
from app.services.org import PERSON
from app.services.rollback_decisions import list_decisions, record_decision
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values

NOW = datetime.now(UTC).replace(microsecond=0)
TRIGGER = "error rate above 1 % over 5 min"


def deployments(org: Org) -> dict[str, str]:
    """PAY-1 and PAY-2 in production, PAY-1 also in staging: name → deployment UUID."""
    with org.db.transaction() as s:
        crud.create(
            s, org.admin, PERSON, {"login": "olga", "name": "Olga Ops", "roles": ["operations"]}
        )
        envs = {
            name: crud.create(
                s,
                org.admin,
                ENVIRONMENT,
                {"name": name, "position": n, "is_production": name == "production"},
            )
            for n, name in enumerate(("staging", "production"))
        }
        wls = {
            key: crud.create(s, org.coordinator, WORKLOAD, workload_values(key))
            for key in ("PAY-1", "PAY-2")
        }
        out = {}
        for key, env in (("PAY-1", "production"), ("PAY-2", "production"), ("PAY-1", "staging")):
            start = NOW - timedelta(hours=3)
            dep = Deployment(
                workload_id=wls[key].id,
                environment_id=envs[env].id,
                owner_id=org.coordinator.person_id,
                planned_start=start,
                planned_end=start + timedelta(hours=1),
                actual_start=start,
                result="succeeded",
            )
            s.add(dep)
            s.flush()
            out[f"{key}@{env}"] = str(dep.uuid)
        return out


def decide(org: Org, deployment: str, decision: str = "rollback", **kw: Any) -> str:
    kw.setdefault("reason", "error rate climbing after the canary")
    with org.db.transaction() as s:
        row = record_decision(s, org.coordinator, deployment, decision, **kw)
        return str(row.uuid)


def result_of(org: Org, deployment: str) -> str:
    with org.db.read() as s:
        return s.scalars(
            select(Deployment.result).where(Deployment.uuid == uuid.UUID(deployment))
        ).one()


def audit(org: Org, entity_uuid: str) -> list[tuple[str, Any, Any]]:
    with org.db.read() as s:
        return [
            (e.action, e.before, e.after)
            for e in s.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity_uuid == entity_uuid)
                .order_by(AuditEvent.seq)
            )
        ]


# --- record ---------------------------------------------------------------------------------


def test_a_triggered_rollback_is_logged_and_rolls_the_deployment_back(seeded: Org) -> None:
    dep = deployments(seeded)["PAY-1@production"]
    at = NOW - timedelta(minutes=20)
    uid = decide(seeded, dep, trigger=TRIGGER, observed_value=2.4, observed_unit="%", decided_at=at)
    assert result_of(seeded, dep) == "rolled_back"
    with seeded.db.read() as s:
        [row] = list_decisions(s)
    assert (row.uuid, row.decision, row.deployment_uuid) == (uid, "rollback", dep)
    assert (row.workload, row.environment, row.trigger, row.observed) == (
        "PAY-1",
        "production",
        TRIGGER,
        "2.4 %",
    )
    assert (row.decided_by, row.decided_at) == ("Cora Coordinator", at)
    [(action, before, after)] = audit(seeded, uid)
    assert action == "record" and before is None
    assert after["decision"] == "rollback"
    assert after["trigger"] == TRIGGER
    assert after["observed_value"] == 2.4
    assert after["deployment"] == dep
    assert audit(seeded, dep) == [("update", {"result": "succeeded"}, {"result": "rolled_back"})]


def test_a_manual_hold_leaves_the_deployment_as_it_is(seeded: Org) -> None:
    dep = deployments(seeded)["PAY-2@production"]
    uid = decide(seeded, dep, "hold", reason="  latency noisy, waiting for the next window  ")
    assert result_of(seeded, dep) == "succeeded"
    with seeded.db.read() as s:
        [row] = list_decisions(s)
    assert (row.trigger, row.observed, row.reason) == (
        "manual",
        "",
        "latency noisy, waiting for the next window",
    )
    assert [a for a, _, _ in audit(seeded, uid)] == ["record"]
    assert audit(seeded, dep) == []


def test_a_second_rollback_does_not_touch_the_deployment_again(seeded: Org) -> None:
    dep = deployments(seeded)["PAY-1@production"]
    decide(seeded, dep)
    decide(seeded, dep, reason="confirmed: the rollback finished")
    assert len(audit(seeded, dep)) == 1
    assert result_of(seeded, dep) == "rolled_back"


def _refused(org: Org, deployment: str, decision: str = "rollback", **kw: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        decide(org, deployment, decision, **kw)
    return {e.field: e.message for e in info.value.errors}


def test_a_decision_is_validated_and_nothing_is_written_when_refused(seeded: Org) -> None:
    dep = deployments(seeded)["PAY-1@production"]
    assert set(_refused(seeded, dep, reason="   ")) == {"reason"}
    assert _refused(seeded, dep, trigger=TRIGGER) == {
        "observed_value": "a triggered decision records what was seen"
    }
    assert set(_refused(seeded, dep, "abort")) == {"decision"}
    assert "rollback, roll_forward, hold" in _refused(seeded, dep, "abort")["decision"]
    assert set(_refused(seeded, str(uuid.uuid4()))) == {"deployment"}
    assert set(_refused(seeded, "not-a-uuid")) == {"deployment"}
    assert set(_refused(seeded, dep, decided_at=datetime(2026, 1, 1, 10))) == {"decided_at"}
    assert set(_refused(seeded, "not-a-uuid", "abort", reason="")) == {
        "deployment",
        "decision",
        "reason",
    }
    assert result_of(seeded, dep) == "succeeded"
    with seeded.db.read() as s:
        assert list_decisions(s) == []


def test_only_operations_coordinators_and_admins_decide(seeded: Org) -> None:
    dep = deployments(seeded)["PAY-1@production"]
    for actor in (seeded.viewer, seeded.approver):
        with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
            record_decision(s, actor, dep, "rollback", "not mine to call")
    with seeded.db.transaction() as s:
        record_decision(s, actor_for_login(s, "olga"), dep, "roll_forward", "fix is one line")
    with seeded.db.read() as s:
        assert [r.decided_by for r in list_decisions(s)] == ["Olga Ops"]


# --- the log ----------------------------------------------------------------------------


def test_the_log_is_newest_first_and_filters(seeded: Org) -> None:
    deps = deployments(seeded)
    hour = timedelta(hours=1)
    made = {
        "a": decide(
            seeded,
            deps["PAY-1@staging"],
            "hold",
            reason="Staging smoke test flaky",
            decided_at=NOW - 5 * hour,
        ),
        "b": decide(
            seeded,
            deps["PAY-1@production"],
            trigger=TRIGGER,
            observed_value=3.0,
            observed_unit="%",
            decided_at=NOW - 3 * hour,
        ),
        "c": decide(
            seeded,
            deps["PAY-2@production"],
            "roll_forward",
            reason="hotfix ready",
            decided_at=NOW - 2 * hour,
        ),
        "d": decide(  # the same moment as c: the later entry comes first
            seeded,
            deps["PAY-2@production"],
            "hold",
            reason="waiting on the database team",
            decided_at=NOW - 2 * hour,
        ),
    }
    names = {v: k for k, v in made.items()}

    def log(**kw: Any) -> list[str]:
        with seeded.db.read() as s:
            return [names[r.uuid] for r in list_decisions(s, **kw)]

    assert log() == ["d", "c", "b", "a"]
    assert log(decision="hold") == ["d", "a"]
    assert log(workload="PAY-1") == ["b", "a"]
    assert log(deployment=deps["PAY-2@production"]) == ["d", "c"]
    assert log(since=NOW - 3 * hour) == ["d", "c", "b"]
    assert log(until=NOW - 3 * hour) == ["a"]
    assert log(since=NOW - 4 * hour, until=NOW - 2 * hour) == ["b"]
    assert log(search="HOTFIX") == ["c"]
    assert log(search="error rate") == ["b"]
    assert log(search="pay-2") == ["d", "c"]
    assert log(workload="PAY-2", decision="hold") == ["d"]
    assert log(limit=2) == ["d", "c"]
    assert log(workload="NOPE-1") == []
