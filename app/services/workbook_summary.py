"""The release workbook's Summary figures and its dependency matrix, for one scope.

Each figure is one grouped query or one batched call to the rule that owns it (the calendar's
conflict checker, the promotion gates, the DSM), so the Summary says what the screens say.
Conflicts are the open ones: from now (or the scope's start, if later) to the scope's end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain import Component, Deployment, Wave, Workload, workload_component
from app.domain.enums import ChangeClass, RiskTier, WorkloadStatus
from app.planning.dsm import Matrix, build_matrix
from app.planning.schedule import Conflict
from app.services.calendar_queries import load_calendar
from app.services.dependency_queries import component_graph
from app.services.gates import production_verdicts
from app.services.workbook_data import EVERYTHING, RELEASE, Scope

MATRIX_CAP = 250
"""Components beyond this make a grid nobody reads; the most connected are kept."""
FIRST_CONFLICTS = 20
VERDICT_BATCH = 5000


@dataclass(frozen=True)
class Tally:
    name: str
    workloads: int
    points: int


def by_class(session: Session, scope: Scope) -> list[Tally]:
    return _tally(session, scope, Workload.change_class, ChangeClass.choices())


def by_tier(session: Session, scope: Scope) -> list[Tally]:
    return _tally(session, scope, Workload.risk_tier, RiskTier.choices())


def _tally(session: Session, scope: Scope, column: Any, order: list[str]) -> list[Tally]:
    """Workloads and points per value, cancelled work left out; every value listed, in the
    vocabulary's order, so two workbooks compare line by line."""
    found = {
        value: (int(n), int(points or 0))
        for value, n, points in session.execute(
            select(column, func.count(Workload.id), func.sum(Workload.size))
            .where(scope.workloads(), Workload.status != WorkloadStatus.CANCELLED)
            .group_by(column)
        )
    }
    names = order + sorted(set(found) - set(order))
    return [Tally(name, *found.get(name, (0, 0))) for name in names]


@dataclass(frozen=True)
class ConflictSummary:
    start: datetime
    end: datetime
    total: int
    blocking: int
    first: list[Conflict]


def open_conflicts(session: Session, scope: Scope, now: datetime) -> ConflictSummary | None:
    """Conflicts still ahead within the scope; None when the scope lies wholly in the past."""
    start, end = max(now, scope.calendar[0]), scope.calendar[1]
    if start >= end:
        return None
    found = load_calendar(session, start, end).data.conflicts
    if scope.kind == RELEASE:
        mine = _release_subjects(session, scope)
        found = [c for c in found if c.subject in mine]
    blocking = sum(1 for c in found if c.severity == "blocking")
    return ConflictSummary(start, end, len(found), blocking, found[:FIRST_CONFLICTS])


def _release_subjects(session: Session, scope: Scope) -> set[str]:
    """Calendar keys of the release: its window, its waves and its workloads' deployments."""
    ids = select(Workload.id).where(scope.workloads())
    waves = select(Wave.uuid).where(Wave.release_id == scope.release_id)
    deployments = select(Deployment.uuid).where(Deployment.workload_id.in_(ids))
    keys = {str(scope.release_uuid)}
    for query in (waves, deployments):
        keys.update(str(u) for u in session.scalars(query))
    return keys


@dataclass(frozen=True)
class GateSummary:
    pending: int
    """Workloads still to reach production: planned or in progress."""
    allowed: int
    blocked: int
    missing: list[tuple[str, int]]
    """Gate → how many of the blocked workloads lack it, most often missing first."""


def gate_summary(session: Session, scope: Scope, now: datetime) -> GateSummary:
    ids = list(
        session.scalars(
            select(Workload.id).where(
                scope.workloads(),
                Workload.status.in_((WorkloadStatus.PLANNED, WorkloadStatus.IN_PROGRESS)),
            )
        )
    )
    allowed = 0
    gates: Counter[str] = Counter()
    for i in range(0, len(ids), VERDICT_BATCH):
        for verdict in production_verdicts(session, ids[i : i + VERDICT_BATCH], now).values():
            allowed += verdict.allowed
            gates.update({m.split(":", 1)[0] for m in verdict.missing})
    return GateSummary(len(ids), allowed, len(ids) - allowed, gates.most_common())


@dataclass(frozen=True)
class MatrixPart:
    matrix: Matrix
    total: int
    """Components in scope before the cap."""
    about: str
    """"every component", "the components release R-12 changes", ..."""


def dependency_matrix(session: Session, scope: Scope, cap: int = MATRIX_CAP) -> MatrixPart:
    """The component DSM: every component, or those the scope's workloads change; past `cap`
    components, the most connected (dependencies in and out) are kept."""
    graph = component_graph(session)
    if scope.kind == EVERYTHING:
        names = set(graph.teams)
        about = "every component"
    else:
        link = workload_component.c
        changed = session.scalars(
            select(link.component_id)
            .join(Workload, Workload.id == link.workload_id)
            .where(scope.workloads(), Workload.status != WorkloadStatus.CANCELLED)
            .distinct()
        )
        wanted = set(changed)
        names = set(
            session.scalars(select(Component.name).where(Component.id.in_(wanted)))
            if wanted
            else []
        )
        about = f"the components changed in {scope.label}"
    edges = [e for e in graph.edges if e.consumer in names and e.provider in names]
    total = len(names)
    if total > cap:
        degree: Counter[str] = Counter()
        for e in edges:
            degree[e.consumer] += 1
            degree[e.provider] += 1
        names = set(sorted(names, key=lambda n: (-degree[n], n))[:cap])
        edges = [e for e in edges if e.consumer in names and e.provider in names]
    matrix = build_matrix({n: graph.teams[n] for n in names}, edges)
    return MatrixPart(matrix, total, about)
