"""Planning a deployment, sized by history, and the duration variance behind that size.

A coordinator sizing a window needs to know how long rollouts really take, not how long they
were planned to take: the variance report compares planned with actual per team and per
component, and a new deployment's default length is the median actual duration of that
component's (or else that team's) recent production rollouts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Component, Deployment, Environment, Person, Team, Workload
from app.domain.enums import DeploymentResult
from app.planning.durations import (
    DurationSample,
    Variance,
    default_minutes,
    variance_by_component,
    variance_by_team,
)
from app.services import crud
from app.services.actor import Actor
from app.services.calendar_queries import components_of
from app.services.crud import EntitySpec
from app.services.errors import FieldError
from app.services.fields import Field

HISTORY = timedelta(days=365)
"""How far back rollouts count: older ones describe a team and a platform that moved on."""


def _deployment_rules(session: Session, dep: Any, changed: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if dep.planned_start and dep.planned_end and dep.planned_end <= dep.planned_start:
        errors.append(FieldError("planned_end", "must be after the planned start"))
    if dep.actual_start and dep.actual_end and dep.actual_end <= dep.actual_start:
        errors.append(FieldError("actual_end", "must be after the actual start"))
    env = dep.environment
    if env is not None and env.is_production and dep.owner is None:
        errors.append(FieldError("owner", f"a deployment to {env.name} needs a deployment owner"))
    scheduling = {"workload", "environment", "planned_start"} & changed.keys()
    if env is not None and env.is_production and scheduling and dep.workload is not None:
        errors.extend(_runbooks_signed(session, dep.workload.id, env.name))
    return errors


def _runbooks_signed(session: Session, workload_id: int, env: str) -> list[FieldError]:
    """A workload is scheduled into production only once the runbooks it relies on are
    signed off by operations and security."""
    from app.services.runbook_queries import relied_on

    return [
        FieldError(
            "environment",
            f"runbook '{status.title}' must be signed off by operations and security before "
            f"a deployment to {env} ({'; '.join(status.missing)})",
        )
        for _, status in relied_on(session, [workload_id]).get(workload_id, [])
        if not status.approved
    ]


DEPLOYMENT = EntitySpec(
    Deployment,
    "deployment",
    [
        Field("workload", "ref", ref=Workload),
        Field("environment", "ref", ref=Environment),
        Field("owner", "ref", required=False, ref=Person, label="Deployment owner"),
        Field("planned_start", "datetime", label="Planned start"),
        Field("planned_end", "datetime", label="Planned end"),
        Field("actual_start", "datetime", required=False, label="Actual start"),
        Field("actual_end", "datetime", required=False, label="Actual end"),
        Field("result", "choice", choices=DeploymentResult.choices()),
    ],
    checks=[_deployment_rules],
)


DEPLOYMENT_SCHEDULE = EntitySpec(
    Deployment,
    "deployment",
    [f for f in DEPLOYMENT.fields if f.name not in ("workload", "environment")],
    checks=[_deployment_rules],
)
"""What the calendar edits on a deployment: who, when, and what happened; its workload and
environment are fixed once it is planned."""


def samples(
    session: Session, since: datetime, *, with_components: bool = True
) -> list[DurationSample]:
    """Finished production rollouts since `since`, one sample each (without their components
    when only per-team figures are wanted: reading them costs more than the rest)."""
    rows = session.execute(
        select(
            Deployment.id,
            Deployment.workload_id,
            Team.name,
            Deployment.planned_start,
            Deployment.planned_end,
            Deployment.actual_start,
            Deployment.actual_end,
        )  # fmt: skip
        .join(Workload, Workload.id == Deployment.workload_id)
        .join(Team, Team.id == Workload.team_id)
        .join(Environment, Environment.id == Deployment.environment_id)
        .where(
            Environment.is_production.is_(True),
            Deployment.actual_start >= since,
            Deployment.actual_end.is_not(None),
        )
    ).all()
    comps = components_of(session, (r[1] for r in rows)) if with_components else {}
    found = []
    for _id, wid, team, ps, pe, start, end in rows:
        if start is None or end is None:
            continue
        found.append(
            DurationSample(
                team=team,
                components=tuple(sorted(comps.get(wid, ()))),
                planned_minutes=(pe - ps).total_seconds() / 60,
                actual_minutes=(end - start).total_seconds() / 60,
            )
        )
    return found


def variance_report(
    session: Session, now: datetime
) -> tuple[dict[str, Variance], dict[str, Variance]]:
    """(per team, per component) planned-vs-actual variance over the last year."""
    history = samples(session, now - HISTORY)
    return variance_by_team(history), variance_by_component(history)


def default_length(session: Session, workload_key: str, now: datetime) -> tuple[int, str]:
    """Minutes to plan for this workload's next production rollout, and why."""
    row = session.execute(
        select(Workload.id, Team.name)
        .join(Team, Team.id == Workload.team_id)
        .where(Workload.key == workload_key)
    ).first()
    if row is None:
        return 60, "no history: default 60 min"
    names = list(
        session.scalars(
            select(Component.name)
            .join(Workload.components)
            .where(Workload.id == row[0])
        )
    )  # fmt: skip
    return default_minutes(samples(session, now - HISTORY), row[1], names)


def plan_deployment(
    session: Session,
    actor: Actor,
    workload_key: str,
    environment: str,
    start: datetime,
    *,
    owner: str | None = None,
    minutes: int | None = None,
) -> tuple[Deployment, str]:
    """Create a planned deployment; without `minutes` it is as long as history says."""
    basis = f"{minutes} min as given"
    if minutes is None:
        minutes, basis = default_length(session, workload_key, start)
    dep = crud.create(
        session,
        actor,
        DEPLOYMENT,
        {
            "workload": workload_key,
            "environment": environment,
            "owner": owner,
            "planned_start": start,
            "planned_end": start + timedelta(minutes=minutes),
            "result": DeploymentResult.PLANNED,
        },
    )
    return dep, basis
