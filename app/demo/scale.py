"""How big a demo organisation is, and the date the whole plan hangs from.

The sizes live in one frozen record so tests can ask for a scaled-down organisation with the
same shape, and so the benchmark can quote exactly what it generated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.demo.vocabulary import DOMAINS, TRAINS


@dataclass(frozen=True)
class Scale:
    name: str
    teams: int
    zones: int
    """How many of `vocabulary.ZONES` the teams spread over."""
    people: int
    components: int
    trains: int
    past_periods: int
    """Biweekly train windows before the anchor: these releases are released."""
    future_periods: int
    """Train windows after the anchor: these releases are planned."""
    horizon: int
    """How many upcoming releases per train the coordinators have already filled."""
    workloads: int
    share_past: float
    """Share of workloads that targeted a past release (deployed or cancelled)."""
    share_planned: float
    """Share targeting an upcoming release; the rest is backlog without a release."""
    dependency_rate: float
    """Workload dependencies per workload that has a release."""
    incidents: int

    def __post_init__(self) -> None:
        if not 0 <= self.share_past + self.share_planned <= 1:
            raise ValueError(f"scale {self.name}: past and planned shares exceed 1")
        if self.teams < 4 or self.components < 2 * self.teams:
            raise ValueError(f"scale {self.name}: needs 4+ teams and 2+ components per team")
        if not 1 <= self.trains <= len(TRAINS):
            raise ValueError(f"scale {self.name}: between 1 and {len(TRAINS)} release trains")
        if not 1 <= self.horizon <= self.future_periods or self.past_periods < 1:
            raise ValueError(f"scale {self.name}: needs past periods and a horizon of future ones")
        if self.teams > len(DOMAINS):
            raise ValueError(f"scale {self.name}: at most {len(DOMAINS)} teams (one per domain)")
        if self.people < 2 * self.teams:
            raise ValueError(f"scale {self.name}: needs 2+ people per team")


SMALL = Scale(
    name="small",
    teams=8,
    zones=5,
    people=40,
    components=60,
    trains=2,
    past_periods=12,
    future_periods=27,
    horizon=6,
    workloads=1_500,
    share_past=0.55,
    share_planned=0.15,
    dependency_rate=0.25,
    incidents=120,
)

LARGE = Scale(
    name="large",
    teams=50,
    zones=6,
    people=600,
    components=1_000,
    trains=6,
    past_periods=60,
    future_periods=18,
    horizon=8,
    workloads=100_000,
    share_past=0.375,
    share_planned=0.035,
    dependency_rate=0.25,
    incidents=5_000,
)

SCALES = {s.name: s for s in (SMALL, LARGE)}


def resolve_scale(scale: str | Scale) -> Scale:
    if isinstance(scale, Scale):
        return scale
    try:
        return SCALES[scale]
    except KeyError:
        names = ", ".join(sorted(SCALES))
        raise ValueError(f"unknown demo scale {scale!r}; choose one of {names}") from None


def default_anchor(today: date | None = None) -> date:
    """The Monday of the current UTC week.

    Everything the demo dates (train windows, deployments, incidents, deadlines) is an offset
    from this day, so one seed gives the same data all week long, and the plan always has a
    past to measure and a future to plan whatever day it is generated.
    """
    day = today or datetime.now(UTC).date()
    return day - timedelta(days=day.weekday())


def anchor_instant(anchor: date) -> datetime:
    return datetime(anchor.year, anchor.month, anchor.day, tzinfo=UTC)
