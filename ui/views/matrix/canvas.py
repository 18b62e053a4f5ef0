"""The matrix on screen: a scroll area that paints only what is visible, with frozen row and
column headers, hover cross-hair, tooltips, a keyboard cursor and zoom.

No widget per cell: a 1,000 × 1,000 matrix is one viewport and a sparse index, so a repaint
costs the visible rows and their marks (see `paint.py`), whatever the matrix size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QToolTip, QWidget

from app.planning.dsm import Matrix, build_matrix
from ui.views.matrix.marks import kind_label
from ui.views.matrix.paint import NAMES_MIN, CellIndex, Colours, Highlights, MatrixPainter

ZOOMS = (1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0, 16.0, 20.0, 24.0, 32.0, 40.0)
"""Cell sizes (px) the zoom steps through; "fit" may sit between them."""
NONE = (-1, -1)

Describe = Callable[[int, int], str]


class MatrixCanvas(QAbstractScrollArea):
    current_changed = Signal(int, int)
    """Row and column of the keyboard cursor; (i, i) when item i itself is picked."""
    activated = Signal(int, int)
    """Double-click or Enter on a cell: add, change or remove that dependency."""
    delete_requested = Signal(int, int)
    hovered = Signal(int, int)
    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setAccessibleName("Dependency matrix")
        self.setAccessibleDescription(
            "Rows depend on columns. Arrow keys move, Enter edits, Ctrl+plus and minus zoom."
        )
        self.empty_text = "No components to show."
        self.describe: Describe | None = None
        """Tooltip text for a cell (row or column -1 for a header); the view adds release
        and flag details the canvas does not know about."""
        self.block_word = "Cycle"
        """How blocks on the diagonal are named: "Cycle" (C1, C2…) or "Group" (1, 2…)."""
        self.cell = 16.0
        self.hl = Highlights()
        self._grouped = False
        self._zoom_mode = "initial"
        """initial: the opening size for this matrix; fit: follow the window; manual."""
        self._colours = Colours.of(self.palette())
        self.set_matrix(build_matrix({}, []))

    # ------------------------------------------------------------------ data
    @property
    def matrix(self) -> Matrix:
        return self._matrix

    @property
    def index(self) -> CellIndex:
        return self._index

    @property
    def painter(self) -> MatrixPainter:
        return self._painter

    def set_matrix(
        self, matrix: Matrix, index: CellIndex | None = None, *, grouped: bool = False
    ) -> None:
        """Show `matrix`, keeping the cursor and selection on the same items by name."""
        old = getattr(self, "_matrix", None)

        def moved(i: int) -> int:
            if old is None or not 0 <= i < len(old.names):
                return -1
            return self._position.get(old.names[i], -1) if hasattr(self, "_position") else -1

        self._matrix = matrix
        self._index = index or CellIndex.of(matrix)
        self._grouped = grouped
        self._position = {name: i for i, name in enumerate(matrix.names)}
        self._painter = MatrixPainter(matrix, self._index, grouped, self.font(), self.block_word)
        row, col = self.hl.current
        self.hl.current = (moved(row), moved(col))
        if -1 in self.hl.current:
            self.hl.current = NONE
        self.hl.selected = moved(self.hl.selected)
        self.hl.hover = NONE
        self.hl.changing = frozenset()
        if self._zoom_mode != "manual" or self.cell < self.fit_cell():
            self._zoom_mode = "initial"
            self.cell = self._initial_cell()
        self._update_scrollbars()
        self.viewport().update()

    def position(self, name: str) -> int:
        return self._position.get(name, -1)

    def set_changing(self, names: Iterable[str]) -> None:
        self.hl.changing = frozenset(self._position[n] for n in names if n in self._position)
        self.viewport().update()

    # ------------------------------------------------------------- selection
    @property
    def current(self) -> tuple[int, int]:
        return self.hl.current

    def set_current(self, row: int, col: int, *, scroll: bool = True) -> None:
        n = len(self._matrix.names)
        if not (0 <= row < n and 0 <= col < n):
            row, col = NONE
        changed = (row, col) != self.hl.current
        self.hl.current = (row, col)
        self.hl.selected = row
        if scroll and row >= 0:
            self.scroll_to(row, col)
        self.viewport().update()
        if changed:
            self.current_changed.emit(row, col)

    def scroll_to(self, row: int, col: int) -> None:
        """Bring the cell into view, centring it when it is off screen."""
        lay = self._painter.layout(self.cell)
        vw, vh = self.viewport().width() - lay.left, self.viewport().height() - lay.top
        for bar, pos, size in (
            (self.horizontalScrollBar(), col * self.cell, vw),
            (self.verticalScrollBar(), row * self.cell, vh),
        ):
            if pos < bar.value() or pos + self.cell > bar.value() + size:
                bar.setValue(int(pos - size / 2))

    def cell_at(self, pos: QPoint) -> tuple[int, int]:
        """(row, column) under a viewport point; -1 for the header side it lies in."""
        lay = self._painter.layout(self.cell)
        n = len(self._matrix.names)
        sx, sy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        col = math.floor((pos.x() - lay.left + sx) / self.cell) if pos.x() >= lay.left else -1
        row = math.floor((pos.y() - lay.top + sy) / self.cell) if pos.y() >= lay.top else -1
        return (row if row < n else -1, col if col < n else -1)

    def cell_rect(self, row: int, col: int) -> QRect:
        lay = self._painter.layout(self.cell)
        sx, sy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        x = lay.left - sx + col * self.cell
        y = lay.top - sy + row * self.cell
        return QRect(int(x), int(y), max(1, int(self.cell)), max(1, int(self.cell)))

    # ------------------------------------------------------------------ zoom
    def fit_cell(self) -> float:
        """The cell size at which the whole matrix fits the viewport."""
        n = max(1, len(self._matrix.names))
        w, h = self.viewport().width(), self.viewport().height()
        lay = self._painter.layout(1.0)
        cell = min((w - lay.left) / n, (h - lay.top) / n)
        if cell >= NAMES_MIN:
            lay = self._painter.layout(cell)
            cell = max(NAMES_MIN, min((w - lay.left) / n, (h - lay.top) / n))
        return max(0.25, min(cell, ZOOMS[-1]))

    def _initial_cell(self) -> float:
        """Small matrices open legible (names shown); big ones open as the whole picture."""
        n = len(self._matrix.names)
        return 16.0 if n <= 80 else max(self.fit_cell(), 12.0) if n <= 150 else self.fit_cell()

    def zoom_in(self) -> None:
        self.zoom_to(self._step(self.cell, +1))

    def zoom_out(self) -> None:
        self.zoom_to(self._step(self.cell, -1))

    def _step(self, cell: float, direction: int) -> float:
        """The next zoom level; below the smallest, the whole-matrix view."""
        if direction > 0:
            return next((z for z in ZOOMS if z > cell + 1e-6), ZOOMS[-1])
        smaller = [z for z in ZOOMS if z < cell - 1e-6]
        return smaller[-1] if smaller else min(self.fit_cell(), cell)

    def fit(self) -> None:
        self.zoom_to(self.fit_cell())
        self._zoom_mode = "fit"

    def zoom_to(self, cell: float, anchor: QPoint | None = None) -> None:
        """Change the cell size keeping the content under `anchor` (or the centre) still."""
        cell = max(min(self.fit_cell(), ZOOMS[0]), min(cell, ZOOMS[-1]))
        if abs(cell - self.cell) < 1e-6:
            return
        self._zoom_mode = "manual"
        vp = self.viewport()
        at = anchor or QPoint(vp.width() // 2, vp.height() // 2)
        old = self._painter.layout(self.cell)
        new = self._painter.layout(cell)
        hbar, vbar = self.horizontalScrollBar(), self.verticalScrollBar()
        cx = (at.x() - old.left + hbar.value()) / self.cell
        cy = (at.y() - old.top + vbar.value()) / self.cell
        self.cell = cell
        self._update_scrollbars()
        hbar.setValue(int(cx * cell - (at.x() - new.left)))
        vbar.setValue(int(cy * cell - (at.y() - new.top)))
        vp.update()
        self.zoom_changed.emit(cell)

    def _update_scrollbars(self) -> None:
        lay = self._painter.layout(self.cell)
        side = len(self._matrix.names) * self.cell
        vp = self.viewport()
        for bar, size in (
            (self.horizontalScrollBar(), vp.width() - lay.left),
            (self.verticalScrollBar(), vp.height() - lay.top),
        ):
            bar.setRange(0, max(0, int(math.ceil(side - size))))
            bar.setPageStep(max(1, size))
            bar.setSingleStep(max(1, int(self.cell)))

    # ---------------------------------------------------------------- events
    def paintEvent(self, _event: QPaintEvent) -> None:
        vp = self.viewport()
        painter = QPainter(vp)
        if not self._matrix.names:
            painter.fillRect(vp.rect(), self._colours.window)
            painter.setPen(self._colours.muted)
            painter.drawText(vp.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
            painter.end()
            return
        self._painter.paint(
            painter,
            self._painter.layout(self.cell),
            self.horizontalScrollBar().value(),
            self.verticalScrollBar().value(),
            vp.width(),
            vp.height(),
            self._colours,
            self.hl,
        )
        painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._zoom_mode == "initial":
            self.cell = self._initial_cell()
        elif self._zoom_mode == "fit":
            self.cell = self.fit_cell()
        self._update_scrollbars()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._colours = Colours.of(self.palette())
            self._painter = MatrixPainter(
                self._matrix, self._index, self._grouped, self.font(), self.block_word
            )
            self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            row, col = self.cell_at(event.pos())
            text = self.tooltip_text(row, col)
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tooltip_text(self, row: int, col: int) -> str:
        if row < 0 and col < 0:
            return ""
        if self.describe is not None:
            return self.describe(row, col)
        m = self._matrix
        if row < 0 or col < 0:
            i = max(row, col)
            return f"{m.names[i]} — {m.teams[i]}, stage {m.stages[i] + 1}"
        edge = m.cells.get((row, col))
        if edge is None:
            return f"{m.names[row]} does not depend on {m.names[col]}"
        return f"{m.names[row]} depends on {m.names[col]}: {kind_label(edge.kind)}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hover = self.cell_at(event.position().toPoint())
        if hover != self.hl.hover:
            self.hl.hover = hover
            self.viewport().update()
            self.hovered.emit(*hover)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.hl.hover = NONE
        self.viewport().update()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row, col = self.cell_at(event.position().toPoint())
            if row >= 0 and col >= 0:
                self.set_current(row, col, scroll=False)
            elif max(row, col) >= 0:  # a header names one item
                item = max(row, col)
                self.set_current(item, item, scroll=False)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        row, col = self.cell_at(event.position().toPoint())
        if row >= 0 and col >= 0:
            self.set_current(row, col, scroll=False)
            self.activated.emit(row, col)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            at = event.position().toPoint()
            target = self.cell
            for _ in range(int(abs(steps)) or 1):
                target = self._step(target, 1 if steps > 0 else -1)
            self.zoom_to(target, at)
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
        key = event.key()
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (ctrl and key == Qt.Key.Key_Equal):
            self.zoom_in()
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key == Qt.Key.Key_Minus):
            self.zoom_out()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.hl.current != NONE:
            self.activated.emit(*self.hl.current)
        elif key == Qt.Key.Key_Delete and self.hl.current != NONE:
            self.delete_requested.emit(*self.hl.current)
        elif not self._move(key):
            super().keyPressEvent(event)

    def _move(self, key: int) -> bool:
        n = len(self._matrix.names)
        if not n:
            return False
        row, col = self.hl.current if self.hl.current != NONE else (0, 0)
        page = max(1, int(self.viewport().height() / self.cell) - 1)
        moves = {
            Qt.Key.Key_Up: (row - 1, col),
            Qt.Key.Key_Down: (row + 1, col),
            Qt.Key.Key_Left: (row, col - 1),
            Qt.Key.Key_Right: (row, col + 1),
            Qt.Key.Key_PageUp: (row - page, col),
            Qt.Key.Key_PageDown: (row + page, col),
            Qt.Key.Key_Home: (row, 0),
            Qt.Key.Key_End: (row, n - 1),
        }
        if key not in moves:
            return False
        r, c = moves[Qt.Key(key)]
        self.set_current(min(max(r, 0), n - 1), min(max(c, 0), n - 1))
        return True
