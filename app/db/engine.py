"""One `Database` per open data source: engine, session factory and `transaction()`.

SQLite runs in WAL mode with foreign keys on and a busy timeout; write transactions begin
IMMEDIATE so two writers queue instead of failing half-way. Reads begin deferred.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import migrate
from app.db.errors import DatabaseError
from app.db.sqlite_checks import check_file
from app.db.url import DbUrl, parse_db_url

BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, location: DbUrl, engine: Engine) -> None:
        self.location = location
        self.engine = engine
        self._reader = sessionmaker(engine, expire_on_commit=False)
        writer_engine = engine.execution_options(releasedesk_write=True)
        self._writer = sessionmaker(writer_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write unit of work: commits on success, rolls back on any exception."""
        with self._writer() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session:  # close() ends the transaction, keeps loaded values
            yield session

    def schema_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return migrate.current_revision(conn)

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()


def make_engine(location: DbUrl, **kw: Any) -> Engine:
    if location.is_sqlite:
        engine = create_engine(
            location.url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None},
            **kw,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        location.url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, **kw
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("releasedesk_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def open_database(
    text_or_url: str | DbUrl, *, create: bool = False, auto_upgrade: bool = True
) -> Database:
    """Open and check a database; refuses a newer schema, a damaged or read-only file.

    A local SQLite file is upgraded automatically (after a backup); a PostgreSQL database
    must be upgraded by an administrator with `releasedesk db upgrade`. With `create`, a
    missing SQLite file or an empty database gets the schema.
    """
    location = text_or_url if isinstance(text_or_url, DbUrl) else parse_db_url(text_or_url)
    new_file = location.path is not None and not location.path.exists()
    if location.path is not None:
        check_file(location.path, create=create)
        if create:
            location.path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(location)
    try:
        db = Database(location, engine)
        _check_reachable(db)
        migrate.prepare(db, create=create, auto_upgrade=auto_upgrade)
        return db
    except BaseException:
        engine.dispose()
        if new_file and location.path is not None:
            remove_sqlite_files(location.path)
        raise


def remove_sqlite_files(path: Path) -> None:
    """Remove a database file this process just created, with its WAL companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def connect(text_or_url: str | DbUrl, *, create: bool = False) -> Database:
    """Open without touching the schema: for `db status` and `db upgrade`."""
    location = text_or_url if isinstance(text_or_url, DbUrl) else parse_db_url(text_or_url)
    if location.path is not None:
        check_file(location.path, create=create)
        if create:
            location.path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(location)
    db = Database(location, engine)
    try:
        _check_reachable(db)
    except BaseException:
        engine.dispose()
        raise
    return db


def _check_reachable(db: Database) -> None:
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, DBAPIError) as exc:
        raise DatabaseError(describe_connect_error(db.location, exc)) from None


def describe_connect_error(location: DbUrl, exc: Exception) -> str:
    detail = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    where = location.display()
    lowered = detail.lower()
    if "password" in lowered or "authentication" in lowered:
        return f"{where}: the server refused the login ({detail})"
    if "connection refused" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return f"{where}: cannot reach the database server ({detail}); is it running?"
    if "does not exist" in lowered:
        return f"{where}: {detail}"
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"{where}: is not a SQLite database (or is damaged)"
    return f"{where}: cannot open the database ({detail})"
