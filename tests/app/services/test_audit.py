"""The audit trail is append-only in the database and its hash chain exposes any tampering."""

from __future__ import annotations

import string
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.cli import main as cli_main
from app.domain import AuditEvent
from app.services import audit
from tests.factories import make_workload


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'mallory'", "DELETE FROM audit_event"],
)
def test_database_refuses_to_change_audit_rows(seeded, statement) -> None:
    make_workload(seeded, "PAY-1")
    with pytest.raises(DBAPIError, match="append-only"), seeded.db.transaction() as s:
        s.execute(text(statement))


def test_postgresql_refuses_truncate(seeded) -> None:
    if seeded.db.dialect != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with pytest.raises(DBAPIError, match="append-only"), seeded.db.transaction() as s:
        s.execute(text("TRUNCATE audit_event"))


def _tamper(db, sql: str) -> None:
    """What someone with direct database access could do behind the application's back."""
    with db.transaction() as s:
        if db.dialect == "postgresql":
            s.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            s.execute(text("DROP TRIGGER audit_event_no_update"))
            s.execute(text("DROP TRIGGER audit_event_no_delete"))
        s.execute(text(sql))


def test_verify_names_the_first_altered_event(seeded, db_url, capsys) -> None:
    for n in range(3):
        make_workload(seeded, f"PAY-{n}")
    with seeded.db.read() as s:
        assert audit.verify(s).ok
        total = audit.verify(s).checked
    _tamper(seeded.db, "UPDATE audit_event SET actor = 'mallory' WHERE seq = 7")
    with seeded.db.read() as s:
        result = audit.verify(s)
    assert (result.ok, result.broken_seq) == (False, 7)
    assert cli_main(["audit", "verify", "--db", db_url]) == 1
    assert "BROKEN at event 7" in capsys.readouterr().out
    assert total > 7


def test_verify_notices_a_removed_event(seeded, db_url) -> None:
    for n in range(3):
        make_workload(seeded, f"PAY-{n}")
    _tamper(seeded.db, "DELETE FROM audit_event WHERE seq = 5")
    with seeded.db.read() as s:
        result = audit.verify(s)
    assert result.broken_seq == 5 and "missing" in result.reason


def test_cli_verify_passes_on_an_untouched_trail(seeded, db_url, capsys) -> None:
    make_workload(seeded, "PAY-1")
    assert cli_main(["audit", "verify", "--db", db_url, "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out


payloads = st.dictionaries(
    st.text(string.ascii_lowercase, min_size=1, max_size=8),
    st.one_of(st.integers(), st.text(max_size=20), st.booleans(), st.none()),
    max_size=5,
)


@given(
    st.lists(st.tuples(st.text(min_size=1, max_size=10), payloads), min_size=1, max_size=8),
    st.data(),
)
def test_any_change_to_any_event_breaks_the_chain(events, data) -> None:
    chain, prev = [], audit.GENESIS
    for seq, (actor, after) in enumerate(events, start=1):
        ev = AuditEvent(
            seq=seq,
            at=datetime(2026, 1, 1, tzinfo=UTC),
            actor=actor,
            action="update",
            entity_type="workload",
            entity_uuid="u",
            before=None,
            after=after,
            prev_hash=prev,
        )
        ev.hash = prev = audit.chain_hash(prev, ev)
        chain.append(ev)
    victim = data.draw(st.sampled_from(chain))
    victim.actor = victim.actor + "!"
    recomputed = [audit.chain_hash(e.prev_hash, e) == e.hash for e in chain]
    assert recomputed.index(False) == victim.seq - 1
