"""Streaming Excel output: typed cells, real tables, and text that can never run as a formula.

Built on openpyxl's write-only mode, so a sheet of 200,000 rows never sits in memory. Every
data sheet is an Excel table (styled header, autofilter, banded rows) with a frozen header
and set column widths. Date-times are written in one named zone (Excel has none) and the
header says which.

Safety follows OWASP's guidance on spreadsheet (CSV) injection: a text that starts with
=, +, -, @, a tab or a carriage return is stored as a string cell, never as a formula.
Characters XML cannot carry are dropped, and text longer than Excel's cell limit is cut;
both are reported (sheet, row, column), never done silently.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import textwrap
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet import _writer as sheet_files
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

CELL_LIMIT = 32_767
"""Excel's maximum characters in one cell."""
RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot carry: written anyway, they make Excel offer to repair the file."""
FONT_NAME = "Calibri"
"""The workbook's own body font: a font without a name falls back to a serif elsewhere."""
HEADER_FONT = Font(name=FONT_NAME, bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", start_color="305496", end_color="305496")
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
BOLD = Font(name=FONT_NAME, bold=True)
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
BOOL_FORMAT = '"TRUE";"TRUE";"FALSE"'
"""Excel shows a boolean as TRUE/FALSE whatever the format; LibreOffice needs to be told."""
NUMERIC = frozenset({"int", "float", "date", "datetime"})
LINE_POINTS = 15.0

Progress = Callable[[str, float], None]
"""(what is being written, fraction done); raising from it (a cancel) abandons the file."""


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"
    """text, int, float, date, datetime, bool or link ((url, text) or text)."""
    width: float = 14.0


class TableSheet:
    """One data sheet: append rows of plain values in column order, then `finish()`."""

    def __init__(self, book: WorkbookWriter, title: str, columns: Sequence[Column]) -> None:
        self.book = book
        self.title = title
        self.columns = list(columns)
        self.ws = book.wb.create_sheet(title)
        self.ws._values_to_row = self._cells
        self._styles: dict[str, Any] = {}
        for i, col in enumerate(self.columns, 1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        self.ws.freeze_panes = "A2"
        book.print_setup(self.ws, header_rows="1:1")
        header = []
        for col in self.columns:
            cell = WriteOnlyCell(self.ws, col.header)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            side = "right" if col.kind in NUMERIC else "left"
            cell.alignment = Alignment(horizontal=side, vertical="center", wrap_text=True)
            header.append(cell)
        lines = (
            max(len(wrapped(c.header, c.width, bold=True)) for c in self.columns)
            if self.columns
            else 1
        )
        self.ws.row_dimensions[1].height = LINE_POINTS * lines + 2  # nobody re-measures it
        self.ws.append(header)
        self.rows = 0
        self._convert = [self._converter(col) for col in self.columns]

    def _converter(self, col: Column) -> Callable[[Any, int], Any]:
        kind = col.kind
        if kind == "text":
            return self._plain_text(col)
        if kind == "datetime":
            return lambda v, r: None if v is None else self._moment(v, r, col, DATETIME_FORMAT)
        if kind == "date":
            return lambda v, r: None if v is None else self._moment(v, r, col, DATE_FORMAT)
        if kind == "link":
            return lambda v, r: None if v is None else self._link(v, r, col)
        if kind == "bool":
            return lambda v, r: None if v is None else self._bool(v, r, col)
        # numbers and booleans are written as they are; text that strayed in stays text
        return lambda v, r: self._text(v, r, col) if v.__class__ is str else v

    def _plain_text(self, col: Column) -> Callable[[Any, int], Any]:
        """Most text needs nothing done: that case is decided in one expression per cell."""
        search, text = _ILLEGAL.search, self._text

        def convert(value: Any, row: int) -> Any:
            if value is None:
                return None
            if value.__class__ is not str:
                value = str(value)
            if len(value) > CELL_LIMIT or value.startswith(RISKY_START) or search(value):
                return text(value, row, col)
            return value

        return convert

    def _moment(self, value: Any, row: int, col: Column, number_format: str) -> Any:
        """A real Excel date-time shown as `number_format`: openpyxl's default adds seconds,
        which the column widths do not allow for (the cell then reads ####)."""
        if not isinstance(value, date):
            return self._text(str(value), row, col)
        return self._made(self.book.local(value), "d", number_format)

    def _bool(self, value: Any, row: int, col: Column) -> Any:
        if value.__class__ is str:
            return self._text(value, row, col)
        return self._made(bool(value), "b", BOOL_FORMAT)

    def _text(self, text: str, row: int, col: Column) -> Any:
        text = self.book.clean(text, self.title, row, col.header)
        if text.startswith(RISKY_START):
            return self._made(text, "s")  # a string, whatever it starts with: never a formula
        return text

    def _made(self, value: Any, data_type: str, number_format: str | None = None) -> Cell:
        """A cell built as it is meant to be: the value is already checked, so openpyxl's
        type sniffing and default formats (a style lookup each) are skipped."""
        style = None
        if number_format is not None:
            style = self._styles.get(number_format)
            if style is None:
                probe = Cell(self.ws)
                probe.number_format = number_format
                style = self._styles[number_format] = probe._style
        cell = Cell(self.ws, row=1, column=1, style_array=style)
        cell._value = value
        cell.data_type = data_type
        return cell

    def _cells(self, values: Sequence[Any], row: int) -> Iterator[Cell]:
        """Stands in for openpyxl's `WriteOnlyWorksheet._values_to_row` (same contract: the
        row's cells, empty ones left out), without the cost it puts on a ready-made cell:
        an exception raised and formatted to find out it is one, and a fresh spare cell."""
        spare = Cell(self.ws)
        for column, value in enumerate(values, 1):
            if value is None:
                continue
            if value.__class__ is Cell:
                cell = value
            else:
                cell = spare
                cell.value = value
                if cell.has_style:  # openpyxl styled it (a date): the next value needs a clean one
                    spare = Cell(self.ws)
            cell.column = column
            cell.row = row
            if cell.hyperlink is not None:
                cell.hyperlink.ref = cell.coordinate
            yield cell

    def _link(self, value: Any, row: int, col: Column) -> Any:
        url, text = value if isinstance(value, tuple) else (None, value)
        shown = self._text(str(text), row, col)
        if not url:
            return shown
        cell = shown if isinstance(shown, Cell) else self._made(shown, "s")
        cell.hyperlink = url
        cell.style = "Hyperlink"
        return cell

    def append(self, values: Sequence[Any]) -> None:
        self.rows += 1
        row = self.rows + 1
        self.ws.append([conv(v, row) for conv, v in zip(self._convert, values, strict=True)])

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for values in rows:
            self.append(values)

    def finish(self, name: str) -> str:
        """Make the rows an Excel table called `name`; returns its cell range."""
        if self.rows == 0:  # a table needs a data row: an empty one reads as "nothing here"
            self.ws.append([None] * len(self.columns))
        last = max(self.rows, 1) + 1
        ref = f"A1:{get_column_letter(len(self.columns))}{last}"
        table = Table(displayName=name, ref=ref)
        table.tableColumns = [
            TableColumn(id=i, name=col.header) for i, col in enumerate(self.columns, 1)
        ]
        table.autoFilter = AutoFilter(ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        with warnings.catch_warnings():  # the columns were added, as write-only mode asks
            warnings.filterwarnings("ignore", "In write-only mode", UserWarning)
            self.ws.add_table(table)
        self.ws.print_area = ref  # long text spilling right would otherwise shrink every page
        return ref

    def column_range(self, header: str) -> str:
        """The data cells of one column, e.g. "E2:E120", for conditional formatting."""
        i = next(n for n, c in enumerate(self.columns, 1) if c.header == header)
        letter = get_column_letter(i)
        return f"{letter}2:{letter}{max(self.rows, 1) + 1}"


def wrapped(text: str, width: float, *, bold: bool = False) -> list[str]:
    """`text` broken into the lines a cell `width` characters wide shows: a guess on the
    safe side, for row heights, which neither Excel nor openpyxl measure for us."""
    return textwrap.wrap(text, max(1, int(width * (0.85 if bold else 1.0)) - 1)) or [""]


class WorkbookWriter:
    """Owns the file: written to a temporary file beside the target and moved into place
    only when complete, so a crash, a cancel or a full disk leaves the old file untouched."""

    def __init__(self, path: Path, zone: str = "UTC") -> None:
        self.path = path
        self.zone = ZoneInfo(zone)
        self.zone_name = zone
        self.wb = Workbook(write_only=True)
        self.problems: list[str] = []
        self._note_rows: dict[str, int] = {}

    def local(self, moment: datetime | date) -> datetime | date:
        if isinstance(moment, datetime) and moment.tzinfo is not None:
            return moment.astimezone(self.zone).replace(tzinfo=None)
        return moment

    def report(self, sheet: str, row: int, column: str, message: str) -> None:
        if len(self.problems) < 1000:
            self.problems.append(f"{sheet}!row {row}, {column}: {message}")

    def clean(self, text: str, sheet: str, row: int, column: str) -> str:
        """`text` as a cell can hold it: characters XML cannot carry dropped, and cut at
        Excel's limit, each reported."""
        if _ILLEGAL.search(text):
            text = _ILLEGAL.sub("", text)
            self.report(sheet, row, column, "control characters were dropped")
        if len(text) > CELL_LIMIT:
            self.report(
                sheet,
                row,
                column,
                f"{len(text):,} characters: Excel keeps {CELL_LIMIT:,}, the rest was cut",
            )
            text = text[:CELL_LIMIT]
        return text

    @staticmethod
    def print_setup(ws: Any, header_rows: str | None = None) -> None:
        """Landscape, as wide as one page, with the header repeated on every printed page."""
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        if header_rows:
            ws.print_title_rows = header_rows
            ws.print_options.gridLines = True  # on paper, cells touch without them

    def table_sheet(self, title: str, columns: Sequence[Column]) -> TableSheet:
        return TableSheet(self, title, columns)

    def note_sheet(self, title: str, width: Sequence[float] = (34, 18, 18, 18, 18)) -> Any:
        """A free-form sheet (the summary): append rows with `note_row`."""
        ws = self.wb.create_sheet(title)
        for i, w in enumerate(width, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        self._note_rows[ws.title] = 0
        return ws

    def note_rows(self, ws: Any) -> int:
        """Rows written so far on a free-form sheet."""
        return self._note_rows.get(ws.title, 0)

    def note_row(self, ws: Any, values: Sequence[Any], *, title: bool = False,
                 bold: bool = False) -> None:  # fmt: skip
        """One row of a free-form sheet; a ready-made cell (own style) is taken as it is."""
        row = self._note_rows.get(ws.title, 0) + 1
        self._note_rows[ws.title] = row
        cells = []
        for n, v in enumerate(values, 1):
            if isinstance(v, Cell):
                cells.append(v)
                continue
            if isinstance(v, str):
                v = self.clean(v, ws.title, row, get_column_letter(n))
            if isinstance(v, datetime):
                v = self.local(v)
            cell = WriteOnlyCell(ws, v)
            if isinstance(v, str):
                cell.data_type = "s"
            elif isinstance(v, datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(v, date):
                cell.number_format = DATE_FORMAT
            if title:
                cell.font = TITLE_FONT
            elif bold:
                cell.font = BOLD
            cells.append(cell)
        ws.append(cells)

    def save(self) -> None:
        fd, temp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        os.close(fd)
        try:
            self.wb.save(temp)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
            os.replace(temp, self.path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            self.discard()
            raise

    def discard(self) -> None:
        """Abandon the workbook: remove the files openpyxl streams each sheet into, which it
        otherwise keeps until the process exits (a long-running GUI would collect them)."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            if writer is None:
                continue
            with contextlib.suppress(Exception):  # a half-written stream: only the file matters
                if ws._rows is not None:
                    ws._rows.close()
                writer.close()
            with contextlib.suppress(OSError):
                Path(writer.out).unlink(missing_ok=True)
            with contextlib.suppress(ValueError):
                sheet_files.ALL_TEMP_FILES.remove(writer.out)
