"""Approvals: segregation of duties and role checks, every decision audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.domain import AuditEvent, Person
from app.services import approvals
from app.services.errors import PermissionDenied, ValidationError
from tests.factories import make_workload


def _request(org, subject: str, role: str = "approver", actor=None):
    with org.db.transaction() as s:
        a = approvals.request(
            s, actor or org.coordinator, "workload", subject, role, "high-risk payment change"
        )
        return str(a.uuid), a.version


def test_approver_decides_and_the_decision_is_recorded(seeded) -> None:
    uid, _ = make_workload(seeded, "PAY-1")
    approval, version = _request(seeded, uid)
    with seeded.db.transaction() as s:
        decided = approvals.decide(s, seeded.approver, approval, version, True, "looks safe")
        assert decided.state == "approved"
        assert decided.decided_by.login == "approver"
        assert decided.decided_at is not None
    with seeded.db.read() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_uuid == approval)
        ).all()
    assert actions == ["request", "approve"]


def test_nobody_approves_their_own_request(seeded) -> None:
    uid, _ = make_workload(seeded, "PAY-1")
    approval, version = _request(seeded, uid, actor=seeded.approver)
    with pytest.raises(PermissionDenied, match="own request"), seeded.db.transaction() as s:
        approvals.decide(s, seeded.approver, approval, version, True)


def test_owner_of_the_change_cannot_approve_it(seeded) -> None:
    with seeded.db.read() as s:
        approver_person = s.scalars(select(Person).where(Person.login == "approver")).one()
        owner = str(approver_person.uuid)
    uid, _ = make_workload(seeded, "PAY-1", owner=owner)
    approval, version = _request(seeded, uid)
    with pytest.raises(PermissionDenied, match="change they own"), seeded.db.transaction() as s:
        approvals.decide(s, seeded.approver, approval, version, True)


def test_decider_needs_the_required_role(seeded) -> None:
    uid, _ = make_workload(seeded, "PAY-1")
    approval, version = _request(seeded, uid, role="operations")
    with pytest.raises(PermissionDenied, match="operations"), seeded.db.transaction() as s:
        approvals.decide(s, seeded.approver, approval, version, True)


def test_rejection_needs_a_reason_and_a_decision_is_final(seeded) -> None:
    uid, _ = make_workload(seeded, "PAY-1")
    approval, version = _request(seeded, uid)
    with pytest.raises(ValidationError, match="needs a reason"), seeded.db.transaction() as s:
        approvals.decide(s, seeded.approver, approval, version, False, "  ")
    with seeded.db.transaction() as s:
        a = approvals.decide(s, seeded.approver, approval, version, False, "no rollback plan")
        version = a.version
    with pytest.raises(ValidationError, match="already rejected"), seeded.db.transaction() as s:
        approvals.decide(s, seeded.approver, approval, version, True)


def test_viewer_cannot_request(seeded) -> None:
    uid, _ = make_workload(seeded, "PAY-1")
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        approvals.request(s, seeded.viewer, "workload", uid, "approver", "please")


def test_request_names_bad_fields(seeded) -> None:
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        approvals.request(s, seeded.coordinator, "workload", "not-a-uuid", "viewer", "")
    assert {e.field for e in info.value.errors} == {"required_role", "reason", "subject_uuid"}
