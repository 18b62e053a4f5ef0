"""The dependency matrix as a file: PNG or SVG drawn with matplotlib (headless, no Qt),
or an Excel sheet with the grid, for people without the application."""

from __future__ import annotations

from pathlib import Path

from app.planning.dsm import Matrix

KIND_LETTER = {"api": "A", "schema": "S", "library": "L", "data": "D", "infrastructure": "I"}
KIND_MARKER = {"api": "o", "schema": "s", "library": "^", "data": "D", "infrastructure": "v"}
LABEL_LIMIT = 250  # beyond this, names would overlap; the grid still shows structure


def write_matrix(matrix: Matrix, path: Path, title: str) -> None:
    suffix = path.suffix.lower()
    if suffix in (".png", ".svg"):
        _draw(matrix, path, title)
    elif suffix == ".xlsx":
        _workbook(matrix, path, title)
    else:
        raise ValueError(f"{path}: choose a .png, .svg or .xlsx file")


def _draw(matrix: Matrix, path: Path, title: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    n = max(len(matrix.names), 1)
    inches = min(max(6.0, n * 0.16 + 2.5), 60.0)
    fig = Figure(figsize=(inches, inches), dpi=100 if n <= 400 else 50)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_xlim(-0.5, n - 0.5)
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_aspect("equal")
    shade = False
    start = 0
    for i in range(1, n + 1):  # alternate band per team run, so teams read as groups
        if i == n or matrix.teams[i] != matrix.teams[start]:
            if shade:
                ax.add_patch(Rectangle((-0.5, start - 0.5), n, i - start, color="#f0f0f0", lw=0))
                ax.add_patch(Rectangle((start - 0.5, -0.5), i - start, n, color="#f0f0f0", lw=0))
            shade, start = not shade, i
    ax.plot([-0.5, n - 0.5], [-0.5, n - 0.5], color="#bbbbbb", lw=0.5)
    for block in matrix.blocks:
        size = block.end - block.start + 1
        ax.add_patch(
            Rectangle(
                (block.start - 0.5, block.start - 0.5),
                size,
                size,
                fill=False,
                edgecolor="#b00020",
                lw=1.5,
                linestyle="--",
            )
        )
        ax.annotate(
            f"cycle: {block.label}",
            (block.end + 0.6, block.start),
            fontsize=7,
            color="#b00020",
            va="center",
        )
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for (row, col), edge in matrix.cells.items():
        by_kind.setdefault(edge.kind, []).append((row, col))
    for kind, cells in sorted(by_kind.items()):
        ys, xs = zip(*cells, strict=True)
        ax.scatter(
            xs,
            ys,
            marker=KIND_MARKER.get(kind, "o"),
            s=max(4, 2400 / n),
            label=kind,
            facecolors="none" if kind in ("library", "data") else None,
            linewidths=0.8,
        )
    if n <= LABEL_LIMIT:
        labels = [
            f"{name}  [{team}]" for name, team in zip(matrix.names, matrix.teams, strict=True)
        ]
        ax.set_yticks(range(n), labels, fontsize=6)
        ax.set_xticks(range(n), matrix.names, fontsize=6, rotation=90)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(f"{title}\nrow depends on column · providers first · {n} items", fontsize=9)
    if by_kind:
        ax.legend(loc="upper right", fontsize=7, title="kind", title_fontsize=7)
    fig.tight_layout()
    fig.savefig(path)


def _workbook(matrix: Matrix, path: Path, title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = "Dependency matrix"
    ws.append([title, "", *[""] * len(matrix.names)])
    ws.append(["Team", "Component (row depends on column)", *matrix.names])
    cycle = PatternFill("solid", fgColor="FFE0E0")
    cycle_cells = {
        (r, c)
        for b in matrix.blocks
        for r in range(b.start, b.end + 1)
        for c in range(b.start, b.end + 1)
    }
    for r, (name, team) in enumerate(zip(matrix.names, matrix.teams, strict=True)):
        row = [team, name] + [
            KIND_LETTER.get(matrix.cells[(r, c)].kind, "?") if (r, c) in matrix.cells else None
            for c in range(len(matrix.names))
        ]
        ws.append(row)
        for c in range(len(matrix.names)):
            if (r, c) in cycle_cells:
                ws.cell(row=r + 3, column=c + 3).fill = cycle
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for cell in ws[2][2:]:
        cell.alignment = Alignment(text_rotation=90)
    ws.freeze_panes = "C3"
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 34
    legend = wb.create_sheet("Legend and cycles")
    legend.append(["Letter", "Kind"])
    for kind, letter in KIND_LETTER.items():
        legend.append([letter, kind])
    legend.append([])
    legend.append(["Cycle", "Members (deploy together)"])
    for i, block in enumerate(matrix.blocks, start=1):
        legend.append([i, block.label])
    wb.save(path)
