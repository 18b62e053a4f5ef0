"""`releasedesk export ical` and `import ical`: the file Outlook opens, the file IT sends."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import vobject
from sqlalchemy import func, select

from app.cli import main
from app.domain import AuditEvent, FreezePeriod
from app.services import crud
from app.services.calendar import DEPLOYMENT_WINDOW, FREEZE
from app.services.catalog import ENVIRONMENT
from app.services.releases import RELEASE, RELEASE_TRAIN
from tests.factories import Org, acting_login_is_coordinator

CORPORATE = """BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
METHOD:PUBLISH\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
UID:corp-maint-1\r
SUMMARY:Network maintenance ({what})\r
DTSTART;TZID=W. Europe Standard Time:20270102T230000\r
DTEND;TZID=W. Europe Standard Time:20270103T030000\r
RRULE:FREQ=MONTHLY;BYDAY=1SA\r
EXDATE;TZID=W. Europe Standard Time:20270206T230000\r
DTSTAMP:20261101T120000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:corp-close-1\r
SUMMARY:Fiscal year close\r
DTSTART;VALUE=DATE:20270128\r
DTEND;VALUE=DATE:{close_end}\r
DTSTAMP:20261101T120000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture(autouse=True)
def _cli_may_write(seeded: Org) -> None:
    acting_login_is_coordinator(seeded)


def corporate(tmp_path: Path, name: str = "it.ics", **over: str) -> Path:
    values = {"what": "core switches", "close_end": "20270201"} | over
    path = tmp_path / name
    path.write_bytes(CORPORATE.format(**values).encode())
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(org: Org) -> tuple[int, int]:
    with org.db.read() as s:
        freezes = s.scalar(select(func.count()).select_from(FreezePeriod)) or 0
        events = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return freezes, events


def test_reimporting_updates_by_uid_and_creates_no_duplicates(
    seeded: Org, db_url: str, tmp_path: Path, capsys
) -> None:
    first = corporate(tmp_path)
    code, out, _ = run(capsys, "import", "ical", str(first), "--db", db_url, "--json")
    assert (code, json.loads(out)) == (0, {"created": 2, "updated": 0, "unchanged": 0})
    code, out, _ = run(capsys, "import", "ical", str(first), "--db", db_url, "--json")
    assert (code, json.loads(out)) == (0, {"created": 0, "updated": 0, "unchanged": 2})
    changed = corporate(tmp_path, "it2.ics", what="core and edge switches")
    code, out, _ = run(capsys, "import", "ical", str(changed), "--db", db_url, "--json")
    assert (code, json.loads(out)) == (0, {"created": 0, "updated": 1, "unchanged": 1})
    with seeded.db.read() as s:
        rows = {f.external_uid: f for f in s.scalars(select(FreezePeriod))}
    maint = rows["corp-maint-1"]
    assert maint.name == "Network maintenance (core and edge switches)"
    assert (maint.timezone, maint.rrule, maint.exdates) == (
        "Europe/Berlin",
        "FREQ=MONTHLY;BYDAY=1SA",
        ["2027-02-06T23:00"],
    )
    assert maint.hard
    close = rows["corp-close-1"]
    assert (close.all_day, close.starts_local, close.ends_local) == (
        True,
        datetime(2027, 1, 28),
        datetime(2027, 2, 1),
    )


def test_a_bad_event_imports_nothing_and_names_file_event_and_line(
    seeded: Org, db_url: str, tmp_path: Path, capsys
) -> None:
    before = counts(seeded)
    bad = corporate(tmp_path, close_end="20270101")
    code, _, err = run(capsys, "import", "ical", str(bad), "--db", db_url)
    assert code == 2
    assert f"{bad}:" in err and "Fiscal year close" in err and "DTEND" in err
    assert counts(seeded) == before


def test_import_as_windows_needs_their_environment_to_exist(
    seeded: Org, db_url: str, tmp_path: Path, capsys
) -> None:
    before = counts(seeded)
    path = corporate(tmp_path)
    argv = ("import", "ical", str(path), "--as", "window", "--environment", "prod", "--db", db_url)
    code, _, err = run(capsys, *argv)
    assert code == 2 and "environment" in err and "prod" in err
    assert counts(seeded) == before


def _calendar(org: Org) -> None:
    start = datetime(2027, 3, 9, 21, 0, tzinfo=UTC)
    with org.db.transaction() as s:
        actor = org.coordinator
        crud.create(
            s, actor, ENVIRONMENT, {"name": "production", "position": 1, "is_production": True}
        )
        train = crud.create(
            s, actor, RELEASE_TRAIN,
            {"name": "Platform", "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",
             "timezone": "Europe/Berlin"},
        )  # fmt: skip
        crud.create(
            s, actor, RELEASE,
            {"name": "PLT-27.05", "train": train, "window_start": start,
             "window_end": start + timedelta(hours=4), "status": "planned"},
        )  # fmt: skip
        crud.create(
            s, actor, DEPLOYMENT_WINDOW,
            {"name": "Tuesday nights", "environment": "production", "timezone": "Europe/Berlin",
             "starts_local": "2027-01-05T22:00", "ends_local": "2027-01-06T02:00",
             "rrule": "FREQ=WEEKLY;BYDAY=TU", "exdates": ["2027-03-30T22:00"]},
        )  # fmt: skip
        crud.create(
            s, actor, FREEZE,
            {"name": "Year end", "hard": True, "timezone": "UTC", "all_day": True,
             "starts_local": "2026-12-21T00:00", "ends_local": "2027-01-03T00:00",
             "rrule": "FREQ=YEARLY"},
        )  # fmt: skip


def test_export_opens_in_an_independent_parser_at_the_right_times(
    seeded: Org, db_url: str, tmp_path: Path, capsys
) -> None:
    _calendar(seeded)
    target = tmp_path / "plan.ics"
    code, out, _ = run(capsys, "export", "ical", "--db", db_url, "-o", str(target), "--json")
    assert code == 0 and json.loads(out)["events"] == 3
    raw = target.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF throughout
    cal = vobject.readOne(raw.decode())
    events = {e.summary.value: e for e in cal.vevent_list}
    window = events["Deployment window: Tuesday nights"]
    assert window.rrule.value == "FREQ=WEEKLY;BYDAY=TU"
    assert window.dtstart.value.hour == 22 and str(window.dtstart.value.tzinfo) != "UTC"
    assert window.dtstart.value.astimezone(UTC).hour == 21  # CET in January
    release = events["Release PLT-27.05"]
    assert release.dtstart.value.astimezone(UTC) == datetime(2027, 3, 9, 21, tzinfo=UTC)
    freeze = events["Hard freeze: Year end"]
    assert freeze.dtend.value.isoformat() == "2027-01-03"  # exclusive end of an all-day span
    assert {tz.tzid.value for tz in cal.vtimezone_list} == {"Europe/Berlin"}


def test_export_uids_are_stable_and_sequence_rises_with_a_change(
    seeded: Org, db_url: str, tmp_path: Path, capsys
) -> None:
    _calendar(seeded)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    run(capsys, "export", "ical", "--db", db_url, "-o", str(first))
    with seeded.db.transaction() as s:
        freeze = s.scalars(select(FreezePeriod)).one()
        crud.update(s, seeded.coordinator, FREEZE, str(freeze.uuid), freeze.version,
                    {"reason": "Holiday trading"})  # fmt: skip
    run(capsys, "export", "ical", "--db", db_url, "-o", str(second))

    def by_uid(path: Path) -> dict[str, int]:
        cal = vobject.readOne(path.read_text())
        return {e.uid.value: int(e.sequence.value) for e in cal.vevent_list}

    a, b = by_uid(first), by_uid(second)
    assert a.keys() == b.keys()
    assert sorted(b[k] - a[k] for k in a) == [0, 0, 1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("-o", "plan.txt"), ".ics"),
        (("-o", "plan.ics", "--team", "Nobody"), "Nobody"),
        (("-o", "plan.ics", "--from", "2027-02-01", "--to", "2027-01-01"), "--to"),
    ],
)
def test_export_refuses_bad_options(
    seeded: Org, db_url: str, tmp_path: Path, capsys, argv, message
) -> None:
    args = [a if a.startswith("-") or "." not in a else str(tmp_path / a) for a in argv]
    code, _, err = run(capsys, "export", "ical", "--db", db_url, *args)
    assert code == 2 and message in err
    assert not (tmp_path / "plan.ics").exists()


def test_an_import_can_be_taken_back(seeded: Org, tmp_path: Path) -> None:
    from app.exchange.ical_import import read_calendar
    from app.services.calendar_exchange import import_events, undo_import

    first = corporate(tmp_path)
    with seeded.db.transaction() as s:
        import_events(s, seeded.coordinator, read_calendar(first.read_bytes(), "it.ics"),
                      source="it.ics")  # fmt: skip
    changed = corporate(tmp_path, "it2.ics", what="edge switches")
    with seeded.db.transaction() as s:
        summary = import_events(
            s, seeded.coordinator, read_calendar(changed.read_bytes(), "it2.ics"), source="it2.ics"
        )
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    with seeded.db.transaction() as s:
        undo_import(s, seeded.coordinator, summary)
    with seeded.db.read() as s:
        names = sorted(f.name for f in s.scalars(select(FreezePeriod)))
    assert names == ["Fiscal year close", "Network maintenance (core switches)"]
    with seeded.db.transaction() as s:
        again = import_events(
            s, seeded.coordinator, read_calendar(first.read_bytes(), "it.ics"), source="it.ics"
        )
    assert again.unchanged == 2
    with seeded.db.transaction() as s:
        (freeze,) = [f for f in s.scalars(select(FreezePeriod)) if f.name.startswith("Fiscal")]
        s.delete(freeze)
    with seeded.db.transaction() as s:
        summary = import_events(
            s, seeded.coordinator, read_calendar(first.read_bytes(), "it.ics"), source="it.ics"
        )
    assert summary.created == 1
    with seeded.db.transaction() as s:
        undo_import(s, seeded.coordinator, summary)
    with seeded.db.read() as s:
        assert [f.name for f in s.scalars(select(FreezePeriod))] == [
            "Network maintenance (core switches)"
        ]
