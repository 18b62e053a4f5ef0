"""The auto-planner: fills the upcoming train releases by WSJF, within capacity and caps.

The WSJF rule orders the work: higher WSJF first; on a tie the higher cost of delay, then the
smaller size, then the earlier must-ship-by date (none last), then the older key (`key_sort`,
else `key`). Compliance work with a must-ship-by date goes before everything else, earliest
deadline first and the WSJF rule after that, because its placement is guaranteed: it may use
the tech-debt reserve and takes the earliest release with room, saying so when that misses the
deadline.

Each workload takes the earliest release of its team's train with room. Work that must not move
(fixed, emergency, teams without a train) stays put and its points count first. A dependency
ships in the same or an earlier release than its dependents, so it is planned with the priority
of its most urgent dependent; a dependency that cannot be placed holds its dependents back, and
the members of a dependency cycle are deferred together. Work that stays put and depends on a
workload makes its release that workload's deadline. While a team has tech debt waiting, a
share of its limit is kept for it; what tech debt leaves unused is offered to the rest after.

Compliance work already planned in a release in scope that meets its deadline stays there,
and its points count first like those of work in progress. Planned work beyond the releases
in scope is only ever pulled forward: if it does not fit, it
stays where it is and is neither a placement nor a deferral. Work of teams with no release in
scope is left alone.
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.enums import ChangeClass, WorkloadStatus
from app.planning import capacity
from app.planning.plan import (
    Deferral,
    Load,
    Placement,
    PlanItem,
    PlanRelease,
    PlanSnapshot,
    Proposal,
)

if TYPE_CHECKING:
    import networkx as nx

_FIXED, _WAITING, _PLACED, _DEFERRED, _STAYED, _CYCLE = range(6)
"""Where an item stands: not movable, not yet processed, placed, deferred, left beyond the
releases in scope, in a dependency cycle."""

_CYCLE_NAMES = 5
"""How many other members a cycle reason names before it counts the rest."""


def wsjf_key(item: PlanItem) -> tuple[Any, ...]:
    """Sort key of the WSJF rule (see the module docstring)."""
    return (-item.wsjf, -item.cost_of_delay, item.size, item.must_ship_by or date.max, *_age(item))


def planning_key(item: PlanItem) -> tuple[Any, ...]:
    """Compliance with a deadline first, by deadline; then everything by the WSJF rule.
    Flat and spelled out rather than built from `wsjf_key`: sixty thousand of them are sorted
    in each run, and nesting makes that a third slower."""
    due = item.must_ship_by
    if due is not None and item.change_class == ChangeClass.COMPLIANCE:
        phase, deadline = 0, due
    else:
        phase, deadline = 1, date.max
    return (
        phase,
        deadline,
        -item.wsjf,
        -item.cost_of_delay,
        item.size,
        due or date.max,
        item.key_sort or item.key,
        item.key,
        item.id,
    )


def auto_plan(snapshot: PlanSnapshot, releases: Sequence[int] | None = None) -> Proposal:
    """Proposes where every movable workload goes, in the snapshot's releases or in the given
    subset of release ids. Placements and deferrals come in the order they were decided, so
    the list reads like the planning meeting; the snapshot is read, never changed."""
    with _collector_paused():
        return _Planner(snapshot, releases).plan()


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The planner allocates tens of thousands of small, acyclic results next to a snapshot of
    100,000 items; the cyclic collector's full sweeps over that snapshot, not the planning,
    made the time grow faster than the backlog. Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _age(item: PlanItem) -> tuple[str, str, int]:
    """Older keys first; the id keeps the order total whatever order the items came in."""
    return (item.key_sort or item.key, item.key, item.id)


def _kept_for_deadline(item: PlanItem, start: datetime | None, in_scope: set[int]) -> bool:
    """Compliance work already planned in a release that meets its deadline stays there: its
    placement is guaranteed, and moving it could only risk the date."""
    return (
        item.must_ship_by is not None
        and item.change_class == ChangeClass.COMPLIANCE
        and item.release in in_scope
        and start is not None
        and start.date() <= item.must_ship_by
    )


def _is_due_compliance(item: PlanItem) -> bool:
    return item.change_class == ChangeClass.COMPLIANCE and item.must_ship_by is not None


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _release_start(release: PlanRelease) -> datetime:
    return release.starts


class _Planner:
    """One run: per-team lists indexed by the team's position in its releases keep the inner
    loop to a few list look-ups per release."""

    def __init__(self, snapshot: PlanSnapshot, releases: Sequence[int] | None) -> None:
        items = snapshot.items
        self.items = items
        self.share = snapshot.policy.tech_debt_share_percent
        wanted = None if releases is None else set(releases)
        scope = [r for r in snapshot.releases if wanted is None or r.id in wanted]
        scope.sort(key=_release_start)
        self.scope = scope
        self.limits = capacity.limits(snapshot.teams, scope)
        self.team_names = {t.id: t.name for t in snapshot.teams}
        self.index = {item.id: i for i, item in enumerate(items)}
        self.release_starts = {r.id: r.starts for r in snapshot.releases}
        position = {r.id: p for p, r in enumerate(scope)}

        # Per team: its releases in scope (earliest first), their starts, limits and load.
        self.rels: dict[int, list[int]] = {}
        self.starts: dict[int, list[datetime]] = {}
        self.hard: dict[int, list[int]] = {}
        self.load: dict[int, list[int]] = {}
        self.slot: dict[tuple[int, int], int] = {}
        for (team, release), (limit, _basis) in self.limits.items():
            rels = self.rels.setdefault(team, [])
            self.slot[team, release] = len(rels)
            rels.append(position[release])
            self.starts.setdefault(team, []).append(scope[position[release]].starts)
            self.hard.setdefault(team, []).append(limit)
            self.load.setdefault(team, []).append(0)

        n = len(items)
        self.state = [_FIXED] * n
        self.where: list[datetime | None] = [None] * n
        """Start of the release an item sits in or was placed in; None when it has none."""
        self.placed = [-1] * n
        self.reason: dict[int, str] = {}
        self.pull: dict[int, int] = {}
        """Items planned beyond scope: how many of their team's releases are earlier."""
        self.bound: dict[int, tuple[datetime, int, int]] = {}
        """Latest start allowed because fixed work depends on the item; that work's id and
        index (the id settles ties the same way whatever the order of the items)."""
        self.cycles: dict[int, list[int]] = {}
        self.eff: list[int] = []
        self.source: dict[int, int] = {}
        self.guaranteed_ranks = 0
        self.candidates = self._classify(snapshot)
        self.soft = self._reserve()

    def _classify(self, snapshot: PlanSnapshot) -> list[int]:
        items, state, where, pull = self.items, self.state, self.where, self.pull
        starts_of, team_starts_of, load_of, slot_of = (
            self.release_starts,
            self.starts,
            self.load,
            self.slot,
        )
        in_scope = {r.id for r in self.scope}
        trains = {t.id: t.train for t in snapshot.teams}
        in_progress, emergency = str(WorkloadStatus.IN_PROGRESS), str(ChangeClass.EMERGENCY)
        candidates: list[int] = []
        held: list[int] = []  # work that stays put and depends on something: a deadline
        for i, item in enumerate(items):
            release = item.release
            if (
                not item.fixed
                and item.status != in_progress
                and item.change_class != emergency
                and trains.get(item.team) is not None
                and not _kept_for_deadline(item, starts_of.get(release or -1), in_scope)
            ):
                team_starts = team_starts_of.get(item.team, ())
                if release is None or release in in_scope:
                    if team_starts or release is not None:
                        state[i] = _WAITING
                        candidates.append(i)
                        continue
                else:
                    start = starts_of.get(release)
                    earlier = len(team_starts) if start is None else bisect_left(team_starts, start)
                    if earlier:
                        state[i] = _WAITING
                        pull[i] = earlier
                        candidates.append(i)
                        continue
            if release is not None:
                where[i] = starts_of.get(release)
                if item.depends_on:
                    held.append(i)
                if release in in_scope and capacity.consumes_capacity(item):
                    slot = slot_of.get((item.team, release))
                    if slot is not None:
                        load_of[item.team][slot] += item.size
        bound, index = self.bound, self.index
        for i in held:
            start = where[i]
            if start is None:
                continue
            limit = (start, items[i].id, i)
            for dep in items[i].depends_on:
                j = index.get(dep)
                if j is not None and state[j] == _WAITING and (j not in bound or limit < bound[j]):
                    bound[j] = limit
        return candidates

    def _reserve(self) -> dict[int, list[int]]:
        """Limits for work other than tech debt: the reserve is kept only where tech debt
        is waiting."""
        waiting = {
            self.items[i].team
            for i in self.candidates
            if self.items[i].change_class == ChangeClass.TECH_DEBT
        }
        soft = {}
        for team, limits in self.hard.items():
            if team in waiting:
                soft[team] = [limit - limit * self.share // 100 for limit in limits]
            else:
                soft[team] = limits
        return soft

    def _order(self) -> list[int]:
        """Processing order: by each item's effective priority, a dependency before its
        dependents; marks cycles and carries fixed work's deadlines down to dependencies."""
        items = self.items
        keyed = [(*planning_key(items[i]), i) for i in self.candidates]
        keyed.sort()
        own = [k[-1] for k in keyed]
        rank = [0] * len(items)
        for r, i in enumerate(own):
            rank[i] = r
        self.eff = rank
        self.guaranteed_ranks = bisect_left(keyed, (1,))  # compliance with a deadline leads
        # Edges in priority order, so the graph and its topological order do not depend on
        # the order the items came in.
        index, state = self.index, self.state
        edges = []
        for i in own:
            for dep in items[i].depends_on:
                j = index.get(dep)
                if j is not None and state[j] == _WAITING:
                    edges.append((j, i))
        if not edges:
            return own

        import networkx as nx  # imported on first use: it costs start-up a quarter second

        graph = nx.DiGraph(edges)
        try:
            topo = list(nx.topological_sort(graph))
        except nx.NetworkXUnfeasible:
            self._cut_cycles(graph)
            topo = list(nx.topological_sort(graph))
        eff = list(rank)
        source, bound = self.source, self.bound
        for v in reversed(topo):
            best = eff[v]
            for w in graph.succ[v]:
                if eff[w] < best:
                    best = eff[w]
                    source[v] = source.get(w, w)
            eff[v] = best
            limit = bound.get(v)
            if limit is not None:
                for u in graph.pred[v]:
                    if u not in bound or limit < bound[u]:
                        bound[u] = limit
        self.eff = eff
        # A pulled-forward dependency goes right before the most urgent work that needs it.
        pulled: dict[int, list[int]] = {}
        for v in topo:
            if v in source:
                pulled.setdefault(source[v], []).append(v)
        order: list[int] = []
        for i in own:
            if i not in source:
                order.extend(pulled.get(i, ()))
                order.append(i)
        return order

    def _cut_cycles(self, graph: nx.DiGraph) -> None:
        """Marks the members of every dependency cycle and takes them out of the graph."""
        import networkx as nx

        members: set[int] = set()
        for i, _ in nx.selfloop_edges(graph):
            members.add(i)
            self.cycles[i] = []
        for component in nx.strongly_connected_components(graph):
            if len(component) > 1:
                members.update(component)
                for i in component:
                    self.cycles[i] = [j for j in component if j != i]
        for i in members:
            self.state[i] = _CYCLE
        graph.remove_nodes_from(members)

    def plan(self) -> Proposal:
        order = self._order()
        retry = self._pass(order, second=False)
        self._pass([i for i in retry if self.state[i] in (_DEFERRED, _STAYED)], second=True)
        return self._proposal(order)

    def _pass(self, order: list[int], second: bool) -> list[int]:
        """Places what fits; returns what the second pass might still place: work held back
        by the reserve or by a dependency, since loads only grow."""
        items, state, where, index = self.items, self.state, self.where, self.index
        rels_of, starts_of, load_of = self.rels, self.starts, self.load
        hard_of, soft_of, pull, bound = self.hard, self.soft, self.pull, self.bound
        eff, guaranteed, reason, placed = self.eff, self.guaranteed_ranks, self.reason, self.placed
        tech_debt = str(ChangeClass.TECH_DEBT)
        retry: list[int] = []
        said: dict[tuple[int, int, int, int, int], str] = {}
        for i in order:
            if state[i] == _CYCLE:
                continue
            item = items[i]
            team = item.team
            rels = rels_of.get(team)
            if not rels:
                self._defer(i, f"No release of {_possessive(self._team(team))} train is in scope")
                continue
            lo = 0
            binding = -1  # the dependency that ships last, which sets the earliest release
            if item.depends_on:
                retry.append(i)
                latest: datetime | None = None
                blocked = -1
                for dep in item.depends_on:
                    j = index.get(dep)
                    if j is None:
                        continue
                    start = where[j]
                    if start is None:
                        blocked = j
                        break
                    if latest is None or start > latest:
                        latest, binding = start, j
                if blocked >= 0:
                    self._defer(i, f"Waits for {items[blocked].key}, {self._standing(blocked)}")
                    continue
                if latest is not None:
                    lo = bisect_left(starts_of[team], latest)
            hi = pull.get(i, len(rels))
            limit = bound.get(i)
            if limit is not None:
                hi = min(hi, bisect_right(starts_of[team], limit[0]))
            hard = hard_of[team]
            caps = hard
            if not (second or eff[i] < guaranteed or item.change_class == tech_debt):
                caps = soft_of[team]
            loads = load_of[team]
            size = item.size
            most = 0
            for p in range(lo, hi):
                room = caps[p] - loads[p]
                if size <= room:
                    loads[p] += size
                    state[i] = _PLACED
                    placed[i] = rels[p]
                    where[i] = starts_of[team][p]
                    reason[i] = self._placed_reason(i, p, lo, binding, second)
                    break
                if room > most:
                    most = room
            else:
                if caps is not hard:
                    # Quote the whole limit; only work the reserve held back gets a second go.
                    most = 0
                    for p in range(lo, hi):
                        room = hard[p] - loads[p]
                        if room > most:
                            most = room
                    if most >= size and not item.depends_on:
                        retry.append(i)
                if i in pull:
                    self._defer(i, "")
                    continue
                state[i] = _DEFERRED
                if limit is None and lo < hi:
                    # Most deferrals repeat a handful of sentences: format each once.
                    key = (team, lo, hi, size, most)
                    text = said.get(key)
                    if text is None:
                        text = said[key] = self._no_room(i, lo, hi, binding, most)
                    reason[i] = text
                else:
                    reason[i] = self._no_room(i, lo, hi, binding, most)
        return retry

    def _defer(self, i: int, reason: str) -> None:
        if i in self.pull:
            self.state[i] = _STAYED
            release = self.items[i].release
            self.where[i] = self.release_starts.get(release) if release is not None else None
            return
        self.state[i] = _DEFERRED
        self.reason[i] = reason

    def _team(self, team: int) -> str:
        return self.team_names.get(team, f"team {team}")

    def _standing(self, j: int) -> str:
        """Why dependency j holds its dependents back, as the end of a sentence."""
        state = self.state[j]
        if state == _CYCLE:
            return "which is in a dependency cycle"
        if state in (_DEFERRED, _WAITING):
            return "which is not placed"
        if state == _STAYED:
            return "which stays planned beyond the releases in scope"
        if self.items[j].release is None:
            return "which is not planned in any release"
        return "which is planned beyond the releases in scope"

    def _placed_reason(self, i: int, p: int, lo: int, binding: int, second: bool) -> str:
        item = self.items[i]
        team = item.team
        release = self.scope[self.rels[team][p]]
        limit = self.hard[team][p]
        load = self.load[team][p]
        left = f"with {limit - load} of {limit} points left"
        if _is_due_compliance(item):
            due = item.must_ship_by
            assert due is not None
            if release.starts.date() <= due:
                return (
                    f"Compliance due {due}: placed in {release.name}, "
                    "the earliest release with room before the deadline"
                )
            return (
                f"Compliance due {due} misses the deadline: {release.name} "
                "is the earliest release with room"
            )
        in_reserve = load > self.soft[team][p]
        name = self._team(team)
        if in_reserve and item.change_class == ChangeClass.TECH_DEBT:
            return (
                f"Kept for tech debt: uses {_possessive(name)} {self.share}% reserve "
                f"in {release.name} ({limit - load} of {limit} points left)"
            )
        fits = f"fits {release.name}"
        if binding >= 0 and p == lo and lo > 0:
            fits += f" after {self.items[binding].key}"
        fits += f" {left}"
        if in_reserve and second:
            return f"Tech debt left {_possessive(name)} {self.share}% reserve unused: {fits}"
        source = self.source.get(i)
        if source is not None:
            lead = self.items[source]
            if _is_due_compliance(lead):
                who = f"{lead.key} (compliance due {lead.must_ship_by})"
            else:
                who = f"{lead.key} (WSJF {lead.wsjf:.2f})"
            return (
                f"Placed ahead of its own WSJF ({item.wsjf:.2f}) because {who} "
                f"depends on it: {fits}"
            )
        return f"Highest WSJF waiting in {name} ({item.wsjf:.2f}): {fits}"

    def _no_room(self, i: int, lo: int, hi: int, binding: int, most: int) -> str:
        item = self.items[i]
        team = item.team
        name = self._team(team)
        rels = self.rels[team]
        limit = self.bound.get(i)
        if lo >= hi:
            if binding >= 0 and lo >= len(rels):
                return (
                    f"Waits for {self.items[binding].key}, which ships after "
                    f"{_possessive(name)} last release in scope"
                )
            dependent = self.items[limit[2]].key if limit else "fixed work"
            return (
                f"{dependent} depends on it and ships before any release of {name} "
                "in scope that could take it"
            )
        largest = max(self.hard[team][lo:hi])
        if item.size > largest:
            return (
                f"Larger ({item.size} points) than {_possessive(name)} whole limit "
                f"of {largest} points per release"
            )
        count = hi - lo
        first = self.scope[rels[lo]].name
        if count == 1:
            span = f"in {first}"
        elif lo == 0:
            span = f"in the next {count} releases"
        else:
            span = f"in the {count} releases from {first} on"
        text = f"{name} is full {span} (needs {item.size} points, at most {most} left)"
        if limit is not None and hi < len(rels):
            return f"No room before {self.items[limit[2]].key}, which depends on it: {text}"
        return f"No room: {text}"

    def _cycle_reason(self, i: int) -> str:
        others = sorted(self.cycles[i], key=lambda j: _age(self.items[j]))
        if not others:
            return "Depends on itself, so it can never ship"
        names = ", ".join(self.items[j].key for j in others[:_CYCLE_NAMES])
        more = len(others) - _CYCLE_NAMES
        return f"In a dependency cycle with {names}" + (f" and {more} more" if more > 0 else "")

    def _proposal(self, order: list[int]) -> Proposal:
        items, state, scope = self.items, self.state, self.scope
        placements: list[Placement] = []
        deferrals: list[Deferral] = []
        for i in order:
            item = items[i]
            status = state[i]
            if status == _PLACED:
                release = scope[self.placed[i]].id
                moved = item.release if item.release not in (None, release) else None
                placements.append(
                    Placement(
                        item.id,
                        item.key,
                        item.team,
                        release,
                        item.size,
                        item.wsjf,
                        self.reason[i],
                        moved,
                    )
                )
            elif status == _DEFERRED:
                deferrals.append(
                    Deferral(item.id, item.key, item.team, self.reason[i], item.release)
                )
            elif status == _CYCLE and i not in self.pull:
                reason = self._cycle_reason(i)
                deferrals.append(Deferral(item.id, item.key, item.team, reason, item.release))
        loads = tuple(
            Load(team, release, limit, basis, self.load[team][self.slot[team, release]])
            for (team, release), (limit, basis) in self.limits.items()
        )
        return Proposal(tuple(placements), tuple(deferrals), loads)
