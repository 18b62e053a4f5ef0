"""How fast the dependency matrix repaints at 1,000 components (DESIGN.md section 8).

    python -m tests.bench.matrix_paint [--items 1000] [--per-item 6] [--runs 40]

Builds a synthetic component graph in memory (no database: teams, mostly provider-first
edges of every kind, a few back edges that close cycles, some decoupled by a flag), lays it
out with `build_matrix`, and times full synchronous repaints of the canvas viewport:

- at a typical window (1200 × 800, 16 px cells, scrolled into the middle, hover on);
- zoomed to 4 px cells (no names; marks batched per kind);
- zoomed out to the whole matrix (fit), first paint (builds the overview) and repaints.

Each figure is the median over --runs repaints, and its ratio to the baseline measured in
the same run: a bare QWidget of the same size whose paintEvent only fills its rectangle.
The goal is under 100 ms per repaint: a hover or a scroll never stalls.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable

from app.planning.dependency_order import Edge
from app.planning.dsm import Matrix, build_matrix

KINDS = ("api", "api", "api", "schema", "library", "data", "infrastructure")
GOAL_MS = 100.0


def synthetic(items: int, per_item: float, seed: int = 11) -> Matrix:
    rng = random.Random(seed)
    teams = {f"svc-{i:04d}": f"Team {i % 50:02d}" for i in range(items)}
    names = list(teams)
    edges: dict[tuple[str, str], Edge] = {}
    for i, consumer in enumerate(names[1:], 1):
        for _ in range(rng.randint(0, int(per_item * 2))):
            provider = names[rng.randrange(0, i)]
            edges[(consumer, provider)] = Edge(
                consumer, provider, rng.choice(KINDS), rng.random() < 0.05
            )
    for _ in range(max(1, items // 100)):  # back edges: cycles of a few members
        a = rng.randrange(0, items - 5)
        b = a + rng.randint(1, 4)
        edges[(names[a], names[b])] = Edge(names[a], names[b], "api")
        edges[(names[b], names[a])] = Edge(names[b], names[a], "data")
    return build_matrix(teams, edges.values())


def median_ms(repaint: Callable[[], None], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        repaint()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--per-item", type=float, default=6.0, help="mean dependencies/item")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QPainter, QPaintEvent
    from PySide6.QtWidgets import QApplication, QWidget

    from ui.views.matrix.canvas import MatrixCanvas
    from ui.views.matrix.paint import CellIndex

    class Bare(QWidget):
        def paintEvent(self, _event: QPaintEvent) -> None:
            painter = QPainter(self)
            painter.fillRect(self.rect(), self.palette().base())
            painter.end()

    app = QApplication.instance() or QApplication([sys.argv[0]])
    start = time.perf_counter()
    matrix = synthetic(args.items, args.per_item)
    built = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    index = CellIndex.of(matrix)
    indexed = (time.perf_counter() - start) * 1000

    canvas = MatrixCanvas()
    canvas.resize(1200, 800)
    canvas.show()
    canvas.set_matrix(matrix, index)
    app.processEvents()
    viewport = canvas.viewport()
    bare = Bare()
    bare.resize(viewport.size())
    bare.show()
    app.processEvents()
    baseline = median_ms(bare.repaint, args.runs)

    rows: list[tuple[str, float]] = []
    canvas.zoom_to(16.0)
    canvas.set_current(len(matrix.names) // 2, len(matrix.names) // 2 - 3)
    canvas.hl.hover = canvas.cell_at(QPoint(600, 400))
    canvas.set_changing(matrix.names[::7])
    rows.append(("typical window, 16 px cells, hover", median_ms(viewport.repaint, args.runs)))
    canvas.zoom_to(4.0)
    rows.append(("zoomed to 4 px cells", median_ms(viewport.repaint, args.runs)))
    canvas.fit()
    start = time.perf_counter()
    viewport.repaint()
    rows.append(("whole matrix (fit), first paint", (time.perf_counter() - start) * 1000))
    rows.append(("whole matrix (fit), repaint", median_ms(viewport.repaint, args.runs)))

    print(
        f"Matrix repaint: {len(matrix.names):,} items, {len(matrix.cells):,} dependencies, "
        f"{len(matrix.blocks)} cycles; viewport {viewport.width()}×{viewport.height()}; "
        f"median of {args.runs} runs"
    )
    print(f"(build_matrix {built:.0f} ms, sparse index {indexed:.0f} ms, once per load)")
    print(f"{'case':<40} {'ms':>8} {'× baseline':>11}")
    print(f"{'baseline: bare QWidget fillRect':<40} {baseline:>8.2f} {1.0:>11.1f}")
    worst = 0.0
    for label, ms in rows:
        worst = max(worst, ms)
        print(f"{label:<40} {ms:>8.2f} {ms / max(baseline, 1e-6):>11.1f}")
    verdict = "met" if worst < GOAL_MS else "NOT met"
    print(f"goal: every repaint under {GOAL_MS:.0f} ms — {verdict} (worst {worst:.1f} ms)")
    canvas.close()
    bare.close()
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
