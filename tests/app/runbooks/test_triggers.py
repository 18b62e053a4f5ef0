"""Trigger evaluation: windowed means, warm-up, runs of breaches, and speed."""

from __future__ import annotations

import dataclasses
import operator
import random
import time
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.runbooks.body import AVAILABILITY, CUSTOM, ERROR_RATE, Trigger
from app.runbooks.triggers import Observation, Sample, evaluate

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


def minute(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def series(values: list[float], metric: str = ERROR_RATE, every: float = 1.0) -> list[Sample]:
    """One sample per `every` minutes from T0."""
    return [Sample(minute(i * every), metric, v) for i, v in enumerate(values)]


def trigger(**changes: object) -> Trigger:
    """Error rate above 1 % over a 1-minute window, firing on the first breach."""
    return dataclasses.replace(Trigger("t", ERROR_RATE, ">", 1.0, "%", 1, 1), **changes)


def test_one_breach_is_not_enough_when_three_in_a_row_are_needed() -> None:
    (outcome,) = evaluate([trigger(consecutive=3)], series([0.1, 0.1, 5.0, 0.1, 0.1, 5.0, 5.0]))
    assert [o.breached for o in outcome.observed] == [False, True, False, False, True, True]
    assert not outcome.fired
    assert outcome.at is None


def test_three_breaches_in_a_row_fire_at_the_third() -> None:
    values = [0.1, 5.0, 0.1, 5.0, 5.0, 5.0, 5.0, 0.1]
    (outcome,) = evaluate([trigger(consecutive=3)], series(values))
    assert outcome.fired
    assert outcome.at == minute(5)
    # Evaluation goes on after firing, so the whole picture can be shown.
    assert len(outcome.observed) == len(values) - 1
    assert outcome.observed[-1] == Observation(minute(7), 0.1, False)


def test_a_short_spike_is_averaged_away_by_the_window() -> None:
    values = [0.2] * 6 + [3.0] + [0.2] * 6
    (averaged,) = evaluate([trigger(window_minutes=5)], series(values))
    assert not averaged.fired
    assert max(o.value for o in averaged.observed) == pytest.approx((3.0 + 4 * 0.2) / 5)
    (unaveraged,) = evaluate([trigger(window_minutes=1)], series(values))
    assert unaveraged.fired and unaveraged.at == minute(6)


def test_nothing_is_evaluated_before_a_full_window() -> None:
    values = [100.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    (outcome,) = evaluate([trigger(window_minutes=5, threshold=50.0)], series(values))
    assert outcome.observed[0].at == minute(5)
    # The window is (t - 5 min, t]: the sample at T0 has already left it.
    assert outcome.observed[0].value == 3.0
    assert [o.at for o in outcome.observed] == [minute(5), minute(6)]
    assert not outcome.fired
    (short,) = evaluate([trigger(window_minutes=10)], series(values))
    assert short.observed == () and not short.fired


def test_availability_fires_below_its_threshold() -> None:
    t = trigger(metric=AVAILABILITY, comparator="<", threshold=99.9, window_minutes=2)
    values = [99.99, 99.98, 99.95, 99.5, 99.2, 99.95]
    (outcome,) = evaluate([t], series(values, AVAILABILITY))
    assert [o.breached for o in outcome.observed] == [False, True, True, True]
    assert outcome.at == minute(3)


@pytest.mark.parametrize(
    ("comparator", "breached"), [(">", False), (">=", True), ("<", False), ("<=", True)]
)
def test_a_mean_exactly_at_the_threshold(comparator: str, breached: bool) -> None:
    # 0.1 is not exact in binary; a running float sum would drift off the threshold.
    t = trigger(comparator=comparator, threshold=0.1, window_minutes=3)
    (outcome,) = evaluate([t], series([0.1] * 200))
    assert {o.value for o in outcome.observed} == {0.1}
    assert {o.breached for o in outcome.observed} == {breached}


def test_a_custom_metric_reads_its_own_series() -> None:
    t = trigger(metric=CUSTOM, custom_name="queue_depth", unit="jobs", threshold=200.0)
    samples = series([10.0, 500.0, 600.0], "queue_depth") + series([0.0, 0.0, 0.0])
    (outcome,) = evaluate([t], samples)
    assert outcome.fired and outcome.at == minute(1)
    assert outcome.to_json()["metric"] == "queue_depth"


def test_samples_at_the_same_time_are_both_in_the_window() -> None:
    samples = series([0.0, 0.0]) + [Sample(minute(1), ERROR_RATE, 4.0)]
    (outcome,) = evaluate([trigger(threshold=1.5)], list(reversed(samples)))
    assert outcome.observed == (Observation(minute(1), 2.0, True),)


def test_input_order_does_not_matter() -> None:
    samples = series([random.Random(n).uniform(0, 2) for n in range(50)])
    shuffled = samples[:]
    random.Random(7).shuffle(shuffled)
    t = trigger(window_minutes=4, consecutive=2)
    assert evaluate([t], shuffled) == evaluate([t], samples)


def test_no_samples_means_no_evaluation() -> None:
    (outcome,) = evaluate([trigger()], [])
    assert outcome == evaluate([trigger()], series([9.0], AVAILABILITY))[0]
    assert not outcome.fired and outcome.observed == ()


def test_to_json() -> None:
    t = trigger(consecutive=2)
    (outcome,) = evaluate([t], series([0.0, 2.0, 3.0]))
    assert outcome.to_json() == {
        "metric": ERROR_RATE,
        "comparator": ">",
        "threshold": 1.0,
        "unit": "%",
        "window_minutes": 1,
        "consecutive": 2,
        "description": "error rate above 1 % over 1 min, 2 evaluations in a row",
        "fired": True,
        "at": "2026-11-02T02:02:00+00:00",
        "observed": [
            {"at": "2026-11-02T02:01:00+00:00", "value": 2.0, "breached": True},
            {"at": "2026-11-02T02:02:00+00:00", "value": 3.0, "breached": True},
        ],
    }
    (quiet,) = evaluate([t], [])
    assert quiet.to_json()["at"] is None


def test_samples_need_a_zone_and_a_finite_value() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        Sample(datetime(2026, 1, 1), ERROR_RATE, 1.0)
    with pytest.raises(ValueError, match="finite"):
        Sample(T0, ERROR_RATE, float("nan"))


@pytest.mark.parametrize("bad", [{"comparator": "=="}, {"window_minutes": 0}, {"consecutive": 0}])
def test_a_trigger_that_cannot_be_evaluated_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        evaluate([trigger(**bad)], series([1.0, 2.0]))


def test_a_hundred_thousand_samples_evaluate_quickly() -> None:
    rng = random.Random(1)
    samples = [
        Sample(T0 + timedelta(seconds=15 * i), ERROR_RATE, rng.uniform(0, 1.2))
        for i in range(100_000)
    ]
    started = time.perf_counter()
    (outcome,) = evaluate([trigger(window_minutes=5, consecutive=3)], samples)
    assert time.perf_counter() - started < 1.0
    assert len(outcome.observed) == 100_000 - 20


def _reference(t: Trigger, samples: list[Sample]) -> list[tuple[datetime, float]]:
    """The definition, evaluated directly with exact arithmetic."""
    times = sorted({s.at for s in samples})
    window = timedelta(minutes=t.window_minutes)
    out = []
    for at in times:
        if at - times[0] < window:
            continue
        inside = [Fraction(s.value) for s in samples if at - window < s.at <= at]
        out.append((at, float(sum(inside) / len(inside))))
    return out


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
        ),
        max_size=40,
    ),
    st.sampled_from([">", ">=", "<", "<="]),
    st.floats(-10, 10, allow_nan=False),
    st.integers(1, 6),
    st.integers(1, 4),
)
def test_fires_exactly_at_the_end_of_the_first_run_of_breaches(
    points: list[tuple[int, float]],
    comparator: str,
    threshold: float,
    window: int,
    consecutive: int,
) -> None:
    samples = [Sample(minute(m), ERROR_RATE, v) for m, v in points]
    t = trigger(
        comparator=comparator, threshold=threshold, window_minutes=window, consecutive=consecutive
    )
    (outcome,) = evaluate([t], samples)
    assert [(o.at, o.value) for o in outcome.observed] == _reference(t, samples)

    compare = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}
    flags = [o.breached for o in outcome.observed]
    assert flags == [compare[comparator](o.value, threshold) for o in outcome.observed]
    ends = [
        i for i in range(consecutive - 1, len(flags)) if all(flags[i - consecutive + 1 : i + 1])
    ]
    assert outcome.fired == bool(ends)
    assert outcome.at == (outcome.observed[ends[0]].at if ends else None)
