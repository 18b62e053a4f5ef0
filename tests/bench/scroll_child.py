"""Child: page through the whole Workloads list in a real table view, offscreen.

The view is set up as the Workloads screen sets up its table (fixed row heights, no
per-row sizing), over the paged `WorkloadTableModel`. It jumps to the bottom, then pages
down from the top to the last row the way a user holding Page Down would, painting every
screenful. Reported: time per step (the worst step is the stall a user would feel), rows
the model holds at the end against the total, and how much resident memory grew.

    python -m tests.bench.scroll_child --db FILE
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

from tests.bench.procs import emit, rss_mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--stride", type=int, default=1, help="screens per step (default 1)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

    from app.db import open_database
    from ui.models.workload_table_model import WorkloadTableModel

    app = QApplication([sys.argv[0]])
    db = open_database(args.db)
    table = QTableView()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.resize(1440, 900)
    table.show()
    app.processEvents()
    rss_before = rss_mb()

    start = time.perf_counter()
    model = WorkloadTableModel(db.read)
    table.setModel(model)
    for i, column in enumerate(model.columns):
        table.setColumnWidth(i, column.width)
    app.processEvents()
    opened = time.perf_counter() - start
    rss_open = rss_mb()

    start = time.perf_counter()
    table.scrollToBottom()
    app.processEvents()
    to_bottom = time.perf_counter() - start
    table.scrollToTop()
    app.processEvents()

    bar = table.verticalScrollBar()
    paint_only: list[float] = []
    fetching: list[float] = []
    begin = time.perf_counter()
    while bar.value() < bar.maximum():
        fetched, t0 = getattr(model, "fetches", 0), time.perf_counter()
        bar.setValue(min(bar.value() + args.stride * bar.pageStep(), bar.maximum()))
        app.processEvents()
        elapsed = time.perf_counter() - t0
        (fetching if getattr(model, "fetches", 0) != fetched else paint_only).append(elapsed)
    through = time.perf_counter() - begin
    steps = paint_only + fetching
    last_visible = table.rowAt(table.viewport().height() - 1)
    total = model.rowCount()
    held = getattr(model, "cached_pages", 0) * getattr(model, "page_size", 0)
    emit(
        {
            "rows": total,
            "open_s": opened,
            "to_bottom_s": to_bottom,
            "through_s": through,
            "steps": len(steps),
            "step_mean_ms": 1000 * statistics.fmean(steps) if steps else 0.0,
            "step_p95_ms": 1000 * _percentile(steps, 0.95),
            "step_max_ms": 1000 * max(steps, default=0.0),
            "fetch_steps": len(fetching),
            "fetch_mean_ms": 1000 * statistics.fmean(fetching) if fetching else 0.0,
            "paint_mean_ms": 1000 * statistics.fmean(paint_only) if paint_only else 0.0,
            "reached_row": last_visible,
            "rows_held": min(held, total),
            "pages_fetched": getattr(model, "fetches", -1),
            "rss_before_mb": rss_before,
            "rss_open_mb": rss_open,
            "rss_end_mb": rss_mb(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    )
    table.close()
    db.dispose()
    return 0


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


if __name__ == "__main__":
    sys.exit(main())
