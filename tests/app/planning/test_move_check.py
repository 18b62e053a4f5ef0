"""The live re-check of a dragged card: each consequence kind, its text and the fast path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from app.planning.move_check import MoveChecker, day
from app.planning.plan import (
    Consequence,
    FreezeNote,
    PlanItem,
    PlanRelease,
    PlanSnapshot,
    PlanTeam,
)

PLATFORM, DATA = 10, 20
PAYMENTS, SEARCH = 1, 2
MAY, JUL, SEP, DAT = 100, 101, 102, 200
BASIS = "lower quartile of last 6 releases: 34 points"
NOW = datetime(2026, 12, 9, 12, tzinfo=UTC)


def item(
    id_: int,
    key: str,
    release: int | None = None,
    *,
    team: int = PAYMENTS,
    size: int = 5,
    **extra: Any,
) -> PlanItem:
    fields: dict[str, Any] = {
        "title": key,
        "wsjf": 1.0,
        "cost_of_delay": 1,
        "change_class": "feature",
        "risk_tier": "low",
    }
    fields.update(extra)
    return PlanItem(id=id_, key=key, team=team, size=size, release=release, **fields)


def release(id_: int, name: str, month: int, train: int = PLATFORM, **extra: Any) -> PlanRelease:
    starts = datetime(2026, month, 1, tzinfo=UTC)
    return PlanRelease(id=id_, name=name, train=train, starts=starts, **extra)


def snapshot(*items: PlanItem, releases: tuple[PlanRelease, ...] | None = None) -> PlanSnapshot:
    teams = (
        PlanTeam(PAYMENTS, "Payments", PLATFORM, 34, BASIS),
        PlanTeam(SEARCH, "Search", DATA, 20, "no delivery history yet: default of 20 points"),
    )
    if releases is None:
        releases = (
            release(MAY, "PLT-26.05", 5),
            release(JUL, "PLT-26.07", 7),
            release(SEP, "PLT-26.09", 9),
            release(DAT, "DAT-26.07", 7, train=DATA),
        )
    return PlanSnapshot(teams=teams, releases=releases, items=items, now=NOW)


def checker(*items: PlanItem, **kw: Any) -> MoveChecker:
    return MoveChecker(snapshot(*items, **kw), train_names={PLATFORM: "Platform", DATA: "Data"})


def of_kind(found: list[Consequence], kind: str) -> list[Consequence]:
    return [c for c in found if c.kind == kind]


def test_unchanged_placement_has_no_consequences() -> None:
    check = checker(item(1, "PAY-1", JUL, size=40), item(2, "PAY-2"))
    assert check.check(1, JUL) == []
    assert check.check(2, None) == []


def test_a_move_that_fits_says_the_load_after_it_and_what_it_frees() -> None:
    check = checker(item(1, "PAY-1", MAY), item(2, "PAY-2", JUL, size=26))
    found = check.check(1, JUL)
    assert found == [
        Consequence("capacity", False, "Payments: 31 of 34 points in PLT-26.07 after the move"),
        Consequence("capacity", False, "Frees 5 points in PLT-26.05"),
    ]


def test_overcommitment_is_unmistakable_but_not_blocking() -> None:
    check = checker(item(1, "PAY-1", MAY, size=9), item(2, "PAY-2", JUL, size=34))
    [over] = [c for c in check.check(1, JUL) if "over" in c.text]
    assert over == Consequence(
        "capacity",
        False,
        f"Payments would be over capacity in PLT-26.07: 43 of 34 points (9 over; {BASIS})",
    )


def test_exactly_full_is_not_over() -> None:
    check = checker(item(1, "PAY-1", size=4), item(2, "PAY-2", JUL, size=30))
    [load] = check.check(1, JUL)
    assert load.text == "Payments: 34 of 34 points in PLT-26.07 after the move"


def test_emergency_patches_use_no_capacity() -> None:
    check = checker(item(1, "PAY-1", change_class="emergency", size=50), item(2, "PAY-2", JUL))
    found = check.check(1, JUL)
    assert found == [
        Consequence("capacity", False, "PAY-1 is an emergency patch: it uses no train capacity")
    ]
    assert check.loads()[PAYMENTS, JUL].committed == 5


def test_another_trains_release_blocks() -> None:
    check = checker(item(1, "PAY-1"))
    [train] = of_kind(check.check(1, DAT), "train")
    assert train == Consequence(
        "train", True, "DAT-26.07 is on the Data train; Payments ships with the Platform train"
    )
    assert of_kind(check.check(1, JUL), "train") == []


def test_train_without_a_name_falls_back_to_its_id() -> None:
    check = MoveChecker(snapshot(item(1, "PAY-1")))
    [train] = of_kind(check.check(1, DAT), "train")
    assert train.text == "DAT-26.07 is on the #20 train; Payments ships with the #10 train"


def test_landing_before_a_dependency_blocks() -> None:
    check = checker(item(1, "PAY-1", SEP), item(2, "PAY-2", depends_on=(1,)))
    [dep] = of_kind(check.check(2, JUL), "dependency")
    assert dep == Consequence(
        "dependency",
        True,
        "PAY-2 would ship in PLT-26.07, before its dependency PAY-1 in PLT-26.09",
    )
    assert of_kind(check.check(2, SEP), "dependency") == []


def test_a_dependency_in_the_backlog_blocks() -> None:
    check = checker(item(1, "PAY-1"), item(2, "PAY-2", depends_on=(1,)))
    [dep] = of_kind(check.check(2, JUL), "dependency")
    assert dep == Consequence("dependency", True, "PAY-2 depends on PAY-1, which is in the backlog")


def test_a_dependency_outside_the_plan_is_a_warning() -> None:
    check = checker(item(1, "PAY-1", 999), item(2, "PAY-2", depends_on=(1,)))
    [dep] = of_kind(check.check(2, JUL), "dependency")
    assert not dep.blocking
    assert "PAY-1" in dep.text and "outside this plan" in dep.text


def test_moving_after_a_dependent_blocks_and_names_it() -> None:
    check = checker(item(1, "PAY-1", MAY), item(2, "PAY-2", JUL, depends_on=(1,)))
    assert of_kind(check.check(1, JUL), "dependency") == []
    [dep] = of_kind(check.check(1, SEP), "dependency")
    assert dep == Consequence(
        "dependency", True, "PAY-2 depends on PAY-1 and is planned in PLT-26.07, before PLT-26.09"
    )


def test_moving_to_the_backlog_warns_about_each_planned_dependent() -> None:
    check = checker(
        item(1, "PAY-1", MAY),
        item(2, "PAY-2", JUL, depends_on=(1,)),
        item(3, "PAY-3", depends_on=(1,)),
        item(4, "PAY-4", SEP, depends_on=(1,)),
    )
    found = check.check(1, None)
    assert of_kind(found, "dependency") == [
        Consequence(
            "dependency", False, "PAY-2 in PLT-26.07 depends on PAY-1 and would be blocked"
        ),
        Consequence(
            "dependency", False, "PAY-4 in PLT-26.09 depends on PAY-1 and would be blocked"
        ),
    ]
    assert of_kind(found, "capacity") == [
        Consequence("capacity", False, "Frees 5 points in PLT-26.05")
    ]


def test_blocking_consequences_come_first() -> None:
    check = checker(item(1, "PAY-1", SEP), item(2, "PAY-2", MAY, depends_on=(1,)))
    found = check.check(2, JUL)
    assert found[0].blocking
    assert [c.blocking for c in found] == sorted((c.blocking for c in found), reverse=True)


@pytest.mark.parametrize(
    ("note", "blocking", "text"),
    [
        (
            FreezeNote("Year-end freeze", hard=True),
            True,
            "PLT-26.07 falls in the hard freeze Year-end freeze",
        ),
        (
            FreezeNote("Year-end freeze", hard=True, overridden=True),
            False,
            "PLT-26.07 falls in the hard freeze Year-end freeze; an approved override lets it "
            "through",
        ),
        (
            FreezeNote("Audit week", hard=False),
            False,
            "PLT-26.07 falls in the soft freeze Audit week; changes need extra care",
        ),
    ],
)
def test_freezes_on_the_target(note: FreezeNote, blocking: bool, text: str) -> None:
    releases = (release(MAY, "PLT-26.05", 5), release(JUL, "PLT-26.07", 7, freezes=(note,)))
    check = checker(item(1, "PAY-1", MAY), releases=releases)
    assert of_kind(check.check(1, JUL), "freeze") == [Consequence("freeze", blocking, text)]


@pytest.mark.parametrize(
    ("teams", "components", "applies"),
    [
        (frozenset(), frozenset(), True),
        (frozenset({PAYMENTS}), frozenset(), True),
        (frozenset({SEARCH}), frozenset(), False),
        (frozenset(), frozenset({7}), True),
        (frozenset(), frozenset({8}), False),
        (frozenset({PAYMENTS}), frozenset({8}), False),
    ],
)
def test_freeze_scope(teams: frozenset[int], components: frozenset[int], applies: bool) -> None:
    note = FreezeNote("Scoped", hard=True, teams=teams, components=components)
    releases = (release(JUL, "PLT-26.07", 7, freezes=(note,)),)
    check = checker(item(1, "PAY-1", components=(6, 7)), releases=releases)
    assert bool(of_kind(check.check(1, JUL), "freeze")) is applies


def test_a_passed_code_freeze_makes_it_a_late_change() -> None:
    passed = datetime(2026, 12, 7, 17, tzinfo=UTC)
    releases = (
        release(JUL, "PLT-26.07", 7, code_freeze=passed),
        release(SEP, "PLT-26.09", 9, code_freeze=datetime(2026, 12, 20, tzinfo=UTC)),
    )
    check = checker(item(1, "PAY-1"), releases=releases)
    assert of_kind(check.check(1, JUL), "code_freeze") == [
        Consequence(
            "code_freeze",
            False,
            "Code freeze for PLT-26.07 passed on Mon 7 Dec; adding work now is a late change",
        )
    ]
    assert of_kind(check.check(1, SEP), "code_freeze") == []


def test_day_names_the_year_only_when_it_differs() -> None:
    assert day(datetime(2025, 12, 29, tzinfo=UTC), NOW) == "Mon 29 Dec 2025"
    assert day(datetime(2026, 3, 1, tzinfo=UTC), NOW) == "Sun 1 Mar"


def test_missing_sign_off_is_a_policy_warning() -> None:
    check = checker(
        item(1, "PAY-1", risk_tier="high", missing_approvals=("operations", "security")),
        item(2, "PAY-2", risk_tier="high"),
    )
    assert of_kind(check.check(1, JUL), "policy") == [
        Consequence(
            "policy", False, "High risk: needs sign-off from operations, security before PLT-26.07"
        )
    ]
    assert of_kind(check.check(2, JUL), "policy") == []
    assert of_kind(check.check(1, None), "policy") == []


def test_unknown_target_release_is_an_error() -> None:
    with pytest.raises(ValueError, match="release 5"):
        checker(item(1, "PAY-1")).check(1, 5)


def test_loads_cover_every_rider_and_overcommitment_off_the_train() -> None:
    check = checker(
        item(1, "PAY-1", JUL, size=8),
        item(2, "PAY-2", JUL, size=3),
        item(3, "SRC-1", JUL, team=SEARCH, size=4),
        item(4, "PAY-3", 999, size=2),
    )
    loads = check.loads()
    assert loads[PAYMENTS, JUL].committed == 11
    assert loads[PAYMENTS, JUL].limit == 34
    assert loads[PAYMENTS, MAY].committed == 0
    assert loads[SEARCH, DAT].committed == 0
    assert loads[SEARCH, JUL].limit == 0 and loads[SEARCH, JUL].over == 4
    assert not any(release_id == 999 for _, release_id in loads)
