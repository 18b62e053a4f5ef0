"""Freeze periods and maintenance windows from an enterprise calendar's .ics export.

Outlook/Exchange, Google Calendar and Thunderbird files are read with icalendar; icalendar
keeps no line numbers, so the file is also scanned line by line (after unfolding) to name the
line of every event and property a problem is found in. Reading is all or nothing: every
problem is collected and reported with file, line and property, and nothing is returned.

Decisions, where the standard leaves room or the model is narrower than RFC 5545:

- Zones: a TZID must be an IANA name or a Windows zone name (Outlook's "W. Europe Standard
  Time", mapped with icalendar's CLDR table); the file's own VTIMEZONE definitions are not
  used, so a custom zone is rejected rather than guessed. UTC ("Z") times get zone "UTC".
- A floating date-time (no TZID, no Z) is read in the calendar's X-WR-TIMEZONE when it
  has one, and rejected otherwise.
- All-day (DATE) events have no zone in iCalendar; they get X-WR-TIMEZONE, else the zone of
  the file's only VTIMEZONE (Outlook writes one for the user's zone), else UTC.
- Length: a DATE without DTEND or DURATION lasts one day (RFC 5545 3.6.1). A date-time
  without either lasts no time at all there, which blocks nothing, so it is rejected, as is
  an end at or before the start. A moved instance without an end keeps its series' length.
  A one-off keeps the wall-clock length of its DTEND; a series gets the exact length of its
  first instance, which RFC 5545 applies to every instance.
- RRULE UNTIL in UTC is turned into the series' local time, since the rule runs on naive
  wall-clock starts; rules repeating more often than daily, EXRULE and more than one RRULE
  are rejected. A rule that never produces an occurrence imports nothing.
- RECURRENCE-ID: the original start joins the series' exdates and a changed instance comes
  back as a one-off with uid "<uid>/<original local start, ISO>"; a cancelled one is only an
  exdate. RDATEs come back as one-offs named the same way. A cancelled series is skipped.
"""

from __future__ import annotations

import math
import re
import warnings
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from icalendar import Calendar, Component
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from app.exchange.errors import BadInput, Problem
from app.planning.recurrence import LocalSchedule, parse_rrule, place, rule_body, to_local

_NEWLINE = re.compile(r"\r?\n")
_CONTENT = re.compile(r"([A-Za-z0-9-]+)[;:]")
_TOO_OFTEN = ("SECONDLY", "MINUTELY", "HOURLY")
_READ = ("DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE", "RDATE", "RECURRENCE-ID", "SEQUENCE")
"""Properties the event cannot be used without if icalendar could not parse them."""


@dataclass(frozen=True)
class ImportedEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    schedule: LocalSchedule
    line: int
    """1-based line of the event's BEGIN:VEVENT."""
    categories: tuple[str, ...] = ()


def read_calendar(data: bytes, source: str) -> list[ImportedEvent]:
    """Every event in the file, or BadInput naming each problem; never part of the file."""
    text = _decode(data, source)
    layout = _scan(text, source)
    with warnings.catch_warnings():  # icalendar warns on guessed TZIDs; we judge zones ourselves
        warnings.simplefilter("ignore")
        try:
            calendars = Calendar.from_ical(text, multiple=True)
        except Exception as exc:  # whatever icalendar trips over, the file is unreadable
            raise BadInput([Problem(source, 0, "", f"is not readable iCalendar ({exc})")]) from None
    reader = _Reader(source, layout)
    events = reader.read([c for c in calendars if isinstance(c, Calendar)])
    if reader.problems:
        raise BadInput(sorted(reader.problems, key=lambda p: p.line))
    return events


def _decode(data: bytes, source: str) -> str:
    if not data.strip():
        raise BadInput([Problem(source, 0, "", "is empty")])
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise BadInput([Problem(source, 0, "", f"is not UTF-8 text (byte {exc.start})")]) from None


# -- where things are -----------------------------------------------------------------------


@dataclass
class _Lines:
    """Where one VEVENT and its own properties (not its alarms') start in the file."""

    begin: int
    props: dict[str, list[int]] = field(default_factory=dict)

    def of(self, name: str) -> int:
        found = self.props.get(name)
        return found[0] if found else self.begin


def _scan(text: str, source: str) -> list[_Lines]:
    """The VEVENTs in file order; BadInput if the BEGIN/END structure is broken."""

    def bad(line: int, message: str) -> BadInput:
        return BadInput([Problem(source, line, "", message)])

    events: list[_Lines] = []
    stack: list[tuple[str, int]] = []
    seen_calendar = False
    for number, head in _logical_lines(text):
        match = _CONTENT.match(head)
        name = match.group(1).upper() if match else ""
        value = head.partition(":")[2].strip().upper()
        shown = repr(head if len(head) <= 40 else head[:40] + "…")
        if not seen_calendar and (name, value) != ("BEGIN", "VCALENDAR"):
            raise bad(number, f"is not an iCalendar file (it starts with {shown})")
        seen_calendar = True
        if match is None:
            raise bad(number, f"is not an iCalendar content line: {shown}")
        if name == "BEGIN" and not stack and value != "VCALENDAR":
            raise bad(number, f"BEGIN:{value} stands outside a VCALENDAR")
        if name == "BEGIN":
            stack.append((value, number))
            if value == "VEVENT":
                events.append(_Lines(number))
        elif name == "END":
            if not stack or stack[-1][0] != value:
                opened = f"{stack[-1][0]} from line {stack[-1][1]}" if stack else "nothing"
                raise bad(number, f"END:{value} does not close {opened}")
            stack.pop()
        elif stack and stack[-1][0] == "VEVENT":
            events[-1].props.setdefault(name, []).append(number)
    if stack:
        what, line = stack[-1]
        raise bad(line, f"{what} opened here is never closed (is the file cut off?)")
    return events


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """(first physical line, start of the unfolded line): enough to name and place it."""
    start, head = 0, ""
    for number, line in enumerate(_NEWLINE.split(text), 1):
        if line[:1] in (" ", "\t") and head:
            if len(head) < 200:  # names and BEGIN/END values are short; values can be huge
                head += line[1:]
            continue
        if head:
            yield start, head
        start, head = number, line if line.strip() else ""
    if head:
        yield start, head


# -- reading events -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moment:
    local: datetime
    """Naive wall clock in `zone` (midnight for a date)."""
    zone: str
    is_date: bool

    @property
    def instant(self) -> datetime:
        return place(self.local, self.zone)[0]


@dataclass
class _Item:
    lines: _Lines
    uid: str
    summary: str
    description: str
    categories: tuple[str, ...]
    sequence: int
    start: _Moment
    minutes: int | None
    rrule: str = ""
    exdates: list[datetime] = field(default_factory=list)
    extra: list[tuple[datetime, int]] = field(default_factory=list)
    """RDATE starts (local) with their lengths."""
    recurrence_id: _Moment | None = None
    cancelled: bool = False
    never: bool = False
    """The rule yields no occurrence (e.g. UNTIL before DTSTART), so only RDATEs count."""

    def schedule(self) -> LocalSchedule:
        return LocalSchedule(
            zone=self.start.zone,
            start=self.start.local,
            minutes=self.minutes or 0,
            rrule=self.rrule,
            exdates=tuple(sorted(set(self.exdates))) if self.rrule else (),
            all_day=self.start.is_date,
        )

    def event(self, uid: str, schedule: LocalSchedule, base: _Item | None = None) -> ImportedEvent:
        return ImportedEvent(
            uid=uid,
            sequence=self.sequence,
            summary=self.summary or (base.summary if base else ""),
            description=self.description or (base.description if base else ""),
            schedule=schedule,
            line=self.lines.begin,
            categories=self.categories or (base.categories if base else ()),
        )


class _Invalid(Exception):
    def __init__(self, prop: str, message: str) -> None:
        super().__init__(message)
        self.prop = prop
        self.message = message


class _Reader:
    def __init__(self, source: str, layout: list[_Lines]) -> None:
        self.source = source
        self.layout = layout
        self.problems: list[Problem] = []
        self.floating_zone: str | None = None
        self.date_zone = "UTC"

    def read(self, calendars: list[Calendar]) -> list[ImportedEvent]:
        items: list[_Item] = []
        index = 0
        found = 0
        for cal in calendars:
            self._calendar_zones(cal)
            for vevent in cal.walk("VEVENT"):
                found += 1
                lines = self.layout[index] if index < len(self.layout) else _Lines(0)
                index += 1
                item = self._item(vevent, lines)
                if item is not None:
                    items.append(item)
        if not found:
            self.problems.append(Problem(self.source, 0, "", "holds no events (VEVENT)"))
        return self._resolve(items)

    def _calendar_zones(self, cal: Calendar) -> None:
        self.floating_zone = None
        named = cal.get("X-WR-TIMEZONE")
        if named:
            self.floating_zone = zone_name(str(named))
        defined = [zone_name(str(tz.get("TZID", ""))) for tz in cal.walk("VTIMEZONE")]
        only = defined[0] if len(defined) == 1 else None
        self.date_zone = self.floating_zone or only or "UTC"

    # one VEVENT on its own

    def _item(self, ev: Component, lines: _Lines) -> _Item | None:
        uid = str(ev.get("UID", "")).strip()
        summary = str(ev.get("SUMMARY", "")).strip()
        who = _who(uid, summary, lines.begin)
        broken = {name.upper(): message for name, message in getattr(ev, "errors", [])}
        try:
            if not uid:
                raise _Invalid("UID", "has no UID")
            for name in _READ:
                if name in broken:
                    raise _Invalid(name, f"{name} cannot be read ({broken[name]})")
                given = ev.get(name)
                if isinstance(given, list) and name not in ("EXDATE", "RDATE"):
                    raise _Invalid(name, f"{name} appears {len(given)} times; one is allowed")
            if "EXRULE" in ev:
                raise _Invalid("EXRULE", "EXRULE is not supported (RFC 5545 deprecated it)")
            if ev.get("DTSTART") is None:
                raise _Invalid("DTSTART", "has no start (DTSTART)")
            start = self._moment(ev["DTSTART"], "DTSTART", None)
            recurrence_id = None
            if ev.get("RECURRENCE-ID") is not None:
                rid = ev["RECURRENCE-ID"]
                if str(getattr(rid, "params", {}).get("RANGE", "")).upper() == "THISANDFUTURE":
                    raise _Invalid("RECURRENCE-ID", "RANGE=THISANDFUTURE is not supported")
                recurrence_id = self._moment(rid, "RECURRENCE-ID", start.zone)
            item = _Item(
                lines=lines,
                uid=uid,
                summary=summary,
                description=str(ev.get("DESCRIPTION", "")).strip(),
                categories=_categories(ev.get("CATEGORIES")),
                sequence=int(ev.get("SEQUENCE", 0)),
                start=start,
                minutes=self._minutes(ev, start, recurring="RRULE" in ev or "RDATE" in ev),
                recurrence_id=recurrence_id,
                cancelled=str(ev.get("STATUS", "")).strip().upper() == "CANCELLED",
            )
            if recurrence_id is None:
                if item.minutes is None:
                    raise _Invalid(
                        "DTSTART",
                        "has no end (DTEND or DURATION), so it lasts no time and blocks nothing",
                    )
                if "RRULE" in ev:
                    item.rrule, item.never = self._rrule(ev["RRULE"], start)
                item.exdates = self._dates(ev.get("EXDATE"), "EXDATE", start)
                item.extra = self._extra(ev.get("RDATE"), start, item.minutes)
        except _Invalid as problem:
            line = lines.of(problem.prop)
            self.problems.append(
                Problem(self.source, line, problem.prop, f"{who}: {problem.message}")
            )
            return None
        except (TypeError, AttributeError, ValueError) as exc:  # a value of an unexpected shape
            message = f"{who}: cannot be read ({exc})"
            self.problems.append(Problem(self.source, lines.begin, "", message))
            return None
        return item

    def _moment(self, prop: Any, name: str, fallback_zone: str | None) -> _Moment:
        value = getattr(prop, "dt", None)
        if isinstance(value, datetime):
            tzid = prop.params.get("TZID")
            return self._datetime(value, str(tzid) if tzid else None, name, fallback_zone)
        if isinstance(value, date):
            return _Moment(datetime.combine(value, datetime.min.time()), self.date_zone, True)
        raise _Invalid(name, f"{name} is not a date or date-time")

    def _datetime(
        self, value: datetime, tzid: str | None, name: str, fallback_zone: str | None
    ) -> _Moment:
        if tzid:
            zone = zone_name(tzid)
            if zone is None:
                raise _Invalid(
                    name,
                    f"unknown time zone {tzid!r} (neither an IANA zone nor a Windows zone name)",
                )
            return _Moment(value.replace(tzinfo=None), zone, False)
        if value.tzinfo is not None:
            return _Moment(value.astimezone(UTC).replace(tzinfo=None), "UTC", False)
        zone = fallback_zone or self.floating_zone
        if zone is None:
            raise _Invalid(
                name,
                f"{name} {value:%Y%m%dT%H%M%S} is a floating time with no time zone "
                "(no TZID, no Z, and no known X-WR-TIMEZONE for the calendar)",
            )
        return _Moment(value, zone, False)

    def _minutes(self, ev: Component, start: _Moment, recurring: bool) -> int | None:
        has_end, has_duration = ev.get("DTEND") is not None, ev.get("DURATION") is not None
        if has_end and has_duration:
            raise _Invalid("DURATION", "has both DTEND and DURATION")
        if has_end:
            end = self._moment(ev["DTEND"], "DTEND", start.zone)
            if end.is_date != start.is_date:
                kind = "a date" if start.is_date else "a date-time"
                raise _Invalid("DTEND", f"DTEND must be {kind} like DTSTART")
            if start.is_date:
                _in_order(end.local - start.local, "DTEND")
                return (end.local - start.local).days * 1440
            exact = end.instant - start.instant
            _in_order(exact, "DTEND")
            if recurring:
                return _whole_minutes(exact)
            wall = (
                end.local - start.local
                if end.zone == start.zone
                else to_local(end.instant, start.zone) - start.local
            )
            return _whole_minutes(wall if wall > timedelta() else exact)
        if has_duration:
            length = getattr(ev["DURATION"], "dt", None)
            if not isinstance(length, timedelta):
                raise _Invalid("DURATION", "DURATION is not a duration")
            if start.is_date:
                _in_order(length, "DURATION")
                if length % timedelta(days=1):
                    raise _Invalid("DURATION", "an all-day event lasts whole days")
                return length.days * 1440
            _in_order(length, "DURATION")
            minutes = _whole_minutes(length)
            if recurring:
                return minutes
            # Days are nominal and hours exact (RFC 5545 3.3.6); the model keeps wall clock.
            days = timedelta(days=length.days)
            finish = place(start.local + days, start.zone)[0] + (length - days)
            wall = to_local(finish, start.zone) - start.local
            return _whole_minutes(wall) if wall > timedelta() else minutes
        return 1440 if start.is_date else None

    def _rrule(self, prop: Any, start: _Moment) -> tuple[str, bool]:
        """The rule on the series' wall clock, and whether it never yields an occurrence."""
        rec = {str(k).upper(): v for k, v in dict(prop).items()}
        freq = str((rec.get("FREQ") or [""])[0]).upper()
        if freq in _TOO_OFTEN:
            raise _Invalid(
                "RRULE", f"repeats {freq.lower()}; freezes and windows repeat daily at most"
            )
        if "COUNT" in rec and "UNTIL" in rec:
            raise _Invalid("RRULE", "RRULE has both COUNT and UNTIL; RFC 5545 allows one")
        parts = dict(p.split("=", 1) for p in rule_body(prop.to_ical().decode()).split(";"))
        until = (rec.get("UNTIL") or [None])[0]
        if until is not None:
            parts["UNTIL"] = self._local_until(until, start)
        order = [k for k in rec if k in parts]  # the file's order, so a round trip is exact
        body = ";".join(f"{k}={parts[k]}" for k in [*order, *(k for k in parts if k not in rec)])
        try:
            rules = parse_rrule(body, start.local)
            first = next(iter(rules), None)
        except (ValueError, TypeError, KeyError, OverflowError) as exc:
            raise _Invalid("RRULE", f"RRULE is not a valid recurrence rule ({exc})") from None
        return body, first is None

    def _local_until(self, until: date | datetime, start: _Moment) -> str:
        """UNTIL on the series' wall clock, in the form dateutil compares naive starts with."""
        if isinstance(until, datetime):
            local = until if until.tzinfo is None else to_local(until, start.zone)
            if start.is_date:
                return f"{local:%Y%m%d}"
            return f"{local:%Y%m%dT%H%M%S}"
        return f"{until:%Y%m%d}" if start.is_date else f"{until:%Y%m%d}T235959"

    def _dates(self, prop: Any, name: str, start: _Moment) -> list[datetime]:
        """EXDATE (or RDATE) values as naive starts on the series' wall clock."""
        found = []
        for values in prop if isinstance(prop, list) else [prop] if prop is not None else []:
            tzid = values.params.get("TZID")
            for value in getattr(values, "dts", []):
                dt = value.dt
                if isinstance(dt, tuple):
                    raise _Invalid(name, f"{name} periods are not supported")
                found.append(self._on_series_clock(dt, str(tzid) if tzid else None, name, start))
        return found

    def _on_series_clock(
        self, dt: date | datetime, tzid: str | None, name: str, start: _Moment
    ) -> datetime:
        if isinstance(dt, datetime):
            moment = self._datetime(dt, tzid, name, start.zone)
            local = (
                moment.local if moment.zone == start.zone else to_local(moment.instant, start.zone)
            )
            return datetime.combine(local.date(), datetime.min.time()) if start.is_date else local
        return datetime.combine(dt, datetime.min.time() if start.is_date else start.local.time())

    def _extra(self, prop: Any, start: _Moment, minutes: int) -> list[tuple[datetime, int]]:
        """RDATE starts with their lengths; a PERIOD brings its own."""
        extra = []
        for values in prop if isinstance(prop, list) else [prop] if prop is not None else []:
            tzid = values.params.get("TZID")
            for value in getattr(values, "dts", []):
                dt = value.dt
                length = minutes
                if isinstance(dt, tuple):
                    begin, end = dt
                    span = end if isinstance(end, timedelta) else end - begin
                    _in_order(span, "RDATE")
                    length = _whole_minutes(span)
                    dt = begin
                zone = str(tzid) if tzid else None
                extra.append((self._on_series_clock(dt, zone, "RDATE", start), length))
        return extra

    # the events together

    def _resolve(self, items: list[_Item]) -> list[ImportedEvent]:
        masters: dict[str, _Item] = {}
        for item in items:
            if item.recurrence_id is not None:
                continue
            if item.uid in masters:
                first = masters[item.uid].lines.begin
                self.problems.append(
                    Problem(
                        self.source,
                        item.lines.begin,
                        "UID",
                        f"{_who(item.uid, item.summary, item.lines.begin)}: the UID is used "
                        f"again (first on line {first})",
                    )
                )
                continue
            masters[item.uid] = item
        if self.problems:
            return []
        replaced: set[str] = set()
        moved: dict[int, tuple[str, _Item | None]] = {}
        for item in items:
            rid = item.recurrence_id
            if rid is None:
                continue
            master = masters.get(item.uid)
            if master is not None and master.cancelled:
                continue
            original = self._original(rid, master)
            if master is not None:
                if master.rrule:
                    master.exdates.append(original)
                elif original == master.start.local:
                    replaced.add(master.uid)
                master.extra = [(s, m) for s, m in master.extra if s != original]
            if item.cancelled:
                continue
            iso = original.date().isoformat() if rid.is_date else original.isoformat()
            moved[id(item)] = (f"{item.uid}/{iso}", master)
        events: list[ImportedEvent] = []
        for item in items:
            if item.recurrence_id is not None:
                if id(item) in moved:
                    uid, master = moved[id(item)]
                    events.append(self._instance(item, uid, master))
                continue
            if item.cancelled:
                continue
            if not item.never and item.uid not in replaced:
                events.append(item.event(item.uid, item.schedule()))
            for local, minutes in item.extra:
                iso = local.date().isoformat() if item.start.is_date else local.isoformat()
                schedule = replace(item.schedule(), start=local, minutes=minutes, rrule="")
                events.append(item.event(f"{item.uid}/{iso}", schedule))
        return events

    def _original(self, rid: _Moment, master: _Item | None) -> datetime:
        """The replaced instance's start on the series' wall clock."""
        if master is None:
            return rid.local
        start = master.start
        if rid.is_date:
            time = datetime.min.time() if start.is_date else start.local.time()
            return datetime.combine(rid.local.date(), time)
        local = rid.local if rid.zone == start.zone else to_local(rid.instant, start.zone)
        return datetime.combine(local.date(), datetime.min.time()) if start.is_date else local

    def _instance(self, item: _Item, uid: str, master: _Item | None) -> ImportedEvent:
        minutes = item.minutes if item.minutes is not None else master.minutes if master else None
        if not minutes:
            self.problems.append(
                Problem(
                    self.source,
                    item.lines.of("DTSTART"),
                    "DTSTART",
                    f"{_who(item.uid, item.summary, item.lines.begin)}: has no end "
                    "(DTEND or DURATION), so it lasts no time and blocks nothing",
                )
            )
            minutes = 0
        schedule = replace(item.schedule(), minutes=minutes, rrule="", exdates=())
        return item.event(uid, schedule, master)


@lru_cache(maxsize=512)
def zone_name(tzid: str) -> str | None:
    """The IANA name for an IANA or Windows TZID, or None if it is neither.

    libical-style ids ("/freeassociation.sourceforge.net/Europe/Berlin") name their IANA zone
    at the end.
    """
    name = tzid.strip().strip('"').strip()
    candidates = [name.strip("/")]
    if name in WINDOWS_TO_OLSON:
        candidates.append(WINDOWS_TO_OLSON[name])
    if name.startswith("/"):
        parts = name.strip("/").split("/")
        candidates += ["/".join(parts[i:]) for i in range(1, len(parts))]
    known = _known_zones()
    for candidate in candidates:
        if candidate.lower() in known:
            return known[candidate.lower()]
    return None


@lru_cache(maxsize=1)
def _known_zones() -> dict[str, str]:
    zones = {z.lower(): z for z in zoneinfo.available_timezones()}
    zones.setdefault("utc", "UTC")
    return zones


def _who(uid: str, summary: str, line: int) -> str:
    shown = summary if len(summary) <= 60 else summary[:59] + "…"
    if summary and uid:
        return f'event "{shown}" (UID {uid})'
    if summary:
        return f'event "{shown}"'
    if uid:
        return f"event {uid}"
    return f"the event starting on line {line}"


def _categories(prop: Any) -> tuple[str, ...]:
    found: list[str] = []
    for values in prop if isinstance(prop, list) else [prop] if prop is not None else []:
        for value in getattr(values, "cats", []):
            text = str(value).strip()
            if text and text not in found:
                found.append(text)
    return tuple(found)


def _whole_minutes(length: timedelta) -> int:
    """Minutes, rounding a stray part-minute up so the blocked time is never cut short."""
    return math.ceil(length.total_seconds() / 60)


def _in_order(length: timedelta, prop: str) -> None:
    if length < timedelta():
        raise _Invalid(prop, "ends before it starts")
    if not length:
        raise _Invalid(prop, "ends when it starts, so it lasts no time")
