"""The calendar going out as iCalendar events, and enterprise calendars coming in.

Every exported event's UID is the row's UUID, so a calendar re-imported into Outlook updates
rather than duplicates; SEQUENCE is the row's version counter minus one, raised by every
change of the row. Windows and freezes keep their recurrence (RRULE and EXDATE), releases and
waves are one-off events in the train's zone, and production deployments are one-off events
in UTC.

An import creates or updates freezes (or windows) by the UID of the event it came from, in the
caller's transaction, through the same audited services as an edit in the window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

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
)
from app.exchange.errors import BadInput, Problem
from app.exchange.ical_export import CalendarEvent
from app.exchange.ical_import import ImportedEvent
from app.planning.recurrence import LocalSchedule, describe, to_local
from app.services import crud
from app.services.actor import Actor
from app.services.calendar import DEPLOYMENT_WINDOW, FREEZE, schedule_of
from app.services.errors import NotFound, ValidationError

UID_DOMAIN = "releasedesk"
MAX_LISTED = 40
"""Workloads listed in a release's description; the rest are counted."""


@dataclass(frozen=True)
class ExportScope:
    team: str | None = None
    train: str | None = None
    after: datetime | None = None
    before: datetime | None = None

    def name(self) -> str:
        parts = ["ReleaseDesk"]
        if self.train:
            parts.append(self.train)
        if self.team:
            parts.append(self.team)
        return " – ".join(parts)


def _uid(key: Any, suffix: str = "") -> str:
    return f"{key}{suffix}@{UID_DOMAIN}"


def _sequence(version: int) -> int:
    return max(0, version - 1)


def _fixed(start: datetime, end: datetime, zone: str) -> LocalSchedule:
    local = to_local(start, zone)
    minutes = max(1, round((end - start).total_seconds() / 60))
    return LocalSchedule(zone=zone, start=local, minutes=minutes)


def _check_scope(session: Session, scope: ExportScope) -> None:
    if scope.team and session.scalar(select(Team.id).where(Team.name == scope.team)) is None:
        raise NotFound(f"--team: no team named {scope.team!r}")
    if scope.train and (
        session.scalar(select(ReleaseTrain.id).where(ReleaseTrain.name == scope.train)) is None
    ):
        raise NotFound(f"--train: no release train named {scope.train!r}")


def calendar_events(session: Session, scope: ExportScope) -> Iterator[CalendarEvent]:
    """Windows, freezes, releases, waves and production deployments in scope, streamed."""
    _check_scope(session, scope)
    yield from _window_events(session)
    yield from _freeze_events(session, scope)
    yield from _release_events(session, scope)
    yield from _deployment_events(session, scope)


def _window_events(session: Session) -> Iterator[CalendarEvent]:
    env = aliased(Environment)
    for row, env_name in session.execute(
        select(DeploymentWindow, env.name).outerjoin(env, env.id == DeploymentWindow.environment_id)
    ):
        schedule = schedule_of(row)
        where = env_name or "every environment"
        yield CalendarEvent(
            uid=row.external_uid or _uid(row.uuid),
            sequence=_sequence(row.version),
            summary=f"Deployment window: {row.name}",
            description="\n".join(
                x
                for x in (f"Allowed deployments to {where}.", describe(schedule), row.description)
                if x
            ),  # fmt: skip
            categories=("Deployment window", where),
            schedule=schedule,
            modified=row.updated_at,
            busy=False,
        )


def _freeze_events(session: Session, scope: ExportScope) -> Iterator[CalendarEvent]:
    teams: dict[int, list[str]] = defaultdict(list)
    for fid, name in session.execute(
        select(FreezePeriod.id, Team.name).join(FreezePeriod.teams)
    ):  # fmt: skip
        teams[fid].append(name)
    comps: dict[int, int] = {
        fid: n
        for fid, n in session.execute(
            select(FreezePeriod.id, func.count(Component.id))
            .join(FreezePeriod.components)
            .group_by(FreezePeriod.id)
        )
    }
    for row in session.scalars(select(FreezePeriod).order_by(FreezePeriod.name)):
        if scope.team and teams[row.id] and scope.team not in teams[row.id]:
            continue
        schedule = schedule_of(row)
        kind = "Hard freeze" if row.hard else "Soft freeze"
        covered = []
        if teams[row.id]:
            covered.append("teams " + ", ".join(sorted(teams[row.id])))
        if comps.get(row.id):
            covered.append(f"{comps[row.id]} components")
        lines = [
            f"{kind}: {'no deployments' if row.hard else 'deployments need a second look'}.",
            "Covers " + ("; ".join(covered) if covered else "everything") + ".",
            describe(schedule),
            row.reason,
        ]
        yield CalendarEvent(
            uid=row.external_uid or _uid(row.uuid),
            sequence=_sequence(row.version),
            summary=f"{kind}: {row.name}",
            description="\n".join(x for x in lines if x),
            categories=("Freeze", kind),
            schedule=schedule,
            modified=row.updated_at,
            busy=True,
        )


def _in_range(start: Any, end: Any, scope: ExportScope) -> Any:
    clauses = []
    if scope.after is not None:
        clauses.append(end > scope.after)
    if scope.before is not None:
        clauses.append(start < scope.before)
    return and_(*clauses) if clauses else None


def _release_events(session: Session, scope: ExportScope) -> Iterator[CalendarEvent]:
    query = (
        select(Release, ReleaseTrain.name, ReleaseTrain.timezone)
        .outerjoin(ReleaseTrain, ReleaseTrain.id == Release.train_id)
        .order_by(Release.window_start)
    )
    window = _in_range(Release.window_start, Release.window_end, scope)
    if window is not None:
        query = query.where(window)
    if scope.train:
        query = query.where(ReleaseTrain.name == scope.train)
    if scope.team:
        query = query.where(
            Release.id.in_(
                select(Workload.target_release_id)
                .join(Team, Team.id == Workload.team_id)
                .where(Team.name == scope.team)
            )
        )
    rows = session.execute(query).all()
    contents = _release_contents(session, [r.id for r, _n, _z in rows], scope.team)
    waves = _waves_of(session, [r.id for r, _n, _z in rows])
    for rel, train, zone in rows:
        zone = zone or "UTC"
        listed, changed = contents.get(rel.id, ([], rel.updated_at))
        lines = [f"Release {rel.name} ({train or 'independent release'}), status {rel.status}."]
        if rel.code_freeze_at is not None:
            freeze = to_local(rel.code_freeze_at, zone)
            lines.append(f"Code freeze: {freeze:%a %d %b %Y %H:%M} {zone}.")
        lines.append(f"{len(listed)} workloads" + (":" if listed else "."))
        lines += listed[:MAX_LISTED]
        if len(listed) > MAX_LISTED:
            lines.append(f"… and {len(listed) - MAX_LISTED} more")
        yield CalendarEvent(
            uid=_uid(rel.uuid),
            sequence=_sequence(rel.version),
            summary=f"Release {rel.name}",
            description="\n".join(lines),
            categories=("Release", train or "Independent"),
            schedule=_fixed(rel.window_start, rel.window_end, zone),
            modified=max(rel.updated_at, changed),
            busy=True,
        )
        for wave in waves.get(rel.id, []):
            yield CalendarEvent(
                uid=_uid(wave.uuid),
                sequence=_sequence(wave.version),
                summary=f"{rel.name} wave {wave.position}: {wave.name}",
                description=(
                    f"Rollout wave {wave.position} of {rel.name}: {wave.traffic_percent} % of "
                    f"traffic; bake {wave.bake_minutes} min before the next wave."
                ),
                categories=("Wave", train or "Independent"),
                schedule=_fixed(wave.starts_at, wave.ends_at, zone),
                modified=wave.updated_at,
                busy=True,
            )


def _release_contents(
    session: Session, release_ids: list[int], team: str | None
) -> dict[int, tuple[list[str], datetime]]:
    """Per release: one line per workload (key, title, owner, change request), newest edit."""
    found: dict[int, tuple[list[str], datetime]] = {}
    owner = aliased(Person)
    for start in range(0, len(release_ids), 2000):
        chunk = release_ids[start : start + 2000]
        query = (
            select(
                Workload.target_release_id,
                Workload.key,
                Workload.title,
                Team.name,
                owner.name,
                Workload.change_request,
                Workload.updated_at,
            )  # fmt: skip
            .join(Team, Team.id == Workload.team_id)
            .outerjoin(owner, owner.id == Workload.owner_id)
            .where(Workload.target_release_id.in_(chunk))
            .order_by(Workload.target_release_id, Workload.key_sort)
        )
        if team:
            query = query.where(Team.name == team)
        for rel_id, key, title, team_name, owner_name, change, updated in session.execute(query):
            assert rel_id is not None
            line = f"- {key} {title} ({team_name}; owner {owner_name or 'none'}"
            line += f"; {change})" if change else ")"
            lines, newest = found.get(rel_id, ([], updated))
            lines.append(line)
            found[rel_id] = (lines, max(newest, updated))
    return found


def _waves_of(session: Session, release_ids: list[int]) -> dict[int, list[Wave]]:
    found: dict[int, list[Wave]] = defaultdict(list)
    for start in range(0, len(release_ids), 2000):
        chunk = release_ids[start : start + 2000]
        for wave in session.scalars(
            select(Wave).where(Wave.release_id.in_(chunk)).order_by(Wave.position)
        ):
            found[wave.release_id].append(wave)
    return found


def _deployment_events(session: Session, scope: ExportScope) -> Iterator[CalendarEvent]:
    owner = aliased(Person)
    query = (
        select(
            Deployment.uuid,
            Deployment.version,
            Deployment.updated_at,
            Deployment.result,
            Deployment.planned_start,
            Deployment.planned_end,
            Deployment.actual_start,
            Deployment.actual_end,
            Workload.key,
            Workload.title,
            Team.name,
            Environment.name,
            owner.name,
            Workload.change_request,
        )
        .join(Workload, Workload.id == Deployment.workload_id)
        .join(Team, Team.id == Workload.team_id)
        .join(Environment, Environment.id == Deployment.environment_id)
        .outerjoin(owner, owner.id == Deployment.owner_id)
        .where(Environment.is_production.is_(True))
        .order_by(Deployment.id)
    )
    window = _in_range(Deployment.planned_start, Deployment.planned_end, scope)
    if window is not None:
        query = query.where(window)
    if scope.team:
        query = query.where(Team.name == scope.team)
    if scope.train:
        query = query.where(
            Workload.target_release_id.in_(
                select(Release.id)
                .join(ReleaseTrain, ReleaseTrain.id == Release.train_id)
                .where(ReleaseTrain.name == scope.train)
            )
        )
    result = session.execute(query.execution_options(yield_per=2000))
    for row in result:
        (uid, version, updated, outcome, p_start, p_end, a_start, a_end, key, title, team, env,
         owner_name, change) = row  # fmt: skip
        start = a_start or p_start
        end = a_end or p_end
        lines = [
            f"{key} {title}",
            f"Team {team}; deployment owner {owner_name or 'none assigned'}.",
            f"Planned {p_start:%Y-%m-%d %H:%M}–{p_end:%H:%M} UTC; result {outcome}.",
        ]
        if change:
            lines.append(f"Change request {change}.")
        yield CalendarEvent(
            uid=_uid(uid),
            sequence=_sequence(version),
            summary=f"Deploy {key} to {env}",
            description="\n".join(lines),
            categories=("Deployment", env),
            schedule=_fixed(start, max(end, start + timedelta(minutes=1)), "UTC"),
            modified=updated,
            busy=True,
        )


# ------------------------------------------------------------------------------- import
@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    spec: Any = None
    """The spec the rows were written with (freeze or deployment window)."""
    created_rows: list[tuple[str, int]] = field(default_factory=list)
    """(uuid, version) of each row created: what undoing the import deletes."""
    updated_rows: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    """(uuid, version after, values before) of each row changed: what undo puts back."""

    def as_json(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def _values(event: ImportedEvent, kind: str, environment: str | None, hard: bool) -> dict[str, Any]:
    schedule = event.schedule
    end = schedule.start + timedelta(minutes=schedule.minutes)
    values: dict[str, Any] = {
        "name": (event.summary or event.uid)[:120],
        "timezone": schedule.zone,
        "starts_local": schedule.start,
        "ends_local": end,
        "all_day": schedule.all_day,
        "rrule": schedule.rrule,
        "exdates": [d.isoformat(timespec="minutes") for d in schedule.exdates],
        "external_uid": event.uid,
    }
    if kind == "freeze":
        values["hard"] = hard
        values["reason"] = event.description[:500]
    else:
        values["environment"] = environment
        values["description"] = event.description[:500]
    return values


def import_events(
    session: Session,
    actor: Actor,
    events: list[ImportedEvent],
    *,
    source: str,
    kind: str = "freeze",
    environment: str | None = None,
    hard: bool = True,
) -> ImportSummary:
    """Create or update by UID, all or nothing: every field error names the event's line, and
    the caller's transaction is rolled back."""
    spec: Any = FREEZE if kind == "freeze" else DEPLOYMENT_WINDOW
    model: Any = FreezePeriod if kind == "freeze" else DeploymentWindow
    summary = ImportSummary(spec=spec)
    problems: list[Problem] = []
    for event in events:
        try:
            _import_one(session, actor, spec, model, event, kind, environment, hard, summary)
        except ValidationError as exc:
            name = event.summary or event.uid
            problems += [
                Problem(source, event.line, e.field, f"event {name!r}: {e.message}")
                for e in exc.errors
            ]
    if problems:
        raise BadInput(problems)
    return summary


def _import_one(session: Session, actor: Actor, spec: Any, model: Any, event: ImportedEvent,
                kind: str, environment: str | None, hard: bool,
                summary: ImportSummary) -> None:  # fmt: skip
    values = _values(event, kind, environment, hard)
    row = session.scalars(select(model).where(model.external_uid == event.uid)).one_or_none()
    if row is None:
        obj = crud.create(session, actor, spec, values, action="import")
        summary.created += 1
        summary.created_rows.append((str(obj.uuid), obj.version))
        return
    version, snapshot = row.version, spec.snapshot(row)
    changes = {k: v for k, v in values.items() if k not in ("hard", "environment")}
    crud.update(session, actor, spec, str(row.uuid), row.version, changes, action="import")
    if row.version == version:
        summary.unchanged += 1
    else:
        summary.updated += 1
        before = {k: snapshot[k] for k in changes if k in snapshot}
        summary.updated_rows.append((str(row.uuid), row.version, before))


def undo_import(session: Session, actor: Actor, summary: ImportSummary) -> None:
    """Take an import back: delete what it created, put back what it changed (audited, and
    refused as a conflict if someone changed those rows since)."""
    for key, version in summary.created_rows:
        crud.delete(session, actor, summary.spec, key, version)
    for key, version, before in summary.updated_rows:
        crud.update(session, actor, summary.spec, key, version, before, action="undo import")
