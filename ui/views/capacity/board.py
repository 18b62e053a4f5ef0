"""The board as plain values: which teams are lanes, which releases are columns, which cards
sit in each cell in WSJF order, and what each card is flagged with.

Qt-free, so it is built in the loading worker for a fresh load and tested with plain
snapshots; `layout.py` turns it into pixels. After a move the board is patched in place (two
cells and two loads) rather than rebuilt, so the card lands in its new cell at once.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from app.domain.enums import ChangeClass, WorkloadStatus
from app.planning import capacity
from app.planning.move_check import MoveChecker
from app.planning.plan import Load, PlanItem, PlanRelease, PlanSnapshot, PlanTeam
from app.policy import approval_paths as paths
from app.policy.gates import Verdict

BACKLOG = 0
"""Column index of the Backlog, which comes before the first release."""

CLASS_WORDS = {
    "feature": "feature",
    "configuration": "config only",
    "tech_debt": "tech debt",
    "compliance": "compliance",
    "bug_fix": "bug fix",
    "emergency": "emergency patch",
}


def wsjf_order(item: PlanItem) -> tuple[float, str, int]:
    """Highest WSJF first; ties by key so the order never flickers between loads."""
    return (-item.wsjf, item.key_sort or item.key, item.id)


PATH_WORDS = {
    paths.STANDARD: "standard",
    paths.NORMAL_LOW: "normal",
    paths.NORMAL: "approver",
    paths.CAB: "CAB",
    paths.EMERGENCY: "emergency",
}
GATE_WORDS = {
    paths.PEER_REVIEW: "review",
    paths.RESTORE_VALIDATED: "restore",
    paths.CHAOS_EXPERIMENT: "chaos",
    paths.CANARY_ANALYSIS: "canary",
}


@cache
def path_of(
    tier: str, change_class: str, regulated: bool, stateful: bool = False
) -> paths.ApprovalPath | None:
    try:
        return paths.path_for(tier, change_class, regulated=regulated, stateful=stateful)
    except ValueError:  # a tier or class this version does not know: no line, no crash
        return None


def approval_line(item: PlanItem) -> str:
    """The approval path in a few words, e.g. "CAB · chaos · canary". Tests are on every
    path and the board names the CAB, which reviews anyway, so neither is spelled out."""
    path = path_of(item.risk_tier, item.change_class, item.regulated, item.stateful)
    if path is None:
        return ""
    words = [PATH_WORDS.get(path.name, path.name)]
    for gate in path.gates:
        if gate in GATE_WORDS and not (path.name == paths.CAB and gate == paths.PEER_REVIEW):
            words.append(GATE_WORDS[gate])
    return " · ".join(words)


@dataclass(frozen=True, slots=True)
class Column:
    release: PlanRelease | None
    """None: the Backlog."""

    @property
    def id(self) -> int | None:
        return None if self.release is None else self.release.id

    @property
    def title(self) -> str:
        return "Backlog" if self.release is None else self.release.name


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    """compliance, emergency, regulated, blocked, gates, fixed."""
    label: str
    """The short word on the card."""
    detail: str
    """The sentence in the details panel and the tooltip."""


class Board:
    """One train's plan, grouped for the board; `move` patches it after an optimistic move."""

    def __init__(
        self,
        snapshot: PlanSnapshot,
        train: int | None,
        team: int | None = None,
        loads: Mapping[tuple[int, int], Load] | None = None,
        gates: Mapping[int, Verdict] | None = None,
    ) -> None:
        self.snapshot = snapshot
        """The plan with every optimistic move applied."""
        self.train = train
        self.items: dict[int, PlanItem] = {item.id: item for item in snapshot.items}
        self.releases: dict[int, PlanRelease] = {r.id: r for r in snapshot.releases}
        riders = [t for t in snapshot.teams if train is not None and t.train == train]
        self.train_teams: tuple[PlanTeam, ...] = tuple(sorted(riders, key=_team_order))
        if team not in {t.id for t in self.train_teams}:
            team = None  # a filter left over from another train shows the whole train
        self.team_filter = team
        self.teams = tuple(t for t in self.train_teams if team is None or t.id == team)
        ours = sorted(
            (r for r in snapshot.releases if train is not None and r.train == train),
            key=lambda r: (r.starts, r.name),
        )
        self.columns: tuple[Column, ...] = (Column(None), *(Column(r) for r in ours))
        self._column_of: dict[int | None, int] = {c.id: i for i, c in enumerate(self.columns)}
        self._lane_of: dict[int, int] = {t.id: i for i, t in enumerate(self.teams)}
        self.cells: dict[tuple[int, int], list[PlanItem]] = {}
        self.dependents: dict[int, list[int]] = {}
        for item in snapshot.items:
            for dep in item.depends_on:
                self.dependents.setdefault(dep, []).append(item.id)
            at = self.cell_of(item)
            if at is not None:
                self.cells.setdefault(at, []).append(item)
        for cell in self.cells.values():
            cell.sort(key=wsjf_order)
        self.loads: dict[tuple[int, int], Load] = dict(
            loads if loads is not None else MoveChecker(snapshot).loads()
        )
        self.gates: dict[int, Verdict] = dict(gates or {})
        """Whether each planned card may enter production (see `loading.gate_ids`); a card
        without a verdict carries no gates flag."""
        self._flags: dict[int, tuple[Flag, ...]] = {}

    # ------------------------------------------------------------------ reading
    def lane_of(self, team: int) -> int | None:
        return self._lane_of.get(team)

    def column_of(self, release: int | None) -> int | None:
        return self._column_of.get(release)

    def cell_of(self, item: PlanItem) -> tuple[int, int] | None:
        """(lane, column) of the item, or None when it is not on this board (another train,
        filtered out, or planned beyond the releases shown)."""
        lane = self._lane_of.get(item.team)
        column = self._column_of.get(item.release)
        return None if lane is None or column is None else (lane, column)

    def cell(self, lane: int, column: int) -> list[PlanItem]:
        return self.cells.get((lane, column), [])

    def load(self, lane: int, column: int) -> Load | None:
        release = self.columns[column].id
        if release is None:
            return None
        return self.loads.get((self.teams[lane].id, release))

    def team_load(self, column: int) -> tuple[int, int]:
        """(committed, limit) of every lane shown in one release column."""
        release = self.columns[column].id
        found = [self.loads.get((t.id, release)) for t in self.teams] if release else []
        return sum(x.committed for x in found if x), sum(x.limit for x in found if x)

    def release_name(self, release: int | None) -> str:
        if release is None:
            return "the backlog"
        found = self.releases.get(release)
        return found.name if found is not None else "a release beyond the plan"

    def starts(self, release: int | None) -> date | None:
        found = self.releases.get(release) if release is not None else None
        return None if found is None else found.starts.date()

    def blocked_by(self, item: PlanItem) -> list[PlanItem]:
        """Dependencies that would ship after the planned item: unplaced, or in a later
        release. One planned outside the plan cannot be ordered (MoveChecker warns of it)."""
        mine = self.releases.get(item.release) if item.release is not None else None
        if mine is None:
            return []
        late = []
        for dep_id in item.depends_on:
            dep = self.items.get(dep_id)
            if dep is None:
                continue
            theirs = self.releases.get(dep.release) if dep.release is not None else None
            if dep.release is None or (theirs is not None and theirs.starts > mine.starts):
                late.append(dep)
        return late

    def flags(self, item: PlanItem) -> tuple[Flag, ...]:
        found = self._flags.get(item.id)
        if found is None:
            found = self._flags[item.id] = tuple(self._make_flags(item))
        return found

    def _make_flags(self, item: PlanItem) -> list[Flag]:
        out = []
        if item.change_class == ChangeClass.COMPLIANCE:
            due = item.must_ship_by
            label = f"DUE {due:%d %b}" if due else "COMPLIANCE"
            when = f", must ship by {due:%d %b %Y}" if due else ""
            out.append(Flag("compliance", label, f"Compliance work: guaranteed a place{when}"))
        elif item.must_ship_by is not None:
            due = item.must_ship_by
            out.append(Flag("compliance", f"DUE {due:%d %b}", f"Must ship by {due:%d %b %Y}"))
        if item.change_class == ChangeClass.EMERGENCY:
            out.append(Flag("emergency", "EMERGENCY", "Emergency patch: bypasses the train"))
        verdict = self.gates.get(item.id) if item.release is not None else None
        if verdict is not None and not verdict.allowed:
            n = len(verdict.missing)
            lines = "".join(f"\n• {m}" for m in verdict.missing)
            detail = f"May not enter production yet: {n} gate{'s' if n != 1 else ''} missing"
            out.append(Flag("gates", f"GATES {n}", detail + lines))
        if item.regulated:
            out.append(
                Flag("regulated", "REG DATA", "Touches regulated data (PII, financial, health)")
            )
        late = self.blocked_by(item)
        if late:
            names = ", ".join(f"{d.key} ({self.release_name(d.release)})" for d in late[:4])
            more = f" and {len(late) - 4} more" if len(late) > 4 else ""
            out.append(Flag("blocked", "BLOCKED", f"Depends on work planned later: {names}{more}"))
        if item.status == WorkloadStatus.IN_PROGRESS:
            out.append(Flag("fixed", "IN PROGRESS", "Work has started: the auto-planner leaves it"))
        elif item.fixed and item.change_class != ChangeClass.EMERGENCY:
            out.append(Flag("fixed", "OWN RELEASE", "Independently deployed: released on its own"))
        return out

    def overview(self) -> str:
        """ "3 teams · 148 planned · 2 over capacity": the board in one line."""
        planned = sum(len(v) for (_lane, column), v in self.cells.items() if column != BACKLOG)
        over = sum(
            1
            for lane in range(len(self.teams))
            for column in range(1, len(self.columns))
            if (load := self.load(lane, column)) is not None and load.over
        )
        teams = len(self.teams)
        text = f"{teams} team{'s' if teams != 1 else ''} · {planned:,} planned"
        return f"{text} · {over} over capacity" if over else text

    def find(self, text: str) -> list[PlanItem]:
        """Cards on the board whose key or title contains `text`, in board order."""
        needle = text.strip().lower()
        if not needle:
            return []
        return [
            item
            for key in sorted(self.cells)
            for item in self.cells[key]
            if needle in item.key.lower() or needle in item.title.lower()
        ]

    # ------------------------------------------------------------------ writing
    def move(self, item_id: int, release: int | None, status: str | None = None) -> None:
        """Put an item in another release (or the backlog) at once, before the reload."""
        old = self.items.get(item_id)
        if old is None or old.release == release:
            return
        new = replace(old, release=release, status=status or old.status)
        self.items[item_id] = new
        self.snapshot = replace(
            self.snapshot, items=tuple(new if i.id == item_id else i for i in self.snapshot.items)
        )
        before, after = self.cell_of(old), self.cell_of(new)
        if before is not None:
            cell = self.cells[before]
            cell.remove(next(i for i in cell if i.id == item_id))
        if after is not None:
            cell = self.cells.setdefault(after, [])
            bisect.insort(cell, new, key=wsjf_order)
        if capacity.consumes_capacity(old):
            for rel, sign in ((old.release, -1), (release, 1)):
                key = (old.team, rel) if rel is not None else None
                if key is not None and key in self.loads:
                    load = self.loads[key]
                    self.loads[key] = replace(load, committed=load.committed + sign * old.size)
        for stale in (item_id, *self.dependents.get(item_id, ())):
            self._flags.pop(stale, None)


def _team_order(team: PlanTeam) -> tuple[str, int]:
    return (team.name.lower(), team.id)
