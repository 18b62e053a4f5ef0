"""Planned against actual deployment time, and the default length of a new deployment."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.planning.durations import (
    DurationSample,
    Variance,
    default_minutes,
    p80,
    variance_by_component,
    variance_by_team,
)


def sample(actual: float, planned: float = 60, team: str | None = "payments", *components: str):
    return DurationSample(team, components or ("payments-api",), planned, actual)


PAYMENTS = [sample(a) for a in (50, 60, 70, 80, 100)]


def test_variance_takes_medians_and_the_inclusive_80th_percentile_of_the_overrun() -> None:
    # overruns -10, 0, 10, 20, 40: the 80th percentile sits at 0.8 × 4 = 3.2, so 20 + 0.2 × 20
    assert variance_by_team(PAYMENTS) == {
        "payments": Variance(
            count=5, median_planned=60, median_actual=70, median_overrun=10, p80_overrun=24
        )
    }


def test_the_percentile_stays_within_what_was_seen() -> None:
    assert p80([5]) == 5
    assert p80([0, 10]) == 8
    assert p80(list(range(0, 101, 10))) == 80


def test_samples_without_a_team_are_left_out_of_the_team_view() -> None:
    found = variance_by_team(
        [sample(30, 30, None), sample(40, 30, "search"), sample(50, 30, "ops")]
    )
    assert list(found) == ["ops", "search"]
    assert found["search"] == Variance(1, 30, 40, 10, 10)


def test_a_deployment_of_several_components_counts_for_each() -> None:
    samples = [
        sample(90, 60, "payments", "payments-api", "ledger"),
        sample(30, 30, "payments", "ledger"),
        sample(45, 30, "payments", "ledger", "ledger"),
    ]
    found = variance_by_component(samples)
    assert list(found) == ["ledger", "payments-api"]
    assert found["ledger"] == Variance(3, 30, 45, 15, 24)
    assert found["payments-api"].count == 1


def test_component_history_sets_the_length_rounded_up_to_five_minutes() -> None:
    samples = [sample(a) for a in (71, 73, 90)] + [sample(10, 10, "payments", "web")] * 3
    assert default_minutes(samples, "payments", ["payments-api"]) == (
        75,
        "median actual of 3 deployments of payments-api",
    )


def test_the_slowest_component_with_enough_history_wins() -> None:
    samples = (
        [sample(a, 60, "payments", "payments-api") for a in (40, 45, 50)]
        + [sample(a, 60, "payments", "ledger") for a in (90, 95, 100, 105)]
        + [sample(500, 60, "payments", "rare")] * 2
    )
    assert default_minutes(samples, "payments", ["payments-api", "ledger", "rare"]) == (
        100,
        "median actual of 4 deployments of ledger",
    )


def test_team_history_is_used_when_the_components_have_too_little() -> None:
    samples = [sample(a, 60, "payments", "billing") for a in (20, 30, 40)] + [sample(80)] * 2
    assert default_minutes(samples, "payments", ["payments-api"]) == (
        40,
        "median actual of 5 deployments by team payments",
    )


@pytest.mark.parametrize(("team", "minimum"), [(None, 3), ("payments", 6)])
def test_without_enough_history_the_fallback_is_used_as_given(
    team: str | None, minimum: int
) -> None:
    assert default_minutes(PAYMENTS, team, ["web"], minimum_samples=minimum) == (
        60,
        "no history: default 60 min",
    )
    assert default_minutes([], team, [], fallback=42) == (42, "no history: default 42 min")


def test_a_length_from_history_is_never_below_five_minutes() -> None:
    assert default_minutes([sample(0.5)] * 3, None, ["payments-api"])[0] == 5


@given(st.lists(st.floats(1, 600), min_size=3, max_size=30))
def test_the_default_covers_the_median_within_one_step(actuals: list[float]) -> None:
    minutes, basis = default_minutes([sample(a) for a in actuals], None, ["payments-api"])
    median = statistics.median(actuals)
    assert minutes % 5 == 0
    assert median <= minutes < median + 5
    assert basis == f"median actual of {len(actuals)} deployments of payments-api"
