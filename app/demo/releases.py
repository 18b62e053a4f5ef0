"""Release trains on biweekly cadences and the releases that instantiate them.

Each train's RRULE is the source of truth: release windows are expanded from the stored rule
(in the train's own zone, so daylight saving moves the UTC time as it would in real life).
Train windows fall in the week after the anchor week and every second week around it, so
nothing is scheduled in the week the demo is generated in and the plan reads right all week.
Independent releases (emergency patches, independently deployed components) happen weekly.
A release is named by its train and its place in the year's biweekly slots (PLT-26.07).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from app.demo.vocabulary import TRAINS
from app.demo.world import ReleaseRec, Uuids, World, entity
from app.domain.enums import ReleaseStatus

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PERIOD = timedelta(days=14)
FREEZE_BEFORE = timedelta(days=2)
TRAIN_WINDOW = timedelta(hours=4)
INDEPENDENT_WINDOW = timedelta(hours=2)
INDEPENDENT_ZONE = "Europe/Berlin"
INDEPENDENT_WEEKDAY, INDEPENDENT_HOUR = 2, 14


def train_rules(world: World) -> list[tuple[str, str, str, str, str]]:
    """(name, release prefix, zone, rrule, description) for each train of the scale."""
    out = []
    for name, prefix, zone, weekday, hour, description in TRAINS[: world.scale.trains]:
        first = world.anchor_day + timedelta(days=7 + weekday) - PERIOD * world.scale.past_periods
        rule = (
            f"DTSTART;TZID={zone}:{first:%Y%m%d}T{hour:02d}0000\n"
            f"RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY={WEEKDAYS[weekday]}"
        )
        out.append((name, prefix, zone, rule, description))
    return out


def expand(rule: str, zone: str, count: int) -> list[datetime]:
    """The first `count` window starts of a rule, as aware UTC datetimes."""
    tz = ZoneInfo(zone)
    starts = []
    for occurrence in rrulestr(rule):
        local = occurrence.replace(tzinfo=None).replace(tzinfo=tz)
        starts.append(local.astimezone(ZoneInfo("UTC")))
        if len(starts) == count:
            break
    return starts


def build_releases(world: World) -> list[tuple[int, str, str, str, str]]:
    """Fills `world.releases`; returns the train rows as (id, name, zone, rrule, description)."""
    scale = world.scale
    periods = scale.past_periods + scale.future_periods
    trains = []
    for t_index, (name, prefix, zone, rule, description) in enumerate(train_rules(world)):
        train_id = world.ids("release_train", 1)[0]
        world.train_ids.append(train_id)
        trains.append((train_id, name, zone, rule, description))
        for n, start in enumerate(expand(rule, zone, periods)):
            local = start.astimezone(ZoneInfo(zone))
            number = (local.timetuple().tm_yday - 1) // 14 + 1
            world.releases.append(
                ReleaseRec(
                    id=0,
                    name=f"{prefix}-{local.year % 100:02d}.{number:02d}",
                    train=t_index,
                    freeze=start - FREEZE_BEFORE,
                    start=start,
                    end=start + TRAIN_WINDOW,
                    period=n - scale.past_periods,
                )
            )
    tz = ZoneInfo(INDEPENDENT_ZONE)
    weeks_past = 2 * scale.past_periods
    for week in range(-weeks_past, scale.horizon):
        day = world.anchor_day + timedelta(days=7 * (week + (week >= 0)) + INDEPENDENT_WEEKDAY)
        local = datetime(day.year, day.month, day.day, INDEPENDENT_HOUR, tzinfo=tz)
        start = local.astimezone(ZoneInfo("UTC"))
        iso = day.isocalendar()
        world.releases.append(
            ReleaseRec(
                id=0,
                name=f"IND-{iso.year}-W{iso.week:02d}",
                train=None,
                freeze=None,
                start=start,
                end=start + INDEPENDENT_WINDOW,
                period=week,
            )
        )
    for rec, row_id in zip(world.releases, world.ids("release", len(world.releases)), strict=True):
        rec.id = row_id
    return trains


def train_rows(
    world: World, trains: list[tuple[int, str, str, str, str]]
) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("train-uuids"))
    for train_id, name, zone, rule, description in trains:
        yield entity(
            train_id, uuids(), world.origin, name=name, rrule=rule, timezone=zone,
            description=description,
        )  # fmt: skip


def release_rows(world: World) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("release-uuids"))
    for rec in world.releases:
        status = ReleaseStatus.RELEASED if rec.past else ReleaseStatus.PLANNED
        created = min(rec.start - timedelta(days=90), world.anchor - timedelta(days=1))
        yield entity(
            rec.id,
            uuids(),
            max(created, world.origin),
            updated_at=rec.end if rec.past else None,
            name=rec.name,
            train_id=None if rec.train is None else world.train_ids[rec.train],
            code_freeze_at=rec.freeze,
            window_start=rec.start,
            window_end=rec.end,
            status=status,
        )
