"""The command line: exit codes 0/1/2, one-line errors, JSON output, db administration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from app.cli import main
from app.db import migrate, open_database


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_creates_then_reports_up_to_date(db_url, capsys) -> None:
    code, out, _ = run(capsys, "db", "upgrade", "--db", db_url)
    assert code == 0 and f"-> {migrate.head_revision()}" in out
    code, out, _ = run(capsys, "db", "status", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["state"] == "up to date"
    code, out, _ = run(capsys, "db", "upgrade", "--db", db_url)
    assert code == 0 and "already at" in out


def test_db_status_of_an_empty_database_fails_the_check(db_url, capsys, tmp_path) -> None:
    if db_url.endswith(".db"):
        Path(db_url).write_bytes(b"")
    code, out, _ = run(capsys, "db", "status", "--db", db_url)
    assert code == 1 and "db upgrade" in out


def test_db_upgrade_refuses_a_newer_schema(db, db_url, capsys) -> None:
    with db.transaction() as s:
        s.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    code, _, err = run(capsys, "db", "upgrade", "--db", db_url)
    assert code == 2 and "newer than this client" in err
    assert err.count("\n") == 1


def test_errors_are_one_line_on_stderr_with_exit_2(tmp_path, capsys) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage")
    for argv in (
        ["audit", "verify", "--db", str(junk)],
        ["whoami", "--db", str(tmp_path / "missing.db")],
        ["db", "backup", "--db", "postgresql://u@127.0.0.1:1/x"],
    ):
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert out == "" and err.startswith("releasedesk: error: ") and err.count("\n") == 1
    assert junk.read_bytes() == b"\x00garbage"


def test_backup_writes_a_usable_copy(tmp_path, capsys) -> None:
    source = tmp_path / "plan.db"
    open_database(str(source), create=True).dispose()
    target = tmp_path / "copy.db"
    code, out, _ = run(capsys, "db", "backup", "--db", str(source), "-o", str(target), "--json")
    assert code == 0 and json.loads(out)["backup"] == str(target)
    open_database(str(target)).dispose()


def test_whoami_maps_the_login_to_a_person(seeded, db_url, capsys) -> None:
    code, out, _ = run(capsys, "whoami", "--db", db_url, "--json")
    data = json.loads(out)
    if seeded.db.dialect == "sqlite":
        assert data == {
            "login": "coordinator",
            "name": "Cora Coordinator",
            "roles": ["coordinator"],
            "known": True,
        }
    else:
        assert data["login"] == "postgres" and data["roles"] == ["viewer"]


def test_audit_log_lists_latest_events(seeded, db_url, capsys) -> None:
    code, out, _ = run(capsys, "audit", "log", "--db", db_url, "--limit", "2", "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 2 and rows[0]["seq"] < rows[1]["seq"]
    code, _, err = run(capsys, "audit", "log", "--db", db_url, "--limit", "0")
    assert code == 2 and "--limit" in err


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["demo", "--scale", "huge"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_core_package_is_qt_free() -> None:
    probe = (
        "import sys, pkgutil, importlib, app\n"
        "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
        "    if '.migrations' not in m.name: importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'ui')]\n"
        "print(bad)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
