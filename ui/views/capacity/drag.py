"""Dragging a card to another release or the backlog, with the consequences of the target
under the pointer following it.

The canvas owns the mouse; this holds what a drag is (the card, where it came from, the
column under the pointer) and asks the move checker once per column, not once per mouse
move: the answers are kept for the drag's lifetime, so sweeping back and forth over the
same releases costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QAbstractScrollArea

from app.planning.plan import Consequence, PlanItem
from ui.views.capacity.paint import Colours, Fonts, line_h, octagon, text_in, triangle

Check = Callable[[int, int | None], list[Consequence]]
"""Item id and target release (None: the backlog) → what the move would do."""

MAX_LINES = 6
EDGE = 28.0
"""How close to the viewport's edge a drag scrolls the board."""
BLOCK, WARN, INFO = "block", "warn", "info"


def level(c: Consequence) -> str:
    """Blocking, a caution, or plain information (capacity that still fits, points freed)."""
    if c.blocking:
        return BLOCK
    if c.kind == "capacity" and "over capacity" not in c.text:
        return INFO
    return WARN


@dataclass
class Drag:
    item: PlanItem
    lane: int
    origin: int
    """The column the card sits in."""
    target_name: str = ""
    target: int | None = None
    """The column under the pointer; None when over no column."""
    release: int | None = None
    """The target column's release id (None: the backlog)."""
    pos: QPointF = field(default_factory=QPointF)
    grab: QPointF = field(default_factory=QPointF)
    """Where on the card it was picked up, so the ghost stays under the pointer."""
    consequences: list[Consequence] = field(default_factory=list)
    checked: dict[int, list[Consequence]] = field(default_factory=dict)
    checks: int = 0
    """How often the checker was asked during this drag."""

    @property
    def moved(self) -> bool:
        return self.target is not None and self.target != self.origin

    @property
    def blocking(self) -> bool:
        return self.moved and any(c.blocking for c in self.consequences)

    def hover(self, column: int | None, release: int | None, name: str, check: Check) -> bool:
        """Point at `column`; asks `check` the first time it is pointed at. True on change."""
        if column == self.target:
            return False
        self.target, self.release, self.target_name = column, release, name
        if column is None or column == self.origin:
            self.consequences = []
        elif column in self.checked:
            self.consequences = self.checked[column]
        else:
            self.checks += 1
            self.consequences = self.checked[column] = list(check(self.item.id, release))
        return True

    def lines(self) -> list[tuple[str, str | None]]:
        """The label: (text, BLOCK / WARN / INFO; None for a plain line)."""
        key = self.item.key
        if self.target is None:
            return [(f"{key}: drop on a release or the backlog", None), ("Esc cancels", None)]
        if not self.moved:
            return [(f"{key} stays in {self.target_name}", None), ("Esc cancels", None)]
        out: list[tuple[str, str | None]] = [(f"Move {key} to {self.target_name}", None)]
        out += [(c.text, level(c)) for c in self.consequences[:MAX_LINES]]
        if len(self.consequences) > MAX_LINES:
            out.append((f"… and {len(self.consequences) - MAX_LINES} more", None))
        if not self.consequences:
            out.append(("✓ Nothing stands against this move", None))
        if self.blocking:
            out.append(("BLOCKED · release to ask for an override · Esc cancels", BLOCK))
        else:
            out.append(("Release to move · Esc cancels", None))
        return out


def wrap(text: str, metrics: QFontMetricsF, width: float, lines: int = 2) -> list[str]:
    """`text` broken at spaces into at most `lines` lines of `width`, the last elided."""
    words, found, current = text.split(" "), [], ""
    for n, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if metrics.horizontalAdvance(trial) <= width or not current:
            current = trial
            continue
        found.append(current)
        current = word
        if len(found) == lines - 1:
            current = " ".join(words[n:])
            break
    found.append(current)
    elide = Qt.TextElideMode.ElideRight
    return [metrics.elidedText(line, elide, width) for line in found[:lines]]


def paint_label(p: QPainter, drag: Drag, bounds: QRectF, c: Colours, fonts: Fonts) -> QRectF:
    """The consequences beside the pointer, kept inside `bounds`."""
    font, bold = fonts.normal, fonts.bold
    metrics = QFontMetricsF(bold)
    glyph = line_h(font)
    width = min(max(300.0, bounds.width() * 0.42), 520.0, bounds.width() - 8)
    rows: list[tuple[str, str | None, bool, bool]] = []
    """Text, level (None: a plain line), bold, and whether the glyph goes before it."""
    for i, (text, kind) in enumerate(drag.lines()):
        room = width - 16 - (glyph + 4 if kind is not None else 0)
        parts = wrap(text, metrics, room, 1 if i == 0 else 2)
        for n, part in enumerate(parts):
            rows.append((part, kind, i == 0 or kind == BLOCK, n == 0))
    h = line_h(bold) + 2
    height = h * len(rows) + 12
    x, y = drag.pos.x() + 20, drag.pos.y() + 20
    if x + width > bounds.right():
        x = max(bounds.left(), drag.pos.x() - width - 14)
    if y + height > bounds.bottom():
        y = max(bounds.top(), drag.pos.y() - height - 14)
    box = QRectF(x, y, width, height)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(c.over if drag.blocking else c.highlight, 2.0))
    p.setBrush(c.base)
    p.drawRoundedRect(box, 6, 6)
    ty = box.top() + 6
    for text, kind, strong, first in rows:
        left = box.left() + 8
        if kind is not None:
            if first:
                mark(p, QPointF(left + glyph / 2, ty + h / 2), glyph - 3, kind, c)
            left += glyph + 4
        face = bold if strong else font
        text_in(p, QRectF(left, ty, box.right() - left - 8, h), text, c.text, face)
        ty += h
    p.restore()
    return box


def mark(p: QPainter, centre: QPointF, size: float, kind: str, c: Colours) -> None:
    """Stop octagon, caution triangle, or a small round bullet for plain information."""
    if kind == BLOCK:
        octagon(p, centre, size)
    elif kind == WARN:
        triangle(p, centre, size)
    else:
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(c.muted)
        p.drawEllipse(centre, size * 0.22, size * 0.22)
        p.restore()


def autoscroll(area: QAbstractScrollArea, pos: QPointF) -> None:
    """Near an edge a drag scrolls the board on, so a release out of view can be reached."""
    vp = area.viewport()
    for bar, at, size in (
        (area.horizontalScrollBar(), pos.x(), vp.width()),
        (area.verticalScrollBar(), pos.y(), vp.height()),
    ):
        if at > size - EDGE:
            bar.setValue(bar.value() + bar.singleStep())
        elif at < EDGE and bar.value() > 0:
            bar.setValue(bar.value() - bar.singleStep())
