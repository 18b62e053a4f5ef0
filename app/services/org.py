"""Teams and people."""

from __future__ import annotations

from app.domain import Person, ReleaseTrain, Team
from app.domain.enums import Role
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.fields import Field

TEAM = EntitySpec(
    Team,
    "team",
    [
        Field("name", max_len=80),
        Field("timezone", "zone", label="Time zone"),
        Field("capacity_cap", "int", required=False, minimum=1, maximum=10_000),
        Field("max_share_percent", "int", required=False, minimum=1, maximum=100),
        Field("train", "ref", required=False, ref=ReleaseTrain, label="Release train"),
    ],
    unique=["name"],
)

PERSON = EntitySpec(
    Person,
    "person",
    [
        Field("login", max_len=64),
        Field("name", max_len=120),
        Field("email", required=False, max_len=200),
        Field("team", "ref", required=False, ref=Team),
        Field("roles", "roles", choices=Role.choices()),
    ],
    unique=["login"],
    roles=frozenset({Role.ADMIN}),
)


def bootstrap_admin(actor: Actor) -> Actor:
    """Whoever creates a new database administers it (there is nobody else to ask yet)."""
    return Actor(actor.login, actor.person_id, actor.name, frozenset({Role.ADMIN}))
