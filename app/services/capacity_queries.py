"""The release plan read into a `PlanSnapshot`, and the deferral history as report rows.

Reads columns, never ORM objects: the large organisation has 60,000 open workloads, and the
board, the auto-planner and `plan show` all start from one snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.domain import (
    Component,
    Deferral,
    FreezeOverride,
    FreezePeriod,
    Release,
    ReleaseTrain,
    Team,
    Workload,
    WorkloadDependency,
    freeze_component,
    freeze_team,
    workload_component,
)
from app.domain.enums import (
    OPEN_STATUSES,
    ChangeClass,
    ReleaseStatus,
    WorkloadStatus,
)
from app.planning.capacity import velocity
from app.planning.deferral_report import Slip
from app.planning.plan import (
    FreezeNote,
    PlanItem,
    PlanningPolicy,
    PlanRelease,
    PlanSnapshot,
    PlanTeam,
)
from app.planning.recurrence import occurrences
from app.policy.approval_paths import ApprovalPath, missing_roles, path_for
from app.services.calendar import schedule_of
from app.services.planning_policy import get_policy
from app.services.risk import approved_roles_of

CLOSED_RELEASES = (ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED)


def train_choices(session: Session) -> list[tuple[int, str]]:
    return [(i, n) for i, n in session.execute(select(ReleaseTrain.id, ReleaseTrain.name))]


def release_names(session: Session, ids: Iterable[int]) -> dict[int | None, str]:
    wanted = sorted(set(ids))
    out: dict[int | None, str] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        rows = session.execute(select(Release.id, Release.name).where(Release.id.in_(part)))
        out.update((i, name) for i, name in rows)
    return out


def load_snapshot(
    session: Session, releases: int | None = None, now: datetime | None = None
) -> PlanSnapshot:
    """Every team, the next `releases` releases of each train (default: the policy's), and
    every open workload."""
    policy = get_policy(session)
    now = now or datetime.now(UTC)
    upcoming = _upcoming(session, releases or policy.plan_releases, now)
    teams = plan_teams(session, policy, now)
    items = _items(session, {t.id: t.train for t in teams}, {r.id for r in upcoming})
    return PlanSnapshot(tuple(teams), tuple(upcoming), tuple(items), policy, now)


def _upcoming(session: Session, per_train: int, now: datetime) -> list[PlanRelease]:
    rows = session.execute(
        select(
            Release.id,
            Release.name,
            Release.train_id,
            Release.window_start,
            Release.window_end,
            Release.code_freeze_at,
        )  # fmt: skip
        .where(
            Release.train_id.is_not(None),
            Release.window_start >= now,
            Release.status.not_in(CLOSED_RELEASES),
        )
        .order_by(Release.window_start, Release.name)
    ).all()
    taken: dict[int, int] = defaultdict(int)
    chosen = []
    for row in rows:
        if taken[row.train_id] < per_train:
            taken[row.train_id] += 1
            chosen.append(row)
    notes = _freeze_notes(session, chosen, now)
    return [
        PlanRelease(r.id, r.name, r.train_id, r.window_start, r.code_freeze_at, notes[r.id])
        for r in chosen
    ]


def _freeze_notes(
    session: Session, releases: list[Any], now: datetime
) -> dict[int, tuple[FreezeNote, ...]]:
    out: dict[int, list[FreezeNote]] = defaultdict(list)
    if not releases:
        return {}
    teams, comps = defaultdict(set), defaultdict(set)
    for fid, tid in session.execute(select(freeze_team.c.freeze_id, freeze_team.c.team_id)):
        teams[fid].add(tid)
    for fid, cid in session.execute(
        select(freeze_component.c.freeze_id, freeze_component.c.component_id)
    ):
        comps[fid].add(cid)
    ids = [r.id for r in releases]
    active = {
        (f, r)
        for f, r, expires in session.execute(
            select(
                FreezeOverride.freeze_id, FreezeOverride.release_id, FreezeOverride.expires_at
            ).where(FreezeOverride.release_id.in_(ids), FreezeOverride.status == "approved")
        )
        if expires > now
    }
    for freeze in session.scalars(select(FreezePeriod).order_by(FreezePeriod.name)):
        schedule = schedule_of(freeze)
        for rel in releases:
            start, end = rel.window_start, rel.window_end
            if occurrences(schedule, start, end):
                out[rel.id].append(
                    FreezeNote(
                        freeze.name,
                        freeze.hard,
                        frozenset(teams[freeze.id]),
                        frozenset(comps[freeze.id]),
                        (freeze.id, rel.id) in active,
                    )
                )
    return {r.id: tuple(out[r.id]) for r in releases}


def plan_teams(session: Session, policy: PlanningPolicy, now: datetime) -> list[PlanTeam]:
    """Every team with its capacity read from what it delivered on its train."""
    past: dict[int | None, list[int]] = defaultdict(list)
    for rid, train in session.execute(
        select(Release.id, Release.train_id)
        .where(
            Release.train_id.is_not(None),
            Release.window_start < now,
            Release.status != ReleaseStatus.CANCELLED,
        )
        .order_by(Release.window_start)
    ):
        past[train].append(rid)
    delivered: dict[int, dict[int | None, int]] = defaultdict(dict)
    for team, rel, points in session.execute(
        select(Workload.team_id, Workload.target_release_id, func.sum(Workload.size))
        .where(
            Workload.status == WorkloadStatus.DEPLOYED,
            Workload.change_class != ChangeClass.EMERGENCY,
            Workload.target_release_id.is_not(None),
        )
        .group_by(Workload.team_id, Workload.target_release_id)
    ):
        delivered[team][rel] = int(points)
    out = []
    for row in session.execute(
        select(
            Team.id, Team.name, Team.train_id, Team.capacity_cap, Team.max_share_percent
        ).order_by(Team.name)
    ):
        history = _history(past.get(row.train_id, []), delivered.get(row.id, {}))
        points, basis = velocity(history, policy)
        out.append(
            PlanTeam(
                row.id,
                row.name,
                row.train_id,
                points,
                basis,
                row.capacity_cap,
                row.max_share_percent,
            )  # fmt: skip
        )
    return out


def _history(train_releases: list[int], delivered: dict[int | None, int]) -> list[int]:
    """Points per release of the team's train since its first delivery on it, oldest first;
    a release it delivered nothing in counts as zero."""
    first = next((i for i, r in enumerate(train_releases) if r in delivered), None)
    if first is None:
        return []
    return [delivered.get(r, 0) for r in train_releases[first:]]


def _items(session: Session, train_of: dict[int, int | None], in_scope: set[int]) -> list[PlanItem]:
    rows = session.execute(
        select(
            Workload.id,
            Workload.key,
            Workload.title,
            Workload.team_id,
            Workload.size,
            Workload.wsjf_score,
            Workload.business_value,
            Workload.time_criticality,
            Workload.risk_reduction,
            Workload.change_class,
            Workload.risk_tier,
            Workload.target_release_id,
            Workload.status,
            Workload.must_ship_by,
            Workload.key_sort,
            Release.train_id,
        )  # fmt: skip
        .outerjoin(Release, Release.id == Workload.target_release_id)
        .where(Workload.status.in_(OPEN_STATUSES))
        .order_by(Workload.id)
    ).all()
    open_ids = {r.id for r in rows}
    comps = _components(session)
    deps = _dependencies(session, open_ids)
    approved = approved_roles_of(session, Workload.status.in_(OPEN_STATUSES))
    items = []
    for r in rows:
        mine = comps.get(r.id, ())
        regulated = any(c[2] for c in mine)
        stateful = any(c[1] for c in mine)
        independent = bool(mine) and all(c[3] for c in mine)
        path = _path(r.risk_tier, r.change_class, regulated, stateful)
        fixed = (
            r.status == WorkloadStatus.IN_PROGRESS
            or r.change_class == ChangeClass.EMERGENCY
            or train_of.get(r.team_id) is None
            or (r.target_release_id is None and independent)
            or (r.target_release_id is not None and r.train_id is None)
        )
        items.append(
            PlanItem(
                id=r.id,
                key=r.key,
                title=r.title,
                team=r.team_id,
                size=r.size,
                wsjf=r.wsjf_score,
                cost_of_delay=r.business_value + r.time_criticality + r.risk_reduction,
                change_class=r.change_class,
                risk_tier=r.risk_tier,
                release=r.target_release_id,
                status=r.status,
                fixed=fixed,
                must_ship_by=r.must_ship_by,
                depends_on=deps.get(r.id, ()),
                components=tuple(c[0] for c in mine),
                regulated=regulated,
                stateful=stateful,
                missing_approvals=missing_roles(path, approved.get(r.id, ())),
                key_sort=r.key_sort,
                business_value=r.business_value,
                time_criticality=r.time_criticality,
                risk_reduction=r.risk_reduction,
            )
        )
    return items


def _components(session: Session) -> dict[int, tuple[tuple[int, bool, bool, bool], ...]]:
    """Open workload id → (component id, stateful, regulated, independent) per component."""
    out: dict[int, list[tuple[int, bool, bool, bool]]] = defaultdict(list)
    for wid, cid, stateful, pii, fin, health, track in session.execute(
        select(
            workload_component.c.workload_id,
            Component.id,
            Component.stateful,
            Component.pii,
            Component.financial,
            Component.health,
            Component.track,
        )  # fmt: skip
        .join(Component, Component.id == workload_component.c.component_id)
        .join(Workload, Workload.id == workload_component.c.workload_id)
        .where(Workload.status.in_(OPEN_STATUSES))
    ):
        out[wid].append((cid, bool(stateful), bool(pii or fin or health), track == "independent"))
    return {k: tuple(v) for k, v in out.items()}


def _dependencies(session: Session, open_ids: set[int]) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = defaultdict(list)
    for wid, dep in session.execute(
        select(WorkloadDependency.workload_id, WorkloadDependency.depends_on_id)
    ):
        if wid in open_ids and dep in open_ids:
            out[wid].append(dep)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@cache
def _path(tier: str, change_class: str, regulated: bool, stateful: bool) -> ApprovalPath:
    """A handful of distinct paths serve 60,000 workloads."""
    return path_for(tier, change_class, regulated=regulated, stateful=stateful)


def deferral_slips(session: Session, releases_back: int = 12) -> list[Slip]:
    """Every slip out of the last `releases_back` releases of each train and anything later."""
    since = _history_start(session, releases_back)
    src, dst = aliased(Release), aliased(Release)
    rows = session.execute(
        select(
            Deferral.workload_id,
            Workload.key,
            Team.name,
            src.name,
            src.window_start,
            dst.name,
            Deferral.reason,
            Deferral.actor,
            Deferral.created_at,
            Workload.created_at,
            Workload.status,
        )  # fmt: skip
        .join(Workload, Workload.id == Deferral.workload_id)
        .join(Team, Team.id == Workload.team_id)
        .join(src, src.id == Deferral.from_release_id)
        .outerjoin(dst, dst.id == Deferral.to_release_id)
        .where(src.window_start >= since)
        .order_by(Deferral.created_at, Deferral.id)
    ).all()
    return [
        Slip(
            workload=r[0],
            key=r[1],
            team=r[2],
            from_release=r[3],
            from_starts=r[4],
            to_release=r[5],
            reason=r[6],
            actor=r[7],
            at=r[8],
            created_at=r[9],
            open=r[10] in OPEN_STATUSES,
        )  # fmt: skip
        for r in rows
    ]


def _history_start(session: Session, releases_back: int) -> datetime:
    """The earliest start among the last `releases_back` past releases of each train."""
    now = datetime.now(UTC)
    recent: dict[int | None, list[datetime]] = defaultdict(list)
    for train, start in session.execute(
        select(Release.train_id, Release.window_start)
        .where(Release.train_id.is_not(None), Release.window_start < now)
        .order_by(Release.window_start.desc())
    ):
        if len(recent[train]) < releases_back:
            recent[train].append(start)
    return min((starts[-1] for starts in recent.values()), default=now)
