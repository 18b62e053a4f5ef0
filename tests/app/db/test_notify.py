"""Another client's write reaches an open client's watcher, so its views can refresh."""

from __future__ import annotations

import time

import pytest

from app.db import notify
from app.services import crud
from app.services.org import TEAM


def test_watcher_sees_a_write_made_elsewhere(seeded) -> None:
    watcher = notify.ChangeWatcher(seeded.db.location)
    try:
        assert watcher.changes() == set()
        with seeded.db.transaction() as s:
            crud.create(s, seeded.admin, TEAM, {"name": "Data", "timezone": "Asia/Kolkata"})
        seen: set[str] = set()
        for _ in range(50):  # delivery is asynchronous on PostgreSQL; a GUI polls on a timer
            seen |= watcher.changes()
            if seen:
                break
            time.sleep(0.02)
        assert seen == ({notify.ANY} if seeded.db.dialect == "sqlite" else {"team"})
        assert watcher.changes() == set()
    finally:
        watcher.close()


def test_watcher_survives_an_unreachable_database(tmp_path) -> None:
    from app.db.url import parse_db_url

    watcher = notify.ChangeWatcher(parse_db_url("postgresql://u@127.0.0.1:1/none"))
    assert watcher.changes() == set()
    watcher.close()


def test_watcher_backs_off_after_a_failure(monkeypatch) -> None:
    from app.db.url import parse_db_url

    watcher = notify.ChangeWatcher(parse_db_url("postgresql://u@127.0.0.1:1/none"))
    attempts = []
    monkeypatch.setattr(watcher, "_connect", lambda: attempts.append(1) or 1 / 0)
    assert watcher.changes() == set() and watcher.changes() == set()
    assert len(attempts) == 1  # the second poll did not try to connect again


def test_a_dropped_watcher_closes_its_connection(seeded) -> None:
    import gc

    watcher = notify.ChangeWatcher(seeded.db.location)
    watcher.changes()
    conn = watcher._conn
    del watcher
    gc.collect()
    if seeded.db.dialect == "postgresql":
        assert conn.closed
    else:
        import sqlite3

        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")
