"""The application's own settings as one typed object over QSettings.

Everything the shell remembers between runs (the last database, the recent list, window
geometry, the current view) goes through `AppSettings`, so the rest of the UI never spells a
QSettings key or converts an INI string. Passwords are never stored here: they live in the OS
keyring (see `ui.database_session`).

Tests and scripted runs set RELEASEDESK_SETTINGS_DIR; the settings then live in an INI file
in that folder, so a test can never read or overwrite the user's own settings.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "ReleaseDesk"
APPLICATION = "ReleaseDesk"
SETTINGS_DIR_ENV = "RELEASEDESK_SETTINGS_DIR"
SETTINGS_FILE = "releasedesk.ini"
MAX_RECENT = 8


@dataclass
class AppSettings:
    last_database: str = ""
    """The database opened last (a file path or a URL without password)."""
    recent: list[str] = field(default_factory=list)
    """Most recent first; file paths or URLs without password."""
    current_view: str = ""
    window_geometry: bytes = b""
    window_state: bytes = b""
    presentation_font_scale: float = 1.5

    def remember_database(self, public_url: str) -> None:
        """Make `public_url` the last database and move it to the top of the recent list."""
        self.last_database = public_url
        self.recent = [public_url, *(r for r in self.recent if r != public_url)][:MAX_RECENT]

    def forget_database(self, public_url: str) -> None:
        self.recent = [r for r in self.recent if r != public_url]
        if self.last_database == public_url:
            self.last_database = ""


def settings_path() -> Path | None:
    """The INI file forced by RELEASEDESK_SETTINGS_DIR, or None for the per-user default."""
    folder = os.environ.get(SETTINGS_DIR_ENV, "").strip()
    return Path(folder) / SETTINGS_FILE if folder else None


class SettingsStore:
    """Reads and writes `AppSettings`; INI format everywhere so every platform behaves alike."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or settings_path()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(
                QSettings.Format.IniFormat,
                QSettings.Scope.UserScope,
                ORGANIZATION,
                APPLICATION,
            )

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def load(self) -> AppSettings:
        qs = self._qs
        qs.sync()
        defaults = AppSettings()
        count = qs.beginReadArray("recent")
        recent: list[str] = []
        for i in range(count):
            qs.setArrayIndex(i)
            entry = str(qs.value("url", "") or "").strip()
            if entry and entry not in recent:
                recent.append(entry)
        qs.endArray()
        return AppSettings(
            last_database=self._text("database/last", defaults.last_database),
            recent=recent[:MAX_RECENT],
            current_view=self._text("window/view", defaults.current_view),
            window_geometry=self._bytes("window/geometry"),
            window_state=self._bytes("window/state"),
            presentation_font_scale=self._number(
                "presentation/font_scale", defaults.presentation_font_scale, 1.0, 4.0
            ),
        )

    def save(self, settings: AppSettings) -> None:
        qs = self._qs
        qs.setValue("database/last", settings.last_database)
        qs.remove("recent")
        qs.beginWriteArray("recent", len(settings.recent))
        for i, entry in enumerate(settings.recent):
            qs.setArrayIndex(i)
            qs.setValue("url", entry)
        qs.endArray()
        qs.setValue("window/view", settings.current_view)
        qs.setValue("window/geometry", QByteArray(settings.window_geometry))
        qs.setValue("window/state", QByteArray(settings.window_state))
        qs.setValue("presentation/font_scale", settings.presentation_font_scale)
        qs.sync()

    def _text(self, key: str, default: str) -> str:
        value = self._qs.value(key, default)
        return value if isinstance(value, str) else default

    def _bytes(self, key: str) -> bytes:
        value = self._qs.value(key, QByteArray())
        return bytes(value.data()) if isinstance(value, QByteArray) else b""

    def _number(self, key: str, default: float, low: float, high: float) -> float:
        """A float from the INI text; a hand-edited nonsense value falls back to the default."""
        try:
            number = float(str(self._qs.value(key, default)))
        except ValueError:
            return default
        return number if low <= number <= high else default
