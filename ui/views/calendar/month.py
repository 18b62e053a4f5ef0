"""The month: a grid of days with compact labelled bars, freezes hatched across the hours they
cover, windows as a light band along each day's foot, and deployments counted per day.

A busy organisation deploys hundreds of times a day, so a day shows its deployments as one
count ("212 deploys · 3 in conflict", a click opens the day in the week) unless there are only
a few; items that do not fit collapse into "+N more".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ui.views.calendar import paint
from ui.views.calendar.canvas import CalendarCanvas, Hit, More
from ui.views.calendar.describe import GATES_BLOCKED, gate_mark, label
from ui.views.calendar.drag import Drag
from ui.views.calendar.index import DEPLOYMENT, FREEZE, RELEASE, WAVE, Ref, Tally
from ui.views.calendar.timegrid import Day, covered, days, month_grid, pack
from ui.views.calendar.zones import MONTHS, WEEKDAYS, clock

FEW_DEPLOYMENTS = 3
"""A day with more deployments than this shows their count instead of each one."""
CODE_FREEZE = "code freeze"


@dataclass
class Segment:
    """One item's bar within a week row: from day column `first` to `last`."""

    ref: Ref
    first: int
    last: int
    text: str
    style: str
    """release, wave, freeze, code freeze, deployment or count."""
    start: datetime | None = None
    end: datetime | None = None
    lane: int = 0
    count: Tally = Tally(0, 0, 0, 0)
    """A day's deployments: total, done, in conflict, blocked."""


class MonthCanvas(CalendarCanvas):
    snap = timedelta(days=1)
    mode_name = "month"

    def __init__(self, parent: QWidget | None = None, first_weekday: int = 0) -> None:
        super().__init__(parent)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName("Month calendar")
        self.setAccessibleDescription(
            "Arrow keys move the focused day, Tab steps through its items, Enter edits, "
            "Page Up and Page Down change the month, T goes to today."
        )
        self.first_weekday = first_weekday
        self.month = date.today().replace(day=1)
        self._grid: list[Day] = []
        self._first = self.month
        self._weeks = 5
        self._lane_offsets: dict[Ref, float] = {}
        self._ready = True

    # ----------------------------------------------------------------- range
    def show_date(self, day: date) -> None:
        self.month = day.replace(day=1)
        self.focus_day = day
        self._rebuild()

    def set_zone(self, zone_id: str) -> None:
        self.zone = zone_id
        self._rebuild()

    def _rebuild(self) -> None:
        self._first, self._weeks = month_grid(self.month, self.first_weekday)
        self._grid = days(self._first, self._weeks * 7, self.zone)
        self.refresh()

    def grid(self) -> list[Day]:
        if not self._grid:
            self._rebuild()
        return self._grid

    def visible_range(self) -> tuple[datetime, datetime]:
        grid = self.grid()
        return grid[0].start, grid[-1].end

    def cursor_step(self, key: int) -> int:
        return {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Up: -7,
            Qt.Key.Key_Down: 7,
        }.get(Qt.Key(key), 0)

    # -------------------------------------------------------------- geometry
    def _metrics(self) -> tuple[float, float, float, float]:
        """Header height, day-number height, bar height, window-band height."""
        fm = QFontMetricsF(self.font())
        return fm.height() + 10, fm.height() + 6, fm.height() + 4, max(6.0, fm.height() * 0.4)

    def cell_rect(self, i: int) -> QRectF:
        vp = self.viewport()
        head = self._metrics()[0]
        w = vp.width() / 7
        h = (vp.height() - head) / self._weeks
        return QRectF((i % 7) * w, head + (i // 7) * h, w, h)

    def day_rect(self, day: date) -> QRectF | None:
        i = (day - self._first).days
        return self.cell_rect(i) if 0 <= i < len(self.grid()) else None

    def _cell_index(self, pos: QPointF) -> int | None:
        vp = self.viewport()
        head = self._metrics()[0]
        if pos.y() < head or pos.x() < 0 or pos.x() >= vp.width():
            return None
        col = int(pos.x() // (vp.width() / 7))
        row = int((pos.y() - head) // ((vp.height() - head) / self._weeks))
        i = row * 7 + col
        return i if 0 <= i < len(self.grid()) else None

    def time_at(self, pos: QPointF) -> datetime | None:
        i = self._cell_index(pos)
        if i is None:
            return None
        day = self.grid()[i]
        cell = self.cell_rect(i)
        share = (pos.x() - cell.left()) / max(1.0, cell.width())
        return day.start + (day.end - day.start) * share

    def day_at(self, pos: QPointF) -> date | None:
        i = self._cell_index(pos)
        return None if i is None else self.grid()[i].day

    def drag_delta(self, press: QPointF, pos: QPointF) -> timedelta | None:
        a, b = self.day_at(press), self.day_at(pos)
        return None if a is None or b is None else timedelta(days=(b - a).days)

    # -------------------------------------------------------------- painting
    def paint_canvas(self, p: QPainter, width: float, height: float) -> None:
        grid = self.grid()
        c = self.colours
        head, number_h, bar_h, band_h = self._metrics()
        font = self.font()
        bold = paint.scaled(font, 1.0, bold=True)
        small = paint.scaled(font, 0.9)
        today = self.today()
        p.fillRect(QRectF(0, 0, width, head), c.window)
        for col in range(7):
            name = WEEKDAYS[(self.first_weekday + col) % 7]
            rect = QRectF(col * width / 7 + 8, 0, width / 7 - 8, head)
            paint.text_in(p, rect, name, c.muted, bold)
        segments = self._segments(grid) if self.index is not None else []
        lanes_fit = max(1, int((self.cell_rect(0).height() - number_h - band_h - 2) // bar_h))
        for i, day in enumerate(grid):
            self._paint_day_background(p, i, day, today, c)
        self._lane_offsets = {}
        for week in range(self._weeks):
            row = [s for s in segments if s.first // 7 == week]
            self._paint_week(p, row, lanes_fit, number_h, bar_h, small)
        for i, day in enumerate(grid):
            self._paint_day_number(p, i, day, today, number_h, bold)
        p.setPen(QPen(c.grid, 1.0))
        for col in range(1, 7):
            x = round(col * width / 7) + 0.5
            p.drawLine(QPointF(x, head), QPointF(x, height))
        for week in range(self._weeks + 1):
            y = round(self.cell_rect(week * 7).top()) + 0.5 if week < self._weeks else height - 0.5
            p.drawLine(QPointF(0, y), QPointF(width, y))
        cursor = self.day_rect(self.focus_day)
        if cursor is not None:
            pen = QPen(c.highlight, 2.0 if self.hasFocus() else 1.0)
            if not self.hasFocus():
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(cursor.adjusted(1.5, 1.5, -1.5, -1.5))
        if self.index is None:
            self.paint_empty(p, QRectF(0, head, width, 40), "Loading the calendar…")

    def _paint_day_background(
        self, p: QPainter, i: int, day: Day, today: date, c: paint.Colours
    ) -> None:
        rect = self.cell_rect(i)
        if day.day.month != self.month.month:
            p.fillRect(rect, c.other_month)
        elif day.day.weekday() >= 5:
            p.fillRect(rect, c.weekend)
        if self.index is None:
            return
        band_h = self._metrics()[3]
        for window in self.index.data.windows:
            for occ in window.occurrences:
                part = day.part(occ.start, occ.end)
                if part is None:
                    continue
                x0 = rect.left() + rect.width() * part[0]
                x1 = rect.left() + rect.width() * part[1]
                band = QRectF(x0, rect.bottom() - band_h - 1, max(2.0, x1 - x0), band_h)
                p.fillRect(band, c.window_band)
                p.fillRect(QRectF(band.left(), band.top(), band.width(), 1.5), c.window_edge)
                self.add_hit(Hit(Ref("window", window.key), band, occ.start, occ.end, (day.day,)))
        for freeze in self.index.data.freezes:
            for occ in freeze.occurrences:
                part = day.part(occ.start, occ.end)
                if part is None:
                    continue
                x0 = rect.left() + rect.width() * part[0]
                x1 = rect.left() + rect.width() * part[1]
                paint.hatch(p, QRectF(x0, rect.top(), x1 - x0, rect.height()), freeze.hard, c)
        if day.day == today:
            p.save()
            p.setPen(QPen(c.today, 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(rect.adjusted(1, 1, -1, -1))
            p.restore()

    def _paint_day_number(
        self, p: QPainter, i: int, day: Day, today: date, number_h: float, bold: QFont
    ) -> None:
        c = self.colours
        rect = self.cell_rect(i)
        text = str(day.day.day)
        if day.day.day == 1:
            text = f"{day.day.day} {MONTHS[day.day.month - 1][:3]}"
        plate = QRectF(rect.left() + 4, rect.top() + 3, rect.width() - 8, number_h - 5)
        if day.day == today:
            used = paint.badge(p, plate, text, c.today, QColor("#ffffff"), bold)
            rest = QRectF(
                used.right() + 4, plate.top(), plate.right() - used.right() - 4, plate.height()
            )
            paint.text_in(p, rest, "Today", c.today, bold)
            return
        colour = c.text if day.day.month == self.month.month else c.muted
        paint.text_in(p, plate.adjusted(2, 0, 0, 0), text, colour, bold)

    def _segments(self, grid: list[Day]) -> list[Segment]:
        """Every bar of the page, split at week ends, in priority order."""
        index = self.index
        assert index is not None
        found: list[Segment] = []

        def add(ref: Ref, start: datetime, end: datetime, text: str, style: str) -> None:
            span = covered(grid, start, end)
            if span is None:
                return
            first, last = span
            while first <= last:
                week_end = min(last, first // 7 * 7 + 6)
                found.append(Segment(ref, first, week_end, text, style, start, end))
                first = week_end + 1

        for freeze in index.data.freezes:
            for occ in freeze.occurrences:
                add(Ref(FREEZE, freeze.key), occ.start, occ.end, freeze.name, FREEZE)
        for release in index.data.releases:
            ref = Ref(RELEASE, release.key)
            add(
                ref, release.window_start, release.window_end, label(index, ref, self.zone), RELEASE
            )
            if release.code_freeze_at is not None:
                at = release.code_freeze_at
                text = f"Code freeze {release.name} · {clock(at, self.zone)}"
                add(ref, at, at + timedelta(seconds=1), text, CODE_FREEZE)
        for wave in index.data.waves:
            ref = Ref(WAVE, wave.key)
            add(ref, wave.start, wave.end, label(index, ref, self.zone), WAVE)
        everything = index.all_deployments
        for i, day in enumerate(grid):
            tally = everything.tally(day.start, day.end)
            total = tally.total
            if not total:
                continue
            if total <= FEW_DEPLOYMENTS:
                for dep in everything.between(day.start, day.end):
                    ref = Ref(DEPLOYMENT, dep.key)
                    seg = Segment(
                        ref,
                        i,
                        i,
                        label(index, ref, self.zone),
                        DEPLOYMENT,
                        dep.planned_start,
                        dep.planned_end,
                    )
                    found.append(seg)
                continue
            text = f"{total:,} deploy{'s' if total != 1 else ''}"
            seg = Segment(
                Ref("day", day.day.isoformat()),
                i,
                i,
                text,
                "count",
                count=tally,
            )
            found.append(seg)
        return found

    def _paint_week(
        self,
        p: QPainter,
        segments: list[Segment],
        lanes_fit: int,
        number_h: float,
        bar_h: float,
        font: QFont,
    ) -> None:
        order = {FREEZE: 0, RELEASE: 1, CODE_FREEZE: 2, WAVE: 3, DEPLOYMENT: 4, "count": 5}
        segments.sort(key=lambda s: (order[s.style], s.first, -(s.last - s.first)))
        counts = [s for s in segments if s.style == "count"]
        if counts and lanes_fit >= 2:  # a day's deployment count always shows, at its foot
            lanes_fit -= 1
            segments = [s for s in segments if s.style != "count"]
            for seg in counts:
                seg.lane = lanes_fit
                self._paint_segment(p, seg, seg.first, seg.last, number_h, bar_h, font)
        packed = pack([(s.first, s.last) for s in segments], lanes_fit)
        for seg, lane, visible in zip(segments, packed.lanes, packed.visible, strict=True):
            seg.lane = lane
            for first, last in visible:
                self._paint_segment(p, seg, first, last, number_h, bar_h, font)
        bold = paint.scaled(font, 1.0, bold=True)
        for col, hidden in packed.hidden.items():
            refs = tuple(dict.fromkeys(segments[n].ref for n in hidden))
            cell = self.cell_rect(col)
            y = cell.top() + number_h + (lanes_fit - 1) * bar_h
            rect = QRectF(cell.left() + 4, y, cell.width() - 8, bar_h - 2)
            paint.text_in(p, rect, f"+{len(refs)} more", self.colours.text, bold)
            self.add_more(More(rect, self.grid()[col].day, refs))

    def _paint_segment(
        self,
        p: QPainter,
        seg: Segment,
        first: int,
        last: int,
        number_h: float,
        bar_h: float,
        font: QFont,
    ) -> None:
        assert self.index is not None
        c = self.colours
        a, b = self.cell_rect(first), self.cell_rect(last)
        y = a.top() + number_h + seg.lane * bar_h
        rect = QRectF(a.left() + 3, y, b.right() - a.left() - 6, bar_h - 2)
        grid = self.grid()
        covered_days = tuple(grid[i].day for i in range(first, last + 1))
        selected = seg.ref == self.selected
        if seg.style == "count":
            total, done, bad, blocked = seg.count
            self._paint_count(p, rect, seg.text, seg.count, font)
            tip = (
                f"{total:,} deployments on {grid[first].day:%a %d %b}: {done:,} done, "
                f"{bad} in conflict ({blocked} blocked). Click to open the day in the week."
            )
            self.add_more(More(rect, grid[first].day, (), tip))
            return
        if seg.style == FREEZE:
            freeze = self.index.freezes[seg.ref.key]
            overrides = len(self.index.approved_overrides(freeze.key))
            paint.freeze_bar(p, rect, freeze.hard, freeze.name, overrides, c, font)
            if selected:
                paint.outline(p, rect, c)
        elif seg.style == CODE_FREEZE:
            paint.diamond(
                p,
                QPointF(rect.left() + bar_h / 2, rect.center().y()),
                bar_h * 0.6,
                c.release.fill,
                c.release.edge,
            )
            text_rect = rect.adjusted(bar_h, 0, 0, 0)
            paint.text_in(p, text_rect, seg.text, c.text, font)
            if selected:
                paint.outline(p, rect, c)
        else:
            hue = {RELEASE: c.release, WAVE: c.wave, DEPLOYMENT: c.deployment}[seg.style]
            filled, mark = True, ""
            if seg.style == DEPLOYMENT:
                dep = self.index.deployments[seg.ref.key]
                filled, mark = dep.actual_start is not None, gate_mark(dep)
            count = self.index.conflict_count(seg.ref)
            blocking = self.index.any_blocking(seg.ref)
            paint.bar(
                p,
                rect,
                hue,
                seg.text,
                font,
                c,
                filled=filled,
                selected=selected,
                conflicts=count,
                blocking=blocking,
                mark=mark,
                alarm=mark == GATES_BLOCKED,
            )
        if seg.style == RELEASE:
            self._lane_offsets.setdefault(seg.ref, y - a.top())
        marker = seg.style == CODE_FREEZE
        self.add_hit(Hit(seg.ref, rect, seg.start, seg.end, covered_days, resizable=not marker))

    def _paint_count(self, p: QPainter, rect: QRectF, text: str, count: Tally, font: QFont) -> None:
        """A day's deployments: a gauge (filled share = done), the count, and the number in
        conflict behind a stop or warning glyph."""
        total, done, bad, blocked = count
        c = self.colours
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(c.deployment.edge, c.line))
        p.setBrush(c.base)
        p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        gauge = QRectF(rect.left() + 4, rect.top() + 3, 8, rect.height() - 6)
        p.drawRect(gauge)
        share = done / total if total else 0.0
        filled = QRectF(
            gauge.left(),
            gauge.bottom() - gauge.height() * share,
            gauge.width(),
            gauge.height() * share,
        )
        p.fillRect(filled, c.deployment.edge)
        x = gauge.right() + 5
        right = rect.right() - 4
        if bad:  # the clash count keeps its place at the right; the label gives way
            metrics = QFontMetricsF(font)
            number = f"{bad:,}"
            size = min(rect.height() - 3, 14.0)
            width = metrics.horizontalAdvance(number)
            right -= width
            paint.text_in(p, QRectF(right, rect.top(), width, rect.height()), number, c.text, font)
            right -= size + 3
            paint.warning(p, QPointF(right + size / 2, rect.center().y()), size, blocked > 0)
            right -= 4
        metrics = QFontMetricsF(font)
        label = text if metrics.horizontalAdvance(text) <= right - x else f"{total:,}"
        paint.text_in(p, QRectF(x, rect.top(), right - x, rect.height()), label, c.text, font)
        p.restore()

    def paint_ghost(self, p: QPainter, drag: Drag) -> None:
        grid = self.grid()
        span = covered(grid, drag.new_start, drag.new_end)
        if span is None:
            return
        offset = self._lane_offsets.get(drag.ref, self._metrics()[1])
        bar_h = self._metrics()[2]
        first, last = span
        while first <= last:
            week_end = min(last, first // 7 * 7 + 6)
            a, b = self.cell_rect(first), self.cell_rect(week_end)
            rect = QRectF(a.left() + 3, a.top() + offset, b.right() - a.left() - 6, bar_h - 2)
            paint.ghost(p, rect, drag.blocking, self.colours)
            first = week_end + 1
