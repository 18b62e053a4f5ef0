"""Workload order in a release: component edges, explicit links, flags, expand/contract."""

from __future__ import annotations

from datetime import UTC, datetime

from app.planning.dependency_order import Edge
from app.planning.release_dependencies import (
    WorkloadItem,
    integration_groups,
    order_violations,
    ordering_edges,
    release_order,
)


def wl(key: str, *comps: str, **kw) -> WorkloadItem:
    return WorkloadItem(key, frozenset(comps), **kw)


COMPONENT_EDGES = [Edge("web", "orders-api"), Edge("orders-api", "orders-db", "schema")]


def test_provider_workloads_deploy_first() -> None:
    order = release_order([wl("W-1", "web"), wl("O-1", "orders-api")], COMPONENT_EDGES)
    assert order.stages == [["O-1"], ["W-1"]]


def test_schema_change_splits_into_expand_before_and_contract_after() -> None:
    items = [wl("DB-1", "orders-db", schema_change=True), wl("O-1", "orders-api"), wl("W-1", "web")]
    order = release_order(items, COMPONENT_EDGES, databases=frozenset({"orders-db"}))
    assert order.stages == [["DB-1 (expand)"], ["O-1"], ["DB-1 (contract)", "W-1"]]
    assert order.cycles == []


def test_flag_decoupled_edge_forces_no_order() -> None:
    edges = [Edge("web", "orders-api", decoupled=True)]
    order = release_order([wl("W-1", "web"), wl("O-1", "orders-api")], edges)
    assert order.stages == [["O-1", "W-1"]]


def test_explicit_links_and_together_groups() -> None:
    items = [
        wl("A", "x", after=frozenset({"B"})),
        wl("B", "y"),
        wl("C", "z", together=frozenset({"D"})),
        wl("D", "q"),
    ]
    order = release_order(items, [])
    assert order.stage_of("B") < order.stage_of("A")
    assert order.stage_of("C") == order.stage_of("D")
    assert ["C", "D"] in order.cycles


def test_violations_name_both_sides_with_times() -> None:
    edges = ordering_edges([wl("W-1", "web"), wl("O-1", "orders-api")], COMPONENT_EDGES)
    starts = {
        "W-1": datetime(2026, 3, 3, 20, 0, tzinfo=UTC),
        "O-1": datetime(2026, 3, 3, 22, 0, tzinfo=UTC),
    }
    (v,) = order_violations(edges, starts)
    assert (v.before, v.after) == ("O-1", "W-1")
    assert "22:00" in v.reason and "20:00" in v.reason
    starts["O-1"] = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
    assert order_violations(edges, starts) == []


def test_integration_groups_join_dependent_and_shared_components() -> None:
    items = [wl("W-1", "web"), wl("O-1", "orders-api"), wl("O-2", "orders-api"), wl("M-1", "maps")]
    groups, pairs = integration_groups(items, COMPONENT_EDGES)
    assert groups == [["O-1", "O-2", "W-1"]]
    assert ("O-1", "O-2") in pairs and ("O-1", "W-1") in pairs
    assert all("M-1" not in p for p in pairs)
