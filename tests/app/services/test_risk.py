"""A workload's risk tier: set by the rules on save, overridden only with a reason, audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, Workload
from app.services import crud
from app.services.approvals import decide, request
from app.services.catalog import COMPONENT, COMPONENT_DEPENDENCY
from app.services.errors import ValidationError
from app.services.risk import assess_workload, override_risk
from app.services.workloads import WORKLOAD
from tests.factories import Org, make_workload, workload_values

LEDGER = {
    "name": "ledger-db",
    "kind": "database",
    "team": "Payments",
    "track": "train",
    "stateful": True,
    "pii": False,
    "financial": True,
    "health": False,
}


def stored(org: Org, key: str) -> Workload:
    with org.db.read() as s:
        return s.scalars(select(Workload).where(Workload.key == key)).one()


def item_id(org: Org, key: str) -> int:
    return stored(org, key).id


def events(org: Org, key: str) -> list[AuditEvent]:
    with org.db.read() as s:
        uid = str(s.scalars(select(Workload.uuid).where(Workload.key == key)).one())
        query = select(AuditEvent).where(AuditEvent.entity_uuid == uid).order_by(AuditEvent.seq)
        return list(s.scalars(query))


def update(org: Org, key: str, values: dict[str, Any]) -> None:
    with org.db.transaction() as s:
        wl = s.scalars(select(Workload).where(Workload.key == key)).one()
        crud.update(s, org.coordinator, WORKLOAD, wl.uuid, wl.version, values)


def component(org: Org, **over: Any) -> None:
    with org.db.transaction() as s:
        crud.create(s, org.coordinator, COMPONENT, LEDGER | over)


# -- the rules decide on create --------------------------------------------------------------


@pytest.mark.parametrize(
    ("over", "tier"),
    [
        ({}, "low"),  # feature +1
        ({"change_class": "configuration"}, "low"),  # 0
        ({"components": ["payments-api"]}, "medium"),  # +1, pii and financial data +3
        ({"components": ["payments-api"], "schema_change": True}, "high"),  # and schema +1
        ({"components": ["payments-api"], "change_class": "emergency"}, "high"),  # +2 +3
    ],
    ids=["feature", "configuration", "regulated", "regulated-schema", "regulated-emergency"],
)
def test_without_a_tier_the_rules_set_it(seeded, over, tier) -> None:
    make_workload(seeded, "PAY-1", **over)
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.risk_override_reason) == (tier, None)


def test_a_tier_other_than_the_rules_needs_a_reason(seeded) -> None:
    values = workload_values(
        "PAY-1", components=["payments-api"], risk_tier="low", risk_override_reason=None
    )
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, WORKLOAD, values)
    [error] = info.value.errors
    assert error.field == "risk_override_reason"
    assert error.message == (
        "the rules give medium (feature change (+1); financial/pii data: payments-api (+3)); "
        "overriding to low needs a reason"
    )
    with seeded.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Workload)) == 0


def test_the_tier_the_rules_give_needs_no_reason(seeded) -> None:
    values = workload_values(
        "PAY-1", components=["payments-api"], risk_tier="medium", risk_override_reason=None
    )
    with seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, WORKLOAD, values)
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.risk_override_reason) == ("medium", None)


def test_an_override_with_a_reason_is_kept_and_audited(seeded) -> None:
    make_workload(seeded, "PAY-1", risk_tier="high", risk_override_reason="Launch week")
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.risk_override_reason) == ("high", "Launch week")
    [created] = events(seeded, "PAY-1")
    assert created.action == "create" and created.actor == "coordinator"
    assert created.after["risk_tier"] == "high"
    assert created.after["risk_override_reason"] == "Launch week"


# -- edits -----------------------------------------------------------------------------------


def test_editing_only_the_title_keeps_an_override(seeded) -> None:
    make_workload(seeded, "PAY-1", risk_tier="high", risk_override_reason="Launch week")
    update(seeded, "PAY-1", {"title": "Refund API"})
    wl = stored(seeded, "PAY-1")
    assert (wl.title, wl.risk_tier, wl.risk_override_reason) == (
        "Refund API",
        "high",
        "Launch week",
    )


def test_editing_only_the_title_never_recomputes_the_tier(seeded) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    with seeded.db.transaction() as s:
        api = crud.get(s, COMPONENT, seeded.component)
        crud.update(s, seeded.coordinator, COMPONENT, api.uuid, api.version, {"stateful": True})
    update(seeded, "PAY-1", {"title": "Refund API"})
    assert stored(seeded, "PAY-1").risk_tier == "medium"
    assert events(seeded, "PAY-1")[-1].after["title"] == "Refund API"
    with seeded.db.read() as s:
        assert assess_workload(s, item_id(seeded, "PAY-1")).rules_tier == "high"


def test_touching_a_stateful_financial_database_raises_the_tier(seeded) -> None:
    make_workload(seeded, "PAY-1")
    component(seeded)
    assert stored(seeded, "PAY-1").risk_tier == "low"
    update(seeded, "PAY-1", {"components": ["ledger-db"]})
    assert stored(seeded, "PAY-1").risk_tier == "high"  # feature +1, financial +2, stateful +2
    last = events(seeded, "PAY-1")[-1]
    assert (last.before["risk_tier"], last.after["risk_tier"]) == ("low", "high")
    with seeded.db.read() as s:
        risk = assess_workload(s, item_id(seeded, "PAY-1"))
    assert risk.assessment.score == 5
    assert risk.assessment.reasons == (
        "feature change (+1)",
        "financial data: ledger-db (+2)",
        "stateful: ledger-db (+2)",
    )
    assert risk.path.name == "CAB"
    assert risk.path.roles == ("approver", "operations", "security")
    assert "restore validated" in risk.path.gates


def test_many_components_depending_on_one_widen_its_blast_radius(seeded) -> None:
    plain = {"kind": "service", "stateful": False, "financial": False}
    component(seeded, name="core-lib", **plain)
    with seeded.db.transaction() as s:
        provider = "core-lib"
        for n in range(1, 6):  # a chain: svc-1 uses core-lib, svc-2 uses svc-1, ...
            crud.create(s, seeded.coordinator, COMPONENT, LEDGER | plain | {"name": f"svc-{n}"})
            crud.create(
                s,
                seeded.coordinator,
                COMPONENT_DEPENDENCY,
                {"consumer": f"svc-{n}", "provider": provider, "kind": "api"},
            )
            provider = f"svc-{n}"
    make_workload(seeded, "PAY-1", components=["core-lib"])
    make_workload(seeded, "PAY-2", components=["svc-4"])
    assert stored(seeded, "PAY-1").risk_tier == "medium"  # feature +1, 5 dependents +1
    assert stored(seeded, "PAY-2").risk_tier == "low"  # only svc-5 depends on svc-4


# -- overriding afterwards -------------------------------------------------------------------


def test_override_and_give_back_to_the_rules(seeded) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    item = item_id(seeded, "PAY-1")
    with seeded.db.transaction() as s:
        previous = override_risk(s, seeded.coordinator, item, "high", "  Black Friday  ")
    assert previous == {"risk_tier": "medium", "risk_override_reason": None}
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.risk_override_reason) == ("high", "Black Friday")
    last = events(seeded, "PAY-1")[-1]
    assert last.action == "update"
    assert (last.before["risk_tier"], last.after["risk_tier"]) == ("medium", "high")
    assert last.after["risk_override_reason"] == "Black Friday"

    with seeded.db.transaction() as s:
        previous = override_risk(s, seeded.coordinator, item, None, "")
    assert previous == {"risk_tier": "high", "risk_override_reason": "Black Friday"}
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.risk_override_reason) == ("medium", None)


def test_an_override_without_a_reason_is_refused(seeded) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    before = stored(seeded, "PAY-1").version
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        override_risk(s, seeded.coordinator, item_id(seeded, "PAY-1"), "low", "   ")
    assert [e.field for e in info.value.errors] == ["risk_override_reason"]
    wl = stored(seeded, "PAY-1")
    assert (wl.risk_tier, wl.version) == ("medium", before)


# -- the assessment the card shows -----------------------------------------------------------


def test_assessment_shows_the_path_and_who_signed_off(seeded) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    item = item_id(seeded, "PAY-1")
    with seeded.db.read() as s:
        risk = assess_workload(s, item)
    assert (risk.key, risk.tier, risk.rules_tier, risk.override_reason) == (
        "PAY-1",
        "medium",
        "medium",
        None,
    )
    assert risk.path.name == "normal change"
    assert (risk.path.roles, risk.path.gates) == (("approver",), ("tests", "peer review"))
    assert risk.approved_roles == ()
    with seeded.db.transaction() as s:
        uid = stored(seeded, "PAY-1").uuid
        asked = request(s, seeded.coordinator, "workload", uid, "approver", "Medium risk")
        decide(s, seeded.approver, asked.uuid, asked.version, True)
        request(s, seeded.coordinator, "workload", uid, "security", "Card data")  # pending
    with seeded.db.read() as s:
        assert assess_workload(s, item).approved_roles == ("approver",)
