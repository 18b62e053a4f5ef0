"""The calendar canvases on hand-made data: what each mode draws, where, and in which zone;
busy days as counts; the today mark; the ghost of a drag; and the helpers behind them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF

from app.planning.recurrence import Occurrence
from app.planning.schedule import BLOCKING, HARD_FREEZE, WARNING, Conflict
from app.services.calendar_data import (
    CalendarData,
    DeploymentItem,
    FreezeItem,
    OverrideItem,
    ReleaseItem,
    WaveItem,
    WindowItem,
)
from ui.views.calendar.canvas import CalendarCanvas
from ui.views.calendar.describe import details
from ui.views.calendar.drag import MOVE, Drag, snapped, wrapped
from ui.views.calendar.index import TEAMS, CalendarIndex, Ref
from ui.views.calendar.month import MonthCanvas
from ui.views.calendar.paint import TODAY_HUE
from ui.views.calendar.timegrid import days, month_grid, pack, range_text
from ui.views.calendar.timeline import TimelineCanvas
from ui.views.calendar.week import WeekCanvas
from ui.views.calendar.zones import city, resolve, zone_choices, zones_line

Show = Callable[[Any], Any]
NOW = datetime(2027, 3, 11, 12, 0, tzinfo=UTC)
START = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)


def deployment(
    key: str,
    at: datetime,
    *,
    team: str = "Payments",
    done: bool = False,
    release: str | None = None,
) -> DeploymentItem:
    return DeploymentItem(
        key=key,
        version=1,
        label=f"{key.upper()} → production",
        workload=key.upper(),
        team=team,
        components=("payments-api",),
        environment="production",
        production=True,
        owner="cora",
        planned_start=at,
        planned_end=at + timedelta(minutes=30),
        actual_start=at if done else None,
        actual_end=at + timedelta(minutes=25) if done else None,
        result="succeeded" if done else "planned",
        release=release,
    )


def data() -> CalendarData:
    """One release with a wave, a nightly window, a hard and a soft freeze (one approved
    override), a busy Tuesday of 40 deployments, and a blocking conflict."""
    freeze = Occurrence(
        datetime(2027, 3, 16, tzinfo=UTC), datetime(2027, 3, 19, tzinfo=UTC), datetime(2027, 3, 16)
    )
    soft = Occurrence(
        datetime(2027, 3, 24, tzinfo=UTC), datetime(2027, 3, 25, tzinfo=UTC), datetime(2027, 3, 24)
    )
    nights = tuple(
        Occurrence(
            datetime(2027, 3, d, 22, tzinfo=UTC),
            datetime(2027, 3, d + 1, 2, tzinfo=UTC),
            datetime(2027, 3, d, 22),
        )
        for d in range(1, 31)
    )
    busy = [
        deployment(
            f"b{i}",
            datetime(2027, 3, 23, 6, tzinfo=UTC) + timedelta(minutes=15 * i),
            team="Mobile",
            done=i % 2 == 0,
        )
        for i in range(40)
    ]
    inside = deployment("pay-2", datetime(2027, 3, 17, 9, tzinfo=UTC))
    return CalendarData(
        after=datetime(2027, 2, 22, tzinfo=UTC),
        before=datetime(2027, 4, 6, tzinfo=UTC),
        releases=[
            ReleaseItem(
                "r1",
                1,
                "R1",
                "Payments Train",
                "planned",
                "Europe/Berlin",
                START - timedelta(days=3),
                START,
                START + timedelta(hours=2),
                4,
                ("Payments",),
            )
        ],
        deployments=[deployment("pay-1", START + timedelta(minutes=50), release="r1"), inside]
        + busy,
        windows=[
            WindowItem("w1", 1, "Nightly", "production", "UTC", "every day 22:00–02:00", nights)
        ],
        freezes=[
            FreezeItem(
                "f1",
                1,
                "Quarter close",
                True,
                "UTC",
                "everything",
                "16–19 March",
                "Finance closes the books",
                (freeze,),
            ),
            FreezeItem(
                "f2",
                1,
                "Conference",
                False,
                "UTC",
                "teams Mobile",
                "24 March",
                "",
                (soft,),
                teams=("Mobile",),
            ),
        ],
        waves=[WaveItem("v1", 1, "r1", 1, "Canary", START, START + timedelta(minutes=45), 5, 30)],
        overrides=[
            OverrideItem(
                "o1",
                1,
                "f1",
                "R1",
                "approved",
                "Cora",
                "Abe",
                datetime(2027, 3, 19, tzinfo=UTC),
                "Regulator deadline",
            ),
        ],
        conflicts=[
            Conflict(
                HARD_FREEZE,
                BLOCKING,
                "pay-2",
                "PAY-2 → production",
                "PAY-2 → production overlaps the hard freeze 'Quarter close'",
                inside.planned_start,
                inside.planned_end,
                "f1",
                datetime(2027, 3, 19, tzinfo=UTC),
            ),
            Conflict(
                HARD_FREEZE,
                WARNING,
                "b3",
                "B3 → production",
                "a warning",
                busy[3].planned_start,
                busy[3].planned_end,
            ),
        ],
        team_zones={"Payments": "Europe/Berlin", "Mobile": "America/New_York"},
    )


@pytest.fixture
def index() -> CalendarIndex:
    return CalendarIndex.build(data())


def canvas(
    show: Show,
    cls: type[CalendarCanvas],
    index: CalendarIndex,
    zone: str = "UTC",
    day: date = date(2027, 3, 10),
) -> Any:
    widget = show(cls())
    widget.clock = lambda: NOW
    widget.set_zone(zone)
    widget.show_date(day)
    widget.set_index(index)
    return widget


def test_the_index_counts_conflicts_per_release_and_day(index: CalendarIndex) -> None:
    assert index.conflict_count(Ref("deployment", "pay-2")) == 1
    assert index.blocking(Ref("deployment", "pay-2"))
    day = (datetime(2027, 3, 23, tzinfo=UTC), datetime(2027, 3, 24, tzinfo=UTC))
    assert index.all_deployments.tally(*day) == (40, 20, 1, 0)
    shown, blocking = index.timed.between(
        datetime(2027, 3, 17, tzinfo=UTC), datetime(2027, 3, 18, tzinfo=UTC)
    )
    assert [c.subject for c in shown] == ["pay-2"] and blocking == 1
    assert [lane.name for lane in index.lanes[TEAMS]] == ["Mobile", "Payments"]
    assert index.matching("pay-2") == [Ref("deployment", "pay-2")]


def test_month_draws_items_counts_and_the_overflow(show: Show, index: CalendarIndex) -> None:
    month = canvas(show, MonthCanvas, index)
    drawn = {h.ref for h in month.hits()}
    for ref in (
        Ref("release", "r1"),
        Ref("wave", "v1"),
        Ref("freeze", "f1"),
        Ref("freeze", "f2"),
        Ref("deployment", "pay-2"),
        Ref("window", "w1"),
    ):
        assert ref in drawn, ref
    busy = [m for m in month._more if m.day == date(2027, 3, 23) and not m.refs]
    assert busy and "40 deployments" in busy[0].text and "20 done" in busy[0].text
    assert all(date(2027, 3, 23) not in h.days for h in month.hits() if h.ref.key.startswith("b"))
    freeze_days = {d for h in month.hits() if h.ref == Ref("freeze", "f1") for d in h.days}
    assert freeze_days == {date(2027, 3, 16), date(2027, 3, 17), date(2027, 3, 18)}
    assert month.refs_on(date(2027, 3, 10))[:1] == [Ref("release", "r1")]


def test_month_grid_follows_the_display_zone(show: Show, index: CalendarIndex) -> None:
    month = canvas(show, MonthCanvas, index, "Asia/Kolkata")
    first = month.grid()[0]
    assert first.day == date(2027, 3, 1)
    assert first.start == datetime(2027, 2, 28, 18, 30, tzinfo=UTC)  # midnight in Kolkata
    # R1's window (20:00 UTC on the 10th) is 01:30 on the 11th in Kolkata
    assert date(2027, 3, 11) in next(
        h.days for h in month.hits() if h.ref.key == "r1" and h.resizable
    )


def test_week_places_blocks_by_wall_clock_in_the_zone(show: Show, index: CalendarIndex) -> None:
    week = canvas(show, WeekCanvas, index)
    week.scroll_to_hour(17)
    release = Ref("release", "r1")
    utc = week.item_rect(release)
    week.set_zone("Europe/Berlin")
    berlin = week.item_rect(release)
    assert utc is not None and berlin is not None
    assert berlin.top() - utc.top() == pytest.approx(week.hour_h, abs=1)
    week.set_zone("America/New_York")  # 15:00 the same day, five hours earlier
    ny = week.item_rect(release)
    assert ny is not None and utc.top() - ny.top() == pytest.approx(5 * week.hour_h, abs=1)


def test_week_shows_a_busy_day_as_hourly_counts(show: Show, index: CalendarIndex) -> None:
    week = canvas(show, WeekCanvas, index, day=date(2027, 3, 23))
    week.scroll_to_hour(5)
    week.hits()
    counts = [m for m in week._more if m.day == date(2027, 3, 23)]
    assert counts and "4 deployments 06:00–07:00" in counts[0].text
    singles = [h for h in week.hits() if h.ref.kind == "deployment" and h.ref.key.startswith("b")]
    assert singles == []


def test_timeline_lanes_today_and_clipping(show: Show, index: CalendarIndex) -> None:
    line = canvas(show, TimelineCanvas, index)
    assert [lane.name for lane in line.lanes()] == ["Payments Train", "Independent releases"]
    line.set_grouping(TEAMS)
    assert [lane.name for lane in line.lanes()] == ["Mobile", "Payments"]
    x = line.x_of(NOW)
    image = line.viewport().grab().toImage()
    dpr = image.devicePixelRatio()
    y = line.viewport().height() - 5
    colour = image.pixelColor(int(round(x * dpr)), int(y * dpr))
    assert abs(colour.red() - QColor(TODAY_HUE).red()) < 30 and colour.green() < 90
    for hit in line.hits():
        assert hit.rect.left() >= line.gutter - 0.5  # nothing reacts under the lane names


def test_a_drag_ghost_and_label_paint(show: Show, index: CalendarIndex) -> None:
    line = canvas(show, TimelineCanvas, index)
    line.hits()
    release = Ref("release", "r1")
    drag = Drag.begin(release, MOVE, START, START + timedelta(hours=2), timedelta(minutes=15))
    asked: list[datetime] = []

    def what_if(ref: Ref, start: datetime, end: datetime) -> list[Conflict]:
        asked.append(start)
        return data().conflicts[:1]

    assert drag.follow(timedelta(days=7, minutes=7), what_if)
    assert asked == [START + timedelta(days=7)]  # snapped to the quarter hour
    assert drag.blocking and drag.verdict().startswith("⚠ 1 conflict (1 blocking)")
    assert not drag.follow(timedelta(days=7, minutes=5), what_if)  # same slot: not asked again
    drag.pos = QPointF(300, 200)
    line.drag = drag
    line.refresh()
    assert not line.viewport().grab().isNull()


def test_details_spell_out_local_times_and_overrides(index: CalendarIndex) -> None:
    found = details(index, Ref("release", "r1"), "UTC")
    assert found is not None
    text = found.text()
    assert "Window: Wed 10 Mar 20:00 – 22:00 UTC" in text
    assert "Local times: 20:00 UTC = 21:00 Berlin" in text
    freeze = details(index, Ref("freeze", "f1"), "Europe/Berlin")
    assert freeze is not None and freeze.kind == "Hard freeze (blocks)"
    assert "✓ Approved override for R1 by Abe" in freeze.text()


def test_helpers() -> None:
    assert snapped(timedelta(minutes=22), timedelta(minutes=15)) == timedelta(minutes=15)
    assert snapped(timedelta(minutes=23), timedelta(minutes=15)) == timedelta(minutes=30)
    assert snapped(timedelta(hours=30), timedelta(days=1)) == timedelta(days=1)
    packed = pack([(0, 2), (1, 1), (1, 1), (1, 1)], 3)
    assert packed.lanes == [0, 1, 2, 3]
    assert packed.visible[2] == [] and packed.hidden == {1: [2, 3]}
    assert month_grid(date(2027, 2, 1), 0) == (date(2027, 2, 1), 4)
    assert month_grid(date(2027, 3, 1), 6) == (date(2027, 2, 28), 5)
    spring = days(date(2027, 3, 28), 1, "Europe/Berlin")[0]
    assert (spring.end - spring.start) == timedelta(hours=23)
    start = datetime(2027, 3, 8, tzinfo=UTC)
    assert range_text("week", start, start + timedelta(days=7), "UTC") == (
        "8 – 14 March 2027 · week 10"
    )
    assert range_text("timeline", start, start + timedelta(days=70), "UTC") == "Mar – May 2027"
    assert city("America/New_York") == "New York" and city("Etc/UTC") == "UTC"
    at = datetime(2027, 3, 2, 21, 0, tzinfo=UTC)
    line = zones_line(at, ["Europe/Berlin", "America/New_York", "Asia/Kolkata"])
    assert line == "22:00 Tue Berlin = 16:00 Tue New York = 02:30 Wed Kolkata"
    choices = zone_choices({"Payments": "Europe/Berlin"}, mine="Europe/Paris")
    assert [c.label for c in choices] == [
        "Mine (Europe/Paris)",
        "UTC",
        "Team Payments — Europe/Berlin",
    ]
    assert resolve("team:Gone", {}, mine="Europe/Paris") == "Europe/Paris"
    metrics = QFontMetricsF(QFont())
    width = metrics.horizontalAdvance("aa bb") + 1
    lines = wrapped("aa bb cc dd ee", metrics, width)
    assert lines[0] == "aa bb" and len(lines) == 2 and lines[1].startswith("cc")


def test_ghost_rect_in_month(show: Show, index: CalendarIndex) -> None:
    month = canvas(show, MonthCanvas, index)
    month.hits()
    drag = Drag.begin(
        Ref("release", "r1"), MOVE, START, START + timedelta(hours=2), timedelta(days=1)
    )
    drag.follow(timedelta(days=1), None)
    drag.pos = QPointF(50, 50)
    month.drag = drag
    assert isinstance(month.day_rect(date(2027, 3, 11)), QRectF)
    assert not month.viewport().grab().isNull()
