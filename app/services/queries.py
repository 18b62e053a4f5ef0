"""Read side for the views and the command line: plain rows, filtered and sorted in SQL.

The Workloads list is paged (`workload_page`) so a 100,000-row table never becomes 100,000
Python objects; the smaller lists come whole.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.domain import Component, Person, Release, Team, Workload
from app.services import crud
from app.services.crud import EntitySpec


@dataclass(frozen=True)
class WorkloadFilter:
    text: str = ""
    team: str | None = None  # team UUID
    change_class: str | None = None
    risk_tier: str | None = None
    status: str | None = None
    release: str | None = None  # release UUID


@dataclass(frozen=True)
class WorkloadRow:
    uuid: str
    version: int
    key: str
    title: str
    change_class: str
    team: str
    size: int
    wsjf: float
    risk_tier: str
    owner: str
    release: str
    status: str
    change_request: str
    must_ship_by: date | None


WSJF = Workload.wsjf_score
_owner = aliased(Person)
WORKLOAD_SORT: dict[str, Any] = {
    "key": Workload.key_sort,
    "title": Workload.title,
    "change_class": Workload.change_class,
    "team": Team.name,
    "size": Workload.size,
    "wsjf": WSJF,
    "risk_tier": case({"low": 0, "medium": 1, "high": 2}, value=Workload.risk_tier),
    "owner": _owner.name,
    "release": Release.window_start,
    "status": Workload.status,
    "change_request": Workload.change_request,
    "must_ship_by": Workload.must_ship_by,
}


def _workload_filters(q: Select[Any], flt: WorkloadFilter) -> Select[Any]:
    """Filters on workload columns only, so counting needs no joins."""
    if flt.text.strip():
        like = f"%{flt.text.strip().lower()}%"
        q = q.where(
            or_(
                func.lower(Workload.key).like(like),
                func.lower(Workload.title).like(like),
                func.lower(func.coalesce(Workload.change_request, "")).like(like),
            )
        )
    if flt.team:
        team_id = select(Team.id).where(Team.uuid == uuid.UUID(flt.team)).scalar_subquery()
        q = q.where(Workload.team_id == team_id)
    if flt.release:
        rel_id = select(Release.id).where(Release.uuid == uuid.UUID(flt.release)).scalar_subquery()
        q = q.where(Workload.target_release_id == rel_id)
    for col, value in (
        (Workload.change_class, flt.change_class),
        (Workload.risk_tier, flt.risk_tier),
        (Workload.status, flt.status),
    ):
        if value:
            q = q.where(col == value)
    return q


def count_workloads(session: Session, flt: WorkloadFilter) -> int:
    q = _workload_filters(select(func.count()).select_from(Workload), flt)
    return int(session.scalar(q) or 0)


def workload_page(
    session: Session,
    flt: WorkloadFilter,
    sort: str = "key",
    descending: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> list[WorkloadRow]:
    """One page in two steps: the ids by an index walk over the workload table alone (deep
    OFFSETs stay cheap), then the joined columns of just those rows."""
    order = WORKLOAD_SORT[sort]
    ids_q = select(Workload.id).select_from(Workload)
    if sort == "team":
        ids_q = ids_q.join(Team, Team.id == Workload.team_id)
    elif sort == "owner":
        ids_q = ids_q.outerjoin(_owner, _owner.id == Workload.owner_id)
    elif sort == "release":
        ids_q = ids_q.outerjoin(Release, Release.id == Workload.target_release_id)
    ids_q = _workload_filters(ids_q, flt).order_by(
        order.desc() if descending else order.asc(),
        Workload.id.desc() if descending else Workload.id.asc(),
    )
    ids = list(session.scalars(ids_q.offset(offset).limit(limit)))
    if not ids:
        return []
    cols: list[Any] = [
        Workload.id,
        Workload.uuid,
        Workload.version,
        Workload.key,
        Workload.title,
        Workload.change_class,
        Team.name,
        Workload.size,
        WSJF,
        Workload.risk_tier,
        func.coalesce(_owner.name, ""),
        func.coalesce(Release.name, ""),
        Workload.status,
        func.coalesce(Workload.change_request, ""),
        Workload.must_ship_by,
    ]
    q = (
        select(*cols)
        .select_from(Workload)
        .join(Team, Team.id == Workload.team_id)
        .outerjoin(_owner, _owner.id == Workload.owner_id)
        .outerjoin(Release, Release.id == Workload.target_release_id)
        .where(Workload.id.in_(ids))
    )
    by_id = {r[0]: r for r in session.execute(q).all()}
    return [_workload_row(by_id[i]) for i in ids if i in by_id]


def _workload_row(r: Any) -> WorkloadRow:
    return WorkloadRow(
        uuid=str(r[1]),
        version=r[2],
        key=r[3],
        title=r[4],
        change_class=r[5],
        team=r[6],
        size=r[7],
        wsjf=round(float(r[8]), 2),
        risk_tier=r[9],
        owner=r[10],
        release=r[11],
        status=r[12],
        change_request=r[13],
        must_ship_by=r[14],
    )


@dataclass(frozen=True)
class TeamRow:
    uuid: str
    version: int
    name: str
    timezone: str
    capacity_cap: int | None
    max_share_percent: int | None
    people: int
    components: int
    open_workloads: int


def team_rows(session: Session, text: str = "") -> list[TeamRow]:
    people = select(func.count()).where(Person.team_id == Team.id).scalar_subquery()
    comps = select(func.count()).where(Component.team_id == Team.id).scalar_subquery()
    open_wl = (
        select(func.count())
        .where(Workload.team_id == Team.id, Workload.status.in_(("backlog", "planned")))
        .scalar_subquery()
    )
    q = select(
        Team.uuid,
        Team.version,
        Team.name,
        Team.timezone,
        Team.capacity_cap,
        Team.max_share_percent,
        people,
        comps,
        open_wl,
    ).order_by(Team.name)
    if text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(or_(func.lower(Team.name).like(like), func.lower(Team.timezone).like(like)))
    return [TeamRow(str(r[0]), *r[1:]) for r in session.execute(q).all()]


@dataclass(frozen=True)
class ComponentRow:
    uuid: str
    version: int
    name: str
    kind: str
    team: str
    track: str
    stateful: bool
    data_classes: str
    consumers: int
    providers: int


def component_rows(
    session: Session, text: str = "", team: str | None = None, kind: str | None = None
) -> list[ComponentRow]:
    from app.domain import ComponentDependency as Dep

    consumers = select(func.count()).where(Dep.provider_id == Component.id).scalar_subquery()
    providers = select(func.count()).where(Dep.consumer_id == Component.id).scalar_subquery()
    q = (
        select(
            Component.uuid,
            Component.version,
            Component.name,
            Component.kind,
            Team.name,
            Component.track,
            Component.stateful,
            Component.pii,
            Component.financial,
            Component.health,
            consumers,
            providers,
        )
        .join(Team, Team.id == Component.team_id)
        .order_by(Component.name)
    )
    if text.strip():
        like = f"%{text.strip().lower()}%"
        q = q.where(or_(func.lower(Component.name).like(like), func.lower(Team.name).like(like)))
    if team:
        q = q.where(Team.uuid == uuid.UUID(team))
    if kind:
        q = q.where(Component.kind == kind)
    out = []
    for r in session.execute(q).all():
        classes = ", ".join(
            n for n, flag in zip(("PII", "financial", "health"), r[7:10], strict=True) if flag
        )
        out.append(
            ComponentRow(str(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], classes, r[10], r[11])
        )
    return out


@dataclass(frozen=True)
class Choice:
    uuid: str
    label: str


def choices(session: Session, what: str) -> list[Choice]:
    """(uuid, label) lists for pickers: teams, people, components, releases, trains."""
    from app.domain import Deployment, Environment, FreezePeriod, ReleaseTrain

    table: dict[str, tuple[Any, Any, Any]] = {
        "team": (Team, Team.name, Team.name),
        "person": (Person, Person.name, Person.name),
        "component": (Component, Component.name, Component.name),
        "release": (Release, Release.name, Release.window_start.desc()),
        "release train": (ReleaseTrain, ReleaseTrain.name, ReleaseTrain.name),
        "environment": (Environment, Environment.name, Environment.position),
        "freeze": (FreezePeriod, FreezePeriod.name, FreezePeriod.name),
        "deployment": (Deployment, Deployment.uuid, Deployment.planned_start),
        "workload": (Workload, Workload.key, Workload.key_sort),
    }
    model, label, order = table[what]
    rows = session.execute(select(model.uuid, label).order_by(order)).all()
    return [Choice(str(u), str(lbl)) for u, lbl in rows]


def load(session: Session, spec: EntitySpec, entity_uuid: str) -> tuple[int, dict[str, Any]]:
    """The version and the editable values of one row, for an edit dialog or undo."""
    obj = crud.get(session, spec, entity_uuid)
    return obj.version, spec.snapshot(obj)


def upcoming_releases(session: Session, after: datetime, limit: int = 20) -> list[Choice]:
    rows = session.execute(
        select(Release.uuid, Release.name)
        .where(Release.window_start >= after)
        .order_by(Release.window_start)
        .limit(limit)
    ).all()
    return [Choice(str(u), n) for u, n in rows]
