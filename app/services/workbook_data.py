"""The release workbook's rows, streamed from the database as plain values, one reader per sheet.

Readers select columns, never ORM objects, and fetch in batches of `BATCH` rows, so 100,000
workloads and 192,000 deployments pass through in bounded memory. Each yields tuples in its
sheet's column order; moments are aware (UTC) and the writer puts them in the reader's zone.

What a scope takes in:

- a release: the release, its workloads (and the teams' capacity on it), the calendar from a
  week before its code freeze (its window start when it has none) to its window end (its
  window, its waves, its workloads' deployments, and the windows and freezes of that span),
  the runbooks its workloads rely on (their own and their components' templates), and the
  approvals and audit events about the release, its workloads, their deployments and
  runbooks, its waves and those approvals;
- a period (whole days in the export's zone, the last one included): the releases whose
  window starts in it with the workloads targeted at them, plus unplanned workloads (no
  target release) changed during it; the calendar items that overlap it; the runbooks those
  workloads rely on; the approvals requested or decided and the audit events recorded in it;
- everything: the whole database, the audit trail cut to its latest `AUDIT_CAP` events.
"""

from __future__ import annotations

import heapq
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select, true
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import ColumnElement

from app.domain import (
    Component,
    Deployment,
    DeploymentWindow,
    Environment,
    FreezePeriod,
    Person,
    Release,
    ReleaseTrain,
    Team,
    Wave,
    Workload,
    freeze_component,
    freeze_team,
    workload_component,
)
from app.domain.enums import ChangeClass, WorkloadStatus
from app.planning.capacity import limits
from app.planning.plan import PlanRelease
from app.planning.recurrence import occurrences
from app.services.calendar import schedule_of
from app.services.capacity_queries import plan_teams
from app.services.dependency_queries import release_id
from app.services.planning_policy import get_policy

BATCH = 2000
AUDIT_CAP = 100_000
CALENDAR_LEAD = timedelta(days=7)
"""A release's calendar starts this long before its code freeze: the run-up to it."""
COVERS_SHOWN = 8
"""Teams and components named in a freeze's line; the Calendar screen lists them all."""
RELEASE, PERIOD, EVERYTHING = "release", "period", "everything"

Row = tuple[Any, ...]


class ScopeError(ValueError):
    """A release that does not exist, dates that do not make a period, an unknown zone."""


@dataclass(frozen=True)
class Scope:
    kind: str
    label: str
    """"release R-2026-48", "2026-12-01 to 2026-12-31 (Europe/Berlin)", "everything"."""
    start: datetime | None = None
    end: datetime | None = None
    """The period in UTC, [start, end); None for an open end."""
    calendar: tuple[datetime, datetime] = (datetime.min.replace(tzinfo=UTC),) * 2
    """The span whose window and freeze occurrences the Calendar lists."""
    release_id: int | None = None
    release_uuid: uuid.UUID | None = None

    def releases(self) -> ColumnElement[bool]:
        if self.kind == RELEASE:
            return Release.id == self.release_id
        if self.kind == PERIOD:
            return within(Release.window_start, self.start, self.end)
        return true()

    def workloads(self) -> ColumnElement[bool]:
        if self.kind == RELEASE:
            return Workload.target_release_id == self.release_id
        if self.kind == PERIOD:
            planned = Workload.target_release_id.in_(select(Release.id).where(self.releases()))
            changed = within(Workload.updated_at, self.start, self.end)
            return or_(planned, and_(Workload.target_release_id.is_(None), changed))
        return true()


def within(column: Any, start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    parts = [column >= start] if start else []
    parts += [column < end] if end else []
    return and_(true(), *parts)


def resolve_scope(
    session: Session,
    *,
    release: str | None = None,
    start: date | None = None,
    end: date | None = None,
    zone: str = "UTC",
) -> Scope:
    """The scope the export names; raises ScopeError saying what is wrong with it."""
    try:
        tz = ZoneInfo(zone)
    except (KeyError, ValueError, OSError):  # OSError: a folder of zones, e.g. "America"
        raise ScopeError(f"unknown time zone {zone!r} (e.g. Europe/Berlin, UTC)") from None
    if release is not None and (start or end):
        raise ScopeError("choose a release or a period, not both")
    if release is not None:
        try:
            rid = release_id(session, release)
        except LookupError:
            raise ScopeError(f"no release is called {release!r}") from None
        rel = session.execute(
            select(
                Release.name,
                Release.uuid,
                Release.code_freeze_at,
                Release.window_start,
                Release.window_end,
            ).where(Release.id == rid)  # fmt: skip
        ).one()
        first = (rel.code_freeze_at or rel.window_start) - CALENDAR_LEAD
        return Scope(RELEASE, f"release {rel.name}", calendar=(first, rel.window_end),
                     release_id=rid, release_uuid=rel.uuid)  # fmt: skip
    if start and end and end < start:
        raise ScopeError(f"the period ends ({end}) before it starts ({start})")
    low, high = _bounds(session)
    if start is None and end is None:
        return Scope(EVERYTHING, "everything", calendar=(low, high))
    after = datetime.combine(start, time(), tz).astimezone(UTC) if start else None
    before = datetime.combine(end + timedelta(days=1), time(), tz).astimezone(UTC) if end else None
    label = f"{start or 'the beginning'} to {end or 'the end'} ({zone})"
    return Scope(PERIOD, label, after, before, (after or low, before or high))


def _bounds(session: Session) -> tuple[datetime, datetime]:
    """From the earliest to the latest thing the calendar holds."""
    rel = session.execute(
        select(
            func.min(Release.code_freeze_at),
            func.min(Release.window_start),
            func.max(Release.window_end),
        )  # fmt: skip
    ).one()
    dep = session.execute(
        select(
            func.min(Deployment.planned_start),
            func.max(Deployment.planned_end),
            func.max(Deployment.actual_end),
        )  # fmt: skip
    ).one()
    firsts = [d for d in (*rel[:2], dep[0]) if d is not None]
    lasts = [d for d in (rel[2], *dep[1:]) if d is not None]
    now = datetime.now(UTC)
    return min(firsts, default=now), max(lasts, default=now + timedelta(days=1))


def batches(session: Session, stmt: Any) -> Iterator[Sequence[Any]]:
    yield from session.execute(stmt.execution_options(yield_per=BATCH)).partitions()


def _utc(moment: datetime | None) -> datetime | None:
    """A stored moment as naive UTC: for the columns whose header says "(UTC)"."""
    return None if moment is None else moment.astimezone(UTC).replace(tzinfo=None)


def change_request(value: str | None) -> Any:
    """A URL as (url, text) so it becomes a hyperlink; anything else as text."""
    if value and value.lower().startswith(("http://", "https://")):
        return (value, value)
    return value


def release_rows(session: Session, scope: Scope) -> Iterator[Row]:
    """Name, train, status, code freeze, window start and end, zone, workloads, points, UUID."""
    alive = Workload.status != WorkloadStatus.CANCELLED
    points = func.sum(case((Workload.change_class != ChangeClass.EMERGENCY, Workload.size),
                           else_=0))  # fmt: skip
    totals = {
        rid: (int(n), int(p or 0))
        for rid, n, p in session.execute(
            select(Workload.target_release_id, func.count(Workload.id), points)
            .join(Release, Release.id == Workload.target_release_id)
            .where(scope.releases(), alive)
            .group_by(Workload.target_release_id)
        )
    }
    stmt = (
        select(Release.id, Release.name, ReleaseTrain.name, Release.status, Release.code_freeze_at,
               Release.window_start, Release.window_end, ReleaseTrain.timezone, Release.uuid)
        .outerjoin(ReleaseTrain, ReleaseTrain.id == Release.train_id)
        .where(scope.releases())
        .order_by(Release.window_start, Release.name)
    )  # fmt: skip
    for batch in batches(session, stmt):
        for rid, name, train, status, freeze, start, end, tz, key in batch:
            n, p = totals.get(rid, (0, 0))
            yield (name, train, status, freeze, start, end, tz or "UTC", n, p, str(key))


def workload_rows(session: Session, scope: Scope) -> Iterator[Row]:
    """The Workloads sheet: `app.exchange.workload_columns.WORKLOAD_COLUMNS`, in order."""
    names = dict(session.execute(select(Component.id, Component.name)).all())
    link = workload_component.c
    w = Workload
    stmt = (
        select(w.id, w.key, w.title, w.change_class, Team.name, w.size, w.business_value,
               w.time_criticality, w.risk_reduction, w.wsjf_score, w.risk_tier,
               w.risk_override_reason, Person.login, Release.name, w.status, w.change_request,
               w.must_ship_by, w.schema_change, w.exception_reason, w.created_at, w.updated_at,
               w.uuid)
        .join(Team, Team.id == w.team_id)
        .outerjoin(Person, Person.id == w.owner_id)
        .outerjoin(Release, Release.id == w.target_release_id)
        .where(scope.workloads())
        .order_by(w.key_sort)
    )  # fmt: skip
    for batch in batches(session, stmt):
        comps: dict[int, list[str]] = defaultdict(list)
        ids = [r[0] for r in batch]
        for wid, cid in session.execute(
            select(link.workload_id, link.component_id).where(link.workload_id.in_(ids))
        ):
            comps[wid].append(names[cid])
        for (wid, key, title, cls, team, size, bv, tc, rr, score, tier, why, owner, rel,
             status, cr, due, schema, exc, made, changed, key_uuid) in batch:  # fmt: skip
            mine = comps.get(wid)
            yield (
                key, title, cls, team, ", ".join(sorted(mine)) if mine else None, size, bv, tc,
                rr, bv + tc + rr, score, tier, why, owner, rel, status, change_request(cr), due,
                bool(schema), exc, _utc(made), _utc(changed), str(key_uuid),
            )  # fmt: skip


def capacity_rows(session: Session, scope: Scope, now: datetime | None = None) -> Iterator[Row]:
    """Team × release: team, release, window start, capacity, basis, committed, free (negative
    when over), and "over by N points" in words. Capacity is today's, read from delivered
    history (as the capacity board has it); emergency patches use none of it."""
    teams = plan_teams(session, get_policy(session), now or datetime.now(UTC))
    releases = session.execute(
        select(Release.id, Release.name, Release.train_id, Release.window_start,
               Release.code_freeze_at)
        .where(scope.releases())
        .order_by(Release.window_start, Release.name)
    ).all()  # fmt: skip
    limit = limits(teams, [PlanRelease(*r) for r in releases])
    committed: dict[tuple[int, int], int] = defaultdict(int)
    for team_id, target_id, cls, points in session.execute(
        select(Workload.team_id, Workload.target_release_id, Workload.change_class,
               func.sum(Workload.size))
        .join(Release, Release.id == Workload.target_release_id)
        .where(scope.releases(), Workload.status != WorkloadStatus.CANCELLED)
        .group_by(Workload.team_id, Workload.target_release_id, Workload.change_class)
    ):  # fmt: skip
        if target_id is not None:
            committed[team_id, target_id] += 0 if cls == ChangeClass.EMERGENCY else int(points)
    for rel in releases:
        for team in teams:
            key = (team.id, rel.id)
            if key not in limit and key not in committed:
                continue
            cap, basis = limit.get(key, (None, "not on this release's train"))
            used = committed.get(key, 0)
            free = None if cap is None else cap - used
            over = f"over by {-free} points" if free is not None and free < 0 else None
            yield (team.name, rel.name, rel.window_start, cap, basis, used, free, over)


def _overlaps(start: datetime, end: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Deployment.planned_start < end, Deployment.planned_end > start),
        and_(Deployment.actual_start < end, Deployment.actual_end > start),
    )


def deployments_in(scope: Scope) -> ColumnElement[bool]:
    if scope.kind == RELEASE:
        return and_(scope.workloads(), _overlaps(*scope.calendar))
    if scope.kind == PERIOD:
        return _overlaps(*scope.calendar)
    return true()


def calendar_rows(session: Session, scope: Scope) -> Iterator[Row]:
    """Kind, what, start, end, the item's own zone, environment, workload, status or result,
    hard/soft, owner, actual start and end; by start. A deployment's start and end are the
    planned ones, what it really took beside them."""
    small = sorted(
        [*_release_items(session, scope), *_span_items(session, scope),
         *_wave_items(session, scope)],
        key=lambda r: r[2],
    )  # fmt: skip
    yield from heapq.merge(small, _deployment_items(session, scope), key=lambda r: r[2])


def _release_items(session: Session, scope: Scope) -> Iterator[Row]:
    for name, status, freeze, start, end, tz in session.execute(
        select(Release.name, Release.status, Release.code_freeze_at, Release.window_start,
               Release.window_end, ReleaseTrain.timezone)
        .outerjoin(ReleaseTrain, ReleaseTrain.id == Release.train_id)
        .where(scope.releases())
    ):  # fmt: skip
        zone = tz or "UTC"
        if freeze is not None:
            yield ("code freeze", f"{name} code freeze", freeze, start, zone, None, None, status,
                   None, None, None, None)  # fmt: skip
        yield ("release", f"{name} release window", start, end, zone, None, None, status, None,
               None, None, None)  # fmt: skip


def _span_items(session: Session, scope: Scope) -> Iterator[Row]:
    """Window and freeze occurrences within the scope's calendar span."""
    first, last = scope.calendar
    env = aliased(Environment)
    for window, env_name in session.execute(
        select(DeploymentWindow, env.name).outerjoin(env, env.id == DeploymentWindow.environment_id)
    ):
        for occ in occurrences(schedule_of(window), first, last):
            yield ("window", window.name, occ.start, occ.end, window.timezone,
                   env_name or "every environment", None, None, None, None, None, None)  # fmt: skip
    covers: dict[int, list[str]] = defaultdict(list)
    for fid, name in session.execute(
        select(freeze_team.c.freeze_id, Team.name).join(Team, Team.id == freeze_team.c.team_id)
    ):
        covers[fid].append(name)
    for fid, name in session.execute(
        select(freeze_component.c.freeze_id, Component.name).join(
            Component, Component.id == freeze_component.c.component_id
        )
    ):
        covers[fid].append(name)
    for freeze in session.scalars(select(FreezePeriod)):
        names = sorted(covers[freeze.id])
        shown = ", ".join(names[:COVERS_SHOWN]) or "everything"
        more = f" and {len(names) - COVERS_SHOWN} more" if len(names) > COVERS_SHOWN else ""
        what = f"{freeze.name} (covers {shown}{more})"
        hard = "hard" if freeze.hard else "soft"
        for occ in occurrences(schedule_of(freeze), first, last):
            yield ("freeze", what, occ.start, occ.end, freeze.timezone, None, None, None, hard,
                   None, None, None)  # fmt: skip


def _wave_items(session: Session, scope: Scope) -> Iterator[Row]:
    stmt = (
        select(Wave.position, Wave.name, Wave.starts_at, Wave.ends_at, Wave.traffic_percent,
               Release.name, ReleaseTrain.timezone)
        .join(Release, Release.id == Wave.release_id)
        .outerjoin(ReleaseTrain, ReleaseTrain.id == Release.train_id)
    )  # fmt: skip
    if scope.kind == RELEASE:
        stmt = stmt.where(Wave.release_id == scope.release_id)
    elif scope.kind == PERIOD:
        first, last = scope.calendar
        stmt = stmt.where(Wave.starts_at < last, Wave.ends_at > first)
    for pos, name, start, end, traffic, rel, tz in session.execute(stmt):
        yield ("wave", f"{rel} wave {pos}: {name} ({traffic}% of traffic)", start, end,
               tz or "UTC", None, None, None, None, None, None, None)  # fmt: skip


def _deployment_items(session: Session, scope: Scope) -> Iterator[Row]:
    owner = aliased(Person)
    d = Deployment
    stmt = (
        select(Workload.key, Environment.name, Team.timezone, d.planned_start, d.planned_end,
               d.result, owner.login, d.actual_start, d.actual_end)
        .join(Workload, Workload.id == d.workload_id)
        .join(Team, Team.id == Workload.team_id)
        .join(Environment, Environment.id == d.environment_id)
        .outerjoin(owner, owner.id == d.owner_id)
        .where(deployments_in(scope))
        .order_by(d.planned_start, d.id)
    )  # fmt: skip
    for batch in batches(session, stmt):
        for key, env, tz, start, end, result, who, began, ended in batch:
            yield ("deployment", f"{key} → {env}", start, end, tz, env, key, result, None, who,
                   began, ended)  # fmt: skip
