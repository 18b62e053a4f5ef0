"""What a service refuses, in terms a user can act on. Nothing is written when one is raised."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ServiceError(Exception):
    pass


@dataclass
class FieldError:
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class ValidationError(ServiceError):
    def __init__(self, errors: list[FieldError] | FieldError, entity: str = "") -> None:
        self.errors = errors if isinstance(errors, list) else [errors]
        self.entity = entity
        prefix = f"{entity}: " if entity else ""
        super().__init__(prefix + "; ".join(str(e) for e in self.errors))


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


@dataclass
class Conflict:
    entity_type: str
    uuid: str
    expected_version: int
    current_version: int | None
    theirs: dict[str, Any] | None = field(default=None)
    """The row as it is now in the database; None when someone else deleted it."""


class ConflictError(ServiceError):
    """A save against a stale version: someone else changed (or deleted) the row meanwhile."""

    def __init__(self, conflict: Conflict) -> None:
        self.conflict = conflict
        what = "deleted" if conflict.theirs is None else f"changed to v{conflict.current_version}"
        super().__init__(
            f"{conflict.entity_type} {conflict.uuid} was {what} by someone else "
            f"since you loaded v{conflict.expected_version}"
        )
