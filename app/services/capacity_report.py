"""One release's plan per team: capacity and its basis against what is committed."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Release, Workload
from app.domain.enums import ChangeClass, WorkloadStatus
from app.planning.capacity import limits
from app.planning.plan import PlanRelease
from app.services.capacity_queries import plan_teams
from app.services.planning_policy import get_policy


def release_plan(session: Session, name: str, now: datetime | None = None) -> dict[str, Any] | None:
    """`plan show` as plain data; None when no release has that name.

    Lists the teams riding the release's train and any other team with work in it;
    emergency patches are listed but use no capacity.
    """
    rel = session.scalars(select(Release).where(Release.name == name)).one_or_none()
    if rel is None:
        return None
    teams = plan_teams(session, get_policy(session), now or datetime.now(UTC))
    target = PlanRelease(rel.id, rel.name, rel.train_id, rel.window_start, rel.code_freeze_at)
    limit = limits(teams, [target])
    work: dict[int, list[str]] = {}
    points: dict[int, int] = {}
    exceptions = []
    names = {t.id: t.name for t in teams}
    for key, team_id, size, cls, why in session.execute(
        select(
            Workload.key,
            Workload.team_id,
            Workload.size,
            Workload.change_class,
            Workload.exception_reason,
        )  # fmt: skip
        .where(Workload.target_release_id == rel.id, Workload.status != WorkloadStatus.CANCELLED)
        .order_by(Workload.key_sort)
    ):
        work.setdefault(team_id, []).append(key)
        if cls != ChangeClass.EMERGENCY:
            points[team_id] = points.get(team_id, 0) + size
        else:
            exceptions.append({"workload": key, "team": names[team_id], "justification": why})
    rows = []
    for team in teams:
        if (team.id, rel.id) not in limit and team.id not in work:
            continue
        cap: int | None = None
        basis = "not on this release's train"
        if (team.id, rel.id) in limit:
            cap, basis = limit[team.id, rel.id]
        committed = points.get(team.id, 0)
        rows.append(
            {
                "team": team.name,
                "capacity": cap,
                "basis": basis,
                "velocity": team.capacity,
                "velocity_basis": team.basis,
                "committed": committed,
                "over": max(0, committed - cap) if cap is not None else 0,
                "workloads": work.get(team.id, []),
            }
        )
    return {
        "release": rel.name,
        "starts": rel.window_start.isoformat(),
        "status": rel.status,
        "committed": sum(points.values()),
        "teams": rows,
        "exceptions": exceptions,
    }
