"""Workloads and the order constraints between them."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import (
    Component,
    Deferral,
    Person,
    Release,
    Team,
    Workload,
    WorkloadDependency,
)
from app.domain.enums import FIBONACCI, ChangeClass, RiskTier, WorkloadLink, WorkloadStatus
from app.services import audit, crud
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.errors import FieldError, ValidationError
from app.services.fields import Field, Invalid
from app.services.risk import derive_tier


def _fibonacci(value: int) -> None:
    if value not in FIBONACCI:
        raise Invalid(f"must be on the scale {', '.join(map(str, FIBONACCI))}, not {value}")


def _key_format(value: str) -> None:
    if " " in value:
        raise Invalid(f"{value!r} must not contain spaces (e.g. PAY-1234)")


def _planned_needs_release(_s: Session, wl: Any, _c: dict[str, Any]) -> list[FieldError]:
    needs = (WorkloadStatus.PLANNED, WorkloadStatus.IN_PROGRESS, WorkloadStatus.DEPLOYED)
    if wl.status in needs and wl.target_release is None:
        return [FieldError("target_release", f"a {wl.status} workload needs a target release")]
    return []


def _emergency_needs_reason(_s: Session, wl: Any, _c: dict[str, Any]) -> list[FieldError]:
    """An emergency patch bypasses the train; it is an exception and says why."""
    if wl.change_class != ChangeClass.EMERGENCY:
        wl.exception_reason = None
        return []
    if wl.target_release is not None and not (wl.exception_reason or "").strip():
        return [
            FieldError(
                "exception_reason",
                "an emergency patch released outside the train needs its justification",
            )
        ]
    return []


def record_slip(session: Session, actor: Actor, wl: Any, before: dict[str, Any]) -> None:
    """A later release, or none, than the one it was planned in is a slip, wherever it was
    edited; moving it straight back where it slipped from takes that slip back (as undo does)."""
    was = before.get("target_release")
    old = (
        None
        if was is None
        else session.scalars(
            select(Release).where(Release.uuid == uuid.UUID(str(was)))
        ).one_or_none()
    )
    new = wl.target_release
    if old is not None and (new is None or new.window_start > old.window_start):
        session.add(
            Deferral(
                workload_id=wl.id,
                from_release_id=old.id,
                to_release_id=None if new is None else new.id,
                reason="changed in the workload's details",
                actor=actor.login,
            )
        )
        session.flush()
        return
    last = session.scalars(
        select(Deferral).where(Deferral.workload_id == wl.id).order_by(Deferral.id.desc()).limit(1)
    ).one_or_none()
    if (
        last is not None
        and new is not None
        and last.from_release_id == new.id
        and last.to_release_id == (None if old is None else old.id)
    ):
        session.delete(last)
        session.flush()


WORKLOAD = EntitySpec(
    Workload,
    "workload",
    [
        Field("key", max_len=40, check=_key_format),
        Field("title", max_len=300),
        Field("change_class", "choice", choices=ChangeClass.choices(), label="Change class"),
        Field("team", "ref", ref=Team),
        Field("components", "refs", required=False, ref=Component),
        Field("size", "int", minimum=1, maximum=100, check=_fibonacci, label="Job size"),
        Field("business_value", "int", check=_fibonacci, minimum=1, maximum=100),
        Field("time_criticality", "int", check=_fibonacci, minimum=1, maximum=100),
        Field("risk_reduction", "int", check=_fibonacci, minimum=1, maximum=100),
        Field(
            "risk_tier",
            "choice",
            required=False,
            choices=RiskTier.choices(),
            label="Risk tier (blank: by the rules)",
        ),
        Field(
            "risk_override_reason",
            required=False,
            max_len=500,
            label="Why the tier differs from the rules",
        ),
        Field("owner", "ref", required=False, ref=Person),
        Field("target_release", "ref", required=False, ref=Release, label="Target release"),
        Field("status", "choice", choices=WorkloadStatus.choices()),
        Field("change_request", required=False, max_len=60, label="Change request"),
        Field("must_ship_by", "date", required=False, label="Must ship by"),
        Field("schema_change", "bool", required=False, label="Changes a database schema"),
        Field(
            "exception_reason",
            required=False,
            max_len=500,
            label="Why an emergency bypasses the train",
        ),
    ],
    unique=["key"],
    checks=[_planned_needs_release, _emergency_needs_reason, derive_tier],
    effects=[record_slip],
)


def dependencies_of(session: Session, wl: Workload) -> list[dict[str, str]]:
    rows = session.execute(
        select(Workload.uuid, WorkloadDependency.link)
        .join(WorkloadDependency, WorkloadDependency.depends_on_id == Workload.id)
        .where(WorkloadDependency.workload_id == wl.id)
    ).all()
    return [{"depends_on": str(u), "link": link} for u, link in rows]


def delete_workload(
    session: Session, actor: Actor, entity_uuid: uuid.UUID | str, expected_version: int
) -> dict[str, Any]:
    """Delete a workload; its dependency links go too and are kept in the audit for undo."""
    wl = crud.get(session, WORKLOAD, entity_uuid)
    deps = dependencies_of(session, wl)
    return crud.delete(
        session, actor, WORKLOAD, entity_uuid, expected_version, extra_before={"depends_on": deps}
    )


def restore_workload(
    session: Session, actor: Actor, entity_uuid: uuid.UUID | str, snapshot: dict[str, Any]
) -> Workload:
    """Undo of a delete: the same workload, same UUID, same dependencies."""
    values = {k: v for k, v in snapshot.items() if k != "depends_on"}
    wl = crud.create(session, actor, WORKLOAD, values, entity_uuid=entity_uuid, action="restore")
    for dep in snapshot.get("depends_on", []):
        add_dependency(session, actor, wl.uuid, dep["depends_on"], dep["link"])
    return wl


def add_dependency(
    session: Session,
    actor: Actor,
    workload: uuid.UUID | str,
    depends_on: uuid.UUID | str,
    link: str = WorkloadLink.BEFORE,
) -> WorkloadDependency:
    actor.require(*WORKLOAD.roles, to="link workloads")
    wl = crud.get(session, WORKLOAD, workload)
    other = crud.get(session, WORKLOAD, depends_on)
    errors = []
    if link not in WorkloadLink.choices():
        errors.append(FieldError("link", f"must be one of {', '.join(WorkloadLink.choices())}"))
    if wl.id == other.id:
        errors.append(FieldError("depends_on", "a workload cannot depend on itself"))
    if errors:
        raise ValidationError(errors, "workload dependency")
    dep = WorkloadDependency(workload_id=wl.id, depends_on_id=other.id, link=link)
    session.add(dep)
    session.flush()
    audit.append(
        session,
        actor,
        "link",
        "workload",
        str(wl.uuid),
        None,
        {"depends_on": str(other.uuid), "link": link},
    )
    return dep


def remove_dependency(
    session: Session, actor: Actor, workload: uuid.UUID | str, depends_on: uuid.UUID | str
) -> None:
    actor.require(*WORKLOAD.roles, to="unlink workloads")
    wl = crud.get(session, WORKLOAD, workload)
    other = crud.get(session, WORKLOAD, depends_on)
    dep = session.scalars(
        select(WorkloadDependency).where(
            WorkloadDependency.workload_id == wl.id, WorkloadDependency.depends_on_id == other.id
        )
    ).one_or_none()
    if dep is None:
        raise ValidationError(
            FieldError("depends_on", f"{wl.key} does not depend on {other.key}"),
            "workload dependency",
        )
    before = {"depends_on": str(other.uuid), "link": dep.link}
    session.delete(dep)
    session.flush()
    audit.append(session, actor, "unlink", "workload", str(wl.uuid), before, None)
