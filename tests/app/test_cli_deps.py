"""`releasedesk deps`: import all-or-nothing, order with cycles, matrix files."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cli import main
from app.domain import Component, ComponentDependency
from tests.factories import acting_login_is_coordinator

EDGES = (
    "caller,callee\nfrontend,cart\nfrontend,catalog\ncart,redis\ncheckout,cart\n"
    "checkout,payment\npayment,fraud\nfraud,payment\nfrontend,cart\nredis,redis\n"
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(db) -> tuple[int, int]:
    with db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Component)),
            s.scalar(select(func.count()).select_from(ComponentDependency)),
        )


def test_import_creates_components_reports_duplicates_and_is_idempotent(
    seeded, db_url, tmp_path, capsys
) -> None:
    acting_login_is_coordinator(seeded)
    path = tmp_path / "edges.csv"
    path.write_text(EDGES)
    code, out, _ = run(capsys, "deps", "import", str(path), "--db", db_url, "--json")
    data = json.loads(out)
    assert code == 0 and data["created_edges"] == 7
    assert sorted(data["created_components"]) == sorted(
        ["frontend", "cart", "catalog", "redis", "checkout", "payment", "fraud"]
    )
    assert data["duplicates"] == [
        {"line": 9, "caller": "frontend", "callee": "cart", "first_line": 2}
    ]
    assert data["self_dependencies"] == [{"line": 10, "name": "redis"}]
    before = counts(seeded.db)
    code, out, _ = run(capsys, "deps", "import", str(path), "--db", db_url, "--json")
    assert json.loads(out)["existing_edges"] == 7 and counts(seeded.db) == before

    code, out, _ = run(capsys, "deps", "order", "--db", db_url, "--json")
    order = json.loads(out)
    assert code == 1 and order["cycles"] == [["fraud", "payment"]]
    stage = {n: i for i, names in enumerate(order["stages"]) for n in names}
    assert stage["redis"] < stage["cart"] < stage["frontend"]
    assert stage["fraud"] == stage["payment"] < stage["checkout"]


def test_malformed_file_imports_nothing(seeded, db_url, tmp_path, capsys) -> None:
    path = tmp_path / "edges.csv"
    path.write_text("frontend,cart\nbroken\n")
    before = counts(seeded.db)
    code, _, err = run(capsys, "deps", "import", str(path), "--db", db_url)
    assert code == 2 and f"{path}:2: expected 2 fields" in err
    assert counts(seeded.db) == before


def test_strict_refuses_unknown_names_and_changes_nothing(seeded, db_url, tmp_path, capsys):
    path = tmp_path / "edges.csv"
    path.write_text("payments-api,ledger\n")
    before = counts(seeded.db)
    code, _, err = run(capsys, "deps", "import", str(path), "--db", db_url, "--strict")
    assert code == 2 and "no component 'ledger'" in err and "line 1" in err
    assert counts(seeded.db) == before


def test_order_without_cycles_exits_0(seeded, db_url, capsys) -> None:
    code, out, _ = run(capsys, "deps", "order", "--db", db_url)
    assert code == 0 and out.startswith("stage 1: payments-api")
    code, _, err = run(capsys, "deps", "order", "--db", db_url, "--release", "nope")
    assert code == 2 and "no release 'nope'" in err


def test_matrix_files(tmp_path, capsys) -> None:
    db = str(tmp_path / "m.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    edges = tmp_path / "edges.csv"
    edges.write_text(EDGES)
    assert main(["deps", "import", str(edges), "--db", db]) == 0
    capsys.readouterr()
    for suffix in ("png", "svg", "xlsx"):
        target = tmp_path / f"matrix.{suffix}"
        code, out, _ = run(capsys, "deps", "matrix", "--db", db, "-o", str(target), "--json")
        assert code == 0 and json.loads(out)["cycles"] == [["fraud", "payment"]]
        assert target.stat().st_size > 0
    assert (tmp_path / "matrix.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    root = ElementTree.parse(tmp_path / "matrix.svg").getroot()
    assert root.tag.endswith("svg")
    sheet = load_workbook(tmp_path / "matrix.xlsx")["Dependency matrix"]
    names = [c.value for c in sheet[2]][2:]
    row_of = {sheet.cell(row=r, column=2).value: r for r in range(3, 3 + len(names))}
    assert sheet.cell(row=row_of["frontend"], column=3 + names.index("cart")).value == "A"
    code, _, err = run(capsys, "deps", "matrix", "--db", db, "-o", str(tmp_path / "m.pdf"))
    assert code == 2 and "choose a .png, .svg or .xlsx" in err
    assert not list(Path(tmp_path).glob(".*partial*"))
