"""One paint of the board: the cells in view, then the frozen lane names and release headers
over them, then a drag's ghost and its consequences on top.

Only the lanes and columns that intersect the viewport are visited, and in each cell only
the cards that fit; nothing is measured here that the layout already knows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter

from ui.views.capacity import cards
from ui.views.capacity.board import Board
from ui.views.capacity.drag import Drag, paint_label
from ui.views.capacity.layout import Layout, Rect
from ui.views.capacity.paint import (
    badge,
    capacity_bar,
    focus_ring,
    ghost,
    hatch,
    line_h,
    octagon,
    outline,
    text_in,
)

if TYPE_CHECKING:
    from ui.views.capacity.canvas import BoardCanvas


def q(rect: Rect) -> QRectF:
    return QRectF(rect.x, rect.y, rect.w, rect.h)


class BoardPainter:
    def __init__(self, canvas: BoardCanvas, p: QPainter) -> None:
        self.canvas = canvas
        self.p = p
        self.c = canvas.colours
        self.fonts = canvas.fonts
        vp = canvas.viewport()
        self.w, self.h = float(vp.width()), float(vp.height())

    def paint(self) -> None:
        p, c, canvas = self.p, self.c, self.canvas
        w, h = self.w, self.h
        p.fillRect(QRectF(0, 0, w, h), c.base)
        grid, board = canvas.grid, canvas.board
        if grid is None or board is None:
            self.empty(canvas.empty_text)
            return
        m = grid.m
        dx, dy = canvas.horizontalScrollBar().value(), canvas.verticalScrollBar().value()
        lanes = grid.lanes_between(dy + m.header_h, dy + h)
        columns = grid.columns_between(dx + m.label_w, dx + w)
        p.save()
        p.setClipRect(QRectF(m.label_w, m.header_h, w - m.label_w, h - m.header_h))
        p.translate(-dx, -dy)
        for lane in lanes:
            for column in columns:
                self.cell(grid, board, lane, column)
        p.restore()
        p.save()
        p.setClipRect(QRectF(0, m.header_h, m.label_w, h - m.header_h))
        p.translate(0, -dy)
        for lane in lanes:
            rect, less = grid.lane_rect(lane), grid.less_rect(lane)
            link = q(less) if less else None
            cards.lane_label(p, q(rect), board.teams[lane], c, self.fonts, link)
            p.setPen(c.grid)
            p.drawLine(QPointF(0, rect.bottom - 0.5), QPointF(m.label_w, rect.bottom - 0.5))
        p.restore()
        p.save()
        p.setClipRect(QRectF(m.label_w, 0, w - m.label_w, m.header_h))
        p.translate(-dx, 0)
        now = board.snapshot.now
        for column in columns:
            cards.header(p, q(grid.header_rect(column)), board, column, c, self.fonts, now)
        p.restore()
        corner = QRectF(0, 0, m.label_w, m.header_h)
        p.fillRect(corner, c.header)
        text_in(p, corner.adjusted(8, 0, -6, 0), "Team ╲ Release", c.muted, self.fonts.small)
        p.setPen(c.rule)
        p.drawLine(QPointF(0, m.header_h - 0.5), QPointF(w, m.header_h - 0.5))
        p.drawLine(QPointF(m.label_w - 0.5, 0), QPointF(m.label_w - 0.5, h))
        if canvas.drag is not None:
            self.drag(grid, board, canvas.drag)

    def empty(self, text: str) -> None:
        """A sentence or two in the middle of the board: loading, or what to do first."""
        p = self.p
        box = QRectF(0, 0, min(560.0, self.w - 40), self.h)
        box.moveCenter(QRectF(0, 0, self.w, self.h).center())
        p.setFont(self.fonts.normal)
        p.setPen(self.c.muted)
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        p.drawText(box, int(flags), text)

    def cell(self, grid: Layout, board: Board, lane: int, column: int) -> None:
        p, c, fonts, canvas = self.p, self.c, self.fonts, self.canvas
        rect = q(grid.cell_rect(lane, column))
        if lane % 2:
            p.fillRect(rect, c.lane_alt)
        drag = canvas.drag
        if drag is not None and drag.moved and drag.lane == lane and drag.target == column:
            ghost(p, rect.adjusted(2, 2, -2, -2), drag.blocking, c)
        p.setPen(c.grid)
        right, bottom = rect.right() - 0.5, rect.bottom() - 0.5
        p.drawLine(QPointF(right, rect.top()), QPointF(right, rect.bottom()))
        p.drawLine(QPointF(rect.left(), bottom), QPointF(rect.right(), bottom))
        bar = q(grid.bar_rect(lane, column))
        load = board.load(lane, column)
        items = board.cell(lane, column)
        if load is not None:
            capacity_bar(p, bar, load, c, fonts)
        else:
            words = f"{len(items):,} waiting · {sum(i.size for i in items):,} points"
            text_in(p, bar, words if items else "nothing waiting", c.muted, fonts.small)
        for k in range(grid.shown(lane, column)):
            item = items[k]
            box = q(grid.card_rect(lane, column, k))
            if drag is not None and drag.item.id == item.id:
                p.setOpacity(0.35)  # where it is picked up from
            cards.card(p, box, item, board.flags(item), c, fonts)
            p.setOpacity(1.0)
            if item.id in canvas.chosen:
                outline(p, box, c)
        more = grid.more_rect(lane, column)
        if more is not None:
            cards.more_line(p, q(more), grid.hidden(lane, column), c, fonts)
        focus = canvas.focus
        if focus is not None and canvas.hasFocus() and (focus.lane, focus.column) == (lane, column):
            target = grid.card_rect(lane, column, focus.index) if focus.index >= 0 else None
            focus_ring(p, q(target) if target else rect.adjusted(4, 4, -4, -4), c)

    def drag(self, grid: Layout, board: Board, drag: Drag) -> None:
        """The card under the pointer, hatched with a stop mark and the word while the target
        blocks, and the consequences beside it."""
        p, c, m = self.p, self.c, grid.m
        box = QRectF(drag.pos - drag.grab, QPointF(0, 0))
        box.setSize(QRectF(0, 0, grid.col_w - 2 * m.pad, m.card_h).size())
        p.setOpacity(0.9)
        cards.card(p, box, drag.item, board.flags(drag.item), c, self.fonts)
        p.setOpacity(1.0)
        if drag.blocking:
            hatch(p, box, c.over, c)
            face = self.fonts.small_bold
            size = line_h(face)
            start = box.right() - QFontMetricsF(face).horizontalAdvance("BLOCKED") - 14
            row = QRectF(box.left(), box.top() + 3, box.width() - 4, size + 2)
            badge(p, start, row, "BLOCKED", c.over, c, face)
            octagon(p, QPointF(start - size * 0.7, row.center().y()), size * 1.1)
        paint_label(p, drag, QRectF(4, 4, self.w - 8, self.h - 8), c, self.fonts)
