"""Risk tier marks: a distinct shape per tier as well as a colour, so the tier reads on a
greyscale projector and for colour-blind coordinators (colour is never the only cue).

Icons are drawn rather than loaded so they stay crisp at any device pixel ratio.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

TIER_COLOURS = {"low": "#2e7d32", "medium": "#e08a00", "high": "#c62828"}
TIER_SHAPES = {"low": "circle", "medium": "triangle", "high": "diamond"}


def _draw(tier: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QColor(TIER_COLOURS[tier])
    painter.setPen(QPen(colour.darker(150), max(1.0, size / 16)))
    painter.setBrush(QBrush(colour))
    m = size * 0.12
    lo, hi, mid = m, size - m, size / 2
    shape = TIER_SHAPES[tier]
    if shape == "circle":
        r = size * 0.3
        painter.drawEllipse(QPointF(mid, mid), r, r)
    elif shape == "triangle":
        painter.drawPolygon(QPolygonF([QPointF(mid, lo), QPointF(hi, hi), QPointF(lo, hi)]))
    else:
        painter.drawPolygon(
            QPolygonF([QPointF(mid, lo), QPointF(hi, mid), QPointF(mid, hi), QPointF(lo, mid)])
        )
    painter.end()
    return pixmap


@cache
def risk_icon(tier: str) -> QIcon:
    """The tier's mark; an empty icon for an unknown tier (never an exception in a paint)."""
    icon = QIcon()
    if tier in TIER_SHAPES:
        for size in (16, 24, 32, 48):
            icon.addPixmap(_draw(tier, size))
    return icon
