"""Capacity from delivered history, and the caps that share a release fairly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.planning.capacity import (
    committed,
    consumes_capacity,
    limits,
    percentile,
    percentile_name,
    velocity,
)
from app.planning.plan import PlanItem, PlanningPolicy, PlanRelease, PlanTeam

START = datetime(2026, 3, 2, 8, tzinfo=UTC)


def team(
    id: int,
    capacity: int,
    *,
    train: int | None = 1,
    cap: int | None = None,
    share: int | None = None,
) -> PlanTeam:
    basis = f"lower quartile of last 6 releases: {capacity} points"
    return PlanTeam(id, f"Team {id}", train, capacity, basis, cap, share)


def release(id: int, train: int | None = 1) -> PlanRelease:
    return PlanRelease(id, f"R{id}", train, START)


def item(id: int, team: int, size: int, release: int | None, cls: str = "feature") -> PlanItem:
    return PlanItem(id, f"PAY-{id}", "t", team, size, 1.0, 3, cls, "low", release)


# percentile ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([10, 20, 30, 40, 50], 50, 30),
        ([10, 20, 30, 40, 50], 25, 20),
        ([50, 10, 40, 20, 30], 75, 40),  # order of delivery does not matter
        ([1, 2, 3, 4], 50, 2),  # 2.5 rounds down to whole points
        ([10, 20], 25, 12),  # interpolates between the two: 12.5
        ([10, 20, 30], 100, 30),  # the best release
        ([7], 25, 7),
        ([7], 100, 7),
        ([10, 20, 30, 40, 50], 1, 10),
    ],
)
def test_percentile_interpolates_and_rounds_down(values: list[int], p: int, expected: int) -> None:
    assert percentile(values, p) == expected


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 25)


@pytest.mark.parametrize(
    ("p", "name"),
    [
        (50, "median"),
        (25, "lower quartile"),
        (75, "upper quartile"),
        (100, "best"),
        (1, "1st percentile"),
        (2, "2nd percentile"),
        (3, "3rd percentile"),
        (11, "11th percentile"),
        (12, "12th percentile"),
        (13, "13th percentile"),
        (21, "21st percentile"),
        (40, "40th percentile"),
    ],
)
def test_percentile_names(p: int, name: str) -> None:
    assert percentile_name(p) == name


# velocity --------------------------------------------------------------------------------


def test_velocity_reads_only_the_last_releases() -> None:
    # All eight give 27 (lower quartile); the last six, 20..80 without 10 and 40, give 35.
    delivered = [10, 40, 20, 30, 50, 60, 70, 80]
    assert velocity(delivered, PlanningPolicy()) == (
        35,
        "lower quartile of last 6 releases: 35 points",
    )


def test_velocity_median_over_a_short_history() -> None:
    policy = PlanningPolicy(capacity_percentile=50, history_releases=4)
    assert velocity([10, 30, 20], policy) == (20, "median of last 3 releases: 20 points")


def test_velocity_with_one_release_says_so() -> None:
    assert velocity([12], PlanningPolicy()) == (12, "lower quartile of last release: 12 points")


def test_velocity_names_other_percentiles() -> None:
    policy = PlanningPolicy(capacity_percentile=90, history_releases=3)
    assert velocity([5, 10, 20, 30], policy) == (
        28,
        "90th percentile of last 3 releases: 28 points",
    )


def test_velocity_without_history_falls_back_to_the_default() -> None:
    policy = PlanningPolicy(default_capacity=33)
    assert velocity([], policy) == (33, "no delivery history yet: default of 33 points")


# limits ----------------------------------------------------------------------------------


def test_limits_without_caps_are_the_capacity_and_its_basis() -> None:
    out = limits([team(1, 40)], [release(7)])
    assert out == {(1, 7): (40, "lower quartile of last 6 releases: 40 points")}


def test_the_team_cap_wins_when_it_is_lower() -> None:
    out = limits([team(1, 40, cap=30), team(2, 20, cap=25)], [release(7)])
    assert out[1, 7] == (30, "team cap of 30 points")
    assert out[2, 7] == (20, "lower quartile of last 6 releases: 20 points")


def test_the_share_wins_when_it_is_lower_and_says_of_what() -> None:
    teams = [team(1, 60, cap=55, share=50), team(2, 40)]
    out = limits(teams, [release(7)])
    assert out[1, 7] == (50, "50% of the release's 100 points")
    assert out[2, 7][0] == 40


def test_a_cap_below_the_share_still_wins() -> None:
    out = limits([team(1, 60, cap=45, share=50), team(2, 40)], [release(7)])
    assert out[1, 7] == (45, "team cap of 45 points")


def test_the_share_rounds_down() -> None:
    out = limits([team(1, 30, share=33), team(2, 31)], [release(7)])
    assert out[1, 7] == (20, "33% of the release's 61 points")


def test_teams_on_other_trains_neither_ride_nor_count_towards_the_total() -> None:
    teams = [team(1, 60, share=50), team(2, 40), team(3, 900, train=2), team(4, 500, train=None)]
    out = limits(teams, [release(7, train=1), release(8, train=2), release(9, train=None)])
    assert set(out) == {(1, 7), (2, 7), (3, 8)}
    assert out[1, 7] == (50, "50% of the release's 100 points")
    assert out[3, 8][0] == 900


# committed -------------------------------------------------------------------------------


def test_committed_sums_points_per_team_and_release_without_emergencies() -> None:
    items = [
        item(1, team=1, size=5, release=7),
        item(2, team=1, size=3, release=7),
        item(3, team=2, size=8, release=7),
        item(4, team=1, size=13, release=8),
        item(5, team=1, size=20, release=7, cls="emergency"),
        item(6, team=1, size=40, release=None),
    ]
    assert committed(items) == {(1, 7): 8, (2, 7): 8, (1, 8): 13}


def test_only_emergencies_bypass_capacity() -> None:
    assert not consumes_capacity(item(1, 1, 5, 7, cls="emergency"))
    for cls in ("feature", "configuration", "tech_debt", "compliance", "bug_fix"):
        assert consumes_capacity(item(1, 1, 5, 7, cls=cls))
