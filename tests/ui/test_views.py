"""The three list screens as a coordinator uses them: filter, sort, keys, permissions, undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt

from tests.factories import Org, make_workload
from tests.ui.helpers import Messages, add_workloads, audit_ok, update_behind_the_back, workload
from ui.views.components import ComponentsView
from ui.views.teams import TeamsView
from ui.views.workloads import WorkloadsView

Show = Callable[[Any], Any]


def keys_shown(view: WorkloadsView) -> list[str]:
    return [view.model.row_at(r).key for r in range(view.model.rowCount())]  # type: ignore[union-attr]


def select(view: Any, *rows: int) -> None:
    view.table.setFocus()
    selection = view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.setCurrentIndex(view.model.index(rows[0], 0), flags)
    for row in rows[1:]:
        selection.select(view.model.index(row, 0), flags)


def test_filters_narrow_the_workloads_and_the_count_says_so(
    seeded: Org, ctx: Any, show: Show, qtbot: Any
) -> None:
    make_workload(seeded, "PAY-1", title="Ledger export")
    make_workload(seeded, "PAY-2", risk_tier="high")
    make_workload(seeded, "MOB-1", team="Mobile", change_class="bug_fix")
    view = show(WorkloadsView(ctx))
    assert view.filter_bar.count_label.text() == "3 of 3 workloads"
    view.filter_bar.set_value("team", seeded.team)
    assert keys_shown(view) == ["PAY-1", "PAY-2"]
    assert view.filter_bar.count_label.text() == "2 of 3 workloads"
    view.filter_bar.set_value("risk_tier", "high")
    assert keys_shown(view) == ["PAY-2"]
    view.filter_bar.set_value("team", None)
    view.filter_bar.set_value("risk_tier", None)
    with qtbot.waitSignal(view.filter_bar.changed, timeout=2000):
        qtbot.keyClicks(view.filter_bar.search, "ledger")  # debounced: one query, not six
    assert keys_shown(view) == ["PAY-1"]
    view.filter_bar.search.clear()
    view.filter_bar.apply_now()
    view.filter_bar.set_value("change_class", "bug_fix")
    assert keys_shown(view) == ["MOB-1"]


def test_clicking_the_wsjf_header_sorts_by_wsjf(
    seeded: Org, ctx: Any, show: Show, qtbot: Any
) -> None:
    add_workloads(seeded, 20)
    view = show(WorkloadsView(ctx))
    header = view.table.horizontalHeader()
    column = view.model.column_of("wsjf")
    point = QPoint(header.sectionViewportPosition(column) + 10, header.height() // 2)
    for _ in range(2):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=point)
        values = [view.model.row_at(r).wsjf for r in range(20)]  # type: ignore[union-attr]
        descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        assert view.model.sort_key == "wsjf"
        assert values == sorted(values, reverse=descending)
        assert values[0] != values[-1]


def test_keyboard_new_edit_search(seeded: Org, ctx: Any, show: Show, qtbot: Any) -> None:
    make_workload(seeded, "PAY-1")
    make_workload(seeded, "PAY-2")
    view = show(WorkloadsView(ctx))
    select(view, 1)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.dialog.isVisible() and view.dialog.windowTitle() == "Edit workload PAY-2"
    view.dialog.reject()
    qtbot.keyClick(view.table, Qt.Key.Key_Insert)
    assert view.dialog.isVisible() and view.dialog.windowTitle() == "New workload"
    view.dialog.reject()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.dialog.windowTitle() == "New workload"
    view.dialog.reject()
    qtbot.keyClick(view.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.focusWidget() is view.filter_bar.search


def test_edit_through_the_view_keeps_the_row_selected_and_undoes(
    seeded: Org, ctx: Any, show: Show
) -> None:
    make_workload(seeded, "PAY-1")
    wl_uuid, _ = make_workload(seeded, "PAY-2", title="Before")
    view = show(WorkloadsView(ctx))
    select(view, 1)
    view.edit_selected()
    view.dialog.editors["title"].set_value("After")
    view.dialog.accept()
    assert view.current_row().title == "After"  # refreshed, same row still selected
    ctx.undo_stack.undo()
    assert view.current_row().title == "Before"
    assert workload(seeded, wl_uuid)["title"] == "Before"  # type: ignore[index]


def test_delete_asks_then_deletes_and_undo_brings_it_back(
    seeded: Org, ctx: Any, show: Show, messages: Messages, qtbot: Any
) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1")
    make_workload(seeded, "PAY-2")
    view = show(WorkloadsView(ctx))
    select(view, 0)
    messages.confirm = False
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert messages.texts("question") == [
        "Delete workload “PAY-1”?\n\nYou can undo this with Undo (Ctrl+Z)."
    ]
    assert keys_shown(view) == ["PAY-1", "PAY-2"]
    messages.confirm = True
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    assert keys_shown(view) == ["PAY-2"]
    assert view.filter_bar.count_label.text() == "1 of 1 workloads"
    ctx.undo_stack.undo()
    assert sorted(keys_shown(view)) == ["PAY-1", "PAY-2"]
    assert wl_uuid in [view.model.row_at(r).uuid for r in range(2)]  # type: ignore[union-attr]
    assert audit_ok(seeded)


def test_deleting_several_is_one_undo_step(
    seeded: Org, ctx: Any, show: Show, messages: Messages
) -> None:
    add_workloads(seeded, 4)
    view = show(WorkloadsView(ctx))
    select(view, 0, 2, 3)
    view.delete_selected()
    assert messages.texts("question")[0].startswith("Delete 3 workloads?")
    assert keys_shown(view) == ["BULK-1"]
    assert ctx.undo_stack.count() == 1
    ctx.undo_stack.undo()
    assert len(keys_shown(view)) == 4


def test_deleting_a_stale_row_is_explained_and_refreshes(
    seeded: Org, ctx: Any, show: Show, messages: Messages
) -> None:
    wl_uuid, _ = make_workload(seeded, "PAY-1", title="Before")
    view = show(WorkloadsView(ctx))
    select(view, 0)
    assert view.current_row().title == "Before"  # what the user is looking at
    update_behind_the_back(seeded, wl_uuid, title="Changed elsewhere")
    view.delete_selected()
    assert "changed or deleted by someone else" in messages.texts("warning")[0]
    assert workload(seeded, wl_uuid) is not None
    assert view.current_row().title == "Changed elsewhere"
    assert ctx.undo_stack.count() == 0


def test_refused_delete_is_shown_as_a_message(
    seeded: Org, ctx: Any, show: Show, messages: Messages
) -> None:
    make_workload(seeded, "PAY-1")
    view = show(TeamsView(ctx))
    assert view.select_uuid(seeded.team)
    view.delete_selected()
    [warning] = messages.texts("warning")
    assert warning.startswith("Cannot delete this team: 'Payments' is still used by")
    assert "1 workload" in warning
    assert view.model.rowCount() == 2


def test_viewer_sees_why_editing_is_disabled(
    seeded: Org, viewer_ctx: Any, show: Show, messages: Messages, qtbot: Any
) -> None:
    make_workload(seeded, "PAY-1")
    view = show(WorkloadsView(viewer_ctx))
    select(view, 0)
    for action in (view.new_action, view.edit_action, view.delete_action):
        assert not action.isEnabled()
        assert "needs the admin or coordinator role" in action.toolTip()
        assert "Vic Viewer (viewer)" in action.toolTip()
    qtbot.keyClick(view.table, Qt.Key.Key_Delete)
    qtbot.keyClick(view.table, Qt.Key.Key_Insert)
    assert view.dialog is None and view.model.rowCount() == 1
    assert len(messages.texts("warning")) == 2  # the keys say why they do nothing
    assert messages.texts("warning")[0].startswith("Read only: you are signed in as Vic")
    qtbot.keyClick(view.table, Qt.Key.Key_Return)  # looking is allowed
    assert view.dialog.read_only and view.dialog.windowTitle() == "View workload PAY-1"


def test_other_writes_refresh_the_visible_view(seeded: Org, ctx: Any, show: Show) -> None:
    teams = show(TeamsView(ctx))
    components = ComponentsView(ctx)  # created but never shown: catches up when shown
    assert teams.filter_bar.count_label.text() == "2 of 2 teams"
    from app.services.org import TEAM
    from ui.undo import CreateEntityCommand

    CreateEntityCommand(ctx, TEAM, {"name": "Ledger", "timezone": "Asia/Tokyo"}).execute()
    assert teams.model.rowCount() == 3
    assert components._stale
    show(components)
    assert not components._stale
    assert components.filter_bar.combo("team").count() == 4  # "All teams" + three


def test_teams_search_and_components_filters(seeded: Org, ctx: Any, show: Show) -> None:
    teams = show(TeamsView(ctx))
    teams.filter_bar.search.setText("new_york")
    teams.filter_bar.apply_now()
    assert [teams.model.row_at(0).name] == ["Mobile"]
    assert teams.filter_bar.count_label.text() == "1 of 2 teams"
    components = show(ComponentsView(ctx))
    assert components.model.rowCount() == 1
    components.filter_bar.set_value("kind", "database")
    assert components.model.rowCount() == 0
    assert components.filter_bar.count_label.text() == "0 of 1 components"
    components.filter_bar.set_value("kind", "service")
    components.filter_bar.set_value("team", seeded.team)
    assert components.model.row_at(0).data_classes == "PII, financial"
