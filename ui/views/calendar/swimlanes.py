"""Painting one swimlane of the timeline: its releases with their waves, and its
deployments as ticks or, when they would crowd, as counts per day."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from app.services.calendar_data import ReleaseItem
from ui.views.calendar import paint
from ui.views.calendar.canvas import Hit, More
from ui.views.calendar.index import DEPLOYMENT, RELEASE, WAVE, Lane, Ref, release_span

if TYPE_CHECKING:
    from ui.views.calendar.timeline import TimelineCanvas

DAY = timedelta(days=1)
TICK_SPACING = 5.0
"""Below this many pixels per visible deployment, a lane shows counts per day."""


@dataclass(frozen=True)
class Row:
    """Where a release or wave sits vertically, for its ghost during a drag."""

    top: float
    height: float


class SwimlanePainter:
    def __init__(self, canvas: TimelineCanvas, p: QPainter, font: QFont) -> None:
        assert canvas.index is not None
        self.canvas = canvas
        self.index = canvas.index
        self.p = p
        self.font = font
        self.colours = canvas.colours

    def lane(
        self, lane: Lane, y: float, h: float, start: datetime, end: datetime, width: float
    ) -> None:
        _a, bar_h, wave_h, dep_h = self.canvas.metrics()
        row_h = bar_h + wave_h + 6
        by_row: dict[int, list[tuple[float, float]]] = {}
        placed = []
        for release, row in zip(lane.releases, lane.rows, strict=True):
            first, last = release_span(release)
            if last < start - DAY * 30 or first > end:
                continue
            x0, x1 = self.canvas.x_of(first), self.canvas.x_of(last)
            by_row.setdefault(row, []).append((x0, x1))
            placed.append((release, row, x0, x1))
        for release, row, x0, x1 in placed:
            following = [a for a, _b in by_row[row] if a > x1]
            limit = min(following, default=width) - 4
            top = y + 6 + row * row_h
            self.release(release, top, bar_h, wave_h, x0, x1, limit)
        self.deployments(lane, y + h - dep_h - 6, dep_h, start, end, width)

    def release(
        self,
        release: ReleaseItem,
        top: float,
        bar_h: float,
        wave_h: float,
        x0: float,
        x1: float,
        limit: float,
    ) -> None:
        """Stabilisation (light) then the window (solid), the code-freeze diamond, the
        conflict glyph, the name inside or after the bar, and the waves beneath."""
        p, c, font, index = self.p, self.colours, self.font, self.index
        ref = Ref(RELEASE, release.key)
        wx0 = self.canvas.x_of(release.window_start)
        wx1 = max(self.canvas.x_of(release.window_end), wx0 + 6)
        whole = QRectF(x0, top, max(wx1, x1) - x0, bar_h - 2)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setBrush(paint.mixed(c.base, c.release.edge, 0.1 if not c.high_contrast else 0.0))
        p.setPen(QPen(c.release.edge, c.line))
        p.drawRoundedRect(whole.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
        window = QRectF(wx0, top, wx1 - wx0, bar_h - 2)
        p.setBrush(c.release.edge)
        p.drawRoundedRect(window.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2)
        p.restore()
        if release.code_freeze_at is not None:
            paint.diamond(
                p,
                QPointF(x0 + bar_h * 0.4, whole.center().y()),
                bar_h * 0.55,
                c.base,
                c.release.edge,
            )
        count = index.conflict_count(ref)
        text_left = x0 + (bar_h * 0.85 if release.code_freeze_at is not None else 5)
        if count:
            size = min(bar_h - 4, 15.0)
            paint.warning(
                p,
                QPointF(text_left + size / 2, whole.center().y()),
                size,
                index.any_blocking(ref),
            )
            text_left += size + 3
        inside = wx0 - text_left - 4
        text = release.name
        metrics = QFontMetricsF(font)
        if inside >= min(metrics.horizontalAdvance(text), 60):
            rect = QRectF(text_left, top, inside, bar_h - 2)
        else:  # too short to hold its name: write it after the bar
            rect = QRectF(whole.right() + 4, top, max(0.0, limit - whole.right() - 4), bar_h - 2)
        paint.text_in(p, rect, text, c.text, font)
        if ref == self.canvas.selected:
            paint.outline(p, whole, c)
        self.canvas.rows[ref] = Row(top, bar_h - 2)
        self.canvas.add_hit(Hit(ref, whole, release.window_start, release.window_end))
        wave_top = top + bar_h
        for wave in index.waves_of.get(release.key, []):
            wref = Ref(WAVE, wave.key)
            a = self.canvas.x_of(wave.start)
            b = max(self.canvas.x_of(wave.end), a + 4)
            rect = QRectF(a, wave_top, b - a, wave_h)
            conflicts = index.conflict_count(wref)
            paint.bar(
                p,
                rect,
                c.wave,
                f"{wave.traffic_percent} %",
                paint.scaled(font, 0.8),
                c,
                selected=wref == self.canvas.selected,
                conflicts=conflicts,
                blocking=index.blocking(wref),
                radius=2,
            )
            self.canvas.rows[wref] = Row(wave_top, wave_h)
            self.canvas.add_hit(Hit(wref, rect, wave.start, wave.end))

    def deployments(
        self, lane: Lane, y: float, h: float, start: datetime, end: datetime, width: float
    ) -> None:
        """One tick per deployment (outline: planned, filled: done), or counts per day."""
        p, c, index = self.p, self.colours, self.index
        deps = lane.deployments
        lo, hi = deps.range(start - DAY, end)
        if hi <= lo:
            return
        if (hi - lo) * TICK_SPACING <= self.canvas.plot_width():
            for dep in deps.items[lo:hi]:
                ref = Ref(DEPLOYMENT, dep.key)
                actual = dep.actual_start is not None
                a = self.canvas.x_of(
                    dep.actual_start if actual and dep.actual_start else dep.planned_start
                )
                b = max(a + 3, self.canvas.x_of(dep.actual_end or dep.planned_end))
                rect = QRectF(a, y, b - a, h)
                paint.deployment_mark(p, rect, actual, c)
                conflicts = index.conflicts(ref)
                if conflicts:
                    size = min(h, 13.0)
                    paint.warning(p, QPointF(a + size / 2, y - size / 2), size, index.blocking(ref))
                if ref == self.canvas.selected:
                    paint.outline(p, rect, c)
                self.canvas.add_hit(Hit(ref, rect, dep.planned_start, dep.planned_end))
            return
        self.counts(lane, y, h, width)

    def counts(self, lane: Lane, y: float, h: float, width: float) -> None:
        """Crowded: one column per day, its height the day's share of the busiest visible day,
        filled when most of the day is done, a warning glyph over a day with conflicts."""
        p, c = self.p, self.colours
        x_of = self.canvas.x_of
        days = [
            (d.day, x_of(d.start), x_of(d.end), lane.deployments.tally(d.start, d.end))
            for d in self.canvas.day_bounds()
        ]
        peak = max((t[0] for *_r, t in days), default=0)
        if not peak:
            return
        small = paint.scaled(self.font, 0.8)
        gutter = self.canvas.gutter
        for day, x0, x1, (n, finished, bad, blocked) in days:
            if not n or x1 < gutter or x0 > width:
                continue
            bar_h = max(2.0, (h + 4) * math.sqrt(n / peak))
            rect = QRectF(x0 + 0.5, y + h - bar_h, max(1.0, x1 - x0 - 1), bar_h)
            p.fillRect(rect, c.deployment.edge if finished * 2 >= n else c.deployment.fill)
            p.setPen(QPen(c.deployment.edge, 1.0))
            p.drawRect(rect)
            if bad and x1 - x0 >= 10:
                size = min(12.0, x1 - x0 - 2)
                paint.warning(
                    p, QPointF((x0 + x1) / 2, rect.top() - size / 2 - 1), size, blocked > 0
                )
            if x1 - x0 >= 26:
                align = Qt.AlignmentFlag.AlignHCenter
                paint.text_in(p, QRectF(x0, y - 2, x1 - x0, h), str(n), c.text, small, align)
            tip = (
                f"{lane.name}: {n} deployments on {day:%a %d %b}, {finished} done"
                + (f", {bad} in conflict" if bad else "")
                + ". Click to open the day in the week."
            )
            self.canvas.add_more(More(QRectF(x0, y - 2, max(3.0, x1 - x0), h + 4), day, (), tip))
