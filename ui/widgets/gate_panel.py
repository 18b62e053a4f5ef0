"""One workload's promotion gates: for every environment in promotion order, whether it may
be promoted there and every reason it may not, what is already satisfied, and below it the
evidence recorded so far, with "Record evidence…" for those who may record it.

Verdicts read as a shape and words ("✔ may be promoted" / "✖ blocked: 3 missing"); colour
only repeats them. The gates are computed for the one workload shown, never per table row.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.policy.gates import GATE_OF_KIND, EvidenceKind
from app.services import evidence_queries
from app.services.errors import ServiceError
from app.services.evidence_queries import GateStatus
from app.services.gates import RECORDERS, GateReport
from ui.context import AppContext
from ui.models.evidence_table_model import EvidenceTableModel
from ui.theme import palette_kind, tinted
from ui.widgets.dialogs.evidence_dialog import LABEL, EvidenceDialog
from ui.widgets.splits import share
from ui.widgets.tables import make_table

KIND_OF_GATE = {gate: kind for kind, gate in GATE_OF_KIND.items()}
RELOAD_ON = frozenset({"*", LABEL, "workload", "approval", "component", "environment", "runbook"})
"""Writes that can change a workload's gates ("*": another client wrote)."""


def verdict_words(report: GateReport) -> str:
    """ "✔ may be promoted" or "✖ blocked: 3 missing"."""
    verdict = report.verdict
    if verdict.allowed:
        return "✔ may be promoted"
    return f"✖ blocked: {len(verdict.missing)} missing"


def production_line(status: GateStatus) -> str:
    """ "Production: ✖ blocked: 3 missing", the answer most often looked for, on one line."""
    prod = status.production_reports()
    if not prod:
        return "No production environment is defined."
    words = {verdict_words(r) for r in prod}
    if len(words) == 1:  # one production, or regions that agree
        return f"Production: {words.pop()}"
    return " · ".join(f"{r.environment}: {verdict_words(r)}" for r in prod)


def suggestion(status: GateStatus) -> tuple[str | None, str | None]:
    """The (kind, environment) of the first missing evidence, to open the dialog on."""
    names = [r.environment for r in status.reports]
    for at, report in enumerate(status.reports):
        for reason in report.verdict.missing:
            kind = KIND_OF_GATE.get(reason.split(":", 1)[0])
            if kind == EvidenceKind.TESTS:
                return kind, names[at - 1] if at > 0 else None
            if kind == EvidenceKind.CANARY:
                return kind, report.environment
            if kind is not None:
                return kind, None
    return None, None


class GatePanel(QWidget):
    recorded = Signal(str)
    """A piece of evidence was recorded here (its UUID)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gatePanel")
        self.ctx = ctx
        self.key: str | None = None
        self.status: GateStatus | None = None
        self.dialog: EvidenceDialog | None = None
        """The evidence dialog last opened here (window-modal; tests fill it in)."""
        self._stale = False
        self._sized = False

        self.heading = QLabel(self)
        self.heading.setObjectName("gateHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.record_button = QPushButton("&Record evidence…", self)
        self.record_button.clicked.connect(self.record_evidence)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignTop)

        self.body = QLabel(self)
        self.body.setObjectName("gateStatus")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.body.setContentsMargins(2, 2, 2, 2)
        self.body.setAccessibleName("Promotion gates")
        scroll = QScrollArea(self)
        scroll.setWidget(self.body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.history_title = QLabel(self)
        self.model = EvidenceTableModel(self)
        self.table = self._make_table()
        history = QWidget(self)
        box = QVBoxLayout(history)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.history_title)
        box.addWidget(self.table, 1)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(scroll)
        split.addWidget(history)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.setFocusProxy(self.body)
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.refresh)
        ctx.data_changed.connect(self._data_changed)
        self._update_button()
        self.show_workload(None)

    # ------------------------------------------------------------------ public
    @property
    def can_record(self) -> bool:
        return self.ctx.actor.has(*RECORDERS)

    def show_workload(self, key: str | None) -> None:
        """Show the gates of the workload with this key (None: nothing picked)."""
        self.key = key
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self._reload_timer.stop()  # this read answers any that was pending
        key = self.key
        status = None
        rows: list[evidence_queries.EvidenceRow] = []
        error = ""
        if key is not None:
            try:
                with self.ctx.read() as session:
                    status = evidence_queries.gate_status(session, key)
                    rows = evidence_queries.evidence_rows(session, key) if status else []
            except (ServiceError, DatabaseError) as exc:
                error = str(exc)
        self.status = status
        self.model.set_rows(rows)
        self._show(key, status, rows, error)
        self._update_button()

    def status_text(self) -> str:
        """The gates as plain text (tests and screen readers)."""
        return html.unescape(_strip(self.body.text().replace("<br>", "\n")))

    def record_evidence(self) -> None:
        """Open the evidence dialog on the first thing still missing."""
        if self.key is None or self.status is None or not self.can_record:
            return
        if self.dialog is not None:
            self.dialog.deleteLater()
        kind, environment = suggestion(self.status)
        dialog = EvidenceDialog(self.ctx, self.key, kind=kind, environment=environment, parent=self)
        dialog.recorded.connect(self._recorded)
        self.dialog = dialog
        dialog.open()

    # ----------------------------------------------------------------- private
    def _make_table(self) -> QTableView:
        table = make_table(self.model, self, "Evidence history")
        table.setObjectName("evidenceTable")
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        return table

    def _update_button(self) -> None:
        allowed = self.can_record
        self.record_button.setEnabled(allowed and self.status is not None)
        if allowed:
            tip = "Record a test run, review, restore, chaos experiment or canary analysis"
        else:
            roles = " or ".join(sorted(RECORDERS))
            tip = (
                f"Not available: you are signed in as {self.ctx.actor.label}, and recording "
                f"evidence needs the {roles} role"
            )
        self.record_button.setToolTip(tip)

    def _show(
        self,
        key: str | None,
        status: GateStatus | None,
        rows: list[evidence_queries.EvidenceRow],
        error: str,
    ) -> None:
        e = html.escape
        if key is None:
            self.heading.setText("<b>Promotion gates</b>")
            self.body.setText("Select a workload to see whether it may be promoted.")
        elif error:
            self.heading.setText(f"<b>Gates of {e(key)}</b>")
            self.body.setText(f"⚠ The gates could not be read: {e(error)}")
        elif status is None:
            self.heading.setText(f"<b>Gates of {e(key)}</b>")
            self.body.setText(f"There is no workload {e(key)} any more.")
        else:
            self.heading.setText(
                f"<b>Gates of {e(key)}</b> — {e(status.title)}<br>{e(production_line(status))}"
            )
            self.body.setText(self._status_html(status))
        if status is None:
            self.history_title.setText("<b>Evidence history</b>")
        elif rows:
            many = "s" if len(rows) != 1 else ""
            self.history_title.setText(
                f"<b>Evidence history</b> — {len(rows)} record{many}, newest first"
            )
        else:
            self.history_title.setText("<b>Evidence history</b> — nothing recorded yet")

    def _status_html(self, status: GateStatus) -> str:
        if not status.reports:
            return (
                "No environments are defined, so there is nothing to promote into. "
                "Gates are checked per environment."
            )
        _base, text, dark, _high = palette_kind(self.palette())
        muted = tinted(text, 0.62).name(QColor.NameFormat.HexArgb)
        good = "#7fd08a" if dark else "#1e6b2a"
        bad = "#ff8a80" if dark else "#a3221b"
        e = html.escape
        parts = []
        for report in status.reports:
            v = report.verdict
            where = e(report.environment) + (f", wave '{e(report.wave)}'" if report.wave else "")
            shape = "✔" if v.allowed else "✖"
            words = verdict_words(report)[2:]
            parts.append(
                f"<p style='margin:6px 0 2px 0'><span style='color:{good if v.allowed else bad}'>"
                f"<b>{shape}</b></span> <b>{where}</b> — {e(words)}</p>"
            )
            lines = [f"• {e(m)}" for m in v.missing]
            lines += [f"<span style='color:{muted}'>✓ {e(s)}</span>" for s in v.satisfied]
            if not lines:
                lines = [f"<span style='color:{muted}'>nothing is required to enter it</span>"]
            parts.append(f"<p style='margin:0 0 0 14px'>{'<br>'.join(lines)}</p>")
        return "".join(parts)

    def _recorded(self, evidence_uuid: str) -> None:
        self.refresh()
        self.recorded.emit(evidence_uuid)

    def _data_changed(self, label: str) -> None:
        if label not in RELOAD_ON or self.key is None:
            return
        if self.isVisible():
            self._reload_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and self.splitter.height() > 0:
            self._sized = True
            share(self.splitter, 0.62)
        if self._stale:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        """A pending re-read waits for the next show (the database may close meanwhile)."""
        if self._reload_timer.isActive():
            self._reload_timer.stop()
            self._stale = True
        super().hideEvent(event)


def _strip(doc: str) -> str:
    out, inside = [], False
    for ch in doc.replace("</p>", "\n"):
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)
