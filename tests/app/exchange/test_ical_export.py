"""iCalendar export: read back by independent parsers at the right times, written atomically."""

from __future__ import annotations

import errno
import io
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from dateutil.tz import tzical
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from app.exchange import ical_export
from app.exchange.ical_export import (
    CalendarEvent,
    ExportCancelled,
    calendar_bytes,
    vtimezone,
    write_calendar,
)
from app.planning.recurrence import LocalSchedule

MODIFIED = datetime(2026, 1, 2, 8, 30, tzinfo=UTC)
DAY = timedelta(days=1)
LONG = "Überprüfung 🚀 データ, Zeile; \\ " * 40 + "\nzweite Zeile\r\ndritte"
WEEKLY = LocalSchedule(
    "Europe/Berlin",
    datetime(2026, 1, 6, 22),
    240,
    "FREQ=WEEKLY;BYDAY=TU;UNTIL=20261229T220000",
    exdates=(datetime(2026, 1, 13, 22), datetime(2026, 7, 14, 22)),
)


def event(
    uid: str,
    schedule: LocalSchedule,
    *,
    sequence: int = 0,
    summary: str = "",
    description: str = "",
    categories: tuple[str, ...] = (),
    busy: bool = True,
    location: str = "",
    url: str = "",
) -> CalendarEvent:
    return CalendarEvent(
        uid,
        sequence,
        summary or uid.split("@")[0],
        description,
        categories,
        schedule,
        MODIFIED,
        busy,
        location,
        url,
    )


EVENTS = [
    event(
        "0f5b6c1e-window@releasedesk",
        WEEKLY,
        sequence=3,
        summary="Production window, EU; weekly",
        description=LONG,
        categories=("window", "production"),
    ),
    event(
        "7d1e-freeze@releasedesk",
        LocalSchedule("Europe/Berlin", datetime(2026, 12, 21), 14 * 1440, all_day=True),
        summary="Year-end freeze",
        busy=True,
    ),
    event(
        "9a2c-daily@releasedesk",
        LocalSchedule("UTC", datetime(2026, 3, 1, 10), 30, "FREQ=DAILY;UNTIL=20260305T100000"),
        busy=False,
        location="Bridge",
        url="https://wiki.example/runbook",
    ),
    event(
        "3b7d-ny@releasedesk",
        LocalSchedule("America/New_York", datetime(2026, 11, 1, 1, 30), 60),
        sequence=1,
    ),
]


@pytest.fixture(scope="module")
def data() -> bytes:
    return calendar_bytes(EVENTS, "Release calendar")


@pytest.fixture(scope="module")
def parsed(data: bytes) -> vobject.base.Component:
    return vobject.readOne(data.decode("utf-8"))


def by_uid(cal: vobject.base.Component, uid: str) -> vobject.base.Component:
    (found,) = [v for v in cal.vevent_list if v.uid.value == uid]
    return found


def lines(data: bytes, name: str) -> list[str]:
    """Unfolded content lines whose name is `name`."""
    text = data.decode().replace("\r\n ", "")
    return [line for line in text.split("\r\n") if re.match(rf"{name}[;:]", line)]


# -- what the clients read -------------------------------------------------------------------


def test_calendar_properties(data: bytes) -> None:
    head = data.split(b"BEGIN:VTIMEZONE")[0].decode()
    assert head.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    for line in (
        "PRODID:-//ReleaseDesk//ReleaseDesk//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Release calendar",
    ):
        assert f"{line}\r\n" in head
    assert "X-WR-TIMEZONE" not in head  # three zones: no single home zone
    assert data.endswith(b"END:VCALENDAR\r\n")


def test_berlin_window_reads_back_at_22_local_and_in_utc(parsed: vobject.base.Component) -> None:
    window = by_uid(parsed, "0f5b6c1e-window@releasedesk")
    start = window.dtstart.value
    assert start.replace(tzinfo=None) == datetime(2026, 1, 6, 22)
    assert start.astimezone(UTC) == datetime(2026, 1, 6, 21, tzinfo=UTC)
    assert window.dtend.value.astimezone(UTC) == datetime(2026, 1, 7, 1, tzinfo=UTC)
    instances = list(window.getrruleset())
    utc_hours = {(d.month, d.astimezone(UTC).hour) for d in instances}
    assert (1, 21) in utc_hours and (7, 20) in utc_hours  # 22:00 CET, 22:00 CEST
    assert all(d.astimezone(ZoneInfo("Europe/Berlin")).hour == 22 for d in instances)
    days = {d.date() for d in instances}
    assert date(2026, 1, 13) not in days and date(2026, 7, 14) not in days  # exdates
    assert min(days) == date(2026, 1, 6) and max(days) == date(2026, 12, 29)  # UNTIL
    assert len(instances) == 52 - 2


def test_recurrence_is_a_rule_not_copies(data: bytes) -> None:
    assert data.count(b"UID:0f5b6c1e-window@releasedesk") == 1
    assert "DTSTART;TZID=Europe/Berlin:20260106T220000" in lines(data, "DTSTART")
    events = data[data.index(b"BEGIN:VEVENT") :]
    assert lines(events, "RRULE") == [
        "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261229T210000Z",  # UNTIL in UTC beside a TZID
        "RRULE:FREQ=DAILY;UNTIL=20260305T100000Z",
    ]
    assert lines(data, "EXDATE") == ["EXDATE;TZID=Europe/Berlin:20260113T220000,20260714T220000"]


def test_all_day_uses_dates_and_an_exclusive_end(parsed: vobject.base.Component) -> None:
    freeze = by_uid(parsed, "7d1e-freeze@releasedesk")
    assert freeze.dtstart.value == date(2026, 12, 21)
    assert freeze.dtend.value == date(2027, 1, 4)  # 14 days: the day after the last one
    assert freeze.dtstart.params["VALUE"] == ["DATE"]


def test_utc_times_are_z_times_without_a_zone(data: bytes, parsed: vobject.base.Component) -> None:
    daily = by_uid(parsed, "9a2c-daily@releasedesk")
    assert daily.dtstart.value == datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert "DTSTART:20260301T100000Z" in lines(data, "DTSTART")
    assert len(list(daily.getrruleset())) == 5
    assert "UTC" not in Calendar.from_ical(data).get_used_tzids()


def test_ambiguous_new_york_start_is_the_first_instance(parsed: vobject.base.Component) -> None:
    ny = by_uid(parsed, "3b7d-ny@releasedesk")
    # 01:30 on the fall-back night: RFC 5545 reads it as 01:30 EDT
    assert ny.dtstart.value.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_a_vtimezone_for_each_zone_used_and_none_for_utc(data: bytes) -> None:
    cal = Calendar.from_ical(data)
    assert cal.get_used_tzids() == {"Europe/Berlin", "America/New_York"}
    assert sorted(tz.tz_name for tz in cal.timezones) == ["America/New_York", "Europe/Berlin"]
    assert cal.get_missing_tzids() == set()
    assert data.index(b"BEGIN:VTIMEZONE") < data.index(b"BEGIN:VEVENT")


def test_vtimezone_is_the_outlook_form(data: bytes) -> None:
    berlin = vtimezone("Europe/Berlin", 2026, 2026).decode()
    assert "RDATE" not in data.decode()
    assert berlin.count("BEGIN:DAYLIGHT") == 1 and berlin.count("BEGIN:STANDARD") == 1
    assert "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in berlin
    assert "DTSTART:20250330T020000" in berlin  # onset read in the offset before it
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" in berlin
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" in berlin
    tokyo = vtimezone("Asia/Tokyo", 2026, 2026).decode()
    assert tokyo.count("BEGIN:STANDARD") == 1 and "BEGIN:DAYLIGHT" not in tokyo
    assert "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900" in tokyo


@pytest.mark.parametrize(
    "name",
    [
        "Europe/Berlin",
        "America/New_York",
        "America/Santiago",  # "Sunday on or after the 2nd"
        "Asia/Jerusalem",  # "Friday before the last Sunday"
        "Australia/Lord_Howe",  # half-hour saving
        "America/Sao_Paulo",  # saving abolished in 2019
        "Europe/Istanbul",  # permanent summer time since 2016
        "Europe/Dublin",  # "negative" winter saving in tzdata
        "Asia/Tehran",
        "Asia/Kolkata",
    ],
)
def test_vtimezone_offsets_match_the_iana_database(name: str) -> None:
    tz = tzical(io.StringIO(vtimezone(name, 2016, 2030).decode())).get()
    iana = ZoneInfo(name)

    def same(t: datetime) -> None:
        assert t.astimezone(tz).utcoffset() == t.astimezone(iana).utcoffset(), t

    day = datetime(2016, 1, 1, tzinfo=UTC)
    while day < datetime(2031, 1, 1, tzinfo=UTC):
        same(day)
        if day.astimezone(iana).utcoffset() != (day + DAY).astimezone(iana).utcoffset():
            for minutes in range(0, 24 * 60, 15):  # around the change, closely
                same(day + timedelta(minutes=minutes))
        day += DAY


def test_uids_sequence_transparency_and_text(data: bytes, parsed: vobject.base.Component) -> None:
    assert [v.uid.value for v in parsed.vevent_list] == [e.uid for e in EVENTS]
    assert [int(v.sequence.value) for v in parsed.vevent_list] == [3, 0, 0, 1]
    assert [v.transp.value for v in parsed.vevent_list] == ["OPAQUE"] * 2 + [
        "TRANSPARENT",
        "OPAQUE",
    ]
    window = by_uid(parsed, "0f5b6c1e-window@releasedesk")
    assert window.summary.value == "Production window, EU; weekly"
    assert window.description.value == LONG.replace("\r\n", "\n")
    assert window.categories.value == ["window", "production"]
    assert lines(data, "DTSTAMP")[0] == "DTSTAMP:20260102T083000Z"
    daily = by_uid(parsed, "9a2c-daily@releasedesk")
    assert daily.location.value == "Bridge" and daily.url.value == "https://wiki.example/runbook"


def test_lines_end_in_crlf_and_fold_at_75_octets_between_characters(data: bytes) -> None:
    assert data.count(b"\n") == data.count(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) == 75  # the long description was folded
    for line in physical:
        assert len(line) <= 75
        line.decode("utf-8")  # no character cut in two


def test_icalendar_reads_the_same_events(data: bytes) -> None:
    cal = Calendar.from_ical(data)
    events = cal.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [e.uid for e in EVENTS]
    window = events[0]
    start = window.DTSTART
    assert start == datetime(2026, 1, 6, 22, tzinfo=ZoneInfo("Europe/Berlin"))
    assert str(window["DESCRIPTION"]) == LONG.replace("\r\n", "\n")
    assert [d.dt.date() for d in window["EXDATE"].dts] == [date(2026, 1, 13), date(2026, 7, 14)]
    assert Calendar.from_ical(cal.to_ical()).walk("VEVENT")[0]["UID"] == window["UID"]


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0x1FFFF)
        | st.sampled_from(["\n", "\\", ",", ";", "é", "🚀"]),
        max_size=300,
    )
)
def test_any_text_survives_folding(text: str) -> None:
    one = event("x@releasedesk", LocalSchedule("UTC", datetime(2026, 1, 1), 60), description=text)
    data = calendar_bytes([one], "t")
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")
    got = Calendar.from_ical(data).walk("VEVENT")[0].get("DESCRIPTION", "")
    assert str(got) == text


def test_single_zone_calendar_names_it_and_control_characters_are_dropped() -> None:
    one = event(
        "x@releasedesk",
        LocalSchedule("Europe/Berlin", datetime(2026, 1, 1, 9), 60),
        summary="bell\x07 and tab\tkept",
    )
    data = calendar_bytes([one], "Team")
    assert b"X-WR-TIMEZONE:Europe/Berlin\r\n" in data
    assert lines(data, "SUMMARY") == ["SUMMARY:bell and tab\tkept"]


def test_window_first_ending_in_the_repeated_hour_gets_a_duration() -> None:
    # 23:00 CEST + 4 h ends at 02:00 CET, which no wall-clock DTEND can name unambiguously
    s = LocalSchedule("Europe/Berlin", datetime(2026, 10, 24, 23), 240, "FREQ=WEEKLY")
    data = calendar_bytes([event("x@releasedesk", s)], "t")
    assert lines(data, "DURATION") == ["DURATION:PT240M"] and not lines(data, "DTEND")
    got = vobject.readOne(data.decode()).vevent
    assert got.duration.value == timedelta(hours=4)


def test_all_day_series_uses_dates_for_until_and_exdates() -> None:
    s = LocalSchedule(
        "Europe/Berlin",
        datetime(2026, 1, 1),
        1440,
        "FREQ=MONTHLY;UNTIL=20261201T000000",
        exdates=(datetime(2026, 5, 1),),
        all_day=True,
    )
    data = calendar_bytes([event("x@releasedesk", s)], "t")
    assert lines(data, "RRULE") == ["RRULE:FREQ=MONTHLY;UNTIL=20261201"]
    assert lines(data, "EXDATE") == ["EXDATE;VALUE=DATE:20260501"]
    dates = [d.date() for d in vobject.readOne(data.decode()).vevent.getrruleset()]
    assert len(dates) == 11 and date(2026, 5, 1) not in dates


def test_a_one_off_that_is_excluded_is_not_written_and_unknown_zones_fail() -> None:
    gone = LocalSchedule("UTC", datetime(2026, 1, 1), 60, exdates=(datetime(2026, 1, 1),))
    assert b"VEVENT" not in calendar_bytes([event("x@releasedesk", gone)], "t")
    bad = LocalSchedule("Mars/Olympus_Mons", datetime(2026, 1, 1), 60)
    with pytest.raises(ValueError, match="x@releasedesk: unknown time zone 'Mars/Olympus_Mons'"):
        calendar_bytes([event("x@releasedesk", bad)], "t")


# -- writing the file ------------------------------------------------------------------------


def many(count: int) -> list[CalendarEvent]:
    start = datetime(2026, 1, 1, 8)
    return [
        event(
            f"{i:08d}@releasedesk",
            LocalSchedule("Europe/Berlin", start + timedelta(hours=5 * i), 90),
        )
        for i in range(count)
    ]


def test_write_calendar_streams_the_same_bytes_and_reports_progress(tmp_path: Path) -> None:
    events = many(600)
    seen: list[int] = []
    path = tmp_path / "deployments.ics"
    written = write_calendar(iter(events), "Deployments", path, lambda n: seen.append(n) or True)
    assert written == 600
    assert seen == [250, 500, 600]
    assert path.read_bytes() == calendar_bytes(events, "Deployments")
    assert os.listdir(tmp_path) == ["deployments.ics"]
    if os.name == "posix":
        umask = os.umask(0)
        os.umask(umask)
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def target_with_old_content(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.ics"
    path.write_bytes(b"old calendar")
    return path


def test_cancel_leaves_no_file_and_the_old_one_untouched(tmp_path: Path) -> None:
    path = target_with_old_content(tmp_path)
    with pytest.raises(ExportCancelled, match="cancelled after 250 events"):
        write_calendar(many(600), "x", path, lambda n: n < 250)
    assert path.read_bytes() == b"old calendar"
    assert os.listdir(tmp_path) == ["calendar.ics"]
    fresh = tmp_path / "new.ics"
    with pytest.raises(ExportCancelled):
        write_calendar(many(3), "x", fresh, lambda n: False)
    assert not fresh.exists()


def test_a_failing_source_leaves_nothing(tmp_path: Path) -> None:
    def broken() -> Iterator[CalendarEvent]:
        yield from many(3)
        raise RuntimeError("database went away")

    path = target_with_old_content(tmp_path)
    with pytest.raises(RuntimeError, match="database went away"):
        write_calendar(broken(), "x", path)
    assert path.read_bytes() == b"old calendar"
    assert os.listdir(tmp_path) == ["calendar.ics"]


def test_a_full_disk_leaves_no_half_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(source: io.BufferedIOBase, target: io.BufferedIOBase, size: int = 0) -> None:
        target.write(source.read(100))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ical_export.shutil, "copyfileobj", full_disk)
    path = target_with_old_content(tmp_path)
    with pytest.raises(OSError, match="No space left"):
        write_calendar(many(10), "x", path)
    assert path.read_bytes() == b"old calendar"
    assert os.listdir(tmp_path) == ["calendar.ics"]
    fresh = tmp_path / "fresh.ics"
    with pytest.raises(OSError, match="No space left"):
        write_calendar(many(10), "x", fresh)
    assert sorted(os.listdir(tmp_path)) == ["calendar.ics"]
