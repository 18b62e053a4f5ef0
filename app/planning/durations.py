"""How long deployments take compared with the plan, and how long to plan the next one.

Medians, not means: one stuck deployment should not stretch every future plan. The 80th
percentile of the overrun tells a coordinator how much slack covers four deployments in five.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DurationSample:
    """One finished deployment: what was planned and what it took, in minutes."""

    team: str | None
    components: tuple[str, ...]
    planned_minutes: float
    actual_minutes: float


@dataclass(frozen=True)
class Variance:
    """Planned against actual over a set of deployments; overrun = actual − planned, minutes."""

    count: int
    median_planned: float
    median_actual: float
    median_overrun: float
    p80_overrun: float


def p80(values: Sequence[float]) -> float:
    """The 80th percentile with `statistics.quantiles(method="inclusive")`.

    Inclusive means the sample's minimum and maximum are the 0th and 100th percentiles and the
    value in between is interpolated linearly at position 0.8 × (n − 1), so it never exceeds the
    worst overrun actually seen (the "exclusive" method would extrapolate past it for small n).
    A single value is its own percentile.
    """
    if len(values) == 1:
        return float(values[0])
    return statistics.quantiles(values, n=5, method="inclusive")[3]


def variance(samples: Sequence[DurationSample]) -> Variance:
    overruns = [s.actual_minutes - s.planned_minutes for s in samples]
    return Variance(
        count=len(samples),
        median_planned=statistics.median(s.planned_minutes for s in samples),
        median_actual=statistics.median(s.actual_minutes for s in samples),
        median_overrun=statistics.median(overruns),
        p80_overrun=p80(overruns),
    )


def variance_by_team(samples: Iterable[DurationSample]) -> dict[str, Variance]:
    """Per team, by name; deployments without a team are left out."""
    groups: dict[str, list[DurationSample]] = defaultdict(list)
    for sample in samples:
        if sample.team is not None:
            groups[sample.team].append(sample)
    return {team: variance(groups[team]) for team in sorted(groups)}


def variance_by_component(samples: Iterable[DurationSample]) -> dict[str, Variance]:
    """Per component, by name; a deployment of several components counts for each of them."""
    groups: dict[str, list[DurationSample]] = defaultdict(list)
    for sample in samples:
        for component in dict.fromkeys(sample.components):
            groups[component].append(sample)
    return {component: variance(groups[component]) for component in sorted(groups)}


def _round_up(minutes: float) -> int:
    return max(5, 5 * math.ceil(minutes / 5))


def default_minutes(
    samples: Iterable[DurationSample],
    team: str | None,
    components: Sequence[str],
    fallback: int = 60,
    minimum_samples: int = 3,
) -> tuple[int, str]:
    """The length to plan a new deployment for, and the sentence saying where it comes from.

    Component history wins over team history because the same service takes about as long
    whichever team ships it. Among the components with at least `minimum_samples` deployments
    the slowest median sets the length, since the deployment ships all of them. Without enough
    history of either, `fallback` is used as given. History-based lengths round up to whole
    5 minutes, never below 5.
    """
    history = list(samples)
    best: tuple[float, int, str] | None = None
    for component in sorted(set(components)):
        actual = [s.actual_minutes for s in history if component in s.components]
        if len(actual) >= minimum_samples:
            found = (statistics.median(actual), len(actual), component)
            if best is None or found[:2] > best[:2]:
                best = found
    if best is not None:
        median, count, component = best
        return _round_up(median), f"median actual of {count} deployments of {component}"
    if team is not None:
        actual = [s.actual_minutes for s in history if s.team == team]
        if len(actual) >= minimum_samples:
            return (
                _round_up(statistics.median(actual)),
                f"median actual of {len(actual)} deployments by team {team}",
            )
    return fallback, f"no history: default {fallback} min"
