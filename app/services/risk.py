"""A workload's risk tier by the rules in `app.policy.risk`, from what the database knows.

The tier is derived on every save from the change class, the touched components (data
classes, statefulness, blast radius, recent incidents) and whether it changes a schema. A
coordinator may override it, but only with a reason, and the override is audited.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import Approval, Component, ComponentDependency, Incident, Workload
from app.domain.enums import ApprovalState
from app.policy.approval_paths import ApprovalPath, path_for
from app.policy.risk import (
    FAILURE_WINDOW_DAYS,
    ComponentRisk,
    RiskAssessment,
    assess,
    blast_radius,
)
from app.services import crud
from app.services.actor import Actor
from app.services.errors import FieldError, NotFound, ValidationError

RISK_INPUTS = frozenset(
    {"change_class", "components", "schema_change", "risk_tier", "risk_override_reason"}
)


@dataclass(frozen=True)
class WorkloadRisk:
    key: str
    tier: str
    """The tier in force: the rules' unless overridden."""
    rules_tier: str
    override_reason: str | None
    assessment: RiskAssessment
    path: ApprovalPath
    approved_roles: tuple[str, ...]


def component_risks(
    session: Session, components: Sequence[Component], now: datetime | None = None
) -> list[ComponentRisk]:
    """What the risk rules read about each component: data, state, blast radius (over the
    whole dependency graph) and incidents within the failure-history window."""
    edges = session.execute(
        select(ComponentDependency.consumer_id, ComponentDependency.provider_id)
    )
    radius = blast_radius((consumer, provider) for consumer, provider in edges)
    since = (now or datetime.now(UTC)) - timedelta(days=FAILURE_WINDOW_DAYS)
    incidents = dict(
        session.execute(
            select(Incident.component_id, func.count())
            .where(Incident.component_id.in_([c.id for c in components]))
            .where(Incident.opened_at >= since)
            .group_by(Incident.component_id)
        ).all()
    )
    return [
        ComponentRisk(
            name=c.name,
            stateful=c.stateful,
            data_classes=frozenset(c.data_classes),
            dependents=radius.get(c.id, 0),
            incidents=incidents.get(c.id, 0),
        )
        for c in components
    ]


def rules_assessment(session: Session, wl: Workload) -> RiskAssessment:
    return assess(wl.change_class, component_risks(session, wl.components), wl.schema_change)


def derive_tier(session: Session, wl: Workload, converted: dict[str, Any]) -> list[FieldError]:
    """Workload check: the rules set the tier unless an override with a reason says otherwise.

    A tier given in this save that differs from the rules' needs a reason; a tier that was
    not touched follows the rules, so editing a title never trips over a stale tier.
    """
    if wl.change_class is None or wl.size is None:
        return []  # field errors already name what is missing
    if wl.id is not None and not RISK_INPUTS & converted.keys():
        return []  # nothing the rules read changed: no query, no surprise
    rules = rules_assessment(session, wl)
    reason = (wl.risk_override_reason or "").strip()
    wl.risk_override_reason = reason or None
    asked = converted.get("risk_tier")
    if reason and wl.risk_tier is not None:
        return []
    if asked is not None and asked != rules.tier:
        because = "; ".join(rules.reasons) or "no risk factors"
        return [
            FieldError(
                "risk_override_reason",
                f"the rules give {rules.tier} ({because}); overriding to {asked} needs a reason",
            )
        ]
    wl.risk_tier = rules.tier
    wl.risk_override_reason = None
    return []


def approved_roles_of(session: Session, *where: Any) -> dict[int, tuple[str, ...]]:
    """Workload id → the roles that signed it off, for the workloads `where` selects; joined
    in the database so tens of thousands of workload UUIDs are never parsed."""
    out: dict[int, list[str]] = defaultdict(list)
    for workload_id, role in session.execute(
        select(Workload.id, Approval.required_role)
        .join(Approval, Approval.subject_uuid == Workload.uuid)
        .where(
            Approval.subject_type == "workload",
            Approval.state == ApprovalState.APPROVED,
            *where,
        )
    ):
        out[workload_id].append(role)
    return {k: tuple(v) for k, v in out.items()}


def approved_roles(session: Session, wl: Workload) -> tuple[str, ...]:
    rows = session.scalars(
        select(Approval.required_role).where(
            Approval.subject_type == "workload",
            Approval.subject_uuid == wl.uuid,
            Approval.state == ApprovalState.APPROVED,
        )
    )
    return tuple(sorted(set(rows)))


def assess_workload(session: Session, item_id: int) -> WorkloadRisk:
    wl = session.get(Workload, item_id)
    if wl is None:
        raise NotFound(f"no workload with id {item_id}")
    rules = rules_assessment(session, wl)
    regulated = any(c.data_classes for c in wl.components)
    stateful = any(c.stateful for c in wl.components)
    return WorkloadRisk(
        key=wl.key,
        tier=wl.risk_tier,
        rules_tier=rules.tier,
        override_reason=wl.risk_override_reason,
        assessment=rules,
        path=path_for(wl.risk_tier, wl.change_class, regulated=regulated, stateful=stateful),
        approved_roles=approved_roles(session, wl),
    )


def override_risk(
    session: Session, actor: Actor, item_id: int, tier: str | None, reason: str
) -> dict[str, Any]:
    """Set (or with `tier=None`, give back to the rules) a workload's tier; returns the
    previous values for undo."""
    from app.services.workloads import WORKLOAD

    wl = session.get(Workload, item_id)
    if wl is None:
        raise NotFound(f"no workload with id {item_id}")
    before = {"risk_tier": wl.risk_tier, "risk_override_reason": wl.risk_override_reason}
    if tier is not None and tier != wl.risk_tier and not reason.strip():
        rules = rules_assessment(session, wl)
        if tier != rules.tier:
            raise ValidationError(
                FieldError("risk_override_reason", "an override of the risk tier needs a reason"),
                "workload",
            )
    values = {"risk_tier": tier, "risk_override_reason": reason.strip() or None}
    crud.update(session, actor, WORKLOAD, wl.uuid, wl.version, values)
    return before
