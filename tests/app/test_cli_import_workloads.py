"""`releasedesk import workloads`: the preview in words and JSON, all-or-nothing --apply."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.cli import _common
from app.cli_import_workloads import register
from app.domain import AuditEvent
from app.exchange.errors import BadInput
from tests.app.services.test_workload_import import (
    JIRA,
    counts,
    export_rows,
    stored,
    write_csv,
    write_xlsx,
)
from tests.factories import Org, acting_login_is_coordinator, make_train, make_workload


def parser() -> argparse.ArgumentParser:
    """The `import` group as app/cli.py builds it, with only this format registered."""
    top = argparse.ArgumentParser(prog="releasedesk")
    sub = top.add_subparsers(dest="command")
    group = sub.add_parser("import")
    register(group.add_subparsers(dest="import_command", required=True), _common)
    return top


def run(capsys, *argv: str) -> tuple[int, str, str]:
    args = parser().parse_args(["import", "workloads", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def org(seeded) -> Org:
    acting_login_is_coordinator(seeded)
    make_train(seeded, "Main", datetime(2026, 3, 2, tzinfo=UTC), upcoming=2)
    make_workload(seeded, "PAY-1", components=["payments-api"])
    make_workload(seeded, "PAY-2", owner="coordinator")
    return seeded


@pytest.fixture
def edited(org, tmp_path):
    """PAY-1 resized, PAY-9 new, PAY-10 with a size off the scale."""
    rows = export_rows(org.db)
    rows[0] |= {"Size": 8, "Target release": "R-2"}
    rows.append(rows[1] | {"Key": "PAY-9", "Title": "Refunds"})
    rows.append(rows[1] | {"Key": "PAY-10", "Size": 4})
    return write_xlsx(tmp_path / "plan.xlsx", rows)


def test_the_preview_lists_creates_updates_and_every_problem(org, edited, db_url, capsys):
    before = counts(org)
    code, out, _ = run(capsys, str(edited), "--db", db_url)
    assert code == 1
    assert out.splitlines()[0] == (
        "plan.xlsx: 1 to create, 1 to update, 1 unchanged, 1 problems"
        " — nothing can be imported until they are fixed"
    )
    assert "create:\n  row 4: PAY-9\nupdate:\n  row 2: PAY-1: Size, Target release\n" in out
    assert "problems:\n  row 5, Size: must be on the scale" in out
    assert counts(org) == before


def test_json_preview_has_exactly_the_documented_shape(org, edited, db_url, capsys) -> None:
    code, out, _ = run(capsys, str(edited), "--db", db_url, "--json")
    data = json.loads(out)
    assert code == 1
    assert data["create"] == ["PAY-9"]
    assert data["update"] == [{"key": "PAY-1", "fields": ["size", "target_release"]}]
    (error,) = data["errors"]
    assert set(error) == {"row", "column", "reason"}
    assert (error["row"], error["column"]) == (5, "Size") and "not 4" in error["reason"]
    assert set(data) <= {"create", "update", "errors", "unchanged", "notes"}


def test_apply_with_an_invalid_row_writes_nothing(org, edited, db_url, capsys) -> None:
    before = counts(org)
    code, out, _ = run(capsys, str(edited), "--db", db_url, "--apply", "--json")
    assert code == 1 and json.loads(out)["errors"][0]["row"] == 5
    assert counts(org) == before and stored(org, "PAY-1")["Size"] == 3


def test_apply_imports_everything_audited_and_a_second_run_changes_nothing(
    org, db_url, tmp_path, capsys
) -> None:
    rows = export_rows(org.db)
    rows[0]["Size"] = 13
    rows.append(rows[1] | {"Key": "PAY-9", "Title": "Refunds"})
    path = write_xlsx(tmp_path / "good.xlsx", rows)
    workloads, events = counts(org)
    code, out, _ = run(capsys, str(path), "--db", db_url, "--apply")
    assert code == 0
    assert out.splitlines()[0] == "good.xlsx: imported: 1 created, 1 updated, 1 unchanged"
    assert counts(org) == (workloads + 1, events + 2)
    with org.db.read() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert {(e.action, e.entity_type) for e in last} == {("import", "workload")}
    assert stored(org, "PAY-1")["Size"] == 13 and stored(org, "PAY-9")["Title"] == "Refunds"

    code, out, _ = run(capsys, str(path), "--db", db_url, "--json")
    data = json.loads(out)
    assert code == 0 and (data["create"], data["update"], data["errors"]) == ([], [], [])
    assert data["unchanged"] == 3


def test_a_jira_csv_needs_a_team_for_new_rows_which_team_gives(org, db_url, tmp_path, capsys):
    rows = [["JRA-1", "Fraud rules", "Bug", "3", "To Do", "R-1", "", "High"]]
    path = write_csv(tmp_path / "jira.csv", JIRA, rows)
    code, out, _ = run(capsys, str(path), "--db", db_url, "--json")
    assert code == 1 and json.loads(out)["errors"][0]["column"] == "Team"
    code, out, _ = run(capsys, str(path), "--db", db_url, "--team", "Mobile", "--apply")
    assert code == 0 and stored(org, "JRA-1")["Team"] == "Mobile"
    assert "columns not imported (no workload field): Priority" in out


def test_an_unreadable_file_is_an_error_naming_it_also_in_json(org, db_url, tmp_path, capsys):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(BadInput, match=r"^broken\.xlsx: is not a readable Excel workbook"):
        run(capsys, str(path), "--db", db_url, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["create"] == [] and "broken.xlsx" in data["errors"][0]["reason"]


def test_the_real_command_line(org, edited, db_url, capsys) -> None:
    from app.cli import build_parser, main

    try:
        build_parser().parse_args(["import", "workloads", str(edited)])
    except SystemExit:
        capsys.readouterr()
        pytest.skip("`import workloads` is not wired into app/cli.py yet")
    assert main(["import", "workloads", str(edited), "--db", db_url, "--apply"]) == 1
    out, _ = capsys.readouterr()
    assert "row 5, Size" in out and stored(org, "PAY-1")["Size"] == 3
    path = edited.with_name("nothing.csv")
    path.write_bytes(b"")
    assert main(["import", "workloads", str(path), "--db", db_url]) == 2
    assert "nothing.csv: is empty" in capsys.readouterr().err
