"""Opening databases: what is refused, what is created, and that a refusal changes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app.db import DatabaseError, migrate, open_database, sqlite_checks
from app.db.errors import SchemaOutdated, SchemaTooNew
from app.db.url import parse_db_url


def test_create_new_sqlite_file_gets_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "new.db"
    db = open_database(str(path), create=True)
    try:
        assert db.schema_revision() == migrate.head_revision()
    finally:
        db.dispose()
    assert path.exists()


def test_missing_file_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with pytest.raises(DatabaseError, match="no such database file"):
        open_database(str(path))
    assert not path.exists()


def test_non_sqlite_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("meeting notes, not a database\n")
    with pytest.raises(DatabaseError, match="not a SQLite database"):
        open_database(str(path))
    assert path.read_text() == "meeting notes, not a database\n"


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(DatabaseError, match="not a ReleaseDesk database"):
        open_database(str(path))
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("invoices",)]


def test_newer_schema_is_refused_without_changes(db_url: str) -> None:
    db = open_database(db_url, create=True)
    with db.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    db.dispose()
    with pytest.raises(SchemaTooNew, match="newer than this version"):
        open_database(db_url)
    with pytest.raises(SchemaTooNew):
        open_database(db_url, create=True)


def test_read_only_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    open_database(str(path), create=True).dispose()
    real_access = sqlite_checks.os.access
    monkeypatch.setattr(
        sqlite_checks.os,
        "access",
        lambda p, mode: False if mode == sqlite_checks.os.W_OK else real_access(p, mode),
    )
    with pytest.raises(DatabaseError, match="read-only"):
        open_database(str(path))


def test_network_share_is_refused_with_advice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_checks, "_mount_fstype", lambda _p: "cifs")
    with pytest.raises(DatabaseError, match="network share.*PostgreSQL"):
        open_database(str(tmp_path / "shared.db"), create=True)
    assert not (tmp_path / "shared.db").exists()


def test_sqlite_runs_wal_with_foreign_keys(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "w.db"), create=True)
    try:
        with db.read() as s:
            assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    finally:
        db.dispose()


def test_write_transaction_takes_the_write_lock_at_begin(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    db = open_database(str(path), create=True)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with db.transaction() as s:
            s.execute(text("SELECT 1"))  # a read first: the lock must already be held
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
        db.dispose()


def test_unreachable_postgresql_gives_one_clear_message() -> None:
    with pytest.raises(DatabaseError, match="cannot reach the database server"):
        open_database("postgresql://nobody@127.0.0.1:1/nowhere")


@pytest.mark.parametrize(
    ("text_", "message"),
    [
        ("mysql://u@h/db", "unsupported database"),
        ("postgresql://u@h:5432", "name the database"),
        ("sqlite://", "give a file"),
        ("   ", "no database given"),
    ],
)
def test_bad_urls_are_explained(text_: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=message):
        parse_db_url(text_)


def test_postgres_url_gets_the_psycopg_driver_and_hides_password() -> None:
    loc = parse_db_url("postgresql://ann:secret@db.example:5433/plan")
    assert loc.url.drivername == "postgresql+psycopg"
    assert "secret" not in loc.display()
    assert loc.display().startswith("postgresql://ann:")


def test_database_without_schema_is_not_silently_changed(db_url: str) -> None:
    if db_url.endswith(".db"):
        Path(db_url).write_bytes(b"")
    with pytest.raises(SchemaOutdated, match="db upgrade"):
        open_database(db_url)


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "b.db"), create=True)
    try:
        target = migrate.backup(db)
        with pytest.raises(DatabaseError, match="already exists"):
            migrate.backup(db, target)
    finally:
        db.dispose()
    copy = open_database(str(target))
    try:
        assert copy.schema_revision() == migrate.head_revision()
    finally:
        copy.dispose()


def test_older_local_file_is_backed_up_then_upgraded(db_url: str) -> None:
    from alembic import command

    from app.db.engine import connect
    from tests.factories import seed_small_org

    if not db_url.endswith(".db"):
        pytest.skip("a shared PostgreSQL database is upgraded only by `db upgrade`")
    old = connect(db_url, create=True)
    with old.engine.begin() as conn:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        conn.execute(
            text(
                "INSERT INTO team (name, timezone, uuid, version, created_at, updated_at) "
                "VALUES ('Legacy', 'UTC', '00000000000000000000000000000001', 1, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO workload (key, title, change_class, team_id, size, business_value, "
                "time_criticality, risk_reduction, risk_tier, status, uuid, version, created_at, "
                "updated_at) VALUES ('OLD-7', 'Legacy change', 'feature', 1, 2, 5, 3, 1, 'low', "
                "'backlog', '00000000000000000000000000000002', 1, '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO component (name, kind, team_id, track, stateful, pii, financial, "
                "health, description, uuid, version, created_at, updated_at) VALUES ('legacy-api',"
                " 'service', 1, 'train', 0, 0, 0, 0, '', '00000000000000000000000000000003', 1, "
                "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )
        conn.execute(text("INSERT INTO workload_component VALUES (1, 1)"))
    old.dispose()
    db = open_database(db_url)
    try:
        assert db.schema_revision() == migrate.head_revision()
        with db.read() as s:
            assert s.execute(text("SELECT name FROM team")).scalar() == "Legacy"
            row = s.execute(text("SELECT key_sort, wsjf_score, schema_change FROM workload")).one()
            assert tuple(row) == ("OLD-0000000007", 4.5, False)
        seed_small_org(db)
    finally:
        db.dispose()
    backups = list(Path(db_url).parent.glob("releasedesk.db.*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)


def test_shared_postgresql_is_not_upgraded_implicitly(db_url: str) -> None:
    from alembic import command

    from app.db.engine import connect

    if db_url.endswith(".db"):
        pytest.skip("PostgreSQL only")
    old = connect(db_url)
    with old.engine.begin() as conn:
        cfg = migrate.alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    old.dispose()
    with pytest.raises(SchemaOutdated, match="db upgrade"):
        open_database(db_url)
    from app.cli import main

    assert main(["db", "upgrade", "--db", db_url]) == 0
    open_database(db_url).dispose()


def test_revision_list_read_at_start_up_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.known_revisions() == {s.revision for s in script.walk_revisions()}
