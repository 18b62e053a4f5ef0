"""The rollback decision log: every rollback, roll-forward or hold call during a deployment.

A decision is a fact about the past: it is added, never edited, and audited in the same
transaction. A rollback marks its deployment rolled back, so the calendar and the DORA
figures see it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Deployment, Environment, Person, RollbackDecision, Workload
from app.domain.enums import DeploymentResult, Role, RollbackChoice
from app.services import audit
from app.services.actor import Actor
from app.services.errors import FieldError, PermissionDenied, ValidationError

DECIDERS = (Role.OPERATIONS, Role.COORDINATOR, Role.ADMIN)
MANUAL = "manual"


@dataclass(frozen=True)
class DecisionRow:
    uuid: str
    decided_at: datetime
    decision: str
    deployment_uuid: str
    workload: str
    environment: str
    trigger: str
    """The trigger described, or "manual"."""
    observed: str
    """"2.4 %", or "" for a manual call."""
    decided_by: str
    reason: str


def record_decision(
    session: Session,
    actor: Actor,
    deployment_uuid: uuid.UUID | str,
    decision: str,
    reason: str,
    *,
    trigger: str | None = None,
    observed_value: float | None = None,
    observed_unit: str = "",
    decided_at: datetime | None = None,
) -> RollbackDecision:
    actor.require(*DECIDERS, to="record a rollback decision")
    if actor.person_id is None:
        raise PermissionDenied(f"{actor.login} is not a known person and cannot decide")
    errors = []
    try:
        key = uuid.UUID(str(deployment_uuid))
        dep = session.scalars(select(Deployment).where(Deployment.uuid == key)).one_or_none()
    except ValueError:
        dep = None
    if dep is None:
        errors.append(FieldError("deployment", f"no deployment {deployment_uuid}"))
    if decision not in RollbackChoice.choices():
        choices = ", ".join(RollbackChoice.choices())
        errors.append(FieldError("decision", f"{decision!r} is not one of {choices}"))
    if not reason.strip():
        errors.append(FieldError("reason", "say why: the next on-call engineer reads this"))
    trigger = (trigger or "").strip() or None
    if trigger is not None and observed_value is None:
        errors.append(FieldError("observed_value", "a triggered decision records what was seen"))
    moment = decided_at or datetime.now(UTC)
    if moment.tzinfo is None:
        errors.append(FieldError("decided_at", "give a time zone (e.g. Z or +01:00)"))
    elif moment > datetime.now(UTC) + timedelta(minutes=1):
        errors.append(FieldError("decided_at", "a decision cannot be logged before it is taken"))
    if errors:
        raise ValidationError(errors, "rollback decision")
    assert dep is not None
    row = RollbackDecision(
        deployment_id=dep.id,
        decision=decision,
        trigger=trigger,
        observed_value=observed_value,
        observed_unit=observed_unit.strip()[:20],
        decided_by_id=actor.person_id,
        decided_at=moment,
        reason=reason.strip()[:1000],
    )
    session.add(row)
    before_result = dep.result
    if decision == RollbackChoice.ROLLBACK and dep.result != DeploymentResult.ROLLED_BACK:
        dep.result = DeploymentResult.ROLLED_BACK
    session.flush()
    events: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = [
        (
            "record",
            "rollback_decision",
            str(row.uuid),
            None,
            {
                "deployment": str(dep.uuid),
                "decision": decision,
                "trigger": trigger or MANUAL,
                "observed_value": observed_value,
                "observed_unit": row.observed_unit,
                "decided_at": moment.isoformat(),
                "reason": row.reason,
            },
        )
    ]
    if dep.result != before_result:
        events.append(
            (
                "update",
                "deployment",
                str(dep.uuid),
                {"result": before_result},
                {"result": dep.result},
            )
        )
    audit.append_many(session, actor, events)
    return row


def list_decisions(
    session: Session,
    *,
    decision: str | None = None,
    workload: str | None = None,
    deployment: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    search: str = "",
    limit: int = 5000,
) -> list[DecisionRow]:
    """Newest first, filtered as the GUI and the CLI offer."""
    q = (
        select(RollbackDecision, Deployment.uuid, Workload.key, Environment.name, Person.name)
        .join(Deployment, Deployment.id == RollbackDecision.deployment_id)
        .join(Workload, Workload.id == Deployment.workload_id)
        .join(Environment, Environment.id == Deployment.environment_id)
        .join(Person, Person.id == RollbackDecision.decided_by_id)
        .order_by(RollbackDecision.decided_at.desc(), RollbackDecision.id.desc())
        .limit(limit)
    )
    if decision:
        q = q.where(RollbackDecision.decision == decision)
    if workload:
        q = q.where(Workload.key == workload)
    if deployment:
        try:
            q = q.where(Deployment.uuid == uuid.UUID(str(deployment)))
        except ValueError:
            raise ValidationError(
                FieldError("deployment", f"{deployment!r} is not a deployment's UUID")
            ) from None
    if since is not None:
        q = q.where(RollbackDecision.decided_at >= since)
    if until is not None:
        q = q.where(RollbackDecision.decided_at < until)
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(
            RollbackDecision.reason.ilike(like)
            | Workload.key.ilike(like)
            | RollbackDecision.trigger.ilike(like)
        )
    out = []
    for row, dep_uuid, key, env, who in session.execute(q):
        observed = ""
        if row.observed_value is not None:
            observed = f"{row.observed_value:g} {row.observed_unit}".strip()
        out.append(
            DecisionRow(
                str(row.uuid),
                row.decided_at,
                row.decision,
                str(dep_uuid),
                key,
                env,
                row.trigger or MANUAL,
                observed,
                who,
                row.reason,
            )
        )
    return out
