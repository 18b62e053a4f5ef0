"""Read side of the Dependencies screen: one snapshot per filter setting, built in one call so
the screen can fetch it off the GUI thread, plus the small look-ups an edit or a hover needs.

Everything returned is plain frozen data; the matrix itself comes from `app.planning.dsm`, so
the CLI, an export and the screen order and name cycles identically.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.domain import (
    Component,
    ComponentDependency,
    Deployment,
    Environment,
    FeatureFlag,
    FlagState,
    Release,
    Team,
    Workload,
    workload_component,
)
from app.planning.contracts import (
    ContractFinding,
    ContractInfo,
    LibrarySkew,
    contract_findings,
    library_skew,
)
from app.planning.dependency_order import DeploymentOrder, deployment_order
from app.planning.dsm import Matrix, build_matrix
from app.planning.release_dependencies import (
    Violation,
    integration_groups,
    nodes_of,
    order_violations,
    ordering_edges,
)
from app.services.dependency_queries import (
    ReleaseSnapshot,
    changing_components,
    component_graph,
    contracts,
    library_usages,
    release_id,
    release_snapshot,
)

COMPONENTS = "components"
WORKLOADS = "workloads"
OPEN_STATUSES = ("backlog", "planned", "in_progress")

_consumer = aliased(Component)
_provider = aliased(Component)


@dataclass(frozen=True)
class MatrixQuery:
    mode: str = COMPONENTS
    """COMPONENTS: the component DSM; WORKLOADS: the workloads of `release`."""
    team: str | None = None  # team UUID
    kind: str | None = None  # dependency kind
    release: str | None = None  # release UUID or name
    group_by_team: bool = False


@dataclass(frozen=True)
class ReleasePlan:
    release: str
    order: DeploymentOrder
    groups: list[list[str]]
    pairs: list[tuple[str, str]]
    violations: list[Violation]
    teams: dict[str, str]  # workload key → team


@dataclass(frozen=True)
class MatrixSnapshot:
    query: MatrixQuery
    matrix: Matrix
    total: int
    """Items before the team filter, for "40 of 1,000 components"."""
    release_name: str = ""
    changing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Components mode: component → keys of the release's workloads changing it.
    Workloads mode: workload → the components it changes."""
    flags: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(consumer, provider) → key of the feature flag that decouples the edge."""
    details: Mapping[str, str] = field(default_factory=dict)
    """Item → one line about it: a component's kind, a workload's title."""
    plan: ReleasePlan | None = None


def load_matrix(session: Session, query: MatrixQuery) -> MatrixSnapshot:
    """The matrix, what changes in the release, and the release's plan, for one filter."""
    release = _release_name(session, query.release) if query.release else ""
    snapshot = release_snapshot(session, release) if release else None
    plan = _plan(session, release, snapshot) if snapshot is not None else None
    if query.mode == WORKLOADS:
        if snapshot is None:
            return MatrixSnapshot(query, build_matrix({}, []), 0)
        return _workload_matrix(session, query, release, snapshot, plan)
    graph = component_graph(session, query.team, query.kind)
    total = len(graph.teams)
    if query.team:
        total = int(session.scalar(select(func.count()).select_from(Component)) or 0)
    changing = changing_components(session, release) if release else {}
    matrix = build_matrix(graph.teams, graph.edges, group_by_team=query.group_by_team)
    return MatrixSnapshot(
        query,
        matrix,
        total,
        release,
        {c: tuple(keys) for c, keys in changing.items() if c in graph.teams},
        graph.flags,
        graph.kinds,
        plan,
    )


def _workload_matrix(
    session: Session,
    query: MatrixQuery,
    release: str,
    snapshot: ReleaseSnapshot,
    plan: ReleasePlan | None,
) -> MatrixSnapshot:
    items = snapshot.workloads
    if query.team:
        team = session.scalar(select(Team.name).where(Team.uuid == uuid.UUID(query.team)))
        items = [w for w in items if snapshot.teams[w.key] == team]
    edges = ordering_edges(items, snapshot.component_edges, snapshot.databases)
    if query.kind:
        edges = [e for e in edges if e.kind == query.kind]
    teams = {node: snapshot.teams[base_key(node)] for node in nodes_of(items)}
    matrix = build_matrix(teams, edges, group_by_team=query.group_by_team)
    changing = {w.key: tuple(sorted(w.components)) for w in items}
    titles = dict(
        session.execute(
            select(Workload.key, Workload.title).where(Workload.key.in_([w.key for w in items]))
        ).all()
    )
    details = {node: titles.get(base_key(node), "") for node in teams}
    changing_nodes = {node: changing[base_key(node)] for node in teams}
    return MatrixSnapshot(
        query,
        matrix,
        len(nodes_of(snapshot.workloads)),
        release,
        changing_nodes,
        {},
        details,
        plan,
    )


def base_key(node: str) -> str:
    """A schema change's expand/contract step belongs to its workload."""
    return node.removesuffix(" (expand)").removesuffix(" (contract)")


def _release_name(session: Session, release: str) -> str:
    rid = release_id(session, release)
    return str(session.scalar(select(Release.name).where(Release.id == rid)))


def _plan(session: Session, release: str, snapshot: ReleaseSnapshot) -> ReleasePlan:
    items = snapshot.workloads
    edges = ordering_edges(items, snapshot.component_edges, snapshot.databases)
    order = deployment_order(nodes_of(items), edges)
    groups, pairs = integration_groups(items, snapshot.component_edges)
    violations = order_violations(edges, planned_starts(session, release))
    return ReleasePlan(release, order, groups, pairs, violations, dict(snapshot.teams))


def planned_starts(session: Session, release: str) -> dict[str, datetime]:
    """Workload key → when it is planned to reach production (else its earliest deployment)."""
    rid = release_id(session, release)
    rows = session.execute(
        select(Workload.key, Environment.is_production, func.min(Deployment.planned_start))
        .join(Deployment, Deployment.workload_id == Workload.id)
        .join(Environment, Environment.id == Deployment.environment_id)
        .where(Workload.target_release_id == rid, Workload.status != "cancelled")
        .group_by(Workload.key, Environment.is_production)
    ).all()
    production = {key: start for key, prod, start in rows if prod}
    earliest: dict[str, datetime] = {}
    for key, _prod, start in rows:
        earliest[key] = min(start, earliest.get(key, start))
    return earliest | production


@dataclass(frozen=True)
class DependencyRecord:
    uuid: str
    version: int
    consumer: str
    provider: str
    kind: str


def dependency_between(session: Session, consumer: str, provider: str) -> DependencyRecord | None:
    """The stored dependency behind a matrix cell, with the version an edit must quote."""
    row = session.execute(
        select(ComponentDependency.uuid, ComponentDependency.version, ComponentDependency.kind)
        .join(_consumer, _consumer.id == ComponentDependency.consumer_id)
        .join(_provider, _provider.id == ComponentDependency.provider_id)
        .where(_consumer.name == consumer, _provider.name == provider)
    ).one_or_none()
    if row is None:
        return None
    return DependencyRecord(str(row[0]), int(row[1]), consumer, provider, str(row[2]))


def component_uuids(session: Session, names: Iterable[str]) -> dict[str, str]:
    wanted = list(names)
    rows = session.execute(select(Component.name, Component.uuid).where(Component.name.in_(wanted)))
    return {name: str(u) for name, u in rows.all()}


@dataclass(frozen=True)
class InvolvedWorkload:
    key: str
    title: str
    status: str
    release: str
    components: tuple[str, ...]
    """Which of the asked-about components it changes."""


def workloads_touching(
    session: Session, components: Sequence[str], release: str | None = None, limit: int = 40
) -> list[InvolvedWorkload]:
    """Open workloads changing any of `components` (only the release's when one is given),
    soonest release first: who is affected by, or about to change, one matrix edge."""
    wid = (
        select(workload_component.c.workload_id)
        .join(Component, Component.id == workload_component.c.component_id)
        .where(Component.name.in_(list(components)))
    )
    q = (
        select(Workload.id, Workload.key, Workload.title, Workload.status, Release.name)
        .outerjoin(Release, Release.id == Workload.target_release_id)
        .where(Workload.id.in_(wid), Workload.status.in_(OPEN_STATUSES))
        .order_by(Release.window_start.is_(None), Release.window_start, Workload.key_sort)
        .limit(limit)
    )
    if release:
        q = q.where(Workload.target_release_id == release_id(session, release))
    rows = session.execute(q).all()
    touched: dict[int, list[str]] = {r[0]: [] for r in rows}
    for wl, name in session.execute(
        select(workload_component.c.workload_id, Component.name)
        .join(Component, Component.id == workload_component.c.component_id)
        .where(
            workload_component.c.workload_id.in_(list(touched)),
            Component.name.in_(list(components)),
        )
    ).all():
        touched[wl].append(name)
    return [
        InvolvedWorkload(key, title, status, rel or "", tuple(sorted(touched[wid])))
        for wid, key, title, status, rel in rows
    ]


@dataclass(frozen=True)
class ReleaseMarker:
    name: str
    day: date
    status: str


def releases_between(session: Session, start: date, end: date) -> list[ReleaseMarker]:
    """Releases whose window opens in [start, end]: the ruler of the deprecation timeline."""
    low = datetime.combine(start, time.min, tzinfo=UTC)
    high = datetime.combine(end, time.max, tzinfo=UTC)
    rows = session.execute(
        select(Release.name, Release.window_start, Release.status)
        .where(Release.window_start >= low, Release.window_start <= high)
        .order_by(Release.window_start)
    ).all()
    return [ReleaseMarker(name, ws.date(), status) for name, ws, status in rows]


@dataclass(frozen=True)
class EnvironmentRef:
    uuid: str
    name: str
    is_production: bool


@dataclass(frozen=True)
class FlagSwitch:
    """One flag in one environment; `uuid` is None while no state row exists (off)."""

    uuid: str | None
    version: int
    enabled: bool


@dataclass(frozen=True)
class FlagEntry:
    uuid: str
    key: str
    description: str
    workload: str
    release: str
    decouples: str
    switches: Mapping[str, FlagSwitch]  # environment name → state


def flag_table(session: Session) -> tuple[list[EnvironmentRef], list[FlagEntry]]:
    """Flags with their per-environment state rows (UUID and version, for undoable toggles)."""
    envs = [
        EnvironmentRef(str(u), n, bool(p))
        for u, n, p in session.execute(
            select(Environment.uuid, Environment.name, Environment.is_production).order_by(
                Environment.position
            )
        ).all()
    ]
    switches: dict[int, dict[str, FlagSwitch]] = {}
    for fid, env, state_uuid, version, enabled in session.execute(
        select(
            FlagState.flag_id,
            Environment.name,
            FlagState.uuid,
            FlagState.version,
            FlagState.enabled,
        ).join(Environment, Environment.id == FlagState.environment_id)
    ).all():
        switches.setdefault(fid, {})[env] = FlagSwitch(str(state_uuid), version, bool(enabled))
    rows = session.execute(
        select(
            FeatureFlag.id,
            FeatureFlag.uuid,
            FeatureFlag.key,
            FeatureFlag.description,
            Workload.key,
            Release.name,
            _consumer.name,
            _provider.name,
        )
        .outerjoin(Workload, Workload.id == FeatureFlag.workload_id)
        .outerjoin(Release, Release.id == Workload.target_release_id)
        .outerjoin(
            ComponentDependency, ComponentDependency.id == FeatureFlag.component_dependency_id
        )
        .outerjoin(_consumer, _consumer.id == ComponentDependency.consumer_id)
        .outerjoin(_provider, _provider.id == ComponentDependency.provider_id)
        .order_by(FeatureFlag.key)
    ).all()
    off = FlagSwitch(None, 0, False)
    entries = [
        FlagEntry(
            str(flag_uuid),
            key,
            desc or "",
            wl or "",
            rel or "",
            f"{c} → {p}" if c else "",
            {e.name: switches.get(fid, {}).get(e.name, off) for e in envs},
        )
        for fid, flag_uuid, key, desc, wl, rel, c, p in rows
    ]
    return envs, entries


@dataclass(frozen=True)
class DependencyFacts:
    """Everything beside the matrix: contracts, the deprecation calendar, flags, skew."""

    contracts: list[ContractInfo]
    findings: list[ContractFinding]
    releases: list[ReleaseMarker]
    environments: list[EnvironmentRef]
    flags: list[FlagEntry]
    skews: list[LibrarySkew]
    changing: frozenset[str]
    """Components the selected release changes."""
    today: date


def dependency_facts(session: Session, release: str | None, today: date) -> DependencyFacts:
    """Contract findings (unsynchronised ones for `release`), flags and library skew."""
    name = _release_name(session, release) if release else None
    changing = frozenset(changing_components(session, name)) if name else frozenset()
    infos = contracts(session)
    findings = contract_findings(infos, today, name, changing)
    days = [d for c in infos for d in (c.deprecated_on, c.sunset_on) if d] + [today]
    markers = releases_between(
        session, min(days) - timedelta(days=31), max(days) + timedelta(days=62)
    )
    envs, flags = flag_table(session)
    skews = library_skew(library_usages(session))
    return DependencyFacts(infos, findings, markers, envs, flags, skews, changing, today)
