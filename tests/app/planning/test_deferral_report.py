"""The deferred-work report: counts, repeat slippers, median ages, trend order and reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.planning.deferral_report import (
    NO_REASON,
    ReasonCount,
    ReleaseTrend,
    Slip,
    health_sentence,
    report,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
STARTS = {
    "PLT-26.05": datetime(2026, 5, 1, tzinfo=UTC),
    "PLT-26.07": datetime(2026, 7, 1, tzinfo=UTC),
    "PLT-26.09": datetime(2026, 9, 1, tzinfo=UTC),
}


def slip(
    workload: int,
    key: str,
    team: str,
    from_release: str,
    to_release: str | None = None,
    *,
    age: int = 30,
    reason: str = "capacity",
    at_day: int = 1,
    open_: bool = True,
) -> Slip:
    return Slip(
        workload=workload,
        key=key,
        team=team,
        from_release=from_release,
        from_starts=STARTS[from_release],
        to_release=to_release,
        reason=reason,
        actor="ana",
        at=STARTS[from_release] + timedelta(days=at_day),
        created_at=NOW - timedelta(days=age, hours=5),
        open=open_,
    )


def sample() -> list[Slip]:
    return [
        slip(1, "PAY-1", "Payments", "PLT-26.09", age=100, reason="waiting on  vendor"),
        slip(1, "PAY-1", "Payments", "PLT-26.05", "PLT-26.07", age=100),
        slip(1, "PAY-1", "Payments", "PLT-26.07", "PLT-26.09", age=100),
        slip(2, "PAY-2", "Payments", "PLT-26.05", "PLT-26.07", age=10),
        slip(2, "PAY-2", "Payments", "PLT-26.07", age=10, reason=" waiting on vendor\n"),
        slip(3, "PAY-3", "Payments", "PLT-26.05", age=40, open_=False),
        slip(4, "SRC-1", "Search", "PLT-26.07", "PLT-26.09", age=7),
        slip(5, "SRC-2", "Search", "PLT-26.07", age=3, reason=""),
        slip(6, "LED-1", "Ledger", "PLT-26.05", age=200),
    ]


def test_totals_and_repeat_slippers() -> None:
    rep = report(sample(), NOW)
    assert (rep.total, rep.workloads, rep.repeat, rep.releases) == (9, 6, 2, 3)


def test_team_rows_sorted_by_slips_then_team() -> None:
    rep = report(sample(), NOW)
    assert [(r.team, r.slips, r.workloads, r.repeat) for r in rep.by_team] == [
        ("Payments", 6, 3, 2),
        ("Search", 2, 2, 0),
        ("Ledger", 1, 1, 0),
    ]
    payments = rep.by_team[0]
    assert (payments.most_slips, payments.most_key) == (3, "PAY-1")


def test_median_age_counts_only_open_workloads() -> None:
    rep = report(sample(), NOW)
    ages = {r.team: r.median_age_days for r in rep.by_team}
    assert ages == {"Payments": 55.0, "Search": 5.0, "Ledger": 200.0}
    closed = report([slip(3, "PAY-3", "Payments", "PLT-26.05", open_=False)], NOW)
    assert closed.by_team[0].median_age_days is None


def test_most_slips_ties_go_to_the_first_key() -> None:
    rep = report(
        [slip(2, "PAY-9", "Payments", "PLT-26.05"), slip(1, "PAY-10", "Payments", "PLT-26.07")],
        NOW,
    )
    assert rep.by_team[0].most_key == "PAY-10"


def test_trend_follows_release_start_not_input_order() -> None:
    rep = report(sample(), NOW)
    assert rep.trend == (
        ReleaseTrend("PLT-26.05", STARTS["PLT-26.05"], 4, 2),
        ReleaseTrend("PLT-26.07", STARTS["PLT-26.07"], 4, 2),
        ReleaseTrend("PLT-26.09", STARTS["PLT-26.09"], 1, 1),
    )


def test_reasons_are_normalised_and_counted() -> None:
    rep = report(sample(), NOW)
    assert rep.reasons == (
        ReasonCount("capacity", 6),
        ReasonCount("waiting on vendor", 2),
        ReasonCount(NO_REASON, 1),
    )


def test_reasons_keep_only_the_top_ten() -> None:
    slips = [
        slip(i, f"PAY-{i}", "Payments", "PLT-26.05", reason=f"reason {i:02d}") for i in range(1, 13)
    ]
    slips.append(slip(99, "PAY-99", "Payments", "PLT-26.07", reason="reason 12"))
    reasons = report(slips, NOW).reasons
    assert len(reasons) == 10
    assert reasons[0] == ReasonCount("reason 12", 2)
    assert reasons[-1] == ReasonCount("reason 09", 1)


def test_oldest_open_workloads_first() -> None:
    rep = report(sample(), NOW)
    assert [(o.key, o.team, o.age_days, o.slips) for o in rep.oldest] == [
        ("LED-1", "Ledger", 200, 1),
        ("PAY-1", "Payments", 100, 3),
        ("PAY-2", "Payments", 10, 2),
        ("SRC-1", "Search", 7, 1),
        ("SRC-2", "Search", 3, 1),
    ]


def test_oldest_is_capped_at_twenty() -> None:
    slips = [slip(i, f"PAY-{i}", "Payments", "PLT-26.05", age=i) for i in range(1, 31)]
    oldest = report(slips, NOW).oldest
    assert len(oldest) == 20
    assert oldest[0].age_days == 30 and oldest[-1].age_days == 11


def test_a_workload_counts_under_the_team_and_state_of_its_latest_slip() -> None:
    slips = [
        slip(1, "PAY-1", "Payments", "PLT-26.07", at_day=2, open_=False),
        slip(1, "PAY-1", "Search", "PLT-26.05", at_day=2),
    ]
    rep = report(slips, NOW)
    assert [(r.team, r.slips, r.repeat) for r in rep.by_team] == [("Payments", 2, 1)]
    assert rep.oldest == ()


def test_health_sentence() -> None:
    assert health_sentence(report(sample(), NOW)) == (
        "9 slips of 6 workloads in the last 3 releases; 2 slipped more than once, "
        "most in Payments (2)"
    )
    one = report([slip(1, "PAY-1", "Payments", "PLT-26.05")], NOW)
    assert health_sentence(one) == (
        "1 slip of 1 workload in the last release; none slipped more than once"
    )
    assert health_sentence(report([], NOW)) == "No work slipped."
