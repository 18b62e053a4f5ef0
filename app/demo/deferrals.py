"""Slips: work that was planned into a release and moved to a later one, or to the backlog.

About one train workload in six slipped at least once before it shipped, a few more than
once; some planned work has already slipped, and some backlog work was pulled out of a
release it was once planned in. Each slip was made by a coordinator of the team shortly
before the release's code freeze, with the kind of reason given in a planning meeting.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from app.demo.world import Uuids, WorkloadRec, World, entity
from app.domain.enums import Role, WorkloadStatus

REASONS = (
    "Team over capacity for the release",
    "Waiting on a dependency from another team",
    "Scope cut in the planning meeting",
    "Test environment unavailable",
    "Security review not finished before code freeze",
    "Vendor delivery late",
    "Moved behind higher-priority compliance work",
    "Freeze window: no production changes",
    "Key engineer on leave",
)
REASON_WEIGHTS = (30, 18, 14, 8, 8, 5, 8, 4, 5)
SLIPPED: dict[str, float] = {"deployed": 0.16, "planned": 0.2, "in_progress": 0.2}
AGAIN = 0.3
"""Of the slipped work, the share that slipped a second time (and so on)."""
PULLED_FROM_BACKLOG = 0.03


def deferral_rows(world: World) -> Iterator[dict[str, Any]]:
    rng = world.rng("deferrals")
    uuids = Uuids(world.rng("deferral-uuids"))
    order = _train_order(world)
    actors = _coordinators(world)
    for rec in world.workloads:
        actor = actors.get(rec.team) or actors.get(-1, "coordinator")
        for from_index, to_index, at in _slips(rng, world, order, rec):
            yield entity(
                world.ids("deferral", 1)[0],
                uuids(),
                at,
                workload_id=rec.id,
                from_release_id=world.releases[from_index].id,
                to_release_id=None if to_index is None else world.releases[to_index].id,
                reason=rng.choices(REASONS, REASON_WEIGHTS)[0],
                actor=actor,
            )


def _train_order(world: World) -> dict[int, tuple[list[int], dict[int, int]]]:
    """Train → (its release indexes by start, release index → position)."""
    out: dict[int, tuple[list[int], dict[int, int]]] = {}
    for index, rel in enumerate(world.releases):
        if rel.train is not None:
            out.setdefault(rel.train, ([], {}))[0].append(index)
    for releases, position in out.values():
        releases.sort(key=lambda i: world.releases[i].start)
        position.update({r: n for n, r in enumerate(releases)})
    return out


def _coordinators(world: World) -> dict[int, str]:
    out: dict[int, str] = {}
    for person in world.people:
        if Role.COORDINATOR in person.roles:
            out.setdefault(person.team if person.team is not None else -1, person.login)
            out.setdefault(-1, person.login)
    return out


def _slips(
    rng: random.Random,
    world: World,
    order: dict[int, tuple[list[int], dict[int, int]]],
    rec: WorkloadRec,
) -> list[tuple[int, int | None, datetime]]:
    train = world.teams[rec.team].train
    releases, position = order.get(train, ([], {}))
    if rec.release is None:
        if rec.status != WorkloadStatus.BACKLOG or rng.random() >= PULLED_FROM_BACKLOG:
            return []
        past = [r for r in releases if world.releases[r].past]
        if not past:
            return []
        source = rng.choice(past[-12:])
        at = _when(rng, world, source, rec.created)
        return [] if at is None else [(source, None, at)]
    if rec.release not in position or rng.random() >= SLIPPED.get(rec.status, 0.0):
        return []
    slips: list[tuple[int, int | None, datetime]] = []
    target = rec.release
    while position[target] > 0:
        source = releases[max(0, position[target] - rng.choice((1, 1, 1, 2)))]
        at = _when(rng, world, source, rec.created)
        if at is None:
            break
        slips.append((source, target, at))
        target = source
        if rng.random() >= AGAIN:
            break
    return sorted(slips, key=lambda s: s[2])


def _when(rng: random.Random, world: World, source: int, created: datetime) -> datetime | None:
    """A few days before the source release's code freeze, after the work was raised and
    before today."""
    rel = world.releases[source]
    freeze = rel.freeze or rel.start
    at = (freeze - timedelta(hours=rng.uniform(6, 96))).replace(microsecond=0)
    latest = world.anchor - timedelta(hours=1)
    if at > latest:
        at = latest - timedelta(hours=rng.uniform(0, 48))
    return at if at > created else None
