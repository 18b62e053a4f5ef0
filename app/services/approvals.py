"""Approvals: request and decide, with segregation of duties.

Nobody decides a request they made, nor one about a workload they own; the decider must
hold the role the request names. Later capabilities (freeze overrides, runbooks, gates)
request approvals through here.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Approval, Person, RunbookRevision, Workload
from app.domain.enums import ApprovalState, Role
from app.services import audit, crud
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.errors import FieldError, PermissionDenied, ValidationError
from app.services.fields import Field

APPROVAL = EntitySpec(
    Approval,
    "approval",
    [
        Field("subject_type", max_len=40),
        Field("subject_uuid"),
        Field("required_role", "choice", choices=Role.choices()),
        Field("reason", required=False, max_len=1000),
        Field("state", "choice", choices=ApprovalState.choices()),
        Field("comment", required=False, max_len=1000),
        Field("requested_by", "ref", ref=Person),
        Field("decided_by", "ref", required=False, ref=Person),
        Field("decided_at", "datetime", required=False),
    ],
)

REQUESTERS = (Role.COORDINATOR, Role.ADMIN, Role.OPERATIONS, Role.SECURITY, Role.APPROVER)


def request(
    session: Session,
    actor: Actor,
    subject_type: str,
    subject_uuid: uuid.UUID | str,
    required_role: str,
    reason: str,
) -> Approval:
    actor.require(*REQUESTERS, to="request an approval")
    if actor.person_id is None:
        raise PermissionDenied(f"{actor.login} is not a known person and cannot request")
    errors = []
    if required_role not in Role.choices() or required_role == Role.VIEWER:
        errors.append(FieldError("required_role", f"{required_role!r} cannot approve"))
    if not reason.strip():
        errors.append(FieldError("reason", "say why the approval is needed"))
    try:
        subject = uuid.UUID(str(subject_uuid))
    except ValueError:
        errors.append(FieldError("subject_uuid", f"{subject_uuid!r} is not a UUID"))
    if errors:
        raise ValidationError(errors, "approval")
    approval = Approval(
        subject_type=subject_type,
        subject_uuid=subject,
        required_role=required_role,
        reason=reason.strip(),
        requested_by_id=actor.person_id,
        state=ApprovalState.PENDING,
    )
    session.add(approval)
    session.flush()
    audit.append(
        session, actor, "request", "approval", str(approval.uuid), None, APPROVAL.snapshot(approval)
    )
    return approval


def decide(
    session: Session,
    actor: Actor,
    approval_uuid: uuid.UUID | str,
    expected_version: int,
    approve: bool,
    comment: str = "",
) -> Approval:
    approval = crud.get(session, APPROVAL, approval_uuid)
    actor.require(approval.required_role, to=f"decide a {approval.required_role} approval")
    if approval.state != ApprovalState.PENDING:
        raise ValidationError(FieldError("state", f"was already {approval.state}"), "approval")
    if actor.person_id is not None and actor.person_id == approval.requested_by_id:
        raise PermissionDenied("nobody approves their own request (segregation of duties)")
    if approval.subject_type == "workload":
        owner = session.scalar(
            select(Workload.owner_id).where(Workload.uuid == approval.subject_uuid)
        )
        if owner is not None and owner == actor.person_id:
            raise PermissionDenied("nobody approves a change they own (segregation of duties)")
    if approval.subject_type == "runbook_revision" and approve:
        _runbook_segregation(session, actor, approval)
    if not approve and not comment.strip():
        raise ValidationError(FieldError("comment", "a rejection needs a reason"), "approval")
    changes = {
        "state": ApprovalState.APPROVED if approve else ApprovalState.REJECTED,
        "comment": comment,
        "decided_by": actor.person_id and session.get(Person, actor.person_id),
        "decided_at": datetime.now(UTC),
    }
    approval = crud.update(
        session,
        actor,
        APPROVAL,
        approval_uuid,
        expected_version,
        changes,
        action="approve" if approve else "reject",
        roles=frozenset({approval.required_role}),
    )
    return approval


def _runbook_segregation(session: Session, actor: Actor, approval: Approval) -> None:
    """Operations and security sign a runbook as two people, neither of them an author."""
    rev = session.scalars(
        select(RunbookRevision).where(RunbookRevision.uuid == approval.subject_uuid)
    ).one()
    authors = {rev.author_id, rev.runbook.author_id}
    if actor.person_id in authors:
        raise PermissionDenied("nobody signs off a runbook they wrote (segregation of duties)")
    other = session.scalar(
        select(Approval.id).where(
            Approval.subject_type == approval.subject_type,
            Approval.subject_uuid == approval.subject_uuid,
            Approval.id != approval.id,
            Approval.state == ApprovalState.APPROVED,
            Approval.decided_by_id == actor.person_id,
        )
    )
    if other is not None:
        raise PermissionDenied(
            "operations and security sign a runbook as two different people; "
            "you already signed this version"
        )
