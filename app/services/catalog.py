"""Components, their dependencies, and environments."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain import Component, ComponentDependency, Environment, Team
from app.domain.enums import ComponentKind, DependencyKind, Track
from app.services.crud import EntitySpec
from app.services.errors import FieldError
from app.services.fields import Field


def _not_self(_s: Session, dep: Any, _c: dict[str, Any]) -> list[FieldError]:
    if dep.consumer is not None and dep.consumer is dep.provider:
        return [FieldError("provider", "a component cannot depend on itself")]
    return []


COMPONENT = EntitySpec(
    Component,
    "component",
    [
        Field("name", max_len=120),
        Field("kind", "choice", choices=ComponentKind.choices()),
        Field("team", "ref", ref=Team, label="Owning team"),
        Field("track", "choice", choices=Track.choices()),
        Field("stateful", "bool"),
        Field("pii", "bool", label="PII"),
        Field("financial", "bool"),
        Field("health", "bool"),
        Field("description", required=False, max_len=500),
    ],
    unique=["name"],
)

COMPONENT_DEPENDENCY = EntitySpec(
    ComponentDependency,
    "component dependency",
    [
        Field("consumer", "ref", ref=Component),
        Field("provider", "ref", ref=Component),
        Field("kind", "choice", choices=DependencyKind.choices()),
    ],
    checks=[_not_self],
)

ENVIRONMENT = EntitySpec(
    Environment,
    "environment",
    [
        Field("name", max_len=60),
        Field("position", "int", minimum=0, maximum=1000),
        Field("is_production", "bool", label="Production"),
    ],
    unique=["name"],
)
