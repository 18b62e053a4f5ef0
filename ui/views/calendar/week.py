"""The week: seven day columns of hours with time-positioned blocks.

Freezes hatch the hours they cover and windows lie under them as light bands; releases, waves
and deployments are blocks side by side where they overlap. A day with many deployments shows
them as hourly counts in a strip on the right of its column, so a busy Tuesday stays
readable and paints in constant time. Freezes and code freezes also head the week in an
all-day row, where their names fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from app.planning.recurrence import place
from ui.views.calendar import paint
from ui.views.calendar.canvas import CalendarCanvas, Hit, More
from ui.views.calendar.describe import GATES_BLOCKED, gate_mark, label
from ui.views.calendar.drag import Drag
from ui.views.calendar.index import DEPLOYMENT, FREEZE, RELEASE, WAVE, WINDOW, Ref, stack_rows
from ui.views.calendar.timegrid import Day, days, pack
from ui.views.calendar.zones import MONTHS, WEEKDAYS, clock, local

FEW_PER_DAY = 12
"""A day with more deployments than this shows hourly counts instead of each one."""
HOUR_SIZES = (24.0, 32.0, 40.0, 52.0, 68.0, 88.0, 120.0)
ALL_DAY_LANES = 3
START_HOUR = 7


@dataclass
class Block:
    ref: Ref
    start: datetime
    end: datetime
    style: str


class WeekCanvas(CalendarCanvas):
    mode_name = "week"

    def __init__(self, parent: QWidget | None = None, first_weekday: int = 0) -> None:
        super().__init__(parent)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setAccessibleName("Week calendar")
        self.setAccessibleDescription(
            "Seven days by hour. Left and right move the focused day, Tab steps through its "
            "items, Ctrl+plus and minus change the hour height."
        )
        self.first_weekday = first_weekday
        self.hour_h = HOUR_SIZES[2]
        self._default_hour = HOUR_SIZES[2]
        self._grid: list[Day] = []
        self._first = date.today()
        self._scrolled = False
        self._zoomed = False
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.refresh())
        self.fonts_changed()
        self.show_date(date.today())
        self._ready = True

    # ----------------------------------------------------------------- range
    def show_date(self, day: date) -> None:
        self.focus_day = day
        self._first = day - timedelta(days=(day.weekday() - self.first_weekday) % 7)
        self._rebuild()

    def set_zone(self, zone_id: str) -> None:
        self.zone = zone_id
        self._rebuild()

    def _rebuild(self) -> None:
        self._grid = days(self._first, 7, self.zone)
        self._update_scrollbar()
        self.refresh()

    def grid(self) -> list[Day]:
        return self._grid

    def visible_range(self) -> tuple[datetime, datetime]:
        return self._grid[0].start, self._grid[-1].end

    @property
    def default_hour(self) -> float:
        """The hour height for the current font (presentation mode makes it taller)."""
        return self._default_hour

    def fonts_changed(self) -> None:
        fm = QFontMetricsF(self.font())
        self._default_hour = max(HOUR_SIZES[2], round(fm.height() * 2.6))
        if not self._zoomed:
            self.hour_h = self._default_hour
        self._update_scrollbar()

    # -------------------------------------------------------------- geometry
    def _metrics(self) -> tuple[float, float, float, float]:
        """Gutter width, header height, all-day row height, bar height."""
        fm = QFontMetricsF(self.font())
        bar_h = fm.height() + 5
        all_day = ALL_DAY_LANES * bar_h + 6
        return fm.horizontalAdvance("00:00") + 16, fm.height() * 2 + 12, all_day, bar_h

    def _top(self) -> float:
        _g, head, all_day, _b = self._metrics()
        return head + all_day

    def _update_scrollbar(self) -> None:
        bar = self.verticalScrollBar()
        area = max(1.0, self.viewport().height() - self._top())
        bar.setRange(0, max(0, int(24 * self.hour_h - area)))
        bar.setPageStep(int(area))
        bar.setSingleStep(int(self.hour_h / 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbar()
        if not self._scrolled:
            self.verticalScrollBar().setValue(int(START_HOUR * self.hour_h))

    def scroll_to_hour(self, hour: float) -> None:
        self._scrolled = True
        self.verticalScrollBar().setValue(int(hour * self.hour_h))

    def column(self, i: int) -> QRectF:
        gutter, head, _a, _b = self._metrics()
        w = (self.viewport().width() - gutter) / 7
        return QRectF(gutter + i * w, head, w, self.viewport().height() - head)

    def y_of(self, instant: datetime, day: Day) -> float:
        """Vertical position of an instant in a day's column (wall-clock hours)."""
        if instant <= day.start:
            minutes = 0.0
        elif instant >= day.end:
            minutes = 24 * 60.0
        else:
            at = local(instant, self.zone)
            minutes = at.hour * 60 + at.minute + at.second / 60
        return self._top() - self.verticalScrollBar().value() + minutes / 60 * self.hour_h

    def time_at(self, pos: QPointF) -> datetime | None:
        gutter = self._metrics()[0]
        if pos.x() < gutter:
            return None
        w = (self.viewport().width() - gutter) / 7
        i = min(6, int((pos.x() - gutter) // w))
        day = self._grid[i]
        y = pos.y() - self._top() + self.verticalScrollBar().value()
        minutes = max(0.0, min(24 * 60 - 1, y / self.hour_h * 60))
        wall = datetime.combine(day.day, datetime.min.time()) + timedelta(minutes=minutes)
        instant, _note = place(wall, self.zone)
        return instant

    def day_at(self, pos: QPointF) -> date | None:
        gutter = self._metrics()[0]
        if pos.x() < gutter:
            return None
        w = (self.viewport().width() - gutter) / 7
        return self._grid[min(6, int((pos.x() - gutter) // w))].day

    # ------------------------------------------------------------------ zoom
    def zoom(self, steps: int) -> None:
        sizes = sorted({*HOUR_SIZES, self._default_hour})
        if steps > 0:
            target = next((s for s in sizes if s > self.hour_h), sizes[-1])
        else:
            target = next((s for s in reversed(sizes) if s < self.hour_h), sizes[0])
        self._set_hour(target)

    def reset_zoom(self) -> None:
        self._set_hour(self._default_hour)

    def zoom_to(self, size: float) -> None:
        """A remembered hour height, within the sizes the zoom steps through."""
        self._set_hour(max(HOUR_SIZES[0], min(HOUR_SIZES[-1], size)))

    def _set_hour(self, size: float) -> None:
        bar = self.verticalScrollBar()
        hour = bar.value() / self.hour_h
        self.hour_h = size
        self._zoomed = size != self._default_hour
        self._update_scrollbar()
        bar.setValue(int(hour * size))
        self.refresh()
        self.zoomed.emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    # -------------------------------------------------------------- painting
    def paint_canvas(self, p: QPainter, width: float, height: float) -> None:
        c = self.colours
        gutter, head, all_day, bar_h = self._metrics()
        top = head + all_day
        font = self.font()
        small = paint.scaled(font, 0.9)
        bold = paint.scaled(font, 1.0, bold=True)
        today = self.today()
        p.save()
        p.setClipRect(QRectF(0, top, width, height - top))
        for i, day in enumerate(self._grid):
            self._paint_column(p, i, day, today, small)
        self._paint_hours(p, gutter, top, width, height)
        p.restore()
        p.fillRect(QRectF(0, 0, width, top), c.window)
        for i, day in enumerate(self._grid):
            self._paint_header(p, i, day, today, head, bold)
        self._paint_all_day(p, head, bar_h, small)
        p.setPen(QPen(c.rule, 1.0))
        p.drawLine(QPointF(0, top - 0.5), QPointF(width, top - 0.5))
        if self.index is None:
            self.paint_empty(p, QRectF(gutter, top + 8, width - gutter, 40), "Loading…")

    def _paint_header(
        self, p: QPainter, i: int, day: Day, today: date, head: float, bold: QFont
    ) -> None:
        c = self.colours
        col = self.column(i)
        fm_h = QFontMetricsF(bold).height()
        top = QRectF(col.left() + 6, 4, col.width() - 10, fm_h + 2)
        bottom = QRectF(col.left() + 6, 6 + fm_h, col.width() - 10, fm_h + 2)
        d = day.day
        paint.text_in(
            p,
            top,
            f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1][:3]}",
            c.today if d == today else c.text,
            bold,
        )
        if d == today:
            paint.badge(p, bottom, "Today", c.today, QColor("#ffffff"), bold)
        if d == self.focus_day:
            pen = QPen(c.highlight, 2.0 if self.hasFocus() else 1.0)
            if not self.hasFocus():
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(QRectF(col.left() + 1.5, 1.5, col.width() - 3, head - 3))
        p.setPen(QPen(c.grid, 1.0))
        x = round(col.left()) + 0.5
        p.drawLine(QPointF(x, 0), QPointF(x, head))

    def _paint_hours(
        self, p: QPainter, gutter: float, top: float, width: float, height: float
    ) -> None:
        c = self.colours
        scroll = self.verticalScrollBar().value()
        small = paint.scaled(self.font(), 0.9)
        for hour in range(25):
            y = top - scroll + hour * self.hour_h
            if y < top - self.hour_h or y > height + self.hour_h:
                continue
            p.setPen(QPen(c.grid, 1.0))
            p.drawLine(QPointF(gutter, round(y) + 0.5), QPointF(width, round(y) + 0.5))
            if hour < 24:
                rect = QRectF(2, y - 1, gutter - 8, QFontMetricsF(small).height() + 2)
                paint.text_in(
                    p, rect, f"{hour:02d}:00", c.muted, small, Qt.AlignmentFlag.AlignRight
                )
        for i in range(8):
            x = round(gutter + i * (width - gutter) / 7) + 0.5
            p.drawLine(QPointF(x, top), QPointF(x, height))

    def _paint_column(self, p: QPainter, i: int, day: Day, today: date, font: QFont) -> None:
        c = self.colours
        col = self.column(i)
        body = QRectF(col.left(), self._top(), col.width(), col.height())
        if day.day.weekday() >= 5:
            p.fillRect(body, c.weekend)
        if day.day == self.focus_day:
            p.fillRect(body, paint.alpha(c.highlight, 0.05))
        if self.index is None:
            return
        index = self.index
        for window in index.data.windows:
            for occ in window.occurrences:
                if occ.end <= day.start or occ.start >= day.end:
                    continue
                y0, y1 = self.y_of(occ.start, day), self.y_of(occ.end, day)
                band = QRectF(col.left() + 1, y0, col.width() - 2, max(2.0, y1 - y0))
                p.fillRect(band, c.window_band)
                p.fillRect(QRectF(band.left(), band.top(), 3, band.height()), c.window_edge)
                if band.height() > QFontMetricsF(font).height() * 3:
                    rect = QRectF(
                        band.left() + 6,
                        band.bottom() - QFontMetricsF(font).height() - 3,
                        band.width() - 8,
                        QFontMetricsF(font).height(),
                    )
                    paint.text_in(p, rect, f"Window · {window.name}", c.muted, font)
                self.add_hit(Hit(Ref(WINDOW, window.key), band, occ.start, occ.end, (day.day,)))
        for freeze in index.data.freezes:
            for occ in freeze.occurrences:
                if occ.end <= day.start or occ.start >= day.end:
                    continue
                y0, y1 = self.y_of(occ.start, day), self.y_of(occ.end, day)
                paint.hatch(p, QRectF(col.left(), y0, col.width(), y1 - y0), freeze.hard, c)
        blocks: list[Block] = []
        for release in index.data.releases:
            if release.window_start < day.end and release.window_end > day.start:
                ref = Ref(RELEASE, release.key)
                blocks.append(Block(ref, release.window_start, release.window_end, RELEASE))
        for wave in index.data.waves:
            if wave.start < day.end and wave.end > day.start:
                blocks.append(Block(Ref(WAVE, wave.key), wave.start, wave.end, WAVE))
        deps = index.all_deployments
        lo, hi = deps.range(day.start - timedelta(days=1), day.end)
        todays = [d for d in deps.items[lo:hi] if d.planned_end > day.start]
        binned = len(todays) > FEW_PER_DAY
        if not binned:
            for dep in todays:
                ref = Ref(DEPLOYMENT, dep.key)
                blocks.append(Block(ref, dep.planned_start, dep.planned_end, DEPLOYMENT))
        area = QRectF(col.left() + 2, body.top(), col.width() - 4, body.height())
        if binned:  # the counts share the column with releases and waves, if any
            strip_w = area.width() * 0.45 if blocks else area.width()
            strip = QRectF(area.right() - strip_w, area.top(), strip_w, area.height())
            self._paint_bins(p, day, strip, font)
            area.setRight(area.right() - strip_w - 2)
        self._paint_blocks(p, day, blocks, area, font)
        if day.day == today:
            y = self.y_of(self.clock(), day)
            p.save()
            p.setPen(QPen(c.today, 2.0))
            p.drawLine(QPointF(col.left(), y), QPointF(col.right(), y))
            p.setBrush(c.today)
            p.setPen(Qt.PenStyle.NoPen)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.drawEllipse(QPointF(col.left() + 1, y), 4, 4)
            p.restore()

    def _paint_blocks(
        self, p: QPainter, day: Day, blocks: list[Block], area: QRectF, font: QFont
    ) -> None:
        assert self.index is not None
        c = self.colours
        if not blocks:
            return
        spans = [(b.start, max(b.end, b.start + timedelta(minutes=20))) for b in blocks]
        lanes = stack_rows(spans)
        count = max(lanes) + 1
        w = area.width() / count
        min_h = QFontMetricsF(font).height() + 4
        for block, lane in zip(blocks, lanes, strict=True):
            y0 = self.y_of(block.start, day)
            y1 = max(self.y_of(block.end, day), y0 + min_h)
            rect = QRectF(area.left() + lane * w, y0, w - 2, y1 - y0)
            hue = {RELEASE: c.release, WAVE: c.wave, DEPLOYMENT: c.deployment}[block.style]
            filled, mark = True, ""
            if block.style == DEPLOYMENT:
                dep = self.index.deployments[block.ref.key]
                filled, mark = dep.actual_start is not None, gate_mark(dep)
            text = label(self.index, block.ref, self.zone)
            paint.bar(
                p,
                rect,
                hue,
                text,
                font,
                c,
                filled=filled,
                selected=block.ref == self.selected,
                conflicts=self.index.conflict_count(block.ref),
                blocking=self.index.any_blocking(block.ref),
                mark=mark,
                alarm=mark == GATES_BLOCKED,
            )
            self._paint_second_line(p, rect, block, font)
            self.add_hit(Hit(block.ref, rect, block.start, block.end, (day.day,)))

    def _paint_second_line(self, p: QPainter, rect: QRectF, block: Block, font: QFont) -> None:
        line = QFontMetricsF(font).height()
        if rect.height() < line * 2 + 8:
            return
        text = f"{clock(block.start, self.zone)}–{clock(block.end, self.zone)}"
        if block.style == RELEASE and self.index is not None:
            release = self.index.releases[block.ref.key]
            text += f" · {release.train or 'independent'}"
        paint.text_in(
            p,
            QRectF(rect.left() + 6, rect.top() + line + 3, rect.width() - 9, line),
            text,
            self.colours.muted,
            font,
        )

    def _paint_bins(self, p: QPainter, day: Day, strip: QRectF, font: QFont) -> None:
        """Deployments per hour as a histogram: each bar's length is the hour's share of the
        day's busiest hour, its filled part the share done, a glyph when any conflict."""
        assert self.index is not None
        c = self.colours
        tallies = []
        for hour in range(24):
            wall = datetime.combine(day.day, datetime.min.time()) + timedelta(hours=hour)
            start, _n = place(wall, self.zone)
            end, _n = place(wall + timedelta(hours=1), self.zone)
            tallies.append((hour, start, self.index.all_deployments.tally(start, end)))
        peak = max(t[0] for _h, _s, t in tallies)
        if not peak:
            return
        metrics = QFontMetricsF(font)
        line = metrics.height()
        scroll = self.verticalScrollBar().value()
        first = max(0, int(scroll // self.hour_h))
        last = min(24, int((scroll + self.viewport().height()) // self.hour_h) + 1)
        for hour, start, (total, done, bad, blocked) in tallies[
            first:last
        ]:  # only the hours on screen
            if not total:
                continue
            y = self.y_of(start, day)
            height = min(self.hour_h - 3, max(line + 4, self.hour_h * 0.6))
            width = max(28.0, strip.width() * total / peak)
            rect = QRectF(strip.left(), y + 2, min(width, strip.width()), height)
            p.save()
            p.setPen(QPen(c.deployment.edge, c.line))
            p.setBrush(c.deployment.fill)
            p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
            p.fillRect(
                QRectF(rect.left(), rect.top(), rect.width() * done / total, 3), c.deployment.edge
            )
            x = rect.left() + 4
            if bad:
                size = min(rect.height() - 4, 13.0)
                paint.warning(p, QPointF(x + size / 2, rect.center().y()), size, blocked > 0)
                x += size + 3
            text = f"{total} deploy{'s' if total != 1 else ''}"
            if metrics.horizontalAdvance(text) > strip.right() - x - 2:
                text = str(total)
            spill = x + metrics.horizontalAdvance(text) + 2
            if spill > rect.right():  # the words run past a short bar: keep them legible
                plate = QRectF(
                    rect.right(), rect.top() + 1, spill - rect.right(), rect.height() - 2
                )
                p.fillRect(plate, paint.alpha(c.base, 0.85))
            paint.text_in(
                p, QRectF(x, rect.top(), strip.right() - x - 2, rect.height()), text, c.text, font
            )
            p.restore()
            tip = (
                f"{total} deployments {hour:02d}:00–{(hour + 1) % 24:02d}:00 on "
                f"{WEEKDAYS[day.day.weekday()]} {day.day.day}: {done} done, {bad} in conflict"
            )
            self.add_more(More(rect, day.day, (), tip))

    def _paint_all_day(self, p: QPainter, head: float, bar_h: float, font: QFont) -> None:
        if self.index is None:
            return
        index = self.index
        c = self.colours
        items: list[tuple[Ref, int, int, str]] = []
        grid = self._grid
        for freeze in index.data.freezes:
            for occ in freeze.occurrences:
                cols = [i for i, d in enumerate(grid) if occ.start < d.end and occ.end > d.start]
                if cols:
                    items.append((Ref(FREEZE, freeze.key), cols[0], cols[-1], FREEZE))
        for release in index.data.releases:
            at = release.code_freeze_at
            if at is None:
                continue
            cols = [i for i, d in enumerate(grid) if d.start <= at < d.end]
            if cols:
                items.append((Ref(RELEASE, release.key), cols[0], cols[0], "code freeze"))
        packed = pack([(first, last) for _r, first, last, _s in items], ALL_DAY_LANES)
        for (ref, _f, _l, style), lane, visible in zip(
            items, packed.lanes, packed.visible, strict=True
        ):
            for first, last in visible:
                a, b = self.column(first), self.column(last)
                top = head + 3 + lane * bar_h
                rect = QRectF(a.left() + 2, top, b.right() - a.left() - 4, bar_h - 2)
                self._paint_all_day_item(p, ref, style, rect, bar_h, font)
                covered_days = tuple(grid[i].day for i in range(first, last + 1))
                self.add_hit(Hit(ref, rect, None, None, covered_days, resizable=False))
        bold = paint.scaled(font, 1.0, bold=True)
        for col, hidden in packed.hidden.items():
            refs = tuple(dict.fromkeys(items[n][0] for n in hidden))
            a = self.column(col)
            top = head + 3 + (ALL_DAY_LANES - 1) * bar_h
            rect = QRectF(a.left() + 4, top, a.width() - 8, bar_h - 2)
            paint.text_in(p, rect, f"+{len(refs)} more", c.text, bold)
            self.add_more(More(rect, grid[col].day, refs))

    def _paint_all_day_item(
        self, p: QPainter, ref: Ref, style: str, rect: QRectF, bar_h: float, font: QFont
    ) -> None:
        assert self.index is not None
        c = self.colours
        if style == FREEZE:
            freeze = self.index.freezes[ref.key]
            overrides = len(self.index.approved_overrides(freeze.key))
            paint.freeze_bar(p, rect, freeze.hard, freeze.name, overrides, c, font)
        else:
            release = self.index.releases[ref.key]
            centre = QPointF(rect.left() + bar_h / 2, rect.center().y())
            paint.diamond(p, centre, bar_h * 0.6, c.release.fill, c.release.edge)
            assert release.code_freeze_at is not None
            text = f"Code freeze {release.name} · {clock(release.code_freeze_at, self.zone)}"
            paint.text_in(p, rect.adjusted(bar_h, 0, 0, 0), text, c.text, font)
        if ref == self.selected:
            paint.outline(p, rect, c)

    def paint_ghost(self, p: QPainter, drag: Drag) -> None:
        for i, day in enumerate(self._grid):
            if drag.new_start >= day.end or drag.new_end <= day.start:
                continue
            col = self.column(i)
            y0, y1 = self.y_of(drag.new_start, day), self.y_of(drag.new_end, day)
            rect = QRectF(col.left() + 3, y0, col.width() - 6, max(8.0, y1 - y0))
            paint.ghost(p, rect, drag.blocking, self.colours)
