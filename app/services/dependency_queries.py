"""Read side of the dependency rules: database snapshots turned into the plain values the
algorithms in `app.planning` take, for the matrix view, the CLI and exports alike."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain import (
    ApiContract,
    Component,
    ComponentDependency,
    ContractConsumer,
    FeatureFlag,
    LibraryUsage,
    Release,
    Team,
    Workload,
    WorkloadDependency,
    workload_component,
)
from app.planning.contracts import ContractInfo
from app.planning.dependency_order import Edge
from app.planning.release_dependencies import WorkloadItem

_consumer = aliased(Component)
_provider = aliased(Component)


@dataclass(frozen=True)
class ComponentGraph:
    teams: dict[str, str]  # component → owning team
    kinds: dict[str, str]  # component → component kind
    edges: list[Edge]
    flags: dict[tuple[str, str], str]  # (consumer, provider) → flag key decoupling it


def component_graph(
    session: Session, team: str | None = None, dependency_kind: str | None = None
) -> ComponentGraph:
    """Every component (or one team's) and the dependencies among them."""
    q = select(Component.name, Team.name, Component.kind).join(Team, Team.id == Component.team_id)
    if team:
        q = q.where(Team.uuid == uuid.UUID(team))
    rows = session.execute(q).all()
    teams = {name: team_name for name, team_name, _ in rows}
    kinds = {name: kind for name, _, kind in rows}
    flags = {
        (c, p): key
        for c, p, key in session.execute(
            select(_consumer.name, _provider.name, FeatureFlag.key)
            .join(
                ComponentDependency, ComponentDependency.id == FeatureFlag.component_dependency_id
            )
            .join(_consumer, _consumer.id == ComponentDependency.consumer_id)
            .join(_provider, _provider.id == ComponentDependency.provider_id)
        ).all()
    }
    dq = (
        select(_consumer.name, _provider.name, ComponentDependency.kind)
        .join(_consumer, _consumer.id == ComponentDependency.consumer_id)
        .join(_provider, _provider.id == ComponentDependency.provider_id)
    )
    if dependency_kind:
        dq = dq.where(ComponentDependency.kind == dependency_kind)
    edges = [
        Edge(c, p, kind, (c, p) in flags)
        for c, p, kind in session.execute(dq).all()
        if c in teams and p in teams
    ]
    return ComponentGraph(teams, kinds, edges, flags)


def release_id(session: Session, release: str) -> int:
    """A release by UUID or by name; raises LookupError naming it."""
    try:
        cond = Release.uuid == uuid.UUID(release)
    except ValueError:
        cond = Release.name == release
    found = session.scalar(select(Release.id).where(cond))
    if found is None:
        raise LookupError(f"no release {release!r}")
    return int(found)


def changing_components(session: Session, release: str) -> dict[str, list[str]]:
    """Component → keys of the release's workloads that change it."""
    rid = release_id(session, release)
    out: dict[str, list[str]] = {}
    rows = session.execute(
        select(Component.name, Workload.key)
        .join(workload_component, workload_component.c.component_id == Component.id)
        .join(Workload, Workload.id == workload_component.c.workload_id)
        .where(Workload.target_release_id == rid, Workload.status != "cancelled")
        .order_by(Workload.key_sort)
    ).all()
    for comp, key in rows:
        out.setdefault(comp, []).append(key)
    return out


@dataclass(frozen=True)
class ReleaseSnapshot:
    workloads: list[WorkloadItem]
    teams: dict[str, str]  # workload key → team
    component_edges: list[Edge]
    databases: frozenset[str]


def release_snapshot(session: Session, release: str) -> ReleaseSnapshot:
    rid = release_id(session, release)
    rows = session.execute(
        select(Workload.id, Workload.key, Workload.schema_change, Team.name)
        .join(Team, Team.id == Workload.team_id)
        .where(Workload.target_release_id == rid, Workload.status != "cancelled")
    ).all()
    ids = {wid: key for wid, key, _, _ in rows}
    comps: dict[int, set[str]] = {wid: set() for wid in ids}
    for wid, name in session.execute(
        select(workload_component.c.workload_id, Component.name)
        .join(Component, Component.id == workload_component.c.component_id)
        .where(workload_component.c.workload_id.in_(ids))
    ).all():
        comps[wid].add(name)
    after: dict[int, set[str]] = {wid: set() for wid in ids}
    together: dict[int, set[str]] = {wid: set() for wid in ids}
    for wid, other, link in session.execute(
        select(
            WorkloadDependency.workload_id,
            WorkloadDependency.depends_on_id,
            WorkloadDependency.link,
        ).where(WorkloadDependency.workload_id.in_(ids))
    ).all():
        if other in ids:
            (together if link == "together" else after)[wid].add(ids[other])
    items = [
        WorkloadItem(
            key,
            frozenset(comps[wid]),
            bool(schema),
            frozenset(after[wid]),
            frozenset(together[wid]),
        )
        for wid, key, schema, _ in rows
    ]
    graph = component_graph(session)
    databases = frozenset(n for n, k in graph.kinds.items() if k == "database")
    return ReleaseSnapshot(items, {key: team for _, key, _, team in rows}, graph.edges, databases)


def contracts(session: Session) -> list[ContractInfo]:
    consumers: dict[int, set[str]] = {}
    for cid, name in session.execute(
        select(ContractConsumer.contract_id, Component.name).join(
            Component, Component.id == ContractConsumer.consumer_id
        )
    ).all():
        consumers.setdefault(cid, set()).add(name)
    rows = session.execute(
        select(ApiContract, Component.name, Release.name)
        .join(Component, Component.id == ApiContract.provider_id)
        .outerjoin(Release, Release.id == ApiContract.changed_in_id)
        .order_by(Component.name, ApiContract.name, ApiContract.api_version)
    ).all()
    return [
        ContractInfo(
            provider,
            c.name,
            c.api_version,
            frozenset(consumers.get(c.id, ())),
            c.deprecated_on,
            c.sunset_on,
            c.backward_compatible,
            rel,
        )
        for c, provider, rel in rows
    ]


def library_usages(session: Session, release: str | None = None) -> list[tuple[str, str, str]]:
    """(component, library, version); for a release, only components it changes."""
    lib = aliased(Component)
    q = (
        select(Component.name, lib.name, LibraryUsage.library_version)
        .join(Component, Component.id == LibraryUsage.component_id)
        .join(lib, lib.id == LibraryUsage.library_id)
    )
    rows = [tuple(r) for r in session.execute(q).all()]
    if release is not None:
        changing = changing_components(session, release)
        rows = [r for r in rows if r[0] in changing]
    return sorted((str(a), str(b), str(c)) for a, b, c in rows)
