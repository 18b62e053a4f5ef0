"""Writes on the calendar: windows, freezes, waves, moving a release, freeze overrides.

A moved release takes its plan with it: the code freeze, the waves and every deployment not
yet started shift by the same amount, in one audited transaction, so the plan a coordinator
dragged is the plan the teams see.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import (
    Component,
    Deployment,
    DeploymentWindow,
    Environment,
    FreezeOverride,
    FreezePeriod,
    Person,
    Release,
    Team,
    Wave,
    Workload,
)
from app.domain.enums import Role
from app.planning.recurrence import LocalSchedule, parse_rrule, place
from app.services import audit, crud
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.errors import FieldError, PermissionDenied, ValidationError
from app.services.fields import Field
from app.services.releases import RELEASE

MAX_SPAN = timedelta(days=366)


def schedule_of(row: DeploymentWindow | FreezePeriod) -> LocalSchedule:
    minutes = int((row.ends_local - row.starts_local).total_seconds() // 60)
    return LocalSchedule(
        zone=row.timezone,
        start=row.starts_local,
        minutes=minutes,
        rrule=row.rrule or "",
        exdates=tuple(sorted(datetime.fromisoformat(d) for d in row.exdates or [])),
        all_day=row.all_day,
    )


def _span_rules(_s: Session, row: Any, _c: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    if row.starts_local is None or row.ends_local is None:
        return errors
    if row.ends_local <= row.starts_local:
        errors.append(FieldError("ends_local", "must be after the start"))
    elif row.ends_local - row.starts_local > MAX_SPAN:
        errors.append(FieldError("ends_local", "a single occurrence may last a year at most"))
    midnight = datetime.min.time()
    if row.all_day and (row.starts_local.time(), row.ends_local.time()) != (midnight, midnight):
        errors.append(FieldError("all_day", "an all-day span starts and ends at midnight"))
    if row.rrule and row.timezone:
        try:
            parse_rrule(row.rrule, row.starts_local)
        except (ValueError, TypeError) as exc:
            errors.append(FieldError("rrule", f"is not an RFC 5545 recurrence rule ({exc})"))
    if row.timezone and not errors:
        _, note = place(row.starts_local, row.timezone)
        if note == "gap":
            errors.append(
                FieldError(
                    "starts_local",
                    f"{row.starts_local:%Y-%m-%d %H:%M} does not exist in {row.timezone} "
                    "(clocks spring forward); pick a time outside the skipped hour",
                )
            )
    return errors


_SPAN_FIELDS = [
    Field("timezone", "zone", label="Time zone"),
    Field("starts_local", "local", label="Starts (local)"),
    Field("ends_local", "local", label="Ends (local)"),
    Field("all_day", "bool", required=False, label="All day"),
    Field("rrule", "rrule", required=False, max_len=400, label="Repeats (RRULE)"),
    Field("exdates", "localdates", required=False, label="Skipped starts"),
    Field("external_uid", required=False, max_len=255, label="Imported from (iCalendar UID)"),
]

DEPLOYMENT_WINDOW = EntitySpec(
    DeploymentWindow,
    "deployment window",
    [
        Field("name", max_len=120),
        Field("environment", "ref", required=False, ref=Environment, label="Environment"),
        *_SPAN_FIELDS,
        Field("description", required=False, max_len=500),
    ],
    checks=[_span_rules],
)

FREEZE = EntitySpec(
    FreezePeriod,
    "freeze",
    [
        Field("name", max_len=120),
        Field("hard", "bool", required=False, label="Hard (blocks scheduling)"),
        *_SPAN_FIELDS,
        Field("teams", "refs", required=False, ref=Team),
        Field("components", "refs", required=False, ref=Component),
        Field("reason", required=False, max_len=500),
    ],
    checks=[_span_rules],
)


def _wave_rules(session: Session, wave: Any, _c: dict[str, Any]) -> list[FieldError]:
    errors = []
    if wave.starts_at is not None and wave.ends_at is not None and wave.ends_at <= wave.starts_at:
        errors.append(FieldError("ends_at", "must be after the start"))
    if wave.release is not None and wave.position is not None:
        clash = select(Wave.id).where(
            Wave.release_id == wave.release.id, Wave.position == wave.position
        )
        if wave.id is not None:
            clash = clash.where(Wave.id != wave.id)
        if session.scalar(clash.limit(1)) is not None:
            errors.append(
                FieldError("position", f"{wave.release.name} already has a wave {wave.position}")
            )
    return errors


WAVE = EntitySpec(
    Wave,
    "wave",
    [
        Field("release", "ref", ref=Release),
        Field("position", "int", minimum=1, maximum=50),
        Field("name", max_len=80),
        Field("starts_at", "datetime", label="Starts"),
        Field("ends_at", "datetime", label="Ends"),
        Field("traffic_percent", "int", minimum=1, maximum=100, label="Traffic %"),
        Field("bake_minutes", "int", minimum=0, maximum=43200, label="Bake time (min)"),
        Field("components", "refs", required=False, ref=Component),
    ],
    checks=[_wave_rules],
)

OVERRIDE = EntitySpec(
    FreezeOverride,
    "freeze override",
    [
        Field("freeze", "ref", ref=FreezePeriod),
        Field("release", "ref", required=False, ref=Release),
        Field("deployment", "ref", required=False, ref=Deployment),
        Field("justification", max_len=1000),
        Field("expires_at", "datetime", label="Expires"),
        Field("status", "choice", choices=["requested", "approved", "rejected"]),
        Field("requested_by", "ref", ref=Person),
        Field("decided_by", "ref", required=False, ref=Person),
        Field("decided_at", "datetime", required=False),
        Field("decision_reason", required=False, max_len=1000),
    ],
)


def move_release(
    session: Session,
    actor: Actor,
    release_uuid: str,
    expected_version: int,
    new_start: datetime,
    new_end: datetime,
) -> Release:
    """Move (and maybe resize) a release's window; its plan follows the start."""
    release = crud.get(session, RELEASE, release_uuid)
    delta = new_start - release.window_start
    changes: dict[str, Any] = {"window_start": new_start, "window_end": new_end}
    if release.code_freeze_at is not None:
        changes["code_freeze_at"] = release.code_freeze_at + delta
    release = crud.update(
        session, actor, RELEASE, release_uuid, expected_version, changes, action="move"
    )
    if not delta:
        return release
    waves = session.scalars(select(Wave).where(Wave.release_id == release.id)).all()
    for wave in waves:
        crud.update(
            session,
            actor,
            WAVE,
            str(wave.uuid),
            wave.version,
            {"starts_at": wave.starts_at + delta, "ends_at": wave.ends_at + delta},
            action="move",
        )
    deployments = session.scalars(
        select(Deployment)
        .join(Workload, Workload.id == Deployment.workload_id)
        .where(Workload.target_release_id == release.id, Deployment.actual_start.is_(None))
    ).all()
    for dep in deployments:
        before = {"planned_start": dep.planned_start.isoformat(),
                  "planned_end": dep.planned_end.isoformat()}  # fmt: skip
        dep.planned_start = dep.planned_start + delta
        dep.planned_end = dep.planned_end + delta
        after = {"planned_start": dep.planned_start.isoformat(),
                 "planned_end": dep.planned_end.isoformat()}  # fmt: skip
        audit.append(session, actor, "move", "deployment", str(dep.uuid), before, after)
    session.flush()
    return release


APPROVERS = (Role.APPROVER, Role.ADMIN)
REQUESTERS = (Role.COORDINATOR, Role.ADMIN, Role.OPERATIONS)
"""Who may ask for a freeze override."""


def request_override(
    session: Session,
    actor: Actor,
    freeze_uuid: str,
    subject_uuid: str,
    justification: str,
    expires_at: datetime,
) -> FreezeOverride:
    """Ask to let one release or deployment into a freeze, for a stated reason, until a date."""
    actor.require(*REQUESTERS, to="request a freeze override")
    if actor.person_id is None:
        raise PermissionDenied(f"{actor.login} is not a known person and cannot request")
    freeze = crud.get(session, FREEZE, freeze_uuid)
    errors = []
    if not justification.strip():
        errors.append(FieldError("justification", "say why the freeze must be overridden"))
    if expires_at.tzinfo is None:
        errors.append(FieldError("expires_at", "needs a time zone"))
    elif expires_at <= datetime.now(UTC):
        errors.append(FieldError("expires_at", "must be in the future"))
    try:
        key = uuid.UUID(str(subject_uuid))
    except ValueError:
        raise ValidationError(
            FieldError("subject", f"{subject_uuid!r} is not a release or deployment key"),
            "freeze override",
        ) from None
    release = session.scalars(select(Release).where(Release.uuid == key)).one_or_none()
    deployment = None
    if release is None:
        deployment = session.scalars(select(Deployment).where(Deployment.uuid == key)).one_or_none()
        if deployment is None:
            errors.append(FieldError("subject", f"no release or deployment {subject_uuid}"))
    if errors:
        raise ValidationError(errors, "freeze override")
    override = FreezeOverride(
        freeze=freeze,
        release=release,
        deployment=deployment,
        justification=justification.strip(),
        expires_at=expires_at.astimezone(UTC),
        requested_by_id=actor.person_id,
        status="requested",
    )
    session.add(override)
    session.flush()
    audit.append(
        session,
        actor,
        "request",
        "freeze override",
        str(override.uuid),
        None,
        OVERRIDE.snapshot(override),
    )
    return override


def decide_override(
    session: Session, actor: Actor, override_uuid: str, approve: bool, reason: str
) -> FreezeOverride:
    """An approver who is not the requester decides once; a rejection needs a reason."""
    actor.require(*APPROVERS, to="decide a freeze override")
    override = crud.get(session, OVERRIDE, override_uuid)
    if override.status != "requested":
        raise ValidationError(
            FieldError("status", f"this override was already {override.status}"), "freeze override"
        )
    if actor.person_id is None or actor.person_id == override.requested_by_id:
        raise PermissionDenied("the requester of an override cannot decide it")
    if not approve and not reason.strip():
        raise ValidationError(FieldError("reason", "say why it is rejected"), "freeze override")
    before = OVERRIDE.snapshot(override)
    override.status = "approved" if approve else "rejected"
    override.decided_by_id = actor.person_id
    override.decided_at = datetime.now(UTC)
    override.decision_reason = reason.strip()
    session.flush()
    session.refresh(override)
    audit.append(
        session,
        actor,
        "approve" if approve else "reject",
        "freeze override",
        str(override.uuid),
        before,
        OVERRIDE.snapshot(override),
    )
    return override
