"""Tells an open client that someone else wrote to the database, so views can refresh.

PostgreSQL: every audited write sends `NOTIFY releasedesk` with the entity type (delivered at
commit); a watcher LISTENs on a connection of its own. SQLite: `PRAGMA data_version` on a
connection of its own changes whenever another connection commits.
"""

from __future__ import annotations

import sqlite3
import time
import weakref
from typing import Any

from sqlalchemy import Connection, text

from app.db.url import DbUrl

CHANNEL = "releasedesk"
RETRY_AFTER_S = 60.0
ANY = "*"


def announce(conn: Connection, entity_type: str) -> None:
    """Queue a change notice in the writer's transaction (PostgreSQL only; free on SQLite)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": entity_type})


class ChangeWatcher:
    """Poll from a timer; `changes()` returns the entity types changed since the last poll."""

    def __init__(self, location: DbUrl) -> None:
        self._location = location
        self._conn: Any = None
        self._last = -1
        self._retry_at = 0.0
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def changes(self) -> set[str]:
        if self._conn is None and time.monotonic() < self._retry_at:
            return set()
        try:
            if self._conn is None:
                self._connect()
            return self._poll()
        except Exception:  # a lost connection: back off, so a dead server costs no stalls
            self.close()
            self._retry_at = time.monotonic() + RETRY_AFTER_S
            return set()

    def _connect(self) -> None:
        if self._location.path is not None:
            self._conn = sqlite3.connect(str(self._location.path), timeout=1)
            self._last = self._data_version()
        else:
            import psycopg

            url = self._location.url.set(drivername="postgresql")
            self._conn = psycopg.connect(
                url.render_as_string(hide_password=False), autocommit=True, connect_timeout=2
            )
            self._conn.execute(f"LISTEN {CHANNEL}")
        # a watcher dropped without close() (a window torn down) still closes its connection
        self._finalizer = weakref.finalize(self, self._conn.close)

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _poll(self) -> set[str]:
        if self._location.path is not None:
            now = self._data_version()
            changed, self._last = now != self._last, now
            return {ANY} if changed else set()
        return {n.payload for n in self._conn.notifies(timeout=0, stop_after=None)} or set()

    def close(self) -> None:
        if self._conn is not None:
            try:
                if self._finalizer is not None:
                    self._finalizer()
            finally:
                self._conn = None
