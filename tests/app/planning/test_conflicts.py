"""Conflict rules, the next free start, the drag-time what-if and windows across DST changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.planning import conflicts as conflicts_module
from app.planning.conflicts import ONE_SIDED, ConflictChecker, span, when
from app.planning.recurrence import LocalSchedule, Occurrence
from app.planning.schedule import (
    BLOCKING,
    COMPONENT_OVERLAP,
    HARD_FREEZE,
    NO_OWNER,
    OUTSIDE_WINDOW,
    OWNER_DOUBLE_BOOKED,
    PROVIDER_AFTER_CONSUMER,
    SOFT_FREEZE,
    WARNING,
    WAVE_BAKE,
    Conflict,
    Freeze,
    Override,
    Slot,
    WaveSpan,
    Window,
)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 12, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def slot(
    key: str,
    start: datetime,
    end: datetime,
    *,
    environment: str = "production",
    components: tuple[str, ...] = ("api",),
    owner: str | None = "ana",
    team: str | None = "payments",
    release: str | None = None,
    production: bool | None = None,
) -> Slot:
    return Slot(
        key=key,
        label=f"{key} → {environment}",
        start=start,
        end=end,
        environment=environment,
        production=environment == "production" if production is None else production,
        components=frozenset(components),
        team=team,
        owner=owner,
        release=release,
    )


def once(start: datetime, hours: int, zone: str = "UTC") -> LocalSchedule:
    return LocalSchedule(zone, start.replace(tzinfo=None), hours * 60)


def daily(hour: int, hours: int, zone: str = "UTC") -> LocalSchedule:
    return LocalSchedule(zone, datetime(2026, 1, 1, hour), hours * 60, "FREQ=DAILY")


def kinds(found: list[Conflict], subject: str | None = None) -> list[str]:
    return [c.kind for c in found if subject is None or c.subject == subject]


CLOSE = Freeze("f-close", "Q4 close", once(at(28), 6 * 24), hard=True)


# -- freezes -----------------------------------------------------------------------------------


def test_a_hard_freeze_blocks_and_names_both_sides_with_utc_times() -> None:
    s = slot("s1", at(28, 22), at(29, 1))
    [c] = ConflictChecker([s], freezes=[CLOSE]).check()
    assert (c.kind, c.severity, c.subject, c.other) == (HARD_FREEZE, BLOCKING, "s1", "f-close")
    assert c.reason == (
        "s1 → production (Dec 28 22:00 – Dec 29 01:00 UTC) overlaps the hard freeze "
        "'Q4 close' (Dec 28 00:00 – Jan 3 00:00 UTC)"
    )
    assert (c.start, c.end) == (s.start, s.end)
    assert c.next_free == at(3, month=1, year=2027)


def test_a_soft_freeze_only_warns() -> None:
    soft = replace(CLOSE, hard=False)
    [c] = ConflictChecker([slot("s1", at(28, 22), at(29, 1))], freezes=[soft]).check()
    assert (c.kind, c.severity, c.next_free) == (SOFT_FREEZE, WARNING, None)
    assert "soft freeze 'Q4 close'" in c.reason


def test_an_override_for_the_release_downgrades_a_hard_freeze_to_a_warning() -> None:
    s = slot("s1", at(28, 22), at(29, 1), release="r1")
    override = Override("f-close", "r1", at(31, 12))
    [c] = ConflictChecker([s], freezes=[CLOSE], overrides=[override]).check()
    assert (c.kind, c.severity, c.next_free) == (HARD_FREEZE, WARNING, None)
    assert c.reason.endswith(
        "hard freeze 'Q4 close' (Dec 28 00:00 – Jan 3 00:00 UTC), "
        "override approved until Dec 31 12:00 UTC"
    )


@pytest.mark.parametrize(
    "override",
    [
        Override("f-close", "s1", at(28, 22)),  # expires as the slot starts
        Override("f-other", "s1", at(31)),  # another freeze
        Override("f-close", "someone-else", at(31)),  # another subject
    ],
)
def test_an_override_that_does_not_cover_the_slot_keeps_the_block(override: Override) -> None:
    checker = ConflictChecker(
        [slot("s1", at(28, 22), at(29, 1), release="r1")], freezes=[CLOSE], overrides=[override]
    )
    assert [c.severity for c in checker.check()] == [BLOCKING]


def test_a_freeze_scoped_to_another_team_or_component_does_not_apply() -> None:
    s = slot("s1", at(28, 22), at(29, 1), team="payments", components=("api",))
    other_team = replace(CLOSE, teams=frozenset({"search"}))
    other_component = replace(CLOSE, key="f2", components=frozenset({"web"}))
    assert ConflictChecker([s], freezes=[other_team, other_component]).check() == []
    mine = replace(CLOSE, components=frozenset({"api", "web"}))
    assert kinds(ConflictChecker([s], freezes=[mine]).check()) == [HARD_FREEZE]


def test_touching_a_freeze_is_no_overlap() -> None:
    before = slot("s1", at(27, 20), at(28))
    after = slot("s2", at(3, month=1, year=2027), at(3, 2, month=1, year=2027), owner="bo")
    assert ConflictChecker([before, after], freezes=[CLOSE]).check() == []


def test_a_daily_freeze_met_twice_is_one_conflict_naming_the_first_night() -> None:
    nightly = Freeze("f-night", "Batch jobs", daily(1, 2))
    [c] = ConflictChecker([slot("s1", at(1, 2), at(2, 2))], freezes=[nightly]).check()
    assert "(Dec 1 01:00 – 03:00 UTC)" in c.reason
    assert c.next_free is None  # a whole day always meets the nightly freeze


# -- windows -----------------------------------------------------------------------------------


NIGHTS = Window("w-prod", "Prod nights", daily(22, 4), "production")


def test_a_slot_inside_a_window_is_fine_and_one_sticking_out_is_outside() -> None:
    inside = slot("in", at(1, 22), at(2, 2))
    out = slot("out", at(2, 1), at(2, 3), owner="bo", components=("web",))
    [c] = ConflictChecker([inside, out], windows=[NIGHTS]).check()
    assert (c.kind, c.severity, c.subject, c.other) == (OUTSIDE_WINDOW, BLOCKING, "out", "w-prod")
    assert c.reason == (
        "out → production (Dec 2 01:00 – 03:00 UTC) is outside every allowed window for "
        "production; the nearest is 'Prod nights' (Dec 1 22:00 – Dec 2 02:00 UTC)"
    )
    assert c.next_free == at(2, 22)


def test_an_environment_without_windows_is_unrestricted() -> None:
    staging = slot("s1", at(2, 12), at(2, 14), environment="staging")
    assert ConflictChecker([staging], windows=[NIGHTS]).check() == []


def test_a_window_for_every_environment_restricts_all_of_them() -> None:
    everywhere = replace(NIGHTS, key="w-all", environment=None)
    staging = slot("s1", at(2, 12), at(2, 14), environment="staging")
    assert kinds(ConflictChecker([staging], windows=[everywhere]).check()) == [OUTSIDE_WINDOW]


def test_back_to_back_occurrences_cover_a_slot_across_midnight() -> None:
    all_day = Window("w-day", "Any time", daily(0, 24), "production")
    assert ConflictChecker([slot("s1", at(1, 23), at(2, 1))], windows=[all_day]).check() == []


def test_two_windows_together_cover_a_slot_without_a_gap() -> None:
    late = Window("w-late", "Late", daily(20, 2), "production")
    night = Window("w-night", "Night", daily(22, 2), "production")
    checker = ConflictChecker([slot("s1", at(1, 21), at(1, 23))], windows=[late, night])
    assert checker.check() == []


def test_no_window_within_the_horizon_leaves_nothing_to_move_to() -> None:
    past = Window("w-past", "Old slot", once(at(1, month=1), 4), "production")
    [c] = ConflictChecker([slot("s1", at(1, 12), at(1, 14))], windows=[past]).check()
    assert c.reason.endswith(
        "is outside every allowed window for production and none opens within 90 days"
    )
    assert (c.other, c.next_free) == ("w-past", None)


# -- slots against slots -----------------------------------------------------------------------


def test_a_shared_component_in_one_environment_conflicts_on_both_sides() -> None:
    a = slot("a", at(1, 10), at(1, 12), components=("api", "db"), owner="ana")
    b = slot("b", at(1, 11), at(1, 13), components=("db",), owner="bo")
    found = ConflictChecker([a, b]).check()
    assert [(c.kind, c.subject, c.other) for c in found] == [
        (COMPONENT_OVERLAP, "a", "b"),
        (COMPONENT_OVERLAP, "b", "a"),
    ]
    assert found[0].reason == (
        "a → production (Dec 1 10:00 – 12:00 UTC) overlaps b → production "
        "(Dec 1 11:00 – 13:00 UTC) on db in production"
    )
    assert found[0].next_free == at(1, 13)
    assert found[1].next_free == at(1, 12)


@pytest.mark.parametrize(
    "other",
    [
        slot("b", at(1, 12), at(1, 13), owner="bo"),  # touching
        slot("b", at(1, 11), at(1, 13), owner="bo", environment="staging"),
        slot("b", at(1, 11), at(1, 13), owner="bo", components=("web",)),
    ],
)
def test_touching_or_elsewhere_or_disjoint_components_do_not_overlap(other: Slot) -> None:
    assert ConflictChecker([slot("a", at(1, 10), at(1, 12)), other]).check() == []


def test_an_owner_booked_twice_in_any_environment_is_double_booked() -> None:
    a = slot("a", at(1, 10), at(1, 12), components=("api",))
    b = slot("b", at(1, 11), at(1, 13), components=("web",), environment="staging")
    found = ConflictChecker([a, b]).check()
    assert [(c.kind, c.subject, c.other) for c in found] == [
        (OWNER_DOUBLE_BOOKED, "a", "b"),
        (OWNER_DOUBLE_BOOKED, "b", "a"),
    ]
    assert found[0].reason.startswith("ana is booked for both a → production")


def test_slots_without_an_owner_are_never_double_booked() -> None:
    a = slot("a", at(1, 10), at(1, 12), environment="qa", owner=None)
    b = slot("b", at(1, 11), at(1, 13), environment="qa", owner=None, components=("web",))
    assert ConflictChecker([a, b]).check() == []


def test_a_production_slot_without_an_owner_is_blocked_and_cannot_be_moved_out_of_it() -> None:
    found = ConflictChecker([slot("a", at(1, 10), at(1, 12), owner=None)]).check()
    assert [(c.kind, c.severity, c.next_free) for c in found] == [(NO_OWNER, BLOCKING, None)]
    assert (
        found[0].reason
        == "a → production (Dec 1 10:00 – 12:00 UTC) goes to production with no owner"
    )


# -- providers and consumers -------------------------------------------------------------------


EDGES = [("web", "api")]


def test_a_consumer_starting_before_its_provider_finishes_is_blocked() -> None:
    consumer = slot("c", at(1, 10), at(1, 11), components=("web",), owner="ana", release="r1")
    provider = slot("p", at(1, 12), at(1, 14), components=("api",), owner="bo", release="r1")
    [c] = ConflictChecker([consumer, provider], edges=EDGES).check()
    assert (c.kind, c.severity, c.subject, c.other) == (PROVIDER_AFTER_CONSUMER, BLOCKING, "c", "p")
    assert c.reason == (
        "c → production deploys consumer web at Dec 1 10:00 UTC, before p → production has "
        "finished deploying its provider api at Dec 1 14:00 UTC"
    )
    assert c.next_free == at(1, 14)


def test_the_provider_rule_needs_the_same_release_and_environment_and_the_wrong_order() -> None:
    consumer = slot("c", at(1, 10), at(1, 11), components=("web",), release="r1")
    cases = [
        slot("p", at(1, 12), at(1, 14), components=("api",), owner="bo", release="r2"),
        slot(
            "p",
            at(1, 12),
            at(1, 14),
            components=("api",),
            owner="bo",
            release="r1",
            environment="staging",
        ),
        slot("p", at(1, 8), at(1, 10), components=("api",), owner="bo", release="r1"),
    ]
    for provider in cases:
        assert ConflictChecker([consumer, provider], edges=EDGES).check() == []
    unreleased = replace(consumer, release=None)
    provider = replace(cases[0], release=None)
    assert ConflictChecker([unreleased, provider], edges=EDGES).check() == []


def test_the_consumer_moves_past_its_provider_and_past_a_freeze_after_it() -> None:
    consumer = slot("c", at(1, 10), at(1, 11), components=("web",), release="r1")
    provider = slot("p", at(1, 12), at(1, 14), components=("api",), owner="bo", release="r1")
    freeze = Freeze("f", "Lunch", once(at(1, 14), 2), hard=True)
    [c] = ConflictChecker([consumer, provider], freezes=[freeze], edges=EDGES).check()
    assert c.next_free == at(1, 16)


# -- waves -------------------------------------------------------------------------------------


def wave(key: str, position: int, start: datetime, end: datetime, bake: int = 0) -> WaveSpan:
    return WaveSpan(key, "r1", position, key.title(), start, end, bake_minutes=bake)


def test_a_wave_starting_before_the_previous_one_has_baked_is_blocked() -> None:
    canary = wave("canary", 1, at(1, 10), at(1, 11), bake=60)
    broad = wave("broad", 2, at(1, 11, 30), at(1, 13))
    [c] = ConflictChecker([], waves=[broad, canary]).check()
    assert (c.kind, c.severity, c.subject, c.other) == (WAVE_BAKE, BLOCKING, "broad", "canary")
    assert c.next_free == at(1, 12)
    assert c.reason == (
        "Wave 'Broad' starts Dec 1 11:30 UTC, before wave 'Canary' has ended and baked for "
        "60 min (Dec 1 12:00 UTC)"
    )
    on_time = replace(broad, start=at(1, 12))
    assert ConflictChecker([], waves=[on_time, canary]).check() == []


def test_waves_compare_only_consecutive_positions_of_one_release() -> None:
    first = wave("first", 1, at(1, 10), at(1, 20))
    third = wave("third", 5, at(1, 12), at(1, 13))
    second = wave("second", 3, at(1, 9), at(1, 9, 30))
    elsewhere = replace(wave("other", 2, at(1, 0), at(1, 1)), release="r2")
    found = ConflictChecker([], waves=[first, second, third, elsewhere]).check()
    assert [(c.subject, c.other) for c in found] == [("second", "first")]


# -- next_free ---------------------------------------------------------------------------------


def test_next_free_skips_a_freeze_and_lands_in_the_next_window_occurrence() -> None:
    freeze = Freeze("f", "Change freeze", once(at(2, 20), 24), hard=True)
    s = slot("s1", at(2, 23), at(3, 1))
    checker = ConflictChecker([s], windows=[NIGHTS], freezes=[freeze])
    assert checker.next_free(s) == at(3, 22)
    assert checker.next_free(replace(s, start=at(1, 22), end=at(2))) == at(1, 22)


def test_next_free_follows_an_override_only_while_it_is_valid() -> None:
    s = slot("s1", at(28, 22), at(29, 1), release="r1")
    override = Override("f-close", "r1", at(29))
    checker = ConflictChecker([s], freezes=[CLOSE], overrides=[override])
    assert checker.next_free(s) == s.start
    late = replace(s, start=at(29, 2), end=at(29, 5))
    assert checker.next_free(late) == at(3, month=1, year=2027)


def test_next_free_steps_past_clashing_slots_but_not_itself() -> None:
    a = slot("a", at(1, 10), at(1, 12))
    b = slot("b", at(1, 12), at(1, 14), owner="bo")
    c = slot("c", at(1, 14, 30), at(1, 15), environment="staging")  # same owner as a
    checker = ConflictChecker([a, b, c])
    assert checker.next_free(a) == a.start
    assert checker.next_free(replace(a, start=at(1, 11), end=at(1, 13))) == at(1, 15)


def test_next_free_is_none_past_the_horizon() -> None:
    s = slot("s1", at(1, 10), at(1, 12))
    long_freeze = Freeze("f", "Moratorium", once(at(1), 24 * 40), hard=True)
    checker = ConflictChecker([s], freezes=[long_freeze], horizon=timedelta(days=30))
    assert checker.next_free(s) is None
    [c] = checker.check()
    assert c.next_free is None
    assert ConflictChecker([s], freezes=[long_freeze]).next_free(s) == at(10, month=1, year=2027)


# -- check over a range ------------------------------------------------------------------------


def test_check_returns_the_conflicts_of_slots_and_waves_meeting_the_range_by_start() -> None:
    early = slot("early", at(1, 10), at(1, 12), owner=None)
    late = slot("late", at(5, 10), at(5, 12), owner=None)
    canary = wave("canary", 1, at(3, 10), at(3, 11), bake=60)
    broad = wave("broad", 2, at(3, 11), at(3, 12))
    checker = ConflictChecker([late, early], waves=[canary, broad])
    assert [c.subject for c in checker.check()] == ["early", "broad", "late"]
    assert [c.subject for c in checker.check(at(1, 12), at(5, 10))] == ["broad"]
    assert [c.subject for c in checker.check(after=at(3, 12))] == ["late"]
    assert [c.subject for c in checker.check(before=at(3, 11))] == ["early"]
    assert [c.subject for c in checker.check(at(1, 11), at(1, 11, 1))] == ["early"]


# -- what_if -----------------------------------------------------------------------------------


def test_dragging_a_provider_past_its_consumer_shows_the_consumer_blocked() -> None:
    consumer = slot("c", at(1, 14), at(1, 15), components=("web",), release="r1")
    provider = slot("p", at(1, 10), at(1, 12), components=("api",), owner="bo", release="r1")
    checker = ConflictChecker([consumer, provider], edges=EDGES)
    assert checker.check() == []
    moved = replace(provider, start=at(1, 13), end=at(1, 15))
    found = checker.what_if([moved])
    assert [(c.kind, c.subject, c.other, c.next_free) for c in found] == [
        (PROVIDER_AFTER_CONSUMER, "c", "p", at(1, 15))
    ]
    assert checker.check() == []  # the calendar itself is unchanged


def test_what_if_never_expands_occurrences_again(monkeypatch: pytest.MonkeyPatch) -> None:
    checker = ConflictChecker(
        [slot(f"s{i}", at(1 + i, 23), at(2 + i, 1)) for i in range(10)],
        windows=[NIGHTS],
        freezes=[Freeze("f", "Nightly", daily(0, 1))],
    )
    moved = [slot(f"s{i}", at(2 + i, 23), at(3 + i, 1)) for i in range(5)]
    first = checker.what_if(moved)
    calls: list[tuple[datetime, datetime]] = []
    real = conflicts_module.occurrences

    def counted(schedule: LocalSchedule, after: datetime, before: datetime) -> list[Occurrence]:
        calls.append((after, before))
        return real(schedule, after, before)

    monkeypatch.setattr(conflicts_module, "occurrences", counted)
    assert checker.what_if(moved) == first
    assert calls == []


HOURS = [at(1) + timedelta(hours=h) for h in range(0, 72, 2)]
small_slots = st.tuples(
    st.sampled_from(HOURS),
    st.integers(1, 6),
    st.sampled_from(["production", "staging"]),
    st.frozensets(st.sampled_from(["web", "api", "db"]), min_size=1, max_size=2),
    st.sampled_from([None, "ana", "bo"]),
    st.sampled_from([None, "r1", "r2"]),
)
small_waves = st.tuples(
    st.sampled_from(["r1", "r2"]),
    st.integers(1, 3),
    st.sampled_from(HOURS),
    st.integers(1, 4),
    st.sampled_from([0, 60, 180]),
)


def build_slots(raw: list[tuple], prefix: str = "s") -> list[Slot]:
    return [
        Slot(
            key=f"{prefix}{i}",
            label=f"{prefix}{i}",
            start=start,
            end=start + timedelta(hours=hours),
            environment=environment,
            production=environment == "production",
            components=components,
            team="payments" if "api" in components else "web",
            owner=owner,
            release=release,
        )
        for i, (start, hours, environment, components, owner, release) in enumerate(raw)
    ]


def build_waves(raw: list[tuple]) -> list[WaveSpan]:
    return [
        WaveSpan(f"w{i}", release, position, f"wave {i}", start, start + timedelta(hours=h), bake)
        for i, (release, position, start, h, bake) in enumerate(raw)
    ]


def calendar(slots: list[Slot], waves: list[WaveSpan]) -> ConflictChecker:
    """The slots and waves over fixed windows, freezes, overrides and edges."""
    return ConflictChecker(
        slots,
        windows=[
            Window("win-prod", "Prod", daily(8, 14), "production"),
            Window("win-night", "Night", daily(22, 6), "production"),
        ],
        freezes=[
            Freeze("fz-hard", "Hard", once(at(2, 6), 10), teams=frozenset({"payments"})),
            Freeze("fz-soft", "Soft", daily(3, 2), hard=False),
            Freeze("fz-all", "All", once(at(3, 18), 5)),
        ],
        edges=[("web", "api"), ("api", "db")],
        waves=waves,
        overrides=[Override("fz-hard", "r1", at(2, 10)), Override("fz-all", "s1", at(4))],
        horizon=timedelta(days=5),
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(small_slots, max_size=8),
    st.lists(st.tuples(st.integers(0, 9), small_slots), max_size=4),
    st.lists(small_waves, max_size=5),
    st.lists(st.tuples(st.integers(0, 6), small_waves), max_size=3),
)
def test_what_if_equals_a_fresh_checker_over_the_moved_calendar(
    raw_slots: list[tuple],
    raw_moves: list[tuple],
    raw_waves: list[tuple],
    raw_wave_moves: list[tuple],
) -> None:
    slots = build_slots(raw_slots)
    waves = build_waves(raw_waves)
    moves = {f"s{i}": value for i, value in raw_moves}
    moved = [build_slots([value])[0] for value in moves.values()]
    moved = [replace(m, key=key, label=key) for m, key in zip(moved, moves, strict=True)]
    wave_moves = {f"w{i}": value for i, value in raw_wave_moves}
    moved_waves = [
        replace(build_waves([value])[0], key=key, name=key) for key, value in wave_moves.items()
    ]

    checker = calendar(slots, waves)
    checker.check()  # warm the caches the what-if must not disturb
    found = checker.what_if(moved, moved_waves)

    moved_keys = set(moves) | set(wave_moves)
    after = [s for s in slots if s.key not in moves] + moved
    after_waves = [w for w in waves if w.key not in wave_moves] + moved_waves
    fresh = calendar(after, after_waves)

    def involves_moved(c: Conflict) -> bool:
        others = {c.other, *c.details.get("others", "").split(",")}
        return c.subject in moved_keys or (c.kind in ONE_SIDED and bool(others & moved_keys))

    expected = [c for c in fresh.check() if involves_moved(c)]
    assert found == expected
    limited = checker.what_if(moved, moved_waves, limit=2)
    assert len(limited) <= 2 and bool(limited) == bool(found)
    assert all(c.next_free is None for c in limited if c.kind != WAVE_BAKE)
    assert {(c.kind, c.subject) for c in limited} <= {(c.kind, c.subject) for c in found}
    assert checker.check() == calendar(slots, waves).check()


# -- daylight saving ---------------------------------------------------------------------------


BERLIN_NIGHTS = Window(
    "w-berlin", "Berlin nights", daily(22, 4, zone="Europe/Berlin"), "production"
)


@pytest.mark.parametrize(
    ("start", "end", "inside", "free"),
    [
        # Oct 24: 22:00 CEST is 20:00 UTC; 02:00 on the 25th happens twice, the first (CEST)
        # is taken, so the night is 20:00–00:00 UTC.
        (at(24, 20, 30, month=10), at(24, 23, 30, month=10), True, None),
        # Oct 25 after the fall-back: 22:00 CET is 21:00 UTC, so 20:30 UTC is too early.
        (at(25, 20, 30, month=10), at(25, 23, 30, month=10), False, at(25, 21, month=10)),
        (at(25, 21, month=10), at(26, 1, month=10), True, None),
        # Mar 28: 22:00 CET is 21:00 UTC and 02:00 does not exist, so it ends at 01:00 UTC.
        (at(28, 20, 30, month=3), at(28, 23, 30, month=3), False, at(28, 21, month=3)),
        (at(28, 21, month=3), at(29, 1, month=3), True, None),
        # Mar 29 in summer time: 22:00 CEST is 20:00 UTC.
        (at(29, 20, 30, month=3), at(29, 23, 30, month=3), True, None),
    ],
)
def test_a_berlin_night_window_across_the_daylight_saving_changes(
    start: datetime, end: datetime, inside: bool, free: datetime | None
) -> None:
    s = slot("s1", start, end)
    found = ConflictChecker([s], windows=[BERLIN_NIGHTS]).check()
    assert kinds(found) == ([] if inside else [OUTSIDE_WINDOW])
    if not inside:
        assert found[0].next_free == free


def test_utc_times_read_the_same_whatever_zone_the_instant_carries() -> None:
    berlin = at(28, 23).astimezone(ZoneInfo("Europe/Berlin"))
    assert when(berlin) == "Dec 28 23:00 UTC"
    assert span(at(28, 22), at(29, 2)) == "Dec 28 22:00 – Dec 29 02:00 UTC"
    assert span(at(28, 22), at(28, 23, 30)) == "Dec 28 22:00 – 23:30 UTC"
