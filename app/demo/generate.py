"""One administrative act that fills an empty database with a whole, believable organisation.

Everything is written in a single transaction (all or nothing) with one audit event for the
act itself: auditing 600,000 generated rows one by one would bury the trail it is meant to
demonstrate. Same seed and anchor give the same rows, UUIDs included, on either backend.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.demo import (
    approvals,
    catalog,
    couplings,
    deferrals,
    dependencies,
    organisation,
    releases,
    workloads,
)
from app.demo.operations import Operations
from app.demo.runbooks import runbook_rows
from app.demo.scale import Scale, default_anchor, resolve_scale
from app.demo.scheduling import Scheduling
from app.demo.world import World
from app.demo.writer import BulkWriter, Progress, next_ids
from app.domain import Component, Environment, Person, Release, ReleaseTrain, Team, Workload
from app.domain.enums import Role
from app.services import audit
from app.services.actor import login_for, resolve_actor
from app.services.org import bootstrap_admin
from app.services.risk_reassess import reassess

DEMO_UUID = uuid.uuid5(uuid.NAMESPACE_URL, "urn:releasedesk:demo")
"""The audit trail's subject for the act of generating: the database itself."""
PLANNING_SHARE = 0.2
"""Part of the progress bar for planning in memory; writing the rows fills the rest."""
DEPLOYMENTS_PER_WORKLOAD = 4.6
"""Five environments for most work, three for configuration and emergencies, some retries."""
COUNT_KEYS = {
    "team": "teams",
    "person": "people",
    "environment": "environments",
    "component": "components",
    "component_dependency": "component_dependencies",
    "release_train": "release_trains",
    "release": "releases",
    "workload": "workloads",
    "workload_component": "workload_components",
    "workload_dependency": "workload_dependencies",
    "approval": "approvals",
    "deferral": "deferrals",
    "deployment": "deployments",
    "incident": "incidents",
    "api_contract": "api_contracts",
    "contract_consumer": "contract_consumers",
    "library_usage": "library_usages",
    "feature_flag": "feature_flags",
    "flag_state": "flag_states",
    "deployment_window": "deployment_windows",
    "freeze_period": "freezes",
    "freeze_override": "freeze_overrides",
    "wave": "waves",
    "runbook": "runbooks",
    "runbook_revision": "runbook_versions",
    "gate_evidence": "gate_evidence",
    "rollback_decision": "rollback_decisions",
}


def generate(
    db: Database,
    *,
    scale: str | Scale = "small",
    seed: int = 7,
    anchor: date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill `db` with a demo organisation; returns the rows written per entity.

    `anchor` (default: Monday of the current UTC week, see `scale.default_anchor`) is the
    "today" of the demo: releases before it are released, after it planned. Raises
    ValueError, writing nothing, when the database already holds workloads or names the
    demo would reuse.
    """
    spec = resolve_scale(scale)
    day = anchor or default_anchor()
    report = progress or (lambda _message, _fraction: None)
    with db.transaction() as session:
        if session.scalar(select(Workload.id).limit(1)) is not None:
            raise ValueError(
                "the database already holds workloads; demo data goes into a new, empty database"
            )
        report("Planning teams, people and components", 0.0)
        login = login_for(session)
        existing = session.scalars(select(Person).where(Person.login == login)).one_or_none()
        world = World(spec, seed, day, next_ids(session))
        organisation.build_teams(world)
        organisation.build_people(world, login, existing is not None)
        catalog.build_components(world)
        edges = catalog.build_dependencies(world)
        report("Planning releases and workloads", 0.02)
        trains = releases.build_releases(world)
        workloads.build_workloads(world)
        report("Planning workload dependencies", PLANNING_SHARE - 0.02)
        links = dependencies.build_dependencies(world)
        _refuse_clashes(session, world)
        counts = _write(session, world, edges, trains, links, progress)
        if existing is not None:
            existing.roles = sorted({*(existing.roles or []), Role.ADMIN, Role.COORDINATOR})
        actor = bootstrap_admin(resolve_actor(session))
        # Tiers were drawn before the incident history existed; the rules now see it too.
        reassess(session, actor, apply=True, now=world.anchor, audit_each=False)
        after: dict[str, Any] = {
            "scale": spec.name,
            "seed": seed,
            "anchor": day.isoformat(),
            "counts": counts,
        }
        audit.append(session, actor, "demo", "database", str(DEMO_UUID), None, after)
        report("Committing", 0.99)
    report("Demo data ready", 1.0)
    return counts


def _write(session: Session, world: World, edges: list[Any], trains: list[Any],
           links: list[Any], progress: Progress | None) -> dict[str, int]:  # fmt: skip
    live = sum(1 for w in world.workloads if w.status in ("deployed", "in_progress"))
    expected = (
        len(world.teams)
        + len(world.people)
        + len(world.components)
        + len(edges)
        + len(world.releases)
        + sum(1 + len(w.components) for w in world.workloads)
        + len(links)
        + len(world.workloads) // 3  # approvals and deferrals, roughly
        + int(live * DEPLOYMENTS_PER_WORKLOAD)
        + world.scale.incidents
        + len(world.workloads) // 8  # contracts, libraries, flags and their states, roughly
    )
    writer = BulkWriter(session, progress, expected, start=PLANNING_SHARE)
    writer.write("release_train", releases.train_rows(world, trains))
    writer.write("team", organisation.team_rows(world))
    writer.write("person", organisation.person_rows(world))
    writer.write("environment", organisation.environment_rows(world))
    writer.write("component", catalog.component_rows(world))
    writer.write("component_dependency", catalog.dependency_rows(world, edges))
    writer.write("release", releases.release_rows(world))
    writer.write("workload", workloads.workload_rows(world))
    writer.write("workload_component", workloads.workload_component_rows(world))
    writer.write("workload_dependency", dependencies.dependency_rows(world, links))
    writer.write("approval", approvals.approval_rows(world))
    writer.write("deferral", deferrals.deferral_rows(world))
    contracts, consumers = couplings.contract_rows(world, edges)
    writer.write("api_contract", contracts)
    writer.write("contract_consumer", consumers)
    writer.write("library_usage", couplings.library_rows(world, edges))
    flags, states = couplings.flag_rows(world)
    writer.write("feature_flag", flags)
    writer.write("flag_state", states)
    operations = Operations(world)
    writer.write("deployment", operations.deployments())
    writer.write("incident", operations.incidents())
    for name, rows in Scheduling(world).rows():
        writer.write(name, rows)
    for name, rows in runbook_rows(world, operations.calls):
        writer.write(name, rows)
    writer.fix_sequences()
    return {COUNT_KEYS[name]: writer.counts.get(name, 0) for name in COUNT_KEYS}


def _refuse_clashes(session: Session, world: World) -> None:
    """Names the demo would create that the database already has (unique columns)."""
    wanted: list[tuple[str, Any, set[str]]] = [
        ("team", Team.name, {t.domain.team for t in world.teams}),
        ("person", Person.login, {p.login for p in world.people}),
        ("component", Component.name, {c.name for c in world.components}),
        ("environment", Environment.name, {name for name, _prod in organisation.ENVIRONMENTS}),
        ("release train", ReleaseTrain.name, {rule[0] for rule in releases.train_rules(world)}),
        ("release", Release.name, {r.name for r in world.releases}),
    ]
    for label, column, names in wanted:
        clash = sorted(set(session.scalars(select(column))) & names)
        if clash:
            raise ValueError(
                f"the database already has a {label} named {clash[0]!r}; demo data goes into a "
                "new, empty database"
            )
