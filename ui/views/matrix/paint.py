"""Painting the design structure matrix, shared by the on-screen canvas and the exports.

Painting cost follows what is on screen, not the size of the matrix: only the visible rows and
columns are visited, and within a row only its marks (a sorted sparse index, bisected to the
visible columns). Zoomed out so far that a cell is a few pixels, marks become plain squares,
batched per kind, and the whole-matrix overview is cached as one image.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from app.planning.dsm import Matrix
from ui.theme import mixed, tinted
from ui.views.matrix.headers import HeaderPainter
from ui.views.matrix.layout import (
    GRID_MIN,
    IMAGE_MAX,
    LETTERS_MIN,
    NAMES_MIN,
    SHAPES_MIN,
    CellIndex,
    Colours,
    Highlights,
    Layout,
    runs,
)
from ui.views.matrix.marks import (
    CHANGING_COLOUR,
    CYCLE_COLOUR,
    draw_mark,
    kind_style,
    mark_font,
)

__all__ = ["CellIndex", "Colours", "Highlights", "Layout", "MatrixPainter", "NAMES_MIN"]


class MatrixPainter(HeaderPainter):
    def __init__(
        self,
        matrix: Matrix,
        index: CellIndex,
        grouped: bool,
        font: QFont,
        block_word: str = "Cycle",
    ) -> None:
        self.matrix = matrix
        self.block_word = block_word
        """"Cycle" for dependency cycles; "Group" for the integration-test groups."""
        self.index = index
        self.grouped = grouped
        self.font = QFont(font)
        self.small = QFont(font)
        self.small.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
        self.bold = QFont(font)
        self.bold.setBold(True)
        self.team_list = tuple(sorted(set(matrix.teams)))
        self.team_runs = runs(matrix.teams)
        self.stage_runs = runs(matrix.stages)
        metrics = self._bold_metrics = QFontMetricsF(self.bold)
        self._name_w = min(
            240, int(max((metrics.horizontalAdvance(n) for n in matrix.names), default=40)) + 22
        )
        self._team_w = min(
            120, int(max((metrics.horizontalAdvance(t) for t in self.team_list), default=40)) + 10
        )
        self._overview: tuple[float, QImage] | None = None

    # ---------------------------------------------------------------- geometry
    def layout(self, cell: float) -> Layout:
        names = cell >= NAMES_MIN
        if not names:
            return Layout(cell, False, 0, 0, 0, 0)
        team_w = self._team_w  # also when grouped: a cycle may pull in other teams
        stage_w = 30 if self.block_word == "Cycle" else 0
        return Layout(cell, True, team_w, self._name_w, stage_w, min(self._name_w, 170))

    def content_size(self, lay: Layout) -> tuple[float, float]:
        side = len(self.matrix.names) * lay.cell
        return lay.left + side, lay.top + side

    # ---------------------------------------------------------------- painting
    def paint(
        self,
        p: QPainter,
        lay: Layout,
        sx: float,
        sy: float,
        w: float,
        h: float,
        colours: Colours,
        hl: Highlights,
    ) -> None:
        """Paint the viewport (w × h) whose cell area is scrolled to content (sx, sy)."""
        n = len(self.matrix.names)
        cell = lay.cell
        ox, oy = lay.left - sx, lay.top - sy
        r0, r1 = max(0, int(sy // cell)), min(n, int((sy + h - lay.top) // cell) + 1)
        c0, c1 = max(0, int(sx // cell)), min(n, int((sx + w - lay.left) // cell) + 1)
        p.fillRect(QRectF(0, 0, w, h), colours.window)
        area = QRectF(lay.left, lay.top, max(0.0, w - lay.left), max(0.0, h - lay.top))
        matrix_rect = QRectF(ox, oy, n * cell, n * cell).intersected(area)
        p.fillRect(matrix_rect, colours.base)
        p.save()
        p.setClipRect(matrix_rect)
        self._bands(p, cell, ox, oy, r0, r1, c0, c1, matrix_rect, colours, hl)
        self._rules(p, cell, ox, oy, r0, r1, c0, c1, matrix_rect, colours)
        if cell >= SHAPES_MIN:
            self._marks(p, cell, ox, oy, r0, r1, c0, c1)
        else:
            self._dots(p, cell, ox, oy, r0, r1, c0, c1)
        p.restore()
        p.save()
        p.setClipRect(area)
        self._blocks(p, cell, ox, oy, r0, r1, colours)
        row, col = hl.current
        if 0 <= row < n and 0 <= col < n:
            p.setPen(QPen(colours.text, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            grow = max(1.0, (9 - cell) / 2)  # a findable cursor even below a pixel per cell
            cursor = QRectF(ox + col * cell, oy + row * cell, cell, cell)
            p.drawRect(cursor.adjusted(-grow, -grow, grow, grow))
        p.restore()
        self._row_header(p, lay, oy, r0, r1, h, colours, hl)
        self._column_header(p, lay, ox, c0, c1, w, colours, hl)
        self._corner(p, lay, colours)

    def _bands(
        self,
        p: QPainter,
        cell: float,
        ox: float,
        oy: float,
        r0: int,
        r1: int,
        c0: int,
        c1: int,
        rect: QRectF,
        colours: Colours,
        hl: Highlights,
    ) -> None:
        """Tint the release's changing rows/columns, the selection and the hovered cross."""
        p.setPen(Qt.PenStyle.NoPen)
        if hl.changing:
            # One batched, opaque fill (the tint pre-mixed with the background): a big
            # release changes hundreds of components, and blending each band costs 30×.
            p.setBrush(mixed(colours.base, CHANGING_COLOUR, 0.13))
            rows = [r for r in range(r0, r1) if r in hl.changing]
            cols = [c for c in range(c0, c1) if c in hl.changing]
            p.drawRects(
                [QRectF(rect.left(), oy + r * cell, rect.width(), cell) for r in rows]
                + [QRectF(ox + c * cell, rect.top(), cell, rect.height()) for c in cols]
            )
        tint = tinted(colours.highlight, 0.14 if cell >= 3 else 0.5)
        band = max(cell, 3.0)  # stays visible when the whole matrix is on screen
        shift = (band - cell) / 2
        row, col = hl.hover
        for r in {hl.selected, row} - {-1}:
            p.fillRect(QRectF(rect.left(), oy + r * cell - shift, rect.width(), band), tint)
        for c in {hl.selected, col} - {-1}:
            p.fillRect(QRectF(ox + c * cell - shift, rect.top(), band, rect.height()), tint)
        first, last = max(r0, c0), min(r1, c1)
        p.setBrush(tinted(colours.text, 0.18))
        if cell < 3:  # the diagonal is a line at this size
            p.setPen(QPen(tinted(colours.text, 0.18), max(cell, 1.0)))
            p.drawLine(
                QPointF(ox + first * cell, oy + first * cell),
                QPointF(ox + last * cell, oy + last * cell),
            )
        elif last > first:
            p.drawRects(
                [QRectF(ox + i * cell, oy + i * cell, cell, cell) for i in range(first, last)]
            )

    def _rules(
        self,
        p: QPainter,
        cell: float,
        ox: float,
        oy: float,
        r0: int,
        r1: int,
        c0: int,
        c1: int,
        rect: QRectF,
        colours: Colours,
    ) -> None:
        """Light grid when zoomed in; team (grouped) or stage (partitioned) boundaries."""
        if cell >= GRID_MIN:
            lines = [
                QLineF(rect.left(), oy + r * cell, rect.right(), oy + r * cell)
                for r in range(r0, r1 + 1)
            ]
            lines += [
                QLineF(ox + c * cell, rect.top(), ox + c * cell, rect.bottom())
                for c in range(c0, c1 + 1)
            ]
            p.setPen(QPen(colours.grid, 1))
            p.drawLines(lines)
        bounds = self.team_runs if self.grouped else self.stage_runs
        pen = QPen(colours.rule, 1.5 if self.grouped else 1)
        if not self.grouped:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        lines = []
        for start, _end, _value in bounds[1:]:
            if r0 <= start <= r1:
                lines.append(
                    QLineF(rect.left(), oy + start * cell, rect.right(), oy + start * cell)
                )
            if c0 <= start <= c1:
                lines.append(
                    QLineF(ox + start * cell, rect.top(), ox + start * cell, rect.bottom())
                )
        p.drawLines(lines)

    def _marks(
        self, p: QPainter, cell: float, ox: float, oy: float, r0: int, r1: int, c0: int, c1: int
    ) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = mark_font(self.font, cell) if cell >= LETTERS_MIN else None
        cells = self.matrix.cells
        for r in range(r0, r1):
            y = oy + r * cell
            for c in self.index.columns_in(r, c0, c1):
                edge = cells[(r, c)]
                draw_mark(
                    p,
                    QRectF(ox + c * cell, y, cell, cell),
                    edge.kind,
                    hollow=edge.decoupled,
                    letter=font is not None,
                    font=font,
                )
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def _dots(
        self, p: QPainter, cell: float, ox: float, oy: float, r0: int, r1: int, c0: int, c1: int
    ) -> None:
        n = len(self.matrix.names)
        if n * cell <= IMAGE_MAX:
            p.drawImage(QPointF(ox, oy), self._overview_image(cell))
            return
        size = max(cell, 1.0)
        batches: dict[str, list[QRectF]] = {}
        cells = self.matrix.cells
        for r in range(r0, r1):
            y = oy + r * cell
            for c in self.index.columns_in(r, c0, c1):
                rects = batches.setdefault(cells[(r, c)].kind, [])
                rects.append(QRectF(ox + c * cell, y, size, size))
        p.setPen(Qt.PenStyle.NoPen)
        for kind, rects in batches.items():
            p.setBrush(QColor(kind_style(kind).colour))
            p.drawRects(rects)

    def _overview_image(self, cell: float) -> QImage:
        if self._overview is not None and self._overview[0] == cell:
            return self._overview[1]
        side = max(1, int(len(self.matrix.names) * cell + 1))
        image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        self._dots_direct(painter, cell)
        painter.end()
        self._overview = (cell, image)
        return image

    def _dots_direct(self, p: QPainter, cell: float) -> None:
        size = max(cell, 1.0)
        batches: dict[str, list[QRectF]] = {}
        for (r, c), edge in self.matrix.cells.items():
            batches.setdefault(edge.kind, []).append(QRectF(c * cell, r * cell, size, size))
        p.setPen(Qt.PenStyle.NoPen)
        for kind, rects in batches.items():
            p.setBrush(QColor(kind_style(kind).colour))
            p.drawRects(rects)

    def _blocks(
        self, p: QPainter, cell: float, ox: float, oy: float, r0: int, r1: int, colours: Colours
    ) -> None:
        """Each cycle outlined on the diagonal and named beside it, at every zoom."""
        red = QColor(CYCLE_COLOUR)
        metrics = QFontMetricsF(self.bold)
        clip_right = p.clipBoundingRect().right()
        clip_top = p.clipBoundingRect().top()
        last_label = QRectF()
        for number, block in enumerate(self.matrix.blocks, 1):
            if block.end < r0 or block.start > r1:
                continue
            side = max((block.end - block.start + 1) * cell, 3.0)
            rect = QRectF(ox + block.start * cell, oy + block.start * cell, side, side)
            p.setPen(QPen(red, 2))
            p.setBrush(tinted(red, 0.07))
            p.drawRect(rect)
            text = metrics.elidedText(
                self.block_title(number, block.label), Qt.TextElideMode.ElideRight, 460
            )
            box = QRectF(
                rect.right() + 6,
                rect.top(),
                metrics.horizontalAdvance(text) + 8,
                metrics.height() + 2,
            )
            if box.right() > clip_right:
                # No room beside the block: lift the name into the empty triangle above the
                # diagonal, where row r has no marks right of column r, and point down to it.
                box.moveRight(clip_right - 2)
                free_row = math.floor((box.left() - ox) / cell) - 1
                bottom = oy + (min(block.start, free_row)) * cell - 2
                box.moveBottom(max(clip_top + box.height(), bottom))
                p.setPen(QPen(red, 1, Qt.PenStyle.DotLine))
                p.drawLine(
                    QPointF(min(box.right() - 4, rect.right()), box.bottom()),
                    QPointF(min(box.right() - 4, rect.right()), rect.top()),
                )
            if box.intersects(last_label):
                continue
            last_label = box
            p.setPen(QPen(red, 1))
            p.setBrush(tinted(colours.base, 0.9))
            p.drawRect(box)
            p.setFont(self.bold)
            p.setPen(red)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def block_title(self, number: int, label: str) -> str:
        if self.block_word == "Cycle":
            return f"Cycle C{number}: {label}"
        return f"{self.block_word} {number}"
