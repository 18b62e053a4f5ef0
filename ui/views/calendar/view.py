"""The Calendar screen: month, week and timeline over one loaded plan, the conflicts in view
and the picked item's details beside them, filters, display zone, and editing by dialog or by
dragging.

Loads run in a worker and land when ready (older ones are dropped); the canvases keep the
previous picture meanwhile. A drag asks the loaded plan what-if questions on every move,
and a drop becomes one undoable, audited service call. The ⋯ menu exports the calendar as
iCalendar (Ctrl+E this range, Ctrl+Shift+E all dates) and imports freezes or windows from an
.ics file (Ctrl+I).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import cast

from PySide6.QtCore import QLocale, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.planning.durations import Variance
from app.planning.schedule import Conflict
from app.services.calendar import APPROVERS, REQUESTERS
from app.services.calendar_data import Filters
from app.services.calendar_queries import filter_choices, rollout_durations
from app.services.releases import RELEASE as RELEASE_SPEC
from ui.context import AppContext
from ui.views.calendar import decisions, editing, exchange
from ui.views.calendar.canvas import CalendarCanvas
from ui.views.calendar.conflicts_panel import ConflictsPanel
from ui.views.calendar.describe import details
from ui.views.calendar.details_panel import DetailsPanel
from ui.views.calendar.editor import CalendarEditor
from ui.views.calendar.index import (
    RELEASE,
    WAVE,
    CalendarIndex,
    Ref,
)
from ui.views.calendar.legend import Legend
from ui.views.calendar.loading import LoadedCalendar, load
from ui.views.calendar.month import MonthCanvas
from ui.views.calendar.navigation import NavigationBar, more_menu
from ui.views.calendar.state import FILTER_NAMES, CalendarState, load_state, save_state
from ui.views.calendar.timegrid import add_months, range_text
from ui.views.calendar.timeline import DEFAULT_ZOOM, TimelineCanvas
from ui.views.calendar.week import WeekCanvas
from ui.views.calendar.zones import MONTHS, local, now, resolve, zone_choices
from ui.widgets.filter_bar import FilterBar
from ui.widgets.splits import share
from ui.workers import Loader

FILTER_LABELS = {
    "trains": "All trains",
    "teams": "All teams",
    "components": "All components",
    "environments": "All environments",
}
PAN_DEBOUNCE_MS = 150


class CalendarView(QWidget):
    name = "calendar"
    title = "Calendar"

    loaded = Signal()
    """A load has landed and is on screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarView")
        self.ctx = ctx
        self.state: CalendarState = load_state()
        self.loaded_calendar: LoadedCalendar | None = None
        self.durations: dict[str, Variance] = {}
        """Rollout time per team, read with the filter choices (it does not follow the range)."""
        self.selected: Ref | None = None
        self.more_menu: QMenu | None = None
        """The "+N more" list last opened."""
        self.context_menu: QMenu | None = None
        """The item's menu last opened (right-click or the menu key)."""
        self._stale = False
        self._notice = ""
        """A result to show again once the reload it caused has landed."""
        self._choices_shown = False
        self._loading: tuple[datetime, datetime, Filters] | None = None
        self._team_zones: dict[str, str] = {}
        self.zone = resolve(self.state.zone, {})
        self.anchor = local(now(), self.zone).date()
        self.editor = CalendarEditor(self)
        self.loader = Loader(ctx, self)
        self.loader.landed.connect(self._landed)
        self.loader.failed.connect(self._failed)
        self._pan_timer = QTimer(self)
        self._pan_timer.setSingleShot(True)
        self._pan_timer.setInterval(PAN_DEBOUNCE_MS)
        self._pan_timer.timeout.connect(self._ensure_loaded)

        first_weekday = QLocale.system().firstDayOfWeek().value - 1
        self.month = MonthCanvas(self, first_weekday)
        self.week = WeekCanvas(self, first_weekday)
        self.timeline = TimelineCanvas(self)
        self.canvases: dict[str, CalendarCanvas] = {
            "month": self.month,
            "week": self.week,
            "timeline": self.timeline,
        }
        if self.state.zoom:
            self.timeline.px_per_day = self.state.zoom
        if self.state.hour_height:
            self.week.zoom_to(self.state.hour_height)
        self.timeline.grouping = self.state.lanes
        self.stack = QStackedWidget(self)
        for canvas in self.canvases.values():
            self.stack.addWidget(canvas)
            self._wire(canvas)

        self.nav = NavigationBar(self)
        self.filter_bar = FilterBar("Find a release, freeze, window or workload (Ctrl+F)", self)
        self.filter_bar.search.setAccessibleName("Find on the calendar")
        self.filter_bar.search.setMinimumWidth(160)
        for name in FILTER_NAMES:  # narrow enough for presentation mode's larger type
            self.filter_bar.add_combo(name, FILTER_LABELS[name]).setMinimumContentsLength(6)
        self.legend = Legend(self)
        self.status = QLabel(" ", self)
        self.status.setObjectName("calendarStatus")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.conflicts = ConflictsPanel(self)
        self.details_panel = DetailsPanel(self)
        self.details_panel.can_edit = self.can_edit
        self.details_panel.can_request = ctx.actor.has(*REQUESTERS)
        self.details_panel.can_decide = ctx.actor.has(*APPROVERS)
        self.details_panel.can_record = decisions.can_record(self)
        self._build_layout()
        self._build_actions()
        self._connect()
        self.nav.set_mode(self.state.mode)
        self.nav.set_lanes(self.state.lanes)
        self.nav.set_zones(zone_choices({}), self.state.zone)
        self._refresh_choices()
        self.set_mode(self.state.mode, save=False)
        self._update_actions()

    # ------------------------------------------------ contract with the main window
    @property
    def can_edit(self) -> bool:
        return self.ctx.actor.has(*RELEASE_SPEC.roles)

    @property
    def busy(self) -> bool:
        return self.loader.busy

    @property
    def index(self) -> CalendarIndex | None:
        return None if self.loaded_calendar is None else self.loaded_calendar.index

    @property
    def canvas(self) -> CalendarCanvas:
        return self.canvases[self.state.mode]

    def refresh(self) -> None:
        self._stale = False
        self._refresh_choices()
        self._load(force=True)

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def new_item(self) -> None:
        self.editor.new_item()

    def edit_selected(self) -> None:
        self.editor.edit(self.selected)

    def delete_selected(self) -> None:
        self.editor.delete(self.selected)

    def new_entity(self, kind: str) -> None:
        """Open the New dialog for a release, window, freeze or wave on the focused day."""
        self.editor.new_entity(kind)

    def plan_deployment(self) -> None:
        """New ▾ › Plan deployment…: workload, environment, start, owner, length from history."""
        self.editor.plan_deployment()

    def export_ical(self, path: str | Path | None = None, *, whole: bool = False) -> int:
        """Write an .ics file of the filtered train/team, this range or all dates (`whole`);
        `path` skips the file dialog. Returns the events written (0: none, and said why)."""
        return exchange.export_ical(self, path, whole=whole)

    def import_ical(self, path: str | Path | None = None) -> QWidget | None:
        """Read an .ics file (`path` skips the file dialog) and open the import dialog."""
        return exchange.import_ical(self, path)

    def tell(self, text: str) -> None:
        """Put a result in the status line, where it stays past the reload the change caused."""
        self.status.setText(text)
        self._notice = text if self._loading is not None else ""

    @property
    def dialog(self) -> QWidget | None:
        """The edit or override dialog last opened here (tests and screen readers find it)."""
        return self.editor.dialog

    # ------------------------------------------------------------------ public
    def set_mode(self, mode: str, *, save: bool = True) -> None:
        self.state.mode = mode
        self.nav.set_mode(mode)
        canvas = self.canvas
        current = self.stack.currentWidget()
        had_focus = current is not None and current.hasFocus()
        self.stack.setCurrentWidget(canvas)
        canvas.set_zone(self.zone)
        canvas.show_date(self.anchor)
        canvas.set_index(self.index)
        canvas.set_selected(self.selected, emit=False)
        self.setFocusProxy(canvas)
        if had_focus:
            canvas.setFocus(Qt.FocusReason.OtherFocusReason)
        if save:
            self._save()
        self._after_move()

    def go(self, direction: int) -> None:
        """Prev / Next: a month, a week, or a month of timeline."""
        mode = self.state.mode
        if mode == "month":
            shifted = add_months(self.anchor, direction)
            last = (add_months(shifted, 1) - timedelta(days=1)).day
            self.anchor = shifted.replace(day=min(self.anchor.day, last))
        elif mode == "week":
            self.anchor += timedelta(days=7 * direction)
        else:
            self.timeline.page(direction)
            self.anchor = self.timeline.focus_day
            self._after_move()
            return
        self.canvas.show_date(self.anchor)
        self._after_move()

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.canvas.show_date(day)
        self._after_move()

    def go_today(self) -> None:
        self.go_to(local(self.canvas.clock(), self.zone).date())

    def set_zone(self, value: str) -> None:
        """A zone choice (MINE, UTC or team:<name>): every canvas repaints in it."""
        self.state.zone = value
        self.zone = resolve(value, self._team_zones)
        for canvas in self.canvases.values():
            canvas.set_zone(self.zone)
        self.canvas.show_date(self.anchor)
        self._save()
        self._after_move()
        self._show_details()

    def set_lanes(self, lanes: str) -> None:
        self.state.lanes = lanes
        self.timeline.set_grouping(lanes)
        self.nav.set_lanes(lanes)
        self._save()

    def select(self, ref: Ref | None) -> None:
        self.selected = ref
        for canvas in self.canvases.values():
            canvas.set_selected(ref, emit=False)
        self._show_details()
        self._update_actions()

    def show_conflict(self, conflict: Conflict) -> None:
        """Go to a conflict's time and pick the item in conflict."""
        index = self.index
        ref = index.ref_of(conflict.subject) if index is not None else None
        self.go_to(local(conflict.start, self.zone).date())
        if ref is not None:
            self.select(ref)
            self.status.setText(f"{conflict.label}: {conflict.reason}")

    def find_item(self, text: str) -> bool:
        """Pick the next item whose name or workload key contains `text`."""
        index = self.index
        found = index.matching(text) if index is not None else []
        if not found or index is None:
            self.status.setText(f"Nothing on the calendar contains “{text}”.")
            return False
        at = found.index(self.selected) + 1 if self.selected in found else 0
        ref = found[at % len(found)]
        when = index.when(ref)
        if when is not None:
            self.go_to(local(when, self.zone).date())
        self.select(ref)
        return True

    def current_filters(self) -> Filters:
        """The filters picked; until the choices have landed, the ones remembered."""
        if self._choices_shown:
            values = {name: self.filter_bar.value(name) for name in FILTER_NAMES}
        else:
            values = {name: self.state.filters.get(name) for name in FILTER_NAMES}
        return Filters(**{k: frozenset({v}) if v else frozenset() for k, v in values.items()})

    # ----------------------------------------------------------------- building
    def _build_layout(self) -> None:
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addWidget(self.stack, 1)
        left_layout.addWidget(self.legend)
        left_layout.addWidget(self.status)
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self.conflicts)
        side.addWidget(self.details_panel)
        side.setStretchFactor(0, 1)
        side.setStretchFactor(1, 1)
        self.side = side
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.splitter = split
        self._sized = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.nav)
        row = QHBoxLayout()
        row.addWidget(self.filter_bar, 1)
        row.addWidget(self.nav.edit_bar)
        layout.addLayout(row)
        layout.addWidget(split, 1)

    def _build_actions(self) -> None:
        zoom = QKeySequence.StandardKey
        keys = [
            ("Zoom in", lambda: self._zoom(1), [QKeySequence(zoom.ZoomIn), QKeySequence("Ctrl+=")]),
            (
                "Zoom out",
                lambda: self._zoom(-1),
                [QKeySequence(zoom.ZoomOut), QKeySequence("Ctrl+-")],
            ),
            ("Reset zoom", self._reset_zoom, [QKeySequence("Ctrl+0")]),
        ]
        nav = self.nav
        for action, key in (
            (nav.export_action, "Ctrl+E"),
            (nav.export_all_action, "Ctrl+Shift+E"),
            (nav.import_action, "Ctrl+I"),
        ):
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        for text, slot, shortcuts in keys:
            action = QAction(text, self)
            unique = {k.toString(): k for k in shortcuts}
            action.setShortcuts(list(unique.values()))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def _wire(self, canvas: CalendarCanvas) -> None:
        canvas.describe = self._describe
        canvas.what_if = self._what_if
        canvas.can_drag = self.can_edit
        canvas.selection_changed.connect(self.select)
        canvas.activated.connect(self._activated)
        canvas.delete_requested.connect(self._delete_requested)
        canvas.cursor_moved.connect(self._cursor_moved)
        canvas.page_requested.connect(self.go)
        canvas.today_requested.connect(self.go_today)
        canvas.mode_requested.connect(self.set_mode)
        canvas.dropped.connect(lambda ref, start, end: self.editor.drop(ref, start, end))
        canvas.more_requested.connect(self._more)
        canvas.day_requested.connect(self._open_day)
        canvas.range_requested.connect(self._pan_timer.start)
        canvas.status.connect(lambda text: self.status.setText(text or " "))
        canvas.zoomed.connect(self._save)
        canvas.context_requested.connect(lambda ref, at: decisions.show_menu(self, ref, at))

    def _connect(self) -> None:
        nav = self.nav
        nav.page.connect(self.go)
        nav.today.connect(self.go_today)
        nav.mode_chosen.connect(self.set_mode)
        nav.lanes_chosen.connect(self.set_lanes)
        nav.zone_chosen.connect(self.set_zone)
        nav.new_chosen.connect(self.new_entity)
        nav.plan_chosen.connect(self.plan_deployment)
        nav.export_action.triggered.connect(lambda _c=False: self.export_ical())
        nav.export_all_action.triggered.connect(lambda _c=False: self.export_ical(whole=True))
        nav.import_action.triggered.connect(lambda _c=False: self.import_ical())
        nav.edit_clicked.connect(self.edit_selected)
        nav.delete_clicked.connect(self.delete_selected)
        self.filter_bar.changed.connect(self._filters_changed)
        self.filter_bar.search.returnPressed.connect(lambda: self.find_item(self.filter_bar.text()))
        self.conflicts.conflict_activated.connect(self.show_conflict)
        self.details_panel.edit_requested.connect(self.edit_selected)
        self.details_panel.delete_requested.connect(self.delete_selected)
        self.details_panel.override_requested.connect(self.editor.request_override)
        self.details_panel.decision_requested.connect(self.editor.decide_override)
        self.details_panel.rollback_log_requested.connect(lambda k: decisions.open_log(self, k))
        self.details_panel.rollback_record_requested.connect(
            lambda k: decisions.record_decision(self, k)
        )
        self.ctx.data_changed.connect(self._data_changed)

    # ------------------------------------------------------------------ loading
    def _needed(self) -> tuple[datetime, datetime]:
        start, end = self.canvas.visible_range()
        pad = timedelta(days=1)
        if self.state.mode == "timeline":
            pad = max(pad, (end - start) / 2)
        return start - pad, end + pad

    def _ensure_loaded(self) -> None:
        self._load(force=False)

    def _load(self, *, force: bool) -> None:
        start, end = self.canvas.visible_range()
        filters = self.current_filters()
        have = self._loading or (
            (
                self.loaded_calendar.index.data.after,
                self.loaded_calendar.index.data.before,
                self.loaded_calendar.filters,
            )
            if self.loaded_calendar
            else None
        )
        if not force and have is not None:
            after, before, loaded_filters = have
            if after <= start and before >= end and loaded_filters == filters:
                return
        after, before = self._needed()
        self._loading = (after, before, filters)
        self.status.setText("Loading…")
        self.loader.start("calendar", lambda s: load(s, after, before, filters))

    def _landed(self, part: str, result: object) -> None:
        if part == "choices":
            self._show_choices(cast(dict[str, list[str]], result))
            return
        if part == "durations":
            self.durations = cast(dict[str, Variance], result)
            self._show_details()
            return
        self._loading = None
        loaded = cast(LoadedCalendar, result)
        self.loaded_calendar = loaded
        index = loaded.index
        if index.data.team_zones != self._team_zones:
            self._team_zones = dict(index.data.team_zones)
            self.nav.set_zones(zone_choices(self._team_zones), self.state.zone)
            zone = resolve(self.state.zone, self._team_zones)
            if zone != self.zone:
                self.zone = zone
                for canvas in self.canvases.values():
                    canvas.set_zone(zone)
                self.canvas.show_date(self.anchor)
        for canvas in self.canvases.values():
            canvas.set_index(index)
        if self.selected is not None and index.item(self.selected) is None:
            self.selected = None
            for canvas in self.canvases.values():
                canvas.set_selected(None, emit=False)
        self._show_details()
        self._after_move(load=False)
        self._update_actions()
        self.status.setText(self._notice or " ")
        self._notice = ""
        self.loaded.emit()
        self._ensure_loaded()

    def _failed(self, part: str, exc: BaseException) -> None:
        if part == "calendar":
            self._loading = None
            self._notice = ""
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self.status.setText(f"⚠ Could not load the calendar: {first[:200]}")
        self.status.setToolTip(str(exc))

    def _refresh_choices(self) -> None:
        """What changes only with the data, not with the range: filter choices, rollout times."""
        self.loader.start("choices", filter_choices)
        self.loader.start("durations", rollout_durations)

    def _show_choices(self, found: dict[str, list[str]]) -> None:
        bar = self.filter_bar
        for name in FILTER_NAMES:
            combo = bar.combo(name)
            combo.blockSignals(True)
            bar.set_items(name, [(v, v) for v in found.get(name, [])])
            wanted = self.state.filters.get(name)
            if wanted and combo.findData(wanted) >= 0 and bar.value(name) is None:
                bar.set_value(name, wanted)
            combo.blockSignals(False)
        self._choices_shown = True
        self._load(force=False)

    def _filters_changed(self) -> None:
        self.state.filters = {
            name: value for name in FILTER_NAMES if (value := self.filter_bar.value(name))
        }
        self._save()
        self._load(force=False)

    def _data_changed(self, _label: str) -> None:
        """Only a visible screen re-reads at once; a hidden one catches up when shown."""
        if self.isVisible():
            self._load(force=True)
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            share(self.splitter, 0.74)
            share(self.side, 0.55)
        if self._stale:
            self.refresh()

    # ---------------------------------------------------------------- updating
    def _after_move(self, *, load: bool = True) -> None:
        """Range label, conflicts in view and counts follow what is on screen."""
        self.nav.range_label.setText(self._range_text())
        index = self.index
        start, end = self.canvas.visible_range()
        if index is not None:
            shown, blocking = index.timed.between(start, end)
            self.conflicts.show_conflicts(shown, self.zone, blocking)
            releases = sum(
                1 for r in index.data.releases if r.window_start < end and r.window_end > start
            )
            deploys = index.all_deployments.count(start, end)
            self.filter_bar.count_label.setText(
                f"{releases} release{'s' if releases != 1 else ''} · "
                f"{deploys:,} deploy{'s' if deploys != 1 else ''}"
            )
            self.filter_bar.count_label.setToolTip(
                f"In view: {releases} releases, {deploys:,} deployments, {len(shown):,} "
                f"conflicts ({blocking:,} blocking)"
            )
        if load:
            self._ensure_loaded()

    def _range_text(self) -> str:
        if self.state.mode == "month":
            return f"{MONTHS[self.month.month.month - 1]} {self.month.month.year}"
        start, end = self.canvas.visible_range()
        return range_text(self.state.mode, start, end, self.zone)

    def _show_details(self) -> None:
        index, ref = self.index, self.selected
        found = (
            details(index, ref, self.zone, self.durations)
            if index is not None and ref is not None
            else None
        )
        self.details_panel.show_details(found)

    def _update_actions(self) -> None:
        ref = self.selected
        editable = ref is not None and ref.kind in editing.SPECS
        self.nav.new_button.setEnabled(self.can_edit)
        self.nav.edit_button.setEnabled(editable)
        self.nav.edit_button.setText("Edit…" if self.can_edit else "View…")
        self.nav.delete_button.setEnabled(editable and self.can_edit)
        self.nav.import_action.setEnabled(self.can_edit)
        if not self.can_edit:
            why = f"Read only: {self.editor.why_read_only()}"
            for button in (self.nav.new_button, self.nav.delete_button):
                button.setToolTip(why)

    def _save(self) -> None:
        self.state.zoom = (
            0.0 if self.timeline.px_per_day == DEFAULT_ZOOM else self.timeline.px_per_day
        )
        week = self.week
        self.state.hour_height = 0.0 if week.hour_h == week.default_hour else week.hour_h
        save_state(self.state)

    # ---------------------------------------------------------------- reactions
    def _activated(self, ref: Ref) -> None:
        self.select(ref)
        self.edit_selected()

    def _delete_requested(self, ref: Ref) -> None:
        self.select(ref)
        self.delete_selected()

    def _cursor_moved(self, day: date) -> None:
        self.anchor = day
        mode = self.state.mode
        if mode == "month" and (day.year, day.month) != (
            self.month.month.year,
            self.month.month.month,
        ):
            self.month.show_date(day)
        elif mode == "week" and not any(d.day == day for d in self.week.grid()):
            self.week.show_date(day)
        self._after_move()

    def _describe(self, ref: Ref) -> str:
        index = self.index
        found = details(index, ref, self.zone, self.durations) if index is not None else None
        return "" if found is None else found.text()

    def _what_if(self, ref: Ref, start: datetime, end: datetime) -> list[Conflict]:
        loaded = self.loaded_calendar
        if loaded is None:
            return []
        if ref.kind == RELEASE:
            return loaded.plan.what_if_release(ref.key, start, end)
        if ref.kind == WAVE:
            return loaded.plan.what_if_wave(ref.key, start, end)
        return []

    def _more(self, day: date, refs: list[Ref], where: QPoint) -> None:
        menu = self.more_menu_for(day, refs)
        if menu is not None:
            menu.popup(where)

    def more_menu_for(self, day: date, refs: list[Ref]) -> QMenu | None:
        """The "+N more" list: each hidden item to pick, and the day in the week."""
        if self.index is None:
            return None
        if self.more_menu is not None:
            self.more_menu.deleteLater()
        self.more_menu = more_menu(self, self.index, refs, self.zone, self.select)
        self.more_menu.addAction("Open this day in the week", lambda: self._open_day(day))
        return self.more_menu

    def _open_day(self, day: date) -> None:
        self.anchor = day
        self.set_mode("week")

    def _zoom(self, steps: int) -> None:
        self.canvas.zoom(steps)

    def _reset_zoom(self) -> None:
        self.canvas.reset_zoom()
