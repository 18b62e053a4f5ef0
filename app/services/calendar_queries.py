"""Reads the calendar for a range of time and answers what-if questions while a user drags.

One `load_calendar` call reads everything the range shows plus what the conflict rules need
90 days beyond it (the next free slot is searched that far), builds the conflict checkers once,
and keeps them: a drag then costs a few milliseconds per mouse move, not a query.

Two checkers run side by side. One holds the planned deployments. The other holds each
release's window as one slot carrying the components of its workloads (in the first production
environment, whose windows it must fit): that is what a coordinator drags, and most upcoming
releases have no deployments planned yet. A freeze scoped to teams also covers the components
those teams own, so a release that touches the ledger is caught by the finance close even if
another team's workload carries the change.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain import (
    Component,
    ComponentDependency,
    Deployment,
    DeploymentWindow,
    Environment,
    FreezeOverride,
    FreezePeriod,
    Person,
    Release,
    ReleaseTrain,
    RollbackDecision,
    Team,
    Wave,
    Workload,
    freeze_component,
    freeze_team,
    wave_component,
    workload_component,
)
from app.domain.enums import DependencyKind, DeploymentResult
from app.planning.conflicts import ConflictChecker
from app.planning.durations import Variance, variance, variance_by_team
from app.planning.recurrence import describe, occurrences
from app.planning.schedule import Conflict, Freeze, Override, Slot, WaveSpan, Window
from app.policy.gates import Verdict
from app.services.calendar import schedule_of
from app.services.calendar_data import (
    CalendarData,
    DecisionNote,
    DeploymentItem,
    Filters,
    FreezeItem,
    OverrideItem,
    ReleaseItem,
    WaveItem,
    WindowItem,
)
from app.services.gates import production_verdicts

HORIZON = timedelta(days=90)
PREVIEW = 25
"""Conflicts a drag preview gathers before it stops looking (see `ConflictChecker.what_if`)."""
PAD = timedelta(days=1)


@dataclass
class CalendarPlan:
    data: CalendarData
    deployments: ConflictChecker
    releases: ConflictChecker
    release_slots: dict[str, Slot]
    planned_by_release: dict[str, list[Slot]]
    waves_by_release: dict[str, list[WaveSpan]]

    def what_if_release(
        self, release_key: str, new_start: datetime, new_end: datetime, limit: int | None = PREVIEW
    ) -> list[Conflict]:
        """Conflicts the release would have with its window at [new_start, new_end): its own
        window, its waves and its planned deployments, all shifted by the start's delta. By
        default a preview: the first `PREVIEW` conflicts, without next free slots."""
        current = self.release_slots.get(release_key)
        if current is None:
            return []
        delta = new_start - current.start
        moved = replace(current, start=new_start, end=new_end)
        waves = [
            replace(w, start=w.start + delta, end=w.end + delta)
            for w in self.waves_by_release.get(release_key, [])
        ]
        slots = [
            replace(s, start=s.start + delta, end=s.end + delta)
            for s in self.planned_by_release.get(release_key, [])
        ]
        found = self.releases.what_if([moved], limit=limit)
        if limit is None or len(found) < limit:
            rest = None if limit is None else limit - len(found)
            found += self.deployments.what_if(slots, waves, limit=rest)
        return sorted(found, key=lambda c: (c.start, c.kind, c.subject))

    def what_if_wave(
        self, wave_key: str, new_start: datetime, new_end: datetime, limit: int | None = PREVIEW
    ) -> list[Conflict]:
        for waves in self.waves_by_release.values():
            for wave in waves:
                if wave.key == wave_key:
                    moved = replace(wave, start=new_start, end=new_end)
                    return self.deployments.what_if([], [moved], limit=limit)
        return []


def filter_choices(session: Session) -> dict[str, list[str]]:
    return {
        "trains": list(session.scalars(select(ReleaseTrain.name).order_by(ReleaseTrain.name))),
        "teams": list(session.scalars(select(Team.name).order_by(Team.name))),
        "components": list(session.scalars(select(Component.name).order_by(Component.name))),
        "environments": list(
            session.scalars(select(Environment.name).order_by(Environment.position))
        ),
    }


def production_environments(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Environment.name)
            .where(Environment.is_production.is_(True))
            .order_by(Environment.position)
        )
    )


def load_calendar(
    session: Session, after: datetime, before: datetime, filters: Filters = Filters()
) -> CalendarPlan:
    team_zones = {name: zone for name, zone in session.execute(select(Team.name, Team.timezone))}
    envs = session.execute(
        select(Environment.name, Environment.is_production).order_by(Environment.position)
    ).all()
    primary = next((name for name, prod in envs if prod), envs[0][0] if envs else "production")
    horizon_end = before + HORIZON
    windows = _windows(session, after, before, filters)
    freezes, freeze_rules = _freezes(session, after, before, filters)
    overrides, override_rules = _overrides(session)
    releases, release_slots = _releases(session, after, horizon_end, filters, primary)
    shown_releases = [r for r in releases if _shows(r, after, before)]
    deployments = _deployments(session, after, before, filters)
    planned = _planned_slots(session, after - PAD, horizon_end, filters)
    waves, wave_spans = _waves(session, after - PAD, horizon_end, release_slots)
    edges = list(_edges(session))
    window_rules = [Window(w.key, w.name, w.schedule, w.environment) for w in windows[1]]
    by_release: dict[str, list[Slot]] = defaultdict(list)
    for slot in planned:
        if slot.release is not None:
            by_release[slot.release].append(slot)
    waves_by_release: dict[str, list[WaveSpan]] = defaultdict(list)
    for span in wave_spans:
        waves_by_release[span.release].append(span)
    deployment_checker = ConflictChecker(
        planned, window_rules, freeze_rules, edges, wave_spans, override_rules, HORIZON
    )
    release_checker = ConflictChecker(
        release_slots.values(), window_rules, freeze_rules, (), (), override_rules, HORIZON
    )
    conflicts = deployment_checker.check(after, before) + release_checker.check(after, before)
    for checker in (deployment_checker, release_checker):
        checker.warm(after, before)
    conflicts.sort(key=lambda c: (c.start, c.kind, c.subject))
    shown_waves = [w for w in waves if w.start < before and w.end > after]
    if filters != Filters():
        keys = {r.key for r in releases}
        shown_waves = [w for w in shown_waves if w.release in keys]
        keys |= {d.key for d in deployments} | {w.key for w in shown_waves}
        conflicts = [c for c in conflicts if c.subject in keys]
    data = CalendarData(
        after=after,
        before=before,
        releases=shown_releases,
        deployments=deployments,
        windows=windows[0],
        freezes=freezes,
        waves=shown_waves,
        overrides=overrides,
        conflicts=conflicts,
        team_zones=team_zones,
    )
    return CalendarPlan(
        data, deployment_checker, release_checker, release_slots, dict(by_release),
        dict(waves_by_release),
    )  # fmt: skip


DURATION_HISTORY = timedelta(days=182)


def rollout_durations(session: Session) -> dict[str, Variance]:
    """Production rollout time, planned vs actual, over the last half year: per team name and
    for everyone under the key "". Read apart from the calendar's range (it does not change
    when the user pages through months), for whoever sizes a window."""
    from app.services.deployments import samples

    history = samples(session, datetime.now(UTC) - DURATION_HISTORY, with_components=False)
    found = variance_by_team(history)
    if history:
        found[""] = variance(history)
    return found


def _shows(rel: ReleaseItem, after: datetime, before: datetime) -> bool:
    if rel.window_start < before and rel.window_end > after:
        return True
    return rel.code_freeze_at is not None and after <= rel.code_freeze_at < before


def _windows(
    session: Session, after: datetime, before: datetime, filters: Filters
) -> tuple[list[WindowItem], list[Window]]:
    env = aliased(Environment)
    rows = session.execute(
        select(DeploymentWindow, env.name)
        .outerjoin(env, env.id == DeploymentWindow.environment_id)
        .order_by(DeploymentWindow.name)
    ).all()
    items, rules = [], []
    for row, env_name in rows:
        schedule = schedule_of(row)
        rules.append(Window(str(row.uuid), row.name, schedule, env_name))
        if filters.environments and env_name is not None and env_name not in filters.environments:
            continue
        items.append(
            WindowItem(
                key=str(row.uuid),
                version=row.version,
                name=row.name,
                environment=env_name,
                zone=row.timezone,
                plain=describe(schedule),
                occurrences=tuple(occurrences(schedule, after, before)),
            )
        )
    return items, rules


def _freezes(
    session: Session, after: datetime, before: datetime, filters: Filters
) -> tuple[list[FreezeItem], list[Freeze]]:
    rows = session.scalars(select(FreezePeriod).order_by(FreezePeriod.name)).all()
    teams = defaultdict(list)
    for freeze_id, name in session.execute(
        select(freeze_team.c.freeze_id, Team.name).join(Team, Team.id == freeze_team.c.team_id)
    ):
        teams[freeze_id].append(name)
    comps = defaultdict(list)
    for freeze_id, name in session.execute(
        select(freeze_component.c.freeze_id, Component.name).join(
            Component, Component.id == freeze_component.c.component_id
        )
    ):
        comps[freeze_id].append(name)
    team_comps = defaultdict(list)
    scoped_teams = {t for names in teams.values() for t in names}
    if scoped_teams:
        for team, comp in session.execute(
            select(Team.name, Component.name)
            .join(Component, Component.team_id == Team.id)
            .where(Team.name.in_(scoped_teams))
        ):
            team_comps[team].append(comp)
    items, rules = [], []
    for row in rows:
        schedule = schedule_of(row)
        row_teams, row_comps = sorted(teams[row.id]), sorted(comps[row.id])
        covered = set(row_comps) | {c for t in row_teams for c in team_comps[t]}
        rules.append(
            Freeze(
                str(row.uuid), row.name, schedule, row.hard, frozenset(row_teams),
                frozenset(covered), row.reason,
            )
        )  # fmt: skip
        if not _freeze_shown(row_teams, covered, filters):
            continue
        scope = "everything"
        if row_teams or row_comps:
            parts = []
            if row_teams:
                parts.append("teams " + ", ".join(row_teams))
            if row_comps:
                shown = ", ".join(row_comps[:6]) + ("…" if len(row_comps) > 6 else "")
                noun = "component" if len(row_comps) == 1 else "components"
                parts.append(f"{len(row_comps)} {noun} ({shown})")
            scope = "; ".join(parts)
        items.append(
            FreezeItem(
                key=str(row.uuid),
                version=row.version,
                name=row.name,
                hard=row.hard,
                zone=row.timezone,
                scope=scope,
                plain=describe(schedule),
                reason=row.reason,
                occurrences=tuple(occurrences(schedule, after, before)),
                teams=tuple(row_teams),
                components=tuple(row_comps),
            )
        )
    return items, rules


def _freeze_shown(teams: Sequence[str], components: set[str], filters: Filters) -> bool:
    if not teams and not components:
        return True
    if filters.teams and not set(teams) & filters.teams and not filters.components:
        return False
    return not (filters.components and not components & filters.components)


def _overrides(session: Session) -> tuple[list[OverrideItem], list[Override]]:
    requester, decider = aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            FreezeOverride,
            FreezePeriod.uuid,
            Release.name,
            Release.uuid,
            Deployment.uuid,
            requester.name,
            decider.name,
        )  # fmt: skip
        .join(FreezePeriod, FreezePeriod.id == FreezeOverride.freeze_id)
        .join(requester, requester.id == FreezeOverride.requested_by_id)
        .outerjoin(decider, decider.id == FreezeOverride.decided_by_id)
        .outerjoin(Release, Release.id == FreezeOverride.release_id)
        .outerjoin(Deployment, Deployment.id == FreezeOverride.deployment_id)
        .order_by(FreezeOverride.created_at)
    ).all()
    items, rules = [], []
    for row, freeze_uuid, rel_name, rel_uuid, dep_uuid, by, decided in rows:
        subject = rel_uuid or dep_uuid
        items.append(
            OverrideItem(
                key=str(row.uuid),
                version=row.version,
                freeze=str(freeze_uuid),
                subject=rel_name or f"deployment {dep_uuid}",
                status=row.status,
                requested_by=by,
                decided_by=decided,
                expires_at=row.expires_at,
                justification=row.justification,
            )
        )
        if row.status == "approved" and subject is not None:
            rules.append(Override(str(freeze_uuid), str(subject), row.expires_at))
    return items, rules


def _releases(
    session: Session, after: datetime, before: datetime, filters: Filters, primary: str
) -> tuple[list[ReleaseItem], dict[str, Slot]]:
    query = (
        select(Release, ReleaseTrain.name, ReleaseTrain.timezone)
        .outerjoin(ReleaseTrain, ReleaseTrain.id == Release.train_id)
        .where(
            or_(
                and_(Release.window_start < before, Release.window_end > after),
                and_(Release.code_freeze_at >= after, Release.code_freeze_at < before),
            )
        )
        .order_by(Release.window_start)
    )
    if filters.trains:
        query = query.where(ReleaseTrain.name.in_(filters.trains))
    rows = session.execute(query).all()
    ids = [r.id for r, _t, _z in rows]
    counts: dict[int | None, int] = defaultdict(int)
    teams: dict[int | None, set[str]] = defaultdict(set)
    comps: dict[int | None, set[str]] = defaultdict(set)
    if ids:
        for rel_id, team, n in session.execute(
            select(Workload.target_release_id, Team.name, func.count())
            .join(Team, Team.id == Workload.team_id)
            .where(Workload.target_release_id.in_(ids))
            .group_by(Workload.target_release_id, Team.name)
        ):
            counts[rel_id] += n
            teams[rel_id].add(team)
        for rel_id, comp in session.execute(
            select(Workload.target_release_id, Component.name)
            .join(workload_component, workload_component.c.workload_id == Workload.id)
            .join(Component, Component.id == workload_component.c.component_id)
            .where(Workload.target_release_id.in_(ids))
            .distinct()
        ):
            comps[rel_id].add(comp)
    items, slots = [], {}
    for rel, train, zone in rows:
        if filters.teams and not teams[rel.id] & filters.teams:
            continue
        if filters.components and not comps[rel.id] & filters.components:
            continue
        key = str(rel.uuid)
        items.append(
            ReleaseItem(
                key=key,
                version=rel.version,
                name=rel.name,
                train=train,
                status=rel.status,
                zone=zone or "UTC",
                code_freeze_at=rel.code_freeze_at,
                window_start=rel.window_start,
                window_end=rel.window_end,
                workloads=counts[rel.id],
                teams=tuple(sorted(teams[rel.id])),
            )
        )
        slots[key] = Slot(
            key=key,
            label=f"{rel.name} release window",
            start=rel.window_start,
            end=rel.window_end,
            environment=primary,
            production=False,
            components=frozenset(comps[rel.id]),
            release=key,
        )
    return items, slots


def _deployment_query(after: datetime, before: datetime, filters: Filters) -> Any:
    query = _deployment_select().where(_overlaps(after, before))
    if filters.teams:
        query = query.where(Team.name.in_(filters.teams))
    if filters.environments:
        query = query.where(Environment.name.in_(filters.environments))
    if filters.trains:
        query = query.join(ReleaseTrain, ReleaseTrain.id == Release.train_id).where(
            ReleaseTrain.name.in_(filters.trains)
        )
    return query


def _deployment_select() -> Any:
    owner = aliased(Person)
    query = (
        select(
            Deployment,
            Workload.id,
            Workload.key,
            Team.name,
            Environment.name,
            Environment.is_production,
            owner.login,
            Release.uuid,
        )  # fmt: skip
        .join(Workload, Workload.id == Deployment.workload_id)
        .join(Team, Team.id == Workload.team_id)
        .join(Environment, Environment.id == Deployment.environment_id)
        .outerjoin(owner, owner.id == Deployment.owner_id)
        .outerjoin(Release, Release.id == Workload.target_release_id)
    )
    return query


def _overlaps(after: datetime, before: datetime) -> Any:
    return or_(
        and_(Deployment.planned_start < before, Deployment.planned_end > after),
        and_(Deployment.actual_start < before, Deployment.actual_end > after),
    )


def components_of(session: Session, workload_ids: Iterable[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    ids = sorted(set(workload_ids))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for wid, name in session.execute(
            select(workload_component.c.workload_id, Component.name)
            .join(Component, Component.id == workload_component.c.component_id)
            .where(workload_component.c.workload_id.in_(chunk))
        ):
            found[wid].append(name)
    return found


def _deployments(
    session: Session, after: datetime, before: datetime, filters: Filters
) -> list[DeploymentItem]:
    rows = session.execute(_deployment_query(after, before, filters)).all()
    comps = components_of(session, (r[1] for r in rows))
    if filters.components:
        rows = [r for r in rows if set(comps[r[1]]) & filters.components]
    notes = _decision_notes(session, _overlaps(after, before))
    items = _deployment_items(session, rows, comps, notes)
    items.sort(key=lambda d: (d.actual_start or d.planned_start, d.label))
    return items


def deployment_item(session: Session, deployment_uuid: str) -> DeploymentItem | None:
    """One deployment as the calendar shows it, for a dialog opened from anywhere."""
    try:
        key = uuid.UUID(str(deployment_uuid))
    except ValueError:
        return None
    rows = session.execute(_deployment_select().where(Deployment.uuid == key)).all()
    if not rows:
        return None
    comps = components_of(session, [rows[0][1]])
    notes = _decision_notes(session, Deployment.uuid == key)
    return _deployment_items(session, rows, comps, notes)[0]


def _deployment_items(
    session: Session,
    rows: Sequence[Any],
    comps: dict[int, list[str]],
    notes: dict[int, tuple[DecisionNote, ...]],
) -> list[DeploymentItem]:
    verdicts = _gate_verdicts(session, {r[1] for r in rows if _gated(r[0], r[5])})
    items = []
    for dep, wid, key, team, env, prod, owner, rel_uuid in rows:
        names = tuple(sorted(comps[wid]))
        verdict = verdicts.get(wid) if _gated(dep, prod) else None
        items.append(
            DeploymentItem(
                key=str(dep.uuid),
                version=dep.version,
                label=f"{key} → {env}",
                workload=key,
                team=team,
                components=names,
                environment=env,
                production=prod,
                owner=owner,
                planned_start=dep.planned_start,
                planned_end=dep.planned_end,
                actual_start=dep.actual_start,
                actual_end=dep.actual_end,
                result=dep.result,
                release=None if rel_uuid is None else str(rel_uuid),
                gates_missing=None if verdict is None else verdict.missing,
                decisions=notes.get(dep.id, ()),
            )
        )
    return items


def _gated(dep: Deployment, production: bool) -> bool:
    """Only a production rollout still to come is held by the promotion gates."""
    return production and dep.result == DeploymentResult.PLANNED


def _gate_verdicts(session: Session, workload_ids: set[int]) -> dict[int, Verdict]:
    ids = sorted(workload_ids)
    found: dict[int, Verdict] = {}
    for start in range(0, len(ids), 5000):
        found.update(production_verdicts(session, ids[start : start + 5000]))
    return found


def _decision_notes(session: Session, which: Any) -> dict[int, tuple[DecisionNote, ...]]:
    """Rollback decisions of the deployments `which` selects (a condition on Deployment),
    joined from the small decision log rather than looked up per deployment."""
    found: dict[int, list[DecisionNote]] = defaultdict(list)
    for dep_id, decision, at, who in session.execute(
        select(
            RollbackDecision.deployment_id,
            RollbackDecision.decision,
            RollbackDecision.decided_at,
            Person.name,
        )
        .join(Deployment, Deployment.id == RollbackDecision.deployment_id)
        .join(Person, Person.id == RollbackDecision.decided_by_id)
        .where(which)
        .order_by(RollbackDecision.decided_at.desc(), RollbackDecision.id.desc())
    ):
        found[dep_id].append(DecisionNote(decision, at, who))
    return {k: tuple(v) for k, v in found.items()}


def _planned_slots(
    session: Session, after: datetime, before: datetime, filters: Filters
) -> list[Slot]:
    """Production deployments not started yet: the ones the rules guard and can still move.
    Pre-production deployments are shown but not checked: freezes, windows and double
    bookings are about what reaches customers."""
    query = _deployment_query(after, before, Filters()).where(
        Deployment.actual_start.is_(None), Environment.is_production.is_(True)
    )
    rows = session.execute(query).all()
    comps = components_of(session, (r[1] for r in rows))
    return [
        Slot(
            key=str(dep.uuid),
            label=f"{key} → {env}",
            start=dep.planned_start,
            end=dep.planned_end,
            environment=env,
            production=prod,
            components=frozenset(comps[wid]),
            team=team,
            owner=owner,
            release=None if rel_uuid is None else str(rel_uuid),
        )
        for dep, wid, key, team, env, prod, owner, rel_uuid in rows
    ]


def _waves(
    session: Session, after: datetime, before: datetime, release_slots: dict[str, Slot]
) -> tuple[list[WaveItem], list[WaveSpan]]:
    rows = session.execute(
        select(Wave, Release.uuid)
        .join(Release, Release.id == Wave.release_id)
        .where(Wave.starts_at < before, Wave.ends_at > after)
        .order_by(Wave.starts_at, Wave.position)
    ).all()
    comps: dict[int, list[str]] = defaultdict(list)
    if rows:
        for wave_id, name in session.execute(
            select(wave_component.c.wave_id, Component.name)
            .join(Component, Component.id == wave_component.c.component_id)
            .where(wave_component.c.wave_id.in_([w.id for w, _r in rows]))
        ):
            comps[wave_id].append(name)
    items, spans = [], []
    for wave, rel_uuid in rows:
        release = str(rel_uuid)
        names = tuple(sorted(comps[wave.id]))
        spans.append(
            WaveSpan(
                str(wave.uuid), release, wave.position, wave.name, wave.starts_at, wave.ends_at,
                wave.bake_minutes, wave.traffic_percent, frozenset(names),
            )
        )  # fmt: skip
        items.append(
            WaveItem(
                key=str(wave.uuid),
                version=wave.version,
                release=release,
                position=wave.position,
                name=wave.name,
                start=wave.starts_at,
                end=wave.ends_at,
                traffic_percent=wave.traffic_percent,
                bake_minutes=wave.bake_minutes,
                components=names,
            )
        )
    return items, spans


ORDERED_KINDS = (DependencyKind.API, DependencyKind.SCHEMA, DependencyKind.DATA)
"""Dependencies that order a rollout. A library is built into its consumer, so there is
nothing to deploy first; a platform (infrastructure) change is a change of its own, and
ordering by it would queue every rollout behind the platform."""


def _edges(session: Session) -> Iterable[tuple[str, str]]:
    consumer, provider = aliased(Component), aliased(Component)
    rows = session.execute(
        select(consumer.name, provider.name)
        .select_from(ComponentDependency)
        .join(consumer, consumer.id == ComponentDependency.consumer_id)
        .join(provider, provider.id == ComponentDependency.provider_id)
        .where(ComponentDependency.kind.in_(ORDERED_KINDS))
    )
    return [(consumer_name, provider_name) for consumer_name, provider_name in rows]


def month_range(year: int, month: int) -> tuple[datetime, datetime]:
    """A calendar month in UTC, padded to whole weeks as a month grid shows it."""
    first = datetime(year, month, 1, tzinfo=UTC)
    start = first - timedelta(days=first.weekday())
    nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    end = nxt + timedelta(days=(7 - nxt.weekday()) % 7)
    return start, end
