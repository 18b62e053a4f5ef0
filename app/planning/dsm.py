"""The design structure matrix: items on both axes, a mark where the row depends on the column.

Partitioned: providers come before consumers (deployment stages), so marks sit below the
diagonal except inside cycles, which are kept contiguous and drawn as blocks on the diagonal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.planning.dependency_order import Edge, deployment_order


@dataclass(frozen=True)
class Block:
    start: int
    end: int  # inclusive
    names: tuple[str, ...]

    @property
    def label(self) -> str:
        return " ↔ ".join(self.names)


@dataclass(frozen=True)
class Matrix:
    names: tuple[str, ...]
    teams: tuple[str, ...]
    cells: Mapping[tuple[int, int], Edge]  # (row, column) → the edge row depends on column
    blocks: tuple[Block, ...]
    stages: tuple[int, ...]  # stage of each item

    def index(self, name: str) -> int:
        return self.names.index(name)

    def depends_on(self, row: int) -> list[int]:
        return sorted(c for r, c in self.cells if r == row)

    def dependents(self, column: int) -> list[int]:
        return sorted(r for r, c in self.cells if c == column)

    def above_diagonal(self) -> list[tuple[int, int]]:
        """Marks that point forward: each lies inside a cycle block, never elsewhere."""
        return sorted((r, c) for r, c in self.cells if c > r)


def build_matrix(
    teams: Mapping[str, str],
    edges: Iterable[Edge],
    *,
    group_by_team: bool = False,
) -> Matrix:
    """`teams` maps every item to its team; edges between unknown items are ignored."""
    edges = [e for e in edges if e.consumer in teams and e.provider in teams]
    order = deployment_order(teams, edges)
    stage_of = {name: i for i, stage in enumerate(order.stages) for name in stage}
    cycle_of = {name: i for i, cycle in enumerate(order.cycles) for name in cycle}

    def key(name: str) -> tuple[object, ...]:
        # a cycle sorts as one unit, by its first member, so it stays contiguous
        anchor = order.cycles[cycle_of[name]][0] if name in cycle_of else name
        base = (stage_of[name], teams[anchor], anchor, name)
        return (teams[anchor], *base) if group_by_team else base

    names = tuple(sorted(teams, key=key))
    index = {n: i for i, n in enumerate(names)}
    cells = {(index[e.consumer], index[e.provider]): e for e in edges if e.consumer != e.provider}
    blocks = []
    for cycle in order.cycles:
        rows = sorted(index[n] for n in cycle)
        blocks.append(Block(rows[0], rows[-1], tuple(names[r] for r in rows)))
    return Matrix(
        names,
        tuple(teams[n] for n in names),
        cells,
        tuple(sorted(blocks, key=lambda b: b.start)),
        tuple(stage_of[n] for n in names),
    )
