"""Scope what-ifs: loads before and after, composition, blocked and unblocked work, risk mix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.planning.plan import PlanItem, PlanRelease, PlanSnapshot, PlanTeam
from app.planning.scope import Change, Freed, LoadRow, RiskMix, compare, names

PLATFORM = 10
PAYMENTS, LEDGER = 1, 2
MAY, JUL, SEP = 100, 101, 102


def item(id_: int, key: str, release: int | None = None, **extra: Any) -> PlanItem:
    fields: dict[str, Any] = {
        "title": key,
        "team": PAYMENTS,
        "size": 5,
        "wsjf": 1.0,
        "cost_of_delay": 1,
        "change_class": "feature",
        "risk_tier": "low",
    }
    fields.update(extra)
    return PlanItem(id=id_, key=key, release=release, **fields)


def snapshot(*items: PlanItem) -> PlanSnapshot:
    teams = (
        PlanTeam(PAYMENTS, "Payments", PLATFORM, 34, "lower quartile of last 6 releases: 34"),
        PlanTeam(LEDGER, "Ledger", PLATFORM, 10, "no delivery history yet: default of 10"),
    )
    releases = tuple(
        PlanRelease(rid, name, PLATFORM, datetime(2026, month, 1, tzinfo=UTC))
        for rid, name, month in (
            (MAY, "PLT-26.05", 5),
            (JUL, "PLT-26.07", 7),
            (SEP, "PLT-26.09", 9),
        )
    )
    return PlanSnapshot(teams=teams, releases=releases, items=items)


def test_dropping_frees_points_and_blocks_its_planned_dependents() -> None:
    snap = snapshot(
        item(7, "PAY-7", JUL, size=8),
        item(12, "PAY-12", SEP, depends_on=(7,)),
        item(9, "PAY-9", JUL, depends_on=(7,)),
        item(13, "PAY-13", depends_on=(7,)),
    )
    result = compare(snap, [Change(7, None, drop=True)])
    assert result.loads == (LoadRow(PAYMENTS, "Payments", JUL, "PLT-26.07", 34, 13, 5),)
    assert result.loads[0].freed == 8
    assert result.freed_points == 8
    assert result.freed_by_release == (Freed(JUL, "PLT-26.07", 8),)
    assert [a.key for a in result.blocked] == ["PAY-9", "PAY-12"]
    assert result.blocked[0].reason == "PAY-9 in PLT-26.07 depends on PAY-7, which is dropped"
    assert result.unblocked == ()
    assert result.summary[0] == (
        "Dropping PAY-7 frees 8 points in PLT-26.07; "
        "PAY-9 and PAY-12 lose a dependency and become blocked"
    )


def test_the_snapshot_is_never_mutated() -> None:
    snap = snapshot(item(1, "PAY-1", JUL))
    before = snap.items
    compare(snap, [Change(1, SEP)])
    assert snap.items == before and snap.items[0].release == JUL


def test_moving_later_frees_one_release_and_fills_another() -> None:
    snap = snapshot(item(1, "PAY-1", MAY, size=6), item(2, "PAY-2", SEP, size=30))
    result = compare(snap, [Change(1, SEP)])
    assert [(r.release_name, r.before, r.after, r.freed) for r in result.loads] == [
        ("PLT-26.05", 6, 0, 6),
        ("PLT-26.09", 30, 36, -6),
    ]
    assert result.freed_points == 0
    assert result.summary == (
        "Moving PAY-1 from PLT-26.05 to PLT-26.09 frees 6 points in PLT-26.05 and adds 6 points "
        "to PLT-26.09",
        "Payments would be over capacity in PLT-26.09: 36 of 34 points",
    )


def test_moving_a_dependency_later_blocks_with_a_reason() -> None:
    snap = snapshot(item(1, "PAY-1", MAY), item(2, "PAY-2", JUL, depends_on=(1,)))
    result = compare(snap, [Change(1, SEP)])
    assert [a.reason for a in result.blocked] == [
        "PAY-2 in PLT-26.07 depends on PAY-1, which moves to PLT-26.09, after PLT-26.07"
    ]
    assert compare(snap, [Change(1, JUL)]).blocked == ()


def test_a_moved_workload_landing_before_its_dependency_is_blocked_itself() -> None:
    snap = snapshot(item(1, "PAY-1", JUL), item(2, "PAY-2", depends_on=(1,)))
    result = compare(snap, [Change(2, MAY)])
    assert [a.reason for a in result.blocked] == [
        "PAY-2 in PLT-26.05 depends on PAY-1, which is in PLT-26.07, after PLT-26.05"
    ]
    assert result.summary[0].endswith("; it would itself be blocked")


def test_planning_a_dependency_unblocks_its_dependents() -> None:
    snap = snapshot(
        item(1, "PAY-1"),
        item(2, "PAY-2", JUL, depends_on=(1,)),
        item(3, "PAY-3", SEP, depends_on=(1,)),
    )
    result = compare(snap, [Change(1, MAY)])
    assert [a.key for a in result.unblocked] == ["PAY-2", "PAY-3"]
    assert result.unblocked[0].reason == "PAY-2 in PLT-26.07 no longer waits on PAY-1"
    assert result.summary[-1] == "PAY-2 and PAY-3 are no longer blocked"


def test_a_dependent_still_waiting_on_another_dependency_stays_blocked() -> None:
    snap = snapshot(item(1, "PAY-1"), item(4, "PAY-4"), item(2, "PAY-2", JUL, depends_on=(1, 4)))
    assert compare(snap, [Change(1, MAY)]).unblocked == ()
    assert [a.key for a in compare(snap, [Change(1, MAY), Change(4, JUL)]).unblocked] == ["PAY-2"]


def test_moving_a_blocked_workload_later_unblocks_it() -> None:
    snap = snapshot(item(1, "PAY-1", JUL), item(2, "PAY-2", MAY, depends_on=(1,)))
    assert [a.key for a in compare(snap, [Change(2, SEP)]).unblocked] == ["PAY-2"]
    assert compare(snap, [Change(2, None)]).unblocked == ()


def test_changes_compose_and_the_last_one_for_a_workload_wins() -> None:
    snap = snapshot(
        item(1, "PAY-1", JUL, size=4),
        item(2, "PAY-2", JUL, size=6),
        item(3, "LED-1", JUL, team=LEDGER, size=3),
    )
    result = compare(snap, [Change(1, SEP), Change(2, None, drop=True), Change(1, MAY)])
    by_release = {(r.team_name, r.release_name): (r.before, r.after) for r in result.loads}
    assert by_release == {("Payments", "PLT-26.05"): (0, 4), ("Payments", "PLT-26.07"): (10, 0)}
    assert result.freed_by_release == (Freed(MAY, "PLT-26.05", -4), Freed(JUL, "PLT-26.07", 10))
    assert result.freed_points == 6
    assert len(result.summary) == 2


def test_a_change_back_to_where_it_was_is_no_change() -> None:
    snap = snapshot(item(1, "PAY-1", JUL), item(2, "PAY-2", JUL, depends_on=(1,)))
    result = compare(snap, [Change(1, None), Change(1, JUL)])
    assert result.loads == () and result.blocked == () and result.summary == ()


def test_emergency_patches_free_no_capacity() -> None:
    snap = snapshot(item(1, "PAY-1", JUL, change_class="emergency", size=9))
    result = compare(snap, [Change(1, None)])
    assert result.loads == ()
    assert result.freed_points == 0
    assert result.summary == ("Moving PAY-1 to the backlog changes no capacity",)
    assert [r.release_name for r in result.risk] == ["PLT-26.07"]


def test_risk_mix_per_touched_release() -> None:
    snap = snapshot(
        item(1, "PAY-1", JUL, risk_tier="high", regulated=True),
        item(2, "PAY-2", JUL, risk_tier="medium"),
        item(3, "PAY-3", SEP, risk_tier="low"),
        item(4, "PAY-4", MAY, risk_tier="high"),
    )
    result = compare(snap, [Change(1, SEP)])
    assert [(r.release_name, r.before, r.after) for r in result.risk] == [
        ("PLT-26.07", RiskMix(high=1, medium=1, regulated=1), RiskMix(medium=1)),
        ("PLT-26.09", RiskMix(low=1), RiskMix(high=1, low=1, regulated=1)),
    ]


def test_planning_from_the_backlog_is_worded_as_planning() -> None:
    snap = snapshot(item(1, "PAY-1", size=1))
    assert compare(snap, [Change(1, JUL)]).summary == (
        "Planning PAY-1 into PLT-26.07 adds 1 point to PLT-26.07",
    )


def test_unknown_workloads_and_releases_are_errors() -> None:
    snap = snapshot(item(1, "PAY-1"))
    with pytest.raises(ValueError, match="workload 2"):
        compare(snap, [Change(2, JUL)])
    with pytest.raises(ValueError, match="release 5"):
        compare(snap, [Change(1, 5)])


def test_names_reads_like_a_sentence() -> None:
    assert names(["A"]) == "A"
    assert names(["A", "B"]) == "A and B"
    assert names(["A", "B", "C"]) == "A, B and C"
