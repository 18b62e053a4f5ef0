"""From the database to the dependency rules: snapshots, flags, contracts, libraries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from app.planning.contracts import contract_findings, library_skew
from app.planning.release_dependencies import release_order
from app.services import crud
from app.services import dependency_queries as dq
from app.services.catalog import COMPONENT, COMPONENT_DEPENDENCY, ENVIRONMENT
from app.services.dependencies import (
    API_CONTRACT,
    CONTRACT_CONSUMER,
    FEATURE_FLAG,
    FLAG_STATE,
    LIBRARY_USAGE,
)
from app.services.errors import ValidationError
from app.services.matrix_queries import flag_table
from app.services.releases import RELEASE
from tests.factories import make_workload

FLAGS = {"stateful": False, "pii": False, "financial": False, "health": False}


@pytest.fixture
def landscape(seeded):
    """web → orders-api → orders-db (schema), web → ui-kit library, a release with work."""
    org, actor = seeded, seeded.coordinator
    with org.db.transaction() as s:
        comps = {}
        for name, kind in [
            ("web", "web"),
            ("orders-api", "service"),
            ("orders-db", "database"),
            ("ui-kit", "library"),
        ]:
            comps[name] = crud.create(
                s,
                actor,
                COMPONENT,
                {"name": name, "kind": kind, "team": org.team, "track": "train", **FLAGS},
            )
        deps = {}
        for consumer, provider, kind in [
            ("web", "orders-api", "api"),
            ("orders-api", "orders-db", "schema"),
        ]:
            deps[consumer] = crud.create(
                s,
                actor,
                COMPONENT_DEPENDENCY,
                {"consumer": comps[consumer], "provider": comps[provider], "kind": kind},
            )
        start = datetime(2026, 12, 8, 21, 0, tzinfo=UTC)
        rel = crud.create(
            s,
            actor,
            RELEASE,
            {
                "name": "2026.50",
                "window_start": start,
                "window_end": start + timedelta(hours=4),
                "status": "planned",
            },
        )
        prod = crud.create(
            s, actor, ENVIRONMENT, {"name": "production", "position": 1, "is_production": True}
        )
        names = {n: str(c.uuid) for n, c in comps.items()}
        rel_uuid, prod_uuid, web_dep = str(rel.uuid), str(prod.uuid), str(deps["web"].uuid)
    for key, comp, extra in [
        ("DB-1", "orders-db", {"schema_change": True}),
        ("API-1", "orders-api", {}),
        ("WEB-1", "web", {}),
    ]:
        make_workload(
            org, key, components=[names[comp]], target_release=rel_uuid, status="planned", **extra
        )
    return org, names, rel_uuid, prod_uuid, web_dep


def _uuid_of(session, key: str) -> str:
    from sqlalchemy import select

    from app.domain import Workload

    return str(session.scalar(select(Workload.uuid).where(Workload.key == key)))


def test_release_snapshot_feeds_the_expand_contract_order(landscape) -> None:
    org, _names, rel, _prod, _dep = landscape
    with org.db.read() as s:
        snap = dq.release_snapshot(s, "2026.50")
        assert dq.release_snapshot(s, rel).teams == snap.teams
        assert dq.changing_components(s, "2026.50") == {
            "orders-db": ["DB-1"],
            "orders-api": ["API-1"],
            "web": ["WEB-1"],
        }
        with pytest.raises(LookupError, match="no release 'nope'"):
            dq.release_snapshot(s, "nope")
    order = release_order(snap.workloads, snap.component_edges, snap.databases)
    assert order.stages == [["DB-1 (expand)"], ["API-1"], ["DB-1 (contract)", "WEB-1"]]


def test_a_flag_on_a_dependency_decouples_it(landscape) -> None:
    org, _names, _rel, prod, web_dep = landscape
    with org.db.transaction() as s:
        flag = crud.create(
            s,
            org.coordinator,
            FEATURE_FLAG,
            {
                "key": "new-checkout",
                "component_dependency": web_dep,
                "workload": _uuid_of(s, "WEB-1"),
            },
        )
        crud.create(
            s, org.coordinator, FLAG_STATE, {"flag": flag, "environment": prod, "enabled": True}
        )
    with org.db.read() as s:
        graph = dq.component_graph(s)
        _envs, (row,) = flag_table(s)
        snap = dq.release_snapshot(s, "2026.50")
    web_edge = next(e for e in graph.edges if e.consumer == "web")
    assert web_edge.decoupled and graph.flags[("web", "orders-api")] == "new-checkout"
    assert (row.key, row.workload, row.decouples) == ("new-checkout", "WEB-1", "web → orders-api")
    assert {env: switch.enabled for env, switch in row.switches.items()} == {"production": True}
    order = release_order(snap.workloads, snap.component_edges, snap.databases)
    assert order.stage_of("WEB-1") == 0  # no longer waits for the API it calls


def test_contracts_libraries_and_timeline(landscape) -> None:
    org, names, rel, _prod, _dep = landscape
    with org.db.transaction() as s:
        v1 = crud.create(
            s,
            org.coordinator,
            API_CONTRACT,
            {
                "provider": names["orders-api"],
                "name": "orders",
                "api_version": "v1",
                "backward_compatible": True,
                "deprecated_on": "2026-11-01",
                "sunset_on": "2027-01-31",
            },
        )
        crud.create(
            s, org.coordinator, CONTRACT_CONSUMER, {"contract": v1, "consumer": names["web"]}
        )
        crud.create(
            s,
            org.coordinator,
            LIBRARY_USAGE,
            {"component": names["web"], "library": names["ui-kit"], "library_version": "2.1.0"},
        )
        crud.create(
            s,
            org.coordinator,
            LIBRARY_USAGE,
            {
                "component": names["orders-api"],
                "library": names["ui-kit"],
                "library_version": "2.0.3",
            },
        )
    with org.db.read() as s:
        (info,) = dq.contracts(s)
        usages = dq.library_usages(s, rel)
    (finding,) = contract_findings([info], date(2026, 12, 1))
    assert finding.consumer == "web" and finding.days_left == 61
    (skew,) = library_skew(usages)
    assert skew.upgrades == (("orders-api", "2.0.3", "2.1.0"),)


def test_dependency_entities_are_validated(landscape) -> None:
    org, names, *_ = landscape
    with pytest.raises(ValidationError, match="is a web, not a library"):
        with org.db.transaction() as s:
            crud.create(
                s,
                org.coordinator,
                LIBRARY_USAGE,
                {"component": names["orders-api"], "library": names["web"], "library_version": "1"},
            )
    with pytest.raises(ValidationError, match="sunset_on: must not be before"):
        with org.db.transaction() as s:
            crud.create(
                s,
                org.coordinator,
                API_CONTRACT,
                {
                    "provider": names["orders-api"],
                    "name": "orders",
                    "api_version": "v9",
                    "backward_compatible": True,
                    "deprecated_on": "2026-11-01",
                    "sunset_on": "2026-10-01",
                },
            )
