"""The bar above the calendar: where we are (the range label), how to move (Prev, Today,
Next), how to look (Month / Week / Timeline, lanes, display zone), what to add, and the
calendar's way in and out as iCalendar files (the ⋯ menu)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from ui.views.calendar.describe import KIND_WORDS, label
from ui.views.calendar.index import FREEZE, RELEASE, TEAMS, TRAINS, WAVE, WINDOW, CalendarIndex, Ref
from ui.views.calendar.zones import ZoneChoice

MODE_LABELS = (("month", "Month", "M"), ("week", "Week", "W"), ("timeline", "Timeline", "L"))
NEW_LABELS = (
    (RELEASE, "Release…"),
    (WINDOW, "Deployment window…"),
    (FREEZE, "Freeze…"),
    (WAVE, "Wave…"),
)


class NavigationBar(QWidget):
    page = Signal(int)
    today = Signal()
    mode_chosen = Signal(str)
    lanes_chosen = Signal(str)
    zone_chosen = Signal(str)
    new_chosen = Signal(str)
    plan_chosen = Signal()
    """New ▾ › Plan deployment…: a dialog of its own, sized by history."""
    edit_clicked = Signal()
    delete_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prev_button = self._button("‹ Prev", "Previous month, week or timeline page (Page Up)")
        self.today_button = self._button("Today", "Go to today (T)")
        self.next_button = self._button("Next ›", "Next month, week or timeline page (Page Down)")
        self.prev_button.clicked.connect(lambda: self.page.emit(-1))
        self.next_button.clicked.connect(lambda: self.page.emit(1))
        self.today_button.clicked.connect(self.today)
        self.range_label = QLabel(self)
        self.range_label.setObjectName("calendarRange")
        self.range_label.setMinimumWidth(160)
        self.range_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.modes = QButtonGroup(self)
        self.modes.setExclusive(True)
        self.mode_buttons: dict[str, QToolButton] = {}
        segment = QHBoxLayout()
        segment.setSpacing(0)
        for name, text, key in MODE_LABELS:
            button = self._button(text, f"{text} view ({key})")
            button.setCheckable(True)
            button.setObjectName(f"mode_{name}")
            self.modes.addButton(button)
            self.mode_buttons[name] = button
            segment.addWidget(button)
            button.clicked.connect(lambda _c=False, n=name: self.mode_chosen.emit(n))
        self.lanes = QComboBox(self)
        self.lanes.setAccessibleName("Timeline lanes")
        self.lanes.addItem("Lanes: trains", TRAINS)
        self.lanes.addItem("Lanes: teams", TEAMS)
        self.lanes.setToolTip("One swimlane per release train, or per team")
        self.lanes.activated.connect(lambda _i: self.lanes_chosen.emit(self.lanes.currentData()))
        self.zone = QComboBox(self)
        self.zone.setObjectName("displayZone")
        self.zone.setAccessibleName("Display time zone")
        self.zone.setToolTip("The time zone every time on the calendar is shown in")
        self.zone.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.zone.setMinimumContentsLength(16)
        self.zone.activated.connect(lambda _i: self.zone_chosen.emit(self.zone.currentData()))
        self.new_menu = QMenu(self)
        self.new_actions: dict[str, QAction] = {}
        for kind, text in NEW_LABELS:
            action = self.new_menu.addAction(text)
            action.triggered.connect(lambda _c=False, k=kind: self.new_chosen.emit(k))
            self.new_actions[kind] = action
        self.new_menu.addSeparator()
        self.plan_action = self.new_menu.addAction("Plan deployment…")
        self.plan_action.triggered.connect(self.plan_chosen)
        self.new_button = self._button(
            "New ▾", "Add a release, window, freeze or wave, or plan a deployment (Ctrl+N)"
        )
        self.new_button.setMenu(self.new_menu)
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.exchange_menu = QMenu(self)
        self.exchange_menu.setToolTipsVisible(True)
        self.export_action = QAction("Export iCalendar (this range)…", self)
        self.export_action.setToolTip(
            "What is on screen, with the train and team filter, as an .ics file for Outlook"
        )
        self.export_all_action = QAction("Export iCalendar (all dates)…", self)
        self.export_all_action.setToolTip(
            "Everything with the train and team filter, whatever its date, as an .ics file"
        )
        self.import_action = QAction("Import iCalendar…", self)
        self.import_action.setToolTip("Freezes or deployment windows from an .ics file")
        for action in (self.export_action, self.export_all_action):
            self.exchange_menu.addAction(action)
        self.exchange_menu.addSeparator()
        self.exchange_menu.addAction(self.import_action)
        self.exchange_button = self._button(
            "⋯", "Export or import iCalendar (.ics) files (Ctrl+E exports this range)"
        )
        self.exchange_button.setObjectName("calendarExchange")
        self.exchange_button.setAccessibleName("iCalendar export and import")
        self.exchange_button.setMenu(self.exchange_menu)
        self.exchange_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.edit_button = self._button("Edit…", "Change the selected item (Enter)")
        self.delete_button = self._button("Delete", "Delete the selected item (Delete); undoable")
        self.edit_button.clicked.connect(self.edit_clicked)
        self.delete_button.clicked.connect(self.delete_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.prev_button, self.today_button, self.next_button):
            layout.addWidget(widget)
        layout.addSpacing(8)
        layout.addWidget(self.range_label, 1)
        layout.addLayout(segment)
        layout.addSpacing(8)
        layout.addWidget(self.lanes)
        layout.addWidget(self.zone)
        self.edit_bar = QWidget(self)
        """New, Edit, Delete and ⋯: the view puts them at the end of the filter row."""
        edits = QHBoxLayout(self.edit_bar)
        edits.setContentsMargins(8, 0, 0, 0)
        buttons = (self.new_button, self.edit_button, self.delete_button, self.exchange_button)
        for widget in buttons:
            widget.setParent(self.edit_bar)
            edits.addWidget(widget)
        self._style_range()

    def _style_range(self) -> None:
        """The range label reads larger than the rest, presentation mode included."""
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.range_label.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._style_range()

    def _button(self, text: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.strip("‹› ▾…"))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setAutoRaise(False)
        button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        return button

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)
        self.lanes.setVisible(mode == "timeline")

    def set_lanes(self, lanes: str) -> None:
        self.lanes.setCurrentIndex(max(0, self.lanes.findData(lanes)))

    def set_zones(self, choices: list[ZoneChoice], current: str) -> None:
        self.zone.blockSignals(True)
        self.zone.clear()
        for choice in choices:
            self.zone.addItem(choice.label, choice.value)
            self.zone.setItemData(
                self.zone.count() - 1, choice.zone_id, Qt.ItemDataRole.ToolTipRole
            )
        self.zone.setCurrentIndex(max(0, self.zone.findData(current)))
        self.zone.blockSignals(False)

    def choose_zone(self, value: str) -> None:
        """Pick a zone entry as the user would (tests, and the remembered choice)."""
        i = self.zone.findData(value)
        if i >= 0:
            self.zone.setCurrentIndex(i)
            self.zone_chosen.emit(value)


def more_menu(
    parent: QWidget, index: CalendarIndex, refs: list[Ref], zone: str, pick: Callable[[Ref], None]
) -> QMenu:
    """A menu of items that did not fit a day: kind and label each; choosing one picks it."""
    menu = QMenu(parent)
    for ref in refs:
        kind = KIND_WORDS.get(ref.kind, ref.kind.capitalize())
        action = menu.addAction(f"{kind}: {label(index, ref, zone)}")
        action.triggered.connect(lambda _c=False, r=ref: pick(r))
    menu.addSeparator()
    return menu
