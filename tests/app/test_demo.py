"""Demo data: shape, determinism, refusal, one audited act, and edits work afterwards."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.rrule import rrulestr
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database, open_database
from app.demo import DEMO_UUID, LARGE, SMALL, Scale, default_anchor, generate
from app.demo.scale import anchor_instant
from app.domain import (
    ApiContract,
    Approval,
    AuditEvent,
    Component,
    ComponentDependency,
    ContractConsumer,
    Deferral,
    Deployment,
    DeploymentWindow,
    Environment,
    FeatureFlag,
    FlagState,
    FreezeOverride,
    FreezePeriod,
    GateEvidence,
    Incident,
    LibraryUsage,
    Person,
    Release,
    ReleaseTrain,
    RollbackDecision,
    Runbook,
    RunbookRevision,
    Team,
    Wave,
    Workload,
    WorkloadDependency,
    workload_component,
)
from app.domain.enums import FIBONACCI, ApprovalState, ChangeClass, RiskTier
from app.domain.workloads import natural_key, wsjf
from app.planning.contracts import ContractInfo, contract_findings, library_skew
from app.services import audit, crud
from app.services.actor import login_for, resolve_actor
from app.services.org import PERSON, TEAM, bootstrap_admin
from app.services.workloads import WORKLOAD

ANCHOR = date(2026, 3, 2)  # a Monday; the trains then cross both DST switches of March
TABLES: dict[str, Any] = {
    "teams": Team,
    "people": Person,
    "environments": Environment,
    "components": Component,
    "component_dependencies": ComponentDependency,
    "release_trains": ReleaseTrain,
    "releases": Release,
    "workloads": Workload,
    "workload_components": workload_component,
    "workload_dependencies": WorkloadDependency,
    "approvals": Approval,
    "deferrals": Deferral,
    "deployments": Deployment,
    "incidents": Incident,
    "api_contracts": ApiContract,
    "contract_consumers": ContractConsumer,
    "library_usages": LibraryUsage,
    "feature_flags": FeatureFlag,
    "flag_states": FlagState,
    "deployment_windows": DeploymentWindow,
    "freezes": FreezePeriod,
    "freeze_overrides": FreezeOverride,
    "waves": Wave,
    "runbooks": Runbook,
    "runbook_versions": RunbookRevision,
    "gate_evidence": GateEvidence,
    "rollback_decisions": RollbackDecision,
}


def count(s: Session, what: Any) -> int:
    return int(s.scalar(select(func.count()).select_from(what)) or 0)


@pytest.fixture
def other_db(db: Database, tmp_path: Path) -> Iterator[Database]:
    """A second empty database on the same backend as `db`."""
    if db.dialect == "sqlite":
        second = open_database(str(tmp_path / "other.db"), create=True)
        yield second
        second.dispose()
        return
    import psycopg

    from tests.conftest import PG_URL, pg_schema_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    second = open_database(pg_schema_url(schema), create=True)
    try:
        yield second
    finally:
        second.dispose()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def demo(db: Database) -> tuple[Database, dict[str, int]]:
    return db, generate(db, anchor=ANCHOR)


def test_counts_match_the_rows_and_the_small_scale(demo: tuple[Database, dict[str, int]]) -> None:
    db, counts = demo
    with db.read() as s:
        assert counts == {key: count(s, what) for key, what in TABLES.items()}
    assert counts["teams"] == SMALL.teams
    assert 35 <= counts["people"] <= 50
    assert counts["components"] == SMALL.components
    assert counts["environments"] == 5
    assert counts["release_trains"] == 2
    assert counts["workloads"] == SMALL.workloads
    assert 150 <= counts["workload_dependencies"] <= 600
    assert 2_000 <= counts["deployments"] <= 8_000
    assert counts["incidents"] == SMALL.incidents
    assert counts["approvals"] > 0
    assert counts["deployment_windows"] == 2 * 2 + 2  # per train and production environment
    assert counts["freezes"] == 4 and counts["freeze_overrides"] == 2
    assert counts["waves"] > 0 and counts["waves"] % 3 == 0


def test_every_class_tier_and_zone_is_present(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    with db.read() as s:
        classes = set(s.scalars(select(Workload.change_class).distinct()))
        tiers = set(s.scalars(select(Workload.risk_tier).distinct()))
        zones = set(s.scalars(select(Team.timezone).distinct()))
        kinds = set(s.scalars(select(ComponentDependency.kind).distinct()))
        states = set(s.scalars(select(Approval.state).distinct()))
        links = set(s.scalars(select(WorkloadDependency.link).distinct()))
        results = set(s.scalars(select(Deployment.result).distinct()))
        caps = s.scalars(select(Team.capacity_cap)).all()
        production = s.scalars(select(Environment.name).where(Environment.is_production)).all()
    assert classes == set(ChangeClass.choices())
    assert tiers == set(RiskTier.choices())
    assert len(zones) >= 4
    assert kinds == {"api", "schema", "library", "data", "infrastructure"}
    assert states == set(ApprovalState.choices())
    assert links == {"before", "together"}
    assert {"succeeded", "failed", "rolled_back", "planned"} <= results
    assert any(c is not None for c in caps) and any(c is None for c in caps)
    assert sorted(production) == ["production-eu", "production-us"]


def test_workloads_look_like_a_tracker(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    with db.read() as s:
        rows = s.execute(
            select(
                Workload.key,
                Workload.size,
                Workload.business_value,
                Workload.change_class,
                Workload.must_ship_by,
                Workload.status,
                Workload.target_release_id,
                Workload.change_request,
                Workload.created_at,
                Workload.time_criticality,
                Workload.risk_reduction,
                Workload.key_sort,
                Workload.wsjf_score,
            ).order_by(Workload.id)
        ).all()
        per_workload = s.execute(
            select(func.count()).select_from(workload_component).group_by("workload_id")
        ).scalars()
        assert set(per_workload) <= {1, 2, 3}
    assert all(re.fullmatch(r"[A-Z]+-\d+", r.key) for r in rows)
    assert {r.size for r in rows} | {r.business_value for r in rows} <= set(FIBONACCI)
    assert all(r.must_ship_by for r in rows if r.change_class == "compliance")
    assert all(r.key_sort == natural_key(r.key) for r in rows)
    assert all(
        r.wsjf_score == wsjf(r.business_value, r.time_criticality, r.risk_reduction, r.size)
        for r in rows
    )
    assert [r.created_at for r in rows] == sorted(r.created_at for r in rows)
    scheduled = [r for r in rows if r.status in ("planned", "in_progress", "deployed")]
    assert all(r.target_release_id for r in scheduled)
    assert any(r.status == "backlog" and r.target_release_id is None for r in rows)
    deployed = [r for r in rows if r.status == "deployed"]
    with_cr = [
        r for r in deployed if r.change_request and re.fullmatch(r"CHG\d{7}", r.change_request)
    ]
    assert len(with_cr) > 0.8 * len(deployed)


def test_runbooks_evidence_and_decisions_show_every_state(
    demo: tuple[Database, dict[str, int]],
) -> None:
    """Approved, edited after approval (sign-offs void), waiting for security and never sent;
    evidence of every kind passing and failing; every kind of rollback decision; and the
    sign-offs honour segregation of duties as the service does."""
    from app.policy.gates import EvidenceKind
    from app.runbooks.validate import problems
    from app.services.runbook_queries import list_runbooks, load

    db, _ = demo
    with db.read() as s:
        rows = list_runbooks(s)
        docs = [load(s, r.uuid) for r in rows]
        kinds = set(s.execute(select(GateEvidence.kind, GateEvidence.passed).distinct()))
        decisions = set(s.scalars(select(RollbackDecision.decision).distinct()))
        people = {p.id: p.login for p in s.scalars(select(Person))}
    assert {r.subject_kind for r in rows} == {"component", "workload"}
    assert any(d.approved for d in docs) and any(not d.approved for d in docs)
    edited = [d for d in docs if not d.approved and d.history[-2:-1] and d.history[-2].signed]
    assert edited, "a runbook edited after its approval"
    assert any(o.state == "pending" for d in docs for o in d.sign_offs)
    assert any(not d.sign_offs for d in docs)
    for d in docs:
        if d.approved:
            by = {o.role: o.decided_by for o in d.sign_offs if o.state == "approved"}
            assert by["operations"] != by["security"]
            assert d.author not in by.values()
        assert d.body.triggers and d.body.total_minutes > 0
        assert problems(d.body) == [], d.body.title
    assert {k for k, _ in kinds} == set(EvidenceKind.choices())
    assert {p for _, p in kinds} == {True, False}
    assert decisions == {"rollback", "roll_forward", "hold"}
    assert people


def test_trains_and_releases_hang_from_the_anchor(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    now = anchor_instant(ANCHOR)
    with db.read() as s:
        trains = s.scalars(select(ReleaseTrain)).all()
        released = s.scalars(select(Release).where(Release.train_id.is_not(None))).all()
    for train in trains:
        rrulestr(train.rrule)  # stored rules are valid RFC 5545
        assert "FREQ=WEEKLY;INTERVAL=2" in train.rrule
        mine = [r for r in released if r.train_id == train.id]
        past = [r for r in mine if r.window_end < now]
        assert len(past) == SMALL.past_periods
        assert all(r.status == "released" for r in past)
        assert all(r.status == "planned" for r in mine if r.window_start > now)
        assert len(mine) == SMALL.past_periods + SMALL.future_periods  # 18 months
    for rel in released:
        assert rel.window_end - rel.window_start == timedelta(hours=4)
        assert rel.code_freeze_at == rel.window_start - timedelta(days=2)


def test_component_graph_has_exactly_one_small_cycle(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    with db.read() as s:
        edges = s.execute(
            select(ComponentDependency.consumer_id, ComponentDependency.provider_id)
        ).all()
    graph: dict[int, set[int]] = {}
    for consumer, provider in edges:
        graph.setdefault(consumer, set()).add(provider)
    cyclic = [n for n in graph if n in _reachable(graph, graph[n])]
    assert len(cyclic) == 3


def _reachable(graph: dict[int, set[int]], start: set[int]) -> set[int]:
    seen, stack = set(start), list(start)
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def test_history_happened_before_the_anchor(demo: tuple[Database, dict[str, int]]) -> None:
    db, _ = demo
    now = anchor_instant(ANCHOR)
    with db.read() as s:
        latest_actual = s.scalar(select(func.max(Deployment.actual_end)))
        latest_incident = s.scalar(select(func.max(Incident.opened_at)))
        open_incidents = count(s, select(Incident).where(Incident.resolved_at.is_(None)).subquery())
        caused = count(
            s, select(Incident).where(Incident.caused_by_deployment_id.is_not(None)).subquery()
        )
        future = s.scalars(select(Deployment.result).where(Deployment.planned_start > now)).all()
    assert latest_actual is not None and latest_actual < now
    assert latest_incident is not None and latest_incident < now
    assert open_incidents >= 2 and caused > 0
    assert future and set(future) == {"planned"}


def test_nothing_was_created_after_the_anchor(demo: tuple[Database, dict[str, int]]) -> None:
    """The demo's "today" is the anchor: rows were made before it and updated after made."""
    db, _ = demo
    now = anchor_instant(ANCHOR)
    with db.read() as s:
        for name, model in TABLES.items():
            if not hasattr(model, "created_at"):
                continue
            newest = s.scalar(select(func.max(model.created_at)))
            assert newest is not None and newest <= now, name
            backwards = select(model.id).where(model.updated_at < model.created_at).subquery()
            assert count(s, backwards) == 0, name


def test_acting_login_can_edit_and_the_act_is_audited_once(
    demo: tuple[Database, dict[str, int]],
) -> None:
    db, counts = demo
    with db.transaction() as s:
        login = login_for(s)
        actor = resolve_actor(s)
        assert actor.has("coordinator") and actor.has("admin")
        team = s.scalars(select(Team.uuid).order_by(Team.id)).first()
        values = {
            "key": "DEMO-1",
            "title": "Edit after the demo",
            "change_class": "feature",
            "team": str(team),
            "size": 3,
            "business_value": 5,
            "time_criticality": 3,
            "risk_reduction": 2,
            "risk_tier": "low",
            "status": "backlog",
        }
        created = crud.create(s, actor, WORKLOAD, values)  # ids continue past the demo's
        assert created.id > counts["workloads"]
    with db.read() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "demo")).all()
        assert audit.verify(s).ok
    assert len(events) == 1
    assert events[0].actor == login
    assert events[0].entity_type == "database" and events[0].entity_uuid == str(DEMO_UUID)
    assert events[0].after == {
        "scale": "small",
        "seed": 7,
        "anchor": ANCHOR.isoformat(),
        "counts": counts,
    }


def test_same_seed_same_data_other_seed_other_data(db: Database, other_db: Database) -> None:
    generate(db, anchor=ANCHOR, seed=11)
    generate(other_db, anchor=ANCHOR, seed=11)
    first, second = _fingerprint(db), _fingerprint(other_db)
    assert first[0] and first[3]  # workloads and deployments were compared, not empty lists
    assert first == second


def test_a_different_seed_changes_the_data(db: Database, other_db: Database) -> None:
    generate(db, anchor=ANCHOR, seed=1)
    generate(other_db, anchor=ANCHOR, seed=2)
    assert _fingerprint(db)[0] != _fingerprint(other_db)[0]


def _fingerprint(db: Database) -> tuple[Any, ...]:
    with db.read() as s:
        return (
            s.execute(
                select(Workload.uuid, Workload.key, Workload.title).order_by(Workload.id)
            ).all(),
            s.execute(select(Person.uuid, Person.login, Person.roles).order_by(Person.id)).all(),
            s.execute(select(Release.name, Release.window_start).order_by(Release.id)).all(),
            s.execute(
                select(
                    Deployment.uuid,
                    Deployment.planned_start,
                    Deployment.actual_end,
                    Deployment.result,
                ).order_by(Deployment.id)
            ).all(),
            s.execute(select(Incident.number, Incident.opened_at).order_by(Incident.id)).all(),
        )


def test_contracts_libraries_and_flags_show_their_problems(
    demo: tuple[Database, dict[str, int]],
) -> None:
    """The findings the dependency views exist for are there to be found."""
    db, counts = demo
    with db.read() as s:
        contracts = s.scalars(select(ApiContract)).all()
        infos = [
            ContractInfo(
                str(c.provider_id),
                c.name,
                c.api_version,
                frozenset(str(x.consumer_id) for x in c.consumers),
                c.deprecated_on,
                c.sunset_on,
                c.backward_compatible,
                str(c.changed_in_id),
            )
            for c in contracts
        ]
        usages = s.execute(
            select(LibraryUsage.component_id, LibraryUsage.library_id, LibraryUsage.library_version)
        ).all()
        states = s.execute(select(FeatureFlag.workload_id, FlagState.enabled).join(FlagState)).all()
        schema_changes = count(s, select(Workload).where(Workload.schema_change).subquery())
    findings = {f.kind for f in contract_findings(infos, ANCHOR)}
    unsynchronised = [
        f
        for c in {i.changed_in for i in infos}
        for f in contract_findings(infos, ANCHOR, release=c)
        if f.kind == "unsynchronised"
    ]
    assert "deprecated" in findings and unsynchronised
    assert library_skew((str(c), str(lib), v) for c, lib, v in usages)
    assert counts["flag_states"] == 5 * counts["feature_flags"] > 0
    assert {enabled for _wl, enabled in states} == {True, False}
    assert schema_changes > 0


def test_refuses_a_database_that_has_workloads(demo: tuple[Database, dict[str, int]]) -> None:
    db, counts = demo
    with pytest.raises(ValueError, match="already holds workloads"):
        generate(db, anchor=ANCHOR)
    with db.read() as s:
        assert count(s, Workload) == counts["workloads"]
        assert count(s, AuditEvent) == 1


def test_refuses_names_that_are_taken_and_writes_nothing(db: Database) -> None:
    with db.transaction() as s:
        root = bootstrap_admin(resolve_actor(s))
        crud.create(s, root, TEAM, {"name": "Payments", "timezone": "Europe/Berlin"})
    with pytest.raises(ValueError, match="team named 'Payments'"):
        generate(db, anchor=ANCHOR)
    with db.read() as s:
        assert count(s, Team) == 1 and count(s, Component) == 0


def test_an_existing_person_for_the_login_becomes_coordinator(db: Database) -> None:
    with db.transaction() as s:
        login = login_for(s)
        root = bootstrap_admin(resolve_actor(s))
        crud.create(s, root, PERSON, {"login": login, "name": "Me", "roles": ["viewer"]})
    generate(db, anchor=ANCHOR)
    with db.read() as s:
        me = s.scalars(select(Person).where(Person.login == login)).one()
        assert {"admin", "coordinator", "viewer"} <= set(me.roles)
        assert me.version == 2
        assert audit.verify(s).ok


def test_a_failure_part_way_writes_nothing(db: Database) -> None:
    def fail_on_deployments(message: str, _fraction: float) -> None:
        if "deployments" in message:
            raise RuntimeError("cancelled by the user")

    with pytest.raises(RuntimeError, match="cancelled"):
        generate(db, anchor=ANCHOR, progress=fail_on_deployments)
    with db.read() as s:
        assert count(s, Team) == 0 and count(s, Workload) == 0 and count(s, AuditEvent) == 0


def test_progress_runs_from_zero_to_one(db: Database) -> None:
    seen: list[float] = []
    generate(db, anchor=ANCHOR, scale=TINY, progress=lambda _m, f: seen.append(f))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


TINY = Scale(
    name="tiny",
    teams=4,
    zones=4,
    people=12,
    components=24,
    trains=1,
    past_periods=3,
    future_periods=4,
    horizon=2,
    workloads=120,
    share_past=0.5,
    share_planned=0.3,
    dependency_rate=0.3,
    incidents=10,
)


def test_the_default_anchor_is_this_weeks_monday() -> None:
    assert default_anchor(date(2026, 11, 29)) == date(2026, 11, 23)  # a Sunday
    assert default_anchor(date(2026, 11, 23)) == date(2026, 11, 23)  # a Monday
    assert default_anchor().weekday() == 0


def test_the_large_scale_is_the_design_scale() -> None:
    assert (LARGE.teams, LARGE.zones, LARGE.components, LARGE.workloads) == (50, 6, 1000, 100_000)
    assert LARGE.incidents == 5_000
    assert (LARGE.past_periods + LARGE.future_periods) * 14 >= 3 * 364  # three years of trains


def test_unknown_scales_and_impossible_ones_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown demo scale 'huge'"):
        generate(db, scale="huge")
    with pytest.raises(ValueError, match="at most"):
        Scale(**{**TINY.__dict__, "teams": 500, "people": 1000, "components": 2000})
