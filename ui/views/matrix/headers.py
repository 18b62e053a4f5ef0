"""The frozen row and column headers of the matrix: team bands, names, stages, the corner.

Names show only when a cell is tall enough to read them; below that the team bands remain,
named along their length when a team's run is long enough.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from app.planning.dsm import Matrix
from ui.theme import tinted
from ui.views.matrix.layout import BAND, Colours, Highlights, Layout
from ui.views.matrix.marks import CHANGING_COLOUR, team_colour


class HeaderPainter:
    """Header half of `MatrixPainter`; the attributes are set by its constructor."""

    matrix: Matrix
    block_word: str
    font: QFont
    small: QFont
    bold: QFont
    team_list: tuple[str, ...]
    team_runs: list[tuple[int, int, object]]
    stage_runs: list[tuple[int, int, object]]
    _bold_metrics: QFontMetricsF

    def _fill_bands(self, p: QPainter, batches: dict[str, list[QRectF]]) -> None:
        """One call per team colour: ungrouped, 1,000 items make about as many runs."""
        p.setPen(Qt.PenStyle.NoPen)
        for team, rects in batches.items():
            p.setBrush(team_colour(team, self.team_list))
            p.drawRects(rects)

    def _row_header(
        self,
        p: QPainter,
        lay: Layout,
        oy: float,
        r0: int,
        r1: int,
        h: float,
        colours: Colours,
        hl: Highlights,
    ) -> None:
        cell = lay.cell
        p.save()
        p.setClipRect(QRectF(0, lay.top, lay.left, max(0.0, h - lay.top)))
        p.fillRect(QRectF(0, lay.top, lay.left, h - lay.top), colours.window)
        named = []
        batches: dict[str, list[QRectF]] = {}
        for start, end, team in self.team_runs:
            if end < r0 or start > r1:
                continue
            band = QRectF(0, oy + start * cell, BAND - 2, (end - start + 1) * cell)
            batches.setdefault(str(team), []).append(band)
            if band.height() > 60:
                named.append((band, team))
        self._fill_bands(p, batches)
        for band, team in named:
            if band.height() > 60:  # long enough to name the team along it
                p.save()
                p.translate(band.center())
                p.rotate(-90)
                p.setFont(self.small)
                p.setPen(QColor("#ffffff"))
                text = QFontMetricsF(self.small).elidedText(
                    str(team), Qt.TextElideMode.ElideRight, band.height() - 8
                )
                p.drawText(
                    QRectF(-band.height() / 2, -BAND / 2, band.height(), BAND - 2),
                    Qt.AlignmentFlag.AlignCenter,
                    text,
                )
                p.restore()
        if lay.names:
            self._row_names(p, lay, oy, r0, r1, colours, hl)
        p.restore()

    def _row_names(
        self,
        p: QPainter,
        lay: Layout,
        oy: float,
        r0: int,
        r1: int,
        colours: Colours,
        hl: Highlights,
    ) -> None:
        cell, m = lay.cell, self.matrix
        metrics = QFontMetricsF(self.font)
        stage_starts = {start for start, _e, _v in self.stage_runs}
        name_x = BAND + lay.team_w
        for r in range(r0, r1):
            y = oy + r * cell
            row_rect = QRectF(BAND, y, lay.left - BAND, cell)
            if r in (hl.selected, hl.hover[0], hl.current[0]):
                p.fillRect(row_rect, tinted(colours.highlight, 0.22))
            if lay.team_w and (r == 0 or m.teams[r] != m.teams[r - 1]):
                p.setFont(self.small)
                p.setPen(colours.muted)
                team = metrics.elidedText(m.teams[r], Qt.TextElideMode.ElideRight, lay.team_w - 8)
                p.drawText(
                    QRectF(BAND + 2, y, lay.team_w - 4, cell), Qt.AlignmentFlag.AlignVCenter, team
                )
            changing = r in hl.changing
            font = self.bold if changing or r == hl.selected else self.font
            name_metrics = self._bold_metrics if font is self.bold else metrics
            text = name_metrics.elidedText(
                m.names[r], Qt.TextElideMode.ElideMiddle, lay.name_w - 20
            )
            right = lay.left - lay.stage_w - 4
            if changing:
                dot_x = right - name_metrics.horizontalAdvance(text) - 8
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(CHANGING_COLOUR))
                p.drawEllipse(QPointF(dot_x, y + cell / 2), 3.5, 3.5)
            p.setFont(font)
            p.setPen(colours.text)
            p.drawText(
                QRectF(name_x, y, right - name_x, cell),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                text,
            )
            if r in stage_starts and lay.stage_w:
                p.setFont(self.small)
                p.setPen(colours.muted)
                p.drawText(
                    QRectF(lay.left - lay.stage_w, y, lay.stage_w - 4, cell),
                    Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                    f"S{m.stages[r] + 1}",
                )

    def _column_header(
        self,
        p: QPainter,
        lay: Layout,
        ox: float,
        c0: int,
        c1: int,
        w: float,
        colours: Colours,
        hl: Highlights,
    ) -> None:
        cell, m = lay.cell, self.matrix
        p.save()
        p.setClipRect(QRectF(lay.left, 0, max(0.0, w - lay.left), lay.top))
        p.fillRect(QRectF(lay.left, 0, w - lay.left, lay.top), colours.window)
        small = QFontMetricsF(self.small)
        named = []
        batches: dict[str, list[QRectF]] = {}
        for start, end, team in self.team_runs:
            if end < c0 or start > c1:
                continue
            band = QRectF(ox + start * cell, 0, (end - start + 1) * cell, BAND - 2)
            batches.setdefault(str(team), []).append(band)
            if band.width() > 60:
                named.append((band, team))
        self._fill_bands(p, batches)
        for band, team in named:
            if band.width() > 60:
                p.setFont(self.small)
                p.setPen(QColor("#ffffff"))
                text = small.elidedText(str(team), Qt.TextElideMode.ElideRight, band.width() - 8)
                p.drawText(band, Qt.AlignmentFlag.AlignCenter, text)
        if lay.names:
            metrics = QFontMetricsF(self.font)
            for c in range(c0, c1):
                x = ox + c * cell
                if c in (hl.selected, hl.hover[1], hl.current[1]):
                    p.fillRect(QRectF(x, BAND, cell, lay.name_h), tinted(colours.highlight, 0.22))
                changing = c in hl.changing
                p.save()
                p.translate(x, lay.top - 2)
                p.rotate(-90)
                if changing:
                    p.setPen(Qt.PenStyle.NoPen)
                    p.setBrush(QColor(CHANGING_COLOUR))
                    p.drawEllipse(QPointF(5, cell / 2), 3.5, 3.5)
                p.setFont(self.bold if changing or c == hl.selected else self.font)
                p.setPen(colours.text)
                text = metrics.elidedText(m.names[c], Qt.TextElideMode.ElideMiddle, lay.name_h - 16)
                p.drawText(
                    QRectF(12, 0, lay.name_h - 14, cell), Qt.AlignmentFlag.AlignVCenter, text
                )
                p.restore()
        p.restore()

    def _corner(self, p: QPainter, lay: Layout, colours: Colours) -> None:
        rect = QRectF(0, 0, lay.left, lay.top)
        p.fillRect(rect, colours.window)
        if not lay.names:
            return
        m = self.matrix
        p.setFont(self.small)
        p.setPen(colours.muted)
        blocks = f"{len(m.blocks)} {self.block_word.lower()}{'s' if len(m.blocks) != 1 else ''}"
        if self.block_word == "Cycle":
            lines = [
                "Row depends on column",
                "Providers first: S1, S2 … are",
                "deployment stages",
                f"{len(m.names):,} items · {len(m.cells):,} dependencies",
                blocks,
            ]
        else:
            lines = [
                "A mark: test the two together",
                f"{len(m.names):,} items · {len(m.cells) // 2:,} pairs",
                blocks,
            ]
        p.drawText(rect.adjusted(BAND + 4, 4, -4, -4), Qt.AlignmentFlag.AlignLeft, "\n".join(lines))
