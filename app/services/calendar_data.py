"""What the calendar shows for a range of time: plain values read in one go.

The view paints these; it never touches the ORM. Every item carries its UUID (`key`) and the
row version the view must hand back when it edits the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.planning.recurrence import Occurrence
from app.planning.schedule import Conflict


@dataclass(frozen=True)
class ReleaseItem:
    key: str
    version: int
    name: str
    train: str | None
    status: str
    zone: str
    """The train's zone (UTC for an independent release): the release's home time."""
    code_freeze_at: datetime | None
    window_start: datetime
    window_end: datetime
    workloads: int = 0
    teams: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionNote:
    """A rollback decision recorded during a deployment, as its details summarise it."""

    decision: str
    """A RollbackChoice value."""
    decided_at: datetime
    decided_by: str


@dataclass(frozen=True)
class DeploymentItem:
    key: str
    version: int
    label: str
    workload: str
    """Workload key, e.g. PAY-0042."""
    team: str | None
    components: tuple[str, ...]
    environment: str
    production: bool
    owner: str | None
    planned_start: datetime
    planned_end: datetime
    actual_start: datetime | None
    actual_end: datetime | None
    result: str
    release: str | None
    """Release key (UUID) of the workload's target release."""
    gates_missing: tuple[str, ...] | None = None
    """For a planned production deployment, the promotion gates its workload still lacks, in
    words (empty: it may go); None where the gates do not apply."""
    decisions: tuple[DecisionNote, ...] = ()
    """Rollback decisions recorded for it, newest first."""


@dataclass(frozen=True)
class WindowItem:
    key: str
    version: int
    name: str
    environment: str | None
    zone: str
    plain: str
    """Plain-language cadence, e.g. "every other Tuesday 22:00–02:00 Europe/Berlin"."""
    occurrences: tuple[Occurrence, ...]


@dataclass(frozen=True)
class OverrideItem:
    key: str
    version: int
    freeze: str
    """Freeze key."""
    subject: str
    """Release name or deployment label the override is for."""
    status: str
    """requested, approved or rejected."""
    requested_by: str
    decided_by: str | None
    expires_at: datetime
    justification: str


@dataclass(frozen=True)
class FreezeItem:
    key: str
    version: int
    name: str
    hard: bool
    zone: str
    scope: str
    """"everything" or the teams and components it covers."""
    plain: str
    reason: str
    occurrences: tuple[Occurrence, ...]
    teams: tuple[str, ...] = ()
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaveItem:
    key: str
    version: int
    release: str
    """Release key."""
    position: int
    name: str
    start: datetime
    end: datetime
    traffic_percent: int
    bake_minutes: int
    components: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filters:
    """Empty means no restriction; names as the coordinator sees them."""

    trains: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    components: frozenset[str] = frozenset()
    environments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CalendarData:
    after: datetime
    before: datetime
    releases: list[ReleaseItem] = field(default_factory=list)
    deployments: list[DeploymentItem] = field(default_factory=list)
    windows: list[WindowItem] = field(default_factory=list)
    freezes: list[FreezeItem] = field(default_factory=list)
    waves: list[WaveItem] = field(default_factory=list)
    overrides: list[OverrideItem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    team_zones: dict[str, str] = field(default_factory=dict)
    """Team name → IANA zone, for the local-time line and the zone picker."""
