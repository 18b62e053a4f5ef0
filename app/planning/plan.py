"""The release plan as the capacity rules see it: plain values, no database, no Qt.

`app.services.capacity_queries` builds a `PlanSnapshot` from rows; the auto-planner, the
live re-check while a card is dragged, the scope what-if and the board layout all read it.
Ids are database ids; the snapshot is a picture of one moment and is never mutated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class PlanningPolicy:
    """The coordinator's knobs, stored once per database (see `PlanningPolicy` the table)."""

    history_releases: int = 6
    """How many of a team's last releases its delivered velocity is read from."""
    capacity_percentile: int = 25
    """Which percentile of those releases counts as capacity: low is conservative."""
    default_capacity: int = 20
    """Points per release for a team with no delivery history yet."""
    tech_debt_share_percent: int = 15
    """Share of each team's capacity kept for tech debt while tech debt is waiting."""
    plan_releases: int = 6
    """How many upcoming releases the board shows and the auto-planner fills by default."""
    restore_max_age_days: int = 30
    """How recent a passing restore validation must be to promote stateful work."""


@dataclass(frozen=True, slots=True)
class PlanTeam:
    id: int
    name: str
    train: int | None
    """The release train the team ships with; None when it only ships independently."""
    capacity: int
    """Points per release, from delivered history (see `capacity.velocity`)."""
    basis: str
    """Why: e.g. "lower quartile of last 6 releases: 31 points"."""
    cap: int | None = None
    """Most points the team may commit to one release."""
    max_share_percent: int | None = None
    """Most share of a release's total capacity the team may take."""


@dataclass(frozen=True, slots=True)
class FreezeNote:
    """A freeze overlapping a release's window, with its scope (empty scopes mean all)."""

    name: str
    hard: bool
    teams: frozenset[int] = frozenset()
    components: frozenset[int] = frozenset()
    overridden: bool = False
    """An approved, unexpired override lets this release through."""


@dataclass(frozen=True, slots=True)
class PlanRelease:
    id: int
    name: str
    train: int | None
    starts: datetime
    code_freeze: datetime | None = None
    freezes: tuple[FreezeNote, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One open workload (not deployed, not cancelled)."""

    id: int
    key: str
    title: str
    team: int
    size: int
    wsjf: float
    cost_of_delay: int
    change_class: str
    risk_tier: str
    release: int | None
    """Current target release id (may be outside the snapshot's releases), None = backlog."""
    status: str = "backlog"
    fixed: bool = False
    """Stays where it is: in progress, an emergency patch, or independently released."""
    must_ship_by: date | None = None
    depends_on: tuple[int, ...] = ()
    """Ids of open workloads that must ship in the same or an earlier release.
    Dependencies on deployed or cancelled work are already satisfied and left out."""
    components: tuple[int, ...] = ()
    regulated: bool = False
    """Touches PII, financial or health data."""
    stateful: bool = False
    """Touches a component that keeps state (restores must be validated)."""
    missing_approvals: tuple[str, ...] = ()
    """Roles whose sign-off the risk tier's path requires and that is not on record."""
    key_sort: str = ""
    business_value: int | None = None
    time_criticality: int | None = None
    risk_reduction: int | None = None
    """The WSJF inputs, for editing in place; `wsjf` and `cost_of_delay` derive from them."""


@dataclass(frozen=True)
class PlanSnapshot:
    teams: tuple[PlanTeam, ...]
    releases: tuple[PlanRelease, ...]
    """The upcoming train releases in scope, earliest first."""
    items: tuple[PlanItem, ...]
    policy: PlanningPolicy = field(default_factory=PlanningPolicy)
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    item: int
    key: str
    team: int
    release: int
    size: int
    wsjf: float
    reason: str
    """One sentence a coordinator can read out in the planning meeting."""
    moved_from: int | None = None
    """The release it was planned in before, if different."""


@dataclass(frozen=True, slots=True)
class Deferral:
    item: int
    key: str
    team: int
    reason: str
    moved_from: int | None = None
    """The release it was planned in and now slips from; None when it stays in the backlog."""


@dataclass(frozen=True, slots=True)
class Load:
    """Committed points against the limit for one team in one release."""

    team: int
    release: int
    limit: int
    limit_basis: str
    committed: int

    @property
    def over(self) -> int:
        return max(0, self.committed - self.limit)


@dataclass(frozen=True)
class Proposal:
    placements: tuple[Placement, ...]
    deferrals: tuple[Deferral, ...]
    loads: tuple[Load, ...]
    """After the proposal, for every team and release in scope."""


@dataclass(frozen=True, slots=True)
class Consequence:
    """What a move would do, shown before the drop and in the scope comparison."""

    kind: str
    """capacity, dependency, freeze, policy, code_freeze."""
    blocking: bool
    text: str
