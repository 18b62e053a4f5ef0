"""The release workbook's records: runbook steps, approvals and audit events, streamed.

Companion of `app.services.workbook_data` (which says what each scope takes in): the same
column-only selects in batches, yielding plain tuples in each sheet's column order.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, func, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from app.domain import (
    Approval,
    AuditEvent,
    Component,
    Deployment,
    Person,
    Release,
    Runbook,
    RunbookRevision,
    Wave,
    Workload,
    workload_component,
)
from app.policy.gates import runbook_approval
from app.runbooks.body import RunbookBody
from app.services.runbooks import SUBJECT as RUNBOOK_SUBJECT
from app.services.workbook_data import (
    AUDIT_CAP,
    EVERYTHING,
    PERIOD,
    RELEASE,
    Row,
    Scope,
    batches,
    deployments_in,
    within,
)


def counts(session: Session, scope: Scope) -> dict[str, int]:
    """Rows each big sheet will have (audit: before the cap), for progress and notes."""

    def n(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    return {
        "releases": n(select(func.count(Release.id)).where(scope.releases())),
        "workloads": n(select(func.count(Workload.id)).where(scope.workloads())),
        "deployments": n(
            select(func.count(Deployment.id))
            .join(Workload, Workload.id == Deployment.workload_id)
            .where(deployments_in(scope))
        ),
        "approvals": n(select(func.count(Approval.id)).where(approvals_in(scope))),
        "runbooks": n(select(func.count(Runbook.id)).where(runbooks_in(scope))),
        # a release's events are found by what they are about, in `audit_rows`: a few
        "audit": 0 if scope.kind == RELEASE else n(select(func.count()).where(audit_in(scope))),
    }


def runbooks_in(scope: Scope) -> ColumnElement[bool]:
    if scope.kind == EVERYTHING:
        return true()
    ids = select(Workload.id).where(scope.workloads())
    comps = select(workload_component.c.component_id).where(
        workload_component.c.workload_id.in_(ids)
    )
    return or_(Runbook.workload_id.in_(ids), Runbook.component_id.in_(comps))


def approvals_in(scope: Scope) -> ColumnElement[bool]:
    if scope.kind == RELEASE:
        ids = select(Workload.id).where(scope.workloads())
        revisions = (
            select(RunbookRevision.uuid)
            .join(Runbook, Runbook.id == RunbookRevision.runbook_id)
            .where(Runbook.workload_id.in_(ids))
        )
        return or_(
            Approval.subject_uuid.in_(select(Workload.uuid).where(scope.workloads())),
            Approval.subject_uuid.in_(revisions),
            Approval.subject_uuid == scope.release_uuid,
        )
    if scope.kind == PERIOD:
        return or_(
            within(Approval.created_at, scope.start, scope.end),
            and_(Approval.decided_at.is_not(None),
                 within(Approval.decided_at, scope.start, scope.end)),
        )  # fmt: skip
    return true()


def audit_in(scope: Scope) -> ColumnElement[bool]:
    if scope.kind == PERIOD:
        return within(AuditEvent.at, scope.start, scope.end)
    return true()


def runbook_rows(session: Session, scope: Scope) -> Iterator[Row]:
    """One row per step of each runbook's current version: runbook, subject, version,
    approved (operations and security, two people, neither an author), step number, title,
    owner, minutes, checkpoint, verification, command. Templates come first."""
    rev = aliased(RunbookRevision)
    rb_author, rev_author = aliased(Person), aliased(Person)
    stmt = (
        select(Runbook.title, Component.name, Workload.key, Runbook.revision, rev.uuid, rev.body,
               rb_author.login, rev_author.login)
        .join(rev, (rev.runbook_id == Runbook.id) & (rev.number == Runbook.revision))
        .join(rb_author, rb_author.id == Runbook.author_id)
        .join(rev_author, rev_author.id == rev.author_id)
        .outerjoin(Component, Component.id == Runbook.component_id)
        .outerjoin(Workload, Workload.id == Runbook.workload_id)
        .where(runbooks_in(scope))
        .order_by(Runbook.component_id.is_(None), Component.name, Workload.key_sort)
    )  # fmt: skip
    decider = aliased(Person)
    for batch in batches(session, stmt):
        decisions: dict[uuid.UUID, list[tuple[str, str, str | None]]] = defaultdict(list)
        for subject_uuid, role, state, who in session.execute(
            select(Approval.subject_uuid, Approval.required_role, Approval.state, decider.login)
            .outerjoin(decider, decider.id == Approval.decided_by_id)
            .where(Approval.subject_type == RUNBOOK_SUBJECT,
                   Approval.subject_uuid.in_([r[4] for r in batch]))
        ):  # fmt: skip
            decisions[subject_uuid].append((role, state, who))
        for title, comp, key, number, rev_uuid, body, author, reviser in batch:
            approved = runbook_approval([author, reviser], decisions[rev_uuid])[0]
            subject_text = f"component {comp}" if comp else f"workload {key}"
            steps = RunbookBody.from_json(body).steps
            if not steps:
                yield (title, subject_text, number, approved, None, "(no steps)", None, None, None,
                       None, None)  # fmt: skip
            for n, s in enumerate(steps, 1):
                yield (title, subject_text, number, approved, n, s.title, s.owner_label or None,
                       s.expected_minutes, s.checkpoint, s.verification or None,
                       s.command or None)  # fmt: skip


def approval_rows(session: Session, scope: Scope) -> Iterator[Row]:
    """Subject type, subject (a workload's key, a runbook's title), its title (a workload's
    title, the runbook version), role, state, requested by and at, decided by and at, comment."""
    asker, decider = aliased(Person), aliased(Person)
    rev = aliased(RunbookRevision)
    stmt = (
        select(Approval.subject_type, Approval.subject_uuid, Workload.key, Workload.title,
               Runbook.title, rev.number, Approval.required_role, Approval.state, asker.login,
               Approval.created_at, decider.login, Approval.decided_at, Approval.comment)
        .join(asker, asker.id == Approval.requested_by_id)
        .outerjoin(decider, decider.id == Approval.decided_by_id)
        .outerjoin(Workload, (Approval.subject_type == "workload")
                   & (Workload.uuid == Approval.subject_uuid))
        .outerjoin(rev, (Approval.subject_type == RUNBOOK_SUBJECT)
                   & (rev.uuid == Approval.subject_uuid))
        .outerjoin(Runbook, Runbook.id == rev.runbook_id)
        .where(approvals_in(scope))
        .order_by(Approval.created_at, Approval.id)
    )  # fmt: skip
    for batch in batches(session, stmt):
        for (kind, subject, key, title, book, number, role, state, by, at, decided_by,
             decided_at, comment) in batch:  # fmt: skip
            if key is not None:
                name, about = key, title
            elif book is not None:
                name, about = book, f"version {number}"
            else:
                name, about = str(subject), None
            yield (kind.replace("_", " "), name, about, role, state, by, at, decided_by,
                   decided_at, comment or None)  # fmt: skip


def audit_rows(session: Session, scope: Scope, cap: int = AUDIT_CAP) -> Iterator[Row]:
    """Seq, at, actor, action, entity type and UUID, before and after as compact JSON: the
    latest `cap` events of the scope, oldest first."""
    e = AuditEvent
    cols = (e.seq, e.at, e.actor, e.action, e.entity_type, e.entity_uuid, e.before, e.after)
    if scope.kind == RELEASE:
        found: list[Any] = []
        keys = sorted(_release_entities(session, scope))
        for i in range(0, len(keys), 500):
            found += session.execute(
                select(*cols).where(AuditEvent.entity_uuid.in_(keys[i : i + 500]))
            ).all()
        found.sort(key=lambda r: r[0])
        yield from (_audit(r) for r in found[-cap:])
        return
    cond = audit_in(scope)
    cutoff = session.scalar(
        select(AuditEvent.seq).where(cond).order_by(AuditEvent.seq.desc()).offset(cap - 1).limit(1)
    )
    if cutoff is not None:
        cond = and_(cond, AuditEvent.seq >= cutoff)
    for batch in batches(session, select(*cols).where(cond).order_by(AuditEvent.seq)):
        yield from (_audit(r) for r in batch)


def _audit(row: Any) -> Row:
    seq, at, actor, action, kind, key, before, after = row
    return (seq, at, actor, action, kind, key, _json(before), _json(after))


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _release_entities(session: Session, scope: Scope) -> set[str]:
    """UUIDs (as the audit trail writes them) of the release and everything that is its."""
    ids = select(Workload.id).where(scope.workloads())
    queries = [
        select(Workload.uuid).where(scope.workloads()),
        select(Deployment.uuid).where(Deployment.workload_id.in_(ids)),
        select(Runbook.uuid).where(Runbook.workload_id.in_(ids)),
        select(Wave.uuid).where(Wave.release_id == scope.release_id),
        select(Approval.uuid).where(approvals_in(scope)),
    ]
    found = {str(scope.release_uuid)}
    for q in queries:
        found.update(str(u) for u in session.scalars(q))
    return found
