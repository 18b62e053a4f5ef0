"""Small, explicit test data built through the services (so it is audited like real data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.domain.enums import FIBONACCI
from app.services import crud
from app.services.actor import Actor, actor_for_login
from app.services.catalog import COMPONENT, ENVIRONMENT
from app.services.org import PERSON, TEAM, bootstrap_admin
from app.services.workloads import WORKLOAD


@dataclass
class Org:
    db: Database
    admin: Actor
    coordinator: Actor
    approver: Actor
    viewer: Actor
    team: str
    component: str


def workload_values(key: str, **over: Any) -> dict[str, Any]:
    """A valid workload; without `risk_tier` the rules decide it, with one it is an
    override and carries a reason, as the service requires."""
    values: dict[str, Any] = {
        "key": key,
        "title": f"Change {key}",
        "change_class": "feature",
        "team": "Payments",
        "size": 3,
        "business_value": 5,
        "time_criticality": 3,
        "risk_reduction": 2,
        "status": "backlog",
    }
    values.update(over)
    if values.get("risk_tier") and "risk_override_reason" not in values:
        values["risk_override_reason"] = "Tier set by hand for this scenario"
    return values


def seed_small_org(db: Database) -> Org:
    with db.transaction() as s:
        root = bootstrap_admin(Actor("setup"))
        team = crud.create(s, root, TEAM, {"name": "Payments", "timezone": "Europe/Berlin"})
        crud.create(s, root, TEAM, {"name": "Mobile", "timezone": "America/New_York"})
        people = [
            ("admin", "Ada Admin", ["admin"]),
            ("coordinator", "Cora Coordinator", ["coordinator"]),
            ("approver", "Abe Approver", ["approver", "security"]),
            ("viewer", "Vic Viewer", ["viewer"]),
        ]
        for login, name, roles in people:
            crud.create(
                s, root, PERSON, {"login": login, "name": name, "team": team, "roles": roles}
            )
        comp = crud.create(
            s,
            root,
            COMPONENT,
            {
                "name": "payments-api",
                "kind": "service",
                "team": team,
                "track": "train",
                "stateful": False,
                "pii": True,
                "financial": True,
                "health": False,
            },
        )
        team_uuid, comp_uuid = str(team.uuid), str(comp.uuid)
    with db.read() as s:
        actors = [actor_for_login(s, p[0]) for p in people]
    return Org(db, *actors, team=team_uuid, component=comp_uuid)


def make_workload(org: Org, key: str, **over: Any) -> tuple[str, int]:
    with org.db.transaction() as s:
        wl = crud.create(s, org.coordinator, WORKLOAD, workload_values(key, **over))
        return str(wl.uuid), wl.version


def make_gate_environments(org: Org) -> None:
    """dev → staging → production, and a stateful "ledger-db" database: what the promotion
    gates need to ask for tests in staging and a validated restore before production."""
    with org.db.transaction() as s:
        for position, name in enumerate(("dev", "staging", "production")):
            values = {"name": name, "position": position, "is_production": name == "production"}
            crud.create(s, org.admin, ENVIRONMENT, values)
        crud.create(
            s,
            org.admin,
            COMPONENT,
            {
                "name": "ledger-db",
                "kind": "database",
                "team": org.team,
                "track": "train",
                "stateful": True,
                "pii": False,
                "financial": False,
                "health": False,
            },
        )


def acting_login_is_coordinator(org: Org) -> None:
    """Make the login the CLI acts as (RELEASEDESK_USER on SQLite, the database user on
    PostgreSQL) a known coordinator, so headless commands may write."""
    from app.services.actor import login_for

    with org.db.transaction() as s:
        login = login_for(s)
        if actor_for_login(s, login).person_id is None:
            crud.create(
                s, org.admin, PERSON, {"login": login, "name": login, "roles": ["coordinator"]}
            )


@dataclass
class Train:
    uuid: str
    id: int
    past: list[str]
    """Names of the releases before `now`, oldest first."""
    upcoming: list[str]
    """Names of the releases after `now`, earliest first."""
    ids: dict[str, int]
    """Release name → database id."""


def make_train(
    org: Org,
    name: str,
    now: datetime,
    *,
    past: int = 0,
    upcoming: int = 0,
    teams: Sequence[str] = ("Payments",),
    every: timedelta = timedelta(days=14),
    prefix: str = "R",
) -> Train:
    """A release train with `past` released releases before `now` and `upcoming` planned ones
    after it, `every` apart, named `{prefix}-1`, `{prefix}-2`, ... in time order; the named
    teams ride it. Each window lasts two hours."""
    from app.domain import Team
    from app.services.releases import RELEASE, RELEASE_TRAIN

    cadence = {"name": name, "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "timezone": "UTC"}
    offsets = [-k for k in range(past, 0, -1)] + list(range(1, upcoming + 1))
    ids: dict[str, int] = {}
    with org.db.transaction() as s:
        train = crud.create(s, org.coordinator, RELEASE_TRAIN, cadence)
        for n, k in enumerate(offsets, start=1):
            start = now + every * k
            rel = crud.create(
                s,
                org.coordinator,
                RELEASE,
                {
                    "name": f"{prefix}-{n}",
                    "train": str(train.uuid),
                    "window_start": start,
                    "window_end": start + timedelta(hours=2),
                    "status": "released" if k < 0 else "planned",
                },
            )
            ids[rel.name] = rel.id
        for team_name in teams:
            team = s.scalars(select(Team).where(Team.name == team_name)).one()
            crud.update(s, org.coordinator, TEAM, team.uuid, team.version, {"train": train.uuid})
        names = list(ids)
        return Train(str(train.uuid), train.id, names[:past], names[past:], ids)


def fibonacci_sizes(points: int) -> list[int]:
    """`points` as job sizes on the Fibonacci scale, largest first (10 → 8, 2)."""
    sizes = []
    for size in sorted(FIBONACCI, reverse=True):
        while points >= size:
            sizes.append(size)
            points -= size
    return sizes


def deliver(org: Org, train: Train, team: str, points: Sequence[int]) -> None:
    """Deployed work of `team` in the last `len(points)` past releases of `train`, oldest
    first: each release gets workloads whose sizes add up to its number (0: nothing)."""
    tag = "".join(c for c in team.upper() if c.isalnum())
    releases = train.past[len(train.past) - len(points) :]
    with org.db.transaction() as s:
        for release, total in zip(releases, points, strict=True):
            for n, size in enumerate(fibonacci_sizes(total), start=1):
                values = workload_values(
                    f"{tag}-{release}-{n}",
                    team=team,
                    size=size,
                    status="deployed",
                    target_release=release,
                )
                crud.create(s, org.coordinator, WORKLOAD, values)
