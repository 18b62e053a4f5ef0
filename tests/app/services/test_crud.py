"""Create, update and delete through the services: validation, permission, conflicts, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.domain import AuditEvent, Workload
from app.services import crud
from app.services.actor import Actor, actor_for_login
from app.services.catalog import COMPONENT_DEPENDENCY
from app.services.errors import ConflictError, PermissionDenied, ValidationError
from app.services.org import TEAM
from app.services.workloads import WORKLOAD, add_dependency, delete_workload, restore_workload
from tests.factories import make_workload, workload_values


def audit_count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent))


def test_create_update_delete_are_each_audited_with_before_and_after(seeded) -> None:
    org = seeded
    uid, version = make_workload(org, "PAY-1")
    with org.db.transaction() as s:
        crud.update(s, org.coordinator, WORKLOAD, uid, version, {"title": "Faster checkout"})
    with org.db.transaction() as s:
        crud.delete(s, org.coordinator, WORKLOAD, uid, version + 1)
    with org.db.read() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.entity_uuid == uid).order_by(AuditEvent.seq)
        ).all()
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert all(e.actor == "coordinator" for e in events)
    assert events[1].before["title"] == "Change PAY-1"
    assert events[1].after["title"] == "Faster checkout"
    assert events[2].after is None and events[2].before["key"] == "PAY-1"


def test_every_bad_field_is_named_and_nothing_is_written(seeded) -> None:
    org = seeded
    before = audit_count(org.db)
    bad = workload_values(
        "PAY 2", title="", size=4, change_class="wish", team="Nowhere", risk_tier="extreme"
    )
    with pytest.raises(ValidationError) as info, org.db.transaction() as s:
        crud.create(s, org.coordinator, WORKLOAD, bad)
    fields = {e.field for e in info.value.errors}
    assert fields == {"key", "title", "size", "change_class", "team", "risk_tier"}
    assert "1, 2, 3, 5, 8" in str(info.value)
    assert audit_count(org.db) == before
    with org.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Workload)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "not an IANA time zone"),
        ("capacity_cap", "lots", "whole number"),
        ("max_share_percent", 150, "at most 100"),
        ("name", "x" * 81, "at most 80"),
        ("name", "tab\there", "control characters"),
    ],
)
def test_team_field_garbage_is_rejected(seeded, field, value, message) -> None:
    values = {"name": "Platform", "timezone": "Asia/Kolkata", field: value}
    with pytest.raises(ValidationError, match=message), seeded.db.transaction() as s:
        crud.create(s, seeded.admin, TEAM, values)


def test_duplicate_key_is_a_field_error(seeded) -> None:
    make_workload(seeded, "PAY-1")
    with pytest.raises(ValidationError, match="key: another workload already has 'PAY-1'"):
        make_workload(seeded, "PAY-1")


def test_stale_save_is_a_conflict_carrying_both_versions(seeded) -> None:
    org = seeded
    uid, v1 = make_workload(org, "PAY-1")
    with org.db.transaction() as s:
        crud.update(s, org.admin, WORKLOAD, uid, v1, {"title": "Theirs"})
    before = audit_count(org.db)
    with pytest.raises(ConflictError) as info, org.db.transaction() as s:
        crud.update(s, org.coordinator, WORKLOAD, uid, v1, {"title": "Mine"})
    conflict = info.value.conflict
    assert (conflict.expected_version, conflict.current_version) == (v1, v1 + 1)
    assert conflict.theirs is not None and conflict.theirs["title"] == "Theirs"
    assert audit_count(org.db) == before
    with org.db.read() as s:
        assert s.scalar(select(Workload.title)) == "Theirs"


def test_saving_a_row_someone_deleted_is_a_conflict(seeded) -> None:
    uid, v1 = make_workload(seeded, "PAY-1")
    with seeded.db.transaction() as s:
        crud.delete(s, seeded.admin, WORKLOAD, uid, v1)
    with pytest.raises(ConflictError, match="deleted") as info, seeded.db.transaction() as s:
        crud.update(s, seeded.coordinator, WORKLOAD, uid, v1, {"title": "Mine"})
    assert info.value.conflict.theirs is None


def test_viewer_and_unknown_login_cannot_write(seeded) -> None:
    with seeded.db.read() as s:
        stranger = actor_for_login(s, "someone-new")
    assert stranger.roles == {"viewer"} and stranger.person_id is None
    for actor in (seeded.viewer, stranger):
        with pytest.raises(PermissionDenied, match="admin or coordinator role"):
            with seeded.db.transaction() as s:
                crud.create(s, actor, WORKLOAD, workload_values("PAY-9"))


def test_delete_of_a_team_in_use_names_what_uses_it(seeded) -> None:
    make_workload(seeded, "PAY-1")
    with seeded.db.read() as s:
        version = crud.get(s, TEAM, seeded.team).version
    with pytest.raises(ValidationError, match=r"1 component, .*4 persons, 1 workload"):
        with seeded.db.transaction() as s:
            crud.delete(s, seeded.admin, TEAM, seeded.team, version)


def test_deleted_workload_is_restored_with_uuid_and_dependencies(seeded) -> None:
    org = seeded
    first, _ = make_workload(org, "PAY-1")
    second, v2 = make_workload(org, "PAY-2", components=[org.component])
    with org.db.transaction() as s:
        add_dependency(s, org.coordinator, second, first, "before")
    with org.db.transaction() as s:
        snapshot = delete_workload(s, org.coordinator, second, v2)
    with org.db.transaction() as s:
        restored = restore_workload(s, org.coordinator, second, snapshot)
        assert str(restored.uuid) == second
    with org.db.read() as s:
        wl = crud.get(s, WORKLOAD, second)
        assert [str(c.uuid) for c in wl.components] == [org.component]
        from app.services.workloads import dependencies_of

        assert dependencies_of(s, wl) == [{"depends_on": first, "link": "before"}]


def test_component_cannot_depend_on_itself(seeded) -> None:
    with pytest.raises(ValidationError, match="cannot depend on itself"):
        with seeded.db.transaction() as s:
            crud.create(
                s,
                seeded.coordinator,
                COMPONENT_DEPENDENCY,
                {"consumer": seeded.component, "provider": seeded.component, "kind": "api"},
            )


def test_planned_workload_needs_a_release(seeded) -> None:
    with pytest.raises(ValidationError, match="target_release: a planned workload needs"):
        make_workload(seeded, "PAY-3", status="planned")


def test_actor_labels_and_roles() -> None:
    actor = Actor("ann", 1, "Ann Example", frozenset({"coordinator"}))
    assert actor.label == "Ann Example (ann)"
    assert actor.has("admin", "coordinator") and not actor.has("security")


def test_dependency_link_and_unlink_are_audited(seeded) -> None:
    from app.services.workloads import remove_dependency

    first, _ = make_workload(seeded, "PAY-1")
    second, _ = make_workload(seeded, "PAY-2")
    with seeded.db.transaction() as s:
        add_dependency(s, seeded.coordinator, second, first, "together")
    with seeded.db.transaction() as s:
        remove_dependency(s, seeded.coordinator, second, first)
    with pytest.raises(ValidationError, match="PAY-2 does not depend on PAY-1"):
        with seeded.db.transaction() as s:
            remove_dependency(s, seeded.coordinator, second, first)
    with seeded.db.read() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_uuid == second)).all()
    assert actions == ["create", "link", "unlink"]


def test_first_user_of_an_empty_database_administers_it(db) -> None:
    with db.read() as s:
        first = actor_for_login(s, "founder")
    assert first.has("admin") and first.person_id is None
    with db.transaction() as s:
        crud.create(s, first, TEAM, {"name": "Founders", "timezone": "UTC"})
