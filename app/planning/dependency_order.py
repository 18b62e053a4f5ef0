"""Deployment order: providers before consumers, in stages that may deploy in parallel.

Items in a dependency cycle cannot be ordered; they form one group that must deploy together
(a synchronised deployment) in a single stage, and the cycle is reported by its names. An edge
decoupled by a feature flag or a backward-compatible contract imposes no order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Edge:
    consumer: str
    provider: str
    kind: str = "api"
    decoupled: bool = False
    """True when a feature flag or a compatible contract lets the two deploy in any order."""


@dataclass(frozen=True)
class DeploymentOrder:
    stages: list[list[str]]
    cycles: list[list[str]] = field(default_factory=list)

    def stage_of(self, name: str) -> int:
        for index, stage in enumerate(self.stages):
            if name in stage:
                return index
        raise KeyError(name)

    def as_json(self) -> dict[str, list[list[str]]]:
        return {"stages": self.stages, "cycles": self.cycles}


def dependency_graph(nodes: Iterable[str], edges: Iterable[Edge]) -> nx.DiGraph:
    """Arrows run provider → consumer: the direction in which deployment must proceed."""
    import networkx as nx  # imported on first use: it costs start-up a quarter second

    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    for edge in edges:
        if not edge.decoupled:
            graph.add_edge(edge.provider, edge.consumer)
    return graph


def deployment_order(nodes: Iterable[str], edges: Iterable[Edge]) -> DeploymentOrder:
    import networkx as nx

    graph = dependency_graph(nodes, edges)
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]  # node -> component index
    groups: dict[int, list[str]] = {}
    for node, index in members.items():
        groups.setdefault(index, []).append(node)
    cycles = sorted(
        sorted(group)
        for index, group in groups.items()
        if len(group) > 1 or graph.has_edge(group[0], group[0])
    )
    stages = [
        sorted(name for index in generation for name in groups[index])
        for generation in nx.topological_generations(condensed)
    ]
    return DeploymentOrder(stages, cycles)
