"""The geometry and state the matrix painting shares: sizes, colours, the sparse index, what
the user points at. Plain values, so painting can also run off the GUI thread (exports)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from PySide6.QtGui import QColor, QPalette

from app.planning.dsm import Matrix

NAMES_MIN = 11.0
"""Smallest cell (px) whose row fits a readable name."""
SHAPES_MIN = 6.0
LETTERS_MIN = 14.0
GRID_MIN = 8.0
BAND = 18
"""Width of the team band along both headers."""
IMAGE_MAX = 2048
"""Largest overview (px per side) kept as one cached image."""


@dataclass(frozen=True)
class CellIndex:
    """Sorted columns per row and rows per column: a sparse matrix that bisects."""

    by_row: tuple[tuple[int, ...], ...]
    by_col: tuple[tuple[int, ...], ...]
    kinds: tuple[str, ...]

    @classmethod
    def of(cls, matrix: Matrix) -> CellIndex:
        rows: list[list[int]] = [[] for _ in matrix.names]
        cols: list[list[int]] = [[] for _ in matrix.names]
        for r, c in matrix.cells:
            rows[r].append(c)
            cols[c].append(r)
        kinds = sorted({e.kind for e in matrix.cells.values()})
        return cls(
            tuple(tuple(sorted(x)) for x in rows),
            tuple(tuple(sorted(x)) for x in cols),
            tuple(kinds),
        )

    def columns_in(self, row: int, start: int, stop: int) -> tuple[int, ...]:
        cols = self.by_row[row]
        return cols[bisect_left(cols, start) : bisect_left(cols, stop)]


def runs(values: tuple[object, ...]) -> list[tuple[int, int, object]]:
    """(start, end inclusive, value) for each stretch of equal neighbours."""
    out: list[tuple[int, int, object]] = []
    for i, v in enumerate(values):
        if out and out[-1][2] == v:
            out[-1] = (out[-1][0], i, v)
        else:
            out.append((i, i, v))
    return out


@dataclass(frozen=True)
class Colours:
    base: QColor
    window: QColor
    text: QColor
    muted: QColor
    grid: QColor
    rule: QColor
    highlight: QColor

    @classmethod
    def of(cls, palette: QPalette) -> Colours:
        text = palette.color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlphaF(0.6)
        grid = QColor(text)
        grid.setAlphaF(0.08)
        rule = QColor(text)
        rule.setAlphaF(0.35)
        return cls(
            palette.color(QPalette.ColorRole.Base),
            palette.color(QPalette.ColorRole.Window),
            text,
            muted,
            grid,
            rule,
            palette.color(QPalette.ColorRole.Highlight),
        )


@dataclass(frozen=True)
class Layout:
    cell: float
    names: bool
    team_w: int
    name_w: int
    stage_w: int
    name_h: int

    @property
    def left(self) -> int:
        return BAND + self.team_w + self.name_w + self.stage_w

    @property
    def top(self) -> int:
        return BAND + self.name_h


@dataclass
class Highlights:
    """What the user is pointing at; rows/columns use -1 for "none"."""

    hover: tuple[int, int] = (-1, -1)
    current: tuple[int, int] = (-1, -1)
    selected: int = -1
    changing: frozenset[int] = field(default_factory=frozenset)
