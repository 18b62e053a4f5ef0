"""Undo and redo as compensating, audited service calls."""

from __future__ import annotations

from typing import Any

import pytest

from app.services import crud
from app.services.errors import ValidationError
from app.services.org import TEAM
from app.services.workloads import WORKLOAD, add_dependency
from tests.factories import Org, make_workload, workload_values
from tests.ui.helpers import audit_ok, update_behind_the_back, workload
from ui.undo import CreateEntityCommand, DeleteEntityCommand, UpdateEntityCommand


def test_create_undo_redo_keeps_the_same_uuid(seeded: Org, ctx: Any) -> None:
    command = CreateEntityCommand(ctx, WORKLOAD, workload_values("PAY-7", team=seeded.team))
    command.execute()
    new_uuid = command.uuid
    assert workload(seeded, new_uuid)["key"] == "PAY-7"  # type: ignore[index]
    assert ctx.undo_stack.undoText() == "Create workload PAY-7"
    ctx.undo_stack.undo()
    assert workload(seeded, new_uuid) is None
    ctx.undo_stack.redo()
    assert workload(seeded, new_uuid)["key"] == "PAY-7"  # type: ignore[index]
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    assert workload(seeded, new_uuid) is not None
    assert audit_ok(seeded)


def test_update_undo_restores_the_old_value(seeded: Org, ctx: Any) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1", title="Old title")
    UpdateEntityCommand(
        ctx,
        WORKLOAD,
        wl_uuid,
        version,
        {"title": "New title", "risk_tier": "high", "risk_override_reason": "Outage last week"},
        {"title": "Old title", "risk_tier": "low", "risk_override_reason": None},
        title="PAY-1",
    ).execute()
    assert workload(seeded, wl_uuid)["title"] == "New title"  # type: ignore[index]
    ctx.undo_stack.undo()
    now = workload(seeded, wl_uuid)
    assert (now["title"], now["risk_tier"]) == ("Old title", "low")  # type: ignore[index]
    ctx.undo_stack.redo()
    assert workload(seeded, wl_uuid)["risk_tier"] == "high"  # type: ignore[index]
    assert audit_ok(seeded)


def test_delete_undo_restores_the_workload_and_its_dependencies(seeded: Org, ctx: Any) -> None:
    first, _ = make_workload(seeded, "PAY-1")
    second, version = make_workload(seeded, "PAY-2", size=8)
    with seeded.db.transaction() as s:
        add_dependency(s, seeded.coordinator, second, first)
    with seeded.db.read() as s:
        version = crud.get(s, WORKLOAD, second).version
    DeleteEntityCommand(ctx, WORKLOAD, second, version, title="PAY-2").execute()
    assert workload(seeded, second) is None
    ctx.undo_stack.undo()
    back = workload(seeded, second)
    assert back is not None and back["size"] == 8
    with seeded.db.read() as s:
        from app.services.workloads import dependencies_of

        deps = dependencies_of(s, crud.get(s, WORKLOAD, second))
    assert deps == [{"depends_on": first, "link": "before"}]
    ctx.undo_stack.redo()
    assert workload(seeded, second) is None
    assert audit_ok(seeded)


def test_a_refused_first_step_never_reaches_the_stack(seeded: Org, ctx: Any) -> None:
    make_workload(seeded, "PAY-1")  # the team now owns a workload
    with seeded.db.read() as s:
        version = crud.get(s, TEAM, seeded.team).version
    command = DeleteEntityCommand(ctx, TEAM, seeded.team, version, title="Payments")
    with pytest.raises(ValidationError, match="still used by"):
        command.execute()
    assert ctx.undo_stack.count() == 0


def test_conflict_during_undo_is_reported_not_crashed_on(seeded: Org, ctx: Any) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1", title="Mine")
    reported: list[str] = []
    UpdateEntityCommand(
        ctx, WORKLOAD, wl_uuid, version, {"title": "Edited"}, {"title": "Mine"}
    ).execute()
    command = ctx.undo_stack.command(0)
    command.report = reported.append
    changed: list[str] = []
    ctx.data_changed.connect(changed.append)
    update_behind_the_back(seeded, wl_uuid, title="Theirs")
    ctx.undo_stack.undo()
    assert len(reported) == 1 and "changed to v3 by someone else" in reported[0]
    assert workload(seeded, wl_uuid)["title"] == "Theirs"  # type: ignore[index]
    assert ctx.undo_stack.count() == 0  # the step can no longer be replayed: it is dropped
    assert changed == ["workload"]  # the views still refresh to show the real state
    assert audit_ok(seeded)


def test_undo_steps_are_audited_as_compensating_writes(seeded: Org, ctx: Any) -> None:
    from sqlalchemy import select

    from app.domain import AuditEvent

    command = CreateEntityCommand(ctx, WORKLOAD, workload_values("PAY-9"))
    command.execute()
    ctx.undo_stack.undo()
    ctx.undo_stack.redo()
    with seeded.db.read() as s:
        actions = s.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.entity_uuid == command.uuid)
            .order_by(AuditEvent.seq)
        ).all()
    assert actions == ["create", "delete", "restore"]


def test_undo_a_create_after_editing_it_and_redo_both(seeded: Org, ctx: Any) -> None:
    """Each command expects the version the previous write left, whichever command it was."""
    create = CreateEntityCommand(ctx, WORKLOAD, workload_values("PAY-8", team=seeded.team))
    create.execute()
    UpdateEntityCommand(
        ctx, WORKLOAD, create.uuid, create.version, {"title": "Edited"}, {"title": "Change PAY-8"}
    ).execute()
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()
    assert workload(seeded, create.uuid) is None
    assert ctx.undo_stack.count() == 2  # nothing dropped out of the history
    ctx.undo_stack.redo()
    ctx.undo_stack.redo()
    assert workload(seeded, create.uuid)["title"] == "Edited"  # type: ignore[index]
    assert audit_ok(seeded)
