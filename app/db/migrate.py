"""Alembic migrations applied from inside the application, and SQLite backups.

A client refuses a database whose revision it does not know (a newer client wrote it).
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, inspect, text

from app.db.errors import DatabaseError, SchemaOutdated, SchemaTooNew

if TYPE_CHECKING:
    from alembic.config import Config

    from app.db.engine import Database

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


@cache
def _revisions() -> dict[str, str | None]:
    """revision → down_revision, read from the revision files without loading Alembic,
    which costs a tenth of a second at every start-up (a test checks Alembic agrees)."""
    found: dict[str, str | None] = {}
    pattern = re.compile(r"^(revision|down_revision)\b.*?=\s*(?:['\"](\w+)['\"]|None)", re.M)
    for path in (MIGRATIONS / "versions").glob("*.py"):
        values = {m.group(1): m.group(2) for m in pattern.finditer(path.read_text())}
        if values.get("revision"):
            found[values["revision"]] = values.get("down_revision")
    return found


def head_revision() -> str:
    revisions = _revisions()
    parents = {down for down in revisions.values() if down}
    (head,) = [rev for rev in revisions if rev not in parents]
    return head


def known_revisions() -> set[str]:
    return set(_revisions())


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def is_empty(conn: Connection) -> bool:
    return not inspect(conn).get_table_names()


def prepare(db: Database, *, create: bool, auto_upgrade: bool) -> None:
    with db.engine.connect() as conn:
        rev = current_revision(conn)
        empty = rev is None and is_empty(conn)
    if rev is not None and rev not in known_revisions():
        raise SchemaTooNew(
            f"{db.location.display()}: the database schema ({rev}) is newer than this version "
            "of ReleaseDesk knows; update ReleaseDesk to open it"
        )
    if rev is None and not empty:
        raise DatabaseError(
            f"{db.location.display()}: holds tables that are not a ReleaseDesk database"
        )
    if rev == head_revision():
        return
    if empty and create:
        upgrade(db)
        return
    if db.location.is_sqlite and auto_upgrade and not empty:
        backup(db)
        upgrade(db)
        return
    state = "has no ReleaseDesk schema" if empty else f"has schema {rev}, this client needs "
    state += "" if empty else head_revision()
    raise SchemaOutdated(
        f"{db.location.display()}: {state}; an administrator runs `releasedesk db upgrade`"
    )


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the schema to head in one transaction (DDL is transactional on both backends)."""
    with db.engine.connect() as conn:
        before = current_revision(conn)
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw: Any = conn.connection.driver_connection
        if sqlite:  # a table rebuild in batch mode would trip foreign keys half-way
            raw.execute("PRAGMA foreign_keys=OFF")
        from alembic import command

        try:
            with conn.begin():
                cfg = alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise DatabaseError(
                            f"{db.location.display()}: upgrade left a dangling reference in "
                            f"{broken[0]}; nothing was changed"
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")
    return before, head_revision()


def backup(db: Database, target: Path | None = None) -> Path:
    """Copy a SQLite database with the online backup API (consistent even while in use)."""
    if db.location.path is None:
        raise DatabaseError(
            f"{db.location.display()}: back up a PostgreSQL database with pg_dump on the server"
        )
    src_path = db.location.path
    if target is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = src_path.with_name(f"{src_path.name}.{stamp}.bak")
    if target.exists():
        raise DatabaseError(f"{target}: already exists; choose another backup file")
    try:
        src = sqlite3.connect(str(src_path))
        dst = sqlite3.connect(str(target))
        with dst:
            src.backup(dst)
        dst.close()
        src.close()
    except sqlite3.Error as exc:
        target.unlink(missing_ok=True)
        raise DatabaseError(f"{target}: backup failed ({exc})") from None
    return target
