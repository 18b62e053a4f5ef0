"""Dependency rules for the workloads of one release: deployment order with schema
expand/contract steps, integration-test groups, and order violations in a schedule.

Inputs are plain values so the rules run the same on a snapshot of the database, on an
imported edge list, or on a what-if the coordinator is dragging.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from app.planning.dependency_order import DeploymentOrder, Edge, deployment_order


@dataclass(frozen=True)
class WorkloadItem:
    key: str
    components: frozenset[str]
    schema_change: bool = False
    """Changes the schema of the database components among `components`."""
    after: frozenset[str] = field(default_factory=frozenset)
    """Keys this workload must deploy after (explicit 'before' links)."""
    together: frozenset[str] = field(default_factory=frozenset)
    """Keys this workload must deploy together with (explicit 'together' links)."""


def expand(key: str) -> str:
    return f"{key} (expand)"


def contract(key: str) -> str:
    return f"{key} (contract)"


def ordering_edges(
    workloads: Iterable[WorkloadItem],
    component_edges: Iterable[Edge],
    databases: frozenset[str] = frozenset(),
) -> list[Edge]:
    """Workload-level edges (consumer deploys after provider) derived from every rule."""
    items = {w.key: w for w in workloads}
    touching: dict[str, list[str]] = {}
    for w in items.values():
        for comp in w.components:
            touching.setdefault(comp, []).append(w.key)

    def steps(key: str, as_provider: bool) -> str:
        """A schema change is the expand step for what follows it, contract for what precedes."""
        if not items[key].schema_change:
            return key
        return expand(key) if as_provider else contract(key)

    edges: list[Edge] = []
    for w in items.values():
        if w.schema_change:
            edges.append(Edge(contract(w.key), expand(w.key), "schema"))
        for other in sorted(w.after & items.keys()):
            edges.append(Edge(steps(w.key, False), steps(other, True), "workload"))
        for other in sorted(w.together & items.keys()):
            a, b = steps(w.key, False), steps(other, False)
            edges += [Edge(a, b, "together"), Edge(b, a, "together")]
    for e in component_edges:
        providers = touching.get(e.provider, [])
        for consumer_key in touching.get(e.consumer, []):
            for provider_key in providers:
                if consumer_key == provider_key:
                    continue
                p = items[provider_key]
                if p.schema_change and e.provider in databases:
                    # expand before the dependent service, contract after it
                    edges.append(Edge(consumer_key, expand(provider_key), "schema", e.decoupled))
                    edges.append(Edge(contract(provider_key), consumer_key, "schema", e.decoupled))
                else:
                    edges.append(
                        Edge(
                            steps(consumer_key, False),
                            steps(provider_key, True),
                            e.kind,
                            e.decoupled,
                        )
                    )
    return edges


def nodes_of(workloads: Iterable[WorkloadItem]) -> list[str]:
    names: list[str] = []
    for w in workloads:
        names += [expand(w.key), contract(w.key)] if w.schema_change else [w.key]
    return names


def release_order(
    workloads: Iterable[WorkloadItem],
    component_edges: Iterable[Edge],
    databases: frozenset[str] = frozenset(),
) -> DeploymentOrder:
    items = list(workloads)
    return deployment_order(nodes_of(items), ordering_edges(items, component_edges, databases))


@dataclass(frozen=True)
class Violation:
    before: str
    after: str
    reason: str


def order_violations(
    edges: Iterable[Edge], planned_start: Mapping[str, datetime]
) -> list[Violation]:
    """Scheduled deployments that break an ordering edge (the provider starts later)."""
    found = []
    for e in edges:
        if e.decoupled or e.kind == "together":
            continue
        p, c = planned_start.get(_base(e.provider)), planned_start.get(_base(e.consumer))
        if p is None or c is None or _base(e.provider) == _base(e.consumer):
            continue
        if p > c:
            found.append(
                Violation(
                    e.provider,
                    e.consumer,
                    f"{e.provider} is scheduled {p:%Y-%m-%d %H:%M} UTC, after {e.consumer} "
                    f"({c:%Y-%m-%d %H:%M} UTC) which depends on it ({e.kind})",
                )
            )
    return sorted(found, key=lambda v: (v.before, v.after))


def _base(name: str) -> str:
    return name.removesuffix(" (expand)").removesuffix(" (contract)")


def integration_groups(
    workloads: Iterable[WorkloadItem], component_edges: Iterable[Edge]
) -> tuple[list[list[str]], list[tuple[str, str]]]:
    """Workloads to integration-test together: those touching the same or dependent
    components. Returns the groups (each sorted, largest first) and the pairs."""
    items = list(workloads)
    import networkx as nx  # imported on first use: it costs start-up a quarter second

    graph = nx.Graph()
    graph.add_nodes_from(w.key for w in items)
    touching: dict[str, set[str]] = {}
    for w in items:
        for comp in w.components:
            touching.setdefault(comp, set()).add(w.key)
    for keys in touching.values():
        ordered = sorted(keys)
        graph.add_edges_from((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    for e in component_edges:
        for a in touching.get(e.consumer, ()):
            for b in touching.get(e.provider, ()):
                if a != b:
                    graph.add_edge(a, b)
    groups = sorted(
        (sorted(g) for g in nx.connected_components(graph) if len(g) > 1),
        key=lambda g: (-len(g), g),
    )
    pairs = sorted(tuple(sorted(edge)) for edge in graph.edges)
    return groups, [(a, b) for a, b in pairs]
