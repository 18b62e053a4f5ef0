"""iCalendar (RFC 5545) files that Outlook, Google Calendar and Thunderbird open as they are.

Every event keeps its own zone: times carry a TZID backed by a VTIMEZONE computed from the
IANA database for the years the file spans, or are plain UTC ("Z") times. Recurring windows
are written as RRULE and EXDATE, never as expanded copies.

VTIMEZONE observances are yearly RRULEs (e.g. the last Sunday of March) rather than the
RDATE lists icalendar's generator writes: Outlook ignores RDATE there and then shows every
summer occurrence an hour off. Events are serialised straight to folded content lines, without
a component tree, so a 200,000-event export costs little more than its bytes.
"""

from __future__ import annotations

import calendar
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import IO

from app.planning.recurrence import LocalSchedule, place, rule_body, to_local, zone

PRODID = "-//ReleaseDesk//ReleaseDesk//EN"
UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Zulu"})
"""Zone names written as "Z" times, which need no VTIMEZONE."""
PROGRESS_STEP = 250
"""Events between two progress calls; a call per event would cost more than the event."""

_LIMIT = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]")
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})
_WEEKDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    summary: str
    description: str
    categories: tuple[str, ...]
    schedule: LocalSchedule
    modified: datetime
    """Aware UTC; written as LAST-MODIFIED and DTSTAMP so the same data gives the same file."""
    busy: bool = True
    location: str = ""
    url: str = ""


class ExportCancelled(Exception):
    """The progress callback asked to stop; no file was written or replaced."""


def calendar_bytes(events: Iterable[CalendarEvent], name: str) -> bytes:
    """The whole calendar in memory; `write_calendar` streams large ones to disk."""
    writer = _Writer()
    body = b"".join(writer.event(e) for e in events)
    return writer.head(name) + body + _END


def write_calendar(
    events: Iterable[CalendarEvent],
    name: str,
    path: Path,
    progress: Callable[[int], bool] | None = None,
) -> int:
    """Write the calendar to `path` atomically and return the number of events written.

    VTIMEZONEs must precede the events but depend on all of them, so events are spooled to
    an unnamed file beside `path`, then header and events go to a temporary file that
    replaces `path` only when complete: a failure (a full disk) or a cancel leaves any
    existing file untouched and no partial one. `progress(count)` gets the number of events
    taken from `events` every PROGRESS_STEP events and at the end; returning False cancels
    (ExportCancelled).
    """
    writer = _Writer()
    taken = written = 0
    with tempfile.TemporaryFile(dir=path.parent) as spool:
        for event in events:
            chunk = writer.event(event)
            spool.write(chunk)
            taken += 1
            written += bool(chunk)
            if progress is not None and taken % PROGRESS_STEP == 0:
                _report(progress, taken)
        if progress is not None and taken % PROGRESS_STEP:
            _report(progress, taken)
        spool.seek(0)
        _replace(path, lambda out: _assemble(out, writer.head(name), spool))
    return written


def _report(progress: Callable[[int], bool], count: int) -> None:
    if progress(count) is False:
        raise ExportCancelled(f"export cancelled after {count} events; nothing was written")


def _assemble(out: IO[bytes], head: bytes, spool: IO[bytes]) -> None:
    out.write(head)
    shutil.copyfileobj(spool, out, 1 << 20)
    out.write(_END)


def _replace(path: Path, fill: Callable[[IO[bytes]], None]) -> None:
    """Create a sibling temporary file with ordinary permissions, fill it, then rename."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o666)  # the umask applies, as for any new file
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows opening a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_END = b"END:VCALENDAR\r\n"


class _Writer:
    """Serialises events one by one and remembers which zones and years the header needs."""

    def __init__(self) -> None:
        self.years: dict[str, list[int]] = {}
        """Zone → [first year, last year] of the local times written in it."""
        self.open_ended: set[str] = set()
        self.zones: set[str] = set()

    def head(self, name: str) -> bytes:
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:{PRODID}",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{_text(name)}",
        ]
        if len(self.zones) == 1:
            # Clients use it as the calendar's home zone, and it gives all-day dates a zone
            # on the way back in.
            lines.append(f"X-WR-TIMEZONE:{next(iter(self.zones))}")
        head = b"".join(_fold(line) for line in lines)
        this_year = datetime.now(UTC).year
        for tz_name in sorted(self.years):
            first, last = self.years[tz_name]
            if tz_name in self.open_ended:  # tzdata knows rule changes up to about now
                last = max(last, this_year + 1)
            head += vtimezone(tz_name, first, last)
        return head

    def event(self, e: CalendarEvent) -> bytes:
        s = e.schedule
        if not s.recurring and s.start in s.exdates:
            return b""  # skipped entirely, as occurrences() sees it
        if not _known_zone(s.zone):
            raise ValueError(f"event {e.uid}: unknown time zone {s.zone!r}")
        self.zones.add(s.zone)
        stamp = _utc_stamp(e.modified)
        lines = [
            "BEGIN:VEVENT",
            f"UID:{_text(e.uid)}",
            f"SEQUENCE:{int(e.sequence)}",
            f"DTSTAMP:{stamp}",
            f"LAST-MODIFIED:{stamp}",
        ]
        if s.all_day:
            self._all_day(s, lines)
        elif s.zone in UTC_ZONES:
            self._utc(s, lines)
        else:
            self._zoned(s, lines)
        lines.append(f"SUMMARY:{_text(e.summary)}")
        if e.description:
            lines.append(f"DESCRIPTION:{_text(e.description)}")
        if e.location:
            lines.append(f"LOCATION:{_text(e.location)}")
        if e.url:
            lines.append(f"URL:{_URL_JUNK.sub('', e.url)}")
        if e.categories:
            lines.append("CATEGORIES:" + ",".join(_text(c) for c in e.categories))
        lines.append("TRANSP:OPAQUE" if e.busy else "TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
        return b"".join(_fold(line) for line in lines)

    def _all_day(self, s: LocalSchedule, lines: list[str]) -> None:
        first = s.start.date()
        days = max(1, -(-s.minutes // 1440))
        lines.append(f"DTSTART;VALUE=DATE:{_date(first)}")
        lines.append(f"DTEND;VALUE=DATE:{_date(first + timedelta(days=days))}")
        if s.recurring:
            lines.append("RRULE:" + _rrule(s, lambda until: _date(until.date())))
            if s.exdates:
                values = ",".join(_date(d.date()) for d in sorted(s.exdates))
                lines.append(f"EXDATE;VALUE=DATE:{values}")

    def _utc(self, s: LocalSchedule, lines: list[str]) -> None:
        lines.append(f"DTSTART:{_stamp(s.start)}Z")
        lines.append(f"DTEND:{_stamp(s.start + timedelta(minutes=s.minutes))}Z")
        if s.recurring:
            lines.append("RRULE:" + _rrule(s, lambda until: _stamp(until) + "Z"))
            if s.exdates:
                lines.append("EXDATE:" + ",".join(_stamp(d) + "Z" for d in sorted(s.exdates)))

    def _zoned(self, s: LocalSchedule, lines: list[str]) -> None:
        tz = s.zone
        length = timedelta(minutes=s.minutes)
        start, _ = place(s.start, tz)
        if s.recurring:
            # Clients give every instance the exact length of the first one (RFC 5545
            # 3.8.5.3), so the end is chosen to make that length the wall-clock one.
            end = start + length
            wall_end = to_local(end, tz)
            exact = place(wall_end, tz)[0] == end
        else:
            wall_end = s.start + length
            end, _ = place(wall_end, tz)
            exact = end > start
            if not exact:  # a start moved forward by a gap keeps its length
                end = start + length
        self._span(tz, s.start, wall_end)
        lines.append(f"DTSTART;TZID={tz}:{_stamp(s.start)}")
        if exact:
            lines.append(f"DTEND;TZID={tz}:{_stamp(wall_end)}")
        else:  # no wall clock names that end unambiguously: a duration does
            lines.append(f"DURATION:{_duration(end - start)}")
        if s.recurring:

            def until_utc(until: datetime) -> str:
                self._span(tz, until, until)
                return _stamp(place(until, tz)[0]) + "Z"

            rule = _rrule(s, until_utc)
            lines.append("RRULE:" + rule)
            if "UNTIL=" not in rule:
                self.open_ended.add(tz)
            if s.exdates:
                values = ",".join(_stamp(d) for d in sorted(s.exdates))
                lines.append(f"EXDATE;TZID={tz}:{values}")
                self._span(tz, min(s.exdates), max(s.exdates))

    def _span(self, tz: str, first: datetime, last: datetime) -> None:
        years = self.years.get(tz)
        if years is None:
            self.years[tz] = [first.year, last.year]
        else:
            if first.year < years[0]:
                years[0] = first.year
            if last.year > years[1]:
                years[1] = last.year


def _rrule(s: LocalSchedule, until_text: Callable[[datetime], str]) -> str:
    """The rule with UNTIL in the form RFC 5545 requires next to this DTSTART.

    Rules are kept with a local UNTIL (dateutil compares it with the naive starts); beside a
    TZID it must be UTC, and beside a DATE it must be a DATE.
    """
    body = rule_body(s.rrule)
    if any(c in body for c in "\r\n"):
        raise ValueError(f"not a single RRULE value: {s.rrule!r}")
    parts = body.split(";")
    for i, part in enumerate(parts):
        if part.startswith("UNTIL="):
            value = part[6:]
            if value.endswith("Z"):
                return body
            until = (
                datetime.strptime(value[:15], "%Y%m%dT%H%M%S")
                if "T" in value
                else datetime.strptime(value[:8], "%Y%m%d")
            )
            parts[i] = "UNTIL=" + until_text(until)
    return ";".join(parts)


@lru_cache(maxsize=256)
def _known_zone(name: str) -> bool:
    try:
        zone(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _utc_stamp(instant: datetime) -> str:
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return _stamp(instant) + "Z"


def _stamp(d: datetime) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}T{d.hour:02d}{d.minute:02d}{d.second:02d}"


def _date(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _duration(length: timedelta) -> str:
    seconds = int(length.total_seconds())
    minutes, second = divmod(seconds, 60)
    return f"PT{minutes}M{second}S" if second else f"PT{minutes}M"


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): escaped, one line, no control characters."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(value):
        value = _CONTROL.sub("", value)
    return value.translate(_ESCAPES)


def _fold(line: str) -> bytes:
    """One content line with CRLF, folded at 75 octets (RFC 5545 3.1).

    Folds fall between UTF-8 characters and never inside a backslash escape, which some
    clients do not reassemble.
    """
    raw = line.encode()
    if len(raw) <= _LIMIT:
        return raw + b"\r\n"
    out = []
    begin, room = 0, _LIMIT
    while len(raw) - begin > room:
        cut = begin + room
        while raw[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to its lead
            cut -= 1
        slashes = 0
        while cut - 1 - slashes >= begin and raw[cut - 1 - slashes] == 0x5C:
            slashes += 1
        if slashes % 2:
            cut -= 1
        out.append(raw[begin:cut])
        begin, room = cut, _LIMIT - 1  # a continuation line starts with a space
    out.append(raw[begin:])
    return b"\r\n ".join(out) + b"\r\n"


# -- VTIMEZONE ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Change:
    onset: datetime
    """Local wall clock of the change, read in the offset before it (RFC 5545 3.6.5)."""
    instant: datetime
    before: timedelta
    after: timedelta
    daylight: bool
    name: str

    @property
    def kind(self) -> tuple[bool, timedelta, timedelta, str, int, object, int]:
        o = self.onset
        return (self.daylight, self.before, self.after, self.name, o.month, o.time(), o.weekday())


@lru_cache(maxsize=128)
def vtimezone(name: str, first_year: int, last_year: int) -> bytes:
    """A VTIMEZONE for `name` valid for local times from `first_year` to `last_year`.

    Each kind of change (same offsets, month, weekday and time) that repeats in consecutive
    years becomes one observance with a yearly RRULE, ending with UNTIL where the rule
    changed; the last one is left open so open-ended series stay right. The rule is read
    from _RULE_YEARS beyond `last_year` too: over fewer years "Sunday on or after the 2nd"
    can look like "first Sunday".
    """
    tz = zone(name)
    # Before 1900 zones keep local mean time; past 2100 the last rule simply continues.
    first_year = min(max(first_year, 1900), 2100)
    last_year = min(max(last_year, first_year), 2100)
    begin = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    horizon = last_year + _RULE_YEARS
    changes = _changes(tz, begin, datetime(horizon + 1, 1, 2, tzinfo=UTC))
    lines = ["BEGIN:VTIMEZONE", f"TZID:{name}"]
    if not changes or changes[0].instant >= datetime(first_year, 1, 1, tzinfo=UTC) - _DAY:
        # Nothing changed the year before: state the offset in force from then on.
        offset = begin.astimezone(tz).utcoffset() or timedelta()
        daylight = (begin.astimezone(tz).dst() or timedelta()) > timedelta()
        label = begin.astimezone(tz).tzname() or _offset(offset)
        start = (begin + offset).replace(tzinfo=None)
        lines += _observance(daylight, start, offset, offset, label, "")
    for run in _runs(changes):
        lines += _run_lines(run, horizon)
    lines.append("END:VTIMEZONE")
    return b"".join(_fold(line) for line in lines)


_DAY = timedelta(days=1)
_RULE_YEARS = 12
"""Years in which a date has fallen on every weekday, leap years included."""


def _changes(tz: tzinfo, begin: datetime, end: datetime) -> list[_Change]:
    """Every change of offset or of daylight saving in [begin, end), found day by day."""

    def state(t: datetime) -> tuple[timedelta, int]:
        local = t.astimezone(tz)
        saving = local.dst() or timedelta()
        return local.utcoffset() or timedelta(), (saving > timedelta()) - (saving < timedelta())

    found = []
    t, current = begin, state(begin)
    while t < end:
        nxt = t + _DAY
        then = state(nxt)
        if then != current:
            low, high = t, nxt
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                mid = mid.replace(microsecond=0)
                if state(mid) == current:
                    low = mid
                else:
                    high = mid
            local = high.astimezone(tz)
            found.append(
                _Change(
                    onset=(high + current[0]).replace(tzinfo=None),
                    instant=high,
                    before=current[0],
                    after=then[0],
                    # Ireland's winter is "negative" saving: call its summer the daylight
                    # part, as Windows and most clients expect the larger offset there.
                    daylight=then[1] > 0 or (then[1] == 0 and current[1] < 0),
                    name=local.tzname() or _offset(then[0]),
                )
            )
        t, current = nxt, then
    return found


@dataclass
class _Run:
    changes: list[_Change]
    ordinals: set[int]
    low_day: int
    high_day: int


def _runs(changes: list[_Change]) -> list[_Run]:
    """Group changes of one kind in consecutive years that one yearly rule describes."""
    open_runs: dict[object, _Run] = {}
    done: list[_Run] = []
    for change in changes:
        day = change.onset.day
        fits = _ordinals(change.onset)
        run = open_runs.get(change.kind)
        if run is not None:
            previous = run.changes[-1].onset.year
            ordinals = run.ordinals & fits
            low, high = min(run.low_day, day), max(run.high_day, day)
            if change.onset.year == previous + 1 and (ordinals or high - low <= 6):
                run.changes.append(change)
                run.ordinals, run.low_day, run.high_day = ordinals, low, high
                continue
            done.append(run)
        open_runs[change.kind] = _Run([change], fits, day, day)
    done.extend(open_runs.values())
    return sorted(done, key=lambda r: r.changes[0].instant)


def _ordinals(onset: datetime) -> set[int]:
    """Which BYDAY ordinals (2 = second, -1 = last) name this day of its month."""
    length = calendar.monthrange(onset.year, onset.month)[1]
    fits = {(onset.day - 1) // 7 + 1}
    if onset.day + 7 > length:
        fits.add(-1)
    return fits


def _run_lines(run: _Run, horizon: int) -> list[str]:
    first, last = run.changes[0], run.changes[-1]
    rule = ""
    if len(run.changes) > 1:
        weekday = _WEEKDAY[first.onset.weekday()]
        if run.ordinals:
            ordinal = -1 if -1 in run.ordinals else min(run.ordinals)
            by = f"BYDAY={ordinal}{weekday}"
        else:  # "Sunday on or after the 2nd": a week of candidate days
            start = max(1, run.high_day - 6)
            days = ",".join(str(d) for d in range(start, start + 7))
            by = f"BYMONTHDAY={days};BYDAY={weekday}"
        rule = f"FREQ=YEARLY;BYMONTH={first.onset.month};{by}"
        if last.onset.year < horizon:
            # A day past the last change: some readers (dateutil's tzical) compare UNTIL
            # with the local onset, and the next change of this kind is a year away.
            rule += f";UNTIL={_stamp(last.instant + _DAY)}Z"
    return _observance(first.daylight, first.onset, first.before, first.after, first.name, rule)


def _observance(
    daylight: bool, start: datetime, before: timedelta, after: timedelta, name: str, rule: str
) -> list[str]:
    kind = "DAYLIGHT" if daylight else "STANDARD"
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{_stamp(start)}",
        f"TZOFFSETFROM:{_offset(before)}",
        f"TZOFFSETTO:{_offset(after)}",
        f"TZNAME:{_text(name)}",
    ]
    if rule:
        lines.append(f"RRULE:{rule}")
    lines.append(f"END:{kind}")
    return lines


def _offset(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{sign}{hours:02d}{minutes:02d}" + (f"{secs:02d}" if secs else "")
