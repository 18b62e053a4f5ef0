"""Deployment order on a large graph against networkx's own primitives, in the same run.

    python -m tests.bench.deps_order --db LARGE.db [--runs 7]

Baseline: `strongly_connected_components` plus `topological_generations` of the
condensation, straight from networkx, on the same edges. Ours adds the flag-decoupling,
cycle naming and stable sorting a coordinator reads. Goal: at most 2x the baseline.
Measured for the component graph and for the workloads of the release with the most work
(with schema expand/contract steps).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
from sqlalchemy import func, select

from app.db import open_database
from app.domain import Release, Workload
from app.planning.dependency_order import deployment_order
from app.planning.release_dependencies import nodes_of, ordering_edges
from app.services import dependency_queries as dq

GOAL = 2.0


def _time(fn: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _baseline(nodes: list[str], edges: list[Any]) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((e.provider, e.consumer) for e in edges if not e.decoupled)
    sccs = list(nx.strongly_connected_components(graph))
    list(nx.topological_generations(nx.condensation(graph, sccs)))


def measure(label: str, nodes: list[str], edges: list[Any], runs: int) -> str:
    ours = _time(lambda: deployment_order(nodes, edges), runs)
    base = _time(lambda: _baseline(nodes, edges), runs)
    ratio = ours / base
    verdict = "ok" if ratio <= GOAL else "OVER GOAL"
    return (
        f"{label:<34} {len(nodes):>7} {len(edges):>8} {base * 1000:>9.1f} "
        f"{ours * 1000:>9.1f} {ratio:>6.2f}x  (goal <= {GOAL}x: {verdict})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.deps_order")
    parser.add_argument("--db", required=True, help="a (large) demo database")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    db = open_database(args.db)
    try:
        with db.read() as s:
            graph = dq.component_graph(s)
            busiest = s.execute(
                select(Release.name, func.count(Workload.id))
                .join(Workload, Workload.target_release_id == Release.id)
                .group_by(Release.name)
                .order_by(func.count(Workload.id).desc())
                .limit(1)
            ).first()
            snap = dq.release_snapshot(s, busiest[0]) if busiest else None
    finally:
        db.dispose()
    print("deployment order (median of runs)   items    edges  nx ms    ours ms  ratio")
    print(measure("component graph", list(graph.teams), graph.edges, args.runs))
    if snap is not None:
        edges = ordering_edges(snap.workloads, snap.component_edges, snap.databases)
        label = f"release {busiest[0]} workloads"
        print(measure(label, nodes_of(snap.workloads), edges, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
