"""The auto-planner: WSJF order, compliance first, dependencies, the tech-debt reserve."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.planning.autoplan import auto_plan
from app.planning.capacity import limits
from app.planning.plan import (
    Deferral,
    Placement,
    PlanItem,
    PlanningPolicy,
    PlanRelease,
    PlanSnapshot,
    PlanTeam,
    Proposal,
)

T0 = datetime(2026, 1, 5, 8, tzinfo=UTC)
OUTSIDE = 999
"""A release id the snapshot does not know: planned beyond the releases in scope."""


def rel(n: int, train: int = 1) -> PlanRelease:
    """Release n of a train, two weeks apart: R1 starts 2026-01-19, R2 2026-02-02, ..."""
    return PlanRelease(100 + n, f"PLT-26.{n:02d}", train, T0 + timedelta(weeks=2 * n))


R1, R2, R3 = rel(1), rel(2), rel(3)


def team(
    id: int = 1, name: str = "Payments", train: int | None = 1, capacity: int = 10
) -> PlanTeam:
    return PlanTeam(id, name, train, capacity, f"median of last 6 releases: {capacity} points")


def item(id: int, **kw: Any) -> PlanItem:
    """A five-point feature of Payments in the backlog, unless told otherwise."""
    kw = {"key": f"PAY-{id}", "key_sort": f"PAY-{id:06d}", "team": 1, "size": 5, **kw}
    kw = {"wsjf": 1.0, "cost_of_delay": 5, "change_class": "feature", "release": None, **kw}
    return PlanItem(id=id, title=f"workload {id}", risk_tier="low", **kw)


def snap(
    *items: PlanItem,
    teams: tuple[PlanTeam, ...] = (team(),),
    releases: tuple[PlanRelease, ...] = (R1, R2),
    share: int = 15,
) -> PlanSnapshot:
    return PlanSnapshot(teams, releases, items, PlanningPolicy(tech_debt_share_percent=share))


def placed(proposal: Proposal) -> dict[str, Placement]:
    return {p.key: p for p in proposal.placements}


def deferred(proposal: Proposal) -> dict[str, Deferral]:
    return {d.key: d for d in proposal.deferrals}


def where(proposal: Proposal) -> dict[str, int]:
    return {p.key: p.release for p in proposal.placements}


def committed(proposal: Proposal) -> dict[tuple[int, int], int]:
    return {(load.team, load.release): load.committed for load in proposal.loads}


# order -----------------------------------------------------------------------------------


def test_highest_wsjf_takes_the_room_and_says_how_much_is_left() -> None:
    low, high = item(1, size=8, wsjf=2.0), item(2, size=8, wsjf=8.5)
    proposal = auto_plan(snap(low, high, releases=(R1,)))
    assert placed(proposal)["PAY-2"].reason == (
        "Highest WSJF waiting in Payments (8.50): fits PLT-26.01 with 2 of 10 points left"
    )
    assert deferred(proposal)["PAY-1"].reason == (
        "No room: Payments is full in PLT-26.01 (needs 8 points, at most 2 left)"
    )


def test_each_takes_the_earliest_release_with_room() -> None:
    items = [item(i, size=5, wsjf=10.0 - i) for i in range(1, 6)]
    proposal = auto_plan(snap(*items, releases=(R1, R2)))
    assert where(proposal) == {"PAY-1": R1.id, "PAY-2": R1.id, "PAY-3": R2.id, "PAY-4": R2.id}
    assert deferred(proposal)["PAY-5"].reason == (
        "No room: Payments is full in the next 2 releases (needs 5 points, at most 0 left)"
    )


TIES = [
    pytest.param({"cost_of_delay": 8}, {"cost_of_delay": 3}, id="higher cost of delay"),
    pytest.param({"size": 3}, {"size": 5}, id="smaller size"),
    pytest.param({"must_ship_by": date(2026, 6, 1)}, {}, id="a date before none"),
    pytest.param(
        {"must_ship_by": date(2026, 6, 1)}, {"must_ship_by": date(2026, 7, 1)}, id="earlier date"
    ),
    pytest.param(
        {"key": "PAY-9", "key_sort": "PAY-000009"},
        {"key": "PAY-10", "key_sort": "PAY-000010"},
        id="older key by key_sort",
    ),
    pytest.param(
        {"key": "PAY-A", "key_sort": ""}, {"key": "PAY-B", "key_sort": ""}, id="key without sort"
    ),
]


@pytest.mark.parametrize(("winner", "loser"), TIES)
@pytest.mark.parametrize("flip", [False, True])
def test_wsjf_ties_are_broken_in_order(
    winner: dict[str, Any], loser: dict[str, Any], flip: bool
) -> None:
    # Unless a case sets them, the keys and the ids alone would favour the loser.
    a = item(2, **{"key": "WIN", "key_sort": "Z", **winner})
    b = item(1, **{"key": "LOSE", "key_sort": "A", **loser})
    pair = (b, a) if flip else (a, b)
    proposal = auto_plan(snap(*pair, teams=(team(capacity=7),), releases=(R1,)))
    assert [p.item for p in proposal.placements] == [2]
    assert [d.item for d in proposal.deferrals] == [1]


def test_wsjf_comes_before_cost_of_delay() -> None:
    a, b = item(1, wsjf=2.0, cost_of_delay=1), item(2, wsjf=1.0, cost_of_delay=20)
    proposal = auto_plan(snap(b, a, teams=(team(capacity=7),), releases=(R1,)))
    assert where(proposal) == {"PAY-1": R1.id}


# compliance ------------------------------------------------------------------------------


def test_compliance_with_a_deadline_goes_first_before_its_deadline() -> None:
    feature = item(1, size=10, wsjf=100.0)
    due = item(2, size=10, wsjf=0.1, change_class="compliance", must_ship_by=date(2026, 2, 1))
    proposal = auto_plan(snap(feature, due))
    assert where(proposal) == {"PAY-2": R1.id, "PAY-1": R2.id}
    assert placed(proposal)["PAY-2"].reason == (
        "Compliance due 2026-02-01: placed in PLT-26.01, "
        "the earliest release with room before the deadline"
    )


def test_compliance_items_go_by_deadline_before_wsjf() -> None:
    later = item(1, size=10, wsjf=9.0, change_class="compliance", must_ship_by=date(2026, 9, 1))
    sooner = item(2, size=10, wsjf=1.0, change_class="compliance", must_ship_by=date(2026, 8, 1))
    undated = item(3, size=10, wsjf=50.0, change_class="compliance")
    proposal = auto_plan(snap(later, sooner, undated, releases=(R1, R2, R3)))
    assert where(proposal) == {"PAY-2": R1.id, "PAY-1": R2.id, "PAY-3": R3.id}
    assert placed(proposal)["PAY-3"].reason.startswith("Highest WSJF waiting in Payments (50.00)")


def test_compliance_that_cannot_make_its_deadline_takes_the_earliest_room_and_says_so() -> None:
    busy = item(1, size=10, release=R1.id, fixed=True, status="in_progress")
    due = item(2, size=5, change_class="compliance", must_ship_by=date(2026, 1, 25))
    proposal = auto_plan(snap(busy, due))
    assert placed(proposal)["PAY-2"].release == R2.id
    assert placed(proposal)["PAY-2"].reason == (
        "Compliance due 2026-01-25 misses the deadline: PLT-26.02 is the earliest release with room"
    )


def test_compliance_already_planned_in_time_stays_even_in_a_full_release() -> None:
    busy = item(1, size=10, release=R1.id, fixed=True, status="in_progress")
    kept = item(
        2, size=5, change_class="compliance", must_ship_by=date(2026, 1, 25), release=R1.id,
        status="planned",
    )  # fmt: skip
    late = item(
        3, size=5, change_class="compliance", must_ship_by=date(2026, 1, 1), release=R2.id,
        status="planned",
    )  # fmt: skip
    proposal = auto_plan(snap(busy, kept, late))
    assert "PAY-2" not in where(proposal)
    assert "PAY-2" not in {d.key for d in proposal.deferrals}
    loads = {ld.release: ld.committed for ld in proposal.loads}
    assert loads[R1.id] == 15  # over the limit of 10, as it already was: nothing is added
    # PAY-3 sits in a release after its deadline, so it is planned again: R1 has no room
    assert placed(proposal)["PAY-3"].release == R2.id
    assert placed(proposal)["PAY-3"].reason.startswith("Compliance due 2026-01-01 misses")


def test_compliance_with_a_deadline_may_use_the_tech_debt_reserve() -> None:
    due = item(1, size=10, change_class="compliance", must_ship_by=date(2026, 3, 1))
    debt = item(2, size=3, change_class="tech_debt")
    feature = item(3, size=10, wsjf=50.0)
    proposal = auto_plan(snap(due, debt, feature, share=50, releases=(R1,)))
    assert where(proposal) == {"PAY-1": R1.id}


# dependencies ----------------------------------------------------------------------------


def test_a_dependency_is_pulled_forward_with_its_dependents_priority() -> None:
    needed = item(7, size=5, wsjf=1.0)
    urgent = item(12, size=5, wsjf=8.5, depends_on=(7,))
    middling = item(3, size=10, wsjf=5.0)
    proposal = auto_plan(snap(middling, urgent, needed))
    assert where(proposal) == {"PAY-7": R1.id, "PAY-12": R1.id, "PAY-3": R2.id}
    assert [p.key for p in proposal.placements] == ["PAY-7", "PAY-12", "PAY-3"]
    assert placed(proposal)["PAY-7"].reason == (
        "Placed ahead of its own WSJF (1.00) because PAY-12 (WSJF 8.50) depends on it: "
        "fits PLT-26.01 with 5 of 10 points left"
    )


def test_priority_is_inherited_through_a_chain() -> None:
    base = item(1, size=3, wsjf=0.5)
    mid = item(2, size=3, wsjf=0.6, depends_on=(1,))
    top = item(3, size=3, wsjf=9.0, depends_on=(2,))
    rival = item(4, size=3, wsjf=5.0)
    proposal = auto_plan(snap(rival, top, mid, base, releases=(R1,)))
    assert [p.key for p in proposal.placements] == ["PAY-1", "PAY-2", "PAY-3"]
    assert "PAY-3 (WSJF 9.00) depends on it" in placed(proposal)["PAY-1"].reason
    assert deferred(proposal)["PAY-4"].reason.startswith("No room")


def test_a_dependent_never_ships_before_its_dependency() -> None:
    other = team(2, "Ledger")
    full = item(1, team=2, size=10, release=R1.id, fixed=True)
    provider = item(7, team=2, size=5, wsjf=1.0)
    consumer = item(8, team=1, size=5, wsjf=9.0, depends_on=(7,))
    proposal = auto_plan(snap(full, provider, consumer, teams=(team(), other)))
    assert where(proposal) == {"PAY-7": R2.id, "PAY-8": R2.id}
    assert placed(proposal)["PAY-8"].reason == (
        "Highest WSJF waiting in Payments (9.00): fits PLT-26.02 after PAY-7 "
        "with 5 of 10 points left"
    )


def test_a_deferred_dependency_holds_its_dependent_back_by_name() -> None:
    huge = item(7, size=20, wsjf=1.0)
    consumer = item(8, size=5, wsjf=9.0, depends_on=(7,))
    proposal = auto_plan(snap(huge, consumer))
    assert deferred(proposal)["PAY-7"].reason == (
        "Larger (20 points) than Payments' whole limit of 10 points per release"
    )
    assert deferred(proposal)["PAY-8"].reason == "Waits for PAY-7, which is not placed"


def test_fixed_dependencies_constrain_or_hold_back() -> None:
    in_scope = item(1, size=1, release=R2.id, fixed=True)
    beyond = item(2, size=1, release=OUTSIDE, fixed=True)
    unplanned = item(3, size=1, fixed=True)
    after_r2 = item(4, depends_on=(1, 555))  # 555 shipped already: the loader leaves it out
    after_beyond = item(5, depends_on=(2,))
    after_unplanned = item(6, depends_on=(3,))
    proposal = auto_plan(snap(in_scope, beyond, unplanned, after_r2, after_beyond, after_unplanned))
    assert where(proposal) == {"PAY-4": R2.id}
    reasons = {key: d.reason for key, d in deferred(proposal).items()}
    assert reasons["PAY-5"] == "Waits for PAY-2, which is planned beyond the releases in scope"
    assert reasons["PAY-6"] == "Waits for PAY-3, which is not planned in any release"


def test_a_dependency_beyond_the_last_release_of_the_team_defers_the_dependent() -> None:
    provider = item(1, size=1, release=R3.id, fixed=True)
    consumer = item(2, depends_on=(1,))
    proposal = auto_plan(snap(provider, consumer, releases=(R1, R2, R3)), releases=[R1.id, R2.id])
    assert deferred(proposal)["PAY-2"].reason == (
        "Waits for PAY-1, which ships after Payments' last release in scope"
    )


def test_fixed_work_that_depends_on_an_item_is_its_deadline() -> None:
    fixed = item(1, size=3, release=R1.id, fixed=True, depends_on=(2,))
    needed = item(2, size=5)
    room_later = auto_plan(snap(fixed, needed))
    assert where(room_later) == {"PAY-2": R1.id}
    blocker = item(3, size=4, wsjf=9.0)
    too_late = auto_plan(snap(fixed, needed, blocker))
    assert where(too_late) == {"PAY-3": R1.id}
    assert deferred(too_late)["PAY-2"].reason == (
        "No room before PAY-1, which depends on it: "
        "Payments is full in PLT-26.01 (needs 5 points, at most 3 left)"
    )


def test_members_of_a_cycle_are_deferred_by_name_and_hold_back_their_dependents() -> None:
    a = item(1, depends_on=(2,))
    b = item(2, depends_on=(3,))
    c = item(3, depends_on=(1,))
    after = item(4, depends_on=(1,))
    selfish = item(5, depends_on=(5,))
    free = item(6)
    proposal = auto_plan(snap(a, b, c, after, selfish, free))
    assert where(proposal) == {"PAY-6": R1.id}
    reasons = {key: d.reason for key, d in deferred(proposal).items()}
    assert reasons == {
        "PAY-1": "In a dependency cycle with PAY-2, PAY-3",
        "PAY-2": "In a dependency cycle with PAY-1, PAY-3",
        "PAY-3": "In a dependency cycle with PAY-1, PAY-2",
        "PAY-4": "Waits for PAY-1, which is in a dependency cycle",
        "PAY-5": "Depends on itself, so it can never ship",
    }


# tech-debt reserve -----------------------------------------------------------------------


def test_the_reserve_is_kept_for_tech_debt() -> None:
    big = item(1, size=8, wsjf=9.0)
    small = item(2, size=2, wsjf=8.0)
    debt = item(3, size=2, wsjf=1.0, change_class="tech_debt")
    proposal = auto_plan(snap(big, small, debt, share=20, releases=(R1,)))
    assert where(proposal) == {"PAY-1": R1.id, "PAY-3": R1.id}
    assert placed(proposal)["PAY-3"].reason == (
        "Kept for tech debt: uses Payments' 20% reserve in PLT-26.01 (0 of 10 points left)"
    )
    assert deferred(proposal)["PAY-2"].reason == (
        "No room: Payments is full in PLT-26.01 (needs 2 points, at most 0 left)"
    )


def test_reserve_tech_debt_leaves_unused_goes_to_the_rest() -> None:
    big = item(1, size=8, wsjf=9.0)
    small = item(2, size=2, wsjf=8.0)
    debt = item(3, size=13, wsjf=1.0, change_class="tech_debt")  # never fits
    proposal = auto_plan(snap(big, small, debt, share=20, releases=(R1,)))
    assert where(proposal) == {"PAY-1": R1.id, "PAY-2": R1.id}
    assert placed(proposal)["PAY-2"].reason == (
        "Tech debt left Payments' 20% reserve unused: fits PLT-26.01 with 0 of 10 points left"
    )


def test_no_reserve_is_kept_without_tech_debt_waiting() -> None:
    big, small = item(1, size=8, wsjf=9.0), item(2, size=2, wsjf=8.0)
    proposal = auto_plan(snap(big, small, share=20, releases=(R1,)))
    assert placed(proposal)["PAY-2"].reason.startswith("Highest WSJF waiting in Payments (8.00)")


# moves, slips and load -------------------------------------------------------------------


def test_moves_and_slips_are_recorded() -> None:
    stays = item(1, size=5, wsjf=9.0, release=R1.id)
    pulled = item(2, size=5, wsjf=8.0, release=R2.id)
    slips = item(3, size=5, wsjf=1.0, release=R1.id)
    waits = item(4, size=5, wsjf=0.5)
    proposal = auto_plan(snap(stays, pulled, slips, waits, releases=(R1,)))
    assert placed(proposal)["PAY-1"].moved_from is None
    assert placed(proposal)["PAY-2"].moved_from == R2.id
    slipped = deferred(proposal)
    assert (slipped["PAY-3"].moved_from, slipped["PAY-4"].moved_from) == (R1.id, None)


def test_work_planned_beyond_scope_is_pulled_forward_or_left_where_it_is() -> None:
    first = item(1, size=10, wsjf=9.0, release=OUTSIDE)
    second = item(2, size=10, wsjf=1.0, release=OUTSIDE)
    proposal = auto_plan(snap(first, second, releases=(R1,)))
    assert placed(proposal)["PAY-1"].moved_from == OUTSIDE
    assert [d.key for d in proposal.deferrals] == []
    assert [p.key for p in proposal.placements] == ["PAY-1"]


def test_a_subset_of_releases_leaves_the_others_alone() -> None:
    earlier = item(1, size=5, release=R1.id)
    later = item(2, size=5, release=R3.id)
    backlog = item(3, size=5, wsjf=0.1)
    proposal = auto_plan(snap(earlier, later, backlog, releases=(R1, R2, R3)), releases=[R2.id])
    assert where(proposal) == {"PAY-2": R2.id, "PAY-3": R2.id}
    assert [d.key for d in proposal.deferrals] == []
    assert [(load.release, load.committed) for load in proposal.loads] == [(R2.id, 10)]


def test_fixed_work_counts_first_and_may_stay_over_the_limit() -> None:
    fixed = item(1, size=8, release=R1.id, fixed=True)
    over = item(2, size=12, release=R2.id, status="in_progress", fixed=True)
    small = item(3, size=3)
    tiny = item(4, size=2)
    proposal = auto_plan(snap(fixed, over, small, tiny))
    assert where(proposal) == {"PAY-4": R1.id}
    assert committed(proposal) == {(1, R1.id): 10, (1, R2.id): 12}
    assert [load.over for load in proposal.loads] == [0, 2]
    assert deferred(proposal)["PAY-3"].reason == (
        "No room: Payments is full in the next 2 releases (needs 3 points, at most 0 left)"
    )


def test_emergencies_use_no_capacity_and_never_move() -> None:
    patch = item(1, size=10, release=R1.id, change_class="emergency")
    unplanned_patch = item(2, size=10, change_class="emergency")
    feature = item(3, size=10)
    proposal = auto_plan(snap(patch, unplanned_patch, feature))
    assert where(proposal) == {"PAY-3": R1.id}
    assert [d.key for d in proposal.deferrals] == []


def test_work_of_teams_without_a_train_and_work_in_progress_never_moves() -> None:
    loner = team(2, "Mobile", train=None)
    independent = item(1, team=2, size=1)
    started = item(2, size=10, release=R2.id, status="in_progress", fixed=True)
    proposal = auto_plan(snap(independent, started, teams=(team(), loner)))
    assert proposal.placements == () and proposal.deferrals == ()
    assert committed(proposal) == {(1, R1.id): 0, (1, R2.id): 10}


def test_loads_cover_every_team_and_release_with_the_limit_basis() -> None:
    ledger = PlanTeam(2, "Ledger", 1, 30, "b", cap=12)
    proposal = auto_plan(snap(item(1, size=5), teams=(team(), ledger)))
    assert [(ld.team, ld.release, ld.limit, ld.limit_basis) for ld in proposal.loads] == [
        (1, R1.id, 10, "median of last 6 releases: 10 points"),
        (2, R1.id, 12, "team cap of 12 points"),
        (1, R2.id, 10, "median of last 6 releases: 10 points"),
        (2, R2.id, 12, "team cap of 12 points"),
    ]


def test_only_releases_of_the_teams_own_train() -> None:
    other_train = rel(1, train=2)
    proposal = auto_plan(snap(item(1, release=other_train.id), releases=(other_train, R2)))
    assert placed(proposal)["PAY-1"].release == R2.id
    assert placed(proposal)["PAY-1"].moved_from == other_train.id
    lonely = auto_plan(snap(item(1, release=other_train.id), releases=(other_train,)))
    assert deferred(lonely)["PAY-1"].reason == "No release of Payments' train is in scope"


# properties ------------------------------------------------------------------------------

FIBONACCI = [1, 2, 3, 5, 8, 13, 20]
CLASSES = ["feature", "feature", "bug_fix", "configuration", "tech_debt", "compliance"]


@st.composite
def snapshots(draw: st.DrawFn) -> tuple[PlanSnapshot, list[int] | None]:
    trains = draw(st.integers(1, 2))
    teams = tuple(
        PlanTeam(
            t,
            f"Team {t}",
            draw(st.sampled_from([*range(1, trains + 1), *range(1, trains + 1), None])),
            draw(st.integers(0, 30)),
            "b",
            draw(st.none() | st.integers(0, 30)),
            draw(st.none() | st.integers(10, 100)),
        )
        for t in range(1, draw(st.integers(1, 4)) + 1)
    )
    gaps = draw(st.lists(st.integers(0, 3), min_size=1, max_size=6))
    releases, day = [], 0
    for n, gap in enumerate(gaps, start=1):
        day += gap
        train = draw(st.integers(1, trains))
        releases.append(PlanRelease(100 + n, f"R{n}", train, T0 + timedelta(days=7 * day)))
    ids = [r.id for r in releases]
    items = []
    for i in range(1, draw(st.integers(0, 40)) + 1):
        cls = draw(st.sampled_from([*CLASSES, "emergency"] if i % 7 == 0 else CLASSES))
        fixed = draw(st.integers(0, 3)) == 0
        deps = draw(st.lists(st.integers(1, i - 1), max_size=2)) if i > 1 else []
        if draw(st.integers(0, 9)) == 0:
            deps.append(9_999)  # shipped already
        due = draw(st.none() | st.dates(date(2026, 1, 1), date(2026, 5, 1)))
        items.append(
            item(
                i,
                team=draw(st.integers(1, len(teams))),
                size=draw(st.sampled_from(FIBONACCI)),
                wsjf=draw(st.sampled_from([0.5, 1.0, 2.0, 3.5, 8.0])),
                cost_of_delay=draw(st.integers(1, 4)),
                change_class=cls,
                release=draw(st.sampled_from([None, None, OUTSIDE, *ids])),
                fixed=fixed,
                status="in_progress" if fixed and draw(st.booleans()) else "backlog",
                must_ship_by=due,
                depends_on=tuple(deps),
            )
        )
    if len(items) >= 2 and draw(st.integers(0, 3)) == 0:
        low = draw(st.integers(0, len(items) - 2))
        high = draw(st.integers(low + 1, len(items) - 1))
        back = items[low]
        items[low] = replace(back, depends_on=(*back.depends_on, items[high].id))
    policy = PlanningPolicy(tech_debt_share_percent=draw(st.integers(0, 50)))
    snapshot = PlanSnapshot(teams, tuple(releases), tuple(items), policy)
    subset = draw(st.none() | st.lists(st.sampled_from(ids), unique=True))
    return snapshot, subset


def stays_put(
    it: PlanItem, trains: dict[int, int | None], scope: dict[int, PlanRelease] | None = None
) -> bool:
    """Work the planner must leave where it is: pinned, off every train, or compliance
    already planned (in `scope`) in a release that meets its deadline."""
    pinned = it.fixed or it.status == "in_progress" or it.change_class == "emergency"
    kept = (
        scope is not None
        and it.change_class == "compliance"
        and it.must_ship_by is not None
        and it.release in scope
        and scope[it.release].starts.date() <= it.must_ship_by
    )
    return pinned or kept or trains.get(it.team) is None


def fixed_loads(
    snapshot: PlanSnapshot, subset: list[int] | None = None
) -> dict[tuple[int, int], int]:
    trains = {t.id: t.train for t in snapshot.teams}
    scope = {r.id: r for r in scope_of(snapshot, subset)}
    out: dict[tuple[int, int], int] = defaultdict(int)
    for it in snapshot.items:
        if (
            it.release is not None
            and stays_put(it, trains, scope)
            and it.change_class != "emergency"
        ):
            out[it.team, it.release] += it.size
    return out


def scope_of(snapshot: PlanSnapshot, subset: list[int] | None) -> list[PlanRelease]:
    return [r for r in snapshot.releases if subset is None or r.id in subset]


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_no_team_goes_over_its_limit_because_of_the_plan(case: Any) -> None:
    snapshot, subset = case
    proposal = auto_plan(snapshot, subset)
    fixed = fixed_loads(snapshot, subset)
    added: dict[tuple[int, int], int] = defaultdict(int)
    for p in proposal.placements:
        added[p.team, p.release] += p.size
    expected = limits(snapshot.teams, scope_of(snapshot, subset))
    assert {(ld.team, ld.release) for ld in proposal.loads} == set(expected)
    assert len(proposal.loads) == len(expected)
    for ld in proposal.loads:
        key = (ld.team, ld.release)
        assert (ld.limit, ld.limit_basis) == expected[key]
        assert ld.committed == fixed[key] + added[key]
        if added[key]:
            assert ld.committed <= ld.limit
        assert ld.committed <= max(ld.limit, fixed[key])


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_no_dependency_is_broken_by_the_plan(case: Any) -> None:
    snapshot, subset = case
    proposal = auto_plan(snapshot, subset)
    starts = {r.id: r.starts for r in snapshot.releases}
    items = {it.id: it for it in snapshot.items}
    at = {p.item: p.release for p in proposal.placements}
    held = {d.item for d in proposal.deferrals}
    trains = {t.id: t.train for t in snapshot.teams}
    for p in proposal.placements:
        for dep in items[p.item].depends_on:
            if dep not in items:
                continue
            assert dep not in held
            release = at.get(dep, items[dep].release)
            assert release in starts, (p.key, dep)
            assert starts[release] <= starts[p.release]
    kept_scope = {r.id: r for r in scope_of(snapshot, subset)}
    for it in snapshot.items:
        if stays_put(it, trains, kept_scope) and it.release in starts:
            for dep in it.depends_on:
                if dep in at:
                    assert starts[at[dep]] <= starts[it.release]


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_compliance_with_a_deadline_is_deferred_only_when_nothing_had_room(case: Any) -> None:
    snapshot, subset = case
    proposal = auto_plan(snapshot, subset)
    items = {it.id: it for it in snapshot.items}
    due = {i for i, it in items.items() if it.change_class == "compliance" and it.must_ship_by}
    # Work processed with the deadlines' priority: the due items and what they depend on.
    first = set(due)
    grew = True
    while grew:
        more = {d for i in first for d in items[i].depends_on if d in items} - first
        first |= more
        grew = bool(more)
    depended_on = {d for it in snapshot.items for d in it.depends_on}
    early: dict[tuple[int, int], int] = defaultdict(int)
    for p in proposal.placements:
        if p.item in first:
            early[p.team, p.release] += p.size
    fixed = fixed_loads(snapshot, subset)
    for d in proposal.deferrals:
        it = items[d.item]
        if d.item not in due or it.depends_on or d.item in depended_on:
            continue
        for ld in proposal.loads:
            if ld.team == it.team:
                key = (ld.team, ld.release)
                assert fixed[key] + early[key] + it.size > ld.limit, (d, ld)


@settings(max_examples=150, deadline=None)
@given(snapshots())
def test_every_candidate_is_placed_or_deferred_once(case: Any) -> None:
    snapshot, subset = case
    proposal = auto_plan(snapshot, subset)
    trains = {t.id: t.train for t in snapshot.teams}
    scope = {r.id: r for r in scope_of(snapshot, subset)}
    riders = {team for team, _ in limits(snapshot.teams, scope.values())}
    seen = [p.item for p in proposal.placements] + [d.item for d in proposal.deferrals]
    assert len(seen) == len(set(seen))
    decided = set(seen)
    items = {it.id: it for it in snapshot.items}
    for it in snapshot.items:
        if stays_put(it, trains, scope):
            assert it.id not in decided
        elif it.release in scope or (it.release is None and it.team in riders):
            assert it.id in decided, it
    for d in proposal.deferrals:
        assert d.moved_from == items[d.item].release
        assert d.moved_from is None or d.moved_from in scope
    for p in proposal.placements:
        it = items[p.item]
        assert p.release in scope
        assert scope[p.release].train == trains[it.team]
        assert (p.key, p.team, p.size, p.wsjf) == (it.key, it.team, it.size, it.wsjf)
        assert p.moved_from == (it.release if it.release != p.release else None)


@settings(max_examples=100, deadline=None)
@given(snapshots(), st.randoms(use_true_random=False))
def test_the_same_snapshot_gives_the_same_plan_in_any_item_order(case: Any, rnd: Any) -> None:
    snapshot, subset = case
    shuffled = list(snapshot.items)
    rnd.shuffle(shuffled)
    again = PlanSnapshot(snapshot.teams, snapshot.releases, tuple(shuffled), snapshot.policy)
    assert auto_plan(snapshot, subset) == auto_plan(snapshot, subset)
    assert auto_plan(again, subset) == auto_plan(snapshot, subset)
