"""Writing runbooks: create, save a new revision, revert, and ask for sign-off.

Every save is a new revision; the previous revision's sign-offs (pending or given) are
voided in the same transaction and audited, so an approved runbook can never change under
its approval. Sign-off is decided through `app.services.approvals`, which enforces that
operations and security sign by two different people, neither of them an author.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Approval, Component, Runbook, RunbookRevision, Workload
from app.domain.enums import ApprovalState, Role
from app.runbooks.body import RunbookBody
from app.services import approvals, audit
from app.services.actor import Actor
from app.services.errors import (
    Conflict,
    ConflictError,
    FieldError,
    NotFound,
    PermissionDenied,
    ValidationError,
)

SUBJECT = "runbook_revision"
"""Approval.subject_type of a runbook sign-off; its subject_uuid is the revision's UUID."""
EDITORS = (Role.COORDINATOR, Role.OPERATIONS, Role.SECURITY, Role.ADMIN)
SIGN_OFF_ROLES = (Role.OPERATIONS.value, Role.SECURITY.value)


def _snapshot(rb: Runbook, rev: RunbookRevision | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"title": rb.title, "revision": rb.revision}
    if rev is not None:
        data["body"] = rev.body
        data["note"] = rev.note
    return data


def get_runbook(session: Session, runbook_uuid: uuid.UUID | str) -> Runbook:
    key = runbook_uuid if isinstance(runbook_uuid, uuid.UUID) else uuid.UUID(str(runbook_uuid))
    rb = session.scalars(select(Runbook).where(Runbook.uuid == key)).one_or_none()
    if rb is None:
        raise NotFound(f"no runbook {runbook_uuid}")
    return rb


def current_revision(session: Session, rb: Runbook) -> RunbookRevision:
    return session.scalars(
        select(RunbookRevision).where(
            RunbookRevision.runbook_id == rb.id, RunbookRevision.number == rb.revision
        )
    ).one()


def _require_person(actor: Actor, to: str) -> int:
    actor.require(*EDITORS, to=to)
    if actor.person_id is None:
        raise PermissionDenied(f"{actor.login} is not a known person and cannot {to}")
    return actor.person_id


def _check_body(body: RunbookBody) -> None:
    if not body.title.strip():
        raise ValidationError(FieldError("title", "a runbook needs a title"), "runbook")


def create_runbook(
    session: Session,
    actor: Actor,
    body: RunbookBody,
    *,
    component: str | None = None,
    workload: str | None = None,
    from_template: bool = False,
    note: str = "created",
) -> Runbook:
    """A component's template (by component name) or a workload's own runbook (by key).

    With `from_template`, a workload's runbook starts as a copy of its first component's
    template that has one; `body` then only supplies the title when the template has none.
    """
    person = _require_person(actor, "write a runbook")
    if (component is None) == (workload is None):
        raise ValidationError(FieldError("subject", "name a component or a workload"), "runbook")
    rb = Runbook(title=body.title.strip(), author_id=person, revision=1)
    template: Runbook | None = None
    if component is not None:
        comp = session.scalars(select(Component).where(Component.name == component)).first()
        if comp is None:
            raise ValidationError(FieldError("component", f"no component {component!r}"))
        if session.scalar(select(Runbook.id).where(Runbook.component_id == comp.id)):
            raise ValidationError(
                FieldError("component", f"{component} already has a runbook template"), "runbook"
            )
        rb.component_id = comp.id
    else:
        wl = session.scalars(select(Workload).where(Workload.key == workload)).first()
        if wl is None:
            raise ValidationError(FieldError("workload", f"no workload {workload!r}"))
        if session.scalar(select(Runbook.id).where(Runbook.workload_id == wl.id)):
            raise ValidationError(
                FieldError("workload", f"{workload} already has its own runbook"), "runbook"
            )
        rb.workload_id = wl.id
        if from_template:
            template = _template_for(session, wl)
            if template is None:
                raise ValidationError(
                    FieldError("template", f"none of {workload}'s components has a template"),
                    "runbook",
                )
            rb.template_id = template.id
            copied = RunbookBody.from_json(current_revision(session, template).body)
            body = RunbookBody(
                title=body.title.strip() or copied.title,
                summary=copied.summary,
                steps=copied.steps,
                triggers=copied.triggers,
            )
            rb.title = body.title
    _check_body(body)
    session.add(rb)
    session.flush()
    rev = RunbookRevision(
        runbook_id=rb.id, number=1, body=body.to_json(), author_id=person, note=note
    )
    session.add(rev)
    session.flush()
    audit.append(session, actor, "create", "runbook", str(rb.uuid), None, _snapshot(rb, rev))
    return rb


def _template_for(session: Session, wl: Workload) -> Runbook | None:
    ids = [c.id for c in sorted(wl.components, key=lambda c: c.name)]
    if not ids:
        return None
    found = {
        rb.component_id: rb
        for rb in session.scalars(select(Runbook).where(Runbook.component_id.in_(ids)))
    }
    return next((found[i] for i in ids if i in found), None)


def save_revision(
    session: Session,
    actor: Actor,
    runbook_uuid: uuid.UUID | str,
    expected_version: int,
    body: RunbookBody,
    note: str = "",
) -> RunbookRevision:
    """Store `body` as the next revision and void the previous revision's sign-offs."""
    person = _require_person(actor, "edit a runbook")
    _check_body(body)
    rb = get_runbook(session, runbook_uuid)
    if rb.version != expected_version:
        raise ConflictError(
            Conflict("runbook", str(rb.uuid), expected_version, rb.version, _snapshot(rb))
        )
    previous = current_revision(session, rb)
    if RunbookBody.from_json(previous.body) == body and rb.title == body.title.strip():
        return previous
    before = _snapshot(rb, previous)
    rb.revision += 1
    rb.title = body.title.strip()
    rev = RunbookRevision(
        runbook_id=rb.id,
        number=rb.revision,
        body=body.to_json(),
        author_id=person,
        note=note.strip()[:500],
    )
    session.add(rev)
    session.flush()
    _void(session, actor, previous, rev.number)
    audit.append(session, actor, "revise", "runbook", str(rb.uuid), before, _snapshot(rb, rev))
    return rev


def _void(session: Session, actor: Actor, rev: RunbookRevision, new_number: int) -> None:
    rows = session.scalars(
        select(Approval).where(
            Approval.subject_type == SUBJECT,
            Approval.subject_uuid == rev.uuid,
            Approval.state.in_([ApprovalState.PENDING, ApprovalState.APPROVED]),
        )
    ).all()
    events = []
    for a in rows:
        before = {"state": a.state, "comment": a.comment}
        a.state = ApprovalState.VOID
        a.comment = f"voided: version {new_number} replaced version {rev.number}"
        events.append(
            ("void", "approval", str(a.uuid), before, {"state": a.state, "comment": a.comment})
        )
    session.flush()
    audit.append_many(session, actor, events)


def revert(
    session: Session,
    actor: Actor,
    runbook_uuid: uuid.UUID | str,
    expected_version: int,
    number: int,
) -> RunbookRevision:
    """Make an earlier version current again, as a new revision (history is never rewritten)."""
    rb = get_runbook(session, runbook_uuid)
    old = session.scalars(
        select(RunbookRevision).where(
            RunbookRevision.runbook_id == rb.id, RunbookRevision.number == number
        )
    ).one_or_none()
    if old is None:
        raise ValidationError(FieldError("version", f"no version {number}"), "runbook")
    body = RunbookBody.from_json(old.body)
    return save_revision(
        session, actor, runbook_uuid, expected_version, body, note=f"reverted to version {number}"
    )


def request_sign_off(
    session: Session, actor: Actor, runbook_uuid: uuid.UUID | str, role: str, reason: str = ""
) -> Approval:
    """Ask operations or security to sign the current revision; refused while the runbook
    has validation problems or the role already has a request open or given."""
    from app.runbooks.validate import problems

    if role not in SIGN_OFF_ROLES:
        raise ValidationError(
            FieldError("role", f"a runbook is signed off by {' and '.join(SIGN_OFF_ROLES)}"),
            "runbook",
        )
    rb = get_runbook(session, runbook_uuid)
    rev = current_revision(session, rb)
    found = problems(RunbookBody.from_json(rev.body))
    if found:
        first = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ValidationError(
            FieldError(first.field or "runbook", f"{first.where}: {first.message}{more}"),
            "runbook",
        )
    open_ = session.scalar(
        select(Approval.state).where(
            Approval.subject_type == SUBJECT,
            Approval.subject_uuid == rev.uuid,
            Approval.required_role == role,
            Approval.state.in_([ApprovalState.PENDING, ApprovalState.APPROVED]),
        )
    )
    if open_ is not None:
        raise ValidationError(
            FieldError("role", f"the {role} sign-off of version {rev.number} is already {open_}"),
            "runbook",
        )
    why = reason.strip() or f"sign-off of runbook '{rb.title}' version {rev.number}"
    return approvals.request(session, actor, SUBJECT, rev.uuid, role, why)
