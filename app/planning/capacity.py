"""Capacity from what teams actually delivered, and the caps that share a release fairly.

Capacity is read from history, not estimates: a percentile of the points a team delivered in
its last releases (low percentiles are conservative). Caps then bound it: an absolute cap per
team and a maximum share of the release's total capacity, so a dominant stakeholder cannot
take every slot.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

from app.domain.enums import ChangeClass
from app.planning.plan import PlanItem, PlanningPolicy, PlanRelease, PlanTeam

NAMED = {50: "median", 25: "lower quartile", 75: "upper quartile", 100: "best"}


def percentile(values: Sequence[int], p: int) -> int:
    """The p-th percentile (1..100) by linear interpolation, rounded down to whole points."""
    if not values:
        raise ValueError("percentile of no values")
    if not 1 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 1..100")
    if len(values) == 1 or p >= 100:
        return int(max(values)) if p >= 100 else int(values[0])
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return math.floor(cuts[p - 1])


def percentile_name(p: int) -> str:
    if p in NAMED:
        return NAMED[p]
    suffix = "th" if 10 <= p % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(p % 10, "th")
    return f"{p}{suffix} percentile"


def velocity(delivered: Sequence[int], policy: PlanningPolicy) -> tuple[int, str]:
    """Points per release and the basis a coordinator can quote, e.g.
    "lower quartile of last 6 releases: 31 points"."""
    recent = list(delivered)[-policy.history_releases :]
    if not recent:
        n = policy.default_capacity
        return n, f"no delivery history yet: default of {n} points"
    points = percentile(recent, policy.capacity_percentile)
    span = "last release" if len(recent) == 1 else f"last {len(recent)} releases"
    return points, f"{percentile_name(policy.capacity_percentile)} of {span}: {points} points"


def limits(
    teams: Iterable[PlanTeam], releases: Iterable[PlanRelease]
) -> dict[tuple[int, int], tuple[int, str]]:
    """(team id, release id) → (most points the team may commit, why), for every team on each
    release's train."""
    by_train: dict[int | None, list[PlanTeam]] = {}
    for team in teams:
        by_train.setdefault(team.train, []).append(team)
    out: dict[tuple[int, int], tuple[int, str]] = {}
    for release in releases:
        riders = by_train.get(release.train, []) if release.train is not None else []
        total = sum(t.capacity for t in riders)
        for team in riders:
            limit, basis = team.capacity, team.basis
            if team.cap is not None and team.cap < limit:
                limit, basis = team.cap, f"team cap of {team.cap} points"
            if team.max_share_percent is not None:
                share = total * team.max_share_percent // 100
                if share < limit:
                    limit = share
                    basis = f"{team.max_share_percent}% of the release's {total} points"
            out[team.id, release.id] = (limit, basis)
    return out


def consumes_capacity(item: PlanItem) -> bool:
    """Emergency patches bypass the train and never use its capacity."""
    return item.change_class != ChangeClass.EMERGENCY


def committed(items: Iterable[PlanItem]) -> dict[tuple[int, int], int]:
    """(team id, release id) → points planned there."""
    out: dict[tuple[int, int], int] = {}
    for item in items:
        if item.release is not None and consumes_capacity(item):
            key = (item.team, item.release)
            out[key] = out.get(key, 0) + item.size
    return out
