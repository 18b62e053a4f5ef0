"""The release workbook: every sheet a real table with typed cells, safe text, the scope obeyed,
and a cancelled export leaves nothing behind."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select, update

from app.db import Database, open_database
from app.domain import Release, Workload
from app.exchange.release_workbook import EVERY, ExportResult, export_workbook
from app.services.workbook_data import ScopeError
from tests.factories import Org, make_train, make_workload

SHEETS = ["Summary", "Releases", "Workloads", "Capacity", "Dependency matrix", "Calendar",
          "Runbooks", "Approvals", "Audit events"]  # fmt: skip
DATA_SHEETS = ["Releases", "Workloads", "Capacity", "Calendar", "Runbooks", "Approvals",
               "Audit events"]  # fmt: skip
ANCHOR = date(2026, 3, 2)
ZONE = "Europe/Berlin"


@dataclass
class Demo:
    db: Database
    path: Path
    result: ExportResult
    calls: list[tuple[str, float]]
    book: Any


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The small demo organisation exported whole, once for the module."""
    from app.demo import generate

    folder = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RELEASEDESK_USER", "coordinator")
        db = open_database(str(folder / "demo.db"), create=True)
        generate(db, anchor=ANCHOR)
        calls: list[tuple[str, float]] = []
        path = folder / "demo.xlsx"
        with db.read() as s:
            result = export_workbook(s, path, zone=ZONE, progress=lambda *a: calls.append(a))
        yield Demo(db, path, result, calls, load_workbook(path))
        db.dispose()


def header(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


def column(ws: Any, name: str) -> list[Any]:
    """The data cells of the column headed `name`."""
    index = header(ws).index(name) + 1
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=index, max_col=index)]


def export(org: Org, path: Path, **scope: Any) -> tuple[ExportResult, Any]:
    with org.db.read() as s:
        result = export_workbook(s, path, **scope)
    return result, load_workbook(path)


def test_every_sheet_is_there_in_order(demo: Demo) -> None:
    assert demo.book.sheetnames == SHEETS
    assert list(demo.result.sheets) == SHEETS
    assert demo.result.sheets["Workloads"] == 1500


@pytest.mark.parametrize("title", DATA_SHEETS)
def test_each_data_sheet_is_one_table_over_its_header_and_rows(demo: Demo, title: str) -> None:
    ws = demo.book[title]
    assert len(ws.tables) == 1
    table = next(iter(ws.tables.values()))
    rows = max(demo.result.sheets[title], 1)  # an empty table keeps one blank row
    ref = f"A1:{get_column_letter(len(header(ws)))}{rows + 1}"
    assert table.ref == ref and table.autoFilter.ref == ref
    assert ws.max_row == rows + 1
    assert [c.name for c in table.tableColumns] == header(ws)
    assert " " not in table.displayName
    assert ws.freeze_panes == "A2"


def test_cells_are_typed_and_date_times_are_in_the_chosen_zone(demo: Demo) -> None:
    wl = demo.book["Workloads"]
    assert all(isinstance(c.value, int) and c.data_type == "n" for c in column(wl, "Size"))
    assert all(isinstance(c.value, bool) for c in column(wl, "Schema change"))
    assert all(isinstance(c.value, datetime) for c in column(wl, "Created (UTC)"))
    assert all(c.data_type == "n" and c.value > 0 for c in column(wl, "WSJF"))
    assert all(isinstance(c.value, bool) for c in column(demo.book["Runbooks"], "Approved"))
    cal = demo.book["Calendar"]
    assert all(isinstance(c.value, datetime) for c in column(cal, f"Start ({ZONE})"))
    rel = demo.book["Releases"]
    names = [c.value for c in column(rel, "Name")]
    starts = [c.value for c in column(rel, f"Window start ({ZONE})")]
    with demo.db.read() as s:
        stored = s.scalar(select(Release.window_start).where(Release.name == names[0]))
    assert stored is not None
    assert starts[0] == stored.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)
    assert starts[0].hour != stored.hour  # Berlin is never UTC: the zone was applied


def test_progress_comes_at_least_every_2000_rows_and_only_grows(demo: Demo) -> None:
    data_rows = sum(demo.result.sheets[t] for t in DATA_SHEETS)
    fractions = [f for _stage, f in demo.calls]
    assert len(demo.calls) >= data_rows // EVERY
    assert fractions == sorted(fractions) and fractions[0] >= 0 and fractions[-1] <= 1
    assert {"Workloads", "Calendar", "Approvals"} <= {stage for stage, _ in demo.calls}


def test_the_summary_counts_the_scope(demo: Demo) -> None:
    rows = [[c.value for c in row] for row in demo.book["Summary"].iter_rows()]
    labels = {r[0]: r[1:] for r in rows if r and r[0]}
    assert labels["Scope"][0] == "everything"
    with demo.db.read() as s:
        alive = s.scalars(select(Workload.change_class).where(Workload.status != "cancelled"))
        features = sum(1 for c in alive if c == "feature")
    assert labels["feature"][0] == features
    assert labels["Workloads"][0] == 1500  # the sheet sizes block
    assert "Promotion gates to production" in labels and "Open conflicts" in labels


@pytest.fixture
def org(seeded: Org) -> Org:
    now = datetime.now(UTC)
    make_train(seeded, "Payments train", now, upcoming=2)
    return seeded


def test_formula_like_text_comes_back_as_the_exact_text(org: Org, tmp_path: Path) -> None:
    titles = {"PAY-1": '=HYPERLINK("http://x")', "PAY-2": "+SUM(A1)", "PAY-3": "@cmd",
              "PAY-4": "-2+3"}  # fmt: skip
    for key, title in titles.items():
        make_workload(org, key, title=title)
    path = tmp_path / "plan.xlsx"
    _, book = export(org, path)
    cells = dict(zip(column(book["Workloads"], "Key"), column(book["Workloads"], "Title"),
                     strict=True))  # fmt: skip
    found = {k.value: (c.value, c.data_type) for k, c in cells.items()}
    assert found == {key: (title, "s") for key, title in titles.items()}
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)


def test_text_over_the_cell_limit_is_cut_and_reported(org: Org, tmp_path: Path) -> None:
    if org.db.dialect != "sqlite":
        pytest.skip("PostgreSQL refuses a title longer than its column; SQLite keeps it")
    make_workload(org, "PAY-1")
    with org.db.transaction() as s:
        s.execute(update(Workload).where(Workload.key == "PAY-1").values(title="x" * 40_000))
    result, book = export(org, tmp_path / "long.xlsx")
    assert column(book["Workloads"], "Title")[0].value == "x" * 32_767
    assert any(
        p.startswith("Workloads!row 2, Title: 40,000 characters") for p in result.problems
    ), result.problems
    summary = [row[0].value for row in book["Summary"].iter_rows() if row[0].value]
    assert any(str(v).startswith("Workloads!row 2, Title: 40,000") for v in summary)


def test_a_change_request_url_is_a_hyperlink_and_a_number_is_not(org: Org, tmp_path) -> None:
    url = "https://itsm.example.com/change/CHG0042"
    make_workload(org, "PAY-1", change_request=url)
    make_workload(org, "PAY-2", change_request="CHG0043")
    _, book = export(org, tmp_path / "links.xlsx")
    first, second = column(book["Workloads"], "Change request")
    assert (first.value, first.hyperlink.target) == (url, url)
    assert (second.value, second.hyperlink) == ("CHG0043", None)


def test_overcommitment_is_highlighted_and_said_in_words(org: Org, tmp_path: Path) -> None:
    for n, size in enumerate((13, 13), 1):  # 26 points against the default 20
        make_workload(org, f"PAY-{n}", size=size, status="planned", target_release="R-1")
    _, book = export(org, tmp_path / "capacity.xlsx")
    ws = book["Capacity"]
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=2)}
    over = rows["Payments", "R-1"]
    names = header(ws)
    assert over[names.index("Committed")].value == 26
    assert over[names.index("Free (negative: over)")].value == -6
    assert over[names.index("Overcommitment")].value == "over by 6 points"
    assert rows["Payments", "R-2"][names.index("Overcommitment")].value is None
    rules = [(str(cf.sqref), rule) for cf in ws.conditional_formatting for rule in cf.rules]
    assert rules, "no conditional formatting on Capacity"
    (where, rule), *_ = rules
    assert where == f"A2:H{ws.max_row}" and "<0" in rule.formula[0] and rule.dxf.fill


def test_a_release_restricts_the_workloads_and_a_period_its_releases(org: Org, tmp_path) -> None:
    make_workload(org, "PAY-1", status="planned", target_release="R-1")
    make_workload(org, "PAY-2", status="planned", target_release="R-2")
    make_workload(org, "PAY-3")  # backlog, changed today
    _, book = export(org, tmp_path / "r1.xlsx", release="R-1")
    assert [c.value for c in column(book["Workloads"], "Key")] == ["PAY-1"]
    assert [c.value for c in column(book["Releases"], "Name")] == ["R-1"]
    today = datetime.now(UTC).date()
    _, book = export(org, tmp_path / "p.xlsx", start=today, end=today + timedelta(days=20))
    assert [c.value for c in column(book["Releases"], "Name")] == ["R-1"]
    assert [c.value for c in column(book["Workloads"], "Key")] == ["PAY-1", "PAY-3"]
    _, book = export(org, tmp_path / "all.xlsx")
    assert [c.value for c in column(book["Workloads"], "Key")] == ["PAY-1", "PAY-2", "PAY-3"]


def test_a_bad_scope_is_refused_before_anything_is_written(org: Org, tmp_path: Path) -> None:
    bad = [
        {"release": "R-99"},
        {"start": date(2027, 2, 1), "end": date(2027, 1, 1)},
        {"zone": "Mars/Olympus"},
        {"release": "R-1", "start": date(2027, 1, 1)},
    ]
    out = tmp_path / "out"
    out.mkdir()
    with org.db.read() as s:
        for scope in bad:
            with pytest.raises(ScopeError):
                export_workbook(s, out / "bad.xlsx", **scope)
    assert list(out.iterdir()) == []


class Cancel(Exception):
    pass


def test_cancelling_leaves_no_file_and_the_old_one_untouched(
    org: Org, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(1, 4):
        make_workload(org, f"PAY-{n}")
    scratch = tmp_path / "scratch"  # where openpyxl streams each sheet
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "plan.xlsx"
    target.write_bytes(b"last week's workbook")

    def cancel(stage: str, _fraction: float) -> None:
        if stage == "Calendar":  # several sheets are half written by now
            raise Cancel

    with org.db.read() as s, pytest.raises(Cancel):
        export_workbook(s, target, progress=cancel)
    assert target.read_bytes() == b"last week's workbook"
    assert [p.name for p in folder.iterdir()] == ["plan.xlsx"]
    assert list(scratch.iterdir()) == []


def test_libreoffice_opens_and_converts_the_workbook(demo: Demo, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / "release.xlsx"
    with demo.db.read() as s:
        name = s.scalar(select(Release.name).order_by(Release.window_start.desc()))
        export_workbook(s, path, release=name, zone=ZONE)
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "release.pdf"
    assert done.returncode == 0, done.stderr
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")
