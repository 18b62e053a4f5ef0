"""The partitioned DSM: providers first, cycles contiguous blocks, marks below the diagonal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.planning.dependency_order import Edge
from app.planning.dsm import build_matrix


def test_providers_first_and_cells_below_the_diagonal() -> None:
    teams = {"web": "Web", "api": "Core", "db": "Data"}
    m = build_matrix(teams, [Edge("web", "api"), Edge("api", "db", "schema")])
    assert m.names == ("db", "api", "web")
    assert m.cells[(m.index("web"), m.index("api"))].kind == "api"
    assert m.cells[(m.index("api"), m.index("db"))].kind == "schema"
    assert m.above_diagonal() == [] and m.blocks == ()
    assert m.depends_on(m.index("web")) == [m.index("api")]
    assert m.dependents(m.index("db")) == [m.index("api")]


def test_a_cycle_is_one_named_block_on_the_diagonal() -> None:
    teams = {n: "T" for n in ("a", "b", "c", "d", "base")}
    edges = [Edge("a", "b"), Edge("b", "c"), Edge("c", "a"), Edge("d", "a"), Edge("a", "base")]
    m = build_matrix(teams, edges)
    (block,) = m.blocks
    assert block.names == ("a", "b", "c") and block.end - block.start == 2
    assert block.label == "a ↔ b ↔ c"
    assert all(
        block.start <= r <= block.end and block.start <= c <= block.end
        for r, c in m.above_diagonal()
    )


names = st.sampled_from([f"n{i}" for i in range(10)])


@given(st.lists(st.tuples(names, names), max_size=30), st.booleans())
def test_only_cycle_marks_lie_above_the_diagonal(pairs, by_team) -> None:
    teams = {n: f"team{int(n[1:]) % 3}" for pair in pairs for n in pair}
    m = build_matrix(teams, [Edge(c, p) for c, p in pairs], group_by_team=by_team)
    assert sorted(m.names) == sorted(teams)
    for block in m.blocks:
        assert list(m.names[block.start : block.end + 1]) == list(block.names)
    if not by_team:
        for r, c in m.above_diagonal():
            assert any(b.start <= r <= b.end and b.start <= c <= b.end for b in m.blocks)


def test_edges_to_items_not_shown_are_left_out() -> None:
    """A filtered matrix (one team) or a name without a component of its own."""
    m = build_matrix(
        {"web": "Web", "api": "Core"},
        [Edge("web", "api"), Edge("web", "shoppingassistant"), Edge("ghost", "api")],
    )
    assert m.names == ("api", "web") and len(m.cells) == 1
