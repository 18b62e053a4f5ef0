"""The whole matrix as a picture: PNG for slides and chat, SVG for print and zooming.

Both go through the same `MatrixPainter` as the screen, so an export looks like the view. The
functions take plain values (no widget), so the view can run them off the GUI thread. A PNG is
capped in size (a 1,000-item matrix with readable names would be 15,000 px square, half a
gigabyte of pixels): past that, names give way to the overview; SVG has no such limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from app.planning.dsm import Matrix
from ui.views.matrix.paint import (
    NAMES_MIN,
    CellIndex,
    Colours,
    Highlights,
    Layout,
    MatrixPainter,
)
from ui.workers import run_with_progress

PNG_MAX = 4096
"""Longest side of an exported PNG, in pixels."""
SVG_CELL = 16.0
CAPTION = 30


@dataclass(frozen=True)
class ExportRequest:
    matrix: Matrix
    colours: Colours
    font: QFont
    title: str = ""
    grouped: bool = False
    changing: frozenset[int] = field(default_factory=frozenset)
    block_word: str = "Cycle"


def _painter(request: ExportRequest) -> MatrixPainter:
    m = request.matrix
    return MatrixPainter(m, CellIndex.of(m), request.grouped, request.font, request.block_word)


def png_cell(painter: MatrixPainter, limit: int = PNG_MAX) -> float:
    """The largest cell (≤ 16 px) whose picture fits `limit`, names included when they fit."""
    n = max(1, len(painter.matrix.names))
    for cell in (16.0, 14.0, 12.0, NAMES_MIN):
        width, height = painter.content_size(painter.layout(cell))
        if max(width, height + CAPTION) + 1 <= limit:
            return cell
    bare = painter.layout(1.0)
    return max(0.5, min(NAMES_MIN - 1, (limit - max(bare.left, bare.top) - CAPTION - 2) / n))


def _draw(p: QPainter, painter: MatrixPainter, lay: Layout, request: ExportRequest) -> QSize:
    width, height = painter.content_size(lay)
    size = QSize(int(width) + 1, int(height) + CAPTION + 1)
    p.fillRect(QRectF(0, 0, size.width(), size.height()), request.colours.window)
    p.setPen(request.colours.text)
    bold = QFont(request.font)
    bold.setBold(True)
    p.setFont(bold)
    p.drawText(
        QRectF(8, 0, size.width() - 16, CAPTION),
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        request.title,
    )
    p.translate(0, CAPTION)
    highlights = Highlights(changing=request.changing)
    painter.paint(p, lay, 0, 0, width, height, request.colours, highlights)
    return size


def export_size(request: ExportRequest, svg: bool = False) -> QSize:
    painter = _painter(request)
    cell = SVG_CELL if svg else png_cell(painter)
    width, height = painter.content_size(painter.layout(cell))
    return QSize(int(width) + 1, int(height) + CAPTION + 1)


def export_png(request: ExportRequest, path: str | Path) -> QSize:
    """Write the whole matrix as a PNG; returns its pixel size. Raises OSError on failure."""
    painter = _painter(request)
    lay = painter.layout(png_cell(painter))
    size = export_size(request)
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(request.colours.window)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    _draw(p, painter, lay, request)
    p.end()
    writer = QImageWriter(str(path), QByteArray(b"png"))
    if not writer.write(image):
        raise OSError(f"{path}: cannot write the PNG file ({writer.errorString()})")
    return size


def export_svg(request: ExportRequest, path: str | Path) -> QSize:
    """Write the whole matrix as an SVG, names and letters included at any size."""
    painter = _painter(request)
    lay = painter.layout(SVG_CELL)
    size = export_size(request, svg=True)
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
    generator.setTitle(request.title or "Dependency matrix")
    generator.setDescription("ReleaseDesk design structure matrix: rows depend on columns")
    p = QPainter()
    if not p.begin(generator):
        raise OSError(f"{path}: cannot write the SVG file")
    _draw(p, painter, lay, request)
    p.end()
    if not Path(path).is_file():
        raise OSError(f"{path}: cannot write the SVG file")
    return size


def export_with_progress(
    request: ExportRequest, fmt: str, path: str | Path, parent: QWidget | None = None
) -> QSize:
    """Draw in a worker behind a progress dialog: a big SVG takes seconds."""
    writer = export_svg if fmt == "svg" else export_png
    return run_with_progress(
        lambda _report: writer(request, path),
        title="Export the matrix",
        label=f"Drawing {len(request.matrix.names):,} items to {Path(path).name}…",
        parent=parent,
        indeterminate=True,
    )
