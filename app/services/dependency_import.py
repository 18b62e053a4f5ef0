"""Importing a component dependency graph from an edge list, all or nothing, audited."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain import Component, ComponentDependency, Team
from app.exchange.edges_csv import EdgeList
from app.services import crud
from app.services.actor import Actor
from app.services.catalog import COMPONENT, COMPONENT_DEPENDENCY
from app.services.errors import FieldError, ValidationError
from app.services.org import TEAM


@dataclass
class ImportSummary:
    created_components: list[str] = field(default_factory=list)
    created_edges: int = 0
    existing_edges: int = 0
    duplicates: list[tuple[int, str, str, int]] = field(default_factory=list)
    self_loops: list[tuple[int, str]] = field(default_factory=list)
    team: str = ""


def import_edges(
    session: Session,
    actor: Actor,
    edges: EdgeList,
    *,
    strict: bool = False,
    team: str = "Unassigned",
    kind: str = "api",
    timezone: str = "UTC",
) -> ImportSummary:
    """Create missing components (owned by `team`, made if needed) and every new edge.

    With `strict`, a name that is not a component already is an error and nothing changes.
    """
    summary = ImportSummary(duplicates=edges.duplicates, self_loops=edges.self_loops, team=team)
    known = {n: i for n, i in session.execute(select(Component.name, Component.id)).all()}
    missing = {n: line for n, line in edges.names.items() if n not in known}
    if missing and strict:
        raise ValidationError(
            [FieldError(f"line {line}", f"no component {n!r}") for n, line in missing.items()],
            "dependency import",
        )
    if missing:
        owner = session.scalars(select(Team).where(Team.name == team)).one_or_none()
        if owner is None:
            owner = crud.create(session, actor, TEAM, {"name": team, "timezone": timezone})
        for name in missing:
            comp = crud.create(
                session,
                actor,
                COMPONENT,
                {
                    "name": name,
                    "kind": "service",
                    "team": owner,
                    "track": "independent",
                    "stateful": False,
                    "pii": False,
                    "financial": False,
                    "health": False,
                },
            )
            known[name] = comp.id
            summary.created_components.append(name)
    consumer, provider = aliased(Component), aliased(Component)
    present = set(
        session.execute(
            select(consumer.name, provider.name)
            .join(ComponentDependency, ComponentDependency.consumer_id == consumer.id)
            .join(provider, provider.id == ComponentDependency.provider_id)
        ).all()
    )
    for _line, caller, callee in edges.edges:
        if (caller, callee) in present:
            summary.existing_edges += 1
            continue
        crud.create(
            session,
            actor,
            COMPONENT_DEPENDENCY,
            {
                "consumer": session.get(Component, known[caller]),
                "provider": session.get(Component, known[callee]),
                "kind": kind,
            },
        )
        summary.created_edges += 1
    return summary
