"""What the calendar remembers between runs: mode, zoom, lanes, filters and display zone.

Kept in the application's settings file (the same INI file `ui.settings` uses, under the
"calendar" group), so tests that point RELEASEDESK_SETTINGS_DIR elsewhere never see or touch
the user's own choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QSettings

from ui.settings import APPLICATION, ORGANIZATION, settings_path
from ui.views.calendar.index import TEAMS, TRAINS
from ui.views.calendar.zones import MINE

MODES = ("month", "week", "timeline")
FILTER_NAMES = ("trains", "teams", "components", "environments")


@dataclass
class CalendarState:
    mode: str = "month"
    zoom: float = 0.0
    """Timeline pixels per day; 0 = the default."""
    hour_height: float = 0.0
    """Week hour height; 0 = the default for the font."""
    lanes: str = TRAINS
    zone: str = MINE
    filters: dict[str, str] = field(default_factory=dict)
    """Filter name → the one value picked (absent: no restriction)."""


def _settings() -> QSettings:
    path = settings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _number(value: object) -> float:
    try:
        number = float(str(value))
    except ValueError:
        return 0.0
    return number if 0.0 <= number <= 10_000.0 else 0.0


def load_state() -> CalendarState:
    qs = _settings()
    qs.beginGroup("calendar")
    try:
        mode = str(qs.value("mode", "month"))
        lanes = str(qs.value("lanes", TRAINS))
        filters = {}
        for name in FILTER_NAMES:
            value = qs.value(f"filter_{name}", "")
            if isinstance(value, str) and value:
                filters[name] = value
        return CalendarState(
            mode=mode if mode in MODES else "month",
            zoom=_number(qs.value("zoom", 0.0)),
            hour_height=_number(qs.value("hour_height", 0.0)),
            lanes=lanes if lanes in (TRAINS, TEAMS) else TRAINS,
            zone=str(qs.value("zone", MINE) or MINE),
            filters=filters,
        )
    finally:
        qs.endGroup()


def save_state(state: CalendarState) -> None:
    qs = _settings()
    qs.beginGroup("calendar")
    qs.setValue("mode", state.mode)
    qs.setValue("zoom", state.zoom)
    qs.setValue("hour_height", state.hour_height)
    qs.setValue("lanes", state.lanes)
    qs.setValue("zone", state.zone)
    for name in FILTER_NAMES:
        qs.setValue(f"filter_{name}", state.filters.get(name, ""))
    qs.endGroup()
    qs.sync()
