"""Wall-clock schedules: daylight saving per RFC 5545 §3.3.5, wording, range edges."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.planning.recurrence import (
    AMBIGUOUS,
    GAP,
    LocalSchedule,
    Occurrence,
    describe,
    first_after,
    occurrences,
    parse_rrule,
    place,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def only(schedule: LocalSchedule, after: datetime, before: datetime) -> Occurrence:
    (found,) = occurrences(schedule, after, before)
    return found


# -- daylight saving -------------------------------------------------------------------------


def test_spring_forward_gap_is_shifted_and_flagged_in_berlin() -> None:
    # 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist.
    s = LocalSchedule("Europe/Berlin", datetime(2026, 3, 22, 2, 30), 60, "FREQ=WEEKLY")
    gap = only(s, utc(2026, 3, 28), utc(2026, 3, 30))
    assert gap.note == GAP and gap.local_start == datetime(2026, 3, 29, 2, 30)
    assert gap.start == utc(2026, 3, 29, 1, 30)  # read with +01:00: 03:30 CEST
    assert gap.end - gap.start == timedelta(hours=1)  # the shifted start keeps its length
    before = only(s, utc(2026, 3, 21), utc(2026, 3, 23))
    assert (before.note, before.start) == ("", utc(2026, 3, 22, 1, 30))
    after = only(s, utc(2026, 4, 4), utc(2026, 4, 6))
    assert (after.note, after.start) == ("", utc(2026, 4, 5, 0, 30))


def test_fall_back_ambiguity_takes_the_first_instance_in_berlin() -> None:
    # 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice.
    s = LocalSchedule("Europe/Berlin", datetime(2026, 10, 18, 2, 30), 30, "FREQ=WEEKLY")
    twice = only(s, utc(2026, 10, 24), utc(2026, 10, 26))
    assert twice.note == AMBIGUOUS
    assert twice.start == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, the first one
    assert twice.end == utc(2026, 10, 25, 2, 0)  # 03:00 CET on the wall clock: 90 minutes


def test_new_york_gap_and_overlap() -> None:
    assert place(datetime(2026, 3, 8, 2, 30), "America/New_York") == (utc(2026, 3, 8, 7, 30), GAP)
    assert place(datetime(2026, 11, 1, 1, 30), "America/New_York") == (
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT, before the clocks go back
        AMBIGUOUS,
    )
    assert place(datetime(2026, 11, 1, 3, 0), "America/New_York") == (utc(2026, 11, 1, 8), "")


def test_length_is_wall_clock_across_a_dst_night() -> None:
    # Saturday 22:00–04:00: six hours on the clock, five in spring and seven in autumn.
    s = LocalSchedule("Europe/Berlin", datetime(2026, 3, 21, 22), 360, "FREQ=WEEKLY;BYDAY=SA")
    normal, spring = occurrences(s, utc(2026, 3, 21), utc(2026, 3, 29, 12))
    assert normal.end - normal.start == timedelta(hours=6)
    assert (spring.start, spring.end) == (utc(2026, 3, 28, 21), utc(2026, 3, 29, 2))
    autumn = only(s, utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    assert (autumn.start, autumn.end) == (utc(2026, 10, 24, 20), utc(2026, 10, 25, 3))
    ny = LocalSchedule("America/New_York", datetime(2026, 10, 31, 22), 360)
    night = only(ny, utc(2026, 10, 31), utc(2026, 11, 2))
    assert night.end - night.start == timedelta(hours=7)  # ends at 04:00 EST


def test_two_rule_starts_on_one_instant_count_once() -> None:
    # 02:00 does not exist on the spring night and lands on 03:00's instant (RFC 5545).
    s = LocalSchedule("Europe/Berlin", datetime(2026, 3, 27, 2), 30, "FREQ=DAILY;BYHOUR=2,3")
    found = occurrences(s, utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    assert [o.start for o in found] == [utc(2026, 3, 29, 1)]


# -- exdates and range edges -----------------------------------------------------------------


def test_exdates_skip_single_occurrences() -> None:
    s = LocalSchedule(
        "Europe/Berlin",
        datetime(2026, 1, 6, 22),
        240,
        "FREQ=WEEKLY;BYDAY=TU",
        exdates=(datetime(2026, 1, 13, 22),),
    )
    found = occurrences(s, utc(2026, 1, 1), utc(2026, 1, 25))
    assert [o.local_start.day for o in found] == [6, 20]
    once = LocalSchedule("UTC", datetime(2026, 1, 6, 22), 60, exdates=(datetime(2026, 1, 6, 22),))
    assert occurrences(once, utc(2026, 1, 1), utc(2026, 2, 1)) == []


def test_range_is_half_open_and_counts_overlaps() -> None:
    s = LocalSchedule("UTC", datetime(2026, 5, 4, 10), 60, "FREQ=DAILY")
    day = [o.start for o in occurrences(s, utc(2026, 5, 5, 10), utc(2026, 5, 7, 10))]
    assert day == [utc(2026, 5, 5, 10), utc(2026, 5, 6, 10)]  # starts at `before` are out
    assert occurrences(s, utc(2026, 5, 5, 11), utc(2026, 5, 6, 10)) == []  # ends at `after`
    partial = only(s, utc(2026, 5, 5, 10, 59), utc(2026, 5, 5, 11))
    assert partial.start == utc(2026, 5, 5, 10)
    assert occurrences(s, utc(2026, 5, 1), utc(2026, 5, 4, 10)) == []  # before the first


def test_range_finds_a_long_window_that_started_long_before() -> None:
    s = LocalSchedule("Europe/Berlin", datetime(2026, 12, 18), 20 * 1440, all_day=True)
    found = only(s, utc(2027, 1, 5), utc(2027, 1, 6))
    assert (found.start, found.end) == (utc(2026, 12, 17, 23), utc(2027, 1, 6, 23))


def test_all_day_spans_local_midnights() -> None:
    s = LocalSchedule("America/New_York", datetime(2026, 7, 3), 1440, "FREQ=YEARLY", all_day=True)
    found = only(s, utc(2027, 7, 1), utc(2027, 7, 10))
    assert (found.start, found.end) == (utc(2027, 7, 3, 4), utc(2027, 7, 4, 4))


def test_first_after() -> None:
    s = LocalSchedule("UTC", datetime(2026, 1, 5, 9), 60, "FREQ=MONTHLY;BYDAY=1MO")
    found = first_after(s, utc(2026, 1, 5, 9, 30))
    assert found is not None and found.start == utc(2026, 1, 5, 9)  # still running
    found = first_after(s, utc(2026, 1, 5, 10))
    assert found is not None and found.start == utc(2026, 2, 2, 9)


# -- rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=FORTNIGHTLY", "FREQ"),
        ("FREQ=WEEKLY;BYDAY=XX", "BYDAY"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL"),
        ("FREQ=HOURLY;BYSETPOS=5", "BYSETPOS"),
        ("FREQ=WEEKLY;UNTIL=20260301T000000Z", "UNTIL"),
    ],
)
def test_bad_rules_fail_fast_with_a_reason(rule: str, reason: str) -> None:
    began = time.monotonic()
    with pytest.raises(ValueError, match=reason):
        parse_rrule(rule, datetime(2026, 1, 1, 10))
    assert time.monotonic() - began < 1  # INTERVAL=0 and the BYSETPOS rule would loop


def test_stored_rule_with_its_name_and_lower_case_still_expands() -> None:
    s = LocalSchedule("UTC", datetime(2026, 1, 1, 10), 60, "RRULE:freq=daily;count=2")
    assert len(occurrences(s, utc(2026, 1, 1), utc(2026, 2, 1))) == 2
    assert describe(s).startswith("every day, 2 times")


def test_a_rule_that_never_occurs_is_searched_once() -> None:
    s = LocalSchedule("UTC", datetime(2026, 1, 1, 10), 60, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
    assert occurrences(s, utc(2026, 1, 1), utc(2027, 1, 1)) == []
    began = time.monotonic()
    for _ in range(20):
        assert occurrences(s, utc(2026, 1, 1), utc(2027, 1, 1)) == []
    assert time.monotonic() - began < 0.5


# -- describe --------------------------------------------------------------------------------

BERLIN_NIGHT = datetime(2026, 1, 6, 22)  # a Tuesday


@pytest.mark.parametrize(
    ("rule", "minutes", "all_day", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", 240, False, "every Tuesday 22:00–02:00 Europe/Berlin"),
        ("FREQ=WEEKLY", 240, False, "every Tuesday 22:00–02:00 Europe/Berlin"),
        (
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
            240,
            False,
            "every other Tuesday 22:00–02:00 Europe/Berlin",
        ),
        (
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,TH",
            60,
            False,
            "every 3 weeks on Monday and Thursday 22:00–23:00 Europe/Berlin",
        ),
        (
            "FREQ=MONTHLY;BYDAY=-1FR",
            120,
            False,
            "every month on the last Friday 22:00–00:00 Europe/Berlin",
        ),
        (
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            60,
            False,
            "every month on the last weekday 22:00–23:00 Europe/Berlin",
        ),
        (
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1",
            60,
            False,
            "every quarter on day 1 22:00–23:00 Europe/Berlin",
        ),
        (
            "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24",
            3 * 1440,
            True,
            "every year in December on day 24 for 3 days Europe/Berlin",
        ),
        ("FREQ=YEARLY", 1440, True, "every year in January on day 6 all day Europe/Berlin"),
        (
            "FREQ=DAILY;UNTIL=20260131T220000",
            30,
            False,
            "every day, until 2026-01-31 22:00–22:30 Europe/Berlin",
        ),
        (
            "FREQ=WEEKLY;COUNT=4",
            1500,
            False,
            "every Tuesday, 4 times 22:00–23:00 (+1 day) Europe/Berlin",
        ),
        ("", 240, False, "once on Tue 6 Jan 2026 22:00–02:00 Europe/Berlin"),
        ("", 4 * 1440, True, "once on Tue 6 Jan 2026 for 4 days Europe/Berlin"),
        ("", 3000, False, "once on Tue 6 Jan 2026 22:00–00:00 (+3 days) Europe/Berlin"),
    ],
)
def test_describe(rule: str, minutes: int, all_day: bool, text: str) -> None:
    start = BERLIN_NIGHT.replace(hour=0) if all_day else BERLIN_NIGHT
    s = LocalSchedule("Europe/Berlin", start, minutes, rule, all_day=all_day)
    assert describe(s) == text


def test_describe_counts_exdates() -> None:
    ex = (datetime(2026, 1, 13, 22), datetime(2026, 1, 20, 22))
    s = LocalSchedule("Europe/Berlin", BERLIN_NIGHT, 240, "FREQ=WEEKLY;BYDAY=TU", ex)
    assert describe(s) == "every Tuesday 22:00–02:00 Europe/Berlin, except 2 dates"


# -- properties ------------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
RULES = [
    "",
    "FREQ=DAILY",
    "FREQ=WEEKLY;BYDAY=SA,SU",
    "FREQ=WEEKLY;INTERVAL=2",
    "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=DAILY;BYHOUR=1,2,3;BYMINUTE=0,30",
    "FREQ=HOURLY;INTERVAL=5",
    "FREQ=MINUTELY;INTERVAL=50",
    "FREQ=YEARLY;COUNT=3",
]
BASE = datetime(2026, 1, 1)


@st.composite
def schedules(draw: st.DrawFn) -> LocalSchedule:
    all_day = draw(st.booleans())
    day = BASE + timedelta(days=draw(st.integers(0, 364)))
    if all_day:
        return LocalSchedule(
            draw(st.sampled_from(ZONES)),
            day,
            1440 * draw(st.integers(1, 5)),
            draw(st.sampled_from(["", "FREQ=WEEKLY", "FREQ=MONTHLY;BYMONTHDAY=-1"])),
            all_day=True,
        )
    rule = draw(st.sampled_from(RULES))
    start = day + timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)))
    ex = (
        ()
        if not rule
        else tuple(start + timedelta(days=d) for d in draw(st.sets(st.integers(1, 9))))
    )
    return LocalSchedule(draw(st.sampled_from(ZONES)), start, draw(st.integers(0, 2000)), rule, ex)


@settings(max_examples=300, deadline=None)
@given(
    schedules(),
    st.integers(0, 400 * 24),
    st.integers(0, 20 * 24 * 60),
)
def test_occurrences_overlap_the_range_in_strict_order(
    schedule: LocalSchedule, offset_hours: int, width_minutes: int
) -> None:
    after = datetime(2025, 12, 1, tzinfo=UTC) + timedelta(hours=offset_hours)
    before = after + timedelta(minutes=width_minutes)
    found = occurrences(schedule, after, before)
    for o in found:
        assert o.start < before and o.end > after
        assert o.end >= o.start
    starts = [o.start for o in found]
    assert all(a < b for a, b in zip(starts, starts[1:], strict=False))
