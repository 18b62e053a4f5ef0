"""The release workbook: the plan as Excel, for managers, auditors and everyone without the app.

Sheets, in order: Summary, Releases, Workloads, Capacity, Dependency matrix, Calendar,
Runbooks, Approvals, Audit events. Every data sheet is an Excel table with a frozen, styled
header; date-times are real Excel date-times in the export's zone, named in the header (the
Workloads sheet keeps its created/updated stamps in UTC, as the import reads them). What each
scope takes in is described in `app.services.workbook_data`.

Rows stream from the database to openpyxl's write-only sheets, so memory stays flat however
large the plan. The Summary is created first but filled last: it lists every problem the
writer reported (text cut at Excel's cell limit, characters dropped) and the sheets' sizes.
`progress(stage, fraction)` is called at least every `EVERY` rows; raising from it cancels:
nothing is written, an existing file is left as it was, and no temporary file remains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from app.exchange.matrix_files import KIND_LETTER
from app.exchange.release_summary import Facts, SummarySheet, write_summary
from app.exchange.workload_columns import WORKLOAD_COLUMNS
from app.exchange.xlsx_writer import (
    BOLD,
    FONT_NAME,
    LINE_POINTS,
    TITLE_FONT,
    Column,
    Progress,
    WorkbookWriter,
    wrapped,
)
from app.services import workbook_data as data
from app.services import workbook_records as records
from app.services import workbook_summary as summary

EVERY = 2000
OVER_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
OVER_FONT = Font(name=FONT_NAME, color="9C0006", bold=True)
CYCLE_FILL = PatternFill("solid", start_color="FFE0E0", end_color="FFE0E0")
CENTRE = Alignment(horizontal="center")
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
RUNBOOK_STEPS = 8
"""Steps per runbook, roughly: for the progress estimate only."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sheets: dict[str, int]
    """Sheet → data rows (the matrix: components; the Summary: rows written)."""
    problems: list[str] = field(default_factory=list)


def export_workbook(
    session: Session,
    path: Path | str,
    *,
    release: str | None = None,
    start: date | None = None,
    end: date | None = None,
    zone: str = "UTC",
    progress: Progress | None = None,
) -> ExportResult:
    """Write the workbook of a release (name or UUID), a period (`start` and `end` days in
    `zone`, both included; either may be open) or, with neither, of everything.

    Raises `ScopeError` for an unknown release, a backwards period or an unknown zone, and
    OSError when the file cannot be written.
    """
    scope = data.resolve_scope(session, release=release, start=start, end=end, zone=zone)
    book = WorkbookWriter(Path(path), zone)
    run = _Export(session, book, scope, zone, progress)
    try:
        run.write()
        run.report("Saving", 0.995)
        book.save()
    except BaseException:
        book.discard()
        raise
    return ExportResult(Path(path), run.rows, run.problems)


class _Export:
    def __init__(self, session: Session, book: WorkbookWriter, scope: data.Scope, zone: str,
                 progress: Progress | None) -> None:  # fmt: skip
        self.session, self.book, self.scope, self.zone = session, book, scope, zone
        self.report: Progress = progress or (lambda _stage, _fraction: None)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.rows: dict[str, int] = {"Summary": 0}  # in the workbook's order
        self.notes: list[str] = []
        self.used: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.sizes = records.counts(session, scope)
        sizes = self.sizes
        self.total = 1 + sum(sizes.values()) + sizes["runbooks"] * RUNBOOK_STEPS
        self.done = 0

    @property
    def problems(self) -> list[str]:
        return self.notes + self.book.problems

    def write(self) -> None:
        s, scope, z = self.session, self.scope, self.zone
        self.report("Summary", 0.0)
        front = SummarySheet(self.book, z)
        self._table("Releases", "tblReleases", releases_columns(z), data.release_rows(s, scope))
        wl = [Column(c.header, c.kind, c.width) for c in WORKLOAD_COLUMNS]
        self._table("Workloads", "tblWorkloads", wl, data.workload_rows(s, scope))
        self._capacity()
        self._matrix()
        self._table("Calendar", "tblCalendar", calendar_columns(z), data.calendar_rows(s, scope))
        self._table("Runbooks", "tblRunbooks", RUNBOOK_COLUMNS, records.runbook_rows(s, scope))
        self._table("Approvals", "tblApprovals", approval_columns(z),
                    records.approval_rows(s, scope))  # fmt: skip
        audit = self.sizes["audit"]
        if audit > records.AUDIT_CAP and scope.kind != data.RELEASE:
            self.notes.append(
                f"Audit events: the latest {records.AUDIT_CAP:,} of {audit:,} events are "
                "listed; `releasedesk audit log` and a narrower period reach the rest"
            )
        self._table("Audit events", "tblAuditEvents", audit_columns(z),
                    records.audit_rows(s, scope))  # fmt: skip
        self.report("Summary", 0.99)
        facts = Facts(self.rows, dict(self.used), self.problems)
        self.rows["Summary"] = write_summary(front, s, scope, self.now, facts, self.report)

    def _advance(self, stage: str, rows: int) -> None:
        self.done += rows
        self.report(stage, min(0.99, self.done / self.total))

    def _table(self, title: str, name: str, columns: list[Column], rows: Iterable[Any]) -> None:
        self.report(title, min(0.99, self.done / self.total))
        sheet = self.book.table_sheet(title, columns)
        append = sheet.append
        n = 0
        for n, values in enumerate(rows, 1):
            append(values)
            if not n % EVERY:
                self._advance(title, EVERY)
        self._advance(title, n % EVERY)
        sheet.finish(name)
        self.rows[title] = n

    def _capacity(self) -> None:
        title = "Capacity"
        columns = capacity_columns(self.zone)
        rows = data.capacity_rows(self.session, self.scope, self.now)
        self._table(title, "tblCapacity", columns, self._tally(rows))
        ws = self.book.wb[title]
        last = get_column_letter(len(columns))
        free = get_column_letter(next(i for i, c in enumerate(columns, 1) if c.header == FREE))
        rule = FormulaRule(
            formula=[f"AND(ISNUMBER(${free}2),${free}2<0)"], fill=OVER_FILL, font=OVER_FONT
        )
        ws.conditional_formatting.add(f"A2:{last}{max(self.rows[title], 1) + 1}", rule)

    def _tally(self, rows: Iterator[Any]) -> Iterator[Any]:
        """Capacity rows, adding each team's committed points and capacity up on the way."""
        for row in rows:
            if row[3] is not None:
                used = self.used[row[0]]
                used[0] += row[5]
                used[1] += row[3]
            yield row

    def _matrix(self) -> None:
        title = "Dependency matrix"
        self.report(title, min(0.99, self.done / self.total))
        part = summary.dependency_matrix(self.session, self.scope)
        m = part.matrix
        book, n = self.book, len(m.names)
        widths = (18.0, 30.0, *[3.6] * n)
        ws = book.note_sheet(title, widths)
        book.print_setup(ws)
        ws.print_options.gridLines = True  # a mark is read by its row and column
        self._note(ws, widths, f"Dependency matrix: {part.about}", TITLE_FONT)
        self._note(ws, widths, "Each row depends on the columns marked in it; providers come "
                   "first. A api · S schema · L library · D data · I infrastructure; shaded: "
                   "a cycle, whose members deploy together.")  # fmt: skip
        if part.total > n:
            note = (f"Showing the {n:,} most connected of {part.total:,} components "
                    "(dependencies in and out); the Dependencies screen has them all.")  # fmt: skip
            self._note(ws, widths, note)
            self.notes.append(f"{title}: {note}")
        header = book.note_rows(ws) + 1
        ws.row_dimensions[header].height = min(240, 12 + 7 * max(map(len, m.names), default=6))
        ws.freeze_panes = f"C{header + 1}"
        turned = Alignment(text_rotation=90, horizontal="center")
        cells = [self._cell(ws, "Team", BOLD), self._cell(ws, "Component (depends on →)", BOLD)]
        for name in m.names:
            cells.append(self._cell(ws, name, BOLD, turned))
        book.note_row(ws, cells)
        marks: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for (r, c), edge in m.cells.items():
            marks[r].append((c, KIND_LETTER.get(edge.kind, "?")))
        blocks = {r: b for b in m.blocks for r in range(b.start, b.end + 1)}
        for r, (name, team) in enumerate(zip(m.names, m.teams, strict=True)):
            row: list[Any] = [team, name, *[None] * n]
            block = blocks.get(r)
            if block is not None:
                for c in range(block.start, block.end + 1):
                    row[c + 2] = self._cell(ws, None, fill=CYCLE_FILL)
            for c, letter in marks.get(r, ()):
                shaded = block is not None and block.start <= c <= block.end
                row[c + 2] = self._cell(ws, letter, None, CENTRE, CYCLE_FILL if shaded else None)
            book.note_row(ws, row)
        if m.blocks:
            book.note_row(ws, [])
            self._note(ws, widths, "Cycles (deploy together)", BOLD)
            for i, b in enumerate(m.blocks, 1):
                self._note(ws, widths, b.label, lead=f"Cycle {i}")
        ws.print_area = f"A1:{get_column_letter(len(widths))}{book.note_rows(ws)}"
        self.rows[title] = n

    def _note(self, ws: Any, widths: tuple[float, ...], text: str, font: Font | None = None,
              *, lead: str | None = None) -> None:  # fmt: skip
        """A sentence wrapped across the sheet's columns (after `lead`, in the first one)."""
        first = 1 if lead is None else 2
        number = self.book.note_rows(ws) + 1
        lines = len(wrapped(text, sum(widths[first - 1 :]), bold=font is not None))
        size = font.sz if font is not None and font.sz else 11
        ws.row_dimensions[number].height = (LINE_POINTS * size / 11) * lines + 4
        cell = self._cell(ws, text, font, WRAP_TOP)
        self.book.note_row(ws, [cell] if lead is None else [self._cell(ws, lead), cell])
        last = get_column_letter(len(widths))
        ws.merged_cells.add(f"{get_column_letter(first)}{number}:{last}{number}")

    def _cell(self, ws: Any, value: Any, font: Font | None = None,
              align: Alignment | None = None, fill: PatternFill | None = None) -> Any:  # fmt: skip
        if isinstance(value, str):
            value = self.book.clean(value, ws.title, self.book.note_rows(ws) + 1, "header")
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, str):
            cell.data_type = "s"
        if font is not None:
            cell.font = font
        if align is not None:
            cell.alignment = align
        if fill is not None:
            cell.fill = fill
        return cell


FREE = "Free (negative: over)"


def releases_columns(zone: str) -> list[Column]:
    return [
        Column("Name", width=16),
        Column("Train", width=18),
        Column("Status", width=11),
        Column(f"Code freeze ({zone})", "datetime", 19),
        Column(f"Window start ({zone})", "datetime", 19),
        Column(f"Window end ({zone})", "datetime", 19),
        Column("Train zone", width=18),
        Column("Workloads", "int", 11),
        Column("Points", "int", 9),
        Column("UUID", width=38),
    ]


def capacity_columns(zone: str) -> list[Column]:
    return [
        Column("Team", width=20),
        Column("Release", width=16),
        Column(f"Release starts ({zone})", "datetime", 19),
        Column("Capacity", "int", 10),
        Column("Basis", width=44),
        Column("Committed", "int", 11),
        Column(FREE, "int", 15),
        Column("Overcommitment", width=20),
    ]


def calendar_columns(zone: str) -> list[Column]:
    return [
        Column("Kind", width=12),
        Column("What", width=44),
        Column(f"Start ({zone})", "datetime", 19),
        Column(f"End ({zone})", "datetime", 19),
        Column("Own zone", width=18),
        Column("Environment", width=16),
        Column("Workload", width=13),
        Column("Status / result", width=13),
        Column("Hard / soft", width=9),
        Column("Owner", width=14),
        Column(f"Actual start ({zone})", "datetime", 19),
        Column(f"Actual end ({zone})", "datetime", 19),
    ]


RUNBOOK_COLUMNS = [
    Column("Runbook", width=32),
    Column("Subject", width=30),
    Column("Version", "int", 9),
    Column("Approved", "bool", 10),
    Column("Step", "int", 7),
    Column("Title", width=36),
    Column("Owner", width=18),
    Column("Minutes", "int", 9),
    Column("Checkpoint", "bool", 11),
    Column("Verification", width=44),
    Column("Command", width=44),
]


def approval_columns(zone: str) -> list[Column]:
    return [
        Column("Subject type", width=16),
        Column("Subject", width=24),
        Column("Subject title", width=40),
        Column("Role", width=12),
        Column("State", width=10),
        Column("Requested by", width=14),
        Column(f"Requested at ({zone})", "datetime", 19),
        Column("Decided by", width=14),
        Column(f"Decided at ({zone})", "datetime", 19),
        Column("Comment", width=40),
    ]


def audit_columns(zone: str) -> list[Column]:
    return [
        Column("Seq", "int", 9),
        Column(f"At ({zone})", "datetime", 19),
        Column("Actor", width=14),
        Column("Action", width=10),
        Column("Entity type", width=16),
        Column("Entity UUID", width=38),
        Column("Before", width=48),
        Column("After", width=48),
    ]
