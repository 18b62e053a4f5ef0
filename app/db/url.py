"""Turns a database location as users write it into an SQLAlchemy URL.

Accepted: a bare file path, `sqlite:///path`, `postgresql://user@host:port/db` (or
`postgres://`); the psycopg 3 driver is chosen for PostgreSQL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from app.db.errors import DatabaseError


@dataclass(frozen=True)
class DbUrl:
    url: URL
    path: Path | None  # the file, for SQLite

    @property
    def is_sqlite(self) -> bool:
        return self.path is not None

    def display(self) -> str:
        """Where the data lives, without any password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True).replace("+psycopg", "")


def parse_db_url(text: str) -> DbUrl:
    text = text.strip()
    if not text:
        raise DatabaseError("no database given: pass --db with a file path or a URL")
    if "://" not in text:
        return _sqlite(Path(text))
    try:
        url = make_url(text)
    except ArgumentError as exc:
        raise DatabaseError(f"not a database URL: {text!r} ({exc})") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            raise DatabaseError(f"{text}: give a file, e.g. sqlite:///path/to/releasedesk.db")
        return _sqlite(Path(url.database))
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
        if not url.database:
            raise DatabaseError(f"{text}: name the database, e.g. postgresql://user@host:5432/db")
        return DbUrl(url, None)
    raise DatabaseError(
        f"{text}: unsupported database {backend!r}; use a SQLite file or postgresql://"
    )


def _sqlite(path: Path) -> DbUrl:
    path = Path(os.path.expanduser(str(path))).resolve()
    return DbUrl(URL.create("sqlite+pysqlite", database=str(path)), path)


def default_location() -> str:
    """`RELEASEDESK_DB`, else the SQLite file in the user's data directory."""
    env = os.environ.get("RELEASEDESK_DB", "").strip()
    if env:
        return env
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("ReleaseDesk", appauthor=False))
    return str(folder / "releasedesk.db")
