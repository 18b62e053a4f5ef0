"""The rollback decision log: every rollback, roll-forward and hold call, newest first, with
the filters an incident review asks for (kind, workload, dates, words in the reason).

Filtering is the query's job (`list_decisions`), never a proxy's, so the log stays as quick
with ten thousand decisions as with ten. Opened from a deployment, the log shows that
deployment's decisions only and says so, with a way back to all of them. The reason is
elided in the table and shown whole below it, because it is what the next on-call engineer
reads.
"""

from __future__ import annotations

import html
from datetime import date, datetime

from PySide6.QtCore import QDate, QEvent, QItemSelection, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import RollbackChoice
from app.services.calendar_queries import deployment_item
from app.services.rollback_decisions import DECIDERS, DecisionRow, list_decisions
from ui.context import AppContext
from ui.models.rollback_decision_table_model import (
    RollbackDecisionTableModel,
    decision_words,
    stamp,
)
from ui.views.calendar.zones import city, day_start, span_text
from ui.views.runbooks.decision_dialog import DecisionDialog, display_zone
from ui.widgets.filter_bar import FilterBar
from ui.widgets.tables import make_table

LIMIT = 1000
"""Rows one read shows; past it the count says to narrow the filters."""
DEBOUNCE_MS = 250


class DecisionLogPanel(QWidget):
    recorded = Signal(str)
    """UUID of a decision recorded from this panel."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionLog")
        self.ctx = ctx
        self.zone = display_zone(ctx)
        self.deployment: str | None = None
        """The deployment the log is narrowed to (its UUID), or None for every one."""
        self.dialog: DecisionDialog | None = None
        self.truncated = False
        self._stale = False
        self._keys: set[str] = set()

        self.filter_bar = FilterBar("Search reasons, workloads, triggers (Ctrl+F)", self)
        self.filter_bar.search.setAccessibleName("Search the decision log")
        kinds = [(decision_words(v), v) for v in RollbackChoice.choices()]
        self.kind = self.filter_bar.add_combo("decision", "All decisions", kinds)
        self.workload = QLineEdit(self)
        self.workload.setPlaceholderText("Workload key")
        self.workload.setAccessibleName("Workload key")
        self.workload.setClearButtonEnabled(True)
        self.workload.setMaximumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self._known_keys = QStringListModel(self)
        completer = QCompleter(self._known_keys, self.workload)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.workload.setCompleter(completer)
        today = QDate.currentDate()
        self.use_since = QCheckBox("&From", self)
        self.since = _date_edit(self, "Decided on or after", today.addDays(-30))
        self.use_until = QCheckBox("&To", self)
        self.until = _date_edit(self, "Decided on or before", today)
        self.record_button = QPushButton("&Record decision…", self)
        self.scope = QLabel(self)
        self.scope.setObjectName("decisionScope")
        self.scope.setWordWrap(True)
        self.show_all_button = QPushButton("Show &all decisions", self)
        self.table = self._make_table()
        self.detail = QTextBrowser(self)
        self.detail.setAccessibleName("The selected decision in full")
        self.detail.setOpenLinks(False)
        self._size_detail()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.refresh)
        self._build_layout()
        self._connect()
        self._ready = False
        self.refresh()
        self._ready = True

    # ------------------------------------------------------------------ public
    @property
    def may_record(self) -> bool:
        return self.ctx.actor.has(*DECIDERS)

    def refresh(self) -> None:
        """Read the log again with the filters as they stand; a hidden log (a tab not shown,
        a closed dialog) only notes it and reads when it shows again."""
        self._timer.stop()
        if self._ready and not self.isVisible():
            self._stale = True
            return
        self._stale = False
        workload = self.workload.text().strip() or None
        with self.ctx.read() as session:
            rows = list_decisions(
                session,
                decision=self.filter_bar.value("decision"),
                workload=workload,
                deployment=self.deployment,
                since=self._bound(self.since),
                until=self._bound(self.until, next_day=True),
                search=self.filter_bar.text(),
                limit=LIMIT + 1,
            )
        self.truncated = len(rows) > LIMIT
        rows = rows[:LIMIT]
        keep = self.selected()
        self.model.set_rows(rows)
        if workload is None and self.deployment is None:
            self._learn_keys(rows)
        n = len(rows)
        more = f" (the newest {LIMIT:,}; narrow the filters)" if self.truncated else ""
        self.filter_bar.count_label.setText(f"{n:,} decision{'s' if n != 1 else ''}{more}")
        if keep is not None and (row := self.model.row_of(keep.uuid)) >= 0:
            self.table.selectRow(row)
        elif rows:
            self.table.selectRow(0)
        self._show_detail()
        self._update_actions()

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def show_deployment(self, deployment_uuid: str | None) -> None:
        """Narrow the log to one deployment's decisions (None: every deployment's)."""
        self.deployment = deployment_uuid
        self._show_scope()
        self.refresh()

    def show_all(self) -> None:
        self.show_deployment(None)

    def selected(self) -> DecisionRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def record_decision(self) -> DecisionDialog | None:
        """Open the dialog for the deployment in view (or the selected decision's)."""
        target = self._target()
        if target is None or not self.may_record:
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = DecisionDialog(self.ctx, target, self, zone=self.zone)
        self.dialog.recorded.connect(self._recorded)
        self.dialog.open()
        return self.dialog

    # ---------------------------------------------------------------- building
    def _make_table(self) -> QTableView:
        self.model = RollbackDecisionTableModel(self.zone, self)
        table = make_table(self.model, self, "Rollback decisions, newest first")
        table.setSortingEnabled(False)  # newest first, as the query orders them
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._size_rows(table)
        return table

    def _build_layout(self) -> None:
        second = QHBoxLayout()
        second.addWidget(QLabel("Workload:", self))
        second.addWidget(self.workload)
        second.addSpacing(8)
        for check, edit in ((self.use_since, self.since), (self.use_until, self.until)):
            second.addWidget(check)
            second.addWidget(edit)
        zone = QLabel(f"times in {city(self.zone)}", self)
        zone.setToolTip(f"The calendar's display zone: {self.zone}")
        second.addWidget(zone)
        second.addStretch(1)
        second.addWidget(self.record_button)
        scope = QHBoxLayout()
        scope.addWidget(self.scope, 1)
        scope.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.filter_bar)
        layout.addLayout(second)
        layout.addLayout(scope)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self._show_scope()

    def _connect(self) -> None:
        self.filter_bar.changed.connect(self.refresh)
        self.workload.textChanged.connect(lambda _t: self._timer.start())
        self.workload.returnPressed.connect(self.refresh)
        for check, edit in ((self.use_since, self.since), (self.use_until, self.until)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self.refresh())
            edit.dateChanged.connect(lambda _d, c=check: self._bound_changed(c))
        self.record_button.clicked.connect(lambda _c=False: self.record_decision())
        self.show_all_button.clicked.connect(lambda _c=False: self.show_all())
        self.scope.linkActivated.connect(lambda _link: self.show_all())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.ctx.data_changed.connect(self._data_changed)

    # ---------------------------------------------------------------- private
    def set_range(self, since: date | None, until: date | None) -> None:
        """Decided on or after `since` and on or before `until` (None: no limit)."""
        for check, edit, day in (
            (self.use_since, self.since, since),
            (self.use_until, self.until, until),
        ):
            for widget in (check, edit):
                widget.blockSignals(True)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))
            check.setChecked(day is not None)
            edit.setEnabled(day is not None)
            for widget in (check, edit):
                widget.blockSignals(False)
        self.refresh()

    def _bound_changed(self, check: QCheckBox) -> None:
        if check.isChecked():
            self.refresh()

    def _bound(self, edit: QDateEdit, *, next_day: bool = False) -> datetime | None:
        """The UTC instant a day filter starts (or, for the last day, ends) in the zone."""
        check = self.use_since if edit is self.since else self.use_until
        if not check.isChecked():
            return None
        picked = edit.date()
        day = date(picked.year(), picked.month(), picked.day())
        return day_start(date.fromordinal(day.toordinal() + next_day), self.zone)

    def _learn_keys(self, rows: list[DecisionRow]) -> None:
        """Offer the workloads the log mentions as completions for the workload filter."""
        keys = {r.workload for r in rows}
        if not keys <= self._keys:
            self._keys |= keys
            self._known_keys.setStringList(sorted(self._keys))

    def _target(self) -> str | None:
        if self.deployment is not None:
            return self.deployment
        row = self.selected()
        return row.deployment_uuid if row is not None else None

    def _show_scope(self) -> None:
        narrowed = self.deployment is not None
        self.scope.setVisible(narrowed)
        self.show_all_button.setVisible(narrowed)
        if not narrowed:
            return
        with self.ctx.read() as session:
            dep = deployment_item(session, str(self.deployment))
        if dep is None:
            what = "a deployment that no longer exists"
        else:
            when = span_text(dep.planned_start, dep.planned_end, self.zone)
            what = f"<b>{html.escape(dep.label)}</b> (planned {html.escape(when)})"
        self.scope.setText(f"Showing only the decisions for {what}.")

    def _selection_changed(self, _a: QItemSelection, _b: QItemSelection) -> None:
        self._show_detail()
        self._update_actions()

    def _show_detail(self) -> None:
        row = self.selected()
        if row is None:
            empty = "No decision picked." if self.model.rowCount() else self._empty_text()
            self.detail.setHtml(f"<p>{html.escape(empty)}</p>")
            return
        e = html.escape
        observed = f" · observed <b>{e(row.observed)}</b>" if row.observed else ""
        self.detail.setHtml(
            f"<p><b>{e(decision_words(row.decision))}</b> of <b>{e(row.workload)}</b> in "
            f"{e(row.environment)} · {e(stamp(row.decided_at, self.zone))} · "
            f"by {e(row.decided_by)}<br>Trigger: {e(row.trigger)}{observed}</p>"
            f"<p style='white-space: pre-wrap'>{e(row.reason)}</p>"
        )

    def _empty_text(self) -> str:
        if self.deployment is not None:
            return "No rollback decision has been recorded for this deployment yet."
        return "No decision matches these filters."

    def _update_actions(self) -> None:
        target = self._target()
        self.record_button.setEnabled(self.may_record and target is not None)
        if not self.may_record:
            tip = (
                f"Signed in as {self.ctx.actor.label}: recording a decision needs the "
                "operations, coordinator or admin role"
            )
        elif target is None:
            tip = "Pick a decision to record another for its deployment, or open the log "
            tip += "from a deployment on the calendar"
        else:
            tip = "Record a rollback, roll-forward or hold call for this deployment"
        self.record_button.setToolTip(tip)

    def _recorded(self, decision_uuid: str) -> None:
        if self._stale:  # a visible log has re-read already, on the write's data_changed
            self.refresh()
        row = self.model.row_of(decision_uuid)
        if row >= 0:
            self.table.selectRow(row)
        self.recorded.emit(decision_uuid)

    def _data_changed(self, _label: str) -> None:
        """Only a visible log re-reads at once; a hidden one catches up when shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        """A pending re-read waits for the next show: a hidden log (or one whose database
        was closed) must not query."""
        if self._timer.isActive():
            self._timer.stop()
            self._stale = True
        super().hideEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "table"):
            self._size_rows(self.table)  # presentation mode enlarges the type
            self._size_detail()

    def _size_rows(self, table: QTableView) -> None:
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)

    def _size_detail(self) -> None:
        self.detail.setMaximumHeight(self.fontMetrics().height() * 7 + 12)


class DecisionLogDialog(QDialog):
    """The log of one deployment, opened from it (the calendar's "Rollback decisions…")."""

    def __init__(self, ctx: AppContext, deployment_uuid: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Rollback decisions")
        self.panel = DecisionLogPanel(ctx, self)
        self.panel.show_deployment(deployment_uuid)
        find = QAction("Find", self)
        find.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        find.triggered.connect(self.panel.focus_search)
        self.addAction(find)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.panel, 1)
        foot = QHBoxLayout()
        foot.setContentsMargins(8, 0, 8, 0)
        foot.addWidget(buttons)
        layout.addLayout(foot)
        self.resize(1100, 560)


def _date_edit(parent: QWidget, name: str, day: QDate) -> QDateEdit:
    """A day bound, off until its check box is ticked (unticked: no limit)."""
    edit = QDateEdit(day, parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setToolTip(name)
    edit.setEnabled(False)
    return edit
