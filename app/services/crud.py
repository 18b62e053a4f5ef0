"""Create, update and delete for any entity described by an `EntitySpec`.

Each call validates every field, checks the actor's role, compares the expected version
(a stale save is a conflict, never an overwrite), writes and appends the audit event, all in
the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.domain import Base
from app.services import audit
from app.services.actor import WRITERS, Actor
from app.services.errors import (
    Conflict,
    ConflictError,
    FieldError,
    NotFound,
    ValidationError,
)
from app.services.fields import Field, convert_all

Checker = Callable[[Session, Any, dict[str, Any]], list[FieldError]]
Effect = Callable[[Session, Actor, Any, dict[str, Any]], None]
"""Runs after an update is flushed, with the snapshot from before it: rows that follow from
the change (a workload's slip) are written in the same transaction."""


@dataclass(frozen=True)
class EntitySpec:
    model: type[Any]
    label: str  # the coordinator's word for it, e.g. "workload"
    fields: Sequence[Field]
    unique: Sequence[str] = ()  # fields whose values must be unique, checked with a message
    checks: Sequence[Checker] = field(default=())  # cross-field rules on the resulting object
    effects: Sequence[Effect] = field(default=())
    roles: frozenset[str] = WRITERS

    def snapshot(self, obj: Any) -> dict[str, Any]:
        return {f.name: f.snapshot(obj) for f in self.fields}

    def title(self, obj: Any) -> str:
        for name in ("key", "name", "login"):
            if hasattr(obj, name):
                return str(getattr(obj, name))
        return str(obj.uuid)


def get(session: Session, spec: EntitySpec, entity_uuid: uuid.UUID | str) -> Any:
    key = entity_uuid if isinstance(entity_uuid, uuid.UUID) else uuid.UUID(str(entity_uuid))
    obj = session.scalars(select(spec.model).where(spec.model.uuid == key)).one_or_none()
    if obj is None:
        raise NotFound(f"no {spec.label} {entity_uuid}")
    return obj


def create(
    session: Session,
    actor: Actor,
    spec: EntitySpec,
    values: dict[str, Any],
    *,
    entity_uuid: uuid.UUID | str | None = None,
    action: str = "create",
) -> Any:
    """Insert a new row; `entity_uuid` lets undo bring a deleted row back under its own UUID."""
    actor.require(*spec.roles, to=f"create a {spec.label}")
    converted, errors = convert_all(session, spec.fields, values, partial=False)
    _raise(spec, errors)
    obj = spec.model()
    if entity_uuid is not None:
        obj.uuid = uuid.UUID(str(entity_uuid))
    with session.no_autoflush:
        _assign(spec, obj, converted)
        _check(session, spec, obj, converted)
    session.add(obj)
    _flush(session, spec, obj)
    audit.append(session, actor, action, spec.label, str(obj.uuid), None, spec.snapshot(obj))
    return obj


def update(
    session: Session,
    actor: Actor,
    spec: EntitySpec,
    entity_uuid: uuid.UUID | str,
    expected_version: int,
    changes: dict[str, Any],
    *,
    action: str = "update",
    roles: frozenset[str] | None = None,
) -> Any:
    actor.require(*(roles or spec.roles), to=f"change a {spec.label}")
    obj = _current(session, spec, entity_uuid, expected_version)
    converted, errors = convert_all(session, spec.fields, changes, partial=True)
    _raise(spec, errors)
    before = spec.snapshot(obj)
    with session.no_autoflush:
        _assign(spec, obj, converted)
        _check(session, spec, obj, converted)
        after = spec.snapshot(obj)
    if after == before:
        return obj
    _flush(session, spec, obj, expected_version)
    for effect in spec.effects:
        effect(session, actor, obj, before)
    audit.append(session, actor, action, spec.label, str(obj.uuid), before, after)
    return obj


def delete(
    session: Session,
    actor: Actor,
    spec: EntitySpec,
    entity_uuid: uuid.UUID | str,
    expected_version: int,
    *,
    extra_before: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Remove a row nothing else refers to; returns the snapshot undo needs to restore it."""
    actor.require(*spec.roles, to=f"delete a {spec.label}")
    obj = _current(session, spec, entity_uuid, expected_version)
    used = references_to(session, obj)
    if used:
        raise ValidationError(
            FieldError(spec.label, f"{spec.title(obj)!r} is still used by {', '.join(used)}"),
        )
    before = spec.snapshot(obj) | (extra_before or {})
    session.delete(obj)
    _flush(session, spec, obj, expected_version)
    audit.append(session, actor, "delete", spec.label, str(obj.uuid), before, None)
    return before


def references_to(session: Session, obj: Any) -> list[str]:
    """Rows in other tables whose foreign keys block deleting `obj` ("3 workloads")."""
    table = obj.__table__
    found = []
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table or fk.ondelete in ("CASCADE", "SET NULL"):
                continue
            count = session.scalar(
                select(func.count()).select_from(other).where(fk.parent == obj.id)
            )
            if count:
                noun = other.name.replace("_", " ")
                found.append(f"{count} {noun}{'' if count == 1 else 's'}")
    return found


def _current(
    session: Session, spec: EntitySpec, entity_uuid: uuid.UUID | str, expected_version: int
) -> Any:
    try:
        obj = get(session, spec, entity_uuid)
    except NotFound:
        raise ConflictError(
            Conflict(spec.label, str(entity_uuid), expected_version, None, None)
        ) from None
    if obj.version != expected_version:
        raise ConflictError(
            Conflict(spec.label, str(obj.uuid), expected_version, obj.version, spec.snapshot(obj))
        )
    return obj


def _assign(spec: EntitySpec, obj: Any, converted: dict[str, Any]) -> None:
    for f in spec.fields:
        if f.name in converted:
            setattr(obj, f.name, converted[f.name])


def _check(session: Session, spec: EntitySpec, obj: Any, converted: dict[str, Any]) -> None:
    errors: list[FieldError] = []
    for name in spec.unique:
        if name not in converted:
            continue
        column = getattr(spec.model, name)
        clash = select(spec.model.id).where(column == converted[name])
        if obj.id is not None:
            clash = clash.where(spec.model.id != obj.id)
        if session.scalar(clash.limit(1)) is not None:
            errors.append(FieldError(name, f"another {spec.label} already has {converted[name]!r}"))
    for rule in spec.checks:
        errors.extend(rule(session, obj, converted))
    _raise(spec, errors)


def _raise(spec: EntitySpec, errors: list[FieldError]) -> None:
    if errors:
        raise ValidationError(errors, spec.label)


def _flush(session: Session, spec: EntitySpec, obj: Any, expected: int | None = None) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except StaleDataError:
        raise ConflictError(
            Conflict(spec.label, str(obj.uuid), expected or 0, None, None)
        ) from None
    except IntegrityError as exc:
        detail = str(exc.orig).splitlines()[0]
        raise ValidationError(
            FieldError(spec.label, f"rejected by the database: {detail}")
        ) from None
