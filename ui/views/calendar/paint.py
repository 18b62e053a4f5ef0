"""Drawing the three calendar modes share: colours from the palette, freeze hatches, glyphs
and labelled bars.

Every cue has a shape or a word besides its colour (hard freeze = dense cross-hatch + lock +
"HARD", soft = sparse diagonal + "soft", blocking = octagon, warning = triangle, planned =
outline, actual = filled), so the calendar reads in greyscale and to colour-blind eyes. The
hues are mixed into the palette's base colour, which keeps them legible on light, dark and the
presentation mode's black background alike. Glyphs are vector paths, never font symbols, so
they are crisp at any device pixel ratio and need no emoji font.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
)

from ui.theme import mixed, palette_kind, tinted

RELEASE_HUE = "#2f6fce"
WAVE_HUE = "#0f8b8d"
DEPLOY_HUE = "#7048c8"
WINDOW_HUE = "#2e9d5b"
HARD_HUE = "#c0392b"
SOFT_HUE = "#c27c0e"
TODAY_HUE = "#e02020"
WARNING_FILL = "#f2b90f"
BLOCKING_FILL = "#c62828"
OVERRIDE_HUE = "#2e9d5b"

Role = QPalette.ColorRole


alpha = tinted
"""The colour at `value` opacity."""


@dataclass(frozen=True)
class Hue:
    """One kind of item: its fill, its outline and the text drawn on the fill."""

    fill: QColor
    edge: QColor
    text: QColor


@dataclass(frozen=True)
class Colours:
    base: QColor
    window: QColor
    text: QColor
    muted: QColor
    grid: QColor
    rule: QColor
    highlight: QColor
    highlight_text: QColor
    other_month: QColor
    weekend: QColor
    release: Hue
    wave: Hue
    deployment: Hue
    window_band: QColor
    window_edge: QColor
    hard: QColor
    soft: QColor
    override: QColor
    today: QColor
    high_contrast: bool
    dark: bool

    @classmethod
    def of(cls, palette: QPalette) -> Colours:
        base, text, dark, high = palette_kind(palette)
        share = 0.85 if high else 0.34 if dark else 0.2

        def hue(colour: str) -> Hue:
            edge = QColor(colour).lighter(150) if dark else QColor(colour).darker(115)
            fill = base if high else mixed(base, colour, share)
            return Hue(fill, edge if not high else QColor(colour).lighter(170), text)

        muted = alpha(text, 0.78 if high else 0.62)
        return cls(
            base=base,
            window=palette.color(Role.Window),
            text=text,
            muted=muted,
            grid=alpha(text, 0.35 if high else 0.12),
            rule=alpha(text, 0.6 if high else 0.3),
            highlight=palette.color(Role.Highlight),
            highlight_text=palette.color(Role.HighlightedText),
            other_month=mixed(base, text, 0.1 if high else 0.045),
            weekend=mixed(base, text, 0.06 if high else 0.025),
            release=hue(RELEASE_HUE),
            wave=hue(WAVE_HUE),
            deployment=hue(DEPLOY_HUE),
            window_band=mixed(base, WINDOW_HUE, 0.3 if dark else 0.14),
            window_edge=QColor(WINDOW_HUE).lighter(150 if dark else 100),
            hard=QColor(HARD_HUE).lighter(175 if high else 140 if dark else 100),
            soft=QColor(SOFT_HUE).lighter(165 if high else 130 if dark else 100),
            override=QColor(OVERRIDE_HUE).lighter(150 if dark else 100),
            today=QColor(TODAY_HUE).lighter(130 if dark else 100),
            high_contrast=high,
            dark=dark,
        )

    @property
    def line(self) -> float:
        """Outline width: presentation mode draws every edge heavier."""
        return 2.0 if self.high_contrast else 1.0


# ---------------------------------------------------------------------------- text
def elided(font: QFont, text: str, width: float) -> str:
    if width <= 4:
        return ""
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


def scaled(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    result = QFont(font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
    result.setPointSizeF(max(6.5, size * factor))
    result.setBold(bold)
    return result


def text_in(
    p: QPainter,
    rect: QRectF,
    text: str,
    colour: QColor,
    font: QFont,
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
) -> None:
    """One line, vertically centred, elided to the rect."""
    p.setFont(font)
    p.setPen(colour)
    shown = elided(font, text, rect.width())
    if shown:
        p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)


# -------------------------------------------------------------------------- freezes
@lru_cache(maxsize=32)
def _tile(hard: bool, rgba: int, width: float, dpr: float) -> QPixmap:
    """One repeat of a hatch, drawn at the device pixel ratio so it stays crisp."""
    step = HARD_STEP if hard else SOFT_STEP
    size = max(1, round(step * dpr))
    tile = QPixmap(size, size)
    tile.fill(Qt.GlobalColor.transparent)
    tile.setDevicePixelRatio(size / step)
    p = QPainter(tile)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(QColor.fromRgba(rgba), width))
    for k in (-1, 0, 1):  # neighbours' lines too, so the edges wrap seamlessly
        o = k * step
        p.drawLine(QLineF(o, step, o + step, 0))
        if hard:
            p.drawLine(QLineF(o, 0, o + step, step))
    p.end()
    return tile


HARD_STEP = 7.0
SOFT_STEP = 14.0


def hatch(p: QPainter, rect: QRectF, hard: bool, colours: Colours) -> None:
    """Hard: a dense cross-hatch over a tint; soft: sparse single diagonals, no tint.

    The pattern is anchored at the origin, so neighbouring pieces join up seamlessly; it is
    tiled from a cached pixmap, so a freeze over a whole week costs one blit.
    """
    if rect.width() <= 0 or rect.height() <= 0:
        return
    colour = colours.hard if hard else colours.soft
    if hard:
        p.fillRect(rect, alpha(colour, 0.16 if colours.high_contrast else 0.1))
    width = (1.4 if colours.high_contrast else 1.0) * (1.0 if hard else 1.2)
    line = alpha(colour, 0.75 if hard else 0.7)
    device = p.device()
    dpr = device.devicePixelRatioF() if device is not None else 1.0
    tile = _tile(hard, line.rgba(), width, dpr)
    step = HARD_STEP if hard else SOFT_STEP
    offset = QPointF(rect.left() % step, rect.top() % step)
    p.drawTiledPixmap(rect, tile, offset)


def lock(p: QPainter, centre: QPointF, size: float, colour: QColor) -> None:
    """A padlock: the hard-freeze mark."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    body = QRectF(centre.x() - size * 0.4, centre.y() - size * 0.05, size * 0.8, size * 0.55)
    shackle = QRectF(centre.x() - size * 0.26, centre.y() - size * 0.5, size * 0.52, size * 0.7)
    p.setPen(QPen(colour, max(1.2, size * 0.12)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(shackle, 0, 180 * 16)
    p.drawLine(QPointF(shackle.left(), shackle.center().y()), QPointF(shackle.left(), body.top()))
    p.drawLine(QPointF(shackle.right(), shackle.center().y()), QPointF(shackle.right(), body.top()))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(colour)
    p.drawRoundedRect(body, size * 0.08, size * 0.08)
    p.restore()


def freeze_label(hard: bool, name: str) -> str:
    return f"HARD freeze · {name}" if hard else f"soft freeze · {name}"


def freeze_bar(
    p: QPainter, rect: QRectF, hard: bool, name: str, overrides: int, colours: Colours, font: QFont
) -> None:
    """A freeze as a labelled bar: its hatch, a lock when hard, the word, approved overrides."""
    colour = colours.hard if hard else colours.soft
    p.fillRect(rect, mixed(colours.base, colour, 0.12))
    hatch(p, rect, hard, colours)
    pen = QPen(colour, colours.line * (1.5 if hard else 1.0))
    if not hard:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))
    x = rect.left() + 4
    h = rect.height()
    if hard and rect.width() > h + 8:
        lock(p, QPointF(x + h * 0.35, rect.center().y()), h * 0.62, colours.text)
        x += h * 0.75
    label = freeze_label(hard, name)
    if overrides:
        label += f" · ✓ {overrides} override{'s' if overrides != 1 else ''}"
    plate = QRectF(x, rect.top() + 1, rect.right() - x - 3, h - 2)
    shown = elided(font, label, plate.width() - 6)
    if shown:
        width = QFontMetricsF(font).horizontalAdvance(shown) + 6
        p.fillRect(
            QRectF(plate.left(), plate.top(), width, plate.height()), alpha(colours.base, 0.85)
        )
        text_in(p, plate.adjusted(3, 0, 0, 0), shown, colours.text, font)


# --------------------------------------------------------------------------- glyphs
def warning(p: QPainter, centre: QPointF, size: float, blocking: bool) -> None:
    """Conflict mark: a stop octagon when blocking, a warning triangle otherwise."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    r = size / 2
    cx, cy = centre.x(), centre.y()
    if blocking:
        points = [
            QPointF(
                cx + r * math.cos(math.pi / 8 + i * math.pi / 4),
                cy + r * math.sin(math.pi / 8 + i * math.pi / 4),
            )
            for i in range(8)
        ]
        fill, mark = QColor(BLOCKING_FILL), QColor("#ffffff")
    else:
        points = [
            QPointF(cx, cy - r),
            QPointF(cx + r * 1.05, cy + r * 0.85),
            QPointF(cx - r * 1.05, cy + r * 0.85),
        ]
        fill, mark = QColor(WARNING_FILL), QColor("#1b1b1b")
    p.setPen(QPen(QColor("#1b1b1b") if not blocking else QColor("#ffffff"), max(1.0, size / 12)))
    p.setBrush(fill)
    p.drawPolygon(QPolygonF(points))
    p.setPen(QPen(mark, max(1.4, size / 7), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    top = cy - r * (0.45 if blocking else 0.3)
    bottom = cy + r * (0.12 if blocking else 0.28)
    p.drawLine(QPointF(cx, top), QPointF(cx, bottom))
    p.drawPoint(QPointF(cx, cy + r * (0.45 if blocking else 0.6)))
    p.restore()


def diamond(p: QPainter, centre: QPointF, size: float, fill: QColor, edge: QColor) -> None:
    """The code-freeze mark on a release."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    r = size / 2
    shape = QPolygonF(
        [
            QPointF(centre.x(), centre.y() - r),
            QPointF(centre.x() + r, centre.y()),
            QPointF(centre.x(), centre.y() + r),
            QPointF(centre.x() - r, centre.y()),
        ]
    )
    p.setPen(QPen(edge, 1.2))
    p.setBrush(fill)
    p.drawPolygon(shape)
    p.restore()


def check(p: QPainter, centre: QPointF, size: float, colour: QColor) -> None:
    """An approved override on a freeze."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    path = QPainterPath(QPointF(centre.x() - size * 0.4, centre.y()))
    path.lineTo(centre.x() - size * 0.1, centre.y() + size * 0.3)
    path.lineTo(centre.x() + size * 0.45, centre.y() - size * 0.35)
    p.setPen(QPen(colour, max(1.5, size / 6), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.restore()


# ----------------------------------------------------------------------------- bars
def bar(
    p: QPainter,
    rect: QRectF,
    hue: Hue,
    label: str,
    font: QFont,
    colours: Colours,
    *,
    filled: bool = True,
    selected: bool = False,
    conflicts: int = 0,
    blocking: bool = False,
    radius: float = 3.0,
    mark: str = "",
    alarm: bool = False,
) -> None:
    """A labelled event bar: filled (planned release, wave, actual deployment) or an outline
    (a planned deployment); a conflict glyph at its start; a boxed `mark` at its end (bold
    and edged in the freeze red when `alarm`); a heavy highlight when selected."""
    if rect.width() < 1 or rect.height() < 1:
        return
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    inner = rect.adjusted(0.5, 0.5, -0.5, -0.5)
    p.setBrush(hue.fill if filled else colours.base)
    pen = QPen(hue.edge, colours.line)
    if not filled:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawRoundedRect(inner, radius, radius)
    if filled:  # an accent along the start, the way calendars mark an event's kind
        p.fillRect(
            QRectF(inner.left(), inner.top(), min(3.0, inner.width()), inner.height()), hue.edge
        )
    x = rect.left() + 5
    line = QFontMetricsF(font).height() + 4
    head = QRectF(rect.left(), rect.top(), rect.width(), min(rect.height(), line))
    if conflicts and rect.width() > head.height():
        size = min(head.height() - 3, 14.0)
        warning(p, QPointF(x + size / 2, head.center().y()), size, blocking)
        x += size + 3
    right = rect.right() - 3
    small = scaled(font, 0.85, bold=alarm)
    for text in dict.fromkeys((mark, mark.split(" ")[0])) if mark else ():
        need = QFontMetricsF(small).horizontalAdvance(text) + 8
        if right - x >= need + (MIN_LABEL if text == mark else 0):
            box = QRectF(right - need, head.top() + 2, need, max(1.0, head.height() - 4))
            boxed(p, box, text, colours, small, alarm=alarm)
            right = box.left() - 3
            break
    if right - x > 5:
        text_in(p, QRectF(x, head.top(), right - x, head.height()), label, hue.text, font)
    if selected:
        outline(p, rect, colours)
    p.restore()


MIN_LABEL = 24.0
"""A bar keeps this much room for its label beside a whole mark; a narrower bar shows only
the mark's first word (its shape), since an elided label says nothing anyway."""


def boxed(
    p: QPainter, rect: QRectF, text: str, colours: Colours, font: QFont, *, alarm: bool
) -> None:
    """A small boxed word ("✖ gates") on its own ground, so it reads on any bar fill."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(colours.base)
    p.setPen(QPen(colours.hard if alarm else colours.muted, colours.line * (1.5 if alarm else 1)))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2)
    text_in(p, rect, text, colours.text, font, Qt.AlignmentFlag.AlignHCenter)
    p.restore()


def outline(p: QPainter, rect: QRectF, colours: Colours) -> None:
    """The selection: a heavy highlight ring plus a contrasting inner ring."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(QPen(colours.highlight, 3.0))
    p.drawRoundedRect(rect.adjusted(-1.5, -1.5, 1.5, 1.5), 4, 4)
    p.setPen(QPen(colours.base, 1.0))
    p.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    p.restore()


def ghost(p: QPainter, rect: QRectF, blocking: bool, colours: Colours) -> None:
    """Where a dragged item would land: dashed, and red-hatched while that spot blocks."""
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(alpha(colours.highlight, 0.18))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(rect, 3, 3)
    if blocking:
        hatch(p, rect, True, colours)
    pen = QPen(colours.hard if blocking else colours.highlight, 2.0, Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3)
    p.restore()


def deployment_mark(p: QPainter, rect: QRectF, actual: bool, colours: Colours) -> None:
    """A deployment tick: filled when it happened, an outline while only planned."""
    hue = colours.deployment
    if actual:
        p.fillRect(rect, hue.edge)
    else:
        p.setBrush(colours.base)
        p.setPen(QPen(hue.edge, 1.0))
        p.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5))


def today_line(p: QPainter, x: float, top: float, bottom: float, colours: Colours) -> None:
    p.save()
    p.setPen(QPen(colours.today, 2.0))
    p.drawLine(QPointF(x, top), QPointF(x, bottom))
    p.restore()


def badge(
    p: QPainter, rect: QRectF, text: str, fill: QColor, colour: QColor, font: QFont
) -> QRectF:
    """A small rounded label ("Today", counts); returns the rect it used."""
    metrics = QFontMetricsF(font)
    w = metrics.horizontalAdvance(text) + 8
    used = QRectF(rect.left(), rect.top(), min(w, rect.width()), rect.height())
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(fill))
    p.drawRoundedRect(used, used.height() / 2, used.height() / 2)
    text_in(p, used, text, colour, font, Qt.AlignmentFlag.AlignHCenter)
    p.restore()
    return used
