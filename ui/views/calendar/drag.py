"""Dragging a release or a wave to another slot, with the what-if answer following the mouse.

The canvas owns the mouse; this holds what a drag is (the item, move or resize, where it was
and where it would land) and how its live verdict is shown: a floating label next to the
cursor with the number of conflicts and the first reason, red when the new spot blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QPen

from app.planning.schedule import BLOCKING, Conflict
from ui.views.calendar import paint
from ui.views.calendar.index import Ref
from ui.views.calendar.paint import Colours
from ui.views.calendar.zones import span_text

MOVE = "move"
RESIZE = "resize"
EDGE_PX = 6.0
"""How close to a bar's right end a press resizes rather than moves it."""

WhatIf = Callable[[Ref, datetime, datetime], list[Conflict]]


def snapped(delta: timedelta, step: timedelta) -> timedelta:
    """`delta` rounded to the nearest whole `step` (15 minutes, or a day in the month)."""
    steps = round(delta / step)
    return step * steps


@dataclass
class Drag:
    ref: Ref
    mode: str
    start: datetime
    end: datetime
    step: timedelta
    new_start: datetime
    new_end: datetime
    conflicts: list[Conflict] = field(default_factory=list)
    pos: QPointF = field(default_factory=QPointF)
    asked: bool = False
    """The what-if has been asked for the current position."""

    @classmethod
    def begin(cls, ref: Ref, mode: str, start: datetime, end: datetime, step: timedelta) -> Drag:
        return cls(ref, mode, start, end, step, start, end)

    @property
    def delta(self) -> timedelta:
        return self.new_start - self.start

    @property
    def moved(self) -> bool:
        return (self.new_start, self.new_end) != (self.start, self.end)

    @property
    def blocking(self) -> bool:
        return any(c.severity == BLOCKING for c in self.conflicts)

    def follow(self, delta: timedelta, what_if: WhatIf | None) -> bool:
        """Place the item `delta` (snapped) from where it was; True when the spot changed."""
        delta = snapped(delta, self.step)
        if self.mode == MOVE:
            start, end = self.start + delta, self.end + delta
        else:
            start, end = self.start, max(self.start + self.step, self.end + delta)
        if (start, end) == (self.new_start, self.new_end) and self.asked:
            return False
        self.new_start, self.new_end = start, end
        self.conflicts = what_if(self.ref, start, end) if what_if and self.moved else []
        self.asked = True
        return True

    def verdict(self) -> str:
        """The label's first line: how many conflicts the new spot has, and the first one."""
        if not self.moved:
            return "Drop here to keep it where it is"
        if not self.conflicts:
            return "✓ No conflicts at this time"
        count = len(self.conflicts)
        blocking = sum(1 for c in self.conflicts if c.severity == BLOCKING)
        head = f"⚠ {count} conflict{'s' if count != 1 else ''}"
        if blocking:
            head += f" ({blocking} blocking)"
        return f"{head}: {self.conflicts[0].reason}"

    def lines(self, zone_id: str) -> list[str]:
        verb = "Move to" if self.mode == MOVE else "Resize to"
        when = span_text(self.new_start, self.new_end, zone_id)
        return [f"{verb} {when}", self.verdict(), "Release to apply · Esc cancels"]


def wrapped(text: str, metrics: QFontMetricsF, width: float, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of `width`, the last elided."""
    words = text.split(" ")
    found: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        found.append(current)
        current = word
        if len(found) == lines - 1:
            current = " ".join(words[words.index(word) :])
            break
    found.append(current)
    elide = Qt.TextElideMode.ElideRight
    return [metrics.elidedText(line, elide, width) for line in found[:lines]]


def paint_label(
    p: QPainter, drag: Drag, zone_id: str, bounds: QRectF, colours: Colours, font: QFont
) -> QRectF:
    """The floating what-if label beside the cursor, kept inside `bounds`."""
    head, verdict, hint = drag.lines(zone_id)
    bold = paint.scaled(font, 1.0, bold=True)
    metrics, bold_metrics = QFontMetricsF(font), QFontMetricsF(bold)
    glyph = 18.0 if drag.conflicts else 0.0
    widest = max(
        metrics.horizontalAdvance(head),
        bold_metrics.horizontalAdvance(verdict) + glyph,
        metrics.horizontalAdvance(hint),
    )
    width = min(widest + 18, max(240.0, bounds.width() * 0.6))
    verdict_lines = wrapped(verdict.removeprefix("⚠ "), bold_metrics, width - 18 - glyph)
    rows = [(head, font, colours.text, 0.0)]
    rows += [(line, bold, colours.text, glyph) for line in verdict_lines]
    rows.append((hint, font, colours.muted, 0.0))
    line_h = metrics.height() + 2
    height = line_h * len(rows) + 10
    x = drag.pos.x() + 18
    y = drag.pos.y() + 18
    if x + width > bounds.right():
        x = max(bounds.left(), drag.pos.x() - width - 12)
    if y + height > bounds.bottom():
        y = max(bounds.top(), drag.pos.y() - height - 12)
    box = QRectF(x, y, width, height)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    edge = colours.hard if drag.blocking else colours.highlight
    p.setPen(QPen(edge, 2.0))
    p.setBrush(colours.base)
    p.drawRoundedRect(box, 5, 5)
    ty = box.top() + 5
    for i, (text, face, colour, indent) in enumerate(rows):
        rect = QRectF(box.left() + 8 + indent, ty, box.width() - 16 - indent, line_h)
        if i == 1 and drag.conflicts:
            centre = QPointF(box.left() + 8 + 7, rect.center().y())
            paint.warning(p, centre, 13, drag.blocking)
        paint.text_in(p, rect, text, colour, face, Qt.AlignmentFlag.AlignLeft)
        ty += line_h
    p.restore()
    return box
