"""Re-assessing every open workload's risk tier by the rules, as history moves on.

A tier is derived when one of its inputs is saved, but its inputs also change on their own:
incidents accumulate, the dependency graph grows, a component starts holding regulated data.
This re-runs the rules over all open work at once (one query per input, not per workload)
and, when asked, writes the new tiers in one audited transaction. Overridden tiers are left
as the coordinator set them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from app.domain import Component, Workload, workload_component
from app.domain.enums import OPEN_STATUSES
from app.policy.risk import assess
from app.services import audit
from app.services.actor import WRITERS, Actor
from app.services.risk import component_risks


@dataclass(frozen=True)
class TierChange:
    workload: str
    """The workload's key."""
    before: str
    after: str
    reasons: tuple[str, ...]


def reassess(
    session: Session,
    actor: Actor,
    *,
    apply: bool = False,
    now: datetime | None = None,
    audit_each: bool = True,
) -> list[TierChange]:
    """The open workloads whose tier the rules now put elsewhere; written when `apply`, each
    with an audit event unless the caller audits the whole act (demo generation)."""
    if apply:
        actor.require(*WRITERS, to="re-assess risk tiers")
    everything = list(session.scalars(select(Component)))
    risks = dict(
        zip((c.id for c in everything), component_risks(session, everything, now), strict=True)
    )
    touched: dict[int, list[int]] = defaultdict(list)
    for wid, cid in session.execute(
        select(workload_component.c.workload_id, workload_component.c.component_id)
        .join(Workload, Workload.id == workload_component.c.workload_id)
        .where(Workload.status.in_(OPEN_STATUSES), Workload.risk_override_reason.is_(None))
    ):
        touched[wid].append(cid)
    rows = session.execute(
        select(
            Workload.id,
            Workload.uuid,
            Workload.key,
            Workload.version,
            Workload.risk_tier,
            Workload.change_class,
            Workload.schema_change,
        )  # fmt: skip
        .where(Workload.status.in_(OPEN_STATUSES), Workload.risk_override_reason.is_(None))
        .order_by(Workload.key_sort)
    ).all()
    changes, writes, events = [], [], []
    for row in rows:
        comps = [risks[c] for c in touched.get(row.id, ()) if c in risks]
        verdict = assess(row.change_class, comps, row.schema_change)
        if verdict.tier == row.risk_tier:
            continue
        changes.append(TierChange(row.key, row.risk_tier, verdict.tier, verdict.reasons))
        writes.append({"b_id": row.id, "b_version": row.version, "b_tier": verdict.tier})
        events.append((
            "reassess", "workload", str(row.uuid), {"risk_tier": row.risk_tier},
            {"risk_tier": verdict.tier, "reasons": list(verdict.reasons)},
        ))  # fmt: skip
    if apply and writes:
        table = Workload.__table__
        session.execute(
            update(table)  # type: ignore[arg-type]
            .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
            .values(
                risk_tier=bindparam("b_tier"),
                version=table.c.version + 1,
                updated_at=datetime.now(UTC),
            ),  # fmt: skip
            writes,
            execution_options={"synchronize_session": False},
        )
        if audit_each:
            audit.append_many(session, actor, events)
        session.expire_all()
    return changes
