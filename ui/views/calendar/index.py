"""The loaded calendar arranged for painting: lookups by key, sorted start times to bisect, the
conflicts per item, and the swimlanes of the timeline.

Built in the loading worker, so the GUI thread never sorts 20,000 deployments; every paint
then costs what is visible (a bisect per day or per pixel column), not what was loaded.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from app.planning.schedule import BLOCKING, Conflict
from app.services.calendar_data import (
    CalendarData,
    DeploymentItem,
    FreezeItem,
    OverrideItem,
    ReleaseItem,
    WaveItem,
    WindowItem,
)

RELEASE = "release"
WINDOW = "window"
FREEZE = "freeze"
WAVE = "wave"
DEPLOYMENT = "deployment"

TRAINS = "trains"
TEAMS = "teams"
INDEPENDENT = "Independent releases"
NO_TEAM = "No team"

Item = ReleaseItem | WindowItem | FreezeItem | WaveItem | DeploymentItem


@dataclass(frozen=True)
class Ref:
    """What the user picked or a conflict names: the kind of item and its key."""

    kind: str
    key: str


def stamp(instant: datetime) -> float:
    return instant.timestamp()


class Tally(NamedTuple):
    total: int
    done: int
    conflicted: int
    blocking: int


@dataclass
class Deployments:
    """Deployments in planned-start order with their starts as numbers, and running totals of
    the done and the conflicting ones, so any time range is counted with two bisects."""

    items: list[DeploymentItem] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    done_before: list[int] = field(default_factory=lambda: [0])
    """done_before[i]: how many of items[:i] have actually started."""
    bad_before: list[int] = field(default_factory=lambda: [0])
    """bad_before[i]: how many of items[:i] are in conflict."""
    blocking_before: list[int] = field(default_factory=lambda: [0])
    """blocking_before[i]: how many of items[:i] have a blocking conflict."""

    @classmethod
    def of(
        cls, items: list[DeploymentItem], conflicts: Mapping[str, list[Conflict]] | None = None
    ) -> Deployments:
        found = conflicts or {}
        ordered = sorted(items, key=lambda d: d.planned_start)
        done, bad, blocking = [0], [0], [0]
        for dep in ordered:
            mine = found.get(dep.key, ())
            done.append(done[-1] + (dep.actual_start is not None))
            bad.append(bad[-1] + bool(mine))
            blocking.append(blocking[-1] + any(c.severity == BLOCKING for c in mine))
        starts = [stamp(d.planned_start) for d in ordered]
        return cls(ordered, starts, done, bad, blocking)

    def range(self, after: datetime, before: datetime) -> tuple[int, int]:
        return bisect_left(self.starts, stamp(after)), bisect_left(self.starts, stamp(before))

    def between(self, after: datetime, before: datetime) -> list[DeploymentItem]:
        lo, hi = self.range(after, before)
        return self.items[lo:hi]

    def count(self, after: datetime, before: datetime) -> int:
        lo, hi = self.range(after, before)
        return hi - lo

    def tally(self, after: datetime, before: datetime) -> Tally:
        """How many start in the range: all, done, in conflict, blocked."""
        lo, hi = self.range(after, before)
        return Tally(
            hi - lo,
            self.done_before[hi] - self.done_before[lo],
            self.bad_before[hi] - self.bad_before[lo],
            self.blocking_before[hi] - self.blocking_before[lo],
        )


@dataclass
class TimedConflicts:
    """Conflicts in start order, to take those overlapping a range without a full scan (a
    large organisation has a hundred thousand in a month)."""

    items: list[Conflict]
    starts: list[float]
    blocking_before: list[int]
    longest: float
    """Seconds of the longest conflict: how far before a range one may start and reach in."""

    @classmethod
    def of(cls, conflicts: list[Conflict]) -> TimedConflicts:
        ordered = sorted(conflicts, key=lambda c: c.start)
        blocking = [0]
        for conflict in ordered:
            blocking.append(blocking[-1] + (conflict.severity == BLOCKING))
        longest = max(((c.end - c.start).total_seconds() for c in ordered), default=0.0)
        return cls(ordered, [stamp(c.start) for c in ordered], blocking, longest)

    def between(self, after: datetime, before: datetime) -> tuple[list[Conflict], int]:
        """The conflicts overlapping [after, before) and how many of them block."""
        first = bisect_left(self.starts, stamp(after) - self.longest)
        mid = bisect_left(self.starts, stamp(after))
        last = bisect_left(self.starts, stamp(before))
        early = [c for c in self.items[first:mid] if c.end > after]
        blocking = sum(1 for c in early if c.severity == BLOCKING)
        blocking += self.blocking_before[last] - self.blocking_before[mid]
        return early + self.items[mid:last], blocking


@dataclass
class Lane:
    """One swimlane of the timeline: a train's (or a team's) releases and deployments."""

    name: str
    releases: list[ReleaseItem]
    rows: list[int]
    """Sub-row of each release, so overlapping releases of one lane never share a row."""
    deployments: Deployments
    teams: frozenset[str] = frozenset()
    """Teams the lane stands for (team lanes), for scoping freezes."""

    @property
    def row_count(self) -> int:
        return max(self.rows, default=-1) + 1


def stack_rows(spans: list[tuple[datetime, datetime]]) -> list[int]:
    """Greedy interval colouring: the first free row for each span, in start order."""
    order = sorted(range(len(spans)), key=lambda i: spans[i][0])
    ends: list[datetime] = []
    rows = [0] * len(spans)
    for i in order:
        start, end = spans[i]
        row = next((r for r, last in enumerate(ends) if last <= start), len(ends))
        if row == len(ends):
            ends.append(end)
        else:
            ends[row] = end
        rows[i] = row
    return rows


def release_span(release: ReleaseItem) -> tuple[datetime, datetime]:
    return (release.code_freeze_at or release.window_start), release.window_end


@dataclass
class CalendarIndex:
    data: CalendarData
    releases: dict[str, ReleaseItem]
    waves: dict[str, WaveItem]
    windows: dict[str, WindowItem]
    freezes: dict[str, FreezeItem]
    deployments: dict[str, DeploymentItem]
    waves_of: dict[str, list[WaveItem]]
    overrides_of: dict[str, list[OverrideItem]]
    conflicts_of: dict[str, list[Conflict]]
    """Conflicts by the key of the item in conflict (a deployment or wave)."""
    release_conflicts: dict[str, list[Conflict]]
    """The conflicts of a release's waves and deployments (and of the release itself)."""
    all_deployments: Deployments
    lanes: dict[str, list[Lane]]
    """TRAINS or TEAMS → lanes."""
    timed: TimedConflicts

    @classmethod
    def build(cls, data: CalendarData) -> CalendarIndex:
        waves_of: dict[str, list[WaveItem]] = defaultdict(list)
        for wave in sorted(data.waves, key=lambda w: (w.position, w.start)):
            waves_of[wave.release].append(wave)
        overrides_of: dict[str, list[OverrideItem]] = defaultdict(list)
        for override in data.overrides:
            overrides_of[override.freeze].append(override)
        conflicts_of: dict[str, list[Conflict]] = defaultdict(list)
        for conflict in data.conflicts:
            conflicts_of[conflict.subject].append(conflict)
        releases = {r.key: r for r in data.releases}
        waves = {w.key: w for w in data.waves}
        deployments = {d.key: d for d in data.deployments}
        release_conflicts: dict[str, list[Conflict]] = defaultdict(list)
        for key, found in conflicts_of.items():
            owner = (
                waves[key].release
                if key in waves
                else deployments[key].release
                if key in deployments
                else key
                if key in releases
                else None
            )
            if owner is not None:
                release_conflicts[owner] += found
        return cls(
            data=data,
            releases=releases,
            waves=waves,
            windows={w.key: w for w in data.windows},
            freezes={f.key: f for f in data.freezes},
            deployments=deployments,
            waves_of=dict(waves_of),
            overrides_of=dict(overrides_of),
            conflicts_of=dict(conflicts_of),
            release_conflicts=dict(release_conflicts),
            all_deployments=Deployments.of(data.deployments, conflicts_of),
            lanes={
                TRAINS: _train_lanes(data, conflicts_of),
                TEAMS: _team_lanes(data, conflicts_of),
            },
            timed=TimedConflicts.of(data.conflicts),
        )

    # ------------------------------------------------------------------ lookups
    def item(self, ref: Ref) -> Item | None:
        table: dict[str, dict[str, Item]] = {
            RELEASE: self.releases,  # type: ignore[dict-item]
            WAVE: self.waves,  # type: ignore[dict-item]
            WINDOW: self.windows,  # type: ignore[dict-item]
            FREEZE: self.freezes,  # type: ignore[dict-item]
            DEPLOYMENT: self.deployments,  # type: ignore[dict-item]
        }
        return table.get(ref.kind, {}).get(ref.key)

    def ref_of(self, key: str) -> Ref | None:
        """The kind of item a bare key (from a conflict) belongs to."""
        for kind, table in (
            (DEPLOYMENT, self.deployments),
            (WAVE, self.waves),
            (RELEASE, self.releases),
            (FREEZE, self.freezes),
            (WINDOW, self.windows),
        ):
            if key in table:
                return Ref(kind, key)
        return None

    def conflicts(self, ref: Ref) -> list[Conflict]:
        return self.conflicts_of.get(ref.key, [])

    def blocking(self, ref: Ref) -> bool:
        return any(c.severity == BLOCKING for c in self.conflicts(ref))

    def conflict_count(self, ref: Ref) -> int:
        if ref.kind == RELEASE:
            return len(self.release_conflicts.get(ref.key, ()))
        return len(self.conflicts_of.get(ref.key, ()))

    def any_blocking(self, ref: Ref) -> bool:
        """Blocking conflicts on the item, or for a release on any of its parts."""
        found = self.release_conflicts.get(ref.key, []) if ref.kind == RELEASE else []
        return self.blocking(ref) or any(c.severity == BLOCKING for c in found)

    def matching(self, text: str) -> list[Ref]:
        """Items whose name (or a deployment's workload key) contains `text`, any case."""
        needle = text.strip().casefold()
        if not needle:
            return []
        data = self.data
        found = [Ref(RELEASE, r.key) for r in data.releases if needle in r.name.casefold()]
        found += [Ref(FREEZE, f.key) for f in data.freezes if needle in f.name.casefold()]
        found += [Ref(WINDOW, w.key) for w in data.windows if needle in w.name.casefold()]
        found += [Ref(WAVE, w.key) for w in data.waves if needle in w.name.casefold()]
        found += [Ref(DEPLOYMENT, d.key) for d in data.deployments if needle in d.label.casefold()]
        return found

    def when(self, ref: Ref) -> datetime | None:
        """When an item (first) happens, to take the calendar there."""
        item = self.item(ref)
        for name in ("window_start", "start", "planned_start"):
            if hasattr(item, name):
                value: datetime = getattr(item, name)
                return value
        occurrences = getattr(item, "occurrences", ())
        return occurrences[0].start if occurrences else None

    def approved_overrides(self, freeze_key: str) -> list[OverrideItem]:
        return [o for o in self.overrides_of.get(freeze_key, []) if o.status == "approved"]


def _train_lanes(data: CalendarData, bad: Mapping[str, list[Conflict]]) -> list[Lane]:
    by_train: dict[str, list[ReleaseItem]] = defaultdict(list)
    for release in data.releases:
        by_train[release.train or INDEPENDENT].append(release)
    train_of = {r.key: (r.train or INDEPENDENT) for r in data.releases}
    deps: dict[str, list[DeploymentItem]] = defaultdict(list)
    for dep in data.deployments:
        deps[train_of.get(dep.release or "", INDEPENDENT)].append(dep)
    names = sorted(set(by_train) | set(deps), key=lambda n: (n == INDEPENDENT, n.casefold()))
    return [_lane(name, by_train.get(name, []), deps.get(name, []), bad) for name in names]


def _team_lanes(data: CalendarData, bad: Mapping[str, list[Conflict]]) -> list[Lane]:
    by_team: dict[str, list[ReleaseItem]] = defaultdict(list)
    for release in data.releases:
        for team in release.teams or (NO_TEAM,):
            by_team[team].append(release)
    deps: dict[str, list[DeploymentItem]] = defaultdict(list)
    for dep in data.deployments:
        deps[dep.team or NO_TEAM].append(dep)
    names = sorted(
        set(by_team) | set(deps) | set(data.team_zones),
        key=lambda n: (n == NO_TEAM, n.casefold()),
    )
    lanes = []
    for name in names:
        lane = _lane(name, by_team.get(name, []), deps.get(name, []), bad)
        lane.teams = frozenset() if name == NO_TEAM else frozenset({name})
        lanes.append(lane)
    return lanes


def _lane(
    name: str,
    releases: list[ReleaseItem],
    deployments: list[DeploymentItem],
    bad: Mapping[str, list[Conflict]],
) -> Lane:
    ordered = sorted(releases, key=lambda r: release_span(r)[0])
    rows = stack_rows([release_span(r) for r in ordered])
    return Lane(name, ordered, rows, Deployments.of(deployments, bad))
