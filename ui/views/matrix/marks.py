"""How a dependency kind looks in the matrix: a letter, a shape and a colour, so the kind reads
even in greyscale, on a projector or for a colour-blind coordinator; plus team colours.

One table serves the canvas, the legend, the exports and the tooltips, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget


@dataclass(frozen=True)
class KindStyle:
    letter: str
    label: str
    shape: str  # circle square diamond triangle hexagon down ring
    colour: str


KINDS: dict[str, KindStyle] = {
    "api": KindStyle("A", "API", "circle", "#2f6fce"),
    "schema": KindStyle("S", "Schema", "square", "#8e3fb0"),
    "library": KindStyle("L", "Library", "diamond", "#19885a"),
    "data": KindStyle("D", "Data", "triangle", "#c05f00"),
    "infrastructure": KindStyle("I", "Infrastructure", "hexagon", "#6b7b8c"),
    "workload": KindStyle("W", "Workload order", "down", "#b0306a"),
    "together": KindStyle("T", "Deploy together", "ring", "#0f7f8c"),
    "test": KindStyle("T", "Test together", "ring", "#0f7f8c"),
}
"""Every kind the component graph and the release rules produce."""

UNKNOWN = KindStyle("?", "Other", "square", "#7a7a7a")
CYCLE_COLOUR = "#c62828"
CHANGING_COLOUR = "#e0a100"
TEAM_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#8cd17d",
    "#86bcb6",
    "#d37295",
)


def kind_style(kind: str) -> KindStyle:
    return KINDS.get(kind, UNKNOWN)


def kind_label(kind: str) -> str:
    style = kind_style(kind)
    return f"{style.label} ({style.letter})"


def team_colour(team: str, teams: tuple[str, ...]) -> QColor:
    """Neighbouring teams in name order get different hues; the name is always drawn too."""
    return _team_colour(team, teams)


@cache
def _team_colour(team: str, teams: tuple[str, ...]) -> QColor:
    index = teams.index(team) if team in teams else 0
    return QColor(TEAM_COLOURS[index % len(TEAM_COLOURS)])


@cache
def _polygon(shape: str) -> QPolygonF:
    """Unit shapes centred on (0, 0), radius 1."""
    points: list[tuple[float, float]]
    if shape == "diamond":
        points = [(0, -1), (1, 0), (0, 1), (-1, 0)]
    elif shape == "triangle":
        points = [(0, -1), (1, 0.8), (-1, 0.8)]
    elif shape == "down":
        points = [(-1, -0.8), (1, -0.8), (0, 1)]
    else:  # hexagon
        points = [(-0.5, -0.9), (0.5, -0.9), (1, 0), (0.5, 0.9), (-0.5, 0.9), (-1, 0)]
    return QPolygonF([QPointF(x, y) for x, y in points])


def draw_mark(
    painter: QPainter,
    rect: QRectF,
    kind: str,
    *,
    hollow: bool = False,
    letter: bool = True,
    font: QFont | None = None,
) -> None:
    """The kind's shape filling `rect`, with its letter when there is room.

    Hollow (outline only) marks an edge a feature flag decouples: it is drawn, but it does
    not force a deployment order.
    """
    style = kind_style(kind)
    colour = QColor(style.colour)
    inset = max(1.0, rect.width() * 0.08)
    box = rect.adjusted(inset, inset, -inset, -inset)
    radius = box.width() / 2
    centre = box.center()
    pen = QPen(colour, max(1.0, rect.width() / 10))
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QBrush(colour))
    if style.shape == "circle":
        painter.drawEllipse(centre, radius, radius)
    elif style.shape == "ring":
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, radius, radius)
        if not hollow:
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(centre, radius * 0.45, radius * 0.45)
    elif style.shape == "square":
        painter.drawRect(box.adjusted(radius * 0.1, radius * 0.1, -radius * 0.1, -radius * 0.1))
    else:
        poly = _polygon(style.shape)
        painter.save()
        painter.translate(centre)
        painter.scale(radius, radius)
        painter.setPen(QPen(colour, pen.widthF() / max(radius, 0.1)))
        painter.drawPolygon(poly)
        painter.restore()
    if letter and font is not None and style.shape != "ring":
        painter.setFont(font)
        painter.setPen(colour if hollow else QColor("#ffffff"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, style.letter)


def mark_font(base: QFont, cell: float) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(7, int(cell * 0.5)))
    font.setBold(True)
    return font


class Legend(QWidget):
    """The key under the matrix: every kind present, the flag, cycle and release cues.

    Entries flow onto a second line when the matrix pane is narrow, never off the edge.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds: list[str] = ["api", "schema", "library", "data", "infrastructure"]
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Legend")
        self._fit_height()

    def set_kinds(self, kinds: list[str]) -> None:
        self.kinds = kinds
        self.setToolTip(
            "Marks: " + ", ".join(kind_label(k) for k in kinds) + "; hollow = decoupled by "
            "a feature flag; red outline = cycle (deploys as one synchronised group); amber "
            "dot and band = changing in the selected release"
        )
        self._fit_height()
        self.update()

    def _entries(self) -> list[tuple[str, str]]:
        """(symbol, label); symbol is a kind, "hollow", "cycle" or "changing"."""
        return [(k, kind_label(k)) for k in self.kinds] + [
            ("hollow", "decoupled by flag"),
            ("cycle", "cycle (synchronised group)"),
            ("changing", "changing in the release"),
        ]

    def _positions(self, width: int) -> list[tuple[float, float, str, str]]:
        metrics = self.fontMetrics()
        size = metrics.height()
        x, y, out = 4.0, 4.0, []
        for symbol, label in self._entries():
            needed = size + 4 + metrics.horizontalAdvance(label) + 14
            if x > 4 and x + needed > width:
                x, y = 4.0, y + size + 6
            out.append((x, y, symbol, label))
            x += needed
        return out

    def _fit_height(self) -> None:
        positions = self._positions(max(self.width(), 200))
        self.setFixedHeight(int(positions[-1][1] + self.fontMetrics().height() + 6))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def sizeHint(self) -> QSize:
        return QSize(600, self.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        size = metrics.height()
        font = mark_font(self.font(), size)
        text = self.palette().windowText().color()
        for x, y, symbol, label in self._positions(self.width()):
            box = QRectF(x, y, size, size)
            if symbol == "cycle":
                painter.setPen(QPen(QColor(CYCLE_COLOUR), 2))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(box.adjusted(1, 1, -1, -1))
            elif symbol == "changing":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(CHANGING_COLOUR))
                painter.drawEllipse(box.center(), size / 4, size / 4)
            else:
                hollow = symbol == "hollow"
                draw_mark(painter, box, "api" if hollow else symbol, hollow=hollow, font=font)
            painter.setPen(text)
            painter.setFont(self.font())
            painter.drawText(QPointF(x + size + 4, y + metrics.ascent()), label)
        painter.end()
