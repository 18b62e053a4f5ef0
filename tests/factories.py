"""Small, explicit test data built through the services (so it is audited like real data)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.db import Database
from app.services import crud
from app.services.actor import Actor, actor_for_login
from app.services.catalog import COMPONENT
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
