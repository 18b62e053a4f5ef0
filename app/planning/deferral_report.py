"""The deferred-work report: how much slips, whose work slips again and again, and for how long.

Each slip is one move of a workload out of a release (to a later one or to the backlog). A
workload is counted under the team of its latest slip, so team rows add up to the totals even
when work changed hands. Whether a workload is still open is read from its latest slip too.
Ages are whole days from when the workload was raised.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

TOP_REASONS = 10
OLDEST = 20
NO_REASON = "(no reason given)"


@dataclass(frozen=True, slots=True)
class Slip:
    workload: int
    key: str
    team: str
    from_release: str
    from_starts: datetime
    to_release: str | None
    """None when the workload went back to the backlog."""
    reason: str
    actor: str
    at: datetime
    created_at: datetime
    """When the workload was raised."""
    open: bool
    """Not deployed or cancelled yet."""


@dataclass(frozen=True, slots=True)
class TeamSlips:
    team: str
    slips: int
    workloads: int
    repeat: int
    """Workloads that slipped more than once."""
    most_slips: int
    most_key: str
    """The workload that slipped most often (ties: first by key)."""
    median_age_days: float | None
    """Median age of the team's slipped workloads that are still open; None when none are."""


@dataclass(frozen=True, slots=True)
class ReleaseTrend:
    release: str
    starts: datetime
    slips: int
    to_backlog: int


@dataclass(frozen=True, slots=True)
class ReasonCount:
    reason: str
    count: int


@dataclass(frozen=True, slots=True)
class OldSlipped:
    workload: int
    key: str
    team: str
    age_days: int
    slips: int


@dataclass(frozen=True)
class DeferralReport:
    total: int
    workloads: int
    repeat: int
    releases: int
    """Distinct releases work slipped out of."""
    by_team: tuple[TeamSlips, ...]
    trend: tuple[ReleaseTrend, ...]
    reasons: tuple[ReasonCount, ...]
    oldest: tuple[OldSlipped, ...]


@dataclass
class _Workload:
    key: str
    team: str
    created_at: datetime
    open: bool
    latest: datetime
    slips: int = 0


def _age(now: datetime, created_at: datetime) -> int:
    return (now - created_at).days


def report(slips: Sequence[Slip], now: datetime) -> DeferralReport:
    workloads: dict[int, _Workload] = {}
    trend: dict[str, list[int]] = {}
    starts: dict[str, datetime] = {}
    reasons: Counter[str] = Counter()
    for slip in slips:
        seen = workloads.get(slip.workload)
        if seen is None:
            seen = workloads[slip.workload] = _Workload(
                slip.key, slip.team, slip.created_at, slip.open, slip.at
            )
        elif slip.at >= seen.latest:
            seen.key, seen.team, seen.open, seen.latest = slip.key, slip.team, slip.open, slip.at
        seen.slips += 1
        counts = trend.setdefault(slip.from_release, [0, 0])
        counts[0] += 1
        counts[1] += slip.to_release is None
        first = starts.get(slip.from_release)
        starts[slip.from_release] = (
            slip.from_starts if first is None else min(first, slip.from_starts)
        )
        reasons[" ".join(slip.reason.split()) or NO_REASON] += 1

    teams: dict[str, list[_Workload]] = {}
    for w in workloads.values():
        teams.setdefault(w.team, []).append(w)
    by_team = []
    for team, members in teams.items():
        most = min(members, key=lambda w: (-w.slips, w.key))
        ages = [_age(now, w.created_at) for w in members if w.open]
        by_team.append(
            TeamSlips(
                team=team,
                slips=sum(w.slips for w in members),
                workloads=len(members),
                repeat=sum(1 for w in members if w.slips > 1),
                most_slips=most.slips,
                most_key=most.key,
                median_age_days=float(statistics.median(ages)) if ages else None,
            )
        )
    by_team.sort(key=lambda row: (-row.slips, row.team))

    ordered = sorted(trend, key=lambda r: (starts[r], r))
    oldest = sorted(
        ((wid, w) for wid, w in workloads.items() if w.open),
        key=lambda pair: (pair[1].created_at, pair[1].key),
    )[:OLDEST]
    top = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]
    return DeferralReport(
        total=len(slips),
        workloads=len(workloads),
        repeat=sum(1 for w in workloads.values() if w.slips > 1),
        releases=len(trend),
        by_team=tuple(by_team),
        trend=tuple(ReleaseTrend(r, starts[r], *trend[r]) for r in ordered),
        reasons=tuple(ReasonCount(reason, n) for reason, n in top),
        oldest=tuple(
            OldSlipped(wid, w.key, w.team, _age(now, w.created_at), w.slips) for wid, w in oldest
        ),
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def health_sentence(rep: DeferralReport) -> str:
    """Reads "412 slips of 260 workloads in the last 12 releases; 61 slipped more than once,
    most in Payments (14)"."""
    if rep.total == 0:
        return "No work slipped."
    span = "the last release" if rep.releases == 1 else f"the last {rep.releases} releases"
    head = f"{_count(rep.total, 'slip')} of {_count(rep.workloads, 'workload')} in {span}"
    if rep.repeat == 0:
        return f"{head}; none slipped more than once"
    worst = min(rep.by_team, key=lambda row: (-row.repeat, row.team))
    return f"{head}; {rep.repeat} slipped more than once, most in {worst.team} ({worst.repeat})"
