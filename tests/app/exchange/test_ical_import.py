"""iCalendar import: Outlook, Google and Thunderbird files; all or nothing, problems located."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.exchange.errors import BadInput
from app.exchange.ical_export import CalendarEvent, calendar_bytes
from app.exchange.ical_import import ImportedEvent, read_calendar, zone_name
from app.planning.recurrence import LocalSchedule, occurrences

MODIFIED = datetime(2026, 1, 2, tzinfo=UTC)


def ics(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def by_uid(events: list[ImportedEvent]) -> dict[str, ImportedEvent]:
    return {e.uid: e for e in events}


def starts(schedule: LocalSchedule, after: datetime, before: datetime) -> list[datetime]:
    return [o.start for o in occurrences(schedule, after, before)]


def utc(year: int, month: int, day: int = 1, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# -- round trip ------------------------------------------------------------------------------

ROUND_TRIP = [
    LocalSchedule(
        "Europe/Berlin",
        datetime(2026, 1, 6, 22),
        240,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20261229T220000",
        exdates=(datetime(2026, 3, 3, 22), datetime(2026, 7, 14, 22)),
    ),
    LocalSchedule("Europe/Berlin", datetime(2026, 1, 30, 18), 300, "FREQ=MONTHLY;BYDAY=-1FR"),
    LocalSchedule("Europe/Berlin", datetime(2026, 3, 28, 22), 360),  # over the spring night
    LocalSchedule("Europe/Berlin", datetime(2026, 10, 24, 22), 360, "FREQ=YEARLY;COUNT=3"),
    LocalSchedule("Europe/Berlin", datetime(2026, 12, 21), 14 * 1440, all_day=True),
    LocalSchedule(
        "Europe/Berlin",
        datetime(2026, 1, 1),
        1440,
        "FREQ=MONTHLY;UNTIL=20261201",
        exdates=(datetime(2026, 5, 1),),
        all_day=True,
    ),
    LocalSchedule("UTC", datetime(2026, 3, 1, 10), 30, "FREQ=DAILY;UNTIL=20260305T100000"),
    LocalSchedule("UTC", datetime(2026, 6, 1, 23, 30), 90),
]


def exported(schedules: list[LocalSchedule]) -> list[CalendarEvent]:
    return [
        CalendarEvent(
            uid=f"{i:04d}-{s.zone.replace('/', '-')}@releasedesk",
            sequence=i,
            summary=f"Window {i}",
            description=f"Runbook {i}\nline two; with, punctuation",
            categories=("window", f"n{i}"),
            schedule=s,
            modified=MODIFIED,
        )
        for i, s in enumerate(schedules)
    ]


def test_round_trip_gives_equal_schedules() -> None:
    events = exported(ROUND_TRIP)
    back = read_calendar(calendar_bytes(events, "Windows"), "windows.ics")
    assert [e.uid for e in back] == [e.uid for e in events]
    for sent, got in zip(events, back, strict=True):
        assert got.schedule == sent.schedule
        assert (got.sequence, got.summary, got.description, got.categories) == (
            sent.sequence,
            sent.summary,
            sent.description,
            sent.categories,
        )


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"]
RULES = [
    "",
    "FREQ=DAILY;COUNT=5",
    "FREQ=WEEKLY;BYDAY=SA,SU",
    "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261101T000000",
    "FREQ=MONTHLY;BYDAY=-1SU",
    "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU",
]


@st.composite
def schedules(draw: st.DrawFn) -> LocalSchedule:
    zone = draw(st.sampled_from(ZONES))
    day = datetime(2026, 1, 1) + timedelta(days=draw(st.integers(0, 300)))
    rule = draw(st.sampled_from(RULES))
    if draw(st.booleans()):
        return LocalSchedule(zone, day, 1440 * draw(st.integers(1, 3)), rule, all_day=True)
    start = day + timedelta(minutes=15 * draw(st.integers(0, 95)))
    skipped = draw(st.sets(st.integers(1, 6), max_size=2)) if rule else set()
    ex = tuple(start + timedelta(weeks=w) for w in sorted(skipped))
    return LocalSchedule(zone, start, 15 * draw(st.integers(1, 200)), rule, ex)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules())
def test_round_trip_keeps_every_occurrence(schedule: LocalSchedule) -> None:
    (got,) = read_calendar(calendar_bytes(exported([schedule]), "t"), "t.ics")
    assert got.schedule.zone == schedule.zone  # X-WR-TIMEZONE carries it for all-day dates
    after, before = utc(2025, 12, 1), utc(2027, 6, 1)
    sent = [(o.start, o.end) for o in occurrences(schedule, after, before)]
    assert [(o.start, o.end) for o in occurrences(got.schedule, after, before)] == sent


# -- enterprise calendars --------------------------------------------------------------------

OUTLOOK = ics(
    "BEGIN:VCALENDAR",
    "METHOD:PUBLISH",
    "PRODID:Microsoft Exchange Server 2010",
    "VERSION:2.0",
    "X-WR-CALNAME:IT Change Calendar",
    "BEGIN:VTIMEZONE",
    "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:16010101T030000",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:16010101T020000",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
    "BEGIN:VEVENT",  # line 21
    "DESCRIPTION:Patch window for the core network\\n",
    "RRULE:FREQ=WEEKLY;UNTIL=20260627T200000Z;INTERVAL=1;BYDAY=SA;WKST=MO",
    "EXDATE;TZID=W. Europe Standard Time:20260404T220000",
    "UID:040000008200E00074C5B7101A82E00800000000B0D5A4C1DE7BDC01000000000000000",
    " 0100000009A1F8E6D9C0B0D4A9C2E3F3C3F5A2B1E",
    "SUMMARY:Network maintenance",
    "DTSTART;TZID=W. Europe Standard Time:20260103T220000",
    "DTEND;TZID=W. Europe Standard Time:20260104T020000",
    "CLASS:PUBLIC",
    "PRIORITY:5",
    "DTSTAMP:20260102T101500Z",
    "TRANSP:OPAQUE",
    "STATUS:CONFIRMED",
    "SEQUENCE:2",
    "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
    "BEGIN:VALARM",
    "DESCRIPTION:REMINDER",
    "TRIGGER;RELATED=START:-PT15M",
    "ACTION:DISPLAY",
    "END:VALARM",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 43
    "UID:040000008200E00074C5B7101A82E00800000000B0D5A4C1DE7BDC01000000000000000",
    " 0100000009A1F8E6D9C0B0D4A9C2E3F3C3F5A2B1E",
    "RECURRENCE-ID;TZID=W. Europe Standard Time:20260110T220000",
    "SUMMARY:Network maintenance (moved to Sunday)",
    "DTSTART;TZID=W. Europe Standard Time:20260111T220000",
    "DTEND;TZID=W. Europe Standard Time:20260112T010000",
    "SEQUENCE:3",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 52
    "UID:040000008200E00074C5B7101A82E0080000000011223344",
    "SUMMARY:Year-end freeze",
    "DTSTART;VALUE=DATE:20261221",
    "DTEND;VALUE=DATE:20270104",
    "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE",
    "END:VEVENT",
    "END:VCALENDAR",
)
OUTLOOK_UID = (
    "040000008200E00074C5B7101A82E00800000000B0D5A4C1DE7BDC01000000000000000"
    "0100000009A1F8E6D9C0B0D4A9C2E3F3C3F5A2B1E"
)


def test_outlook_file_with_windows_zone_names() -> None:
    events = read_calendar(OUTLOOK, "outlook.ics")
    master, moved, freeze = events
    assert (master.uid, master.line, master.sequence) == (OUTLOOK_UID, 21, 2)
    assert master.summary == "Network maintenance"
    assert master.description == "Patch window for the core network"
    assert master.schedule == LocalSchedule(
        "Europe/Berlin",
        datetime(2026, 1, 3, 22),
        240,
        # UNTIL 20:00 UTC is 22:00 summer time, so June 27 is the last Saturday
        "FREQ=WEEKLY;UNTIL=20260627T220000;INTERVAL=1;BYDAY=SA;WKST=MO",
        exdates=(datetime(2026, 1, 10, 22), datetime(2026, 4, 4, 22)),
    )
    saturdays = starts(master.schedule, utc(2026, 1, 1), utc(2027, 1, 1))
    assert len(saturdays) == 26 - 2
    assert saturdays[-1] == utc(2026, 6, 27, 20)
    assert moved.uid == f"{OUTLOOK_UID}/2026-01-10T22:00:00"
    assert (moved.line, moved.sequence, moved.summary) == (
        43,
        3,
        "Network maintenance (moved to Sunday)",
    )
    assert moved.schedule == LocalSchedule("Europe/Berlin", datetime(2026, 1, 11, 22), 180)
    assert moved.description == master.description  # the instance left it out
    assert freeze.line == 52
    assert freeze.schedule == LocalSchedule(
        "Europe/Berlin", datetime(2026, 12, 21), 14 * 1440, all_day=True
    )


GOOGLE = ics(
    "BEGIN:VCALENDAR",
    "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "VERSION:2.0",
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    "X-WR-CALNAME:Freezes",
    "X-WR-TIMEZONE:America/New_York",
    "BEGIN:VEVENT",  # line 8
    "DTSTART;TZID=America/New_York:20260105T180000",
    "DTEND;TZID=America/New_York:20260105T200000",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,WE",
    "EXDATE;TZID=America/New_York:20260112T180000,20260114T180000",
    "EXDATE;TZID=America/New_York:20260119T180000",
    "DTSTAMP:20260102T120000Z",
    "UID:cab123@google.com",
    "SUMMARY:Change advisory board",
    "CATEGORIES:Governance,Weekly",
    "CATEGORIES:CAB",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 20
    "DTSTART;TZID=America/New_York:20260122T100000",
    "DTEND;TZID=America/New_York:20260122T120000",
    "UID:cab123@google.com",
    "RECURRENCE-ID;TZID=America/New_York:20260121T180000",
    "SUMMARY:Change advisory board (moved)",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART;TZID=America/New_York:20260126T180000",
    "DTEND;TZID=America/New_York:20260126T200000",
    "UID:cab123@google.com",
    "RECURRENCE-ID:20260126T230000Z",
    "STATUS:CANCELLED",
    "SUMMARY:Change advisory board",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 35
    "DTSTART:20260301T150000Z",
    "DURATION:PT3H",
    "UID:move@google.com",
    "SUMMARY:Datacenter move",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 41
    "DTSTART;VALUE=DATE:20260525",
    "UID:memorial@google.com",
    "SUMMARY:Memorial Day freeze",
    "END:VEVENT",
    "BEGIN:VEVENT",  # line 46
    "DTSTART:20260410T090000",
    "DTEND:20260410T100000",
    "UID:floating@google.com",
    "SUMMARY:Floating, read in X-WR-TIMEZONE",
    "END:VEVENT",
    "BEGIN:VEVENT",
    "DTSTART;TZID=America/New_York:20260201T090000",
    "DTEND;TZID=America/New_York:20260201T100000",
    "RRULE:FREQ=DAILY;COUNT=3",
    "UID:gone@google.com",
    "STATUS:CANCELLED",
    "SUMMARY:Cancelled series",
    "END:VEVENT",
    "END:VCALENDAR",
)


def test_google_file_with_moved_and_cancelled_instances() -> None:
    events = by_uid(read_calendar(GOOGLE, "google.ics"))
    assert sorted(events) == [
        "cab123@google.com",
        "cab123@google.com/2026-01-21T18:00:00",
        "floating@google.com",
        "memorial@google.com",
        "move@google.com",
    ]
    cab = events["cab123@google.com"]
    assert cab.line == 8 and cab.categories == ("Governance", "Weekly", "CAB")
    assert cab.schedule.exdates == tuple(
        datetime(2026, 1, d, 18)
        for d in (12, 14, 19, 21, 26)  # + moved, + cancelled (UTC)
    )
    january = starts(cab.schedule, utc(2026, 1, 1), utc(2026, 2, 1))
    assert [d.day for d in january] == [5, 7, 28]  # 18:00 EST is 23:00 UTC
    assert all(d.hour == 23 for d in january)
    moved = events["cab123@google.com/2026-01-21T18:00:00"]
    assert (moved.line, moved.summary) == (20, "Change advisory board (moved)")
    assert moved.schedule == LocalSchedule("America/New_York", datetime(2026, 1, 22, 10), 120)
    assert events["move@google.com"].schedule == LocalSchedule("UTC", datetime(2026, 3, 1, 15), 180)
    assert events["memorial@google.com"].schedule == LocalSchedule(
        "America/New_York", datetime(2026, 5, 25), 1440, all_day=True
    )
    assert events["floating@google.com"].schedule.zone == "America/New_York"


def test_thunderbird_style_zone_ids_and_utc_until_across_dst() -> None:
    data = ics(
        "BEGIN:VCALENDAR",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:a1b2c3d4-tb",
        "SUMMARY:Nightly batch freeze",
        "DTSTART;TZID=/freeassociation.sourceforge.net/America/New_York:20260305T180000",
        'DTEND;TZID="America/New_York":20260305T190000',
        "RRULE:FREQ=DAILY;UNTIL=20260310T220000Z",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    (event,) = read_calendar(data, "tb.ics")
    # 22:00 UTC is 18:00 EDT after March 8, so the 10th is the last day
    assert event.schedule.rrule == "FREQ=DAILY;UNTIL=20260310T180000"
    found = starts(event.schedule, utc(2026, 3, 1), utc(2026, 4, 1))
    assert [d.day for d in found] == [5, 6, 7, 8, 9, 10]


def test_rdates_become_one_offs_and_periods_keep_their_length() -> None:
    data = ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:r@x",
        "DTSTART;TZID=Europe/Berlin:20260105T220000",
        "DTEND;TZID=Europe/Berlin:20260105T230000",
        "RDATE;TZID=Europe/Berlin:20260107T220000",
        "RDATE;VALUE=PERIOD:20260109T200000Z/PT2H",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    events = by_uid(read_calendar(data, "r.ics"))
    assert events["r@x"].schedule == LocalSchedule("Europe/Berlin", datetime(2026, 1, 5, 22), 60)
    assert events["r@x/2026-01-07T22:00:00"].schedule.minutes == 60
    assert events["r@x/2026-01-09T21:00:00"].schedule.minutes == 120


def test_zone_names() -> None:
    assert zone_name("W. Europe Standard Time") == "Europe/Berlin"
    assert zone_name("Eastern Standard Time") == "America/New_York"
    assert zone_name("europe/berlin") == "Europe/Berlin"
    assert zone_name("/mozilla.org/20070129_1/Europe/Berlin") == "Europe/Berlin"
    assert zone_name("UTC") == "UTC"
    assert zone_name("Customized Time Zone") is None


# -- rejected files --------------------------------------------------------------------------


def event_file(*props: str) -> bytes:
    return ics(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//test//EN",
        "BEGIN:VEVENT",  # line 4
        "UID:ev-1@x",
        "SUMMARY:Quarter close",
        "DESCRIPTION:A description long enough to be folded over more than one line of the",
        " file\\, which must not throw the line numbers off: they count physical lines",
        " as an editor shows them.",
        *props,  # from line 10
        "END:VEVENT",
        "END:VCALENDAR",
    )


WHO = 'event "Quarter close" (UID ev-1@x)'


@pytest.mark.parametrize(
    ("props", "where", "message"),
    [
        (
            ["DTSTART;TZID=Mars/Olympus_Mons:20260105T220000", "DURATION:PT1H"],
            "10: DTSTART",
            "unknown time zone 'Mars/Olympus_Mons' (neither an IANA zone nor a Windows",
        ),
        (
            ["DTSTART;TZID=Customized Time Zone:20260105T220000", "DURATION:PT1H"],
            "10: DTSTART",
            "unknown time zone 'Customized Time Zone'",
        ),
        (
            ["DTSTART:20260105T220000Z", "DTEND:20260105T210000Z"],
            "11: DTEND",
            "ends before it starts",
        ),
        (
            ["DTSTART:20260105T220000Z", "DTEND:20260105T220000Z"],
            "11: DTEND",
            "ends when it starts",
        ),
        (
            ["DTSTART;VALUE=DATE:20260105", "DTEND;VALUE=DATE:20260105"],
            "11: DTEND",
            "ends when it starts",
        ),
        (
            ["DTSTART:20260105T220000", "DTEND:20260105T230000"],
            "10: DTSTART",
            "is a floating time with no time zone",
        ),
        (
            ["DTSTART:20260105T220000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=XX"],
            "12: RRULE",
            "RRULE",
        ),
        (
            ["DTSTART:20260105T220000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY;INTERVAL=0"],
            "12: RRULE",
            "INTERVAL must be a positive integer",
        ),
        (
            ["DTSTART:20260105T220000Z", "DURATION:PT1H", "RRULE:FREQ=HOURLY"],
            "12: RRULE",
            "repeats hourly",
        ),
        (["DTEND:20260105T220000Z"], "4: DTSTART", "has no start (DTSTART)"),
        (["DTSTART:20260105T220000Z"], "10: DTSTART", "has no end (DTEND or DURATION)"),
        (
            ["DTSTART;VALUE=DATE:20260105", "DTEND:20260106T000000Z"],
            "11: DTEND",
            "DTEND must be a date like DTSTART",
        ),
        (
            ["DTSTART:2026010XT220000Z", "DURATION:PT1H"],
            "10: DTSTART",
            "DTSTART cannot be read",
        ),
        (
            ["DTSTART:20260105T220000Z", "DURATION:PT1H", "SEQUENCE:1", "SEQUENCE:2"],
            "12: SEQUENCE",
            "SEQUENCE appears 2 times; one is allowed",
        ),
        (
            ["DTSTART:20260105T220000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY", "RRULE:FREQ=WEEKLY"],
            "12: RRULE",
            "RRULE appears 2 times; one is allowed",
        ),
    ],
)
def test_each_rejection_names_file_line_and_event(
    props: list[str], where: str, message: str
) -> None:
    with pytest.raises(BadInput) as info:
        read_calendar(event_file(*props), "cal/it.ics")
    (problem,) = info.value.problems
    text = str(problem)
    assert text.startswith(f"cal/it.ics:{where}: {WHO}: "), text
    assert message in text


def test_missing_uid_names_the_event_by_summary() -> None:
    data = event_file("DTSTART:20260105T220000Z", "DURATION:PT1H").replace(b"UID:ev-1@x\r\n", b"")
    with pytest.raises(BadInput) as info:
        read_calendar(data, "it.ics")
    assert str(info.value) == 'it.ics:4: UID: event "Quarter close": has no UID'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"caller,callee\nweb,api\n", "x.ics:1: is not an iCalendar file (it starts with 'caller,"),
        (b"", "x.ics: is empty"),
        (b"BEGIN:VCALENDAR\r\n\xff\xfe\r\n", "x.ics: is not UTF-8 text (byte 17)"),
        (
            ics("BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:a", "DTSTART:2026"),
            "x.ics:3: VEVENT opened here is never closed (is the file cut off?)",
        ),
        (
            ics("BEGIN:VCALENDAR", "BEGIN:VEVENT", "END:VCALENDAR"),
            "x.ics:3: END:VCALENDAR does not close VEVENT from line 2",
        ),
        (
            ics("BEGIN:VCALENDAR", "VERSION:2.0", "this is no content line", "END:VCALENDAR"),
            "x.ics:3: is not an iCalendar content line: 'this is no content line'",
        ),
        (ics("BEGIN:VCALENDAR", "VERSION:2.0", "END:VCALENDAR"), "x.ics: holds no events"),
        (
            ics("BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT"),
            "x.ics:3: BEGIN:VEVENT stands outside a VCALENDAR",
        ),
    ],
)
def test_files_that_are_not_calendars(data: bytes, message: str) -> None:
    with pytest.raises(BadInput) as info:
        read_calendar(data, "x.ics")
    assert str(info.value).startswith(message)


def test_nothing_is_returned_when_any_event_is_bad() -> None:
    good = ["BEGIN:VEVENT", "UID:good@x", "DTSTART:20260105T220000Z", "DURATION:PT1H", "END:VEVENT"]
    data = ics(
        "BEGIN:VCALENDAR",
        *good,
        "BEGIN:VEVENT",  # line 7
        "UID:bad-1@x",
        "DTSTART;TZID=Nowhere/Land:20260105T220000",
        "DURATION:PT1H",
        "END:VEVENT",
        "BEGIN:VEVENT",  # line 12
        "UID:bad-2@x",
        "SUMMARY:Backwards",
        "DTSTART:20260105T220000Z",
        "DTEND:20260105T200000Z",
        "END:VEVENT",
        *good,
        "END:VCALENDAR",
    )
    with pytest.raises(BadInput) as info:
        read_calendar(data, "mixed.ics")
    problems = info.value.problems
    assert [(p.line, p.field) for p in problems] == [(9, "DTSTART"), (16, "DTEND"), (18, "UID")]
    assert "event bad-1@x: unknown time zone 'Nowhere/Land'" in str(problems[0])
    assert 'event "Backwards" (UID bad-2@x): ends before it starts' in str(problems[1])
    assert "the UID is used again (first on line 2)" in str(problems[2])
    assert "(and 2 more)" in str(info.value)


def test_a_rule_that_never_occurs_imports_nothing_but_its_moved_instances() -> None:
    data = ics(
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
        "UID:s@x",
        "DTSTART:20260105T220000Z",
        "DURATION:PT1H",
        "RRULE:FREQ=DAILY;UNTIL=20260101T000000Z",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:lone@x",
        "RECURRENCE-ID:20260301T100000Z",
        "DTSTART:20260302T100000Z",
        "DTEND:20260302T110000Z",
        "END:VEVENT",
        "END:VCALENDAR",
    )
    (lone,) = read_calendar(data, "n.ics")
    assert lone.uid == "lone@x/2026-03-01T10:00:00"  # an instance without its series
    assert lone.schedule == LocalSchedule("UTC", datetime(2026, 3, 2, 10), 60)
