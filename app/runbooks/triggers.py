"""Whether a runbook's rollback triggers would have fired on a recorded time series.

These are the product's rules, shown to the people who decide on a rollback:

- A trigger reads the samples whose metric is its `series_name` (the custom name for a custom
  metric), in time order.
- It is evaluated at every distinct sample timestamp t once the series spans a full window,
  i.e. when t - (first sample's time) >= window. Nothing is evaluated during that warm-up.
- An evaluation's value is the mean of the samples with a timestamp in (t - window, t]:
  a short spike is averaged with its neighbours. Samples sharing a timestamp all count.
- An evaluation breaches when `value <comparator> threshold`, e.g. availability `<` 99.9.
- The trigger fires at the first evaluation that completes `consecutive` breaching
  evaluations in a row; a non-breaching evaluation starts the count again. `at` is that
  evaluation's timestamp. Every evaluation is listed, including those after firing.

The mean is computed exactly (sample values as integers over a common power of two) and
rounded once, so a series held exactly at the threshold is never pushed across it by
rounding, and a sliding window keeps 100,000 samples well under a second.
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.runbooks.body import Trigger
from app.runbooks.validate import trigger_text

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


@dataclass(frozen=True)
class Sample:
    at: datetime
    """Aware; readers give UTC."""
    metric: str
    value: float

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError(f"sample time {self.at.isoformat()} has no time zone")
        if not math.isfinite(self.value):
            raise ValueError(f"sample value {self.value!r} is not a finite number")


@dataclass(frozen=True)
class Observation:
    at: datetime
    value: float
    """The mean of the window ending at `at`."""
    breached: bool


@dataclass(frozen=True)
class Outcome:
    trigger: Trigger
    fired: bool
    at: datetime | None
    observed: tuple[Observation, ...]

    def to_json(self) -> dict[str, Any]:
        t = self.trigger
        return {
            "metric": t.series_name,
            "comparator": t.comparator,
            "threshold": t.threshold,
            "unit": t.unit,
            "window_minutes": t.window_minutes,
            "consecutive": t.consecutive,
            "description": trigger_text(t),
            "fired": self.fired,
            "at": _iso(self.at) if self.at is not None else None,
            "observed": [
                {"at": _iso(o.at), "value": o.value, "breached": o.breached} for o in self.observed
            ],
        }


def evaluate(triggers: Iterable[Trigger], samples: Iterable[Sample]) -> list[Outcome]:
    """One outcome per trigger, in the triggers' order.

    Raises ValueError for a trigger that `validate.problems` would reject in a way that makes
    it impossible to evaluate (unknown comparator, window or run length below 1)."""
    by_metric: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_metric[sample.metric].append(sample)
    prepared: dict[str, _Series] = {}
    outcomes = []
    for trigger in triggers:
        name = trigger.series_name
        if name not in prepared:
            prepared[name] = _Series.of(by_metric.get(name, []))
        outcomes.append(_evaluate_one(trigger, prepared[name]))
    return outcomes


@dataclass(frozen=True)
class _Series:
    times: list[datetime]
    scaled: list[int]
    """value × 2**shift, exact for every finite float."""
    shift: int

    @classmethod
    def of(cls, samples: list[Sample]) -> _Series:
        ordered = sorted(samples, key=lambda s: s.at)
        ratios = [s.value.as_integer_ratio() for s in ordered]
        shift = max((d.bit_length() - 1 for _, d in ratios), default=0)
        scaled = [n << (shift - (d.bit_length() - 1)) for n, d in ratios]
        return cls([s.at for s in ordered], scaled, shift)


def _evaluate_one(trigger: Trigger, series: _Series) -> Outcome:
    compare = _COMPARE.get(trigger.comparator)
    if compare is None:
        raise ValueError(f"unknown comparator {trigger.comparator!r}")
    if trigger.window_minutes < 1 or trigger.consecutive < 1:
        raise ValueError("a trigger needs a window and a run length of at least 1")
    window = timedelta(minutes=trigger.window_minutes)
    threshold, needed = trigger.threshold, trigger.consecutive
    times, scaled, shift = series.times, series.scaled, series.shift
    n = len(times)
    observed: list[Observation] = []
    fired_at: datetime | None = None
    run = left = right = total = 0
    while right < n:
        t = times[right]
        while right < n and times[right] == t:
            total += scaled[right]
            right += 1
        if t - times[0] < window:
            continue
        start = t - window
        while times[left] <= start:
            total -= scaled[left]
            left += 1
        value = total / ((right - left) << shift)
        breached = compare(value, threshold)
        observed.append(Observation(t, value, breached))
        run = run + 1 if breached else 0
        if run == needed and fired_at is None:
            fired_at = t
    return Outcome(trigger, fired_at is not None, fired_at, tuple(observed))


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()
