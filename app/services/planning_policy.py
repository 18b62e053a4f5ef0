"""The planning policy: read with its documented defaults, saved by a coordinator, audited."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import PlanningPolicy as PolicyRow
from app.planning.plan import PlanningPolicy
from app.services import crud
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.fields import Field

POLICY = EntitySpec(
    PolicyRow,
    "planning_policy",
    [
        Field("history_releases", "int", minimum=1, maximum=52, label="Releases of history"),
        Field("capacity_percentile", "int", minimum=1, maximum=100, label="Capacity percentile"),
        Field("default_capacity", "int", minimum=0, maximum=10_000, label="Default capacity"),
        Field(
            "tech_debt_share_percent", "int", minimum=0, maximum=100, label="Tech-debt share (%)"
        ),
        Field("plan_releases", "int", minimum=1, maximum=52, label="Releases to plan"),
        Field(
            "restore_max_age_days", "int", minimum=1, maximum=365, label="Restore valid for (days)"
        ),
    ],
)
NAMES = tuple(f.name for f in POLICY.fields)


def _row(session: Session) -> PolicyRow | None:
    return session.scalars(select(PolicyRow).order_by(PolicyRow.id).limit(1)).one_or_none()


def get_policy(session: Session) -> PlanningPolicy:
    row = _row(session)
    if row is None:
        return PlanningPolicy()
    return PlanningPolicy(**{name: getattr(row, name) for name in NAMES})


def save_policy(session: Session, actor: Actor, values: dict[str, Any]) -> PlanningPolicy:
    """Validate and store the changed knobs; returns the previous policy (for undo)."""
    previous = get_policy(session)
    row = _row(session)
    if row is None:
        full = dataclasses.asdict(previous) | values
        crud.create(session, actor, POLICY, full)
    else:
        crud.update(session, actor, POLICY, row.uuid, row.version, values)
    return previous
