"""Re-running the risk rules over open work once incidents and the graph have moved on."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.db import open_database
from app.demo import generate
from app.domain import AuditEvent, Component, Incident, Workload
from app.services.errors import PermissionDenied
from app.services.risk_reassess import TierChange, reassess
from tests.factories import Org, acting_login_is_coordinator, make_workload

NOW = datetime(2031, 3, 4, 8, 0, tzinfo=UTC)


def incidents(org: Org, count: int, days_ago: int) -> None:
    """Incidents on the seeded team's component (payments-api)."""
    with org.db.transaction() as s:
        comp = s.scalars(select(Component).where(Component.name == "payments-api")).one()
        start = s.scalar(select(func.count()).select_from(Incident)) or 0
        for n in range(count):
            s.add(
                Incident(
                    number=f"INC{start + n:07d}",
                    title="Refunds failing",
                    component_id=comp.id,
                    priority=2,
                    opened_at=NOW - timedelta(days=days_ago, hours=n),
                )
            )


def tier(org: Org, key: str) -> tuple[str, int]:
    with org.db.read() as s:
        wl = s.scalars(select(Workload).where(Workload.key == key)).one()
        return wl.risk_tier, wl.version


def reassess_events(org: Org) -> list[AuditEvent]:
    with org.db.read() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "reassess")))


@pytest.fixture
def payments(seeded: Org) -> Org:
    """PAY-1 and PAY-2 touch payments-api; PAY-2's tier was set by hand; PAY-3 is deployed."""
    make_workload(seeded, "PAY-1", components=["payments-api"])
    make_workload(seeded, "PAY-2", components=["payments-api"], risk_tier="low")
    make_workload(seeded, "PAY-3", components=["payments-api"], status="cancelled")
    return seeded


def test_new_incidents_raise_the_tier_only_when_applied(payments: Org) -> None:
    before = tier(payments, "PAY-1")
    incidents(payments, 3, days_ago=10)
    incidents(payments, 5, days_ago=400)  # outside the failure-history window
    with payments.db.read() as s:
        found = reassess(s, payments.coordinator, now=NOW)
    assert [(c.workload, c.after) for c in found] == [("PAY-1", "high")]
    [change] = found
    assert change.before == before[0]
    assert "3 incidents in 180 days: payments-api (+2)" in change.reasons
    assert tier(payments, "PAY-1") == before  # a preview writes nothing
    assert reassess_events(payments) == []

    with payments.db.transaction() as s:
        assert reassess(s, payments.coordinator, apply=True, now=NOW) == found
    assert tier(payments, "PAY-1") == ("high", before[1] + 1)
    [event] = reassess_events(payments)
    assert event.before == {"risk_tier": before[0]}
    assert event.after == {"risk_tier": "high", "reasons": list(change.reasons)}
    assert tier(payments, "PAY-2")[0] == "low"  # the override stands
    with payments.db.read() as s:
        assert reassess(s, payments.coordinator, now=NOW) == []


def test_a_viewer_may_look_but_not_apply(payments: Org) -> None:
    incidents(payments, 3, days_ago=10)
    with payments.db.read() as s:
        assert reassess(s, payments.viewer, now=NOW)
    with pytest.raises(PermissionDenied), payments.db.transaction() as s:
        reassess(s, payments.viewer, apply=True, now=NOW)
    assert reassess_events(payments) == []


def test_plan_reassess_previews_then_applies(payments: Org, db_url: str, capsys: Any) -> None:
    acting_login_is_coordinator(payments)
    incidents(payments, 3, days_ago=1)
    assert main(["plan", "reassess", "--db", db_url, "--json"]) == 0
    preview = json.loads(capsys.readouterr().out)
    assert preview["applied"] is False
    assert [(c["workload"], c["to"]) for c in preview["changed"]] == [("PAY-1", "high")]
    assert tier(payments, "PAY-1")[0] != "high"
    assert main(["plan", "reassess", "--db", db_url, "--apply"]) == 0
    assert capsys.readouterr().out.strip().endswith("1 tiers re-assessed")
    assert tier(payments, "PAY-1")[0] == "high"


def test_the_demo_tiers_are_what_the_rules_say(tmp_path: Any) -> None:
    db = open_database(str(tmp_path / "demo.db"), create=True)
    try:
        generate(db, scale="small", seed=3, anchor=date(2026, 3, 2))
        with db.read() as s:
            changes: list[TierChange] = reassess(s, _nobody(), now=datetime(2026, 3, 2, tzinfo=UTC))
        assert changes == []
    finally:
        db.dispose()


def _nobody() -> Any:
    from app.services.actor import Actor

    return Actor("reader")
