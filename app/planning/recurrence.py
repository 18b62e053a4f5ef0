"""Wall-clock schedules in an IANA zone, once or recurring, expanded into UTC spans.

A window "every other Tuesday 22:00–02:00 Europe/Berlin" is defined in local time, so it is
expanded in local time (RFC 5545 RRULE via dateutil) and each occurrence is then placed on the
UTC line. Daylight saving follows RFC 5545 §3.3.5 and is reported, never silent:

- a local start that does not exist (spring forward) is read with the offset before the gap,
  so 02:30 becomes 03:30 summer time, and the occurrence is marked ``gap``;
- a local start that exists twice (fall back) is the first of the two, marked ``ambiguous``.

The length is wall-clock time: 22:00–02:00 ends at 02:00 local even on a night that has 3 or 5
hours.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from dateutil.rrule import rruleset, rrulestr

GAP = "gap"
AMBIGUOUS = "ambiguous"


@dataclass(frozen=True)
class LocalSchedule:
    zone: str
    start: datetime
    """Naive wall-clock start of the first occurrence, in `zone`."""
    minutes: int
    """Wall-clock length; all-day spans are whole multiples of 1440."""
    rrule: str = ""
    """RRULE value without DTSTART, e.g. ``FREQ=WEEKLY;INTERVAL=2;BYDAY=TU``; empty = once."""
    exdates: tuple[datetime, ...] = ()
    """Naive wall-clock starts that are skipped."""
    all_day: bool = False

    @property
    def recurring(self) -> bool:
        return bool(self.rrule)


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime
    local_start: datetime
    """The wall-clock start as the rule produced it (before any gap shift)."""
    note: str = ""
    """"" , GAP or AMBIGUOUS for the start."""


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def place(local: datetime, zone_name: str) -> tuple[datetime, str]:
    """The UTC instant of a naive wall-clock time, and what daylight saving did to it."""
    tz = zone(zone_name)
    first = local.replace(tzinfo=tz, fold=0)
    utc = first.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local:
        return utc, GAP
    second = local.replace(tzinfo=tz, fold=1)
    if second.utcoffset() != first.utcoffset():
        return utc, AMBIGUOUS
    return utc, ""


def to_local(instant: datetime, zone_name: str) -> datetime:
    """The naive wall-clock reading of an aware instant in a zone."""
    return instant.astimezone(zone(zone_name)).replace(tzinfo=None)


def rule_body(rrule: str) -> str:
    """The RRULE value alone: stored rules may carry the ``RRULE:`` name or other case."""
    body = rrule.strip()
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    return body.strip().upper()


# Candidates one period can hold at most, before BYHOUR/BYMINUTE/BYSECOND multiply them.
_DAYS_PER_PERIOD = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7}
_TIME_PARTS = {
    "YEARLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "MONTHLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "WEEKLY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "DAILY": ("BYHOUR", "BYMINUTE", "BYSECOND"),
    "HOURLY": ("BYMINUTE", "BYSECOND"),
    "MINUTELY": ("BYSECOND",),
    "SECONDLY": (),
}


def _check_terminates(body: str) -> None:
    """Reject rules dateutil would loop on for ever (or until year 9999) instead of failing.

    INTERVAL=0 never advances, and a BYSETPOS beyond the candidates of every period matches
    nothing, so iterating an hourly rule like that runs for hours.
    """
    parts = dict(p.split("=", 1) for p in body.split(";") if "=" in p)
    interval = parts.get("INTERVAL", "1")
    if interval.lstrip("+-").isdigit() and int(interval) < 1:
        raise ValueError("INTERVAL must be a positive integer")
    setpos = parts.get("BYSETPOS", "")
    freq = parts.get("FREQ", "")
    if not setpos or freq not in _TIME_PARTS:
        return
    try:
        wanted = min(abs(int(p)) for p in setpos.split(","))
    except ValueError:
        return  # dateutil names the bad value
    most = _DAYS_PER_PERIOD.get(freq, 1)
    for name in _TIME_PARTS[freq]:
        most *= len([v for v in parts.get(name, "").split(",") if v]) or 1
    if wanted > most:
        unit = _UNITS.get(freq, freq.lower())
        raise ValueError(f"BYSETPOS={setpos} never matches: a {unit} has at most {most} candidates")


@lru_cache(maxsize=1024)
def _rule(start: datetime, rrule: str, exdates: tuple[datetime, ...]) -> rruleset:
    body = rule_body(rrule)
    _check_terminates(body)
    rules = rrulestr(f"RRULE:{body}", dtstart=start, forceset=True)
    assert isinstance(rules, rruleset)
    for ex in exdates:
        rules.exdate(ex)
    return rules


@lru_cache(maxsize=1024)
def _first(start: datetime, rrule: str, exdates: tuple[datetime, ...]) -> datetime | None:
    """The first start; None means dateutil searched to year 9999, which is done only once."""
    first: datetime | None = next(iter(_rule(start, rrule, exdates)), None)
    return first


def parse_rrule(rrule: str, start: datetime) -> rruleset:
    """Raise ValueError with dateutil's reason when the rule is not RFC 5545."""
    _first(start, rrule, ())
    return _rule(start, rrule, ())


def local_starts(schedule: LocalSchedule, after: datetime, before: datetime) -> Iterator[datetime]:
    """Naive wall-clock starts in [after, before], both naive local."""
    if not schedule.recurring:
        if after <= schedule.start <= before and schedule.start not in schedule.exdates:
            yield schedule.start
        return
    key = (schedule.start, schedule.rrule, schedule.exdates)
    if _first(*key) is None:
        return  # between() would search to year 9999 on every call
    yield from _rule(*key).between(after, before, inc=True)


def occurrences(schedule: LocalSchedule, after: datetime, before: datetime) -> list[Occurrence]:
    """Occurrences overlapping the UTC range [after, before)."""
    length = timedelta(minutes=schedule.minutes)
    slack = length + timedelta(days=1)
    low = to_local(after, schedule.zone) - slack
    high = to_local(before, schedule.zone) + timedelta(days=1)
    found: dict[datetime, Occurrence] = {}
    for local in local_starts(schedule, low, high):
        start, note = place(local, schedule.zone)
        end, _ = place(local + length, schedule.zone)
        if end <= start:  # a start pushed forward by a gap keeps its length
            end = start + length
        if start < before and end > after:
            # Sub-hourly rules can land two starts on one instant across a gap, and a start
            # inside the gap can overtake the next one; RFC 5545 counts duplicates once.
            found.setdefault(start, Occurrence(start, end, local, note))
    return sorted(found.values(), key=lambda o: o.start)


def first_after(schedule: LocalSchedule, instant: datetime) -> Occurrence | None:
    """The first occurrence ending after `instant`, searching one year ahead at most."""
    horizon = instant + timedelta(days=366)
    step = timedelta(days=31)
    low = instant
    while low < horizon:
        found = occurrences(schedule, low, low + step)
        later = [o for o in found if o.end > instant]
        if later:
            return later[0]
        low += step
    return None


_DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_WEEKDAYS = list(_DAYS.values())
_ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_UNITS = {
    "SECONDLY": "second",
    "MINUTELY": "minute",
    "HOURLY": "hour",
    "DAILY": "day",
    "WEEKLY": "week",
    "MONTHLY": "month",
    "YEARLY": "year",
}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def describe(schedule: LocalSchedule) -> str:
    """Plain language, e.g. "every other Tuesday 22:00–02:00 Europe/Berlin".

    Day and month names are spelled here rather than by strftime, whose names follow the
    process locale (Qt sets it from the desktop) and would mix languages in one sentence.
    """
    start = schedule.start
    end = start + timedelta(minutes=schedule.minutes)
    if schedule.all_day:
        days = max(1, schedule.minutes // 1440)
        span = "all day" if days == 1 else f"for {days} days"
    else:
        span = f"{start:%H:%M}–{end:%H:%M}"
        days = (end.date() - start.date()).days
        if schedule.minutes >= 1440:  # else 10:00–11:00 would hide a 25-hour span
            span += f" (+{days} day{'s' if days != 1 else ''})"
    if not schedule.recurring:
        weekday = _WEEKDAYS[start.weekday()][:3]
        when = f"once on {weekday} {start.day} {MONTHS[start.month - 1][:3]} {start.year}"
        return f"{when} {span} {schedule.zone}"
    parts = dict(p.split("=", 1) for p in rule_body(schedule.rrule).split(";") if "=" in p)
    text = _cadence(parts, start)
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        text += f", until {until[:4]}-{until[4:6]}-{until[6:8]}"
    if schedule.exdates:
        n = len(schedule.exdates)
        return f"{text} {span} {schedule.zone}, except {n} date{'s' if n > 1 else ''}"
    return f"{text} {span} {schedule.zone}"


def _cadence(parts: dict[str, str], start: datetime) -> str:
    freq = parts.get("FREQ", "")
    unit = _UNITS.get(freq, freq.lower())
    interval = int(parts.get("INTERVAL", "1") or 1)
    every = "every" if interval == 1 else "every other" if interval == 2 else f"every {interval}"
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY":
        days = [_DAYS.get(d[-2:], d) for d in byday] or [_WEEKDAYS[start.weekday()]]
        if interval <= 2:
            return f"{every} {_join(days)}"
        return f"{every} weeks on {_join(days)}"
    noun = unit if interval <= 2 else f"{unit}s"
    if freq in ("DAILY", "HOURLY", "MINUTELY", "SECONDLY"):
        return f"{every} {noun}"
    if freq == "MONTHLY" and interval == 3:
        every, noun = "every", "quarter"
    detail = ""
    setpos = [int(p) for p in parts.get("BYSETPOS", "").split(",") if p]
    if byday and setpos and not any(d[:-2] for d in byday):
        # One pick among the listed days: BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 is one day.
        names = {d[-2:] for d in byday}
        kind = (
            "weekday"
            if names == {"MO", "TU", "WE", "TH", "FR"}
            else "weekend day"
            if names == {"SA", "SU"}
            else "day"
            if len(names) == 7
            else _join([_DAYS.get(d[-2:], d) for d in byday], "or")
        )
        detail = f" on the {_join([_ordinal(p) for p in setpos])} {kind}"
    elif byday:
        named = []
        for d in byday:
            n = d[:-2]
            prefix = f"{_ordinal(int(n))} " if n else ""
            named.append(prefix + _DAYS.get(d[-2:], d))
        detail = f" on the {_join(named)}"
    elif "BYMONTHDAY" in parts:
        days = parts["BYMONTHDAY"].split(",")
        detail = " on the last day" if days == ["-1"] else " on day " + _join(days)
    if freq == "YEARLY":
        months = parts.get("BYMONTH", str(start.month)).split(",")
        detail = f" in {_join([MONTHS[int(m) - 1] for m in months])}" + (
            detail or f" on day {start.day}"
        )
    elif not detail and freq == "MONTHLY":
        detail = f" on day {start.day}"
    return f"{every} {noun}{detail}"


def _ordinal(n: int) -> str:
    if n in _ORDINAL:
        return _ORDINAL[n]
    if n < 0:
        return f"{_ordinal(-n)} last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(items: list[str], word: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
