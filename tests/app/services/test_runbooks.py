"""Runbooks as immutable revisions: create, revise, revert, sign-off, and the voided approval."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.domain import Approval, AuditEvent, Deployment, Workload
from app.runbooks.body import PRESETS, RunbookBody, Step
from app.services import approvals, crud
from app.services.actor import Actor, actor_for_login
from app.services.catalog import ENVIRONMENT
from app.services.deployments import DEPLOYMENT
from app.services.errors import ConflictError, PermissionDenied, ValidationError
from app.services.org import PERSON
from app.services.runbook_queries import body_at, find_runbook, list_runbooks, load, relied_on
from app.services.runbooks import create_runbook, request_sign_off, revert, save_revision
from tests.factories import Org, make_workload

START = datetime(2030, 3, 5, 20, tzinfo=UTC)


def body(title: str = "Payments rollback", *, steps: int = 2, owner: str = "olga") -> RunbookBody:
    """A runbook with nothing for validation to object to."""
    return RunbookBody(
        title=title,
        summary="Use when the error rate climbs after a payments release.",
        steps=tuple(
            Step(
                id=f"s{n}",
                title=f"Step {n}",
                instructions="Do it *carefully*.",
                command=f"deploy rollback --step {n}",
                owner=owner,
                expected_minutes=5,
                verification="error rate back under 1 %",
            )
            for n in range(1, steps + 1)
        ),
        triggers=(dataclasses.replace(PRESETS["Error rate above 1 % over 5 minutes"], id="t1"),),
    )


@dataclasses.dataclass
class Signers:
    ops: Actor
    sec: Actor
    both: Actor


def signers(org: Org) -> Signers:
    """Olga (operations), Sam (security) and Otto (both roles)."""
    people = {
        "olga": ("Olga Ops", ["operations"]),
        "sam": ("Sam Sec", ["security"]),
        "otto": ("Otto Both", ["operations", "security"]),
    }
    with org.db.transaction() as s:
        for login, (name, roles) in people.items():
            crud.create(s, org.admin, PERSON, {"login": login, "name": name, "roles": roles})
    with org.db.read() as s:
        return Signers(*(actor_for_login(s, login) for login in people))


def template(org: Org, actor: Actor | None = None, **kw: Any) -> str:
    with org.db.transaction() as s:
        rb = create_runbook(s, actor or org.coordinator, body(**kw), component="payments-api")
        return str(rb.uuid)


def version_of(org: Org, rb: str) -> int:
    with org.db.read() as s:
        return load(s, rb).version


def request(org: Org, rb: str, role: str, actor: Actor | None = None) -> tuple[str, int]:
    with org.db.transaction() as s:
        a = request_sign_off(s, actor or org.coordinator, rb, role)
        return str(a.uuid), a.version


def sign(org: Org, rb: str, ops: Actor, sec: Actor) -> list[str]:
    """Ask for and give both sign-offs; returns the approvals' UUIDs."""
    out = []
    for role, who in (("operations", ops), ("security", sec)):
        uid, version = request(org, rb, role)
        with org.db.transaction() as s:
            approvals.decide(s, who, uid, version, True, "read it through")
        out.append(uid)
    return out


def events(org: Org, entity_uuid: str) -> list[str]:
    with org.db.read() as s:
        return list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.entity_uuid == entity_uuid)
                .order_by(AuditEvent.seq)
            )
        )


# --- create -------------------------------------------------------------------------------


def test_a_component_template_and_a_workload_runbook_copied_from_it(seeded: Org) -> None:
    rb = template(seeded)
    make_workload(seeded, "PAY-1", components=["payments-api"])
    with seeded.db.transaction() as s:
        own = create_runbook(
            s, seeded.coordinator, RunbookBody(title=""), workload="PAY-1", from_template=True
        )
        own_uuid = str(own.uuid)
    with seeded.db.read() as s:
        tmpl, doc = load(s, rb), load(s, own_uuid)
        assert find_runbook(s, workload="PAY-1") == own_uuid
        assert find_runbook(s, component="payments-api") == rb
        rows = list_runbooks(s)
    assert (tmpl.subject_kind, tmpl.subject, tmpl.revision) == ("component", "payments-api", 1)
    assert (doc.subject_kind, doc.subject, doc.template_of) == ("workload", "PAY-1", "payments-api")
    assert doc.body.title == "Payments rollback"
    assert doc.body.steps == tmpl.body.steps
    assert doc.body.triggers == tmpl.body.triggers
    assert doc.author_login == "coordinator"
    assert [(r.subject_kind, r.subject, r.steps) for r in rows] == [
        ("component", "payments-api", 2),
        ("workload", "PAY-1", 2),
    ]
    assert events(seeded, rb) == ["create"]
    assert events(seeded, own_uuid) == ["create"]


def test_a_subject_has_at_most_one_runbook(seeded: Org) -> None:
    template(seeded)
    with pytest.raises(ValidationError, match="already has a runbook template"):
        template(seeded)
    make_workload(seeded, "PAY-1")
    with seeded.db.transaction() as s:
        create_runbook(s, seeded.coordinator, body(), workload="PAY-1")
    with pytest.raises(ValidationError, match="already has its own runbook"):
        with seeded.db.transaction() as s:
            create_runbook(s, seeded.coordinator, body(), workload="PAY-1")


def test_copying_a_template_needs_a_component_that_has_one(seeded: Org) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        create_runbook(s, seeded.coordinator, body(), workload="PAY-1", from_template=True)
    assert info.value.errors[0].field == "template"


def test_a_viewer_cannot_write_a_runbook(seeded: Org) -> None:
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        create_runbook(s, seeded.viewer, body(), component="payments-api")


# --- revisions ----------------------------------------------------------------------------


def test_saving_makes_version_2_and_is_audited(seeded: Org) -> None:
    rb = template(seeded)
    edited = dataclasses.replace(body(), summary="Only after the on-call lead agrees.")
    with seeded.db.transaction() as s:
        rev = save_revision(s, seeded.coordinator, rb, version_of(seeded, rb), edited, "summary")
        assert rev.number == 2
    with seeded.db.read() as s:
        doc = load(s, rb)
        assert body_at(s, rb, 1) == body()
    assert doc.revision == 2
    assert doc.body.summary == "Only after the on-call lead agrees."
    assert [(h.number, h.note) for h in doc.history] == [(1, "created"), (2, "summary")]
    assert events(seeded, rb) == ["create", "revise"]


def test_a_save_against_a_stale_version_is_a_conflict(seeded: Org) -> None:
    rb = template(seeded)
    seen = version_of(seeded, rb)
    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, seen, body(steps=3))
    with pytest.raises(ConflictError), seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, seen, body(steps=4))
    with seeded.db.read() as s:
        assert load(s, rb).revision == 2


def test_an_edit_voids_the_approval_of_the_previous_version(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    signed = sign(seeded, rb, people.ops, people.sec)
    with seeded.db.read() as s:
        before = load(s, rb)
    assert before.approved and before.lacks == ()

    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, before.version, body(steps=3), "one more step")

    with seeded.db.read() as s:
        states = {
            str(a.uuid): a.state
            for a in s.scalars(select(Approval).where(Approval.subject_type == "runbook_revision"))
        }
        after = load(s, rb)
    assert states == dict.fromkeys(signed, "void")
    for uid in signed:
        assert events(seeded, uid) == ["request", "approve", "void"]
    assert after.revision == 2
    assert not after.approved
    assert after.lacks == ("operations sign-off", "security sign-off")
    assert after.sign_offs == ()
    assert [(h.number, h.signed) for h in after.history] == [(1, True), (2, False)]


def test_an_edit_voids_a_pending_request_too(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    pending, version = request(seeded, rb, "operations")
    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, version_of(seeded, rb), body(steps=3))
    assert events(seeded, pending) == ["request", "void"]
    with pytest.raises(ValidationError, match="already void"), seeded.db.transaction() as s:
        approvals.decide(s, people.ops, pending, version + 1, True)
    with seeded.db.read() as s:
        assert [h.signed for h in load(s, rb).history] == [False, False]
    request(seeded, rb, "operations")  # the new version can be asked for again


def test_saving_an_unchanged_body_makes_no_new_version(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    sign(seeded, rb, people.ops, people.sec)
    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, version_of(seeded, rb), body())
    with seeded.db.read() as s:
        doc = load(s, rb)
    assert (doc.revision, doc.approved) == (1, True)


def test_revert_makes_version_3_with_version_1_s_body(seeded: Org) -> None:
    rb = template(seeded)
    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, version_of(seeded, rb), body(steps=5))
    with seeded.db.transaction() as s:
        rev = revert(s, seeded.coordinator, rb, version_of(seeded, rb), 1)
        assert rev.number == 3
    with seeded.db.read() as s:
        doc = load(s, rb)
        assert body_at(s, rb, 3) == body_at(s, rb, 1)
    assert doc.revision == 3
    assert len(doc.body.steps) == 2
    assert doc.history[-1].note == "reverted to version 1"
    with pytest.raises(ValidationError, match="no version 9"), seeded.db.transaction() as s:
        revert(s, seeded.coordinator, rb, version_of(seeded, rb), 9)


# --- sign-off -----------------------------------------------------------------------------


def test_sign_off_is_refused_while_the_runbook_has_problems(seeded: Org) -> None:
    rb = template(seeded, owner="")
    with pytest.raises(ValidationError) as info:
        request(seeded, rb, "operations")
    assert info.value.errors[0].field == "owner"
    assert "step 1 'Step 1'" in info.value.errors[0].message
    assert "(and 1 more)" in info.value.errors[0].message
    with seeded.db.transaction() as s:
        save_revision(s, seeded.coordinator, rb, version_of(seeded, rb), body())
    request(seeded, rb, "operations")


def test_a_role_is_asked_once_per_version_and_only_ops_or_security(seeded: Org) -> None:
    rb = template(seeded)
    request(seeded, rb, "operations")
    with pytest.raises(ValidationError, match="already pending"):
        request(seeded, rb, "operations")
    with pytest.raises(ValidationError) as info:
        request(seeded, rb, "approver")
    assert info.value.errors[0].field == "role"
    request(seeded, rb, "security")


def test_an_author_cannot_sign_off(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded, actor=people.ops)
    uid, version = request(seeded, rb, "operations")
    with pytest.raises(PermissionDenied, match="they wrote"), seeded.db.transaction() as s:
        approvals.decide(s, people.ops, uid, version, True)


def test_the_author_of_the_current_version_cannot_sign_off(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    with seeded.db.transaction() as s:
        save_revision(s, people.sec, rb, version_of(seeded, rb), body(steps=3))
    uid, version = request(seeded, rb, "security")
    with pytest.raises(PermissionDenied, match="they wrote"), seeded.db.transaction() as s:
        approvals.decide(s, people.sec, uid, version, True)


def test_one_person_cannot_sign_both_roles(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    ops, ops_v = request(seeded, rb, "operations")
    sec, sec_v = request(seeded, rb, "security")
    with seeded.db.transaction() as s:
        approvals.decide(s, people.both, ops, ops_v, True)
    with pytest.raises(PermissionDenied, match="two different people"):
        with seeded.db.transaction() as s:
            approvals.decide(s, people.both, sec, sec_v, True)
    with seeded.db.read() as s:
        doc = load(s, rb)
    assert not doc.approved
    assert doc.lacks == ("security sign-off",)
    with seeded.db.transaction() as s:
        approvals.decide(s, people.sec, sec, sec_v, True)
    with seeded.db.read() as s:
        assert load(s, rb).approved


def test_two_different_people_approve(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    sign(seeded, rb, people.ops, people.sec)
    with seeded.db.read() as s:
        doc = load(s, rb)
    assert (doc.approved, doc.status, doc.lacks) == (True, "approved", ())
    assert [(o.role, o.state, o.decided_by) for o in doc.sign_offs] == [
        ("operations", "approved", "Olga Ops"),
        ("security", "approved", "Sam Sec"),
    ]


def test_two_people_who_share_a_name_are_still_two_people(seeded: Org) -> None:
    with seeded.db.transaction() as s:
        for login, role in (("alex1", "operations"), ("alex2", "security")):
            crud.create(
                s, seeded.admin, PERSON, {"login": login, "name": "Alex Kim", "roles": [role]}
            )
    with seeded.db.read() as s:
        ops, sec = actor_for_login(s, "alex1"), actor_for_login(s, "alex2")
    rb = template(seeded)
    sign(seeded, rb, ops, sec)
    with seeded.db.read() as s:
        assert load(s, rb).approved


def test_a_rejection_needs_a_reason(seeded: Org) -> None:
    people = signers(seeded)
    rb = template(seeded)
    uid, version = request(seeded, rb, "security")
    with pytest.raises(ValidationError, match="a rejection needs a reason"):
        with seeded.db.transaction() as s:
            approvals.decide(s, people.sec, uid, version, False)


# --- deployments rely on approved runbooks -----------------------------------------------


def _schedule(org: Org, key: str) -> None:
    with org.db.transaction() as s:
        crud.create(
            s,
            org.coordinator,
            DEPLOYMENT,
            {
                "workload": key,
                "environment": "production",
                "owner": "coordinator",
                "planned_start": START,
                "planned_end": START + timedelta(minutes=30),
                "result": "planned",
            },
        )


def test_production_waits_for_the_runbooks_a_workload_relies_on(seeded: Org) -> None:
    people = signers(seeded)
    with seeded.db.transaction() as s:
        env = {"name": "production", "position": 1, "is_production": True}
        crud.create(s, seeded.admin, ENVIRONMENT, env)
    make_workload(seeded, "PAY-1", components=["payments-api"])
    rb = template(seeded)
    with pytest.raises(ValidationError) as info:
        _schedule(seeded, "PAY-1")
    message = info.value.errors[0].message
    assert "runbook 'Payments rollback (version 1)' must be signed off" in message
    assert "operations sign-off; security sign-off" in message
    with seeded.db.read() as s:
        assert s.scalars(select(Deployment)).all() == []
    sign(seeded, rb, people.ops, people.sec)
    _schedule(seeded, "PAY-1")
    with seeded.db.read() as s:
        assert len(s.scalars(select(Deployment)).all()) == 1


def test_a_workload_s_own_runbook_replaces_its_component_templates(seeded: Org) -> None:
    make_workload(seeded, "PAY-1", components=["payments-api"])
    template(seeded)
    with seeded.db.read() as s:
        wid = s.scalar(select(Workload.id).where(Workload.key == "PAY-1"))
        assert [st.title for _, st in relied_on(s, [wid])[wid]] == ["Payments rollback (version 1)"]
    with seeded.db.transaction() as s:
        create_runbook(s, seeded.coordinator, body("PAY-1 rollback"), workload="PAY-1")
    with seeded.db.read() as s:
        assert [st.title for _, st in relied_on(s, [wid])[wid]] == ["PAY-1 rollback (version 1)"]
