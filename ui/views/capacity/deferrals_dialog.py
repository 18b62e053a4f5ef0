"""Deferred work: how often work slips, whose slips again and again, why, and for how long.

The slips of the last releases are read and summarised in the worker pool (the large
organisation records thousands), so the dialog opens at once and fills in when they land.
The trend is a matplotlib bar chart, imported only when the dialog first draws one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.planning.deferral_report import DeferralReport, health_sentence, report
from app.services.capacity_queries import deferral_slips
from ui.context import AppContext
from ui.models.row_table_model import Column, dash
from ui.views.capacity.proposal_dialog import error_label, result_table, set_rows
from ui.workers import Loader

if TYPE_CHECKING:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

RELEASES_BACK = 12
TREND_SHOWN = 24
"""Bars drawn at most; older releases are left off so the labels stay readable."""

TEAM_COLUMNS = (
    Column("team", "Team", 110),
    Column("slips", "Slips", 46, numeric=True),
    Column("workloads", "Workloads", 74, numeric=True),
    Column("repeat", "Repeat", 54, numeric=True),
    Column(
        "most_key",
        "Slipped most",
        104,
        text=lambda r: f"{r.most_key} ×{r.most_slips}",
        tooltip=lambda r: f"{r.most_key} slipped {r.most_slips} times",
    ),
    Column(
        "median_age_days",
        "Median age",
        80,
        numeric=True,
        text=lambda r: "—" if r.median_age_days is None else f"{r.median_age_days:.0f} d",
        tooltip=lambda _r: "Median age of the team's slipped workloads still open",
    ),
)
REASON_COLUMNS = (
    Column("count", "Slips", 54, numeric=True),
    Column("reason", "Reason", 320, tooltip=lambda r: r.reason),
)
OLDEST_COLUMNS = (
    Column("key", "Key", 90),
    Column("team", "Team", 120),
    Column("age_days", "Age", 64, numeric=True, text=lambda r: f"{r.age_days:,} d"),
    Column("slips", "Slips", 54, numeric=True, text=lambda r: dash(r.slips)),
)


def load_report(session: Session, releases_back: int) -> DeferralReport:
    return report(deferral_slips(session, releases_back), datetime.now(UTC))


class TrendChart(QWidget):
    """Slips out of each release, to a later release and back to the backlog, stacked; the
    backlog part is hatched as well as coloured."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas: FigureCanvasQTAgg | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.setMinimumHeight(200)

    def show_report(self, rep: DeferralReport) -> None:
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        if self.canvas is None:
            self.canvas = FigureCanvasQTAgg(Figure(figsize=(5, 2.4), layout="constrained"))
            self.canvas.setParent(self)
            self._layout.addWidget(self.canvas)
        figure = self.canvas.figure
        figure.clear()
        palette = self.palette()
        back = palette.color(QPalette.ColorRole.Window).name()
        ink = palette.color(QPalette.ColorRole.WindowText).name()
        figure.set_facecolor(back)
        axes = figure.add_subplot()
        axes.set_facecolor(back)
        trend = rep.trend[-TREND_SHOWN:]
        names = [t.release for t in trend]
        later = [t.slips - t.to_backlog for t in trend]
        backlog = [t.to_backlog for t in trend]
        xs = range(len(trend))
        axes.bar(xs, later, color="#5b7bb5", label="to a later release")
        hatched = {"hatch": "//", "edgecolor": ink, "linewidth": 0.3}
        axes.bar(xs, backlog, bottom=later, color="#d08c3a", label="to the backlog", **hatched)
        axes.set_xticks(list(xs), names, rotation=45, ha="right", fontsize=7, color=ink)
        axes.tick_params(axis="y", labelsize=7, colors=ink)
        axes.tick_params(axis="x", colors=ink)
        axes.set_ylabel("slips", fontsize=8, color=ink)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        for side in ("bottom", "left"):
            axes.spines[side].set_color(ink)
        if trend:
            axes.legend(fontsize=7, frameon=False, labelcolor=ink, loc="upper left")
        else:
            middle = {"ha": "center", "va": "center", "transform": axes.transAxes}
            axes.text(0.5, 0.5, "No slips", color=ink, **middle)
        self.canvas.draw_idle()


class DeferralsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Deferred work")
        self.ctx = context
        self.report: DeferralReport | None = None
        self._loader = Loader(context, self)
        self._loader.landed.connect(self._landed)
        self._loader.failed.connect(self._failed)

        self.banner = error_label(self)
        self.health = QLabel("Reading the slips…", self)
        self.health.setObjectName("deferralHealth")
        self.health.setWordWrap(True)
        bold = QFont(self.health.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.1)
        self.health.setFont(bold)
        self.back = QSpinBox(self)
        self.back.setRange(1, 104)
        self.back.setValue(RELEASES_BACK)
        self.back.setSuffix(" releases")
        self.back.setAccessibleName("Releases to look back")
        self.back.setKeyboardTracking(False)
        self.back.valueChanged.connect(lambda _v: self.reload())
        span = QHBoxLayout()
        label = QLabel("&Look back over the last", self)
        label.setBuddy(self.back)
        span.addWidget(label)
        span.addWidget(self.back)
        span.addWidget(QLabel("of each train.", self))
        span.addStretch(1)

        self.teams = result_table(TEAM_COLUMNS, "Slips by team", self)
        self.reasons = result_table(REASON_COLUMNS, "Top reasons", self)
        self.oldest = result_table(OLDEST_COLUMNS, "Oldest slipped workloads", self)
        self.chart = TrendChart(self)
        grid = QGridLayout()
        grid.addWidget(self._boxed("By team", self.teams), 0, 0)
        grid.addWidget(self._boxed("Slips per release", self.chart), 0, 1)
        grid.addWidget(self._boxed("Top reasons", self.reasons), 1, 0)
        grid.addWidget(self._boxed("Oldest slipped work still open", self.oldest), 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.health)
        layout.addLayout(span)
        layout.addLayout(grid, 1)
        layout.addWidget(buttons)
        self.resize(1040, 680)
        self.reload()

    # ----------------------------------------------------------------- public
    @property
    def loading(self) -> bool:
        return self._loader.busy

    def reload(self) -> None:
        back = self.back.value()
        self.health.setText("Reading the slips…")
        self._loader.start("report", lambda s: load_report(s, back))

    def show_report(self, rep: DeferralReport) -> None:
        self.report = rep
        self.banner.hide()
        self.health.setText(health_sentence(rep))
        set_rows(self.teams, rep.by_team)
        set_rows(self.reasons, rep.reasons)
        set_rows(self.oldest, rep.oldest)
        self.chart.show_report(rep)

    # ---------------------------------------------------------------- private
    def _boxed(self, title: str, inner: QWidget) -> QGroupBox:
        box = QGroupBox(title, self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(inner)
        return box

    def _landed(self, _part: str, value: Any) -> None:
        self.show_report(value)

    def _failed(self, _part: str, exc: object) -> None:
        self.health.setText("The deferral history could not be read.")
        self.banner.setText(f"⚠ {exc}")
        self.banner.show()
