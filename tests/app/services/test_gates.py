"""Promotion gates on a database: evidence recorded, sign-offs given, waves read, verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, GateEvidence, Workload
from app.runbooks.body import RunbookBody, Step
from app.services import approvals, crud
from app.services.actor import actor_for_login
from app.services.calendar import WAVE
from app.services.errors import PermissionDenied, ValidationError
from app.services.gates import GateReport, check_gate, production_verdicts, record_evidence
from app.services.org import PERSON
from app.services.planning_policy import save_policy
from app.services.releases import RELEASE
from app.services.runbooks import create_runbook, request_sign_off
from app.services.workloads import WORKLOAD
from tests.factories import Org, make_gate_environments, workload_values

START = datetime(2030, 3, 5, 18, tzinfo=UTC)
HIGH_MISSING = [
    "tests: no test result recorded in staging",
    "sign-off: approver has not approved",
    "sign-off: operations has not approved",
    "sign-off: security has not approved",
    "runbook: a high-risk change needs an approved rollback runbook",
    "restore validated: no backup-and-restore validation recorded",
    "chaos experiment: no chaos experiment recorded",
    "peer review: no peer review recorded",
]


def setup_org(org: Org) -> None:
    """dev → staging → production; a stateful ledger database; Olga (operations) and Sam
    (security); release 2030.03 rolling out as "Canary 5 %" then "Wave 2"."""
    make_gate_environments(org)
    with org.db.transaction() as s:
        for login, name, role in (
            ("olga", "Olga Ops", "operations"),
            ("sam", "Sam Sec", "security"),
        ):
            crud.create(s, org.admin, PERSON, {"login": login, "name": name, "roles": [role]})
    release(org, "2030.03", [("Canary 5 %", 5), ("Wave 2", 50)])


def release(org: Org, name: str, waves: Sequence[tuple[str, int]], days: int = 0) -> None:
    start = START + timedelta(days=days)
    with org.db.transaction() as s:
        rel = crud.create(
            s,
            org.coordinator,
            RELEASE,
            {
                "name": name,
                "window_start": start,
                "window_end": start + timedelta(hours=6),
                "status": "planned",
            },
        )
        for position, (wave, percent) in enumerate(waves, start=1):
            begins = start + timedelta(hours=position)
            values = {
                "release": str(rel.uuid),
                "position": position,
                "name": wave,
                "starts_at": begins,
                "ends_at": begins + timedelta(minutes=45),
                "traffic_percent": percent,
                "bake_minutes": 30,
            }
            crud.create(s, org.coordinator, WAVE, values)


def workload(org: Org, key: str, **over: Any) -> int:
    values = {
        "risk_tier": "high",
        "components": ["payments-api", "ledger-db"],
        "target_release": "2030.03",
        "owner": "coordinator",
        "status": "planned",
    } | over
    with org.db.transaction() as s:
        return crud.create(s, org.coordinator, WORKLOAD, workload_values(key, **values)).id


def record(org: Org, key: str, kind: str, passed: bool = True, **kw: Any) -> str:
    with org.db.transaction() as s:
        return str(
            record_evidence(s, org.coordinator, workload=key, kind=kind, passed=passed, **kw).uuid
        )


def gate(org: Org, key: str, env: str = "production", **kw: Any) -> GateReport:
    with org.db.read() as s:
        return check_gate(s, key, env, **kw)


def sign_everything(org: Org, key: str) -> None:
    """The workload's CAB sign-offs and an approved runbook template for payments-api."""
    steps = (
        Step(
            "s1",
            "Roll back",
            owner="operations",
            owner_is_role=True,
            expected_minutes=10,
            verification="error rate under 1 %",
        ),
    )
    with org.db.transaction() as s:
        rb = create_runbook(
            s,
            org.coordinator,
            RunbookBody("Payments rollback", steps=steps),
            component="payments-api",
        )
        wl = s.scalars(select(Workload).where(Workload.key == key)).one()
        asked = [
            (approvals.request(s, org.coordinator, "workload", wl.uuid, role, "CAB"), who)
            for role, who in (("approver", "approver"), ("operations", "olga"), ("security", "sam"))
        ]
        asked += [
            (request_sign_off(s, org.coordinator, rb.uuid, r), w)
            for r, w in (("operations", "olga"), ("security", "sam"))
        ]
        pending = [(str(a.uuid), a.version, who) for a, who in asked]
    for uid, version, who in pending:
        with org.db.transaction() as s:
            approvals.decide(s, actor_for_login(s, who), uid, version, True, "fine")


def record_all(org: Org, key: str) -> None:
    record(org, key, "tests", environment="staging", score=100)
    record(
        org, key, "restore", restore_minutes=12, performed_at=datetime.now(UTC) - timedelta(days=3)
    )
    record(org, key, "chaos", summary="killed a ledger replica")
    record(org, key, "peer_review", performed_by="approver")


# --- check_gate ------------------------------------------------------------------------


def test_a_high_risk_stateful_regulated_change_names_every_missing_gate(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    report = gate(seeded, "PAY-9")
    assert (report.workload, report.environment, report.wave) == (
        "PAY-9",
        "production",
        "Canary 5 %",
    )
    assert not report.verdict.allowed
    assert list(report.verdict.missing) == HIGH_MISSING
    assert report.verdict.short == "8 gates missing"
    assert report.to_json()["missing"] == HIGH_MISSING


def test_with_evidence_and_sign_offs_the_change_may_enter_production(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    sign_everything(seeded, "PAY-9")
    record_all(seeded, "PAY-9")
    report = gate(seeded, "PAY-9")
    assert report.verdict.allowed, report.verdict.missing
    assert report.verdict.short == "gates ok"
    satisfied = " | ".join(report.verdict.satisfied)
    assert "peer review: passed" in satisfied and "by Abe Approver" in satisfied
    assert "runbook: 'Payments rollback (version 1)' approved" in satisfied
    # a failed chaos re-run withdraws the pass
    record(seeded, "PAY-9", "chaos", False, summary="replica did not recover")
    missing = gate(seeded, "PAY-9").verdict.missing
    assert len(missing) == 1 and missing[0].startswith("chaos experiment: the latest chaos")


def test_the_wave_after_the_canary_needs_a_canary_in_production(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    sign_everything(seeded, "PAY-9")
    record_all(seeded, "PAY-9")
    assert gate(seeded, "PAY-9", wave="Canary 5 %").verdict.allowed
    report = gate(seeded, "PAY-9", wave="Wave 2")
    assert report.wave == "Wave 2"
    assert report.verdict.missing == (
        "canary analysis: wave 'Wave 2' follows the canary wave 'Canary 5 %' and needs a "
        "passing canary analysis; none is recorded",
    )
    record(seeded, "PAY-9", "canary", environment="staging", score=99)
    assert not gate(seeded, "PAY-9", wave="2").verdict.allowed  # a wave by its position too
    record(seeded, "PAY-9", "canary", environment="production", score=97)
    assert gate(seeded, "PAY-9", wave="Wave 2").verdict.allowed


def test_evidence_for_another_build_does_not_count(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-1", risk_tier="low", components=["payments-api"])
    record(seeded, "PAY-1", "tests", environment="staging", artifact="sha256:old")
    record(seeded, "PAY-1", "peer_review", performed_by="approver")
    assert gate(seeded, "PAY-1", artifact="sha256:old").verdict.allowed
    assert gate(seeded, "PAY-1", artifact="sha256:new").verdict.missing == (
        "tests: no test result recorded in staging",
    )


def test_the_restore_max_age_follows_the_planning_policy(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    sign_everything(seeded, "PAY-9")
    record_all(seeded, "PAY-9")  # the restore was validated three days ago
    assert gate(seeded, "PAY-9").verdict.allowed
    with seeded.db.transaction() as s:
        save_policy(s, seeded.coordinator, {"restore_max_age_days": 2})
    missing = gate(seeded, "PAY-9").verdict.missing
    assert len(missing) == 1
    assert "the last passing restore was 3 days ago" in missing[0]
    assert "it must be within 2 days" in missing[0]
    record(seeded, "PAY-9", "restore", restore_minutes=9)
    assert gate(seeded, "PAY-9").verdict.allowed


def test_unknown_environment_and_wave_are_named(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    with pytest.raises(ValidationError) as info:
        gate(seeded, "PAY-9", "qa")
    assert "no environment 'qa' (known: dev, staging, production)" in str(info.value)
    with pytest.raises(ValidationError, match="waves: 'Canary 5 %', 'Wave 2'"):
        gate(seeded, "PAY-9", wave="Wave 7")
    with pytest.raises(ValidationError, match="no workload 'NOPE-1'"):
        gate(seeded, "NOPE-1")


def test_staging_only_asks_for_tests_in_dev(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    assert gate(seeded, "PAY-9", "staging").verdict.missing == (
        "tests: no test result recorded in dev",
    )
    record(seeded, "PAY-9", "tests", environment="dev")
    report = gate(seeded, "PAY-9", "staging")
    assert report.verdict.allowed
    assert report.wave is None
    assert gate(seeded, "PAY-9", "dev").verdict.allowed


# --- production_verdicts ------------------------------------------------------------------


def test_production_verdicts_agree_with_check_gate_for_the_first_wave(seeded: Org) -> None:
    setup_org(seeded)
    release(seeded, "2030.04", [("Half", 50), ("Rest", 100)], days=14)
    release(seeded, "2030.05", [("First", 40), ("Canary", 5), ("Rest", 100)], days=28)
    ids = {
        "PAY-9": workload(seeded, "PAY-9"),
        "PAY-10": workload(seeded, "PAY-10", target_release="2030.04"),
        "PAY-11": workload(seeded, "PAY-11", target_release="2030.05"),
        "PAY-12": workload(
            seeded, "PAY-12", risk_tier="low", target_release=None, status="backlog"
        ),
        "PAY-13": workload(seeded, "PAY-13", risk_tier="medium", components=["payments-api"]),
    }
    sign_everything(seeded, "PAY-9")
    record_all(seeded, "PAY-9")
    record_all(seeded, "PAY-12")
    record(seeded, "PAY-10", "canary", environment="staging", score=90)
    now = datetime.now(UTC)
    with seeded.db.read() as s:
        verdicts = production_verdicts(s, ids.values(), now=now)
        expected = {
            wid: check_gate(s, key, "production", now=now).verdict for key, wid in ids.items()
        }
    assert verdicts == expected
    assert verdicts[ids["PAY-9"]].allowed
    assert verdicts[ids["PAY-12"]].allowed
    assert not verdicts[ids["PAY-10"]].allowed
    # no canary wave on 2030.04: high risk needs a canary anyway (the staging one counts)
    assert not any("canary" in m for m in verdicts[ids["PAY-10"]].missing)
    assert not any("canary" in m for m in verdicts[ids["PAY-11"]].missing)


def test_production_verdicts_without_a_production_environment_are_empty(seeded: Org) -> None:
    with seeded.db.read() as s:
        assert production_verdicts(s, [1, 2]) == {}


# --- record_evidence ----------------------------------------------------------------------


def _refused(org: Org, **kw: Any) -> list[tuple[str, str]]:
    values = {"workload": "PAY-9", "kind": "tests", "passed": True, "environment": "staging"} | kw
    with pytest.raises(ValidationError) as info, org.db.transaction() as s:
        record_evidence(s, org.coordinator, **values)
    return [(e.field, e.message) for e in info.value.errors]


def test_evidence_is_validated_and_nothing_is_written_when_refused(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    assert _refused(seeded, workload="NOPE-1") == [("workload", "no workload 'NOPE-1'")]
    assert _refused(seeded, kind="smoke")[0][0] == "kind"
    assert "tests, peer_review, restore, chaos, canary" in _refused(seeded, kind="smoke")[0][1]
    assert _refused(seeded, environment="qa") == [("environment", "no environment 'qa'")]
    assert _refused(seeded, environment=None) == [
        ("environment", "tests evidence belongs to an environment")
    ]
    assert _refused(seeded, kind="canary", environment="production") == [
        ("score", "a canary analysis has a score (0-100)")
    ]
    assert _refused(seeded, kind="canary", score=120.0)[0] == ("score", "must be between 0 and 100")
    assert _refused(seeded, kind="restore", environment=None) == [
        ("restore_minutes", "say how many minutes the restore took")
    ]
    future = datetime.now(UTC) + timedelta(hours=1)
    assert _refused(seeded, performed_at=future) == [
        ("performed_at", "evidence cannot come from the future")
    ]
    naive = datetime(2026, 1, 1, 10)
    assert _refused(seeded, performed_at=naive)[0][0] == "performed_at"
    assert _refused(seeded, performed_by="ghost") == [
        ("performed_by", "no person with login 'ghost'")
    ]
    # PAY-9 is owned by the coordinator, who records and would perform it by default
    assert _refused(seeded, kind="peer_review", environment=None) == [
        ("performed_by", "nobody peer-reviews their own change")
    ]
    assert len(_refused(seeded, workload="NOPE-1", kind="smoke")) == 2
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(GateEvidence)) == 0


def test_recorded_evidence_is_audited(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    at = datetime.now(UTC) - timedelta(hours=2)
    uid = record(
        seeded,
        "PAY-9",
        "canary",
        environment="production",
        score=96.5,
        figures={"baseline_error_rate": 0.2, "canary_error_rate": 0.21},
        performed_at=at,
        artifact=" sha256:abc ",
    )
    with seeded.db.read() as s:
        row = s.scalars(select(GateEvidence)).one()
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity_uuid == uid)).one()
        assert row.environment is not None and row.environment.name == "production"
        assert row.performed_by is not None and row.performed_by.login == "coordinator"
    assert (row.kind, row.passed, row.score, row.artifact) == ("canary", True, 96.5, "sha256:abc")
    assert (event.action, event.entity_type, event.actor) == (
        "record",
        "gate_evidence",
        "coordinator",
    )
    assert event.after is not None
    assert event.after["workload"] == "PAY-9"
    assert event.after["environment"] == "production"
    assert event.after["performed_at"] == at.isoformat()
    assert event.after["figures"] == {"baseline_error_rate": 0.2, "canary_error_rate": 0.21}


def test_a_viewer_cannot_record_evidence(seeded: Org) -> None:
    setup_org(seeded)
    workload(seeded, "PAY-9")
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        record_evidence(s, seeded.viewer, workload="PAY-9", kind="chaos", passed=True)
