"""The Calendar screen as a coordinator relies on it: three modes over real data, conflicts
that lead to their item, the display zone, dragging a release with a live what-if and undo,
filters, keys, dialogs, overrides and remembered state."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPointF, Qt
from sqlalchemy import select

from app.domain import Deployment, Environment, Workload
from app.planning.schedule import BLOCKING, HARD_FREEZE
from app.services import crud
from app.services.calendar import DEPLOYMENT_WINDOW, FREEZE, OVERRIDE, WAVE
from app.services.catalog import ENVIRONMENT
from app.services.releases import RELEASE, RELEASE_TRAIN
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values
from tests.ui.helpers import Messages, audit_ok
from ui.views.calendar import CalendarView
from ui.views.calendar.conflicts_panel import CONFLICT_ROLE, ConflictListModel
from ui.views.calendar.index import DEPLOYMENT, Ref
from ui.views.calendar.index import RELEASE as RELEASE_KIND
from ui.views.calendar.paint import freeze_label

Show = Callable[[Any], Any]

WINDOW_START = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
"""R1's deployment window: Wednesday 10 March 2027, 20:00–22:00 UTC (21:00 in Berlin)."""
IN_FREEZE = datetime(2027, 3, 17, 9, 0, tzinfo=UTC)
"""PAY-2's production deployment, inside the hard freeze of 16–19 March."""


@dataclass
class World:
    org: Org
    release: str
    freeze: str
    soft: str
    wave: str
    in_freeze: str
    """The deployment inside the hard freeze."""
    mobile: str
    """A Mobile team deployment."""


def build(org: Org) -> World:
    """One train with a release and its wave, a nightly window, a hard and a soft freeze,
    and deployments of two teams (one inside the hard freeze)."""
    actor = org.coordinator
    with org.db.transaction() as s:
        prod = crud.create(
            s, actor, ENVIRONMENT, {"name": "production", "position": 2, "is_production": True}
        )
        crud.create(
            s, actor, ENVIRONMENT, {"name": "staging", "position": 1, "is_production": False}
        )
        train = crud.create(
            s,
            actor,
            RELEASE_TRAIN,
            {
                "name": "Payments Train",
                "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
                "timezone": "Europe/Berlin",
            },
        )
        release = crud.create(
            s,
            actor,
            RELEASE,
            {
                "name": "R1",
                "train": str(train.uuid),
                "code_freeze_at": WINDOW_START - timedelta(days=3),
                "window_start": WINDOW_START,
                "window_end": WINDOW_START + timedelta(hours=2),
                "status": "planned",
            },
        )
        wave = crud.create(
            s,
            actor,
            WAVE,
            {
                "release": str(release.uuid),
                "position": 1,
                "name": "Canary",
                "starts_at": WINDOW_START,
                "ends_at": WINDOW_START + timedelta(minutes=45),
                "traffic_percent": 5,
                "bake_minutes": 30,
            },
        )
        crud.create(
            s,
            actor,
            DEPLOYMENT_WINDOW,
            {
                "name": "Nightly",
                "timezone": "UTC",
                "starts_local": "2027-03-01 06:00",
                "ends_local": "2027-03-01 23:00",
                "rrule": "FREQ=DAILY",
            },
        )
        freeze = crud.create(
            s,
            actor,
            FREEZE,
            {
                "name": "Quarter close",
                "timezone": "UTC",
                "starts_local": "2027-03-16 00:00",
                "ends_local": "2027-03-19 00:00",
                "all_day": True,
                "hard": True,
                "reason": "Finance closes the books",
            },
        )
        soft = crud.create(
            s,
            actor,
            FREEZE,
            {
                "name": "Conference",
                "timezone": "UTC",
                "starts_local": "2027-03-24 00:00",
                "ends_local": "2027-03-25 00:00",
                "all_day": True,
                "hard": False,
            },
        )
        pay1 = crud.create(
            s, actor, WORKLOAD, workload_values("PAY-1", status="planned", target_release="R1")
        )
        pay2 = crud.create(s, actor, WORKLOAD, workload_values("PAY-2"))
        mob = crud.create(s, actor, WORKLOAD, workload_values("MOB-1", team="Mobile"))

        def deploy(workload_id: int, start: datetime) -> Deployment:
            row = Deployment(
                workload_id=workload_id,
                environment_id=prod.id,
                owner_id=org.coordinator.person_id,
                planned_start=start,
                planned_end=start + timedelta(minutes=30),
                result="planned",
            )
            s.add(row)
            return row

        deploy(pay1.id, WINDOW_START + timedelta(minutes=50))
        inside = deploy(pay2.id, IN_FREEZE)
        mobile = deploy(mob.id, datetime(2027, 3, 11, 7, 0, tzinfo=UTC))
        s.flush()
        return World(
            org,
            str(release.uuid),
            str(freeze.uuid),
            str(soft.uuid),
            str(wave.uuid),
            str(inside.uuid),
            str(mobile.uuid),
        )


def settle(view: CalendarView, qtbot: Any) -> CalendarView:
    qtbot.waitUntil(lambda: not view.busy, timeout=15000)
    assert view.index is not None, view.status.toolTip() or view.status.text()
    return view


@pytest.fixture
def world(seeded: Org) -> World:
    return build(seeded)


@pytest.fixture
def open_view(world: World, qtbot: Any, show: Show) -> Iterator[Callable[[Any], CalendarView]]:
    views: list[CalendarView] = []

    def make(context: Any, day: date = date(2027, 3, 10)) -> CalendarView:
        # Earlier tests' widgets must be collected here, on the GUI thread: a collection
        # triggered inside a loading worker would destroy their timers from that thread.
        gc.collect()
        view = show(CalendarView(context))
        views.append(view)
        settle(view, qtbot)
        view.go_to(day)
        return settle(view, qtbot)

    yield make
    for view in views:  # no load may outlive the database it reads
        qtbot.waitUntil(lambda v=view: not v.busy, timeout=15000)


def window_of(org: Org, release: str) -> tuple[datetime, datetime]:
    with org.db.read() as s:
        row = crud.get(s, RELEASE, release)
        return row.window_start, row.window_end


def centre(view: CalendarView, ref: Ref, day: date | None = None) -> QPointF:
    rect = view.canvas.item_rect(ref, day)
    assert rect is not None, f"{ref} is not drawn"
    return rect.center()


# -------------------------------------------------------------------------------- modes
def test_each_mode_paints_the_release_freeze_and_deployments(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    release = Ref(RELEASE_KIND, world.release)
    assert view.nav.range_label.text() == "March 2027"
    assert view.month.item_rect(release) is not None
    drawn = {h.ref.kind for h in view.month.hits()}
    assert {"release", "freeze", "wave", "deployment", "window"} <= drawn
    qtbot.keyClick(view.canvas, Qt.Key.Key_W)
    settle(view, qtbot)
    assert view.state.mode == "week" and view.stack.currentWidget() is view.week
    assert view.nav.range_label.text() == "8 – 14 March 2027 · week 10"
    assert view.week.item_rect(release) is not None
    qtbot.keyClick(view.canvas, Qt.Key.Key_L)
    settle(view, qtbot)
    assert view.stack.currentWidget() is view.timeline
    assert view.timeline.item_rect(release) is not None
    assert [lane.name for lane in view.timeline.lanes()] == [
        "Payments Train",
        "Independent releases",
    ]
    view.set_lanes("teams")
    assert [lane.name for lane in view.timeline.lanes()] == ["Mobile", "Payments"]
    for canvas in view.canvases.values():  # every mode paints without error, in every state
        view.set_mode(canvas.mode_name)
        assert not canvas.viewport().grab().isNull()
    qtbot.keyClick(view.canvas, Qt.Key.Key_M)
    assert view.stack.currentWidget() is view.month


def test_hard_and_soft_freezes_differ_by_more_than_colour(
    ctx: Any, world: World, open_view: Callable[..., CalendarView]
) -> None:
    view = open_view(ctx)
    hard = view.month.item_rect(Ref("freeze", world.freeze))
    soft = view.month.item_rect(Ref("freeze", world.soft))
    assert hard is not None and soft is not None
    image = view.month.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    paper = view.month.colours.base

    def ink(rect: Any) -> float:
        """Share of the bar's pixels that are not plain paper: hatch lines, lock, words."""
        marked = total = 0
        for x in range(int(rect.left()) + 1, int(rect.right()) - 1):
            for y in range(int(rect.top()) + 1, int(rect.bottom()) - 1):
                colour = image.pixelColor(int(x * dpr), int(y * dpr))
                total += 1
                marked += abs(colour.lightness() - paper.lightness()) > 40
        return marked / max(1, total)

    assert ink(hard) > 1.5 * ink(soft) > 0  # dense cross-hatch and lock versus sparse lines
    assert (
        freeze_label(True, "Q") == "HARD freeze · Q"
        and freeze_label(False, "Q") == "soft freeze · Q"
    )
    tip = view._describe(Ref("freeze", world.freeze))
    assert "Hard freeze (blocks)" in tip and "Finance closes the books" in tip
    assert "Soft freeze (warns)" in view._describe(Ref("freeze", world.soft))


# ---------------------------------------------------------------------------- conflicts
def test_a_deployment_in_a_hard_freeze_is_listed_and_activating_it_picks_it(
    ctx: Any, world: World, open_view: Callable[..., CalendarView]
) -> None:
    view = open_view(ctx)
    model = view.conflicts.model
    rows = [model.conflict_at(i) for i in range(model.rowCount())]
    (conflict,) = [c for c in rows if c and c.subject == world.in_freeze and c.kind == HARD_FREEZE]
    assert conflict.severity == BLOCKING and "Quarter close" in conflict.reason
    row = model.row_of(world.in_freeze)
    text = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert text.startswith("Blocking: Hard freeze: PAY-2 → production") and "Next free:" in text
    view.go_to(date(2027, 1, 5))  # somewhere else entirely
    view.show_conflict(conflict)
    assert view.selected == Ref(DEPLOYMENT, world.in_freeze)
    assert view.month.month == date(2027, 3, 1) and view.anchor == date(2027, 3, 17)
    assert view.details_panel.title.text() == "PAY-2 → production"
    assert "Quarter close" in view.details_panel.body_text()
    marked = view.month.item_rect(Ref(DEPLOYMENT, world.in_freeze))
    assert marked is not None  # drawn, with its conflict glyph, where the user now looks


def test_activating_a_row_in_the_list_navigates(
    ctx: Any, world: World, open_view: Callable[..., CalendarView]
) -> None:
    view = open_view(ctx)
    view.set_mode("week")
    view.go_to(date(2027, 3, 17))
    row = view.conflicts.model.row_of(world.in_freeze)
    assert row >= 0
    view.go_to(date(2027, 3, 1))
    view.set_mode("month")
    view.conflicts.activate_row(view.conflicts.model.row_of(world.in_freeze))
    assert view.selected == Ref(DEPLOYMENT, world.in_freeze)


# ------------------------------------------------------------------------------- zones
def test_the_display_zone_moves_blocks_and_rewrites_times(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.set_mode("week")
    labels = [view.nav.zone.itemText(i) for i in range(view.nav.zone.count())]
    assert labels[1:] == ["UTC", "Team Mobile — America/New_York", "Team Payments — Europe/Berlin"]
    assert labels[0].startswith("Mine (")
    release = Ref(RELEASE_KIND, world.release)
    view.nav.choose_zone("UTC")
    view.week.scroll_to_hour(18)
    utc_top = view.week.item_rect(release).top()  # type: ignore[union-attr]
    assert "R1 · 20:00" in [label_of(view, h.ref) for h in view.week.hits()]
    view.nav.choose_zone("team:Payments")
    settle(view, qtbot)
    view.week.scroll_to_hour(18)
    berlin_top = view.week.item_rect(release).top()  # type: ignore[union-attr]
    assert berlin_top - utc_top == pytest.approx(view.week.hour_h, abs=1)
    assert "R1 · 21:00" in [label_of(view, h.ref) for h in view.week.hits()]
    tip = view._describe(release)
    assert "21:00 Berlin = 20:00 UTC" not in tip  # the display zone leads
    assert "Local times: 21:00 Berlin" in tip
    mobile = Ref(DEPLOYMENT, world.mobile)
    assert "Local times: 08:00 Berlin = 02:00 New York" in view._describe(mobile)
    view.select(mobile)
    assert "08:00 Berlin = 02:00 New York" in view.details_panel.body_text()


def label_of(view: CalendarView, ref: Ref) -> str:
    from ui.views.calendar.describe import label

    assert view.index is not None
    return label(view.index, ref, view.zone)


# ------------------------------------------------------------------------------ dragging
def test_dragging_a_release_asks_what_if_moves_it_and_undo_puts_it_back(
    seeded: Org,
    ctx: Any,
    world: World,
    open_view: Callable[..., CalendarView],
    qtbot: Any,
) -> None:
    view = open_view(ctx)
    view.nav.choose_zone("UTC")
    settle(view, qtbot)
    asked: list[tuple[str, datetime]] = []
    plan = view.loaded_calendar.plan  # type: ignore[union-attr]
    real = plan.what_if_release

    def spy(key: str, start: datetime, end: datetime) -> Any:
        asked.append((key, start))
        return real(key, start, end)

    plan.what_if_release = spy  # type: ignore[method-assign]
    canvas = view.month
    release = Ref(RELEASE_KIND, world.release)
    start = centre(view, release)
    here, there = canvas.day_rect(date(2027, 3, 10)), canvas.day_rect(date(2027, 3, 17))
    assert here is not None and there is not None
    target = start + (there.topLeft() - here.topLeft())  # into the hard freeze, a week on
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(vp, (start + QPointF(12, 0)).toPoint())
    qtbot.mouseMove(vp, target.toPoint())
    assert canvas.drag is not None and asked and asked[-1][0] == world.release
    assert asked[-1][1] == WINDOW_START + timedelta(days=7)
    assert canvas.drag.blocking and "blocking" in canvas.drag.verdict()
    assert "Quarter close" in canvas.drag.verdict()
    assert not vp.grab().isNull()  # the ghost and the floating label paint
    with qtbot.waitSignal(view.loaded, timeout=15000):
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=target.toPoint())
    assert window_of(seeded, world.release)[0] == WINDOW_START + timedelta(days=7)
    assert ctx.undo_stack.undoText().startswith("Move release R1 to Wed 17 Mar 20:00")
    settle(view, qtbot)
    with qtbot.waitSignal(view.loaded, timeout=15000):
        ctx.undo_stack.undo()
    assert window_of(seeded, world.release) == (WINDOW_START, WINDOW_START + timedelta(hours=2))
    ctx.undo_stack.redo()
    assert window_of(seeded, world.release)[0] == WINDOW_START + timedelta(days=7)
    ctx.undo_stack.undo()
    assert window_of(seeded, world.release)[0] == WINDOW_START
    settle(view, qtbot)
    assert audit_ok(seeded)


def test_escape_cancels_a_drag(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.set_mode("timeline")
    settle(view, qtbot)
    canvas = view.timeline
    release = Ref(RELEASE_KIND, world.release)
    start = centre(view, release)
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start.toPoint())
    qtbot.mouseMove(vp, (start + QPointF(40, 0)).toPoint())
    assert canvas.drag is not None and canvas.drag.moved
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.drag is None
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=(start + QPointF(40, 0)).toPoint())
    assert window_of(seeded, world.release)[0] == WINDOW_START
    assert ctx.undo_stack.count() == 0


def test_resizing_a_wave_in_the_timeline_is_undoable(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.set_mode("timeline")
    canvas = view.timeline
    canvas.zoom_to(520.0)
    canvas.show_time(WINDOW_START - timedelta(hours=2))
    settle(view, qtbot)
    wave = Ref("wave", world.wave)
    rect = canvas.item_rect(wave)
    assert rect is not None
    edge = QPointF(rect.right() - 2, rect.center().y())
    vp = canvas.viewport()
    hour = 520.0 / 24
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=edge.toPoint())
    qtbot.mouseMove(vp, (edge + QPointF(6, 0)).toPoint())
    qtbot.mouseMove(vp, (edge + QPointF(hour, 0)).toPoint())
    assert canvas.drag is not None and canvas.drag.mode == "resize"
    with qtbot.waitSignal(view.loaded, timeout=15000):
        qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=(edge + QPointF(hour, 0)).toPoint())
    with seeded.db.read() as s:
        row = crud.get(s, WAVE, world.wave)
        assert row.starts_at == WINDOW_START
        assert row.ends_at == WINDOW_START + timedelta(minutes=45 + 60)
    ctx.undo_stack.undo()
    with seeded.db.read() as s:
        assert crud.get(s, WAVE, world.wave).ends_at == WINDOW_START + timedelta(minutes=45)
    settle(view, qtbot)


def test_a_viewer_cannot_drag_or_edit(
    viewer_ctx: Any, world: World, open_view: Callable[..., CalendarView], messages: Messages
) -> None:
    view = open_view(viewer_ctx)
    assert not view.month.can_drag and not view.nav.new_button.isEnabled()
    view.new_entity("freeze")
    assert "Read only" in messages.texts("warning")[0]
    view.select(Ref(RELEASE_KIND, world.release))
    view.edit_selected()
    assert view.dialog is not None and view.dialog.read_only  # type: ignore[attr-defined]
    view.dialog.reject()  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------- filters
def test_filters_reduce_what_is_shown(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    assert view.index is not None and len(view.index.data.deployments) == 3
    qtbot.waitUntil(lambda: view.filter_bar.combo("teams").count() == 3)
    view.filter_bar.set_value("teams", "Mobile")
    qtbot.waitUntil(
        lambda: (
            view.loaded_calendar is not None
            and view.loaded_calendar.filters.teams == frozenset({"Mobile"})
        ),
        timeout=15000,
    )
    settle(view, qtbot)
    assert [d.workload for d in view.index.data.deployments] == ["MOB-1"]
    assert view.index.data.releases == []
    assert view.month.item_rect(Ref(RELEASE_KIND, world.release)) is None
    assert view.filter_bar.count_label.text() == "0 releases · 1 deploy"
    view.filter_bar.set_value("teams", None)
    view.filter_bar.set_value("environments", "staging")
    qtbot.waitUntil(
        lambda: (
            view.loaded_calendar is not None
            and view.loaded_calendar.filters.environments == frozenset({"staging"})
        ),
        timeout=15000,
    )
    assert view.index.data.deployments == []


# ---------------------------------------------------------------------------- keyboard
def test_keys_move_the_page_the_cursor_and_pick_items(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any, messages: Messages
) -> None:
    view = open_view(ctx)
    canvas = view.month
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_PageDown)
    assert view.nav.range_label.text() == "April 2027"
    qtbot.keyClick(canvas, Qt.Key.Key_PageUp)
    assert view.nav.range_label.text() == "March 2027"
    view.go_to(date(2027, 3, 9))
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.focus_day == date(2027, 3, 10)
    qtbot.keyClick(canvas, Qt.Key.Key_Down)
    assert canvas.focus_day == date(2027, 3, 17)
    qtbot.keyClick(canvas, Qt.Key.Key_Up)
    qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert view.selected is not None
    refs = canvas.refs_on(date(2027, 3, 10))
    assert Ref(RELEASE_KIND, world.release) in refs
    while view.selected != Ref(RELEASE_KIND, world.release):
        qtbot.keyClick(canvas, Qt.Key.Key_Tab)
    assert view.details_panel.title.text() == "R1"
    qtbot.keyClick(canvas, Qt.Key.Key_Return)
    assert view.dialog is not None and view.dialog.windowTitle() == "Edit release R1"
    view.dialog.reject()  # type: ignore[attr-defined]
    qtbot.keyClick(canvas, Qt.Key.Key_T)
    today = canvas.today()
    assert canvas.month == today.replace(day=1)
    settle(view, qtbot)


def test_timeline_zoom_and_pan(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.set_mode("timeline")
    canvas = view.timeline
    canvas.setFocus()
    before = canvas.px_per_day
    qtbot.keyClick(canvas, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert canvas.px_per_day > before
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert canvas.px_per_day < before
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.px_per_day == before
    origin = canvas.origin
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.origin > origin
    view.go(1)
    assert canvas.origin > origin + timedelta(days=27)
    settle(view, qtbot)  # panning far reloads the range around what is shown
    start, end = canvas.visible_range()
    assert view.index is not None
    assert view.index.data.after <= start and view.index.data.before >= end


# ----------------------------------------------------------------------------- editing
def test_new_freeze_delete_and_undo(
    seeded: Org,
    ctx: Any,
    world: World,
    open_view: Callable[..., CalendarView],
    qtbot: Any,
    messages: Messages,
) -> None:
    view = open_view(ctx)
    view.go_to(date(2027, 3, 22))
    view.new_entity("freeze")
    dialog = view.dialog
    assert dialog is not None and dialog.windowTitle() == "New freeze"
    dialog.editors["name"].set_value("Release party")  # type: ignore[attr-defined]
    assert dialog.values()["starts_local"] == "2027-03-22T00:00"  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.loaded, timeout=15000):
        dialog.accept()  # type: ignore[attr-defined]
    settle(view, qtbot)
    assert view.selected is not None and view.selected.kind == "freeze"
    key = view.selected.key
    assert view.index is not None and view.index.freezes[key].name == "Release party"
    assert view.month.item_rect(Ref("freeze", key)) is not None
    view.delete_selected()
    assert "Delete freeze “Release party”?" in messages.texts("question")[0]
    settle(view, qtbot)
    assert view.index is not None and key not in view.index.freezes
    ctx.undo_stack.undo()
    settle(view, qtbot)
    assert key in view.index.freezes
    assert audit_ok(seeded)


def test_requesting_and_approving_an_override(
    seeded: Org, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    from ui.context import AppContext

    coordinator = AppContext(seeded.db)
    coordinator.actor = seeded.coordinator
    view = open_view(coordinator)
    view.select(Ref("freeze", world.freeze))
    assert view.details_panel.request_button.isVisible()
    view.details_panel.request_button.click()
    dialog = view.dialog
    assert dialog is not None
    subjects = [dialog.subject.itemText(i) for i in range(dialog.subject.count())]  # type: ignore[attr-defined]
    assert subjects[0] == "PAY-2 → production"
    dialog.accept()  # type: ignore[attr-defined]
    assert dialog.isVisible() and "justification" in dialog.banner.text()  # type: ignore[attr-defined]
    dialog.justification.setPlainText("Regulator deadline")  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.loaded, timeout=15000):
        dialog.accept()  # type: ignore[attr-defined]
    settle(view, qtbot)
    (override,) = view.index.overrides_of[world.freeze]  # type: ignore[union-attr]
    assert override.status == "requested" and override.subject.startswith("deployment ")
    assert coordinator.undo_stack.undoText() == "Request override of Quarter close"

    approver = AppContext(seeded.db)
    approver.actor = seeded.approver
    other = open_view(approver)
    other.select(Ref("freeze", world.freeze))
    panel = other.details_panel
    panel.overrides.setCurrentRow(0)
    assert panel.approve_button.isEnabled()
    with qtbot.waitSignal(other.loaded, timeout=15000):
        panel.approve_button.click()
    settle(other, qtbot)
    (decided,) = other.index.overrides_of[world.freeze]  # type: ignore[union-attr]
    assert decided.status == "approved" and decided.decided_by == "Abe Approver"
    with seeded.db.read() as s:
        assert crud.get(s, OVERRIDE, decided.key).status == "approved"
    approver.undo_stack.undo()
    with seeded.db.read() as s:
        assert crud.get(s, OVERRIDE, decided.key).status == "requested"
    settle(other, qtbot)
    assert audit_ok(seeded)
    coordinator.undo_stack.clear()
    approver.undo_stack.clear()


# ------------------------------------------------------------------------ models, state
def test_conflict_model_passes_the_model_tester(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtmodeltester: Any
) -> None:
    view = open_view(ctx)
    model = view.conflicts.model
    assert model.rowCount() > 0
    assert model.data(model.index(0, 0), CONFLICT_ROLE) is not None
    qtmodeltester.check(model)
    qtmodeltester.check(ConflictListModel())


def test_mode_zone_zoom_and_filters_are_remembered(
    ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    view = open_view(ctx)
    view.set_mode("timeline")
    view.timeline.zoom(1)
    view.set_lanes("teams")
    view.nav.choose_zone("team:Mobile")
    qtbot.waitUntil(lambda: view.filter_bar.combo("teams").count() == 3)
    view.filter_bar.set_value("teams", "Payments")
    settle(view, qtbot)
    again = open_view(ctx)
    assert again.state.mode == "timeline" and again.stack.currentWidget() is again.timeline
    assert again.timeline.px_per_day == view.timeline.px_per_day
    assert again.timeline.grouping == "teams"
    assert again.zone == "America/New_York"
    qtbot.waitUntil(lambda: again.filter_bar.value("teams") == "Payments")
    settle(again, qtbot)
    assert again.current_filters().teams == frozenset({"Payments"})


def test_a_busy_day_shows_a_count_not_every_deployment(
    seeded: Org, ctx: Any, world: World, open_view: Callable[..., CalendarView], qtbot: Any
) -> None:
    with seeded.db.transaction() as s:
        env = s.scalars(select(Environment).where(Environment.name == "staging")).one()
        pay = s.scalars(select(Workload).where(Workload.key == "PAY-2")).one()
        for i in range(40):
            at = datetime(2027, 3, 23, 6, 0, tzinfo=UTC) + timedelta(minutes=20 * i)
            s.add(
                Deployment(
                    workload_id=pay.id,
                    environment_id=env.id,
                    planned_start=at,
                    planned_end=at + timedelta(minutes=15),
                    result="planned",
                )
            )
    view = open_view(ctx)
    view.month.hits()
    counts = [m for m in view.month._more if not m.refs]
    assert any(m.day == date(2027, 3, 23) and "40 deployments" in m.text for m in counts)
    singles = [h for h in view.month.hits() if h.ref.kind == DEPLOYMENT]
    assert all(date(2027, 3, 23) not in h.days for h in singles)
    chip = next(m for m in counts if m.day == date(2027, 3, 23))
    qtbot.mouseClick(
        view.month.viewport(), Qt.MouseButton.LeftButton, pos=chip.rect.center().toPoint()
    )
    assert view.state.mode == "week" and view.anchor == date(2027, 3, 23)
    settle(view, qtbot)
    view.week.hits()
    hourly = [m for m in view.week._more if m.day == date(2027, 3, 23)]
    assert hourly and all("deployments" in m.text for m in hourly)


def test_more_lists_the_hidden_items(
    ctx: Any, world: World, open_view: Callable[..., CalendarView]
) -> None:
    view = open_view(ctx)
    refs = [Ref(RELEASE_KIND, world.release), Ref(DEPLOYMENT, world.mobile)]
    view.nav.choose_zone("UTC")
    menu = view.more_menu_for(date(2027, 3, 10), refs)
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts == [
        "Release: R1 · 20:00",
        "Deployment: 07:00 MOB-1 → production",
        "Open this day in the week",
    ]
    menu.actions()[1].trigger()
    assert view.selected == Ref(DEPLOYMENT, world.mobile)
    menu.actions()[-1].trigger()
    assert view.state.mode == "week" and view.anchor == date(2027, 3, 10)


def test_presentation_font_enlarges_the_calendar(
    ctx: Any, world: World, open_view: Callable[..., CalendarView]
) -> None:
    view = open_view(ctx)
    release = Ref(RELEASE_KIND, world.release)
    small = view.month.item_rect(release)
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    view.setFont(font)
    large = view.month.item_rect(release)
    assert small is not None and large is not None and large.height() > small.height()


def test_a_deployment_opens_for_its_owner_and_times_and_undo_restores_them(
    seeded: Org,
    ctx: Any,
    world: World,
    open_view: Callable[..., CalendarView],
    qtbot: Any,
    messages: Messages,
) -> None:
    view = open_view(ctx)
    ref = Ref(DEPLOYMENT, world.in_freeze)
    view.select(ref)
    assert "Planned length" in view.details_panel.body_text()
    view.edit_selected()
    dialog = view.dialog
    assert dialog is not None and set(dialog.editors) == {  # type: ignore[attr-defined]
        "owner", "planned_start", "planned_end", "actual_start", "actual_end", "result"
    }  # fmt: skip
    before = view.index.deployments[world.in_freeze].planned_end  # type: ignore[union-attr]
    later = before + timedelta(minutes=30)
    dialog.editors["planned_end"].set_value(later.isoformat())  # type: ignore[attr-defined]
    with qtbot.waitSignal(view.loaded, timeout=15000):
        dialog.accept()  # type: ignore[attr-defined]
    settle(view, qtbot)
    assert view.index is not None and view.index.deployments[world.in_freeze].planned_end == later
    ctx.undo_stack.undo()
    settle(view, qtbot)
    assert view.index.deployments[world.in_freeze].planned_end == before
    view.select(ref)
    view.delete_selected()
    assert not messages.texts("question")  # a deployment is a record: no delete
    assert audit_ok(seeded)
