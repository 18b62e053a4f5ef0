"""Moving workloads between releases and the backlog: by hand, or a whole auto-plan at once.

Every slip to a later release (or out of a release, to the backlog) is recorded as a
deferral with its reason and who moved it. A move and its deferral are one audit event; an
auto-plan of thousands of moves is one transaction written in batches, and undoing it is one
compensating call that puts every workload back and takes the deferrals it recorded away.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.domain import Deferral, Release, Workload
from app.domain.enums import ChangeClass, ReleaseStatus, WorkloadStatus
from app.planning.plan import Proposal
from app.services import audit, crud
from app.services.actor import WRITERS, Actor
from app.services.errors import Conflict, ConflictError, FieldError, NotFound, ValidationError
from app.services.workloads import WORKLOAD

T = TypeVar("T")
CHUNK = 500
"""Ids per IN (...) clause: well inside every backend's parameter limit."""
UNMOVABLE = (WorkloadStatus.DEPLOYED, WorkloadStatus.CANCELLED)
CLOSED = (ReleaseStatus.RELEASED, ReleaseStatus.CANCELLED)


@dataclass(frozen=True)
class Move:
    workload_uuid: str
    key: str
    from_release: int | None
    to_release: int | None
    from_status: str
    to_status: str
    deferral_uuid: str | None = None


@dataclass(frozen=True)
class AppliedPlan:
    moves: tuple[Move, ...]

    @property
    def deferred(self) -> int:
        return sum(1 for m in self.moves if m.deferral_uuid is not None)


def move_workload(
    session: Session,
    actor: Actor,
    item_id: int,
    release_id: int | None,
    reason: str = "",
    expected_version: int | None = None,
) -> Move:
    """Plan a workload into a release, or (None) send it back to the backlog."""
    expected = None if expected_version is None else {item_id: expected_version}
    moves = _apply(session, actor, [(item_id, release_id, reason)], "move", expected)
    if not moves:
        wl = session.get(Workload, item_id)
        assert wl is not None
        return Move(str(wl.uuid), wl.key, release_id, release_id, wl.status, wl.status)
    return moves[0]


def undo_move(session: Session, actor: Actor, move: Move) -> None:
    _revert(session, actor, [move])


def apply_proposal(session: Session, actor: Actor, proposal: Proposal) -> AppliedPlan:
    """Every placement and every slip of an auto-plan proposal, all or nothing."""
    wanted: list[tuple[int, int | None, str]] = [
        (p.item, p.release, p.reason) for p in proposal.placements
    ]
    wanted += [(d.item, None, d.reason) for d in proposal.deferrals if d.moved_from is not None]
    return AppliedPlan(tuple(_apply(session, actor, wanted, "auto-plan", None)))


def undo_applied(session: Session, actor: Actor, applied: AppliedPlan) -> None:
    _revert(session, actor, list(applied.moves))


def edit_workload(
    session: Session, actor: Actor, item_id: int, values: dict[str, Any]
) -> dict[str, Any]:
    """Change some fields of a workload; returns their previous values (for undo)."""
    wl = session.get(Workload, item_id)
    if wl is None:
        raise NotFound(f"no workload with id {item_id}")
    snapshot = WORKLOAD.snapshot(wl)
    unknown = sorted(set(values) - snapshot.keys())
    if unknown:
        errors = [FieldError(n, "is not a workload field") for n in unknown]
        raise ValidationError(errors, "workload")
    before = {name: snapshot[name] for name in values}
    crud.update(session, actor, WORKLOAD, wl.uuid, wl.version, values)
    return before


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _load(session: Session, ids: Sequence[int]) -> dict[int, Any]:
    found = {}
    for part in _chunks(ids):
        query = select(
            Workload.id, Workload.uuid, Workload.key, Workload.version, Workload.status,
            Workload.target_release_id, Workload.change_class, Workload.exception_reason,
        ).where(Workload.id.in_(part))  # fmt: skip
        for row in session.execute(query.with_for_update()):
            found[row.id] = row
    return found


def _releases(session: Session, ids: Iterable[int | None]) -> dict[int, Any]:
    wanted = sorted({i for i in ids if i is not None})
    out = {}
    for part in _chunks(wanted):
        for row in session.execute(
            select(
                Release.id, Release.uuid, Release.name, Release.window_start, Release.status
            ).where(Release.id.in_(part))
        ):
            out[row.id] = row
    return out


def _apply(
    session: Session,
    actor: Actor,
    wanted: list[tuple[int, int | None, str]],
    action: str,
    expected: dict[int, int] | None,
) -> list[Move]:
    actor.require(*WRITERS, to="plan workloads into releases")
    rows = _load(session, [w[0] for w in wanted])
    releases = _releases(
        session, [w[1] for w in wanted] + [r.target_release_id for r in rows.values()]
    )
    errors: list[FieldError] = []
    changes: list[dict[str, Any]] = []
    moves: list[Move] = []
    deferrals: list[dict[str, Any]] = []
    events: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    now = datetime.now(UTC)
    for item_id, release_id, reason in wanted:
        row = rows.get(item_id)
        if row is None:
            raise NotFound(f"no workload with id {item_id}")
        if expected is not None and row.version != expected[item_id]:
            raise ConflictError(Conflict("workload", str(row.uuid), expected[item_id],
                                         row.version, None))  # fmt: skip
        if release_id == row.target_release_id:
            continue
        problem = _refusal(row, release_id, releases)
        if problem:
            errors.append(FieldError("target_release", f"{row.key}: {problem}"))
            continue
        status = row.status
        if release_id is None and status == WorkloadStatus.PLANNED:
            status = WorkloadStatus.BACKLOG
        elif release_id is not None and status == WorkloadStatus.BACKLOG:
            status = WorkloadStatus.PLANNED
        old = releases.get(row.target_release_id) if row.target_release_id else None
        new = releases.get(release_id) if release_id else None
        deferral = None
        if old is not None and (new is None or new.window_start > old.window_start):
            deferral = uuid.uuid4()
            deferrals.append({
                "uuid": deferral, "version": 1, "created_at": now, "updated_at": now,
                "workload_id": row.id, "from_release_id": old.id, "to_release_id": release_id,
                "reason": (reason or "moved by hand")[:500], "actor": actor.login,
            })  # fmt: skip
        changes.append({"b_id": row.id, "b_version": row.version, "b_release": release_id,
                        "b_status": status})  # fmt: skip
        made = None if deferral is None else str(deferral)
        moves.append(Move(str(row.uuid), row.key, row.target_release_id, release_id,
                          row.status, status, made))  # fmt: skip
        before = {"target_release": old and str(old.uuid), "status": row.status}
        after = {"target_release": new and str(new.uuid), "status": status}
        if reason:
            after["reason"] = reason
        if deferral is not None:
            after["deferral"] = str(deferral)
        events.append((action, "workload", str(row.uuid), before, after))
    if errors:
        raise ValidationError(errors, "workload")
    _write(session, changes, now)
    if deferrals:
        session.execute(insert(Deferral), deferrals)
    audit.append_many(session, actor, events)
    session.expire_all()
    return moves


def _refusal(row: Any, release_id: int | None, releases: dict[int, Any]) -> str:
    if row.status in UNMOVABLE:
        return f"it is {row.status} and can no longer move"
    if release_id is not None and release_id not in releases:
        return f"no release with id {release_id}"
    if release_id is not None and releases[release_id].status in CLOSED:
        rel = releases[release_id]
        return f"{rel.name} is {rel.status}; plan into an upcoming release"
    if release_id is None and row.status == WorkloadStatus.IN_PROGRESS:
        return "work in progress needs a release; it cannot go back to the backlog"
    if (
        release_id is not None
        and row.change_class == ChangeClass.EMERGENCY
        and not (row.exception_reason or "").strip()
    ):
        return "an emergency patch needs its justification before it is released"
    return ""


def _write(session: Session, changes: list[dict[str, Any]], now: datetime) -> None:
    if not changes:
        return
    statement = (
        update(Workload.__table__)  # type: ignore[arg-type]
        .where(Workload.__table__.c.id == bindparam("b_id"))
        .where(Workload.__table__.c.version == bindparam("b_version"))
        .values(
            target_release_id=bindparam("b_release"),
            status=bindparam("b_status"),
            version=Workload.__table__.c.version + 1,
            updated_at=now,
        )
    )
    session.execute(statement, changes, execution_options={"synchronize_session": False})


def _revert(session: Session, actor: Actor, moves: list[Move]) -> None:
    """Put every moved workload back where it was and remove the deferrals the moves made."""
    actor.require(*WRITERS, to="plan workloads into releases")
    by_uuid = {m.workload_uuid: m for m in moves}
    rows = {}
    for part in _chunks([uuid.UUID(u) for u in by_uuid]):
        for row in session.execute(
            select(
                Workload.id,
                Workload.uuid,
                Workload.key,
                Workload.version,
                Workload.status,
                Workload.target_release_id,
            )  # fmt: skip
            .where(Workload.uuid.in_(part))
            .with_for_update()
        ):
            rows[str(row.uuid)] = row
    moved_on = [
        m.key
        for m in moves
        if m.workload_uuid not in rows
        or (rows[m.workload_uuid].target_release_id, rows[m.workload_uuid].status)
        != (m.to_release, m.to_status)
    ]
    if moved_on:
        shown = ", ".join(moved_on[:5]) + (
            f" and {len(moved_on) - 5} more" if len(moved_on) > 5 else ""
        )
        raise ValidationError(
            FieldError("target_release", f"{shown} changed since; nothing was undone"), "workload"
        )
    releases = _releases(session, [m.from_release for m in moves] + [m.to_release for m in moves])
    now = datetime.now(UTC)
    changes: list[dict[str, Any]] = []
    events: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for m in moves:
        row = rows[m.workload_uuid]
        changes.append({"b_id": row.id, "b_version": row.version, "b_release": m.from_release,
                        "b_status": m.from_status})  # fmt: skip
        back = releases.get(m.from_release) if m.from_release else None
        here = releases.get(m.to_release) if m.to_release else None
        events.append((
            "undo move", "workload", m.workload_uuid,
            {"target_release": here and str(here.uuid), "status": m.to_status},
            {"target_release": back and str(back.uuid), "status": m.from_status},
        ))  # fmt: skip
    _write(session, changes, now)
    gone = [uuid.UUID(m.deferral_uuid) for m in moves if m.deferral_uuid]
    for part in _chunks(gone):
        session.execute(delete(Deferral).where(Deferral.uuid.in_(part)))
    audit.append_many(session, actor, events)
    session.expire_all()
