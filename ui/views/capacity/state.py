"""What the capacity board remembers between runs: the train shown and the team filter.

Kept in the application's settings file under the "capacity" group (the INI file `ui.settings`
uses), so tests that point RELEASEDESK_SETTINGS_DIR elsewhere never see the user's choices.
Ids are only as good as the database they came from, so a remembered train that does not
exist in the open database simply falls back to the first one.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings

from ui.settings import APPLICATION, ORGANIZATION, settings_path

GROUP = "capacity"


@dataclass
class CapacityState:
    train: int | None = None
    team: int | None = None
    """None: every team on the train."""


def _settings() -> QSettings:
    path = settings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def _id(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number > 0 else None


def load_state() -> CapacityState:
    qs = _settings()
    qs.beginGroup(GROUP)
    try:
        return CapacityState(train=_id(qs.value("train", "")), team=_id(qs.value("team", "")))
    finally:
        qs.endGroup()


def save_state(state: CapacityState) -> None:
    qs = _settings()
    qs.beginGroup(GROUP)
    qs.setValue("train", state.train or "")
    qs.setValue("team", state.team or "")
    qs.endGroup()
    qs.sync()
