"""The Capacity board as a coordinator relies on it: a train's teams by release with each
cell's load against its limit, cards moved by mouse or keyboard with the consequences shown
first and a reason asked when the rules block, every move undoable, and a board that stays
usable with hundreds of cards in a cell."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QDialogButtonBox
from sqlalchemy import select

from app.domain import Team, Workload
from app.planning.plan import Consequence, PlanItem, PlanRelease, PlanSnapshot, PlanTeam
from app.services import crud
from app.services.org import TEAM
from app.services.releases import RELEASE, RELEASE_TRAIN
from app.services.workloads import WORKLOAD, add_dependency
from tests.factories import Org, workload_values
from tests.ui.helpers import audit_ok
from ui.views.capacity import CapacityView
from ui.views.capacity.board import Board
from ui.views.capacity.confirm import OverrideMoveDialog
from ui.views.capacity.layout import CARD, MORE, Layout, Metrics
from ui.views.capacity.paint import bar_words

Show = Callable[[Any], Any]


@dataclass
class World:
    org: Org
    releases: dict[str, int]
    """Release name → id."""
    items: dict[str, int]
    """Workload key → id."""


def build(org: Org) -> World:
    """A biweekly train with three upcoming releases both teams ride; Payments is over its
    default 20 points in R1 (13 + 8 + 5), and PAY-4 (R2) depends on PAY-5 (R2)."""
    actor = org.coordinator
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    with org.db.transaction() as s:
        train = crud.create(
            s,
            actor,
            RELEASE_TRAIN,
            {"name": "Payments Train", "rrule": "FREQ=WEEKLY;INTERVAL=2", "timezone": "UTC"},
        )
        releases = {}
        for n in range(3):
            window = start + timedelta(days=14 * n)
            row = crud.create(
                s,
                actor,
                RELEASE,
                {
                    "name": f"R{n + 1}",
                    "train": str(train.uuid),
                    "code_freeze_at": window - timedelta(days=2),
                    "window_start": window,
                    "window_end": window + timedelta(hours=2),
                    "status": "planned",
                },
            )
            releases[row.name] = row.id
        for team in s.scalars(select(Team)):
            crud.update(s, actor, TEAM, team.uuid, team.version, {"train": str(train.uuid)})
        rows = {}
        for key, size, value, release in (
            ("PAY-1", 13, 20, "R1"),
            ("PAY-2", 8, 13, "R1"),
            ("PAY-3", 5, 8, "R1"),
            ("PAY-4", 3, 5, "R2"),
            ("PAY-5", 2, 3, "R2"),
            ("PAY-6", 1, 2, None),
            ("MOB-1", 3, 5, "R1"),
        ):
            extra: dict[str, Any] = {"size": size, "business_value": value}
            if release:
                extra |= {"status": "planned", "target_release": release}
            if key.startswith("MOB"):
                extra["team"] = "Mobile"
            rows[key] = crud.create(s, actor, WORKLOAD, workload_values(key, **extra))
        add_dependency(s, actor, rows["PAY-4"].uuid, rows["PAY-5"].uuid)
        items = {key: row.id for key, row in rows.items()}
    return World(org, releases, items)


@pytest.fixture
def world(seeded: Org) -> World:
    return build(seeded)


def settle(view: CapacityView, qtbot: Any) -> CapacityView:
    qtbot.waitUntil(lambda: not view.busy, timeout=15000)
    assert view.board is not None, view.status.toolTip() or view.status.text()
    return view


@pytest.fixture
def open_view(qtbot: Any, show: Show) -> Iterator[Callable[[Any], CapacityView]]:
    views: list[CapacityView] = []

    def make(context: Any) -> CapacityView:
        gc.collect()  # earlier tests' widgets die here, on the GUI thread
        view = show(CapacityView(context))
        views.append(view)
        return settle(view, qtbot)

    yield make
    for view in views:  # no load may outlive the database it reads
        qtbot.waitUntil(lambda v=view: not v.busy, timeout=15000)


def release_of(org: Org, item_id: int) -> int | None:
    with org.db.read() as s:
        row = s.get(Workload, item_id)
        assert row is not None
        return row.target_release_id


def centre_of(view: CapacityView, item_id: int) -> QPointF:
    rect = view.canvas.card_rect(item_id)
    assert rect is not None, f"card {item_id} is not drawn"
    return rect.center()


def column_point(view: CapacityView, release: int | None, like: QPointF) -> QPointF:
    """A point in `release`'s column, at the height of `like`."""
    board, grid = view.board, view.canvas.grid
    assert board is not None and grid is not None
    column = board.column_of(release)
    assert column is not None
    left = grid.cell_rect(0, column).x - view.canvas.horizontalScrollBar().value()
    return QPointF(left + grid.col_w / 2, like.y())


def drag(view: CapacityView, qtbot: Any, start: QPointF, end: QPointF, *, drop: bool = True):
    vp = view.canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(vp, (start + QPointF(12, 4)).toPoint())
    qtbot.mouseMove(vp, end.toPoint())
    if drop:
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end.toPoint())


# ---------------------------------------------------------------------------------- layout
def test_the_board_shows_lanes_per_team_columns_per_release_and_the_cards(
    ctx: Any, world: World, open_view: Callable[..., CapacityView]
) -> None:
    view = open_view(ctx)
    board = view.board
    assert board is not None
    assert [t.name for t in board.teams] == ["Mobile", "Payments"]
    assert [c.title for c in board.columns] == ["Backlog", "R1", "R2", "R3"]
    assert view.train_combo.currentText() == "Payments Train"
    payments = board.lane_of(board.items[world.items["PAY-1"]].team)
    r1 = board.column_of(world.releases["R1"])
    assert payments == 1 and r1 == 1
    assert [i.key for i in board.cell(payments, r1)] == ["PAY-3", "PAY-2", "PAY-1"]  # by WSJF
    assert [i.key for i in board.cell(payments, 0)] == ["PAY-6"]
    for key in ("PAY-1", "PAY-4", "PAY-6", "MOB-1"):
        assert view.canvas.card_rect(world.items[key]) is not None, key
    blocked = board.items[world.items["PAY-4"]]
    assert not board.flags(blocked)  # its dependency ships in the same release
    assert view.filter_bar.count_label.text() == "2 teams · 6 planned · 1 over capacity"
    assert not view.canvas.viewport().grab().isNull()


def test_an_overcommitted_cell_says_over_in_words_and_its_bar_explains_the_limit(
    ctx: Any, world: World, open_view: Callable[..., CapacityView]
) -> None:
    view = open_view(ctx)
    board = view.board
    assert board is not None
    load = board.load(1, board.column_of(world.releases["R1"]))  # type: ignore[arg-type]
    assert load is not None and (load.committed, load.limit) == (26, 20)
    assert bar_words(load) == "26/20 · 6 over"
    calm = board.load(0, board.column_of(world.releases["R1"]))  # type: ignore[arg-type]
    assert calm is not None and bar_words(calm) == "3/20 · 17 free"
    from ui.views.capacity.cards import tip_at

    canvas, grid = view.canvas, view.canvas.grid
    assert grid is not None
    bar = canvas.to_view(grid.bar_rect(1, 1))
    tip = tip_at(canvas, bar.center())
    assert "Payments in R1: 26/20 · 6 over" in tip
    assert "Limit: no delivery history yet: default of 20 points" in tip


# ---------------------------------------------------------------------------------- moving
def test_dragging_a_card_to_another_release_moves_it_and_undo_moves_it_back(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    pay3, r1, r2 = world.items["PAY-3"], world.releases["R1"], world.releases["R2"]
    start = centre_of(view, pay3)
    target = column_point(view, r2, start)
    drag(view, qtbot, start, target, drop=False)
    dragging = view.canvas.drag
    assert dragging is not None and dragging.moved and not dragging.blocking
    assert any("Frees 5 points in R1" in c.text for c in dragging.consequences)
    assert not view.canvas.viewport().grab().isNull()  # ghost and label paint
    qtbot.mouseRelease(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=target.toPoint())
    assert view.board is not None and view.board.items[pay3].release == r2  # shown at once
    assert release_of(seeded, pay3) == r2
    assert ctx.undo_stack.undoText() == "Move PAY-3 to R2"
    settle(view, qtbot)
    assert view.canvas.card_rect(pay3) is not None
    ctx.undo_stack.undo()
    assert release_of(seeded, pay3) == r1
    assert view.board.items[pay3].release == r1
    settle(view, qtbot)
    ctx.undo_stack.redo()
    assert release_of(seeded, pay3) == r2
    settle(view, qtbot)
    assert audit_ok(seeded)


def test_a_blocking_target_shows_why_and_asks_for_a_reason_before_moving(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    asked: list[tuple[str, str, list[Consequence]]] = []
    answers: list[str | None] = [None, "Customer escalation"]

    def answer(
        _parent: Any, key: str, target: str, found: list[Consequence], _can: bool
    ) -> str | None:
        asked.append((key, target, found))
        return answers.pop(0)

    view.ask_override = answer
    pay4, r1, r2 = world.items["PAY-4"], world.releases["R1"], world.releases["R2"]
    start = centre_of(view, pay4)
    target = column_point(view, r1, start)
    drag(view, qtbot, start, target, drop=False)
    dragging = view.canvas.drag
    assert dragging is not None and dragging.blocking
    lines = [text for text, _level in dragging.lines()]
    assert "PAY-4 would ship in R1, before its dependency PAY-5 in R2" in lines
    assert lines[-1].startswith("BLOCKED")
    qtbot.mouseRelease(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=target.toPoint())
    assert asked and asked[0][:2] == ("PAY-4", "R1")
    assert release_of(seeded, pay4) == r2  # backed off: nothing moved
    assert ctx.undo_stack.count() == 0
    drag(view, qtbot, centre_of(view, pay4), target)
    assert release_of(seeded, pay4) == r1  # overridden, with the reason
    assert ctx.undo_stack.undoText() == "Move PAY-4 to R1"
    settle(view, qtbot)
    assert audit_ok(seeded)


def test_the_override_dialog_needs_a_reason_to_go_ahead(qtbot: Any) -> None:
    found = [
        Consequence("dependency", True, "PAY-4 would ship in R1, before its dependency PAY-5"),
        Consequence("capacity", False, "Payments: 29 of 20 points in R1 after the move"),
    ]
    dialog = OverrideMoveDialog("PAY-4", "R1", found, can_override=True)
    qtbot.addWidget(dialog)
    assert "BLOCKS" in dialog.consequences.text() and "PAY-5" in dialog.consequences.text()
    assert not dialog.move_button.isEnabled()
    dialog.reason.setPlainText("Customer escalation")
    assert dialog.move_button.isEnabled()
    dialog.move_button.click()
    assert dialog.result() == OverrideMoveDialog.DialogCode.Accepted
    assert dialog.text() == "Customer escalation"
    viewer = OverrideMoveDialog("PAY-4", "R1", found, can_override=False)
    qtbot.addWidget(viewer)
    assert viewer.move_button.isHidden()
    assert viewer.findChild(QDialogButtonBox) is not None


def test_escape_cancels_a_drag(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    pay3 = world.items["PAY-3"]
    start = centre_of(view, pay3)
    target = column_point(view, world.releases["R3"], start)
    drag(view, qtbot, start, target, drop=False)
    assert view.canvas.drag is not None and view.canvas.drag.moved
    shown = view.board
    view.refresh()  # a reload landing mid-drag waits until the drag is over
    qtbot.waitUntil(lambda: not view.busy, timeout=15000)
    assert view.board is shown and view._pending is not None
    qtbot.keyClick(view.canvas, Qt.Key.Key_Escape)
    assert view.canvas.drag is None
    assert view.board is not shown and view._pending is None
    qtbot.mouseRelease(view.canvas.viewport(), Qt.MouseButton.LeftButton, pos=target.toPoint())
    assert release_of(seeded, pay3) == world.releases["R1"]
    assert ctx.undo_stack.count() == 0


def test_a_drag_asks_the_checker_once_per_column_not_per_mouse_move(
    ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    start = centre_of(view, world.items["PAY-3"])
    r2 = column_point(view, world.releases["R2"], start)
    r3 = column_point(view, world.releases["R3"], start)
    vp = view.canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start.toPoint())
    for point in (r2, r2 + QPointF(5, 3), r2 + QPointF(-7, 9), r3, r2, r3 + QPointF(2, 2)):
        qtbot.mouseMove(vp, point.toPoint())
    assert view.canvas.drag is not None and view.canvas.drag.checks == 2
    view.canvas.cancel_drag()
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=start.toPoint())


def test_ctrl_right_ctrl_left_and_ctrl_b_move_the_focused_card(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    canvas = view.canvas
    pay3 = world.items["PAY-3"]
    qtbot.mouseClick(
        canvas.viewport(), Qt.MouseButton.LeftButton, pos=centre_of(view, pay3).toPoint()
    )
    assert canvas.current == pay3 and view.details.heading == "PAY-3 — Change PAY-3"
    qtbot.keyClick(canvas, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert release_of(seeded, pay3) == world.releases["R2"]
    assert "Move PAY-3 to R2" in view.status.text()
    assert canvas.current == pay3 and canvas.card_rect(pay3) is not None  # focus follows it
    settle(view, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert release_of(seeded, pay3) == world.releases["R1"]
    settle(view, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert release_of(seeded, pay3) is None
    assert ctx.undo_stack.undoText() == "Move PAY-3 to the backlog"
    settle(view, qtbot)
    qtbot.keyClick(canvas, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert "already in the backlog" in view.status.text()
    assert ctx.undo_stack.count() == 3


def test_arrow_keys_walk_the_cards_and_selecting_one_shows_its_details(
    ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    canvas = view.canvas
    picked: list[int] = []
    view.card_selected.connect(picked.append)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Down)  # starts on the first release's top card
    assert canvas.current == world.items["MOB-1"]
    qtbot.keyClick(canvas, Qt.Key.Key_Down)  # on into the Payments lane
    assert canvas.current == world.items["PAY-3"]
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.current == world.items["PAY-2"]
    qtbot.keyClick(canvas, Qt.Key.Key_Right)  # the same place in R2
    assert canvas.current == world.items["PAY-4"]
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    assert canvas.current == world.items["PAY-5"]
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert canvas.current == world.items["PAY-6"]  # the backlog
    assert picked[:3] == [world.items["MOB-1"], world.items["PAY-3"], world.items["PAY-2"]]
    text = view.details.body_text()
    assert "WSJF" in text and "Size" in text
    view.select_item(world.items["PAY-4"])
    assert "PAY-5 (R2)" in view.details.body_text()


def test_the_context_menu_offers_the_moves_and_the_planning_dialogs(
    ctx: Any, world: World, open_view: Callable[..., CapacityView]
) -> None:
    view = open_view(ctx)
    view.select_item(world.items["PAY-3"])
    menu = view.context_menu_for(world.items["PAY-3"])
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:3] == ["Move to next release", "Move to previous release", "Send to backlog"]
    assert {"Compare scope…", "Override risk tier…", "Auto-plan…", "Deferred work…"} <= set(texts)
    assert view.action("next").shortcut().toString() == "Ctrl+Right"
    assert view.action("backlog").shortcut().toString() == "Ctrl+B"
    assert view.action("auto_plan").shortcut().toString() == "Ctrl+Shift+A"


def test_a_viewer_cannot_drag_or_move(
    viewer_ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(viewer_ctx)
    assert not view.canvas.can_drag
    view.select_item(world.items["PAY-3"])
    assert not view.action("next").isEnabled()
    assert not view.request_move(world.items["PAY-3"], world.releases["R2"])
    assert "Read only" in view.status.text()


def test_the_team_filter_and_search_narrow_the_board_and_are_remembered(
    ctx: Any, world: World, open_view: Callable[..., CapacityView], qtbot: Any
) -> None:
    view = open_view(ctx)
    assert view.board is not None
    payments = view.board.items[world.items["PAY-1"]].team
    view.filter_bar.set_value("team", str(payments))
    assert [t.name for t in view.board.teams] == ["Payments"]
    assert view.find_card("pay-6") and view.canvas.current == world.items["PAY-6"]
    assert not view.find_card("no such card")
    again = open_view(ctx)
    assert again.board is not None and [t.name for t in again.board.teams] == ["Payments"]
    again.filter_bar.set_value("team", None)
    assert [t.name for t in again.board.teams] == ["Mobile", "Payments"]


# ----------------------------------------------------------------------------- empty states
def test_without_trains_the_board_says_what_to_do(
    ctx: Any, open_view: Callable[..., CapacityView]
) -> None:
    view = open_view(ctx)
    assert view.canvas.grid is None
    assert "No release trains yet" in view.canvas.empty_text
    assert not view.canvas.viewport().grab().isNull()


def test_a_train_no_team_rides_says_so(
    seeded: Org, ctx: Any, open_view: Callable[..., CapacityView]
) -> None:
    with seeded.db.transaction() as s:
        crud.create(
            s,
            seeded.coordinator,
            RELEASE_TRAIN,
            {"name": "Lonely Train", "rrule": "FREQ=WEEKLY", "timezone": "UTC"},
        )
    view = open_view(ctx)
    assert "No team ships with the Lonely Train train" in view.canvas.empty_text


# ----------------------------------------------------------------- many cards (hand-made)
def snapshot(cards_in_r1: int, backlog: int) -> PlanSnapshot:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    teams = (PlanTeam(1, "Core", 7, 34, "lower quartile of last 6 releases: 34 points"),)
    releases = tuple(
        PlanRelease(10 + n, f"R{n}", 7, now + timedelta(days=14 * (n + 1))) for n in range(3)
    )
    items = [
        PlanItem(i, f"C-{i}", f"Card {i}", 1, 3, float(i % 17), 9, "feature", "low", 10)
        for i in range(1, cards_in_r1 + 1)
    ]
    items += [
        PlanItem(1000 + i, f"B-{i}", f"Waiting {i}", 1, 2, float(i % 13), 5, "bug_fix", "low", None)
        for i in range(backlog)
    ]
    return PlanSnapshot(teams, releases, tuple(items), now=now)


def test_a_crowded_cell_shows_what_fits_and_more_on_demand() -> None:
    board = Board(snapshot(100, 800), 7)
    m = Metrics(card_h=60, header_h=50, bar_h=26, more_h=18, label_w=150, min_col_w=180)
    grid = Layout(board, m, 1000, 700)
    lane = grid.lanes[0]
    assert grid.shown(0, 1) == lane.rows < 100 and grid.hidden(0, 1) == 100 - lane.rows
    assert grid.hidden(0, 0) == 800 - lane.rows
    wsjf = [i.wsjf for i in board.cell(0, 1)]
    assert wsjf == sorted(wsjf, reverse=True)
    more = grid.more_rect(0, 1)
    assert more is not None
    hit = grid.hit(more.x + 5, more.y + 5)
    assert hit is not None and hit.kind == MORE
    card = grid.card_rect(0, 1, 1)
    hit = grid.hit(card.x + 5, card.y + 5)
    assert hit is not None and (hit.kind, hit.index) == (CARD, 1)
    opened = Layout(board, m, 1000, 700, {1: m.expand_step})
    assert opened.shown(0, 1) == lane.rows + m.expand_step
    assert list(opened.lanes_between(0, 300)) == [0]


def test_a_crowded_board_paints_and_expands_in_the_canvas(qtbot: Any, show: Show) -> None:
    from ui.views.capacity.canvas import BoardCanvas

    canvas = show(BoardCanvas())
    board = Board(snapshot(100, 800), 7)
    canvas.set_board(board)
    grid = canvas.grid
    assert grid is not None
    before = grid.shown(0, 1)
    more = grid.more_rect(0, 1)
    assert more is not None
    point = canvas.to_view(more).center().toPoint()
    qtbot.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert canvas.grid is not None and canvas.grid.shown(0, 1) == before + grid.m.expand_step
    assert canvas.verticalScrollBar().maximum() > 0
    assert not canvas.viewport().grab().isNull()
