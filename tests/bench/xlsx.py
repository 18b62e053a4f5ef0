"""The release workbook at scale: exporting everything in the large demo to Excel.

    python -m tests.bench.xlsx [--dir .bench] [--runs 1]

Runs on the large demo database (100,000 workloads, 192,000 deployments), generating it when
missing, and measures in separate child processes, so neither sees the other's heap:

(a) `export_workbook` of the whole database, timed from the call to the file in place:
    reading every sheet's rows from the database, the Summary's figures (gates, conflicts),
    the dependency matrix, typed and styled cells, tables, and the save; with the child's
    peak resident memory (goal: under 300 MB);
(b) the baseline: the same cell values written with plain openpyxl in write-only mode,
    `ws.append(values)` row by row, no styles, no tables, then saved. Its values come from
    the same readers (app.services.workbook_data / workbook_records), converted to what
    openpyxl takes as it is (aware date-times to naive ones in the export's zone, a link to
    its text) and pickled to a temporary file first; only the appends and the save are
    timed, never the reading nor the unpickling. It covers the seven data sheets, header rows
    included: the Summary and the matrix grid exist only in (a).

The figure that counts is (a) / (b) (goal: at most 1.3x): what the workbook costs beyond
writing its cells at all. With `--runs N` each side runs N times, alternating, and the best
of each is used (noise on a shared machine only ever adds time).
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.bench.procs import Sample, child_env, emit, run

GOAL_RATIO = 1.3
GOAL_MB = 300.0
DB_NAME = "demo-large-seed7.db"
ZONE = "UTC"
ZONE_INFO = ZoneInfo(ZONE)


def _export(db_path: Path, out: Path) -> dict[str, Any]:
    from app.db import open_database
    from app.exchange.release_workbook import export_workbook

    db = open_database(str(db_path))
    start = time.perf_counter()
    with db.read() as session:
        result = export_workbook(session, out, zone=ZONE)
    seconds = time.perf_counter() - start
    db.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "sheets": result.sheets, "problems": len(result.problems),
            "peak_mb": peak, "file_mb": out.stat().st_size / 2**20}  # fmt: skip


def _sheets(session: Any) -> list[tuple[str, list[str], Any]]:
    """(title, header, rows) of each data sheet, from the export's own readers."""
    from app.exchange import release_workbook as wb
    from app.exchange.workload_columns import WORKLOAD_COLUMNS
    from app.services import workbook_data as data
    from app.services import workbook_records as records

    scope = data.resolve_scope(session, zone=ZONE)

    def head(columns: list[Any]) -> list[str]:
        return [c.header for c in columns]

    return [
        ("Releases", head(wb.releases_columns(ZONE)), data.release_rows(session, scope)),
        ("Workloads", [c.header for c in WORKLOAD_COLUMNS], data.workload_rows(session, scope)),
        ("Capacity", head(wb.capacity_columns(ZONE)), data.capacity_rows(session, scope)),
        ("Calendar", head(wb.calendar_columns(ZONE)), data.calendar_rows(session, scope)),
        ("Runbooks", head(wb.RUNBOOK_COLUMNS), records.runbook_rows(session, scope)),
        ("Approvals", head(wb.approval_columns(ZONE)), records.approval_rows(session, scope)),
        ("Audit events", head(wb.audit_columns(ZONE)), records.audit_rows(session, scope)),
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(ZONE_INFO).replace(tzinfo=None)
    if isinstance(value, tuple):
        return value[1]
    return value


def _baseline(db_path: Path, out: Path) -> dict[str, Any]:
    from openpyxl import Workbook

    from app.db import open_database

    db = open_database(str(db_path))
    cells = 0
    with tempfile.TemporaryFile() as stream:
        start = time.perf_counter()
        with db.read() as session:
            for title, header, rows in _sheets(session):
                pickle.dump(("sheet", title, header), stream)
                batch: list[list[Any]] = []
                for row in rows:
                    batch.append([_plain(v) for v in row])
                    if len(batch) == 2000:
                        pickle.dump(("rows", batch), stream)
                        batch = []
                pickle.dump(("rows", batch), stream)
        read_s = time.perf_counter() - start
        db.dispose()
        stream.seek(0)
        wb = Workbook(write_only=True)
        ws = None
        write_s = 0.0
        while True:
            try:
                item = pickle.load(stream)
            except EOFError:
                break
            started = time.perf_counter()
            if item[0] == "sheet":
                ws = wb.create_sheet(item[1])
                ws.append(item[2])
            else:
                assert ws is not None
                for values in item[1]:
                    ws.append(values)
                    cells += len(values)
            write_s += time.perf_counter() - started
        started = time.perf_counter()
        wb.save(out)
        write_s += time.perf_counter() - started
    return {"seconds": write_s, "read_s": read_s, "cells": cells,
            "file_mb": out.stat().st_size / 2**20}  # fmt: skip


def _child(kind: str, db_path: Path, out: Path) -> int:
    emit(_export(db_path, out) if kind == "export" else _baseline(db_path, out))
    return 0


def _database(folder: Path, env: dict[str, str]) -> Path:
    path = folder / DB_NAME
    if not path.exists():
        print(f"generating {path} …", file=sys.stderr, flush=True)
        cmd = [sys.executable, "-m", "tests.bench.generate_child", "--db", f"sqlite:///{path}",
               "--scale", "large"]  # fmt: skip
        sample = run(cmd, env, timeout=1800)
        if not sample.ok:
            raise SystemExit(f"generating the large demo failed: {sample.problem()}")
    return path


def _measure(kind: str, db_path: Path, work: Path, env: dict[str, str]) -> Sample:
    out = work / f"{kind}.xlsx"
    cmd = [sys.executable, "-m", "tests.bench.xlsx", "--one", kind, "--db", str(db_path),
           "--out", str(out)]  # fmt: skip
    sample = run(cmd, env, timeout=3600)
    if not sample.ok or not sample.data:
        raise SystemExit(f"the {kind} child failed: {sample.problem()}")
    out.unlink(missing_ok=True)
    return sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.xlsx")
    parser.add_argument("--dir", default=".bench", help="where the demo database is kept")
    parser.add_argument("--runs", type=int, default=1, help="runs of each side (best counts)")
    parser.add_argument("--one", choices=("export", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        return _child(args.one, Path(args.db), Path(args.out))
    folder = Path(args.dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="releasedesk-xlsx-") as tmp:
        work = Path(tmp)
        env = child_env(work / "home")
        db_path = _database(folder, env)
        exports, baselines = [], []
        for n in range(max(1, args.runs)):
            print(f"run {n + 1}: export …", file=sys.stderr, flush=True)
            exports.append(_measure("export", db_path, work, env))
            print(f"run {n + 1}: baseline …", file=sys.stderr, flush=True)
            baselines.append(_measure("baseline", db_path, work, env))
    a = min(exports, key=lambda s: s.data["seconds"]).data
    b = min(baselines, key=lambda s: s.data["seconds"]).data
    peak = max(max(s.data["peak_mb"], s.peak_mb) for s in exports)
    ratio = a["seconds"] / b["seconds"]
    ok_ratio, ok_mb = ratio <= GOAL_RATIO, peak < GOAL_MB
    print(f"release workbook of the large demo, everything, zone {ZONE} (best of {args.runs})")
    for sheet, rows in a["sheets"].items():
        print(f"  {sheet:<36}{rows:>12,} rows")
    print(f"  {'(a) export_workbook (s)':<36}{a['seconds']:>12.1f}   file {a['file_mb']:.1f} MB")
    print(f"  {'(b) plain openpyxl write-only (s)':<36}{b['seconds']:>12.1f}   file "
          f"{b['file_mb']:.1f} MB, {b['cells']:,} cells")  # fmt: skip
    print(f"  {'    reading its values, not timed (s)':<36}{b['read_s']:>12.1f}")
    print(f"  {'ratio (a) / (b)':<36}{ratio:>11.2f}x   (goal <= {GOAL_RATIO}x) "
          f"{'ok' if ok_ratio else 'MISSED'}")  # fmt: skip
    print(f"  {'peak memory of (a) (MB)':<36}{peak:>12.0f}   (goal < {GOAL_MB:.0f} MB) "
          f"{'ok' if ok_mb else 'MISSED'}")  # fmt: skip
    return 0 if ok_ratio and ok_mb else 1


if __name__ == "__main__":
    raise SystemExit(main())
