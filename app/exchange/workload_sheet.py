"""Reading a workload sheet (.xlsx or .csv) into rows of cells keyed by workload field.

The reader only finds and names cells; it converts nothing, so the planner
(app.services.workload_import) reports every bad value with its row and column. Our own
export's Workloads sheet and a tracker's export (Jira's CSV) read the same way: headers map
through `workload_columns.field_for`.

Jira repeats a header once per value ("Component/s", "Fix Version/s", "Sprint"): repeated
components are joined; several different values for any other field are an error naming
the cells, since a workload has one release, one team, one size.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from app.exchange.errors import BadInput, Problem
from app.exchange.workload_columns import WORKLOAD_COLUMNS, field_for, normalise

SHEET_NAME = "Workloads"
DELIMITERS = (",", ";", "\t")
OWN_HEADERS = ("key", "changeclass")
"""Normalised headers that only our own sheet has together: its blank cells clear fields."""


@dataclass(frozen=True)
class SheetRow:
    row_number: int
    """As a spreadsheet shows it (1 = the first row of the sheet or file)."""
    cells: dict[str, tuple[str, Any]]
    """Workload field -> (the column's header in the file, the raw cell value)."""
    problems: tuple[tuple[str, str], ...] = ()
    """(column header, reason) found while reading: several values where one is allowed."""


@dataclass(frozen=True)
class WorkloadSheet:
    source: str
    """The file's name, for messages."""
    header_row: int
    columns: dict[str, str]
    """Workload field -> the header it is read from (the first, when repeated)."""
    rows: tuple[SheetRow, ...]
    unknown: tuple[str, ...] = ()
    """Headers that name no workload field: not imported, reported as a note."""
    own: bool = True
    """Our own export's layout: a blank optional cell clears the field. In a tracker's
    file a blank cell leaves the field as it is."""
    notes: tuple[str, ...] = ()

    @classmethod
    def of(cls, rows: Sequence[SheetRow], source: str = "rows") -> WorkloadSheet:
        """Rows built in code (no file): treated as our own layout."""
        columns: dict[str, str] = {}
        for row in rows:
            for name, (header, _value) in row.cells.items():
                columns.setdefault(name, header)
        return cls(source, 0, columns, tuple(rows))


def read_sheet(path: Path) -> WorkloadSheet:
    """Read `path` (.xlsx or .csv); raises BadInput naming the file for anything unreadable."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path)
    raise BadInput([Problem(path.name, 0, "", "choose an Excel workbook (.xlsx) or a .csv file")])


def _read_xlsx(path: Path) -> WorkloadSheet:
    source = path.name
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise BadInput([Problem(source, 0, "", "no such file")]) from None
    except OSError as exc:
        raise BadInput([Problem(source, 0, "", f"cannot read: {exc.strerror or exc}")]) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, EOFError) as exc:
        reason = f"is not a readable Excel workbook (.xlsx): damaged or another format ({exc})"
        raise BadInput([Problem(source, 0, "", reason)]) from None
    notes: list[str] = []
    try:
        if SHEET_NAME in wb.sheetnames:
            ws = wb[SHEET_NAME]
        elif wb.worksheets:
            ws = wb.worksheets[0]
            if len(wb.sheetnames) > 1:
                notes.append(f"no sheet named {SHEET_NAME}: read the first sheet, {ws.title!r}")
        else:
            raise BadInput([Problem(source, 0, "", "the workbook has no sheets")])
        ws.reset_dimensions()  # some tools write a wrong size; read what is really there
        try:
            rows = [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), 1)]
        except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as exc:
            reason = f"sheet {ws.title!r} cannot be read: the file is damaged ({exc})"
            raise BadInput([Problem(source, 0, "", reason)]) from None
    finally:
        wb.close()
    return _from_rows(source, rows, notes)


def _decode(data: bytes, source: str) -> tuple[str, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", source), []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", source), []
    if b"\x00" in data:
        reason = (
            "is not text in UTF-8 or Windows-1252 (it holds NUL bytes: UTF-16 without a "
            "byte-order mark, or not a CSV at all); save it as CSV UTF-8"
        )
        raise BadInput([Problem(source, 0, "", reason)])
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as bad:
            byte = data[bad.start]
            raise BadInput(
                [
                    Problem(
                        source,
                        data[: bad.start].count(b"\n") + 1,
                        "",
                        f"byte 0x{byte:02X} is neither UTF-8 nor Windows-1252; "
                        "save the file as CSV UTF-8",
                    )
                ]
            ) from None
        return text, [f"not valid UTF-8 (line {line}): read as Windows-1252"]


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        reason = f"is marked as {encoding.upper()} but is not valid {encoding.upper()}"
        raise BadInput([Problem(source, line, "", reason)]) from None


def _read_csv(path: Path) -> WorkloadSheet:
    source = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput([Problem(source, 0, "", f"cannot read: {exc.strerror or exc}")]) from None
    text, notes = _decode(data, source)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise BadInput([Problem(source, 0, "", "is empty: no header row, no workloads")])
    first, _, rest = text.partition("\n")
    hint = first.strip()
    start = 1
    if hint.lower().startswith("sep=") and len(hint) == 5:  # Excel's own delimiter line
        delimiter, text, start = hint[4], rest, 2
    else:
        delimiter = _sniff(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [(n, r) for n, r in enumerate(reader, start)]
    except csv.Error as exc:
        raise BadInput([Problem(source, reader.line_num, "", f"is not valid CSV: {exc}")]) from None
    return _from_rows(source, rows, notes)


def _sniff(text: str) -> str:
    """The delimiter that splits the header row into the most columns (Excel in many
    locales writes ";", its "Unicode text" tabs)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(index: int, row: int) -> str:
    return f"{get_column_letter(index + 1)}{row}"


def _from_rows(source: str, rows: Iterable[tuple[int, Sequence[Any]]],
               notes: list[str]) -> WorkloadSheet:  # fmt: skip
    it = iter(rows)
    header_row, header = next(((n, r) for n, r in it if any(not blank(v) for v in r)), (0, []))
    if not header_row:
        raise BadInput([Problem(source, 0, "", "is empty: no header row, no workloads")])
    names = ["" if blank(h) else str(h).strip() for h in header]
    by_field: dict[str, list[int]] = {}
    unknown: list[str] = []
    for i, name in enumerate(names):
        if not name:
            continue
        found = field_for(name)
        if found is None:
            if name not in unknown:
                unknown.append(name)
        elif found:
            by_field.setdefault(found, []).append(i)
    if "key" not in by_field:
        raise BadInput(
            [
                Problem(
                    source,
                    header_row,
                    "",
                    "no column for the workload key (e.g. 'Key' or Jira's 'Issue key'); "
                    f"the header row has: {', '.join(n for n in names if n) or 'nothing'}",
                )
            ]
        )
    columns = {f: names[idx[0]] for f, idx in by_field.items()}
    own = all(h in {normalise(n) for n in names} for h in OWN_HEADERS)
    found_rows = []
    stray = False
    for number, values in it:
        if all(blank(v) for v in values):
            continue
        stray = stray or any(
            not blank(v) for i, v in enumerate(values) if i >= len(names) or not names[i]
        )
        found_rows.append(_row(number, values, names, by_field))
    if unknown:
        notes.append(f"columns not imported (no workload field): {', '.join(unknown)}")
    if stray:
        notes.append("cells under no header were ignored")
    if not found_rows:
        notes.append("no workloads below the header row")
    return WorkloadSheet(source, header_row, columns, tuple(found_rows), tuple(unknown), own,
                         tuple(notes))  # fmt: skip


def _row(number: int, values: Sequence[Any], names: list[str],
         by_field: dict[str, list[int]]) -> SheetRow:  # fmt: skip
    cells: dict[str, tuple[str, Any]] = {}
    problems: list[tuple[str, str]] = []
    for name, indexes in by_field.items():
        header = names[indexes[0]]
        present = [(i, values[i]) for i in indexes if i < len(values) and not blank(values[i])]
        if not present:
            cells[name] = (header, None)
        elif len(present) == 1:
            cells[name] = (header, present[0][1])
        elif name == "components":
            cells[name] = (header, ", ".join(str(v).strip() for _i, v in present))
        else:
            distinct = {str(v).strip().casefold() for _i, v in present}
            if len(distinct) > 1:
                shown = ", ".join(f"{_cell(i, number)} {str(v).strip()!r}" for i, v in present)
                label = _label(name)
                problems.append(
                    (header, f"several different values ({shown}); a workload has one {label}")
                )
            cells[name] = (header, present[0][1])
    return SheetRow(number, cells, tuple(problems))


def _label(name: str) -> str:
    col = next((c for c in WORKLOAD_COLUMNS if c.field == name), None)
    return (col.header if col else name).lower()
