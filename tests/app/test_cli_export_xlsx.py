"""`releasedesk export xlsx`: rows per sheet and problems printed, bad input refused in one line.

The command is registered on a parser built here the way app.cli builds its own (`_common`
adds --db and --json; the `export` group holds the formats), and errors are handled as
`app.cli.main` handles them, so these tests do not depend on the wiring in app/cli.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import UsageError, _common
from app.cli_export_xlsx import register
from tests.factories import Org, make_train, make_workload


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="releasedesk")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export")
    esub = export.add_subparsers(dest="export_command", required=True)
    register(esub, _common)
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except UsageError as exc:  # as app.cli.main reports it
        print(f"releasedesk: error: {exc}", file=sys.stderr)
        return 2
    return code


@pytest.fixture
def org(seeded: Org) -> Org:
    make_train(seeded, "Payments train", datetime.now(UTC), upcoming=2)
    make_workload(seeded, "PAY-1", status="planned", target_release="R-1")
    make_workload(seeded, "PAY-2", status="planned", target_release="R-2")
    return seeded


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["export", "xlsx", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_rows_of_every_sheet(org: Org, db_url: str, tmp_path: Path, capsys) -> None:
    target = tmp_path / "plan.xlsx"
    code, out, err = run(capsys, "--db", db_url, "-o", str(target), "--release", "R-1")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == f"{target}:"
    assert "  Workloads                    1 rows" in lines
    assert "  Releases                     1 rows" in lines
    assert lines[-1] == "no problems: every value was written in full"
    assert "%  Workloads" in err  # progress goes to stderr
    assert load_workbook(target, read_only=True).sheetnames[0] == "Summary"


def test_json_lists_sheets_and_problems(org: Org, db_url: str, tmp_path: Path, capsys) -> None:
    target = tmp_path / "plan.xlsx"
    code, out, err = run(capsys, "--db", db_url, "-o", str(target), "--json", "--zone",
                         "America/New_York")  # fmt: skip
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["sheets"]["Workloads"] == 2 and list(data["sheets"])[0] == "Summary"
    assert data["problems"] == [] and data["file"] == str(target)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--release", "R-99"], "no release is called 'R-99'"),
        (["--from", "2027-02-30"], "--from: '2027-02-30' is not a date (YYYY-MM-DD)"),
        (["--from", "2027-02-01", "--to", "2027-01-01"], "the period ends (2027-01-01) before"),
        (["--release", "R-1", "--to", "2027-01-01"], "--release: give a release or a period"),
        (["--zone", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    org: Org, db_url: str, tmp_path: Path, capsys, argv: list[str], message: str
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, err = run(capsys, "--db", db_url, "-o", str(out_dir / "plan.xlsx"), *argv)
    lines = [line for line in err.splitlines() if line.startswith("releasedesk: error:")]
    assert code == 2 and out == ""
    assert len(lines) == 1 and message in lines[0], err
    assert list(out_dir.iterdir()) == []


def test_a_folder_that_does_not_exist_is_refused(org: Org, db_url: str, tmp_path, capsys) -> None:
    target = tmp_path / "missing" / "plan.xlsx"
    code, _, err = run(capsys, "--db", db_url, "-o", str(target))
    assert code == 2
    assert err.strip() == (
        f"releasedesk: error: {target}: cannot write: the folder {target.parent} does not exist"
    )
    code, _, err = run(capsys, "--db", db_url, "-o", str(tmp_path / "plan.csv"))
    assert code == 2 and "an Excel workbook ends in .xlsx" in err
