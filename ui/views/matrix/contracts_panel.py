"""API contracts: who still consumes a deprecated version and how long is left before sunset,
and a timeline of deprecations and sunsets against the release calendar.

The timeline answers the planning question the table cannot: which release is the last one
in which a consumer can still move off a version before it is switched off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QScrollArea, QSplitter, QToolTip, QVBoxLayout, QWidget

from app.planning.contracts import ContractFinding, ContractInfo
from app.services.matrix_queries import ReleaseMarker
from ui.views.matrix.marks import CHANGING_COLOUR, CYCLE_COLOUR
from ui.views.matrix.models import FindingRow, FindingTableModel
from ui.views.matrix.neighbourhood import _section
from ui.widgets.tables import make_table

LANE = 22
LABEL_W = 230
RULER = 44
KIND_ORDER = {"sunset": 0, "unsynchronised": 1, "deprecated": 2}


@dataclass(frozen=True)
class Lane:
    label: str
    deprecated_on: date | None
    sunset_on: date | None
    consumers: tuple[str, ...]


def lanes_of(contracts: list[ContractInfo]) -> list[Lane]:
    dated = [c for c in contracts if c.deprecated_on or c.sunset_on]
    lanes = [
        Lane(
            f"{c.provider}: {c.name} {c.api_version}",
            c.deprecated_on,
            c.sunset_on,
            tuple(sorted(c.consumers)),
        )
        for c in dated
    ]
    return sorted(lanes, key=lambda a: (a.sunset_on or a.deprecated_on or date.max, a.label))


class DeprecationTimeline(QWidget):
    """One lane per dated contract: deprecated ◇ … sunset ■, releases as a ruler, today line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lanes: list[Lane] = []
        self.releases: list[ReleaseMarker] = []
        self.today = date.today()
        self.selected_release = ""
        self.start = self.end = self.today
        self.setAccessibleName("Deprecation and sunset timeline")
        self.setMouseTracking(True)
        self._bold = QFont(self.font())
        self._bold.setBold(True)

    def set_data(
        self,
        lanes: list[Lane],
        releases: list[ReleaseMarker],
        today: date,
        selected_release: str = "",
    ) -> None:
        self.lanes, self.today, self.selected_release = lanes, today, selected_release
        days = [d for lane in lanes for d in (lane.deprecated_on, lane.sunset_on) if d] + [today]
        self.start = min(days) - timedelta(days=21)
        self.end = max(days) + timedelta(days=45)
        self.releases = [r for r in releases if self.start <= r.day <= self.end]
        self.updateGeometry()
        self.resize(self.width(), self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(900, RULER + max(1, len(self.lanes)) * LANE + 8)

    def minimumSizeHint(self) -> QSize:
        """Wide enough to tell releases apart; the scroll area scrolls beyond that."""
        return QSize(LABEL_W + 640, self.sizeHint().height())

    def x_of(self, day: date) -> float:
        span = max(1, (self.end - self.start).days)
        return LABEL_W + (self.width() - LABEL_W - 10) * (day - self.start).days / span

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        pal = self.palette()
        text, base = pal.text().color(), pal.base().color()
        muted = QColor(text)
        muted.setAlphaF(0.55)
        p.fillRect(self.rect(), base)
        if not self.lanes:
            p.setPen(muted)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No deprecated contracts.")
            return
        self._ruler(p, text, muted)
        clip = event.rect()
        first = max(0, (clip.top() - RULER) // LANE)
        last = min(len(self.lanes), (clip.bottom() - RULER) // LANE + 1)
        metrics = QFontMetricsF(self.font())
        for i in range(first, last):
            self._lane(p, i, self.lanes[i], metrics, text, muted)
        today_x = self.x_of(self.today)
        p.setPen(QPen(text, 2))
        p.drawLine(QPointF(today_x, 18), QPointF(today_x, self.height()))
        p.end()

    def _ruler(self, p: QPainter, text: QColor, muted: QColor) -> None:
        """Months on the top line, releases under them; labels never overlap."""
        metrics = QFontMetricsF(self.font())
        p.setPen(QPen(muted, 1))
        p.drawLine(QPointF(LABEL_W, RULER), QPointF(self.width(), RULER))
        today_x = self.x_of(self.today)
        today_box = QRectF(today_x - 2, 2, metrics.horizontalAdvance("today") + 8, 16)
        last, last_year = -1e9, 0
        month = date(self.start.year, self.start.month, 1)
        while month <= self.end:
            x = self.x_of(month)
            label = month.strftime("%b") if month.year == last_year else month.strftime("%b %Y")
            box = QRectF(x + 2, 2, metrics.horizontalAdvance(label) + 6, 16)
            if x >= LABEL_W:
                p.setPen(muted)
                p.drawLine(QPointF(x, RULER - 4), QPointF(x, RULER))
                if box.left() > last + 6 and not box.intersects(today_box):
                    p.drawText(box, Qt.AlignmentFlag.AlignVCenter, label)
                    last, last_year = box.right(), month.year
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        chosen = next((r for r in self.releases if r.name == self.selected_release), None)
        taken = []
        if chosen is not None:
            x = self.x_of(chosen.day)
            taken.append(QRectF(x, RULER - 22, metrics.horizontalAdvance(chosen.name) + 14, 18))
        for release in self.releases:
            x = self.x_of(release.day)
            box = QRectF(x, RULER - 22, metrics.horizontalAdvance(release.name) + 8, 18)
            is_chosen = release is chosen
            labelled = is_chosen or not any(box.intersects(t) for t in taken)
            pen = QPen(QColor(CHANGING_COLOUR) if is_chosen else muted, 2 if is_chosen else 1)
            pen.setStyle(Qt.PenStyle.SolidLine if is_chosen else Qt.PenStyle.DotLine)
            p.setPen(pen)
            # every release gets a tick; only the named ones run down through the lanes
            p.drawLine(QPointF(x, RULER - 6), QPointF(x, self.height() if labelled else RULER))
            if labelled:
                if not is_chosen:
                    taken.append(box)
                p.setFont(self._bold if is_chosen else self.font())
                p.setPen(text if is_chosen else muted)
                p.drawText(QPointF(x + 2, RULER - 8), release.name)
                p.setFont(self.font())
        p.fillRect(today_box, self.palette().base())
        p.setPen(text)
        p.drawText(today_box, Qt.AlignmentFlag.AlignCenter, "today")

    def _lane(
        self, p: QPainter, i: int, lane: Lane, metrics: QFontMetricsF, text: QColor, muted: QColor
    ) -> None:
        y = RULER + i * LANE
        if i % 2:
            shade = QColor(text)
            shade.setAlphaF(0.04)
            p.fillRect(QRectF(0, y, self.width(), LANE), shade)
        p.setPen(text)
        label = metrics.elidedText(lane.label, Qt.TextElideMode.ElideMiddle, LABEL_W - 50)
        p.drawText(QRectF(6, y, LABEL_W - 50, LANE), Qt.AlignmentFlag.AlignVCenter, label)
        p.setPen(muted)
        p.drawText(
            QRectF(LABEL_W - 46, y, 40, LANE),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            f"{len(lane.consumers)}⨯",
        )
        mid = y + LANE / 2
        start = lane.deprecated_on or lane.sunset_on or self.start
        end = lane.sunset_on or self.end
        past = lane.sunset_on is not None and lane.sunset_on < self.today
        colour = QColor(CYCLE_COLOUR if past else CHANGING_COLOUR)
        bar = QRectF(self.x_of(start), mid - 4, max(2.0, self.x_of(end) - self.x_of(start)), 8)
        p.setPen(QPen(colour, 1, Qt.PenStyle.SolidLine if lane.sunset_on else Qt.PenStyle.DashLine))
        fill = QColor(colour)
        fill.setAlphaF(0.35)
        p.setBrush(QBrush(fill, Qt.BrushStyle.BDiagPattern if past else Qt.BrushStyle.SolidPattern))
        p.drawRect(bar)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if lane.deprecated_on:
            x = self.x_of(lane.deprecated_on)
            p.setPen(QPen(colour, 1.5))
            p.setBrush(QColor(self.palette().base().color()))
            p.drawPolygon(
                QPolygonF(
                    [
                        QPointF(x, mid - 6),
                        QPointF(x + 6, mid),
                        QPointF(x, mid + 6),
                        QPointF(x - 6, mid),
                    ]
                )
            )
        if lane.sunset_on:
            x = self.x_of(lane.sunset_on)
            p.setPen(QPen(colour, 1.5))
            p.setBrush(colour)
            p.drawRect(QRectF(x - 5, mid - 5, 10, 10))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            i = (event.pos().y() - RULER) // LANE
            if 0 <= i < len(self.lanes) and event.pos().y() >= RULER:
                QToolTip.showText(event.globalPos(), self.describe(self.lanes[i]), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def describe(self, lane: Lane) -> str:
        parts = [lane.label]
        if lane.deprecated_on:
            parts.append(f"deprecated on {lane.deprecated_on}")
        if lane.sunset_on:
            left = (lane.sunset_on - self.today).days
            when = f"{left} days left" if left >= 0 else f"{-left} days ago"
            parts.append(f"sunset on {lane.sunset_on} ({when})")
        consumers = ", ".join(lane.consumers) or "no consumers"
        return " · ".join(parts) + f"\nConsumers: {consumers}"


class ContractsPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FindingTableModel(self)
        self.table = make_table(self.model, self, "Contract findings")
        self.title = _section("Consumers on deprecated or changing contracts", self)
        self.timeline = DeprecationTimeline()
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        split = QSplitter(Qt.Orientation.Vertical, self)
        box = QWidget(split)
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.addWidget(self.title)
        box_layout.addWidget(self.table)
        timeline_box = QWidget(split)
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.setContentsMargins(0, 0, 0, 0)
        timeline_layout.addWidget(
            _section("Deprecations ◇ and sunsets ■ across releases", timeline_box)
        )
        timeline_layout.addWidget(scroll)
        split.setSizes([260, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

    def show_contracts(
        self,
        contracts: list[ContractInfo],
        findings: list[ContractFinding],
        releases: list[ReleaseMarker],
        today: date,
        release: str = "",
    ) -> None:
        ordered = sorted(
            findings,
            key=lambda f: (
                KIND_ORDER.get(f.kind, 9),
                f.days_left if f.days_left is not None else 10**6,
                f.consumer,
            ),
        )
        self.model.set_rows(
            [
                FindingRow(
                    f"{i}", f.kind, f.consumer, f.provider, f.contract, f.days_left, f.message
                )
                for i, f in enumerate(ordered)
            ]
        )
        past = sum(1 for f in findings if f.kind == "sunset")
        self.title.setText(
            f"Consumers on deprecated or changing contracts ({len(findings)}"
            + (f", {past} past sunset" if past else "")
            + ")"
        )
        self.timeline.set_data(lanes_of(contracts), releases, today, release)
