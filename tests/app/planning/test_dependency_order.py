"""Deployment order: providers first, cycles grouped and named, decoupled edges ignored."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.planning.dependency_order import Edge, deployment_order


def test_providers_deploy_before_consumers_in_parallel_stages() -> None:
    edges = [Edge("web", "api"), Edge("api", "db"), Edge("mobile", "api"), Edge("api", "auth")]
    order = deployment_order(["web", "mobile", "api", "db", "auth"], edges)
    assert order.stages == [["auth", "db"], ["api"], ["mobile", "web"]]
    assert order.cycles == []


def test_a_cycle_is_named_and_deploys_together() -> None:
    edges = [Edge("a", "b"), Edge("b", "c"), Edge("c", "a"), Edge("d", "a"), Edge("a", "base")]
    order = deployment_order(["a", "b", "c", "d", "base"], edges)
    assert order.cycles == [["a", "b", "c"]]
    assert order.stages == [["base"], ["a", "b", "c"], ["d"]]
    assert order.as_json() == {"stages": order.stages, "cycles": order.cycles}


def test_a_flag_breaks_the_cycle() -> None:
    edges = [Edge("a", "b"), Edge("b", "a", decoupled=True)]
    order = deployment_order(["a", "b"], edges)
    assert order.cycles == [] and order.stages == [["b"], ["a"]]


def test_unconnected_items_deploy_in_the_first_stage() -> None:
    assert deployment_order(["x", "y"], []).stages == [["x", "y"]]


names = st.sampled_from([f"s{i}" for i in range(12)])


@given(st.lists(st.tuples(names, names, st.booleans()), max_size=40))
def test_every_item_once_and_every_ordered_edge_respected(raw) -> None:
    edges = [Edge(c, p, decoupled=d) for c, p, d in raw]
    nodes = sorted({n for c, p, _ in raw for n in (c, p)})
    order = deployment_order(nodes, edges)
    placed = [n for stage in order.stages for n in stage]
    assert sorted(placed) == nodes
    together = {n: i for i, cyc in enumerate(order.cycles) for n in cyc}
    for e in edges:
        if e.decoupled or e.consumer == e.provider:
            continue
        if together.get(e.consumer, -1) == together.get(e.provider, -2):
            assert order.stage_of(e.consumer) == order.stage_of(e.provider)
        else:
            assert order.stage_of(e.provider) < order.stage_of(e.consumer)
