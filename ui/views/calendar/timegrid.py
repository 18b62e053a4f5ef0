"""Local days on the UTC line: where a span falls within each day of the display zone.

A day in Berlin is 23, 24 or 25 hours long and starts at a different UTC instant than a day
in Kolkata; the month and week grids ask these helpers instead of adding 24 hours.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ui.views.calendar.zones import MONTHS, day_start, local


@dataclass(frozen=True)
class Day:
    day: date
    start: datetime
    end: datetime

    def fraction(self, instant: datetime) -> float:
        """How far into the day an instant lies, clamped to [0, 1]."""
        length = (self.end - self.start).total_seconds()
        return min(1.0, max(0.0, (instant - self.start).total_seconds() / length))

    def part(self, start: datetime, end: datetime) -> tuple[float, float] | None:
        """The share [from, to] of this day a span covers, or None when it misses the day."""
        if end <= self.start or start >= self.end:
            return None
        return self.fraction(start), self.fraction(end)


def days(first: date, count: int, zone_id: str) -> list[Day]:
    starts = [day_start(first + timedelta(days=i), zone_id) for i in range(count + 1)]
    return [Day(first + timedelta(days=i), starts[i], starts[i + 1]) for i in range(count)]


def covered(grid: list[Day], start: datetime, end: datetime) -> tuple[int, int] | None:
    """First and last index of the grid's days a span touches (end exclusive in time)."""
    hit = [i for i, d in enumerate(grid) if start < d.end and end > d.start]
    return (hit[0], hit[-1]) if hit else None


def runs(indexes: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Consecutive stretches of sorted integers, as (first, last)."""
    first = last = None
    for i in indexes:
        if last is not None and i == last + 1:
            last = i
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = i
    if first is not None and last is not None:
        yield first, last


def month_grid(month: date, first_weekday: int) -> tuple[date, int]:
    """First shown day and number of weeks of a month page (`first_weekday` 0 = Monday)."""
    first = month.replace(day=1)
    lead = (first.weekday() - first_weekday) % 7
    start = first - timedelta(days=lead)
    next_month = (first + timedelta(days=32)).replace(day=1)
    weeks = -(-((next_month - start).days) // 7)
    return start, weeks


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Packed:
    """Bars placed in lanes across day columns, and what did not fit."""

    lanes: list[int]
    visible: list[list[tuple[int, int]]]
    """Per bar, the column runs on which it is drawn."""
    hidden: dict[int, list[int]]
    """Column → bars (by position) hidden there, for its "+N more"."""


def pack(spans: list[tuple[int, int]], fit: int) -> Packed:
    """Put column spans (in priority order) in the lowest free lane; a column with more bars
    than `fit` lanes keeps its last lane for "+N more"."""
    taken: dict[int, set[int]] = {}
    lanes = []
    for first, last in spans:
        lane = 0
        while any(lane in taken.get(col, set()) for col in range(first, last + 1)):
            lane += 1
        lanes.append(lane)
        for col in range(first, last + 1):
            taken.setdefault(col, set()).add(lane)
    crowded = {col for col, used in taken.items() if len(used) > fit or max(used) >= fit}
    visible: list[list[tuple[int, int]]] = []
    hidden: dict[int, list[int]] = {}
    for n, ((first, last), lane) in enumerate(zip(spans, lanes, strict=True)):
        shown = []
        for col in range(first, last + 1):
            limit = fit - 1 if col in crowded else fit
            if lane < limit:
                shown.append(col)
            else:
                hidden.setdefault(col, []).append(n)
        visible.append(list(runs(shown)))
    return Packed(lanes, visible, hidden)


def range_text(mode: str, start: datetime, end: datetime, zone: str) -> str:
    """The label over the calendar: "8 – 14 March 2027 · week 10", "Mar – May 2027"."""
    first = local(start, zone).date()
    last = local(end - timedelta(seconds=1), zone).date()
    if mode == "week":
        head = (
            f"{first.day}"
            if first.month == last.month
            else f"{first.day} {MONTHS[first.month - 1]}"
        )
        if first.year != last.year:
            head += f" {first.year}"
        week = first.isocalendar().week
        return f"{head} – {last.day} {MONTHS[last.month - 1]} {last.year} · week {week}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{MONTHS[first.month - 1]} {first.year}"
    year = f" {first.year}" if first.year != last.year else ""
    return f"{MONTHS[first.month - 1][:3]}{year} – {MONTHS[last.month - 1][:3]} {last.year}"
