"""Reading workload sheets: which sheet, which row is the header, how columns map, and a
clear refusal (naming the file) for anything that is not a readable sheet."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from app.exchange.errors import BadInput
from app.exchange.workload_columns import WORKLOAD_COLUMNS
from app.exchange.workload_sheet import read_sheet
from app.exchange.xlsx_writer import Column, WorkbookWriter

OURS = [c.header for c in WORKLOAD_COLUMNS]


def xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def refusal(path: Path) -> str:
    with pytest.raises(BadInput) as raised:
        read_sheet(path)
    message = str(raised.value)
    assert message.startswith(path.name), message
    return message


def test_our_own_export_is_read_from_its_workloads_sheet(tmp_path) -> None:
    book = WorkbookWriter(tmp_path / "plan.xlsx")
    book.note_row(book.note_sheet("Summary"), ["Release R-1"], title=True)
    table = book.table_sheet("Workloads", [Column(c.header, c.kind) for c in WORKLOAD_COLUMNS])
    values = {c.header: None for c in WORKLOAD_COLUMNS}
    values |= {"Key": "PAY-1", "Title": "=1+1", "Size": 3, "Must ship by": date(2026, 4, 1),
               "Schema change": True, "WSJF": 2.5, "UUID": "x"}  # fmt: skip
    table.append([values[h] for h in OURS])
    table.finish("Workloads")
    book.save()

    sheet = read_sheet(tmp_path / "plan.xlsx")
    assert sheet.own and sheet.header_row == 1 and sheet.unknown == () and sheet.notes == ()
    (row,) = sheet.rows
    assert row.row_number == 2
    assert row.cells["key"] == ("Key", "PAY-1")
    assert row.cells["title"] == ("Title", "=1+1"), "text stays text, never a formula"
    assert row.cells["size"][1] == 3 and row.cells["schema_change"][1] is True
    assert row.cells["must_ship_by"][1] == datetime(2026, 4, 1)
    assert "" not in row.cells and len(row.cells) == len([c for c in WORKLOAD_COLUMNS if c.field])


def test_the_header_is_the_first_non_empty_row_and_blank_rows_are_skipped(tmp_path) -> None:
    path = xlsx(
        tmp_path / "hand.xlsx",
        {
            "Plan": [
                [],
                [None, "Key", "Title", "Story points"],
                [],
                [None, "A-1", "One", 3.0],
                [None, None, None],
                [None, "A-2", "Two", None, "stray"],
            ],
        },  # fmt: skip
    )
    sheet = read_sheet(path)
    assert sheet.header_row == 2 and not sheet.own
    assert [r.row_number for r in sheet.rows] == [4, 6]
    assert sheet.rows[0].cells == {"key": ("Key", "A-1"), "title": ("Title", "One"),
                                   "size": ("Story points", 3)}  # fmt: skip
    assert any("cells under no header" in n for n in sheet.notes)


def test_without_a_workloads_sheet_the_first_is_read_and_said_so(tmp_path) -> None:
    path = xlsx(tmp_path / "x.xlsx", {"Export": [["Key"], ["A-1"]], "Other": [["Key"], ["B-1"]]})
    sheet = read_sheet(path)
    assert [r.cells["key"][1] for r in sheet.rows] == ["A-1"]
    assert any("'Export'" in n for n in sheet.notes)


def test_jira_headers_map_and_repeated_columns_merge(tmp_path) -> None:
    path = tmp_path / "jira.csv"
    path.write_text(
        "Issue key,Summary,Issue Type,Custom field (Story Points),Component/s,Component/s,"
        "Fix Version/s,Fix Version/s,Sprint,Sprint,Priority\n"
        "PAY-1,One,Story,5,api,web,R-1,R-1,S1,S2,High\n"
        "PAY-2,Two,Bug,3,,,R-1,R-2,,,Low\n",
        encoding="utf-8",
    )
    sheet = read_sheet(path)
    assert not sheet.own and sheet.unknown == ("Sprint", "Priority")
    assert any("Sprint, Priority" in n for n in sheet.notes)
    first, second = sheet.rows
    assert first.cells["components"] == ("Component/s", "api, web")
    assert first.cells["target_release"] == ("Fix Version/s", "R-1") and first.problems == ()
    assert first.cells["change_class"] == ("Issue Type", "Story")
    assert second.cells["components"] == ("Component/s", None)
    ((column, reason),) = second.problems
    assert column == "Fix Version/s"
    assert "G3 'R-1'" in reason and "H3 'R-2'" in reason and "one target release" in reason


@pytest.mark.parametrize(
    ("encoding", "delimiter", "prefix"),
    [
        ("utf-8", ",", b""),
        ("utf-8", ";", b"\xef\xbb\xbf"),
        ("utf-8", "\t", b""),
        ("utf-16", "\t", b""),
        ("cp1252", ";", b""),
    ],
)
def test_csv_encodings_and_delimiters(tmp_path, encoding, delimiter, prefix) -> None:
    text = delimiter.join(["Key", "Title", "Size"]) + "\r\n"
    text += delimiter.join(["PAY-1", "Café crème, déjà vu", "3"]) + "\r\n"
    if delimiter == ",":
        text = text.replace("Café crème, déjà vu", '"Café crème, déjà vu"')
    path = tmp_path / "w.csv"
    path.write_bytes(prefix + text.encode(encoding))
    sheet = read_sheet(path)
    (row,) = sheet.rows
    assert row.cells["title"][1] == "Café crème, déjà vu" and row.cells["size"][1] == "3"
    assert any("Windows-1252" in n for n in sheet.notes) == (encoding == "cp1252")


def test_excels_delimiter_line_is_obeyed(tmp_path) -> None:
    path = tmp_path / "sep.csv"
    path.write_text("sep=|\nKey|Title\nPAY-1|a;b,c\n", encoding="utf-8")
    (row,) = read_sheet(path).rows
    assert row.row_number == 3 and row.cells["title"] == ("Title", "a;b,c")


def test_an_empty_file_is_refused(tmp_path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"\xef\xbb\xbf\r\n")
    assert "is empty" in refusal(tmp_path / "empty.csv")
    assert "is empty" in refusal(xlsx(tmp_path / "empty.xlsx", {"Workloads": []}))


def test_a_header_only_sheet_reads_as_no_workloads(tmp_path) -> None:
    sheet = read_sheet(xlsx(tmp_path / "h.xlsx", {"Workloads": [OURS]}))
    assert sheet.rows == () and any("no workloads" in n for n in sheet.notes)


def test_a_sheet_without_a_key_column_is_refused_naming_what_it_has(tmp_path) -> None:
    path = tmp_path / "nokey.csv"
    path.write_text("Name,Points\nx,3\n")
    message = refusal(path)
    assert "no column for the workload key" in message and "Name, Points" in message


def test_garbage_and_truncated_workbooks_are_refused(tmp_path) -> None:
    (tmp_path / "garbage.xlsx").write_bytes(b"this is not a workbook at all" * 20)
    assert "not a readable Excel workbook" in refusal(tmp_path / "garbage.xlsx")
    whole = xlsx(tmp_path / "whole.xlsx", {"Workloads": [["Key"], ["A-1"]] * 200})
    (tmp_path / "cut.xlsx").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    assert "not a readable Excel workbook" in refusal(tmp_path / "cut.xlsx")
    assert "no such file" in refusal(tmp_path / "missing.xlsx")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert ".xlsx" in refusal(tmp_path / "old.xls")


def test_a_csv_in_an_unreadable_encoding_is_refused(tmp_path) -> None:
    (tmp_path / "u16.csv").write_bytes("Key,Title\nA-1,x\n".encode("utf-16-le"))
    assert "NUL bytes" in refusal(tmp_path / "u16.csv")
    (tmp_path / "bad.csv").write_bytes(b"Key,Title\nA-1,x\x81y\n")
    message = refusal(tmp_path / "bad.csv")
    assert "bad.csv:2:" in message and "0x81" in message
