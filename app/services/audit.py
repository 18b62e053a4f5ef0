"""The hash-chained audit trail: appended in the writer's transaction, verifiable at any time.

Each event's hash is SHA-256 over the previous event's hash and the event's canonical JSON,
so altering, removing or reordering any row breaks the chain from that row on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db.notify import announce
from app.domain import AuditEvent
from app.services.actor import Actor

GENESIS = "0" * 64
PG_AUDIT_LOCK = 0x52444155  # serialises appends across PostgreSQL sessions


def canonical(event: AuditEvent) -> str:
    at = event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = {
        "seq": event.seq,
        "at": at,
        "actor": event.actor,
        "action": event.action,
        "entity_type": event.entity_type,
        "entity_uuid": event.entity_uuid,
        "before": event.before,
        "after": event.after,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def append(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_uuid: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    return append_many(session, actor, [(action, entity_type, entity_uuid, before, after)])[0]


def append_many(
    session: Session,
    actor: Actor,
    events: Sequence[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]],
) -> list[AuditEvent]:
    """Append (action, entity type, uuid, before, after) events in one go: one lock, one read
    of the chain's end, one batched insert. Thousands of moves from one auto-plan stay fast."""
    if not events:
        return []
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_AUDIT_LOCK})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    now = datetime.now(UTC)
    rows = []
    for action, entity_type, entity_uuid, before, after in events:
        event = AuditEvent(
            seq=seq,
            at=now,
            actor=actor.login,
            action=action,
            entity_type=entity_type,
            entity_uuid=str(entity_uuid),
            before=_plain(before),
            after=_plain(after),
            prev_hash=prev,
        )
        event.hash = prev = chain_hash(prev, event)
        rows.append(event)
        seq += 1
    session.add_all(rows)
    session.flush()
    for entity_type in sorted({e[1] for e in events}):
        announce(session.connection(), entity_type)
    return rows


def _plain(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """JSON round trip so what is hashed is exactly what the database returns later."""
    return None if data is None else json.loads(json.dumps(data, default=str))


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    prev, expected_seq, count = GENESIS, 1, 0
    for event in _events(session, batch):
        if event.seq != expected_seq:
            return VerifyResult(count, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != prev:
            return VerifyResult(count, event.seq, "does not link to the event before it")
        if chain_hash(prev, event) != event.hash:
            return VerifyResult(count, event.seq, "content does not match its hash")
        prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    return VerifyResult(count)


def _events(session: Session, batch: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()
