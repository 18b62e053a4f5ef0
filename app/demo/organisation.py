"""Teams across time zones, the people in them with their roles, and the environments.

Role mix follows how release organisations staff up: every team has a coordinator and an
approver, platform-like teams carry operations, identity and security teams carry security,
and everyone else reads. The acting login always gets a person (coordinator and admin), so
whoever generated the demo can edit it straight away.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Iterator
from typing import Any

from app.demo.vocabulary import DOMAINS, FIRST_NAMES, LAST_NAMES, ZONES
from app.demo.world import PersonRec, TeamRec, Uuids, World, entity
from app.domain.enums import Role

OPERATIONS_TEAMS = {"Platform", "Site Reliability", "Observability", "Networking", "Storage"}
SECURITY_TEAMS = {"Identity", "Security Engineering", "Compliance Engineering"}
FRONT_END_TEAMS = {"Web Experience", "Mobile Apps"}
ENVIRONMENTS = (
    ("dev", False),
    ("test", False),
    ("staging", False),
    ("production-eu", True),
    ("production-us", True),
)
MIN_PER_ROLE = 3


def build_teams(world: World) -> None:
    rng = world.rng("teams")
    scale = world.scale
    zones = ZONES[: max(1, min(scale.zones, len(ZONES)))]
    domains = [DOMAINS[i % len(DOMAINS)] for i in range(scale.teams)]
    for i, domain in enumerate(domains):
        train = i % scale.trains
        if domain.team in FRONT_END_TEAMS and scale.trains > 1:
            train = 1
        world.teams.append(
            TeamRec(
                id=world.ids("team", 1)[0],
                domain=domain,
                zone=zones[i % len(zones)],
                weight=rng.uniform(0.6, 1.6),
                train=train,
            )
        )


def team_rows(world: World) -> Iterator[dict[str, Any]]:
    """Caps sit near each team's delivered velocity, so some upcoming releases overrun them."""
    rng = world.rng("team-rows")
    uuids = Uuids(world.rng("team-uuids"))
    delivered = [0] * len(world.teams)
    for rec in world.workloads:
        on_train = rec.release is not None and world.releases[rec.release].train is not None
        if rec.status == "deployed" and on_train:
            delivered[rec.team] += rec.size
    for team, points in zip(world.teams, delivered, strict=True):
        velocity = points / max(1, world.scale.past_periods)
        cap = None
        if rng.random() < 0.5 and velocity > 0:
            cap = max(5, round(velocity * rng.uniform(0.95, 1.3) / 5) * 5)
        share = rng.choice((25, 30, 40)) if rng.random() < 0.2 else None
        yield entity(
            team.id,
            uuids(),
            world.origin,
            name=team.domain.team,
            timezone=team.zone,
            capacity_cap=cap,
            max_share_percent=share,
            train_id=world.train_ids[team.train],
        )


def build_people(world: World, acting_login: str, acting_exists: bool) -> None:
    rng = world.rng("people")
    total_weight = sum(t.weight for t in world.teams)
    taken = {acting_login}
    names: set[str] = set()
    for t_index, team in enumerate(world.teams):
        size = max(2, round(world.scale.people * team.weight / total_weight))
        for m_index in range(size):
            name = _unique_name(rng, names)
            login = _login(name, taken)
            roles = _roles(team.domain.team, m_index)
            team.members.append(len(world.people))
            world.people.append(PersonRec(0, login, name, t_index, roles))
    _top_up(world, Role.SECURITY)
    _top_up(world, Role.OPERATIONS)
    leads = world.people_with(Role.COORDINATOR)
    platform = [
        i for i in leads if world.teams[world.people[i].team or 0].domain.team == "Platform"
    ]
    world.people[(platform or leads or [0])[0]].roles.append(Role.ADMIN)
    if not acting_exists:
        world.actor_person = len(world.people)
        name = acting_login.replace(".", " ").replace("_", " ").title()
        roles = [Role.ADMIN, Role.COORDINATOR]
        world.people.append(PersonRec(0, acting_login, name, 0, roles))
        world.teams[0].members.append(world.actor_person)
    for person, row_id in zip(world.people, world.ids("person", len(world.people)), strict=True):
        person.id = row_id
        person.roles = sorted(set(person.roles))


def _roles(team: str, member: int) -> list[str]:
    if member == 0:
        return [Role.COORDINATOR]
    if member == 1:
        return [Role.APPROVER]
    if team in OPERATIONS_TEAMS:
        return [Role.OPERATIONS]
    if team in SECURITY_TEAMS:
        return [Role.SECURITY]
    return [Role.VIEWER]


def _top_up(world: World, role: str) -> None:
    """Small organisations still need a few holders of every role for segregation of duties."""
    missing = MIN_PER_ROLE - len(world.people_with(role))
    if missing <= 0:
        return
    viewers = [p for p in world.people if p.roles == [Role.VIEWER]]
    for person in viewers[:: max(1, len(viewers) // missing)][:missing]:
        person.roles = [role]


def _unique_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in taken or len(taken) >= len(FIRST_NAMES) * len(LAST_NAMES):
            taken.add(name)
            return name


def _login(name: str, taken: set[str]) -> str:
    plain = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    base = ".".join("".join(c for c in part if c.isalnum()) for part in plain.split())
    login, n = base, 1
    while login in taken:
        n += 1
        login = f"{base}{n}"
    taken.add(login)
    return login


def person_rows(world: World) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("person-uuids"))
    for person in world.people:
        team = world.teams[person.team].id if person.team is not None else None
        yield entity(
            person.id,
            uuids(),
            world.origin,
            login=person.login,
            name=person.name,
            email=f"{person.login}@example.com",
            team_id=team,
            roles=person.roles,
        )


def environment_rows(world: World) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("environment-uuids"))
    ids = world.ids("environment", len(ENVIRONMENTS))
    for position, ((name, production), row_id) in enumerate(zip(ENVIRONMENTS, ids, strict=True)):
        world.environments.append((row_id, name, production))
        yield entity(
            row_id, uuids(), world.origin, name=name, position=position, is_production=production
        )
