"""Display time zones: which zone the calendar paints in, and one instant read in many zones.

The calendar is shared between teams in several zones, so every painted position and every
label goes through one chosen zone (the user's own, UTC or a team's), and tooltips spell an
instant out in each involved team's wall-clock time, so nobody does the arithmetic in a
meeting.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from PySide6.QtCore import QTimeZone

from app.planning.recurrence import MONTHS, place

MINE = "mine"
UTC_ZONE = "UTC"
TEAM_PREFIX = "team:"

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@lru_cache(maxsize=128)
def tz(zone_id: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_id)


def valid_zone(zone_id: str) -> bool:
    try:
        tz(zone_id)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def system_zone_id() -> str:
    """The OS zone as an IANA id; UTC when the OS reports none zoneinfo knows."""
    raw = QTimeZone.systemTimeZoneId()
    zone_id = bytes(raw.data()).decode("ascii", "replace") if hasattr(raw, "data") else str(raw)
    return zone_id if zone_id and valid_zone(zone_id) else "UTC"


def city(zone_id: str) -> str:
    """What people call a zone in conversation: "Asia/Kolkata" → "Kolkata"."""
    if zone_id in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    return zone_id.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class ZoneChoice:
    value: str
    """MINE, UTC_ZONE or TEAM_PREFIX + team name; what the settings remember."""
    label: str
    zone_id: str


def zone_choices(team_zones: dict[str, str], mine: str | None = None) -> list[ZoneChoice]:
    own = mine or system_zone_id()
    found = [ZoneChoice(MINE, f"Mine ({own})", own), ZoneChoice(UTC_ZONE, "UTC", "UTC")]
    for team, zone_id in sorted(team_zones.items(), key=lambda kv: kv[0].casefold()):
        if valid_zone(zone_id):
            found.append(ZoneChoice(TEAM_PREFIX + team, f"Team {team} — {zone_id}", zone_id))
    return found


def resolve(value: str, team_zones: dict[str, str], mine: str | None = None) -> str:
    """The IANA id a remembered choice stands for; the user's own zone when it is gone."""
    if value == UTC_ZONE:
        return "UTC"
    if value.startswith(TEAM_PREFIX):
        zone_id = team_zones.get(value.removeprefix(TEAM_PREFIX), "")
        if zone_id and valid_zone(zone_id):
            return zone_id
    return mine or system_zone_id()


def local(instant: datetime, zone_id: str) -> datetime:
    """Naive wall-clock reading of an aware instant."""
    return instant.astimezone(tz(zone_id)).replace(tzinfo=None)


def day_start(day: date, zone_id: str) -> datetime:
    """The UTC instant a local day begins (a midnight lost to daylight saving moves on)."""
    instant, _note = place(datetime.combine(day, time()), zone_id)
    return instant


def day_span(day: date, zone_id: str) -> tuple[datetime, datetime]:
    return day_start(day, zone_id), day_start(day + timedelta(days=1), zone_id)


def clock(instant: datetime, zone_id: str) -> str:
    return f"{local(instant, zone_id):%H:%M}"


def when(instant: datetime, zone_id: str) -> str:
    """ "Tue 3 Mar 22:00" in the zone."""
    at = local(instant, zone_id)
    return f"{WEEKDAYS[at.weekday()]} {at.day} {MONTHS[at.month - 1][:3]} {at:%H:%M}"


def span_text(start: datetime, end: datetime, zone_id: str) -> str:
    """ "Tue 3 Mar 22:00 – Wed 4 Mar 02:00 Berlin", shortened within one local day."""
    first, last = local(start, zone_id), local(end, zone_id)
    tail = f"{last:%H:%M}" if first.date() == last.date() else when(end, zone_id)
    return f"{when(start, zone_id)} – {tail} {city(zone_id)}"


def zones_line(instant: datetime, zone_ids: Iterable[str]) -> str:
    """ "22:00 Berlin = 16:00 New York = 02:30 Kolkata"; weekdays appear when the local
    dates differ, so an overnight window does not read as the same evening everywhere."""
    unique = list(dict.fromkeys(z for z in zone_ids if z and valid_zone(z)))
    if not unique:
        unique = ["UTC"]
    readings = [(local(instant, z), z) for z in unique]
    days = {at.date() for at, _z in readings}
    parts = []
    for at, z in readings:
        day = f" {WEEKDAYS[at.weekday()]}" if len(days) > 1 else ""
        parts.append(f"{at:%H:%M}{day} {city(z)}")
    return " = ".join(parts)


def now() -> datetime:
    return datetime.now(UTC)
