"""The key under the calendar: each mark drawn exactly as the canvases draw it, with its word,
so a room full of people reads the wall screen the same way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.views.calendar import paint
from ui.views.calendar.describe import GATES_BLOCKED
from ui.views.calendar.paint import Colours

Swatch = Callable[[QPainter, QRectF, Colours], None]


def _release(p: QPainter, r: QRectF, c: Colours) -> None:
    p.save()
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setPen(QPen(c.release.edge, c.line))
    p.setBrush(paint.mixed(c.base, c.release.edge, 0.1))
    p.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
    p.setBrush(c.release.edge)
    p.drawRoundedRect(
        QRectF(r.right() - r.width() * 0.3, r.top(), r.width() * 0.3, r.height()), 2, 2
    )
    p.restore()
    paint.diamond(
        p,
        QPointF(r.left() + r.height() * 0.45, r.center().y()),
        r.height() * 0.6,
        c.base,
        c.release.edge,
    )


def _wave(p: QPainter, r: QRectF, c: Colours) -> None:
    paint.bar(p, r.adjusted(0, 3, 0, -3), c.wave, "", p.font(), c, radius=2)


def _planned(p: QPainter, r: QRectF, c: Colours) -> None:
    for i in range(3):
        paint.deployment_mark(p, QRectF(r.left() + i * 9, r.top() + 2, 5, r.height() - 4), False, c)


def _actual(p: QPainter, r: QRectF, c: Colours) -> None:
    for i in range(3):
        paint.deployment_mark(p, QRectF(r.left() + i * 9, r.top() + 2, 5, r.height() - 4), True, c)


def _gates(p: QPainter, r: QRectF, c: Colours) -> None:
    font = paint.scaled(p.font(), 0.85, bold=True)
    paint.boxed(p, r.adjusted(0, 2, 0, -2), GATES_BLOCKED, c, font, alarm=True)


def _window(p: QPainter, r: QRectF, c: Colours) -> None:
    p.fillRect(r, c.window_band)
    p.fillRect(QRectF(r.left(), r.top(), 3, r.height()), c.window_edge)


def _hard(p: QPainter, r: QRectF, c: Colours) -> None:
    paint.freeze_bar(p, r, True, "", 0, c, p.font())


def _soft(p: QPainter, r: QRectF, c: Colours) -> None:
    p.fillRect(r, paint.mixed(c.base, c.soft, 0.12))
    paint.hatch(p, r, False, c)
    pen = QPen(c.soft, c.line)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))


def _warning(p: QPainter, r: QRectF, _c: Colours) -> None:
    paint.warning(p, QPointF(r.left() + r.height() / 2, r.center().y()), r.height(), False)


def _blocking(p: QPainter, r: QRectF, _c: Colours) -> None:
    paint.warning(p, QPointF(r.left() + r.height() / 2, r.center().y()), r.height(), True)


def _today(p: QPainter, r: QRectF, c: Colours) -> None:
    paint.today_line(p, r.left() + 4, r.top(), r.bottom(), c)


ENTRIES: list[tuple[Swatch, str, float]] = [
    (_release, "Release: code freeze ◆ → window", 44),
    (_wave, "Wave", 26),
    (_planned, "Planned deploy", 24),
    (_actual, "Done", 24),
    (_gates, "Production gates missing", 50),
    (_window, "Allowed window", 24),
    (_hard, "HARD freeze", 30),
    (_soft, "soft freeze", 30),
    (_warning, "Warning", 20),
    (_blocking, "Blocking", 20),
    (_today, "Today", 8),
]


class Legend(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setBackgroundRole(self.palette().ColorRole.Base)
        self.setAutoFillBackground(True)
        self.setAccessibleName("Legend")
        self.setAccessibleDescription("; ".join(text for _s, text, _w in ENTRIES))

    def _layout(self, width: float) -> list[tuple[Swatch, str, QRectF, QRectF]]:
        fm = QFontMetricsF(self.font())
        h = fm.height() + 4
        x, y = 4.0, 3.0
        placed = []
        for swatch, text, width_at_10pt in ENTRIES:
            sw = width_at_10pt * max(1.0, h / 19)  # swatches grow with presentation type
            need = sw + 6 + fm.horizontalAdvance(text) + 18
            if x + need > width and x > 4:
                x, y = 4.0, y + h + 4
            placed.append(
                (swatch, text, QRectF(x, y, sw, h), QRectF(x + sw + 6, y, need - sw - 6, h))
            )
            x += need
        return placed

    def sizeHint(self) -> QSize:
        return QSize(600, self.heightForWidth(max(200, self.width())))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        placed = self._layout(float(width))
        return int(max((t.bottom() for _s, _t, _r, t in placed), default=20) + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.setFixedHeight(self.heightForWidth(self.width()))
        super().resizeEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        c = Colours.of(self.palette())
        p = QPainter(self)
        p.setFont(self.font())
        for swatch, text, rect, label in self._layout(float(self.width())):
            swatch(p, rect, c)
            paint.text_in(p, label, text, c.text, self.font())
        p.end()
