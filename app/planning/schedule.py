"""The calendar as the scheduling rules see it: plain values, no database, no Qt.

Services build these from rows; the conflict checker, the what-if during a drag and the
iCalendar export all read the same values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.planning.recurrence import LocalSchedule


@dataclass(frozen=True)
class Slot:
    """One planned deployment: a component set going to an environment at a time."""

    key: str
    """Stable identity (the deployment's UUID)."""
    label: str
    """What a coordinator reads, e.g. "PAY-0042 → production"."""
    start: datetime
    end: datetime
    environment: str
    production: bool
    components: frozenset[str]
    team: str | None = None
    owner: str | None = None
    release: str | None = None
    """Release key (UUID) the deployment belongs to, if any."""
    wave: int | None = None
    """Position of the rollout wave this deployment belongs to, if any."""


@dataclass(frozen=True)
class Window:
    """Allowed deployment time for one environment, or for all when `environment` is None."""

    key: str
    name: str
    schedule: LocalSchedule
    environment: str | None = None


@dataclass(frozen=True)
class Override:
    """An approved, unexpired exception letting one release or deployment into a freeze."""

    freeze: str
    subject: str
    """Release key or slot key the override covers."""
    expires_at: datetime


@dataclass(frozen=True)
class Freeze:
    """Blocked time; hard blocks scheduling, soft warns. Empty scopes mean everything."""

    key: str
    name: str
    schedule: LocalSchedule
    hard: bool = True
    teams: frozenset[str] = frozenset()
    components: frozenset[str] = frozenset()
    reason: str = ""

    def applies_to(self, slot: Slot) -> bool:
        if not self.teams and not self.components:
            return True
        return (slot.team is not None and slot.team in self.teams) or bool(
            self.components & slot.components
        )


@dataclass(frozen=True)
class WaveSpan:
    """One ordered slice of a release's rollout."""

    key: str
    release: str
    position: int
    name: str
    start: datetime
    end: datetime
    bake_minutes: int = 0
    """How long this wave must run before the next one may start."""
    traffic_percent: int = 100
    components: frozenset[str] = frozenset()


HARD_FREEZE = "hard_freeze"
SOFT_FREEZE = "soft_freeze"
OUTSIDE_WINDOW = "outside_window"
COMPONENT_OVERLAP = "component_overlap"
OWNER_DOUBLE_BOOKED = "owner_double_booked"
PROVIDER_AFTER_CONSUMER = "provider_after_consumer"
NO_OWNER = "no_owner"
WAVE_BAKE = "wave_bake"

KIND_TITLES = {
    HARD_FREEZE: "Hard freeze",
    SOFT_FREEZE: "Soft freeze",
    OUTSIDE_WINDOW: "Outside windows",
    COMPONENT_OVERLAP: "Same component",
    OWNER_DOUBLE_BOOKED: "Owner double-booked",
    PROVIDER_AFTER_CONSUMER: "Provider after consumer",
    NO_OWNER: "No owner",
    WAVE_BAKE: "Wave not baked",
}
"""Each kind in a few words, for lists where the reason does not fit."""

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Conflict:
    kind: str
    severity: str
    """BLOCKING or WARNING."""
    subject: str
    """Key of the slot (or wave) in conflict."""
    label: str
    reason: str
    """One sentence naming both sides, e.g. "PAY-0042 → production overlaps the hard freeze
    'Q4 close' (Dec 28 00:00 – Jan 3 00:00 UTC)"."""
    start: datetime
    end: datetime
    other: str | None = None
    """Key of the other party (slot, freeze, window, wave), when there is one."""
    next_free: datetime | None = None
    """The earliest start, within 90 days, at which this subject has no conflict of this kind
    nor any other blocking one; None when there is none or it cannot be moved."""
    details: dict[str, str] = field(default_factory=dict, compare=False)
