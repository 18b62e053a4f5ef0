"""The release workbook's first sheet: the scope at a glance, laid out to read and to print.

Small two- and three-column blocks: workloads by change class and by risk tier, capacity use
per team (in words as well as in colour-free figures), the promotion gates, the open
conflicts, the sheets' sizes and every problem the writer reported. Long sentences wrap in a
cell merged across the sheet's right-hand columns, with the row made tall enough for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from app.exchange.xlsx_writer import (
    BOLD,
    DATE_FORMAT,
    DATETIME_FORMAT,
    LINE_POINTS,
    TITLE_FONT,
    Progress,
    WorkbookWriter,
    wrapped,
)
from app.services import workbook_summary as figures
from app.services.workbook_data import RELEASE, Scope, release_rows

WIDTHS = (40.0, 16.0, 16.0, 16.0, 44.0)
TOP = Alignment(vertical="top")
TOP_LEFT = Alignment(horizontal="left", vertical="top")
TOP_RIGHT = Alignment(horizontal="right", vertical="top")
INDENTED = Alignment(vertical="top", indent=1)
WRAP = Alignment(vertical="top", wrap_text=True)


@dataclass
class Facts:
    """What the export learnt while writing the other sheets."""

    rows: dict[str, int]
    used: dict[str, list[int]]
    """Team → [committed points, capacity] over the releases in scope."""
    problems: list[str]


class SummarySheet:
    def __init__(self, book: WorkbookWriter, zone: str) -> None:
        self.book, self.zone = book, zone
        self.ws = book.note_sheet("Summary", WIDTHS)
        book.print_setup(self.ws)

    def _cell(self, value: Any, *, bold: bool = False, align: Alignment = TOP) -> Any:
        if isinstance(value, str):
            value = self.book.clean(value, self.ws.title, self.book.note_rows(self.ws) + 1, "")
        elif isinstance(value, datetime):
            value = self.book.local(value)
        cell = WriteOnlyCell(self.ws, value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
            align = TOP_LEFT if align is TOP else align  # beside labels, not far off right
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
            align = TOP_LEFT if align is TOP else align
        elif isinstance(value, int):
            cell.number_format = "#,##0"
        if bold:
            cell.font = BOLD
        cell.alignment = align
        return cell

    def row(self, *values: Any, bold: bool = False) -> None:
        self.book.note_row(self.ws, [self._cell(v, bold=bold) for v in values])

    def heading(self, first: str, *numbers: str) -> None:
        """A block's heading: the figures' names sit right-aligned above them."""
        cells = [self._cell(first, bold=True)]
        cells += [self._cell(n, bold=True, align=TOP_RIGHT) for n in numbers]
        self.book.note_row(self.ws, cells)

    def long(self, *lead: Any, text: str, bold: bool = False) -> None:
        """`lead` values, then `text` wrapped across the remaining columns."""
        first = len(lead) + 1
        number = self.book.note_rows(self.ws) + 1
        lines = wrapped(text, sum(WIDTHS[first - 1 :]))
        if len(lines) > 1:
            self.ws.row_dimensions[number].height = LINE_POINTS * len(lines) + 2
        cells = [self._cell(v, bold=bold) for v in lead]
        cells.append(self._cell(text, bold=bold, align=WRAP))
        self.book.note_row(self.ws, cells)
        if first < len(WIDTHS):
            letter = get_column_letter(first)
            self.ws.merged_cells.add(f"{letter}{number}:{get_column_letter(len(WIDTHS))}{number}")

    def gap(self) -> None:
        self.book.note_row(self.ws, [])

    def finish(self) -> int:
        rows = self.book.note_rows(self.ws)
        self.ws.print_area = f"A1:{get_column_letter(len(WIDTHS))}{max(rows, 1)}"
        return rows


def write_summary(sheet: SummarySheet, session: Session, scope: Scope, now: datetime,
                  facts: Facts, report: Progress) -> int:  # fmt: skip
    """Fill the Summary; returns the rows written."""
    z = sheet.zone
    title = WriteOnlyCell(sheet.ws, "Release workbook")
    title.font = TITLE_FONT
    sheet.book.note_row(sheet.ws, [title])
    sheet.row("Scope", scope.label)
    if scope.kind == RELEASE:
        rel = next(release_rows(session, scope))
        sheet.row("Train", rel[1] or "independent")
        sheet.row("Status", rel[2])
        sheet.row(f"Code freeze ({z})", rel[3])
        sheet.row(f"Release window ({z})", rel[4], rel[5])
    sheet.row(f"Generated ({z})", now)
    sheet.long("Times shown in", text=f"{z}; the Workloads sheet's Created and Updated in UTC")
    for heading, tallies in (
        ("Workloads by change class", figures.by_class(session, scope)),
        ("Workloads by risk tier", figures.by_tier(session, scope)),
    ):
        sheet.gap()
        sheet.heading(heading, "Workloads", "Points")
        for t in tallies:
            sheet.row(t.name.replace("_", " "), t.workloads, t.points)
        total = (sum(t.workloads for t in tallies), sum(t.points for t in tallies))
        sheet.row("Total (cancelled work left out)", *total, bold=True)
    _capacity(sheet, facts)
    report("Gates", 0.99)
    _gates(sheet, figures.gate_summary(session, scope, now))
    report("Conflicts", 0.99)
    _conflicts(sheet, figures.open_conflicts(session, scope, now))
    sheet.gap()
    sheet.heading("Sheet", "Rows")
    for name, n in facts.rows.items():
        if name != "Summary":
            sheet.row(name, n)
    sheet.gap()
    sheet.heading("Problems", "Reported")
    sheet.row("Values cut or dropped, rows left out", len(facts.problems))
    for problem in facts.problems:
        sheet.long(text=problem)
    if not facts.problems:
        sheet.row("None: every value was written in full.")
    return sheet.finish()


def _capacity(sheet: SummarySheet, facts: Facts) -> None:
    sheet.gap()
    sheet.heading("Capacity use per team", "Committed", "Capacity", "Use")
    for team, (used, cap) in sorted(facts.used.items()):
        share = sheet._cell(used / cap if cap else None)
        share.number_format = "0%"
        over = f"over by {used - cap:,} points" if used > cap else "within capacity"
        sheet.book.note_row(sheet.ws, [sheet._cell(team), sheet._cell(used), sheet._cell(cap),
                                       share, sheet._cell(over, align=INDENTED)])  # fmt: skip
    if not facts.used:
        sheet.row("No team has capacity on the releases in scope.")


def _gates(sheet: SummarySheet, gates: figures.GateSummary) -> None:
    sheet.gap()
    sheet.heading("Promotion gates to production", "Workloads")
    sheet.row("Still to reach production", gates.pending)
    sheet.row("May enter production now", gates.allowed)
    sheet.row("Blocked by a missing gate", gates.blocked)
    for gate, n in gates.missing:
        sheet.row(f"    lacking {gate}", n)


def _conflicts(sheet: SummarySheet, found: figures.ConflictSummary | None) -> None:
    sheet.gap()
    if found is None:
        sheet.heading("Open conflicts")
        sheet.row("None: the scope lies wholly in the past.")
        return
    sheet.heading("Open conflicts", "Conflicts", "Blocking")
    sheet.row(f"From ({sheet.zone})", found.start)
    sheet.row(f"To ({sheet.zone})", found.end)
    sheet.row("Found", found.total, found.blocking)
    if found.first:
        sheet.row(f"Starts ({sheet.zone})", "Severity", "Conflict", bold=True)
    for c in found.first:
        sheet.long(c.start, c.severity, text=c.reason)
    if found.total > len(found.first):
        more = found.total - len(found.first)
        sheet.long(text=f"… and {more:,} more: `releasedesk calendar conflicts` lists them all.")
