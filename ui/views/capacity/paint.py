"""Drawing the capacity board's pieces: a card, a capacity bar, the flag badges and glyphs.

Every cue carries a shape or a word besides its colour: overcommitment is a hatched segment
past a heavy limit marker plus the words "9 over"; a flag is a boxed word; blocking is a stop
octagon and the word BLOCKED; the risk tier is the shared circle/triangle/diamond mark. Hues
are mixed into the palette's base, so the board reads on light, dark and the presentation
mode's black alike. Glyphs are vector paths, never font symbols.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from app.planning.plan import Load
from ui.theme import mixed, palette_kind, tinted
from ui.widgets.risk import risk_icon

Role = QPalette.ColorRole

CLASS_HUES = {
    "feature": "#2f6fce",
    "configuration": "#0f8b8d",
    "tech_debt": "#7048c8",
    "compliance": "#b5650d",
    "bug_fix": "#2e7d32",
    "emergency": "#c62828",
}
OVER_HUE = "#c62828"
FLAG_HUES = {
    "compliance": "#b5650d",
    "emergency": "#c62828",
    "regulated": "#7048c8",
    "blocked": "#c62828",
    "gates": "#c2185b",
    "fixed": "#5f6b7a",
}


@dataclass(frozen=True)
class Colours:
    base: QColor
    text: QColor
    muted: QColor
    grid: QColor
    rule: QColor
    lane_alt: QColor
    header: QColor
    card: QColor
    card_edge: QColor
    highlight: QColor
    fill: QColor
    """The committed part of a capacity bar within its limit."""
    over: QColor
    high_contrast: bool
    dark: bool

    @classmethod
    def of(cls, palette: QPalette) -> Colours:
        base, text, dark, high = palette_kind(palette)
        return cls(
            base=base,
            text=text,
            muted=tinted(text, 0.8 if high else 0.64),
            grid=tinted(text, 0.45 if high else 0.14),
            rule=tinted(text, 0.7 if high else 0.32),
            lane_alt=mixed(base, text, 0.07 if high else 0.025),
            header=palette.color(Role.Window) if not high else base,
            card=base if high else mixed(base, "#ffffff" if dark else "#f7f9fc", 0.6),
            card_edge=tinted(text, 0.9 if high else 0.28),
            highlight=QColor("#ffd400") if high else palette.color(Role.Highlight),
            fill=QColor("#9ec1ff") if high else mixed(base, "#2f6fce", 0.55 if dark else 0.45),
            over=QColor(OVER_HUE).lighter(175 if high else 140 if dark else 100),
            high_contrast=high,
            dark=dark,
        )

    @property
    def line(self) -> float:
        return 2.0 if self.high_contrast else 1.0

    def hue(self, colour: str) -> QColor:
        found = QColor(colour)
        return found.lighter(170 if self.high_contrast else 145) if self.dark else found


@dataclass(frozen=True)
class Fonts:
    normal: QFont
    bold: QFont
    small: QFont
    small_bold: QFont

    @classmethod
    def of(cls, font: QFont) -> Fonts:
        return cls(font, scaled(font, 1.0, bold=True), scaled(font, 0.86), scaled(font, 0.86, True))


def scaled(font: QFont, factor: float, bold: bool = False) -> QFont:
    result = QFont(font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    result.setPointSizeF(max(6.5, size * factor))
    result.setBold(bold)
    return result


def line_h(font: QFont) -> float:
    return QFontMetricsF(font).height()


def text_in(
    p: QPainter,
    rect: QRectF,
    text: str,
    colour: QColor,
    font: QFont,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
) -> float:
    """One line, vertically centred, elided to the rect; returns the width drawn."""
    if rect.width() <= 4 or not text:
        return 0.0
    metrics = QFontMetricsF(font)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    p.setFont(font)
    p.setPen(colour)
    p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)
    return metrics.horizontalAdvance(shown)


# ---------------------------------------------------------------------------- glyphs
@lru_cache(maxsize=16)
def _tile(rgba: int, width: float, step: float, dpr: float) -> QPixmap:
    size = max(1, round(step * dpr))
    tile = QPixmap(size, size)
    tile.fill(Qt.GlobalColor.transparent)
    tile.setDevicePixelRatio(size / step)
    p = QPainter(tile)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor.fromRgba(rgba), width))
    for k in (-1, 0, 1):  # the neighbours' lines too, so tiles join without seams
        o = k * step
        p.drawLine(QLineF(o, step, o + step, 0))
        p.drawLine(QLineF(o, 0, o + step, step))
    p.end()
    return tile


def hatch(p: QPainter, rect: QRectF, colour: QColor, colours: Colours, step: float = 6.0) -> None:
    """A cross-hatch over a tint of `colour`: overcommitment and blocked targets."""
    if rect.width() <= 0 or rect.height() <= 0:
        return
    p.fillRect(rect, tinted(colour, 0.22 if colours.high_contrast else 0.14))
    device = p.device()
    dpr = device.devicePixelRatioF() if device is not None else 1.0
    tile = _tile(tinted(colour, 0.85).rgba(), 1.4 if colours.high_contrast else 1.0, step, dpr)
    p.drawTiledPixmap(rect, tile, QPointF(rect.left() % step, rect.top() % step))


def octagon(p: QPainter, centre: QPointF, size: float) -> None:
    """The stop mark: blocking."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    r = size / 2
    points = [
        QPointF(
            centre.x() + r * math.cos(math.pi / 8 + i * math.pi / 4),
            centre.y() + r * math.sin(math.pi / 8 + i * math.pi / 4),
        )
        for i in range(8)
    ]
    p.setPen(QPen(QColor("#ffffff"), max(1.0, size / 12)))
    p.setBrush(QColor(OVER_HUE))
    p.drawPolygon(QPolygonF(points))
    p.setPen(QPen(QColor("#ffffff"), max(1.4, size / 6), Qt.PenStyle.SolidLine))
    p.drawLine(
        QPointF(centre.x() - r * 0.45, centre.y()), QPointF(centre.x() + r * 0.45, centre.y())
    )
    p.restore()


def triangle(p: QPainter, centre: QPointF, size: float) -> None:
    """The caution mark: a consequence that warns but does not block."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    r = size / 2
    cx, cy = centre.x(), centre.y()
    shape = QPolygonF(
        [QPointF(cx, cy - r), QPointF(cx + r, cy + r * 0.8), QPointF(cx - r, cy + r * 0.8)]
    )
    p.setPen(QPen(QColor("#1b1b1b"), max(1.0, size / 12)))
    p.setBrush(QColor("#f2b90f"))
    p.drawPolygon(shape)
    p.setPen(
        QPen(QColor("#1b1b1b"), max(1.3, size / 7), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    )
    p.drawLine(QPointF(cx, cy - r * 0.35), QPointF(cx, cy + r * 0.25))
    p.drawPoint(QPointF(cx, cy + r * 0.55))
    p.restore()


def badge(
    p: QPainter, x: float, rect: QRectF, text: str, hue: QColor, c: Colours, font: QFont
) -> float:
    """A boxed word at `x` in the row `rect`; returns the x after it (x unchanged: no room)."""
    width = QFontMetricsF(font).horizontalAdvance(text) + 8
    if x + width > rect.right():
        return x
    box = QRectF(x, rect.top() + 1, width, rect.height() - 2)
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(hue, c.line))
    p.setBrush(c.base if c.high_contrast else mixed(c.base, hue, 0.16))
    p.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    text_in(p, box, text, c.text, font, Qt.AlignmentFlag.AlignHCenter)
    p.restore()
    return x + width + 3


def tier_mark(p: QPainter, rect: QRectF, tier: str) -> None:
    side = int(min(rect.width(), rect.height()))
    risk_icon(tier).paint(p, QRectF(rect.left(), rect.top(), side, side).toRect())


# --------------------------------------------------------------------- capacity bar
def bar_words(load: Load) -> str:
    """ "43/34 · 9 over", "30/34 · 4 free" or "34/34 · full"."""
    head = f"{load.committed}/{load.limit}"
    if load.over:
        return f"{head} · {load.over} over"
    free = load.limit - load.committed
    return f"{head} · {free} free" if free else f"{head} · full"


def capacity_bar(p: QPainter, rect: QRectF, load: Load, c: Colours, fonts: Fonts) -> None:
    """Words on top, the bar below: committed up to a heavy limit marker, and anything past
    it as a hatched red segment, so overcommitment reads without colour."""
    text_h = line_h(fonts.small_bold)
    words = QRectF(rect.left(), rect.top(), rect.width(), text_h)
    x = words.left()
    if load.over:
        octagon(p, QPointF(x + text_h * 0.4, words.center().y()), text_h * 0.8)
        x += text_h * 0.8 + 4
    face = fonts.small_bold if load.over else fonts.small
    text_in(p, QRectF(x, words.top(), words.right() - x, text_h), bar_words(load), c.text, face)
    track = QRectF(
        rect.left(), words.bottom() + 1, rect.width(), max(6.0, rect.bottom() - words.bottom() - 3)
    )
    scale = max(load.limit, load.committed, 1)
    limit_x = track.left() + track.width() * load.limit / scale
    done_x = track.left() + track.width() * min(load.committed, load.limit) / scale
    p.save()
    p.fillRect(track, mixed(c.base, c.text, 0.12 if not c.high_contrast else 0.25))
    p.fillRect(QRectF(track.left(), track.top(), done_x - track.left(), track.height()), c.fill)
    if load.over:
        over = QRectF(limit_x, track.top(), track.right() - limit_x, track.height())
        hatch(p, over, c.over, c, step=5.0)
        p.setPen(QPen(c.over, c.line))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(over.adjusted(0.5, 0.5, -0.5, -0.5))
    p.setPen(QPen(c.text, 2.0 * c.line))
    p.drawLine(QPointF(limit_x, track.top() - 2), QPointF(limit_x, track.bottom() + 2))
    p.setPen(QPen(c.rule, 1.0))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(track.adjusted(0.5, 0.5, -0.5, -0.5))
    p.restore()


# ---------------------------------------------------------------------------- cards
def outline(p: QPainter, rect: QRectF, c: Colours, width: float = 3.0) -> None:
    """Selection and keyboard focus: a heavy ring outside the card plus a contrasting one."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(c.highlight, width))
    p.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 5, 5)
    p.setPen(QPen(c.base, 1.0))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
    p.restore()


def focus_ring(p: QPainter, rect: QRectF, c: Colours) -> None:
    """The keyboard focus on a cell or a card: dashed, so it differs from the selection."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(c.highlight, 2.0, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 6, 6)
    p.restore()


def ghost(p: QPainter, rect: QRectF, blocking: bool, c: Colours) -> None:
    """Where a dragged card would land: dashed; hatched red with a stop mark while that
    target blocks."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(tinted(c.highlight, 0.14))
    p.drawRoundedRect(rect, 4, 4)
    if blocking:
        hatch(p, rect, c.over, c)
    pen = QPen(c.over if blocking else c.highlight, 2.0, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
    p.restore()
