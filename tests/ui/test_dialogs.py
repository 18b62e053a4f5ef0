"""The generic edit dialog and the conflict dialog, driven the way a user drives them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialogButtonBox

from app.services import crud
from app.services.org import TEAM
from app.services.workloads import WORKLOAD, delete_workload
from tests.factories import Org, make_workload
from tests.ui.helpers import audit_count, audit_ok, update_behind_the_back, workload
from ui.widgets.dialogs.entity_dialog import EntityDialog
from ui.widgets.dialogs.field_editors import ComboEditor, DateEditor, RefsEditor, ZoneEditor

Show = Callable[[Any], Any]


def when_conflict_dialog_opens(dialog: EntityDialog, act: Callable[[Any], None]) -> None:
    """The conflict dialog runs its own event loop; act inside it once it is up."""
    QTimer.singleShot(0, lambda: act(dialog.conflict_dialog))


def test_bad_input_shows_a_field_error_and_writes_nothing(
    seeded: Org, ctx: Any, show: Show
) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1")
    events = audit_count(seeded)
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    assert isinstance(dialog.editors["size"], ComboEditor)  # the scale is picked, not typed
    dialog.editors["title"].set_value("A carefully typed title")
    dialog.editors["size"].set_value(4)  # e.g. an estimate imported before the scale rule
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.isVisible()
    assert "Job size must be on the scale 1, 2, 3, 5" in dialog.error_text("size")
    assert dialog.error_text("title") == ""
    assert dialog.values()["title"] == "A carefully typed title"
    assert workload(seeded, wl_uuid)["version"] == version  # type: ignore[index]
    assert audit_count(seeded) == events
    assert ctx.undo_stack.count() == 0
    dialog.editors["size"].set_value(5)
    dialog.accept()
    assert not dialog.isVisible()
    assert workload(seeded, wl_uuid)["size"] == 5  # type: ignore[index]


def test_create_needs_the_required_fields_then_saves(seeded: Org, ctx: Any, show: Show) -> None:
    initial = {"status": "planned", "size": 3, "change_class": "feature", "risk_tier": "low"}
    initial |= {"business_value": 1, "time_criticality": 1, "risk_reduction": 1}
    dialog = show(EntityDialog(ctx, WORKLOAD, initial=initial))
    saved: list[str] = []
    dialog.saved.connect(saved.append)
    dialog.accept()
    assert "⚠ Key is required" in dialog.error_text("key")
    assert "Title is required" in dialog.error_text("title")
    assert "Team is required" in dialog.error_text("team")  # never guessed for the user
    dialog.set_values({"key": "PAY-42", "title": "Ledger export", "team": seeded.team})
    dialog.accept()
    assert dialog.error_text("key") == ""  # fixed fields lose their message
    assert "a planned workload needs a target release" in dialog.error_text("target_release")
    dialog.set_values({"status": "backlog"})
    dialog.accept()
    assert not dialog.isVisible()
    assert len(saved) == 1
    created = workload(seeded, saved[0])
    assert created is not None and created["team"] == seeded.team
    assert ctx.undo_stack.undoText() == "Create workload PAY-42"


def test_stale_save_opens_the_conflict_dialog_and_keep_mine_saves(
    seeded: Org, ctx: Any, show: Show
) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1", title="Original", risk_tier="low")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Mine")
    update_behind_the_back(seeded, wl_uuid, title="Theirs", risk_tier="high")
    seen: dict[str, Any] = {}

    def keep_mine(conflict: Any) -> None:
        seen["differing"] = conflict.differing
        seen["defaults"] = {name: conflict.choice(name) for name in conflict.differing}
        conflict.keep_mine_button.click()

    when_conflict_dialog_opens(dialog, keep_mine)
    dialog.accept()
    assert seen["differing"] == ["title", "risk_tier"]
    # By default whoever changed a field wins it: my title, their risk tier.
    assert seen["defaults"] == {"title": "mine", "risk_tier": "theirs"}
    now = workload(seeded, wl_uuid)
    assert (now["title"], now["risk_tier"]) == ("Mine", "low")  # type: ignore[index]
    assert not dialog.isVisible()
    ctx.undo_stack.undo()  # back to what the database held before my save: theirs
    now = workload(seeded, wl_uuid)
    assert (now["title"], now["risk_tier"]) == ("Theirs", "high")  # type: ignore[index]
    assert audit_ok(seeded)


def test_per_field_merge_keeps_both_changes(seeded: Org, ctx: Any, show: Show) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1", title="Original", size=3, risk_tier="low")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Mine")
    dialog.editors["size"].set_value(8)
    update_behind_the_back(seeded, wl_uuid, title="Theirs", risk_tier="high")

    def merge(conflict: Any) -> None:
        conflict.choose("title", "theirs")
        conflict.merge_button.click()

    when_conflict_dialog_opens(dialog, merge)
    dialog.accept()
    now = workload(seeded, wl_uuid)
    assert (now["title"], now["size"], now["risk_tier"]) == ("Theirs", 8, "high")  # type: ignore[index]
    assert audit_ok(seeded)


def test_editing_a_row_someone_deleted_offers_to_recreate_it(
    seeded: Org, ctx: Any, show: Show
) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1", title="Original", risk_tier="low")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Mine")
    with seeded.db.transaction() as s:
        delete_workload(s, seeded.admin, wl_uuid, version)
    seen: dict[str, str] = {}

    def recreate(conflict: Any) -> None:
        seen["message"] = conflict.message.text()
        conflict.recreate_button.click()

    when_conflict_dialog_opens(dialog, recreate)
    dialog.accept()
    assert "was deleted by someone else" in seen["message"]
    assert workload(seeded, wl_uuid)["title"] == "Mine"  # type: ignore[index]  # same UUID
    assert audit_ok(seeded)


def test_discarding_after_a_delete_writes_nothing(seeded: Org, ctx: Any, show: Show) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Mine")
    with seeded.db.transaction() as s:
        delete_workload(s, seeded.admin, wl_uuid, version)
    events = audit_count(seeded)
    when_conflict_dialog_opens(dialog, lambda conflict: conflict.discard_button.click())
    dialog.accept()
    assert not dialog.isVisible()
    assert workload(seeded, wl_uuid) is None
    assert audit_count(seeded) == events


def test_viewer_sees_a_read_only_dialog(seeded: Org, viewer_ctx: Any, show: Show) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1")
    dialog = show(EntityDialog(viewer_ctx, WORKLOAD, wl_uuid, read_only=True))
    assert not dialog.editors["size"].combo.isEnabled()
    assert dialog.editors["title"].edit.isReadOnly()
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save) is None
    assert dialog.windowTitle() == "View workload PAY-1"


def test_permission_denied_is_shown_in_the_dialog(seeded: Org, viewer_ctx: Any, show: Show) -> None:
    wl_uuid, version = make_workload(seeded, "PAY-1")
    dialog = show(EntityDialog(viewer_ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Sneaky")
    dialog.accept()
    assert dialog.isVisible()
    assert "viewer may not change a workload" in dialog.banner.text()
    assert workload(seeded, wl_uuid)["version"] == version  # type: ignore[index]


def test_team_dialog_zone_and_optional_number(seeded: Org, ctx: Any, show: Show) -> None:
    dialog = show(EntityDialog(ctx, TEAM))
    zone = dialog.editors["timezone"]
    assert isinstance(zone, ZoneEditor)
    assert zone.combo.completer().filterMode() == Qt.MatchFlag.MatchContains
    dialog.set_values({"name": "Ledger", "timezone": "Mars/Olympus_Mons"})
    dialog.accept()
    assert "not an IANA time zone" in dialog.error_text("timezone")
    dialog.set_values({"timezone": "Asia/Kolkata", "capacity_cap": 40})
    assert dialog.values()["max_share_percent"] is None  # "none" is the optional's floor
    dialog.accept()
    assert not dialog.isVisible()
    with seeded.db.read() as s:
        from app.services.queries import team_rows

        ledger = next(t for t in team_rows(s) if t.name == "Ledger")
    assert (ledger.timezone, ledger.capacity_cap, ledger.max_share_percent) == (
        "Asia/Kolkata",
        40,
        None,
    )


def test_refs_and_date_editors_round_trip(seeded: Org, ctx: Any, show: Show) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1", must_ship_by="2026-03-31")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    components = dialog.editors["components"]
    ship = dialog.editors["must_ship_by"]
    assert isinstance(components, RefsEditor) and isinstance(ship, DateEditor)
    assert ship.value() == "2026-03-31"
    components.set_value([seeded.component])
    ship.check.setChecked(False)  # type: ignore[union-attr]
    assert dialog.changes() == {"components": [seeded.component], "must_ship_by": None}
    dialog.accept()
    now = workload(seeded, wl_uuid)
    assert now["components"] == [seeded.component] and now["must_ship_by"] is None  # type: ignore[index]
    with seeded.db.read() as s:
        assert crud.get(s, WORKLOAD, wl_uuid).components[0].name == "payments-api"


def test_back_to_editing_keeps_the_input_and_writes_nothing(
    seeded: Org, ctx: Any, show: Show
) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1", title="Original", risk_tier="low")
    dialog = show(EntityDialog(ctx, WORKLOAD, wl_uuid))
    dialog.editors["title"].set_value("Mine")
    update_behind_the_back(seeded, wl_uuid, risk_tier="high")
    events = audit_count(seeded)
    when_conflict_dialog_opens(dialog, lambda conflict: conflict.reject())
    dialog.accept()
    assert dialog.isVisible() and dialog.values()["title"] == "Mine"
    assert audit_count(seeded) == events
    assert ctx.undo_stack.count() == 0
