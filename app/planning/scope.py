"""Scope negotiation: the current plan and a what-if scenario side by side.

The scenario is a list of changes (move, send to the backlog, drop) applied in order to a copy
of the placements, so several changes compose and a later change to the same workload wins.
The snapshot is never touched. What comes back is what a coordinator reads out in the meeting:
points freed per team and release, dependents that lose a dependency, work that stops waiting,
and how the risk mix of each touched release shifts.

A workload counts as blocked when it is planned and one of its dependencies is unplanned
(backlog or dropped) or planned in a release that starts later. Releases outside the snapshot
have no known start, so order against them is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.domain.enums import RiskTier
from app.planning import capacity
from app.planning.plan import PlanItem, PlanSnapshot

_DROPPED = -1
"""Placement marker for a dropped workload; database ids are positive."""


@dataclass(frozen=True, slots=True)
class Change:
    item: int
    release: int | None
    drop: bool = False
    """Remove from the plan entirely (cancel); release None without drop means the backlog."""


@dataclass(frozen=True, slots=True)
class LoadRow:
    team: int
    team_name: str
    release: int
    release_name: str
    limit: int | None
    """None when the team does not ride this release's train."""
    before: int
    after: int

    @property
    def freed(self) -> int:
        """Positive when the scenario frees points, negative when it adds them."""
        return self.before - self.after


@dataclass(frozen=True, slots=True)
class Freed:
    release: int
    release_name: str
    points: int


@dataclass(frozen=True, slots=True)
class Affected:
    item: int
    key: str
    reason: str


@dataclass(frozen=True, slots=True)
class RiskMix:
    high: int = 0
    medium: int = 0
    low: int = 0
    regulated: int = 0


@dataclass(frozen=True, slots=True)
class RiskRow:
    release: int
    release_name: str
    before: RiskMix
    after: RiskMix


@dataclass(frozen=True)
class ScopeComparison:
    loads: tuple[LoadRow, ...]
    freed_points: int
    freed_by_release: tuple[Freed, ...]
    blocked: tuple[Affected, ...]
    unblocked: tuple[Affected, ...]
    risk: tuple[RiskRow, ...]
    summary: tuple[str, ...]


def names(keys: Sequence[str]) -> str:
    """Reads "PAY-9", "PAY-9 and PAY-12" or "PAY-1, PAY-2 and PAY-3"."""
    if len(keys) <= 1:
        return "".join(keys)
    return f"{', '.join(keys[:-1])} and {keys[-1]}"


def _points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


class _Scenario:
    """Placements before and after, with the release order the blocking rule reads."""

    def __init__(self, snapshot: PlanSnapshot, changes: Sequence[Change]) -> None:
        self.snapshot = snapshot
        self.items = {item.id: item for item in snapshot.items}
        self.releases = {r.id: r for r in snapshot.releases}
        self.rank = {r.id: i for i, r in enumerate(snapshot.releases)}
        self.after: dict[int, int | None] = {}
        for change in changes:
            if change.item not in self.items:
                raise ValueError(f"workload {change.item} is not in the plan")
            if (
                not change.drop
                and change.release is not None
                and change.release not in self.releases
            ):
                raise ValueError(f"release {change.release} is not in the plan")
            self.after[change.item] = _DROPPED if change.drop else change.release
        self.changed = [i for i, r in self.after.items() if r != self.items[i].release]
        self.moved = set(self.changed)

    def placed(self, item_id: int, later: bool) -> int | None:
        """Release id, None for the backlog or _DROPPED."""
        if later and item_id in self.after:
            return self.after[item_id]
        return self.items[item_id].release

    def release_name(self, release: int | None) -> str:
        if release is None:
            return "the backlog"
        if release == _DROPPED:
            return "nowhere (dropped)"
        found = self.releases.get(release)
        return found.name if found is not None else "a release outside this plan"

    def waits_on(self, item: PlanItem, later: bool) -> PlanItem | None:
        """The first dependency that leaves this planned workload blocked, if any."""
        own = self.placed(item.id, later)
        if own is None or own == _DROPPED:
            return None
        starts = self.releases[own].starts if own in self.releases else None
        for dep_id in item.depends_on:
            if dep_id not in self.items:
                continue
            where = self.placed(dep_id, later)
            if where is None or where == _DROPPED:
                return self.items[dep_id]
            later_start = self.releases[where].starts if where in self.releases else None
            if starts is not None and later_start is not None and later_start > starts:
                return self.items[dep_id]
        return None


def compare(snapshot: PlanSnapshot, changes: Sequence[Change]) -> ScopeComparison:
    """Changes that end where the workload already is are ignored."""
    sc = _Scenario(snapshot, changes)
    teams = {team.id: team for team in snapshot.teams}
    limits = capacity.limits(snapshot.teams, snapshot.releases)
    before = capacity.committed(snapshot.items)

    after = dict(before)
    touched_loads: dict[tuple[int, int], None] = {}
    touched_releases: dict[int, None] = {}
    for item_id in sc.changed:
        item = sc.items[item_id]
        old, new = item.release, sc.after[item_id]
        for release, sign in ((old, -1), (new, 1)):
            if release is None or release == _DROPPED:
                continue
            touched_releases[release] = None
            if capacity.consumes_capacity(item):
                key = (item.team, release)
                touched_loads[key] = None
                after[key] = after.get(key, 0) + sign * item.size

    rows = []
    for team_id, release_id in touched_loads:
        team = teams.get(team_id)
        limit = limits.get((team_id, release_id))
        rows.append(
            LoadRow(
                team=team_id,
                team_name=team.name if team is not None else f"Team {team_id}",
                release=release_id,
                release_name=sc.release_name(release_id),
                limit=limit[0] if limit is not None else None,
                before=before.get((team_id, release_id), 0),
                after=after.get((team_id, release_id), 0),
            )
        )
    rows.sort(key=lambda r: (_release_rank(sc, r.release), r.team_name))

    freed_by: dict[int, int] = {}
    for row in rows:
        freed_by[row.release] = freed_by.get(row.release, 0) + row.freed
    freed = tuple(
        Freed(r, sc.release_name(r), n)
        for r, n in sorted(freed_by.items(), key=lambda kv: _release_rank(sc, kv[0]))
    )

    blocked, unblocked, cause = _blocking(sc)
    risk = _risk(sc, list(touched_releases))
    summary = _summary(sc, rows, blocked, unblocked, cause)
    return ScopeComparison(
        loads=tuple(rows),
        freed_points=sum(f.points for f in freed),
        freed_by_release=freed,
        blocked=tuple(blocked),
        unblocked=tuple(unblocked),
        risk=risk,
        summary=summary,
    )


def _release_rank(sc: _Scenario, release: int) -> tuple[int, int]:
    """Plan order first, then releases outside the plan by id."""
    return (sc.rank[release], 0) if release in sc.rank else (len(sc.rank), release)


def _blocking(sc: _Scenario) -> tuple[list[Affected], list[Affected], dict[int, list[int]]]:
    """Only changed workloads and their direct dependents can change state, so only they are
    judged; `cause` maps a changed workload to the dependents it leaves blocked."""
    dependents: dict[int, list[int]] = {i: [] for i in sc.changed}
    for item in sc.snapshot.items:
        for dep in item.depends_on:
            if dep in dependents:
                dependents[dep].append(item.id)
    candidates: dict[int, None] = {}
    for item_id in sc.changed:
        candidates[item_id] = None
        for other in dependents[item_id]:
            candidates[other] = None

    blocked, unblocked = [], []
    cause: dict[int, list[int]] = {}
    for item_id in candidates:
        item = sc.items[item_id]
        was, now = sc.waits_on(item, False), sc.waits_on(item, True)
        if now is not None and was is None:
            blocked.append(Affected(item.id, item.key, _blocked_reason(sc, item, now)))
            if now.id in sc.moved and item.id not in sc.moved:
                cause.setdefault(now.id, []).append(item.id)
        elif was is not None and now is None and sc.placed(item.id, True) not in (None, _DROPPED):
            where = sc.release_name(sc.placed(item.id, True))
            reason = f"{item.key} in {where} no longer waits on {was.key}"
            unblocked.append(Affected(item.id, item.key, reason))
    blocked.sort(key=lambda a: _key_order(sc.items[a.item]))
    unblocked.sort(key=lambda a: _key_order(sc.items[a.item]))
    return blocked, unblocked, cause


def _key_order(item: PlanItem) -> str:
    """PAY-9 before PAY-12 even when the snapshot carries no precomputed sort key."""
    return item.key_sort or re.sub(r"\d+", lambda m: m.group().zfill(10), item.key)


def _blocked_reason(sc: _Scenario, item: PlanItem, dep: PlanItem) -> str:
    own = sc.release_name(sc.placed(item.id, True))
    where = sc.placed(dep.id, True)
    moved = dep.id in sc.after and where != dep.release
    if where == _DROPPED:
        state = "which is dropped"
    elif where is None:
        state = "which goes to the backlog" if moved else "which is in the backlog"
    else:
        verb = "which moves to" if moved else "which is in"
        state = f"{verb} {sc.release_name(where)}, after {own}"
    return f"{item.key} in {own} depends on {dep.key}, {state}"


def _mix(items: Sequence[PlanItem]) -> RiskMix:
    tiers = [item.risk_tier for item in items]
    return RiskMix(
        high=tiers.count(RiskTier.HIGH),
        medium=tiers.count(RiskTier.MEDIUM),
        low=tiers.count(RiskTier.LOW),
        regulated=sum(1 for item in items if item.regulated),
    )


def _risk(sc: _Scenario, releases: list[int]) -> tuple[RiskRow, ...]:
    wanted = set(releases)
    was: dict[int, list[PlanItem]] = {r: [] for r in releases}
    for item in sc.snapshot.items:
        if item.release in wanted:
            was[item.release].append(item)
    rows = []
    for release in sorted(releases, key=lambda r: _release_rank(sc, r)):
        now = [i for i in was[release] if sc.placed(i.id, True) == release]
        now += [sc.items[i] for i in sc.changed if sc.after[i] == release]
        rows.append(RiskRow(release, sc.release_name(release), _mix(was[release]), _mix(now)))
    return tuple(rows)


def _summary(
    sc: _Scenario,
    rows: Sequence[LoadRow],
    blocked: Sequence[Affected],
    unblocked: Sequence[Affected],
    cause: dict[int, list[int]],
) -> tuple[str, ...]:
    out = []
    blocked_by_move = {a.item for a in blocked if a.item in sc.moved}
    for item_id in sc.changed:
        item = sc.items[item_id]
        old, new = item.release, sc.after[item_id]
        uses = capacity.consumes_capacity(item) and item.size > 0
        if new == _DROPPED:
            text = f"Dropping {item.key}"
        elif new is None:
            text = f"Moving {item.key} to the backlog"
        elif old is None:
            text = f"Planning {item.key} into {sc.release_name(new)}"
        else:
            text = f"Moving {item.key} from {sc.release_name(old)} to {sc.release_name(new)}"
        effects = []
        if uses and old is not None:
            effects.append(f"frees {_points(item.size)} in {sc.release_name(old)}")
        if uses and new not in (None, _DROPPED):
            effects.append(f"adds {_points(item.size)} to {sc.release_name(new)}")
        if effects:
            text += " " + " and ".join(effects)
        else:
            text += " changes no capacity"
        lost = [
            sc.items[i].key
            for i in sorted(cause.get(item_id, []), key=lambda i: _key_order(sc.items[i]))
        ]
        if len(lost) == 1:
            text += f"; {lost[0]} loses a dependency and becomes blocked"
        elif lost:
            text += f"; {names(lost)} lose a dependency and become blocked"
        if item_id in blocked_by_move:
            text += "; it would itself be blocked"
        out.append(text)
    for row in rows:
        if row.limit is not None and row.after > row.limit and row.after > row.before:
            out.append(
                f"{row.team_name} would be over capacity in {row.release_name}: "
                f"{row.after} of {_points(row.limit)}"
            )
    if unblocked:
        keys = [a.key for a in unblocked]
        verb = "is" if len(keys) == 1 else "are"
        out.append(f"{names(keys)} {verb} no longer blocked")
    return tuple(out)
