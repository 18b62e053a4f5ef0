"""Fixtures shared by every test: an isolated database per test, on SQLite and PostgreSQL.

Database tests take the `db` fixture; it runs once on a fresh SQLite file and, when
RELEASEDESK_TEST_PG_URL is set, once more in a PostgreSQL schema of its own that is dropped
afterwards. Tests never touch the user's own data or settings.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_URL = os.environ.get("RELEASEDESK_TEST_PG_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def _isolate_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("RELEASEDESK_SETTINGS_DIR", str(home / "settings"))
    monkeypatch.setenv("RELEASEDESK_USER", "coordinator")
    monkeypatch.delenv("RELEASEDESK_DB", raising=False)


def pg_schema_url(schema: str) -> str:
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty, not yet created database on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "releasedesk.db")
        return
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield pg_schema_url(schema)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db(db_url: str):
    """An open, migrated, empty database."""
    from app.db import open_database

    database = open_database(db_url, create=True)
    yield database
    database.dispose()


@pytest.fixture
def seeded(db):
    """A database with a small organisation; returns (db, admin actor, coordinator actor)."""
    from tests.factories import seed_small_org

    return seed_small_org(db)
