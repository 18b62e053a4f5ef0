"""What dropping a card on the capacity board would do, answered while it is still being dragged.

A `MoveChecker` is built once per data load: items, their dependents, committed points and
limits are indexed so that `check` touches only the moved item, its dependencies, its
dependents and the target release's freezes, never the whole plan.

Decisions the rules take:

- A workload must ship in the same release as each dependency or a later one; releases are
  ordered by start, so releases of different trains compare by when they start.
- A dependency or dependent planned in a release outside the snapshot cannot be ordered; that
  is a warning to check by hand, not a block.
- Over capacity warns and never blocks: the coordinator may choose to overcommit, but the text
  says by how much and on what basis the limit was set.
- Moving to the backlog is always allowed; planned dependents that would lose their dependency
  are named as warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from app.planning import capacity
from app.planning.plan import Consequence, Load, PlanItem, PlanRelease, PlanSnapshot, PlanTeam

CAPACITY = "capacity"
TRAIN = "train"
DEPENDENCY = "dependency"
FREEZE = "freeze"
CODE_FREEZE = "code_freeze"
POLICY = "policy"

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def points(n: int) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


def day(instant: datetime, now: datetime | None = None) -> str:
    """Reads "Mon 7 Dec", with the year only when it is not the current one; spelled out here
    so no locale can translate it."""
    text = f"{_DAYS[instant.weekday()]} {instant.day} {_MONTHS[instant.month - 1]}"
    return text if now is not None and now.year == instant.year else f"{text} {instant.year}"


class MoveChecker:
    """Answers "what if this card moved there?" in time proportional to the card's own links."""

    def __init__(self, snapshot: PlanSnapshot, train_names: Mapping[int, str] | None = None):
        self.snapshot = snapshot
        self.train_names = dict(train_names or {})
        self.items: dict[int, PlanItem] = {item.id: item for item in snapshot.items}
        self.teams: dict[int, PlanTeam] = {team.id: team for team in snapshot.teams}
        self.releases: dict[int, PlanRelease] = {r.id: r for r in snapshot.releases}
        self.order: dict[int, int] = {r.id: i for i, r in enumerate(snapshot.releases)}
        self.limits = capacity.limits(snapshot.teams, snapshot.releases)
        self.committed = capacity.committed(snapshot.items)
        dependents: dict[int, list[int]] = {}
        for item in snapshot.items:
            for dep in item.depends_on:
                dependents.setdefault(dep, []).append(item.id)
        self.dependents: dict[int, tuple[int, ...]] = {k: tuple(v) for k, v in dependents.items()}

    def loads(self) -> dict[tuple[int, int], Load]:
        """Every team on each in-scope release's train, plus any team with points planned in a
        release whose train it does not ride (limit 0, so the overcommitment shows)."""
        out = {
            key: Load(key[0], key[1], limit, basis, self.committed.get(key, 0))
            for key, (limit, basis) in self.limits.items()
        }
        for key, points_ in self.committed.items():
            if key not in out and key[1] in self.releases:
                out[key] = Load(key[0], key[1], 0, "not on this release's train", points_)
        return out

    def check(self, item_id: int, release_id: int | None) -> list[Consequence]:
        """Blocking consequences first; an unchanged placement has none."""
        item = self.items[item_id]
        if item.release == release_id:
            return []
        target = None
        if release_id is not None:
            target = self.releases.get(release_id)
            if target is None:
                raise ValueError(f"release {release_id} is not in the plan")
        found: list[Consequence] = []
        if target is not None:
            found += self._train(item, target)
            found += self._dependencies(item, target)
            found += self._dependents(item, target)
            found += self._freezes(item, target)
        else:
            found += self._orphaned(item)
        found += self._capacity(item, target)
        if target is not None:
            found += self._code_freeze(target)
            found += self._policy(item, target)
        return sorted(found, key=lambda c: not c.blocking)

    def _team_name(self, team_id: int) -> str:
        team = self.teams.get(team_id)
        return team.name if team is not None else f"Team {team_id}"

    def _release_name(self, release_id: int) -> str:
        release = self.releases.get(release_id)
        return release.name if release is not None else "a release outside this plan"

    def _train_name(self, train: int) -> str:
        return f"the {self.train_names.get(train, f'#{train}')} train"

    def _train(self, item: PlanItem, target: PlanRelease) -> list[Consequence]:
        team = self.teams.get(item.team)
        team_train = team.train if team is not None else None
        if target.train == team_train:
            return []
        name = self._team_name(item.team)
        where = (
            f"{target.name} is not on a train"
            if target.train is None
            else f"{target.name} is on {self._train_name(target.train)}"
        )
        ships = (
            f"{name} ships independently"
            if team_train is None
            else f"{name} ships with {self._train_name(team_train)}"
        )
        return [Consequence(TRAIN, True, f"{where}; {ships}")]

    def _dependencies(self, item: PlanItem, target: PlanRelease) -> list[Consequence]:
        found = []
        for dep_id in item.depends_on:
            dep = self.items.get(dep_id)
            if dep is None:
                continue
            if dep.release is None:
                text = f"{item.key} depends on {dep.key}, which is in the backlog"
                found.append(Consequence(DEPENDENCY, True, text))
            elif dep.release not in self.releases:
                text = (
                    f"{item.key} depends on {dep.key}, planned in a release outside this plan; "
                    f"check that it ships by {target.name}"
                )
                found.append(Consequence(DEPENDENCY, False, text))
            elif self.releases[dep.release].starts > target.starts:
                text = (
                    f"{item.key} would ship in {target.name}, before its dependency {dep.key} "
                    f"in {self.releases[dep.release].name}"
                )
                found.append(Consequence(DEPENDENCY, True, text))
        return found

    def _dependents(self, item: PlanItem, target: PlanRelease) -> list[Consequence]:
        found = []
        for other_id in self.dependents.get(item.id, ()):
            other = self.items[other_id]
            if other.release is None or other.release == target.id:
                continue
            if other.release not in self.releases:
                text = (
                    f"{other.key} depends on {item.key} and is planned in a release outside "
                    f"this plan; check that it ships after {target.name}"
                )
                found.append(Consequence(DEPENDENCY, False, text))
            elif self.releases[other.release].starts < target.starts:
                text = (
                    f"{other.key} depends on {item.key} and is planned in "
                    f"{self.releases[other.release].name}, before {target.name}"
                )
                found.append(Consequence(DEPENDENCY, True, text))
        return found

    def _orphaned(self, item: PlanItem) -> list[Consequence]:
        found = []
        for other_id in self.dependents.get(item.id, ()):
            other = self.items[other_id]
            if other.release is not None:
                text = (
                    f"{other.key} in {self._release_name(other.release)} depends on "
                    f"{item.key} and would be blocked"
                )
                found.append(Consequence(DEPENDENCY, False, text))
        return found

    def _freezes(self, item: PlanItem, target: PlanRelease) -> list[Consequence]:
        found = []
        components = set(item.components)
        for note in target.freezes:
            if note.teams and item.team not in note.teams:
                continue
            if note.components and not components.intersection(note.components):
                continue
            kind = "hard" if note.hard else "soft"
            text = f"{target.name} falls in the {kind} freeze {note.name}"
            if note.hard and note.overridden:
                text += "; an approved override lets it through"
            elif not note.hard:
                text += "; changes need extra care"
            found.append(Consequence(FREEZE, note.hard and not note.overridden, text))
        return found

    def _capacity(self, item: PlanItem, target: PlanRelease | None) -> list[Consequence]:
        if not capacity.consumes_capacity(item):
            text = f"{item.key} is an emergency patch: it uses no train capacity"
            return [Consequence(CAPACITY, False, text)]
        found = []
        if target is not None and (item.team, target.id) in self.limits:
            limit, basis = self.limits[item.team, target.id]
            after = self.committed.get((item.team, target.id), 0) + item.size
            name = self._team_name(item.team)
            if after > limit:
                text = (
                    f"{name} would be over capacity in {target.name}: {after} of "
                    f"{points(limit)} ({after - limit} over; {basis})"
                )
            else:
                text = f"{name}: {after} of {points(limit)} in {target.name} after the move"
            found.append(Consequence(CAPACITY, False, text))
        if item.release is not None and item.size:
            text = f"Frees {points(item.size)} in {self._release_name(item.release)}"
            found.append(Consequence(CAPACITY, False, text))
        return found

    def _code_freeze(self, target: PlanRelease) -> list[Consequence]:
        now = self.snapshot.now
        if target.code_freeze is None or now is None or target.code_freeze >= now:
            return []
        text = (
            f"Code freeze for {target.name} passed on {day(target.code_freeze, now)}; "
            "adding work now is a late change"
        )
        return [Consequence(CODE_FREEZE, False, text)]

    def _policy(self, item: PlanItem, target: PlanRelease) -> list[Consequence]:
        if not item.missing_approvals:
            return []
        roles = ", ".join(item.missing_approvals)
        text = (
            f"{item.risk_tier.capitalize()} risk: needs sign-off from {roles} before {target.name}"
        )
        return [Consequence(POLICY, False, text)]
