"""Sign-offs on risky work, honouring segregation of duties.

Regulated data at high risk needs security, emergency patches need an approver to bypass
the train, and some other high-risk work asks for one too. Deployed work was approved before
its window; upcoming work is mostly still waiting, with the odd rejection on record. Nobody
decides their own request or a change they own, exactly as the approval service enforces.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from app.demo.vocabulary import REJECTIONS
from app.demo.world import Uuids, WorkloadRec, World, entity
from app.domain.enums import ApprovalState, ChangeClass, Role, WorkloadStatus
from app.policy.approval_paths import path_for

APPROVED_COMMENTS = (
    "Runbook and rollback plan reviewed.",
    "Canary plan and SLO triggers look right.",
    "Peer review on record; go.",
    "",
)
DATA_NAMES = {"p": "PII", "f": "financial data", "h": "health data"}


def approval_rows(world: World) -> Iterator[dict[str, Any]]:
    rng = world.rng("approvals")
    uuids = Uuids(world.rng("approval-uuids"))
    holders: dict[str, list[int]] = {
        role: world.people_with(role) for role in (Role.SECURITY, Role.APPROVER, Role.OPERATIONS)
    }
    coordinators: dict[int, int] = {}
    for index in world.people_with(Role.COORDINATOR):
        team = world.people[index].team
        if team is not None:
            coordinators.setdefault(team, index)
    for rec in world.workloads:
        if rec.release is None:
            continue
        for role, reason in _needed(world, rec):
            row = _approval(rng, world, uuids, holders, coordinators, rec, role, reason)
            if row is not None:
                yield row


def _approval(
    rng: random.Random,
    world: World,
    uuids: Uuids,
    holders: dict[str, list[int]],
    coordinators: dict[int, int],
    rec: WorkloadRec,
    role: str,
    reason: str,
) -> dict[str, Any] | None:
    requester = coordinators.get(rec.team, max(world.actor_person, 0))
    deciders = [p for p in holders[role] if p not in (requester, rec.owner)]
    if not deciders:
        return None
    assert rec.release is not None
    release = world.releases[rec.release]
    requested = min(rec.created + timedelta(days=rng.uniform(0.5, 10)), world.anchor)
    if rec.status == WorkloadStatus.DEPLOYED:
        state = ApprovalState.APPROVED
        deadline = release.start - timedelta(hours=1)
    else:
        state = rng.choices(
            (ApprovalState.PENDING, ApprovalState.APPROVED, ApprovalState.REJECTED),
            (55, 38, 7),
        )[0]
        deadline = world.anchor - timedelta(hours=1)
    requested = min(requested, deadline - timedelta(hours=2)).replace(microsecond=0)
    decided = None
    if state != ApprovalState.PENDING:
        decided = _decision_time(rng, requested, deadline)
    comment = ""
    if state == ApprovalState.APPROVED:
        comment = rng.choice(APPROVED_COMMENTS)
    elif state == ApprovalState.REJECTED:
        comment = rng.choice(REJECTIONS)
    decider = world.people[rng.choice(deciders)].id if decided else None
    return entity(
        world.ids("approval", 1)[0],
        uuids(),
        requested,
        updated_at=decided,
        subject_type="workload",
        subject_uuid=rec.uuid,
        required_role=role,
        reason=reason,
        requested_by_id=world.people[requester].id,
        state=state,
        decided_by_id=decider,
        decided_at=decided,
        comment=comment,
    )


def _needed(world: World, rec: WorkloadRec) -> list[tuple[str, str]]:
    """The sign-offs the approval path of the workload's tier asks for, with why."""
    if rec.status in (WorkloadStatus.BACKLOG, WorkloadStatus.CANCELLED):
        return []
    touched = [world.components[c] for c in rec.components]
    held = {f for c in touched for f in c.data}
    path = path_for(
        rec.risk_tier,
        rec.change_class,
        regulated=bool(held),
        stateful=any(c.stateful for c in touched),
    )
    data = " and ".join(DATA_NAMES[f] for f in "pfh" if f in held)
    out = []
    for role in path.roles:
        if role == Role.SECURITY:
            out.append((role, f"{rec.risk_tier.capitalize()}-risk change touching {data}"))
        elif rec.change_class == ChangeClass.EMERGENCY:
            out.append((role, "Emergency patch outside the release train"))
        elif role == Role.OPERATIONS:
            out.append((role, "CAB: runbook, rollback triggers and on-call cover"))
        else:
            out.append((role, f"{path.name.capitalize()}: {rec.risk_tier} risk sign-off"))
    return out


def _decision_time(rng: random.Random, requested: Any, deadline: Any) -> Any:
    span = max((deadline - requested).total_seconds(), 60.0)
    return (requested + timedelta(seconds=rng.uniform(0.05, 0.9) * min(span, 5 * 86400))).replace(
        microsecond=0
    )
