"""Where everything on the board is, in pixels: lanes, cells, capacity bars, cards and the
"+N more" links, computed once per load, resize or font change.

Qt-free and pure arithmetic, so hit-testing a point costs a bisection and a division however
many cards a cell holds, and the painter can ask for exactly the lanes and columns in view.
Coordinates are the board's own: the header row on top, the lane names on the left, the cells
from (label_w, header_h); the canvas scrolls the cells under both. The arrow keys move a
`Focus` through the same grid; Down past the last card shown opens the lane a step further
rather than skipping the hidden cards, so every card is reachable from the keyboard.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass, field

from ui.views.capacity.board import Board


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x < self.right and self.y <= y < self.bottom


@dataclass(frozen=True, slots=True)
class Metrics:
    """Sizes that follow the font (presentation mode enlarges them all)."""

    card_h: float = 66.0
    label_w: float = 160.0
    min_col_w: float = 190.0
    header_h: float = 58.0
    bar_h: float = 30.0
    more_h: float = 20.0
    pad: float = 6.0
    gap: float = 4.0
    min_rows: int = 2
    max_rows: int = 6
    expand_step: int = 12
    """Cards a click on "+N more" adds to each cell of its lane."""
    min_lane_h: float = 0.0
    """The lane label's own height: team name, capacity and the "Show fewer" link."""

    @property
    def pitch(self) -> float:
        return self.card_h + self.gap


CARD, MORE, BAR, CELL, LANE, LESS, HEADER = (
    "card",
    "more",
    "bar",
    "cell",
    "lane",
    "less",
    "header",
)


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    lane: int = -1
    column: int = -1
    index: int = -1
    """The card's position in its cell (WSJF order)."""


@dataclass(frozen=True, slots=True)
class LaneBox:
    top: float
    height: float
    rows: int
    """Cards shown per cell."""
    expanded: bool

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass
class Layout:
    board: Board
    m: Metrics
    width: float
    height: float
    extra: Mapping[int, int] = field(default_factory=dict)
    """Team id → rows added by "+N more"."""

    def __post_init__(self) -> None:
        m, board = self.m, self.board
        n = max(1, len(board.columns))
        self.col_w = max(m.min_col_w, (self.width - m.label_w) / n)
        self.total_w = m.label_w + self.col_w * len(board.columns)
        teams = board.teams
        share = (self.height - m.header_h) / max(1, len(teams))
        fit = int((share - 2 * m.pad - m.bar_h - m.more_h) // m.pitch)
        base = min(max(fit, m.min_rows), m.max_rows)
        self.lanes: list[LaneBox] = []
        y = m.header_h
        for lane, team in enumerate(teams):
            need = max((len(board.cell(lane, c)) for c in range(len(board.columns))), default=0)
            extra = self.extra.get(team.id, 0)
            rows = max(1, min(need, base + extra))
            hides = need > rows
            h = 2 * m.pad + m.bar_h + rows * m.pitch + (m.more_h if hides else 0.0)
            h = max(h, m.min_lane_h)
            self.lanes.append(LaneBox(y, h, rows, extra > 0))
            y += h
        self.total_h = y
        self._tops = [lane.top for lane in self.lanes]

    # --------------------------------------------------------------- rectangles
    def cell_rect(self, lane: int, column: int) -> Rect:
        box = self.lanes[lane]
        return Rect(self.m.label_w + column * self.col_w, box.top, self.col_w, box.height)

    def lane_rect(self, lane: int) -> Rect:
        box = self.lanes[lane]
        return Rect(0.0, box.top, self.m.label_w, box.height)

    def header_rect(self, column: int) -> Rect:
        return Rect(self.m.label_w + column * self.col_w, 0.0, self.col_w, self.m.header_h)

    def bar_rect(self, lane: int, column: int) -> Rect:
        cell, m = self.cell_rect(lane, column), self.m
        return Rect(cell.x + m.pad, cell.y + m.pad, cell.w - 2 * m.pad, m.bar_h - m.gap)

    def card_rect(self, lane: int, column: int, index: int) -> Rect:
        cell, m = self.cell_rect(lane, column), self.m
        top = cell.y + m.pad + m.bar_h + index * m.pitch
        return Rect(cell.x + m.pad, top, cell.w - 2 * m.pad, m.card_h)

    def shown(self, lane: int, column: int) -> int:
        return min(self.lanes[lane].rows, len(self.board.cell(lane, column)))

    def hidden(self, lane: int, column: int) -> int:
        return len(self.board.cell(lane, column)) - self.shown(lane, column)

    def more_rect(self, lane: int, column: int) -> Rect | None:
        if self.hidden(lane, column) <= 0:
            return None
        cell, m = self.cell_rect(lane, column), self.m
        top = cell.y + m.pad + m.bar_h + self.lanes[lane].rows * m.pitch
        return Rect(cell.x + m.pad, top, cell.w - 2 * m.pad, m.more_h)

    def less_rect(self, lane: int) -> Rect | None:
        """The "Show fewer" link under an expanded lane's name."""
        box, m = self.lanes[lane], self.m
        if not box.expanded:
            return None
        return Rect(m.pad, box.bottom - m.pad - m.more_h, m.label_w - 2 * m.pad, m.more_h)

    # ----------------------------------------------------------------- finding
    def lane_at(self, y: float) -> int | None:
        i = bisect.bisect_right(self._tops, y) - 1
        return i if 0 <= i < len(self.lanes) and y < self.lanes[i].bottom else None

    def column_at(self, x: float) -> int | None:
        if x < self.m.label_w:
            return None
        i = int((x - self.m.label_w) // self.col_w)
        return i if 0 <= i < len(self.board.columns) else None

    def lanes_between(self, top: float, bottom: float) -> range:
        first = max(0, bisect.bisect_right(self._tops, top) - 1)
        last = bisect.bisect_left(self._tops, bottom)
        return range(first, min(last, len(self.lanes)))

    def columns_between(self, left: float, right: float) -> range:
        first = max(0, int((left - self.m.label_w) // self.col_w))
        last = int((right - self.m.label_w) // self.col_w) + 1
        return range(first, min(max(last, 0), len(self.board.columns)))

    def hit(self, x: float, y: float) -> Hit | None:
        """What is at a board point; cells behind the header or labels do not count."""
        if y < self.m.header_h:
            column = self.column_at(x)
            return None if column is None else Hit(HEADER, column=column)
        lane = self.lane_at(y)
        if lane is None:
            return None
        if x < self.m.label_w:
            less = self.less_rect(lane)
            return Hit(LESS if less and less.contains(x, y) else LANE, lane)
        column = self.column_at(x)
        if column is None:
            return None
        if self.bar_rect(lane, column).contains(x, y):
            return Hit(BAR, lane, column)
        more = self.more_rect(lane, column)
        if more is not None and more.contains(x, y):
            return Hit(MORE, lane, column)
        first = self.card_rect(lane, column, 0)
        k = int((y - first.y) // self.m.pitch)
        if 0 <= k < self.shown(lane, column):
            card = self.card_rect(lane, column, k)
            if card.contains(x, y):
                return Hit(CARD, lane, column, k)
        return Hit(CELL, lane, column)

    def scroll_to(
        self, focus: Focus, left: float, top: float, width: float, height: float
    ) -> tuple[float, float]:
        """Scroll values that bring the focused card (or cell) out from under the frozen
        header and lane names, moving as little as possible."""
        m = self.m
        if focus.index >= 0:
            rect = self.card_rect(focus.lane, focus.column, focus.index)
        else:
            rect = self.cell_rect(focus.lane, focus.column)
        if rect.x - left < m.label_w:
            left = rect.x - m.label_w
        elif rect.right - left > width:
            left = rect.right - width
        if rect.y - top < m.header_h:
            top = rect.y - m.header_h
        elif rect.bottom - top > height:
            top = min(rect.bottom - height, rect.y - m.header_h)
        return max(0.0, left), max(0.0, top)

    def locate(self, item_id: int) -> tuple[int, int, int] | None:
        """(lane, column, index in the cell) of a card on the board, shown or not."""
        item = self.board.items.get(item_id)
        at = self.board.cell_of(item) if item is not None else None
        if at is None:
            return None
        cell = self.board.cell(*at)
        index = next((k for k, i in enumerate(cell) if i.id == item_id), None)
        return None if index is None else (at[0], at[1], index)


# ----------------------------------------------------------------------- keyboard focus
@dataclass(frozen=True, slots=True)
class Focus:
    lane: int
    column: int
    index: int
    """The card's position in its cell; -1 for the cell itself (empty, or no card picked)."""

    def clamped(self, grid: Layout) -> Focus | None:
        """The nearest place that still exists after the board changed."""
        if not grid.lanes or not grid.board.columns:
            return None
        lane = min(self.lane, len(grid.lanes) - 1)
        column = min(self.column, len(grid.board.columns) - 1)
        shown = grid.shown(lane, column)
        return Focus(lane, column, min(self.index, shown - 1) if self.index >= 0 else -1)


def first(grid: Layout) -> Focus:
    """Where focus starts: the top card of the first release (else of the backlog)."""
    column = 1 if len(grid.board.columns) > 1 else 0
    return Focus(0, column, 0 if grid.shown(0, column) else -1)


def step(grid: Layout, focus: Focus | None, dx: int, dy: int) -> tuple[Focus, int | None]:
    """The focus after an arrow key, and the lane to open a step further (None: none)."""
    if focus is None or not grid.lanes:
        return first(grid), None
    lane, column, index = focus.lane, focus.column, focus.index
    if dx:
        column = min(max(column + dx, 0), len(grid.board.columns) - 1)
        shown = grid.shown(lane, column)
        return Focus(lane, column, min(max(index, 0), shown - 1) if shown else -1), None
    if dy > 0:
        if index + 1 < grid.shown(lane, column):
            return Focus(lane, column, index + 1), None
        if index + 1 < len(grid.board.cell(lane, column)):
            return Focus(lane, column, index + 1), lane
        if lane + 1 < len(grid.lanes):
            lane += 1
            return Focus(lane, column, 0 if grid.shown(lane, column) else -1), None
        return focus, None
    if dy < 0:
        if index > 0:
            return Focus(lane, column, index - 1), None
        if lane > 0:
            lane -= 1
            shown = grid.shown(lane, column)
            return Focus(lane, column, shown - 1 if shown else -1), None
    return focus, None
