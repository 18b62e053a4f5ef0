"""The timeline: months side by side, one swimlane per release train (or per team).

Each release is a bar from its code freeze to the end of its deployment window (the window
itself drawn solid, the stabilisation before it light), its waves as sub-bars beneath, and
the lane's deployments along the lane's foot: one tick each when zoomed in, a count per day
when they would crowd. Freezes and windows have lanes of their own at the top; freezes also
hatch the swimlanes they apply to. Only the visible time and lanes are painted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from ui.views.calendar import paint
from ui.views.calendar.canvas import CalendarCanvas, Hit
from ui.views.calendar.drag import Drag
from ui.views.calendar.index import (
    FREEZE,
    RELEASE,
    TRAINS,
    WINDOW,
    CalendarIndex,
    Lane,
    Ref,
    stack_rows,
)
from ui.views.calendar.swimlanes import Row, SwimlanePainter
from ui.views.calendar.timegrid import Day, add_months, days
from ui.views.calendar.zones import MONTHS, day_start, local

ZOOMS = (3.0, 5.0, 8.0, 12.0, 18.0, 28.0, 40.0, 60.0, 90.0, 140.0, 220.0, 340.0, 520.0, 800.0)
"""Pixels per day the zoom steps through."""
DEFAULT_ZOOM = 12.0
DAY = timedelta(days=1)


class TimelineCanvas(CalendarCanvas):
    mode_name = "timeline"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setAccessibleName("Release timeline")
        self.setAccessibleDescription(
            "Months across, one lane per train or team. The wheel pans, Ctrl+wheel and "
            "Ctrl+plus and minus zoom, Shift+wheel scrolls the lanes."
        )
        self.px_per_day = DEFAULT_ZOOM
        self.grouping = TRAINS
        self.origin = day_start(date.today() - timedelta(days=14), self.zone)
        self.rows: dict[Ref, Row] = {}
        """Where each release and wave was drawn, for its ghost during a drag."""
        self._anchor: date | None = None
        self._gutter: float | None = None
        self._head: tuple[list[int], int] | None = None
        self._bounds_key: tuple[datetime, datetime, str] | None = None
        self._bounds_cache: list[Day] = []
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.refresh())
        self._ready = True

    # ----------------------------------------------------------------- range
    @property
    def gutter(self) -> float:
        """Width of the lane names; follows the font (presentation mode enlarges it)."""
        if self._gutter is None:
            fm = QFontMetricsF(paint.scaled(self.font(), 1.0, bold=True))
            self._gutter = min(240.0, max(150.0, fm.horizontalAdvance("Independent releases") + 24))
        return self._gutter

    def plot_width(self) -> float:
        return max(1.0, self.viewport().width() - self.gutter)

    def visible_range(self) -> tuple[datetime, datetime]:
        return self.origin, self.origin + DAY * (self.plot_width() / self.px_per_day)

    def show_date(self, day: date) -> None:
        """Put `day` a sixth of the way in, so the past stays in view for context; it stays
        there as the canvas is laid out or resized, until the user pans or zooms."""
        self._anchor = day
        self._place_anchor()

    def show_time(self, instant: datetime) -> None:
        """Put an instant a sixth of the way in."""
        self._anchor = None
        self.origin = instant - DAY * (self.plot_width() / self.px_per_day / 6)
        self._moved()

    def _place_anchor(self) -> None:
        if self._anchor is None:
            return
        lead = self.plot_width() / self.px_per_day / 6
        self.origin = day_start(self._anchor, self.zone) - DAY * lead
        self._moved()
        self.focus_day = self._anchor

    def page(self, direction: int) -> None:
        """Prev / Next: a month back or on, keeping the same day of the month at the left."""
        self._anchor = None
        at = local(self.origin, self.zone)
        first = add_months(at.date(), direction)
        day = first.replace(day=min(at.day, 28))
        self.origin = day_start(day, self.zone) + (self.origin - day_start(at.date(), self.zone))
        self._moved()

    def pan(self, pixels: float) -> None:
        self._anchor = None
        self.origin += DAY * (pixels / self.px_per_day)
        self._moved()

    def _moved(self) -> None:
        self.focus_day = local(self.x_time(self.gutter + self.plot_width() / 2), self.zone).date()
        self.refresh()
        self.range_requested.emit()

    def set_grouping(self, grouping: str) -> None:
        self.grouping = grouping
        self.verticalScrollBar().setValue(0)
        self._update_scrollbar()
        self.refresh()

    def set_index(self, index: CalendarIndex | None) -> None:
        self._head = None
        super().set_index(index)
        self._update_scrollbar()

    # ------------------------------------------------------------------ zoom
    def zoom(self, steps: int, anchor_x: float | None = None) -> None:
        current = self.px_per_day
        if steps > 0:
            target = next((z for z in ZOOMS if z > current + 1e-6), ZOOMS[-1])
        else:
            target = next((z for z in reversed(ZOOMS) if z < current - 1e-6), ZOOMS[0])
        self.zoom_to(target, anchor_x)

    def reset_zoom(self) -> None:
        self.zoom_to(DEFAULT_ZOOM)

    def zoom_to(self, px_per_day: float, anchor_x: float | None = None) -> None:
        """Change the scale keeping the instant under `anchor_x` (or the centre) in place."""
        self._anchor = None
        x = self.gutter + self.plot_width() / 2 if anchor_x is None else anchor_x
        fixed = self.x_time(x)
        self.px_per_day = max(ZOOMS[0], min(ZOOMS[-1], px_per_day))
        self.origin = fixed - DAY * ((x - self.gutter) / self.px_per_day)
        self._moved()
        self.zoomed.emit()

    # -------------------------------------------------------------- geometry
    def x_of(self, instant: datetime) -> float:
        return self.gutter + (instant - self.origin) / DAY * self.px_per_day

    def x_time(self, x: float) -> datetime:
        return self.origin + DAY * ((x - self.gutter) / self.px_per_day)

    def time_at(self, pos: QPointF) -> datetime | None:
        return self.x_time(pos.x()) if pos.x() >= self.gutter else None

    def metrics(self) -> tuple[float, float, float, float]:
        """Axis height, bar height, wave height, deployments-row height."""
        fm = QFontMetricsF(self.font())
        bar_h = fm.height() + 6
        return fm.height() * 2 + 14, bar_h, max(8.0, fm.height() * 0.8), max(14.0, fm.height())

    def _head_rows(self) -> tuple[list[int], int]:
        """Stacking rows of the freeze occurrences, and how many rows they need."""
        if self._head is None:
            spans = (
                []
                if self.index is None
                else [(o.start, o.end) for f in self.index.data.freezes for o in f.occurrences]
            )
            rows = stack_rows(spans)
            self._head = rows, max(rows, default=0) + 1
        return self._head

    def _lanes_top(self) -> float:
        axis, bar_h, _w, _d = self.metrics()
        _rows, count = self._head_rows()
        return axis + count * bar_h + 4 + bar_h + 6

    def lane_height(self, lane: Lane) -> float:
        _a, bar_h, wave_h, dep_h = self.metrics()
        return max(1, lane.row_count) * (bar_h + wave_h + 6) + dep_h + 12

    def lanes(self) -> list[Lane]:
        return [] if self.index is None else self.index.lanes[self.grouping]

    def _update_scrollbar(self) -> None:
        total = sum(self.lane_height(lane) for lane in self.lanes())
        area = max(1.0, self.viewport().height() - self._lanes_top())
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, int(total - area)))
        bar.setPageStep(int(area))
        bar.setSingleStep(int(self.metrics()[1]))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()
        self._place_anchor()

    def add_hit(self, hit: Hit) -> None:
        """Only the visible part of an item reacts: the lane heads cover the rest."""
        top = self._lanes_top()
        vp = self.viewport()
        area = (
            QRectF(self.gutter, top, vp.width(), vp.height())
            if hit.rect.top() >= top
            else QRectF(self.gutter, 0, vp.width(), top)
        )
        rect = hit.rect.intersected(area)
        if not rect.isEmpty():
            super().add_hit(replace(hit, rect=rect))

    def fonts_changed(self) -> None:
        self._gutter = None
        self._update_scrollbar()

    # ---------------------------------------------------------------- events
    def wheelEvent(self, event: QWheelEvent) -> None:
        mods = event.modifiers()
        dy, dx = event.angleDelta().y(), event.angleDelta().x()
        if mods & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1 if dy > 0 else -1, event.position().x())
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() - int(dy / 120 * bar.singleStep() * 3))
        else:
            self.pan(-(dx or dy) / 120 * 80)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        key = event.key()
        if plain and key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.pan((-1 if key == Qt.Key.Key_Left else 1) * self.plot_width() / 8)
        elif plain and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + (-1 if key == Qt.Key.Key_Up else 1) * bar.singleStep())
        else:
            super().keyPressEvent(event)

    def cursor_step(self, key: int) -> int:
        return 0

    # -------------------------------------------------------------- painting
    def paint_canvas(self, p: QPainter, width: float, height: float) -> None:
        c = self.colours
        axis, bar_h, _wave_h, _dep_h = self.metrics()
        gutter = self.gutter
        font = self.font()
        small = paint.scaled(font, 0.9)
        bold = paint.scaled(font, 1.0, bold=True)
        top = self._lanes_top()
        self.rows = {}
        self._paint_grid(p, gutter, axis, width, height)
        if self.index is not None:
            p.save()
            p.setClipRect(QRectF(gutter, top, width - gutter, height - top))
            self._paint_lanes(p, top, width, height, small)
            p.restore()
            p.save()
            p.setClipRect(QRectF(0, top, gutter, height - top))
            self._paint_lane_heads(p, top, height, bold, small)
            p.restore()
        p.fillRect(QRectF(0, 0, width, top), c.window)
        self._paint_axis(p, gutter, axis, width, small, bold)
        if self.index is not None:
            self._paint_head_lanes(p, axis, bar_h, width, small, bold)
        p.setPen(QPen(c.rule, 1.0))
        p.drawLine(QPointF(0, top - 0.5), QPointF(width, top - 0.5))
        p.drawLine(QPointF(gutter - 0.5, 0), QPointF(gutter - 0.5, height))
        now = self.clock()
        x = self.x_of(now)
        if gutter <= x <= width:
            paint.today_line(p, x, axis - 4, height, c)
            paint.badge(
                p,
                QRectF(
                    x + 3,
                    axis - QFontMetricsF(bold).height() - 6,
                    80,
                    QFontMetricsF(bold).height() + 2,
                ),
                "Today",
                c.today,
                QColor("#ffffff"),
                bold,
            )
        if self.index is None:
            self.paint_empty(p, QRectF(gutter, top + 8, width - gutter, 40), "Loading…")
        elif not self.lanes():
            self.paint_empty(
                p,
                QRectF(gutter, top + 8, width - gutter, 40),
                "Nothing planned in this range for these filters.",
            )

    def _days(self) -> list[tuple[date, float]]:
        """Visible local days and their left edges."""
        return [(d.day, self.x_of(d.start)) for d in self.day_bounds()]

    def day_bounds(self) -> list[Day]:
        """Visible local days (a local midnight each), worked out once per paint."""
        start, end = self.visible_range()
        key = (start, end, self.zone)
        if self._bounds_key != key:
            first = local(start, self.zone).date()
            count = int((end - start) / DAY) + 3
            self._bounds_cache = [d for d in days(first, count, self.zone) if d.start <= end]
            self._bounds_key = key
        return self._bounds_cache

    def _paint_grid(
        self, p: QPainter, gutter: float, axis: float, width: float, height: float
    ) -> None:
        c = self.colours
        for day, x in self._days():
            if x < gutter:
                continue
            if day.weekday() >= 5 and self.px_per_day >= 5:
                p.fillRect(QRectF(x, axis, self.px_per_day, height - axis), c.weekend)
            strong = day.day == 1
            weekly = day.weekday() == 0 and self.px_per_day >= 5
            if strong or weekly or self.px_per_day >= 18:
                p.setPen(QPen(c.rule if strong else c.grid, 1.0))
                p.drawLine(QPointF(round(x) + 0.5, axis), QPointF(round(x) + 0.5, height))

    def _paint_axis(
        self, p: QPainter, gutter: float, axis: float, width: float, small: QFont, bold: QFont
    ) -> None:
        c = self.colours
        row_h = axis / 2
        shown = self._days()
        months = [(d, x) for d, x in shown if d.day == 1]
        if shown and shown[0][0].day != 1:
            months.insert(0, (shown[0][0], gutter))
        for n, (d, x) in enumerate(months):
            nxt = months[n + 1][1] if n + 1 < len(months) else width
            left = max(gutter, x)
            text = f"{MONTHS[d.month - 1]} {d.year}"
            if nxt - left < QFontMetricsF(bold).horizontalAdvance(text[:3]) + 24:
                continue  # a sliver of a month: its name would be only an ellipsis
            paint.text_in(p, QRectF(left + 6, 2, nxt - left - 8, row_h), text, c.text, bold)
        for d, x in shown:
            if x < gutter - self.px_per_day:
                continue
            if self.px_per_day >= 18:
                text = f"{d.day}" if self.px_per_day < 60 else f"{d:%a} {d.day}"
            elif self.px_per_day >= 5 and d.weekday() == 0:
                text = f"W{d.isocalendar().week}"
            else:
                continue
            rect = QRectF(
                x + 3, row_h, max(self.px_per_day * (7 if "W" in text else 1), 30), row_h - 2
            )
            paint.text_in(p, rect, text, c.muted, small)
        zone_label = f"Times in {self.zone}"
        paint.text_in(p, QRectF(6, row_h, gutter - 12, row_h - 2), zone_label, c.muted, small)

    def _paint_head_lanes(
        self, p: QPainter, axis: float, bar_h: float, width: float, small: QFont, bold: QFont
    ) -> None:
        """The Freezes and Windows lanes under the axis."""
        assert self.index is not None
        c = self.colours
        gutter = self.gutter
        rows, count = self._head_rows()
        paint.text_in(p, QRectF(8, axis + 2, gutter - 12, bar_h), "Freezes", c.text, bold)
        start, end = self.visible_range()
        n = 0
        for freeze in self.index.data.freezes:
            for occ in freeze.occurrences:
                row = rows[n]
                n += 1
                if occ.end < start or occ.start > end:
                    continue
                x0, x1 = max(gutter, self.x_of(occ.start)), min(width + 4, self.x_of(occ.end))
                rect = QRectF(x0, axis + 2 + row * bar_h, max(4.0, x1 - x0), bar_h - 3)
                overrides = len(self.index.approved_overrides(freeze.key))
                paint.freeze_bar(p, rect, freeze.hard, freeze.name, overrides, c, small)
                ref = Ref(FREEZE, freeze.key)
                if ref == self.selected:
                    paint.outline(p, rect, c)
                self.add_hit(Hit(ref, rect, occ.start, occ.end))
        y = axis + count * bar_h + 4
        paint.text_in(p, QRectF(8, y, gutter - 12, bar_h), "Windows", c.text, bold)
        for window in self.index.data.windows:
            for occ in window.occurrences:
                if occ.end < start or occ.start > end:
                    continue
                x0, x1 = max(gutter, self.x_of(occ.start)), min(width + 4, self.x_of(occ.end))
                rect = QRectF(x0, y + 2, max(2.0, x1 - x0), bar_h - 4)
                p.fillRect(rect, c.window_band)
                p.fillRect(
                    QRectF(
                        rect.left(), rect.top(), max(1.5, min(3.0, rect.width())), rect.height()
                    ),
                    c.window_edge,
                )
                if rect.width() > 60:
                    paint.text_in(p, rect.adjusted(5, 0, -2, 0), window.name, c.text, small)
                ref = Ref(WINDOW, window.key)
                if ref == self.selected:
                    paint.outline(p, rect, c)
                self.add_hit(Hit(ref, rect, occ.start, occ.end))

    def _lane_positions(self, top: float) -> list[tuple[Lane, float, float]]:
        y = top - self.verticalScrollBar().value()
        found = []
        for lane in self.lanes():
            h = self.lane_height(lane)
            found.append((lane, y, h))
            y += h
        return found

    def _paint_lane_heads(
        self, p: QPainter, top: float, height: float, bold: QFont, small: QFont
    ) -> None:
        c = self.colours
        gutter = self.gutter
        fm = QFontMetricsF(bold).height()
        for n, (lane, y, h) in enumerate(self._lane_positions(top)):
            if y > height or y + h < top:
                continue
            rect = QRectF(0, y, gutter - 1, h)
            p.fillRect(rect, c.window if n % 2 == 0 else paint.mixed(c.window, c.text, 0.04))
            paint.text_in(p, QRectF(8, y + 4, gutter - 14, fm + 2), lane.name, c.text, bold)
            start, end = self.visible_range()
            releases = sum(
                1 for r in lane.releases if r.window_end > start and r.window_start < end
            )
            deploys = lane.deployments.count(start, end)
            info = f"{releases} release{'s' if releases != 1 else ''} · {deploys:,} deploys"
            paint.text_in(p, QRectF(8, y + fm + 6, gutter - 14, fm), info, c.muted, small)
            p.setPen(QPen(c.grid, 1.0))
            p.drawLine(QPointF(0, y + h - 0.5), QPointF(gutter, y + h - 0.5))

    def _paint_lanes(
        self, p: QPainter, top: float, width: float, height: float, font: QFont
    ) -> None:
        assert self.index is not None
        c = self.colours
        start, end = self.visible_range()
        positions = self._lane_positions(top)
        for n, (_lane, y, h) in enumerate(positions):
            if y > height or y + h < top:
                continue
            if n % 2:
                p.fillRect(QRectF(self.gutter, y, width, h), paint.alpha(c.text, 0.025))
            p.setPen(QPen(c.grid, 1.0))
            p.drawLine(QPointF(self.gutter, y + h - 0.5), QPointF(width, y + h - 0.5))
        for freeze in self.index.data.freezes:
            for occ in freeze.occurrences:
                if occ.end < start or occ.start > end:
                    continue
                x0, x1 = self.x_of(occ.start), self.x_of(occ.end)
                for lane, y, h in positions:
                    if self._freeze_applies(freeze.teams, freeze.components, lane):
                        paint.hatch(p, QRectF(x0, y, x1 - x0, h), freeze.hard, c)
        painter = SwimlanePainter(self, p, font)
        for lane, y, h in positions:
            if y > height or y + h < top:
                continue
            painter.lane(lane, y, h, start, end, width)

    def _freeze_applies(
        self, teams: tuple[str, ...], components: tuple[str, ...], lane: Lane
    ) -> bool:
        if self.grouping == TRAINS or not (teams or components):
            return True
        return bool(lane.teams & set(teams)) or (bool(components) and not teams)

    def paint_ghost(self, p: QPainter, drag: Drag) -> None:
        row = self.rows.get(drag.ref)
        if row is None:
            return
        a = self.x_of(drag.new_start)
        b = max(self.x_of(drag.new_end), a + 6)
        if drag.ref.kind == RELEASE and self.index is not None and drag.mode == "move":
            release = self.index.releases.get(drag.ref.key)
            if release is not None and release.code_freeze_at is not None:
                a = self.x_of(release.code_freeze_at + drag.delta)
        paint.ghost(p, QRectF(a, row.top, b - a, row.height), drag.blocking, self.colours)
