"""Who is acting: the OS login on SQLite, the database user on PostgreSQL, mapped to a Person.

An unknown login acts as a viewer. On a local SQLite file `RELEASEDESK_USER` names the login
(scripts, tests, a shared workstation); on PostgreSQL the database user is authoritative.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.domain import Person
from app.domain.enums import Role
from app.services.errors import PermissionDenied

WRITERS = frozenset({Role.COORDINATOR, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    login: str
    person_id: int | None = None
    name: str = ""
    roles: frozenset[str] = frozenset({Role.VIEWER})

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def require(self, *roles: str, to: str) -> None:
        if not self.has(*roles):
            wanted = " or ".join(sorted(roles))
            raise PermissionDenied(f"{self.login} may not {to}: needs the {wanted} role")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.login})" if self.name else self.login


def login_for(session: Session) -> str:
    if session.get_bind().dialect.name == "postgresql":
        return str(session.execute(text("SELECT current_user")).scalar_one())
    return os.environ.get("RELEASEDESK_USER") or _os_login()


def _os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def actor_for_login(session: Session, login: str) -> Actor:
    """The Person with that login; an unknown login is a viewer, except on a database with
    nobody in it yet, whose first user administers it (there is nobody else to ask)."""
    person = session.scalars(select(Person).where(Person.login == login)).one_or_none()
    if person is None:
        if session.scalar(select(Person.id).limit(1)) is None:
            return Actor(login=login, roles=frozenset({Role.ADMIN, Role.COORDINATOR}))
        return Actor(login=login)
    roles = frozenset(person.roles or [Role.VIEWER])
    return Actor(login=login, person_id=person.id, name=person.name, roles=roles)


def resolve_actor(session: Session) -> Actor:
    return actor_for_login(session, login_for(session))
