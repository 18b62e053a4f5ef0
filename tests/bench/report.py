"""The benchmark's printed tables: figures next to the baseline ratio and the goal."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench.procs import Sample

Row = dict[str, Any]
STALL_MS = 100.0
"""DESIGN.md section 6: the GUI never freezes for more than about 100 ms."""


def header() -> list[str]:
    import sqlalchemy

    try:
        import PySide6

        qt = f"PySide6 {PySide6.__version__}"
    except ImportError:
        qt = "PySide6 missing"
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"ReleaseDesk benchmarks, {when}",
        f"Python {platform.python_version()} · {qt} · SQLAlchemy {sqlalchemy.__version__} · "
        f"SQLite {sqlite3.sqlite_version} · {platform.system()} {platform.machine()} · "
        f"{os.cpu_count()} CPUs",
        "",
    ]


def generation_row(label: str, sample: Sample | None, path: Path | None = None) -> Row:
    size = _file_mb(path) if path is not None else None
    if sample is None:
        return {"label": label, "reused": True, "size": size}
    data = sample.data
    return {
        "label": label,
        "reused": False,
        "seconds": data["seconds"],
        "rows": data["rows"],
        "workloads": data["counts"]["workloads"],
        "deployments": data["counts"]["deployments"],
        "size": size,
        "peak": sample.peak_mb,
    }


def generation_table(rows: list[Row]) -> list[str]:
    out = [
        "(a) Demo generation, one transaction, Core bulk inserts",
        f"  {'dataset':<20} {'workloads':>10} {'deploys':>9} {'rows':>9} {'seconds':>8} "
        f"{'rows/s':>8} {'file MB':>8} {'peak MB':>8}",
    ]
    for r in rows:
        size = "" if r.get("size") is None else f"{r['size']:.1f}"
        if r["reused"]:
            out.append(f"  {r['label']:<20} {'(reused from --db-dir: not timed)':>47} {size:>8}")
            continue
        rate = r["rows"] / r["seconds"] if r["seconds"] else 0.0
        out.append(
            f"  {r['label']:<20} {r['workloads']:>10,} {r['deployments']:>9,} {r['rows']:>9,} "
            f"{r['seconds']:>8.1f} {rate:>8,.0f} {size:>8} {r['peak']:>8.0f}"
        )
    return [*out, ""]


StartupRow = tuple[str, float, float, float, float, float, str]
"""Label, median and min seconds to first paint, the bare median, the median seconds to
exit, the peak MB and the goal verdict."""


def startup_table(rows: list[StartupRow], runs: int) -> list[str]:
    out = [
        f"(b) Process start to first painted window, {runs} runs each (milliseconds)",
        "  timed from just before spawning to the child's `first-paint` line (the window has",
        "  painted the view with its data); bytecode caches warmed by one uncounted run of",
        "  each command; exit = the whole run with the screenshot; peak RSS of the whole run",
        f"  {'case':<32} {'median':>7} {'min':>7} {'× bare':>7} {'exit':>7} {'peak MB':>8}  goal",
    ]
    for label, median, fastest, bare, ended, peak, goal in rows:
        ratio = median / bare if bare else 0.0
        out.append(
            f"  {label:<32} {1000 * median:>7.0f} {1000 * fastest:>7.0f} {ratio:>7.2f} "
            f"{1000 * ended:>7.0f} {peak:>8.0f}  {goal}"
        )
    return [*out, ""]


def scroll_table(d: dict[str, Any], stride: int) -> list[str]:
    held = d["rows_held"]
    total = d["rows"] or 1
    step = "a screenful" if stride == 1 else f"{stride} screenfuls"
    return [
        f"(c) Workloads view, paging top to bottom through {d['rows']:,} rows ({step} per step)",
        f"  open model + first paint      {1000 * d['open_s']:>9.0f} ms",
        f"  scrollToBottom + paint        {1000 * d['to_bottom_s']:>9.0f} ms",
        f"  top to bottom                 {d['through_s']:>9.1f} s in {d['steps']:,} steps "
        f"(reached row {d['reached_row'] + 1:,})",
        f"  per step: mean / p95 / max    {d['step_mean_ms']:>6.1f} / {d['step_p95_ms']:.1f} / "
        f"{d['step_max_ms']:.1f} ms   (goal: no stall over ~100 ms: "
        f"{'met' if d['step_max_ms'] <= STALL_MS else 'MISSED'})",
        f"  steps that fetched a page     {d['fetch_steps']:>9,}   mean {d['fetch_mean_ms']:.1f} ms"
        f"   (paint-only steps: mean {d['paint_mean_ms']:.1f} ms)",
        f"  rows held at the end          {held:>9,} of {d['rows']:,} "
        f"({100 * held / total:.1f} %), "
        f"{d['pages_fetched']:,} page queries",
        f"  resident memory               {d['rss_before_mb']:>9.0f} MB before the model, "
        f"{d['rss_open_mb']:.0f} MB open, {d['rss_end_mb']:.0f} MB at the end "
        f"(growth {d['rss_end_mb'] - d['rss_before_mb']:+.0f} MB; peak {d['peak_mb']:.0f} MB)",
        "",
    ]


def _file_mb(path: Path) -> float | None:
    if not path.exists():
        return None
    extra = sum(p.stat().st_size for p in path.parent.glob(path.name + "-*") if p.is_file())
    return (path.stat().st_size + extra) / 2**20


if sys.platform == "win32":  # pragma: no cover - wait4 and /proc are POSIX
    raise SystemExit("the benchmarks need a POSIX system (os.wait4)")
