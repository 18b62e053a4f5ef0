"""`releasedesk export xlsx`: the release workbook for Excel and LibreOffice.

    releasedesk export xlsx [--release R | --from DATE --to DATE] [--zone Z] -o FILE.xlsx

A release (name or UUID), a period (whole days in the chosen zone, the last one included;
either end may be left open) or, with neither, everything. Prints the rows of each sheet and
every problem the writer reported (text cut at Excel's cell limit, characters dropped);
progress goes to stderr. Exit 2, with one line, for an unknown release, dates that are not a
period, an unknown zone or a file that cannot be written.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli_calendar import _day
from app.cli_deps import _open, _usage


def register(esub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Adds `xlsx` to the `export` group's actions."""
    p = esub.add_parser(
        "xlsx",
        help="the release workbook for Excel: summary, plan, capacity, calendar, audit",
        description="Write a release, a period or everything as an Excel workbook: Summary, "
        "Releases, Workloads, Capacity, Dependency matrix, Calendar, Runbooks, Approvals "
        "and Audit events.",
    )
    common(p)
    p.add_argument("--release", metavar="R", help="one release, by name or UUID")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, included")
    p.add_argument("--zone", default="UTC", metavar="Z", help="time zone of dates and times "
                   "(IANA, e.g. Europe/Berlin; default UTC)")  # fmt: skip
    p.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")
    p.set_defaults(func=cmd_export_xlsx)


def _target(text: str) -> Path:
    target = Path(text).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise _usage(f"{target}: an Excel workbook ends in .xlsx")
    folder = target.parent.resolve()
    if not folder.is_dir():
        raise _usage(f"{target}: cannot write: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise _usage(f"{target}: cannot write: permission denied")
    return target


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from app.exchange.release_workbook import export_workbook
    from app.services.workbook_data import ScopeError

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if args.release is not None and (start or end):
        raise _usage("--release: give a release or a period (--from/--to), not both")
    target = _target(args.output)
    shown = [-1]

    def progress(stage: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if not args.json and tenth != shown[0]:
            shown[0] = tenth
            print(f"  {tenth * 10:3d}%  {stage}", file=sys.stderr, flush=True)

    with _open(args) as db:
        with db.read() as session:
            try:
                result = export_workbook(session, target, release=args.release, start=start,
                                         end=end, zone=args.zone, progress=progress)  # fmt: skip
            except ScopeError as exc:
                raise _usage(str(exc)) from None
            except OSError as exc:
                raise _usage(f"{target}: cannot write: {exc.strerror or exc}") from None
    if args.json:
        data = {"file": str(target), "sheets": result.sheets, "problems": result.problems}
        print(json.dumps(data, indent=2))
        return 0
    lines = [f"{target}:"]
    lines += [f"  {sheet:<20} {rows:>9,} rows" for sheet, rows in result.sheets.items()]
    if result.problems:
        lines.append(f"{len(result.problems)} problems:")
        lines += [f"  {problem}" for problem in result.problems]
    else:
        lines.append("no problems: every value was written in full")
    print("\n".join(lines))
    return 0
