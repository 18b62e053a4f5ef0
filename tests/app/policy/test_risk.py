"""Risk scoring: each rule at its boundaries, the reasons it gives, and the blast radius."""

from __future__ import annotations

import random
import time
from dataclasses import replace

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.enums import ChangeClass
from app.policy.risk import (
    FAILURE_WINDOW_DAYS,
    ComponentRisk,
    RiskAssessment,
    assess,
    blast_radius,
    summary,
)

C = ComponentRisk
CONFIG = ChangeClass.CONFIGURATION.value  # scores 0, so each test sees one rule alone


@pytest.mark.parametrize(
    ("change_class", "points"),
    [("emergency", 2), ("feature", 1), ("bug_fix", 1), ("tech_debt", 1), ("compliance", 1)]
    + [("configuration", 0)],
)
def test_change_class_points(change_class: str, points: int) -> None:
    a = assess(change_class, [C("api")])
    assert a.score == points
    assert a.reasons == (
        (f"{change_class.replace('_', ' ')} change (+{points})",) if points else ()
    )


def test_an_unknown_change_class_or_data_class_is_refused() -> None:
    with pytest.raises(ValueError, match="'hotfix'"):
        assess("hotfix", [])
    with pytest.raises(ValueError, match="'secret'"):
        assess(CONFIG, [C("api", data_classes=frozenset({"pii", "secret"}))])


@pytest.mark.parametrize(
    ("classes", "points"),
    [
        ({"pii"}, 1),
        ({"financial"}, 2),
        ({"health"}, 2),
        ({"pii", "financial"}, 3),
        ({"pii", "health"}, 3),
        ({"health", "financial"}, 3),  # 4, capped
        ({"health", "financial", "pii"}, 3),  # 5, capped
    ],
)
def test_data_classes_add_up_to_a_cap_of_three(classes: set[str], points: int) -> None:
    assert assess(CONFIG, [C("db", data_classes=frozenset(classes))]).score == points


def test_data_classes_count_once_across_components_and_name_their_holders() -> None:
    parts = [
        C("crm", data_classes=frozenset({"pii"})),
        C("web"),
        C("profile", data_classes=frozenset({"pii"})),
    ]
    assert assess(CONFIG, parts).reasons == ("pii data: crm, profile (+1)",)


def test_a_capped_data_total_says_so() -> None:
    parts = [
        C("ledger", data_classes=frozenset({"financial"})),
        C("emr", data_classes=frozenset({"health"})),
    ]
    (reason,) = assess(CONFIG, parts).reasons
    assert reason == "health/financial data: ledger, emr (+3, capped from +4)"


def test_stateful_counts_once_and_names_at_most_three() -> None:
    one = assess(CONFIG, [C("ledger-db", stateful=True), C("api")])
    assert (one.score, one.reasons) == (2, ("stateful: ledger-db (+2)",))
    many = assess(CONFIG, [C(f"db{i}", stateful=True) for i in range(5)])
    assert (many.score, many.reasons) == (2, ("stateful: db0, db1, db2 and 2 more (+2)",))
    three = assess(CONFIG, [C(f"db{i}", stateful=True) for i in range(3)])
    assert three.reasons == ("stateful: db0, db1, db2 (+2)",)


@pytest.mark.parametrize(
    ("dependents", "points"), [(0, 0), (4, 0), (5, 1), (24, 1), (25, 2), (1000, 2)]
)
def test_blast_radius_steps(dependents: int, points: int) -> None:
    assert assess(CONFIG, [C("core", dependents=dependents)]).score == points


def test_blast_radius_takes_the_largest_not_the_sum() -> None:
    parts = [C("a", dependents=4), C("b", dependents=4), C("c", dependents=4)]
    assert assess(CONFIG, parts).score == 0
    parts = [C("a", dependents=30), C("b", dependents=6), C("c", dependents=30)]
    assert assess(CONFIG, parts).reasons == ("blast radius 30 dependents: a, c (+2)",)


@pytest.mark.parametrize(("incidents", "points"), [(0, 0), (1, 1), (2, 1), (3, 2), (9, 2)])
def test_failure_history_steps(incidents: int, points: int) -> None:
    assert assess(CONFIG, [C("api", incidents=incidents)]).score == points


def test_failure_history_sums_over_components_and_names_those_with_incidents() -> None:
    parts = [C("api", incidents=1), C("web"), C("db", incidents=2)]
    a = assess(CONFIG, parts)
    assert a.reasons == (f"3 incidents in {FAILURE_WINDOW_DAYS} days: api, db (+2)",)
    assert assess(CONFIG, [C("api", incidents=1)]).reasons == ("1 incident in 180 days: api (+1)",)


def test_schema_change_adds_one() -> None:
    assert assess(CONFIG, [], schema_change=True).reasons == ("schema change (+1)",)
    assert assess(CONFIG, []).score == 0


@pytest.mark.parametrize(
    ("change_class", "parts", "schema", "score", "tier"),
    [
        (CONFIG, [C("api")], False, 0, "low"),
        ("feature", [C("api")], False, 1, "low"),
        ("feature", [C("api")], True, 2, "medium"),
        ("emergency", [C("api")], False, 2, "medium"),
        ("feature", [C("db", stateful=True, incidents=1)], False, 4, "medium"),
        ("feature", [C("db", stateful=True, incidents=1)], True, 5, "high"),
        ("emergency", [C("db", stateful=True, incidents=1)], False, 5, "high"),
    ],
)
def test_tier_boundaries(
    change_class: str, parts: list[ComponentRisk], schema: bool, score: int, tier: str
) -> None:
    a = assess(change_class, parts, schema_change=schema)
    assert (a.score, a.tier) == (score, tier)


def test_reasons_add_up_to_the_score_in_rule_order() -> None:
    parts = [
        C("ledger-db", stateful=True, data_classes=frozenset({"financial"}), dependents=30),
        C("payments", data_classes=frozenset({"pii"}), incidents=3),
    ]
    a = assess("emergency", parts, schema_change=True)
    assert a == RiskAssessment(
        "high",
        12,
        (
            "emergency change (+2)",
            "financial/pii data: ledger-db, payments (+3)",
            "stateful: ledger-db (+2)",
            "blast radius 30 dependents: ledger-db (+2)",
            "3 incidents in 180 days: payments (+2)",
            "schema change (+1)",
        ),
    )


def test_summary_keeps_single_names_and_drops_lists() -> None:
    parts = [
        C("ledger-db", stateful=True, data_classes=frozenset({"financial"})),
        C("payments", data_classes=frozenset({"financial"})),
    ]
    a = assess("bug_fix", parts)
    assert summary(a) == (
        "high (score 5): bug fix change +1, financial data +2, stateful ledger-db +2"
    )
    assert summary(assess(CONFIG, [])) == "low (score 0): no risk factors"
    capped = assess(CONFIG, [C("emr", data_classes=frozenset({"health", "pii"}))])
    assert summary(capped) == "medium (score 3): health/pii data emr +3"


def test_summary_shows_a_hand_written_reason_as_it_is() -> None:
    a = RiskAssessment("high", 5, ("override by the CAB",))
    assert summary(a) == "high (score 5): override by the CAB"


# blast radius over the whole dependency graph; edges are (consumer, provider)


def test_blast_radius_on_a_chain() -> None:
    assert blast_radius([(1, 2), (2, 3), (3, 4)]) == {1: 0, 2: 1, 3: 2, 4: 3}


def test_blast_radius_on_a_diamond_counts_each_dependent_once() -> None:
    # 1 uses 2 and 3, both of which use 4
    assert blast_radius([(1, 2), (1, 3), (2, 4), (3, 4)]) == {1: 0, 2: 1, 3: 1, 4: 3}


def test_blast_radius_in_a_cycle_counts_the_others_and_not_itself() -> None:
    edges = [(1, 2), (2, 3), (3, 1), (0, 1), (3, 9), (5, 5)]
    assert blast_radius(edges) == {0: 0, 1: 3, 2: 3, 3: 3, 9: 4, 5: 0}


def test_blast_radius_of_nothing() -> None:
    assert blast_radius([]) == {}


def _reference(edges: list[tuple[int, int]]) -> dict[int, int]:
    graph = nx.DiGraph(edges)
    return {node: len(nx.ancestors(graph, node)) for node in graph}


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40))
def test_blast_radius_matches_a_search_from_every_component(edges: list[tuple[int, int]]) -> None:
    assert blast_radius(edges) == _reference(edges)


def test_blast_radius_is_fast_on_a_large_catalogue() -> None:
    rng = random.Random(7)
    edges = [(rng.randrange(1000), rng.randrange(1000)) for _ in range(5000)]
    started = time.perf_counter()
    result = blast_radius(edges)
    elapsed = time.perf_counter() - started
    assert result == _reference(edges)
    assert elapsed < 0.5, f"{elapsed:.3f} s for 1,000 components and 5,000 edges"


# monotonic: more to touch, or riskier things to touch, never lowers the tier

RANK = {"low": 0, "medium": 1, "high": 2}
components = st.builds(
    ComponentRisk,
    name=st.sampled_from(["api", "db", "web", "ledger", "crm"]),
    stateful=st.booleans(),
    data_classes=st.frozensets(st.sampled_from(["pii", "financial", "health"])),
    dependents=st.integers(0, 40),
    incidents=st.integers(0, 5),
)


@st.composite
def riskier(draw: st.DrawFn, parts: list[ComponentRisk]) -> tuple[list[ComponentRisk], bool]:
    """The same change made riskier in one way: another component, or a flag turned on."""
    how = draw(st.sampled_from(["add", "stateful", "data", "schema"] if parts else ["add"]))
    if how == "add":
        return [*parts, draw(components)], False
    if how == "schema":
        return parts, True
    i = draw(st.integers(0, len(parts) - 1))
    if how == "stateful":
        changed = replace(parts[i], stateful=True)
    else:
        more = draw(st.sampled_from(["pii", "financial", "health"]))
        changed = replace(parts[i], data_classes=parts[i].data_classes | {more})
    return [*parts[:i], changed, *parts[i + 1 :]], False


@given(st.sampled_from(ChangeClass.choices()), st.lists(components, max_size=4), st.data())
def test_making_a_change_riskier_never_lowers_its_tier(
    change_class: str, parts: list[ComponentRisk], data: st.DataObject
) -> None:
    schema = data.draw(st.booleans())
    before = assess(change_class, parts, schema_change=schema)
    more, add_schema = data.draw(riskier(parts))
    after = assess(change_class, more, schema_change=schema or add_schema)
    assert after.score >= before.score
    assert RANK[after.tier] >= RANK[before.tier]
